package grounding_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// TestQuality measures the checker. It is opt-in: set BEDSIDE_QUALITY=1 and
// run with -v to see the figures. BEDSIDE_QUALITY=dev also lists the
// misclassified rows of the hard set's dev half (never the test half).
// PubMedQA figures come from the eval package: bedside eval grounding.
func TestQuality(t *testing.T) {
	mode := os.Getenv("BEDSIDE_QUALITY")
	if mode == "" {
		t.Skip("set BEDSIDE_QUALITY=1 to measure the checker's quality")
	}
	t.Run("Hard", func(t *testing.T) { hardQuality(t, mode == "dev") })
}

type hardRow struct {
	ID       string   `json:"id"`
	Group    string   `json:"group"`
	Split    string   `json:"split"`
	Kind     string   `json:"kind"`
	Claim    string   `json:"claim"`
	Passages []string `json:"passages"`
	Label    bool     `json:"label"`
}

func loadJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("data absent: %v", err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// evaluate checks every row with c and returns the scores, labels and
// eval.Confusion (prediction = Supported). grounding.NotAClaim rows count as unsupported.
func evaluateRows(c *grounding.Checker, rows []hardRow) ([]float64, []bool, eval.Confusion, []grounding.Result) {
	var cm eval.Confusion
	scores := make([]float64, len(rows))
	labels := make([]bool, len(rows))
	results := make([]grounding.Result, len(rows))
	for i, r := range rows {
		res := c.Check(r.Claim, r.Passages...)
		results[i] = res
		scores[i], labels[i] = res.Score, r.Label
		cm.Add(res.Supported(), r.Label)
	}
	return scores, labels, cm, results
}

func hardQuality(t *testing.T, showDev bool) {
	rows := loadJSONL[hardRow](t, "testdata/hard.jsonl")
	split := func(name string) []hardRow {
		var out []hardRow
		for _, r := range rows {
			if name == "" || r.Split == name {
				out = append(out, r)
			}
		}
		return out
	}
	dev, test := split("dev"), split("test")

	// Choose the threshold on the dev half: the grid value with the best
	// F1, ties going to the value nearest the principled prior 0.75.
	t.Logf("hard set: %d rows (dev %d, test %d)", len(rows), len(dev), len(test))
	bestTh, bestF1 := 0.0, -1.0
	var sweep []string
	for th := 0.40; th <= 1.0001; th += 0.05 {
		th = math.Round(th*100) / 100
		_, _, cm, _ := evaluateRows(&grounding.Checker{Threshold: th}, dev)
		sweep = append(sweep, fmt.Sprintf("%.2f:%.3f", th, cm.F1()))
		if f := cm.F1(); f > bestF1+1e-12 || (math.Abs(f-bestF1) <= 1e-12 && math.Abs(th-0.75) < math.Abs(bestTh-0.75)) {
			bestTh, bestF1 = th, f
		}
	}
	t.Logf("dev threshold sweep (threshold:F1): %s", strings.Join(sweep, " "))
	t.Logf("dev-chosen threshold %.2f (dev F1 %.3f); grounding.DefaultThreshold = %.2f", bestTh, bestF1, grounding.DefaultThreshold)

	var c grounding.Checker
	for _, part := range []struct {
		name string
		rows []hardRow
	}{{"dev", dev}, {"test", test}, {"all", rows}} {
		scores, labels, cm, results := evaluateRows(&c, part.rows)
		t.Logf("hard/%s at default threshold: AUROC=%.4f  %v", part.name, aurocOf(scores, labels), cm)
		if part.name == "test" || part.name == "all" {
			byKind := map[string]*eval.Confusion{}
			var kinds []string
			for i, r := range part.rows {
				if byKind[r.Kind] == nil {
					byKind[r.Kind] = &eval.Confusion{}
					kinds = append(kinds, r.Kind)
				}
				byKind[r.Kind].Add(results[i].Supported(), r.Label)
			}
			slices.Sort(kinds)
			var line []string
			for _, k := range kinds {
				cm := byKind[k]
				if k == "positive" {
					line = append(line, fmt.Sprintf("positive accepted %d/%d", cm.TP, cm.TP+cm.FN))
				} else {
					line = append(line, fmt.Sprintf("%s caught %d/%d", k, cm.TN, cm.TN+cm.FP))
				}
			}
			t.Logf("hard/%s by kind: %s", part.name, strings.Join(line, "; "))
		}
		if showDev && part.name == "dev" {
			for i, r := range part.rows {
				if results[i].Supported() != r.Label {
					t.Logf("  dev miss %s [%s] label=%v score=%.2f cov=%.2f %v\n      %s", r.ID, r.Kind, r.Label, results[i].Score, results[i].Coverage, results[i].Problems, r.Claim)
				}
			}
		}
	}
	if bestTh != grounding.DefaultThreshold {
		_, _, cm, _ := evaluateRows(&grounding.Checker{Threshold: bestTh}, test)
		t.Logf("hard/test at dev-chosen threshold %.2f: %v", bestTh, cm)
	}
}

func aurocOf(scores []float64, labels []bool) float64 {
	a, _ := eval.AUROC(scores, labels)
	return a
}

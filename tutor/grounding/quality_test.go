package grounding

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/sentences"
)

// TestQuality measures the checker. It is opt-in: set BEDSIDE_QUALITY=1 and
// run with -v to see the figures. BEDSIDE_QUALITY=dev also lists the
// misclassified rows of the hard set's dev half (never the test half).
// PubMedQA is read from BEDSIDE_PUBMEDQA or ../../../shared/data/pubmedqa.
func TestQuality(t *testing.T) {
	mode := os.Getenv("BEDSIDE_QUALITY")
	if mode == "" {
		t.Skip("set BEDSIDE_QUALITY=1 to measure the checker's quality")
	}
	t.Run("Hard", func(t *testing.T) { hardQuality(t, mode == "dev") })
	t.Run("PubMedQA", pubmedQuality)
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
// confusion (prediction = Supported). NotAClaim rows count as unsupported.
func evaluateRows(c *Checker, rows []hardRow) ([]float64, []bool, confusion, []Result) {
	var cm confusion
	scores := make([]float64, len(rows))
	labels := make([]bool, len(rows))
	results := make([]Result, len(rows))
	for i, r := range rows {
		res := c.Check(r.Claim, r.Passages...)
		results[i] = res
		scores[i], labels[i] = res.Score, r.Label
		cm.add(res.Supported(), r.Label)
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
		_, _, cm, _ := evaluateRows(&Checker{Threshold: th}, dev)
		sweep = append(sweep, fmt.Sprintf("%.2f:%.3f", th, cm.f1()))
		if f := cm.f1(); f > bestF1+1e-12 || (math.Abs(f-bestF1) <= 1e-12 && math.Abs(th-0.75) < math.Abs(bestTh-0.75)) {
			bestTh, bestF1 = th, f
		}
	}
	t.Logf("dev threshold sweep (threshold:F1): %s", strings.Join(sweep, " "))
	t.Logf("dev-chosen threshold %.2f (dev F1 %.3f); DefaultThreshold = %.2f", bestTh, bestF1, DefaultThreshold)

	var c Checker
	for _, part := range []struct {
		name string
		rows []hardRow
	}{{"dev", dev}, {"test", test}, {"all", rows}} {
		scores, labels, cm, results := evaluateRows(&c, part.rows)
		t.Logf("hard/%s at default threshold: AUROC=%.4f  %v", part.name, auroc(scores, labels), cm)
		if part.name == "test" || part.name == "all" {
			byKind := map[string]*confusion{}
			var kinds []string
			for i, r := range part.rows {
				if byKind[r.Kind] == nil {
					byKind[r.Kind] = &confusion{}
					kinds = append(kinds, r.Kind)
				}
				byKind[r.Kind].add(results[i].Supported(), r.Label)
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
	if bestTh != DefaultThreshold {
		_, _, cm, _ := evaluateRows(&Checker{Threshold: bestTh}, test)
		t.Logf("hard/test at dev-chosen threshold %.2f: %v", bestTh, cm)
	}
}

type pubmedItem struct {
	PMID       string   `json:"pmid"`
	Question   string   `json:"question"`
	Contexts   []string `json:"contexts"`
	LongAnswer string   `json:"long_answer"`
	Meshes     []string `json:"meshes"`
}

func pubmedPath() string {
	if p := os.Getenv("BEDSIDE_PUBMEDQA"); p != "" {
		return p
	}
	return "../../../shared/data/pubmedqa/pubmedqa_pqal.jsonl"
}

// partner picks, for item i, another item on a different topic: walking the
// fixed permutation j = (379·i + 101) mod n, the first item that shares no
// MeSH heading with i and whose question shares under 10% of content terms.
func partner(items []pubmedItem, i int) int {
	n := len(items)
	j := (379*i + 101) % n
	for range n {
		if j != i && differentTopic(items[i], items[j]) {
			return j
		}
		j = (j + 1) % n
	}
	return (i + 1) % n
}

func differentTopic(a, b pubmedItem) bool {
	for _, m := range a.Meshes {
		if slices.Contains(b.Meshes, m) {
			return false
		}
	}
	ta, tb := termSet(a.Question), termSet(b.Question)
	inter := 0
	for k := range ta {
		if tb[k] {
			inter++
		}
	}
	union := len(ta) + len(tb) - inter
	return union == 0 || float64(inter)/float64(union) < 0.1
}

func termSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range clinical.Analyze(s).Terms {
		if !filler[t.Stem] {
			m[t.Stem] = true
		}
	}
	return m
}

func pubmedQuality(t *testing.T) {
	items := loadJSONL[pubmedItem](t, pubmedPath())
	var c Checker
	var scores []float64
	var labels []bool
	var cm confusion
	notClaims, sentencesN := 0, 0
	posKinds := map[ProblemKind]int{}
	negKinds := map[ProblemKind]int{}
	var posCov, negCov []float64
	type pert struct {
		orig, pert Result
	}
	perts := map[string][]pert{}
	answersAll, answersPos := 0, 0
	for i, it := range items {
		j := partner(items, i)
		allOK := true
		for _, sp := range sentences.Split(it.LongAnswer) {
			sentencesN++
			pos := c.Check(sp.Text, it.Contexts...)
			if pos.Verdict == NotAClaim {
				notClaims++
				continue
			}
			neg := c.Check(sp.Text, items[j].Contexts...)
			scores = append(scores, pos.Score, neg.Score)
			labels = append(labels, true, false)
			cm.add(pos.Supported(), true)
			cm.add(neg.Supported(), false)
			posCov = append(posCov, pos.Coverage)
			negCov = append(negCov, neg.Coverage)
			allOK = allOK && pos.Supported()
			for _, k := range pos.Kinds() {
				posKinds[k]++
			}
			for _, k := range neg.Kinds() {
				negKinds[k]++
			}
			for name, f := range perturbations {
				if p, ok := f(sp.Text); ok {
					perts[name] = append(perts[name], pert{pos, c.Check(p, it.Contexts...)})
				}
			}
		}
		answersAll++
		if allOK {
			answersPos++
		}
	}
	t.Logf("PubMedQA PQA-L: %d items, %d long-answer sentences, %d not a claim, %d positive and %d negative pairs",
		len(items), sentencesN, notClaims, len(scores)/2, len(scores)/2)
	t.Logf("PubMedQA sentence level at default threshold: AUROC=%.4f  %v", auroc(scores, labels), cm)
	t.Logf("PubMedQA mean coverage: positives %.3f, negatives %.3f", mean(posCov), mean(negCov))
	t.Logf("PubMedQA answers with every sentence supported by own contexts: %d/%d", answersPos, answersAll)
	t.Logf("PubMedQA problem kinds on positives: %s", kindCounts(posKinds))
	t.Logf("PubMedQA problem kinds on negatives: %s", kindCounts(negKinds))
	names := make([]string, 0, len(perts))
	for k := range perts {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		ps := perts[name]
		var sc []float64
		var lb []bool
		accepted, caught := 0, 0
		for _, p := range ps {
			sc = append(sc, p.orig.Score, p.pert.Score)
			lb = append(lb, true, false)
			if p.orig.Supported() {
				accepted++
				if !p.pert.Supported() {
					caught++
				}
			}
		}
		t.Logf("PubMedQA perturbation %-12s n=%d  AUROC(original vs perturbed)=%.4f  caught %d/%d where the original was supported",
			name, len(ps), auroc(sc, lb), caught, accepted)
	}
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(max(1, len(xs)))
}

func kindCounts(m map[ProblemKind]int) string {
	var parts []string
	for k := NoCitation; k <= TooLong; k++ {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%v=%d", k, m[k]))
		}
	}
	return strings.Join(parts, " ")
}

var (
	firstNumber = regexp.MustCompile(`\b\d+(\.\d+)?\b`)
	auxVerb     = regexp.MustCompile(`\b(is|are|was|were|may|can|could|should|does|did|do|has|have|will)\b `)
	notWord     = regexp.MustCompile(`\b(not|no) `)
)

// perturbations turn a supported sentence into one its passage does not
// support. Each returns false when it does not apply.
var perturbations = map[string]func(string) (string, bool){
	"number": func(s string) (string, bool) {
		loc := firstNumber.FindStringIndex(s)
		if loc == nil {
			return "", false
		}
		v, err := strconv.ParseFloat(s[loc[0]:loc[1]], 64)
		if err != nil {
			return "", false
		}
		return s[:loc[0]] + strconv.FormatFloat(v*2+3, 'f', -1, 64) + s[loc[1]:], true
	},
	"negation": func(s string) (string, bool) {
		if loc := notWord.FindStringIndex(s); loc != nil {
			return s[:loc[0]] + s[loc[1]:], true
		}
		if loc := auxVerb.FindStringIndex(s); loc != nil {
			return s[:loc[1]] + "not " + s[loc[1]:], true
		}
		return "", false
	},
	"added_clause": func(s string) (string, bool) {
		s = strings.TrimRight(s, ". ")
		tail := addedClauses[len(s)%len(addedClauses)]
		return s + tail, true
	},
}

// addedClauses are unsupported endings, chosen by sentence length so that
// no single phrasing dominates.
var addedClauses = []string{
	", and it also causes liver failure.",
	" and also causes liver failure.",
	", which doubles the risk of stroke within a year.",
}

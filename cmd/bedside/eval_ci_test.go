package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const evalCIConfig = "../../examples/eval-ci/eval.yaml"

// The eval-ci example runs offline from its cassette through the command
// line, passes its gate (exit 0), writes all four reports, and gives the
// same bytes when run again. CI runs this test.
func TestEvalCIExample(t *testing.T) {
	var reports [2]map[string][]byte
	for i := range 2 {
		out := t.TempDir()
		code, stdout, stderr := runCLI(t, map[string]string{}, "eval", "run", "-config", evalCIConfig, "-out", out)
		if code != 0 {
			t.Fatalf("eval run exit %d:\n%s\n%s", code, stderr, stdout)
		}
		if !strings.Contains(stderr, "replayed") || !strings.Contains(stderr, " 0 recorded, 0 sent") {
			t.Errorf("eval run did not replay offline: %s", stderr)
		}
		if !strings.Contains(stdout, "## Bedside eval: PASS") {
			t.Errorf("summary:\n%s", stdout)
		}
		reports[i] = map[string][]byte{}
		for _, f := range []string{"report.json", "report.html", "junit.xml", "summary.md", "results.jsonl"} {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			reports[i][f] = b
		}
	}
	for f, b := range reports[0] {
		if !bytes.Equal(b, reports[1][f]) {
			t.Errorf("%s differs between two replays", f)
		}
	}
	var rep struct {
		SchemaVersion int `json:"schema_version"`
		Gate          struct {
			Status   string `json:"status"`
			ExitCode int    `json:"exit_code"`
		} `json:"gate"`
	}
	if err := json.Unmarshal(reports[0]["report.json"], &rep); err != nil || rep.SchemaVersion != 1 || rep.Gate.Status != "pass" {
		t.Errorf("report.json: %+v, %v", rep, err)
	}
}

// Exit codes: 3 below a threshold, 4 for infrastructure errors; the report
// command rebuilds the reports and gates again; compare finds regressions.
func TestEvalExitCodes(t *testing.T) {
	out := t.TempDir()
	// A threshold the example cannot meet.
	code, _, stderr := runCLI(t, nil, "eval", "run", "-config", evalCIConfig, "-out", out, "-threshold", "pass_rate>=0.99")
	if code != 3 || !strings.Contains(stderr, "below-threshold") {
		t.Errorf("unmet threshold: exit %d (%s); want 3", code, stderr)
	}
	// The same results, re-gated without running anything.
	results := filepath.Join(out, "results.jsonl")
	code, _, stderr = runCLI(t, nil, "eval", "report", "-results", results, "-out", t.TempDir(), "-threshold", "pass_rate>=0.8")
	if code != 0 {
		t.Errorf("eval report with a met threshold: exit %d (%s); want 0", code, stderr)
	}
	// Another as-of date changes nothing the cassette holds but the results
	// header: a fresh results file replays fine. Another corpus salt does
	// not: every exchange is missing, which is an infrastructure error.
	guid := t.TempDir()
	b, _ := os.ReadFile("../../examples/guidance/hand-hygiene.md")
	os.WriteFile(filepath.Join(guid, "hand-hygiene.md"), b, 0o644)
	code, _, stderr = runCLI(t, nil, "eval", "run", "-config", evalCIConfig, "-out", t.TempDir(), "-guidance", guid)
	if code != 4 || !strings.Contains(stderr, "httprr: no recorded answer for POST /v1/embeddings") {
		t.Errorf("replay against another corpus: exit %d (%s); want 4 naming the missing recording", code, stderr)
	}
	// A usage error.
	if code, _, _ := runCLI(t, nil, "eval", "run", "-dataset", "x.yaml"); code != 2 {
		t.Errorf("eval run without -guidance: exit %d; want 2", code)
	}
	// compare: the same report twice has no regression; a worse one has.
	base := filepath.Join(t.TempDir(), "base")
	if code, _, stderr := runCLI(t, nil, "eval", "run", "-config", evalCIConfig, "-out", base); code != 0 {
		t.Fatalf("eval run: %s", stderr)
	}
	basePath := filepath.Join(base, "report.json")
	if code, stdout, _ := runCLI(t, nil, "eval", "compare", "-fail-on-regression", basePath, basePath); code != 0 || !strings.Contains(stdout, "0 regression(s)") {
		t.Errorf("compare with itself: exit %d\n%s", code, stdout)
	}
	worse := filepath.Join(t.TempDir(), "worse")
	if code, _, stderr := runCLI(t, nil, "eval", "run", "-config", evalCIConfig, "-out", worse, "-model", "", "-judge", "", "-threshold", "pass_rate>=0"); code != 0 {
		t.Fatalf("extractive eval run: exit %d %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, nil, "eval", "compare", "-fail-on-regression", basePath, filepath.Join(worse, "report.json"))
	if code != 3 || !strings.Contains(stdout, "**regressed**") {
		t.Errorf("compare with a worse run: exit %d\n%s", code, stdout)
	}
}

func TestEvalGroundingCommand(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "eval", "grounding", "-pairs", "../../tutor/grounding/testdata/hard.jsonl", "-split", "test")
	if code != 0 {
		t.Fatalf("eval grounding: exit %d %s", code, stderr)
	}
	for _, want := range []string{"145 labelled", "| AUROC | 0.913 |", "| F1 | 0.836 |", "(TP)", "| dose |  | 23/23 |"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval grounding output lacks %q:\n%s", want, stdout)
		}
	}
	in := "../../../shared/data/pubmedqa/pubmedqa_pqal.jsonl"
	if _, err := os.Stat(in); err != nil {
		t.Skipf("PubMedQA data absent: %v", err)
	}
	pairs := filepath.Join(t.TempDir(), "pairs.jsonl")
	if code, _, stderr := runCLI(t, nil, "eval", "pubmedqa-pairs", "-in", in, "-out", pairs); code != 0 {
		t.Fatalf("pubmedqa-pairs: %s", stderr)
	}
	code, stdout, _ = runCLI(t, nil, "eval", "grounding", "-pairs", pairs)
	if code != 0 || !strings.Contains(stdout, "| AUROC | 0.968 |") {
		t.Errorf("grounding on PubMedQA pairs: exit %d\n%s", code, stdout)
	}
}

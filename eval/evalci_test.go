package eval_test

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/internal/httprr"
)

// exampleCassette is the committed recording of the eval-ci example.
var exampleCassette = filepath.Join(exampleDir, "cassettes", "eval-ci.cassette")

// TestRecordExample records the eval-ci cassette again from the scripted
// local server. It runs only with BEDSIDE_EVAL_RECORD=1:
//
//	BEDSIDE_EVAL_RECORD=1 go test ./eval -run TestRecordExample
func TestRecordExample(t *testing.T) {
	if os.Getenv("BEDSIDE_EVAL_RECORD") != "1" {
		t.Skip("set BEDSIDE_EVAL_RECORD=1 to record examples/eval-ci/cassettes again")
	}
	h := newHarness(t)
	if err := os.Remove(exampleCassette); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	// One case at a time, so that the fake server's response IDs, which
	// count its requests, come out the same on every recording.
	_, st, err := h.run(t.Context(), runConfig{mode: httprr.Record, cassette: exampleCassette,
		results: filepath.Join(t.TempDir(), "r.jsonl"), judge: true, conc: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p := h.model.Problems(); len(p) > 0 {
		t.Fatalf("the scripted model could not answer as written: %q", p)
	}
	t.Logf("recorded %d exchanges into %s", st.Recorded, exampleCassette)
}

// exampleThresholds reads the gate of examples/eval-ci/eval.yaml.
func exampleThresholds(t *testing.T) []eval.Threshold {
	t.Helper()
	var cfg struct {
		Thresholds []string `yaml:"thresholds"`
	}
	b, err := os.ReadFile(filepath.Join(exampleDir, "eval.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	var out []eval.Threshold
	for _, s := range cfg.Thresholds {
		th, err := eval.ParseThreshold(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, th)
	}
	if len(out) == 0 {
		t.Fatal("eval.yaml has no thresholds")
	}
	return out
}

// The eval-ci example replays offline from its committed cassette and
// passes its thresholds.
func TestExampleCassettePassesItsGate(t *testing.T) {
	h := newHarness(t)
	res, st, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: exampleCassette,
		results: filepath.Join(t.TempDir(), "r.jsonl"), judge: true})
	if err != nil {
		t.Fatalf("replaying %s: %v (record it again with BEDSIDE_EVAL_RECORD=1 go test ./eval -run TestRecordExample)", exampleCassette, err)
	}
	if st.Sent != 0 || h.sent.Load() != 0 {
		t.Errorf("the replay sent %d requests", st.Sent)
	}
	r := eval.Summarize(res.Header, res.Results, exampleThresholds(t))
	for _, th := range r.Gate.Thresholds {
		t.Logf("%-32s %.4f (n=%d) met=%v", th.Threshold, th.Value, th.N, th.Met)
	}
	if r.Gate.ExitCode != eval.ExitPass {
		t.Errorf("the example's gate: %s %q", r.Gate.Status, r.Gate.Reasons)
	}
	if r.Summary.Failed == 0 {
		t.Errorf("no case failed; the scripted flaws should make a few fail")
	}
}

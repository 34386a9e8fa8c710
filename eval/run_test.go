package eval_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/internal/httprr"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/tutor"
)

// reports renders every report of a run.
func reports(t testing.TB, res *eval.RunResult) map[string][]byte {
	t.Helper()
	r := eval.Summarize(res.Header, res.Results, nil)
	out := make(map[string][]byte)
	for name, w := range map[string]func(*bytes.Buffer) error{
		"json":     func(b *bytes.Buffer) error { return eval.WriteJSON(b, r) },
		"html":     func(b *bytes.Buffer) error { return eval.WriteHTML(b, r) },
		"junit":    func(b *bytes.Buffer) error { return eval.WriteJUnit(b, r) },
		"markdown": func(b *bytes.Buffer) error { return eval.WriteMarkdown(b, r) },
	} {
		var b bytes.Buffer
		if err := w(&b); err != nil {
			t.Fatalf("writing the %s report: %v", name, err)
		}
		out[name] = b.Bytes()
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func byID(results []eval.CaseResult) map[string]eval.CaseResult {
	m := make(map[string]eval.CaseResult)
	for _, r := range results {
		m[r.ID] = r
	}
	return m
}

// A replayed run needs no network and is byte-identical run after run:
// the results file and every report.
func TestReplayIsByteIdentical(t *testing.T) {
	h := newHarness(t)
	cas := h.cassette(true)
	before := readFile(t, cas)
	var results [][]byte
	var reps []map[string][]byte
	for i := range 2 {
		path := filepath.Join(t.TempDir(), "results.jsonl")
		res, st, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: cas, results: path, judge: true, conc: 4})
		if err != nil {
			t.Fatalf("replay %d: %v", i, err)
		}
		if st.Sent != 0 || st.Missing != 0 || st.Replayed == 0 {
			t.Errorf("replay %d: stats %+v; want every exchange replayed and none sent", i, st)
		}
		results = append(results, readFile(t, path))
		reps = append(reps, reports(t, res))
	}
	if !bytes.Equal(results[0], results[1]) {
		t.Errorf("two replays wrote different results files")
	}
	for name := range reps[0] {
		if !bytes.Equal(reps[0][name], reps[1][name]) {
			t.Errorf("two replays gave different %s reports", name)
		}
	}
	if !bytes.Equal(before, readFile(t, cas)) {
		t.Errorf("replaying changed the cassette")
	}
}

// ingestExchanges is the number of exchanges a run makes before its first
// case: the embedding of the corpus.
func ingestExchanges(st httprr.Stats, res *eval.RunResult) int {
	n := st.Replayed + st.Sent
	for _, r := range res.Results {
		n -= r.Exchanges
	}
	return n
}

// Killing a run half-way, by cancellation or by a crash that tears the last
// line, and resuming gives the same results and reports as an uninterrupted
// run, and makes no request for a finished case again.
func TestResume(t *testing.T) {
	h := newHarness(t)
	cas := h.cassette(true)
	dir := t.TempDir()
	fullPath := filepath.Join(dir, "full.jsonl")
	full, fullStats, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: cas, results: fullPath, judge: true})
	if err != nil {
		t.Fatal(err)
	}
	ingest := ingestExchanges(fullStats, full)
	if ingest <= 0 {
		t.Fatalf("ingest exchanges = %d", ingest)
	}
	fullRep := reports(t, full)
	caseExchanges := func(rs []eval.CaseResult) int {
		n := 0
		for _, r := range rs {
			n += r.Exchanges
		}
		return n
	}

	t.Run("cancel", func(t *testing.T) {
		for _, conc := range []int{1, 4} {
			path := filepath.Join(t.TempDir(), "results.jsonl")
			ctx, cancel := context.WithCancel(t.Context())
			const stopAfter = 9
			rc := runConfig{mode: httprr.Replay, cassette: cas, results: path, judge: true, conc: conc}
			_, st1, err := runWithProgress(h, ctx, rc, func(done, total int) {
				if done >= stopAfter {
					cancel()
				}
			})
			if err == nil || !strings.Contains(err.Error(), "interrupted") {
				t.Fatalf("cancelled run: err = %v; want an interruption", err)
			}
			_, part, err := eval.ReadResults(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(part) < stopAfter || len(part) == len(h.cases) {
				t.Fatalf("after cancelling, the results file holds %d cases; want %d or a few more, not all", len(part), stopAfter)
			}
			res, st2, err := h.run(t.Context(), rc)
			if err != nil {
				t.Fatal(err)
			}
			if res.Skipped != len(part) || res.Ran != len(h.cases)-len(part) {
				t.Errorf("resumed run skipped %d and ran %d; want %d and %d", res.Skipped, res.Ran, len(part), len(h.cases)-len(part))
			}
			done := make(map[string]bool)
			for _, r := range part {
				done[r.ID] = true
			}
			var rest []eval.CaseResult
			for _, r := range full.Results {
				if !done[r.ID] {
					rest = append(rest, r)
				}
			}
			if got, want := st2.Replayed-ingest, caseExchanges(rest); got != want {
				t.Errorf("resumed run made %d case exchanges; want %d (only the unfinished cases')", got, want)
			}
			if got := st1.Replayed + st2.Replayed - 2*ingest; got < fullStats.Replayed-ingest {
				t.Errorf("interrupted + resumed runs made %d case exchanges; want at least the uninterrupted %d", got, fullStats.Replayed-ingest)
			}
			if !bytes.Equal(readFile(t, path), readFile(t, fullPath)) {
				t.Errorf("concurrency %d: resumed results file differs from the uninterrupted one", conc)
			}
			assertSameReports(t, fullRep, reports(t, res))
		}
	})

	t.Run("torn last line", func(t *testing.T) {
		// A crash while writing the 12th case's line.
		data := readFile(t, fullPath)
		lines := bytes.SplitAfter(data, []byte("\n"))
		const keep = 1 + 11 // header and 11 cases
		torn := append(bytes.Join(lines[:keep], nil), lines[keep][:len(lines[keep])/2]...)
		path := filepath.Join(t.TempDir(), "results.jsonl")
		if err := os.WriteFile(path, torn, 0o644); err != nil {
			t.Fatal(err)
		}
		res, st, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: cas, results: path, judge: true, conc: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := st.Replayed-ingest, caseExchanges(full.Results[11:]); got != want || res.Skipped != 11 {
			t.Errorf("after a torn line: skipped %d, made %d case exchanges; want 11 and %d", res.Skipped, got, want)
		}
		if !bytes.Equal(readFile(t, path), readFile(t, fullPath)) {
			t.Errorf("results file resumed after a torn line differs from the uninterrupted one")
		}
		assertSameReports(t, fullRep, reports(t, res))
	})

	t.Run("record", func(t *testing.T) {
		// Against the server: requests that reach it are counted there.
		dir := t.TempDir()
		h.sent.Store(0)
		refPath := filepath.Join(dir, "ref.jsonl")
		ref, _, err := h.run(t.Context(), runConfig{mode: httprr.Record, cassette: filepath.Join(dir, "ref.cassette"), results: refPath, judge: true, conc: 1})
		if err != nil {
			t.Fatal(err)
		}
		refSent := h.sent.Load()
		path, rec := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "r.cassette")
		ctx, cancel := context.WithCancel(t.Context())
		h.sent.Store(0)
		rc := runConfig{mode: httprr.Record, cassette: rec, results: path, judge: true, conc: 1}
		runWithProgress(h, ctx, rc, func(done, total int) {
			if done >= 13 {
				cancel()
			}
		})
		if _, _, err := h.run(t.Context(), rc); err != nil {
			t.Fatal(err)
		}
		if got, want := h.sent.Load(), refSent+int64(ingest); got != want {
			t.Errorf("interrupted + resumed recording sent %d requests; want %d (the uninterrupted run's plus one more ingest)", got, want)
		}
		// Recorded latencies differ run to run; everything else agrees,
		// and the cassette recorded across the interruption replays the
		// whole run.
		if a, b := stripLatency(readFile(t, refPath)), stripLatency(readFile(t, path)); a != b {
			t.Errorf("resumed recording's results differ from the uninterrupted recording's")
		}
		_ = ref
		rep, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: rec, results: filepath.Join(dir, "replay.jsonl"), judge: true})
		if err != nil {
			t.Fatalf("replaying the cassette recorded across an interruption: %v", err)
		}
		if a, b := stripLatency(readFile(t, fullPath)), stripLatency(readFile(t, filepath.Join(dir, "replay.jsonl"))); a != b || len(rep.Results) != len(h.cases) {
			t.Errorf("replay of the resumed recording differs from the reference run")
		}
	})
}

var latencyRE = regexp.MustCompile(`"model_latency_ms":\d+`)

func stripLatency(b []byte) string { return latencyRE.ReplaceAllString(string(b), "") }

func assertSameReports(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	for name := range want {
		if !bytes.Equal(want[name], got[name]) {
			t.Errorf("%s report differs from the uninterrupted run's", name)
		}
	}
}

// runWithProgress is h.run with a progress hook, used to cancel mid-run.
func runWithProgress(h *harness, ctx context.Context, rc runConfig, progress func(done, total int)) (*eval.RunResult, httprr.Stats, error) {
	h.progress = progress
	defer func() { h.progress = nil }()
	return h.run(ctx, rc)
}

// A should-refuse case that gets an answer and a should-answer case that
// gets a refusal each fail with a clear reason.
func TestRefusalFailures(t *testing.T) {
	h := newHarness(t)
	res, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: h.cassette(true),
		results: filepath.Join(t.TempDir(), "r.jsonl"), judge: true})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(res.Results)
	tests := []struct {
		id, reason string
	}{
		{"refuse-adrenaline-under-6-months", `should refuse (the guidance does not cover it) but answered: "A child aged 6 months to 6 years receives 150 micrograms`},
		{"oxygen-target-most-patients", "should answer but refused (not-covered): the model said the sources do not answer the question"},
		{"dka-insulin-rate", `key fact missing from the answer: "Start a fixed-rate intravenous insulin infusion at 0.1 units/kg/h."`},
	}
	for _, tt := range tests {
		c := got[tt.id]
		if c.Status != eval.Fail || len(c.Reasons) == 0 || !strings.HasPrefix(c.Reasons[0], tt.reason) {
			t.Errorf("case %s: status %s, reasons %q; want a failure starting %q", tt.id, c.Status, c.Reasons, tt.reason)
		}
	}
	for _, id := range []string{"refuse-capital-of-france", "refuse-alteplase-pe", "anaphylaxis-adult-dose", "naloxone-overdose"} {
		if c := got[id]; c.Status != eval.Pass {
			t.Errorf("case %s: status %s %q; want pass", id, c.Status, c.Reasons)
		}
	}
	if c := got["naloxone-overdose"]; !c.Regenerated {
		t.Errorf("naloxone-overdose was not regenerated; the scripted first draft has a unit error")
	}
	if c := got["hand-hygiene-handrub"]; len(c.Citations) == 0 || !c.Citations[0].ReviewOverdue {
		t.Errorf("hand-hygiene citation lacks the review-overdue flag: %+v", c.Citations)
	}
	for _, c := range res.Results {
		for _, ct := range c.Citations {
			if ct.Document == "acs-routine-oxygen" || ct.Document == "delirium-4at" || (ct.Document == "sepsis-adult" && ct.Version != "3.0") {
				t.Errorf("case %s cites %s@%s, which is not in force", c.ID, ct.Document, ct.Version)
			}
		}
	}
}

// No figure of a report is ever NaN or infinite, whatever the cases: all
// refused, all errors, none at all.
func TestNeverNaN(t *testing.T) {
	h := eval.RunHeader{Type: "run", SchemaVersion: eval.SchemaVersion, Cases: 3, Judge: "j"}
	refused := eval.CaseResult{Type: "case", ID: "a", Status: eval.Pass, Answerable: false, Refused: true}
	wrongRefusal := eval.CaseResult{Type: "case", ID: "b", Status: eval.Fail, Answerable: true, Refused: true,
		ExpectedDocuments: []string{"x"}, KeyFacts: []string{"f"}}
	errored := eval.CaseResult{Type: "case", ID: "c", Status: eval.Error, Error: "boom"}
	for name, rs := range map[string][]eval.CaseResult{
		"all refused": {refused, wrongRefusal},
		"all errors":  {errored},
		"none":        nil,
		"mixed":       {refused, wrongRefusal, errored},
	} {
		t.Run(name, func(t *testing.T) {
			r := eval.Summarize(h, rs, nil)
			for k, e := range r.Metrics {
				for _, x := range []float64{e.Mean, e.Lo, e.Hi} {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						t.Errorf("metric %s = %+v", k, e)
					}
				}
			}
			var b bytes.Buffer
			if err := eval.WriteJSON(&b, r); err != nil { // encoding/json rejects NaN
				t.Fatalf("WriteJSON: %v", err)
			}
			if r.Gate.Status == eval.GatePass {
				t.Errorf("gate passed with %s", name)
			}
		})
	}
	r := eval.Summarize(h, []eval.CaseResult{refused, wrongRefusal}, nil)
	if e := r.Metrics["refusal_rate"]; e.Mean != 1 || e.Sample != 1 {
		t.Errorf("refusal_rate = %+v; want 1 over 1 case", e)
	}
	if e := r.Metrics["false_refusal_rate"]; e.Mean != 1 || e.Sample != 1 {
		t.Errorf("false_refusal_rate = %+v; want 1 over 1 case", e)
	}
	if e := r.Metrics["groundedness_cited"]; e.Sample != 0 || e.Mean != 0 {
		t.Errorf("groundedness_cited with only refusals = %+v; want n=0, not NaN", e)
	}
}

// Extractive mode needs no model and makes no HTTP request at all.
func TestExtractiveRunMakesNoHTTP(t *testing.T) {
	h := newHarness(t)
	h.sent.Store(0)
	clock := func() time.Time { return asOf }
	store, err := filestore.Open("", filestore.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{Now: clock}) // the local embedder
	if _, err := lib.Ingest(t.Context(), "", h.docs); err != nil {
		t.Fatal(err)
	}
	var exchanges int
	res, err := eval.Run(t.Context(), lib, h.cases, eval.RunOptions{
		Tutor:   tutor.Options{AsOf: asOf},
		Results: filepath.Join(t.TempDir(), "r.jsonl"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Results {
		exchanges += r.Exchanges
		if r.Status == eval.Error {
			t.Errorf("case %s: %s", r.ID, r.Error)
		}
		if !r.Refused && !r.Extractive {
			t.Errorf("case %s answered without the extractive flag", r.ID)
		}
	}
	if exchanges != 0 || h.sent.Load() != 0 {
		t.Errorf("extractive run made %d exchanges, %d server requests; want none", exchanges, h.sent.Load())
	}
	rep := eval.Summarize(res.Header, res.Results, nil)
	if rep.Run.Model != "extractive" || rep.Summary.Errors != 0 {
		t.Errorf("report = %s, model %q", rep, rep.Run.Model)
	}
	t.Logf("extractive: %s; answer rate %.2f, false answers %.2f, key facts %.2f",
		rep, rep.Metrics["answer_rate"].Mean, rep.Metrics["false_answer_rate"].Mean, rep.Metrics["key_fact_recall"].Mean)
}

// Infrastructure errors are kept apart from failures and are re-run only
// on request; failures never are.
func TestRetryErrors(t *testing.T) {
	h := newHarness(t)
	cases := h.cases[:3]
	path := filepath.Join(t.TempDir(), "r.jsonl")
	cas := filepath.Join(t.TempDir(), "empty.cassette")
	// Replaying an empty cassette: every model exchange is missing.
	if err := os.WriteFile(cas, []byte(`{"format":"bedside-httprr/1"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: cas, results: path, cases: cases})
	if err == nil || !strings.Contains(err.Error(), "no recorded answer") {
		// Ingest itself needs the embeddings: the run cannot even start.
		t.Fatalf("run over an empty cassette: err = %v; want a missing-recording error", err)
	}
	// Record the embeddings and one case, then replay all three: two
	// cases' chat exchanges are missing.
	full := h.cassette(false)
	one := filepath.Join(t.TempDir(), "one.cassette")
	if _, _, err := h.run(t.Context(), runConfig{mode: httprr.Record, cassette: one, results: filepath.Join(t.TempDir(), "x.jsonl"), cases: cases[:1], conc: 1}); err != nil {
		t.Fatal(err)
	}
	res, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: one, results: path, cases: cases})
	if err != nil {
		t.Fatal(err)
	}
	got := []eval.Status{res.Results[0].Status, res.Results[1].Status, res.Results[2].Status}
	if got[0] != eval.Pass || got[1] != eval.Error || got[2] != eval.Error {
		t.Fatalf("statuses = %v; want pass, error, error", got)
	}
	if msg := res.Results[1].Error; !strings.Contains(msg, "httprr: no recorded answer for POST /v1/") {
		t.Errorf("error = %q; want it to name the missing exchange", msg)
	}
	rep := eval.Summarize(res.Header, res.Results, nil)
	if rep.Gate.ExitCode != eval.ExitInfrastructure || rep.Summary.Errors != 2 || rep.Summary.Failed != 0 {
		t.Errorf("gate = %+v, summary %+v; want exit 4 with 2 errors and no failures", rep.Gate, rep.Summary)
	}
	// Without RetryErrors nothing is re-run.
	again, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: full, results: path, cases: cases})
	if err != nil || again.Ran != 0 {
		t.Fatalf("re-run without RetryErrors ran %d cases (err %v); want 0", again.Ran, err)
	}
	// With it, only the errored cases are.
	again, _, err = h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: full, results: path, cases: cases, retryErrs: true})
	if err != nil || again.Ran != 2 {
		t.Fatalf("re-run with RetryErrors ran %d cases (err %v); want 2", again.Ran, err)
	}
	for _, r := range again.Results {
		if r.Status == eval.Error {
			t.Errorf("case %s still errors: %s", r.ID, r.Error)
		}
	}
}

// A results file is never resumed with other settings.
func TestResumeMismatch(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(t.TempDir(), "r.jsonl")
	cas := h.cassette(false)
	if _, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: cas, results: path, cases: h.cases[:2]}); err != nil {
		t.Fatal(err)
	}
	_, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: cas, results: path, cases: h.cases[:3]})
	var me *eval.MismatchError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "dataset") {
		t.Errorf("resuming with another dataset: err = %v; want a *MismatchError naming the dataset", err)
	}
}

func TestReadResults(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(t.TempDir(), "r.jsonl")
	res, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: h.cassette(false), results: path})
	if err != nil {
		t.Fatal(err)
	}
	head, rs, err := eval.ReadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if head != res.Header || len(rs) != len(res.Results) {
		t.Errorf("ReadResults = %+v with %d cases; want the run's header and %d cases", head, len(rs), len(res.Results))
	}
	// Every line is a JSON object with a type.
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var v struct{ Type string }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil || (v.Type != "run" && v.Type != "case") {
			t.Errorf("results line %q: %v", sc.Text()[:min(60, len(sc.Text()))], err)
		}
	}
}

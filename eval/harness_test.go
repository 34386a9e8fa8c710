package eval_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/eval/internal/scripted"
	"github.com/bedside-ai/bedside/internal/httprr"
	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

// The example dataset and guidance, shared with examples/eval-ci.
const (
	exampleDir = "../examples/eval-ci"
	guidDir    = "../examples/guidance"
	embedDims  = 256
)

var asOf = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// harness runs the example dataset through the real HTTP clients, a
// recorder and, when recording, the scripted fake server.
type harness struct {
	t      testing.TB
	srv    *openaitest.Server
	model  *scripted.Model
	cases  []eval.Case
	docs   []*guidance.Document
	corpus string
	// sent counts requests that reached the fake server.
	sent atomic.Int64
	// progress, if set, is the runs' progress hook.
	progress func(done, total int)
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	m, err := scripted.Load(filepath.Join(exampleDir, "scripted-model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := eval.LoadCases(filepath.Join(exampleDir, "cases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := (&guidance.Loader{}).Load(guidDir)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, model: m, cases: cases, docs: docs, corpus: eval.CorpusHash(docs)}
	h.srv = openaitest.New(t, openaitest.Options{APIKey: "sk-eval-test-key", Dimensions: embedDims,
		Handler: func(r openaitest.Request) openaitest.Reply {
			h.sent.Add(1)
			return m.Handler(r)
		}})
	return h
}

// offline fails every request: replays must not use the network.
type offline struct{ t testing.TB }

func (o offline) RoundTrip(req *http.Request) (*http.Response, error) {
	o.t.Errorf("replay used the network: %s %s", req.Method, req.URL)
	return nil, errors.New("offline")
}

type runConfig struct {
	mode      httprr.Mode
	cassette  string
	results   string
	cases     []eval.Case
	conc      int
	judge     bool
	extract   bool
	retryErrs bool
	transport http.RoundTripper
}

// run evaluates the cases and returns the result and the recorder's stats.
func (h *harness) run(ctx context.Context, rc runConfig) (*eval.RunResult, httprr.Stats, error) {
	h.t.Helper()
	tr := rc.transport
	if tr == nil {
		tr = h.srv.Client().Transport
		if rc.mode == httprr.Replay {
			tr = offline{h.t}
		}
	}
	base := h.srv.URL()
	if rc.mode == httprr.Replay {
		base = "http://127.0.0.1:1/v1" // nothing listens here
	}
	rec, err := httprr.Open(rc.cassette, httprr.Options{Mode: rc.mode, Salt: h.corpus, Transport: tr})
	if err != nil {
		return nil, httprr.Stats{}, err
	}
	defer rec.Close()
	ecfg := openaiembed.DefaultConfig("sk-eval-test-key")
	ecfg.BaseURL, ecfg.Dimensions, ecfg.HTTPClient = base, embedDims, rec.Client()
	ecfg.Retry.Sleep = noSleep
	emb, err := openaiembed.New(ecfg)
	if err != nil {
		h.t.Fatal(err)
	}
	clock := func() time.Time { return asOf }
	store, err := filestore.Open("", filestore.Options{Now: clock})
	if err != nil {
		h.t.Fatal(err)
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{Embedder: emb, Now: clock})
	if _, err := lib.Ingest(ctx, "", h.docs); err != nil {
		return nil, rec.Stats(), err
	}
	opts := eval.RunOptions{
		Tutor:       tutor.Options{AsOf: asOf},
		Corpus:      h.corpus,
		Results:     rc.results,
		Concurrency: rc.conc,
		RetryErrors: rc.retryErrs,
		Progress:    h.progress,
	}
	if !rc.extract {
		mcfg := openaillm.DefaultConfig("sk-eval-test-key")
		mcfg.BaseURL, mcfg.Model, mcfg.HTTPClient = base, "gpt-4o-mini", rec.Client()
		mcfg.Retry.Sleep = noSleep
		m, err := openaillm.New(mcfg)
		if err != nil {
			h.t.Fatal(err)
		}
		opts.Tutor.Model = m
		if rc.judge {
			opts.Judge = &eval.Judge{Model: m}
		}
	}
	cases := rc.cases
	if cases == nil {
		cases = h.cases
	}
	res, err := eval.Run(ctx, lib, cases, opts)
	if cerr := rec.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return res, rec.Stats(), err
}

func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

// recordOnce records the example once per test binary into a shared
// cassette, for tests that only replay.
var (
	recordMu sync.Mutex
	recorded = map[string]string{}
)

func (h *harness) cassette(judge bool) string {
	h.t.Helper()
	recordMu.Lock()
	defer recordMu.Unlock()
	key := "plain"
	if judge {
		key = "judge"
	}
	if p, ok := recorded[key]; ok {
		return p
	}
	dir, err := osMkdirTemp()
	if err != nil {
		h.t.Fatal(err)
	}
	p := filepath.Join(dir, "run.cassette")
	if _, _, err := h.run(context.Background(), runConfig{mode: httprr.Record, cassette: p,
		results: filepath.Join(dir, "results.jsonl"), judge: judge, conc: 1}); err != nil {
		h.t.Fatal(err)
	}
	if probs := h.model.Problems(); len(probs) > 0 {
		h.t.Logf("the scripted model could not answer as written:\n%v", probs)
	}
	recorded[key] = p
	return p
}

package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/internal/httprr"
	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/localembed"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

// fakeAnswer is the fake model's reply to a tutor prompt: the first
// sentence of source S1, cited, so that the tutor's verification accepts
// it at the first attempt. Other prompts get a fixed reply.
func fakeAnswer(r openaitest.Request) openaitest.Reply {
	if r.Chat == nil {
		return openaitest.Reply{}
	}
	var user string
	for _, m := range r.Chat.Messages {
		if m.Role == "user" {
			user = m.Content
		}
	}
	_, rest, ok := strings.Cut(user, `<source id="S1"`)
	if !ok {
		return openaitest.Reply{Content: "NOT COVERED"}
	}
	_, rest, _ = strings.Cut(rest, ">\n")
	text, _, _ := strings.Cut(rest, "\n</source>")
	text = html.UnescapeString(text)
	// The first sentence that reads as a statement, split as the tutor's
	// checker splits.
	spans := sentences.Split(text)
	if len(spans) == 0 {
		return openaitest.Reply{Content: "NOT COVERED"}
	}
	sentence := spans[0].Text
	for _, sp := range spans {
		if strings.HasSuffix(sp.Text, ".") && len(strings.Fields(sp.Text)) >= 6 && !strings.Contains(sp.Text, "\n") {
			sentence = sp.Text
			break
		}
	}
	sentence = strings.TrimSuffix(strings.TrimSpace(sentence), ".")
	return openaitest.Reply{Content: sentence + " [S1]."}
}

// evalHarness is section 7: eval.Run over cases answered by a fake model
// with a fixed latency, recorded; then the same run replayed.
func evalHarness(ctx context.Context, e *env, s *section) error {
	cfg := &e.cfg
	if e.medquad == "" {
		s.note("MedQuAD not found: nothing measured.")
		e.rep.targetNotMeasured("Eval harness wall time", "≤ 1.1× ideal", "MedQuAD not found")
		return nil
	}
	// The corpus: the passages the cases ask about, and as many others.
	all, err := loadMedQuAD(e.medquad, 0)
	if err != nil {
		return err
	}
	var docs []*guidance.Document
	step := max(1, len(all)/(2*cfg.evalCases))
	for i := 0; i < len(all) && len(docs) < 2*cfg.evalCases; i += step {
		docs = append(docs, all[i])
	}
	questions := map[string]string{}
	if err := readJSONL(filepath.Join(e.medquad, "queries.jsonl"), func(p beirLine) { questions[p.ID] = p.Text }); err != nil {
		return err
	}
	var cases []eval.Case
	for _, d := range docs {
		if q, ok := questions[d.ID]; ok && len(cases) < cfg.evalCases && len(cases)*2 <= len(docs) {
			cases = append(cases, eval.Case{ID: "q-" + d.ID, Question: q, Answerable: true, ExpectedDocuments: []string{d.ID}})
		}
	}
	if len(cases) < cfg.evalCases {
		return fmt.Errorf("only %d cases for %d wanted", len(cases), cfg.evalCases)
	}

	emb, err := localembed.New(localembed.Options{})
	if err != nil {
		return err
	}
	st, err := filestore.Open("", filestore.Options{Now: now})
	if err != nil {
		return err
	}
	defer st.Close()
	lib := retrieval.New(st, retrieval.Options{Embedder: emb, Now: now})
	if _, err := lib.Ingest(ctx, "", docs); err != nil {
		return err
	}

	srv := openaitest.New(nil, openaitest.Options{Latency: cfg.evalLatency, Handler: fakeAnswer})
	defer srv.Close()
	dir, err := os.MkdirTemp("", "bedside-bench-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cassette := filepath.Join(dir, "llm.httprr")
	corpus := eval.CorpusHash(docs)

	run := func(mode httprr.Mode, results string, tr http.RoundTripper) (*eval.RunResult, time.Duration, int, error) {
		rec, err := httprr.Open(cassette, httprr.Options{Mode: mode, Salt: corpus, Transport: tr})
		if err != nil {
			return nil, 0, 0, err
		}
		defer rec.Close()
		base := srv.URL()
		if mode == httprr.Replay {
			base = "http://127.0.0.1:1/v1" // nothing listens here
		}
		mcfg := openaillm.DefaultConfig("sk-bench")
		mcfg.BaseURL, mcfg.Model, mcfg.HTTPClient = base, "gpt-4o-mini", rec.Client()
		m, err := openaillm.New(mcfg)
		if err != nil {
			return nil, 0, 0, err
		}
		n0, w := srv.Count(), time.Now()
		res, err := eval.Run(ctx, lib, cases, eval.RunOptions{
			Tutor:       tutor.Options{Model: m, AsOf: t0},
			Corpus:      corpus,
			Results:     results,
			Concurrency: cfg.evalConc,
		})
		wall := time.Since(w)
		if cerr := rec.Close(); err == nil && cerr != nil {
			err = cerr
		}
		return res, wall, srv.Count() - n0, err
	}

	first, w1, calls, err := run(httprr.Record, filepath.Join(dir, "run1.jsonl"), srv.Client().Transport)
	if err != nil {
		return fmt.Errorf("recorded run: %w", err)
	}
	replay, w2, calls2, err := run(httprr.Replay, filepath.Join(dir, "run2.jsonl"), offline{})
	if err != nil {
		return fmt.Errorf("replayed run: %w", err)
	}
	resumed, w3, calls3, err := run(httprr.Replay, filepath.Join(dir, "run1.jsonl"), offline{})
	if err != nil {
		return fmt.Errorf("resumed run: %w", err)
	}
	same := len(first.Results) == len(replay.Results)
	statuses := map[string]int{}
	for i := range first.Results {
		statuses[string(first.Results[i].Status)]++
		if same && first.Results[i].Status != replay.Results[i].Status {
			same = false
		}
	}
	n := len(cases)
	ideal := time.Duration(calls) * cfg.evalLatency / time.Duration(cfg.evalConc)
	idealCases := time.Duration(n) * cfg.evalLatency / time.Duration(cfg.evalConc)
	ratio := w1.Seconds() / ideal.Seconds()
	ratioText := fmt.Sprintf("%.3f×", ratio)
	t := s.table("", "run", "cases run", "model calls", "wall", "ideal (calls × latency / concurrency)", "wall / ideal", "cases/s")
	t.add(fmt.Sprintf("first run, recording (latency %s, concurrency %d)", ms(cfg.evalLatency), cfg.evalConc),
		count(first.Ran), count(calls), secs(w1), secs(ideal), ratioText, sig3(float64(n)/w1.Seconds()))
	t.add("replayed from the recording (new results file)", count(replay.Ran), count(calls2), secs(w2), "–", "–", sig3(float64(n)/w2.Seconds()))
	t.add("re-run on the first results file (resume: all skipped)", fmt.Sprintf("%d (skipped %d)", resumed.Ran, resumed.Skipped), count(calls3), ms(w3), "–", "–", "")
	e.rep.target("Eval harness wall time, "+count(n)+" cases against a fake LLM", "≤ 1.1× the ideal",
		fmt.Sprintf("%s (wall %s; ideal %s for %d model calls; %s if one call per case)", ratioText, secs(w1), secs(ideal), calls, secs(idealCases)), ratio <= 1.1)
	s.note("Cases: %d MedQuAD questions over %d passages (the local embedder retrieves); the fake model (internal/openaitest chat completions, %s before each reply) answers with the first sentence of source S1, cited; the tutor calls it through tutor/llm/openaillm. Statuses of the first run: %v.",
		n, len(docs), ms(cfg.evalLatency), statuses)
	if !same {
		s.note("**The replayed run's statuses differ from the recorded run's.**")
	} else {
		s.note("The replayed run made no request (the transport fails any) and gave every case the same status.")
	}
	return nil
}

// offline fails every request: a replay must not reach the server.
type offline struct{}

func (offline) RoundTrip(req *http.Request) (*http.Response, error) {
	return nil, errors.New("bench: replay tried the network: " + req.URL.String())
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/internal/httprr"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/localembed"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

const evalExitCodes = `Exit codes: 0 every threshold met; 1 the command could not run (bad input);
2 usage error; 3 a threshold was not met (quality); 4 infrastructure error (a case
could not be evaluated: model, embedder, network, or a cassette without the recording;
or the results are unfinished); 130 interrupted (finished cases are kept: run again to resume).`

// prescan finds the value of -name or --name in args without parsing them.
func prescan(args []string, name string) string {
	for i, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return ""
}

func runEvalRun(ctx context.Context, env *environment, args []string) error {
	var c evalConfig
	if p := prescan(args, "config"); p != "" {
		lc, err := loadEvalConfig(p)
		if err != nil {
			return err
		}
		c = *lc
	}
	fs := newFlags(env, "eval run", "[-config eval.yaml] [flags]\n\nAsks the tutor every case of a dataset, scores the answers and writes reports.\n"+evalExitCodes)
	fs.String("config", "", "YAML file of settings (flags override it); relative paths are relative to it")
	datasets := overridable{list: c.Dataset}
	fs.Var(&datasets, "dataset", "dataset file of cases, .jsonl or .yaml (repeatable)")
	guidancePath := fs.String("guidance", c.Guidance, "guidance file or directory to evaluate (required)")
	cassette := fs.String("cassette", c.Cassette, "record/replay file for every model and embedding HTTP exchange")
	httpMode := fs.String("http", c.HTTP, "with -cassette: replay (default), record, record-missing or live")
	record := fs.Bool("record", false, "shorthand for -http record")
	out := fs.String("out", or(c.Out, "eval-out"), "directory for report.json, report.html, junit.xml and summary.md")
	results := fs.String("results", c.Results, "results file (JSONL) to append to and resume from (default <out>/results.jsonl)")
	restart := fs.Bool("restart", false, "delete the results file first instead of resuming")
	retryErrors := fs.Bool("retry-errors", false, "also re-run cases whose result is an infrastructure error")
	asOf := fs.String("as-of", c.AsOf, "evaluate the guidance in force on this date, YYYY-MM-DD (default today)")
	model := fs.String("model", c.Model, "chat model (default: none, extractive answers with no model)")
	baseURL := fs.String("base-url", or(c.BaseURL, env.getenv("OPENAI_BASE_URL")), "OpenAI-compatible endpoint for the model, judge and embedder (default $OPENAI_BASE_URL, else OpenAI); key from $OPENAI_API_KEY")
	judge := fs.String("judge", c.Judge, "judge model for an LLM second opinion on groundedness (default: none)")
	embedder := fs.String("embedder", or(c.Embedder, "local"), "embedder: local (offline) or openai")
	embedModel := fs.String("embed-model", c.EmbedModel, "embedding model for -embedder openai")
	embedDims := fs.Int("embed-dimensions", c.EmbedDimensions, "embedding dimensions for -embedder openai (0 = the model's)")
	seedDefault := eval.DefaultSeed
	if c.Seed != nil {
		seedDefault = *c.Seed
	}
	seed := fs.Int("seed", seedDefault, "seed sent to the model (temperature is always 0)")
	k := fs.Int("k", c.K, "passages retrieved per question (default the tutor's)")
	conc := fs.Int("concurrency", or0(c.Concurrency, eval.DefaultConcurrency), "cases in flight at once")
	thresholds := overridable{list: c.Thresholds}
	fs.Var(&thresholds, "threshold", "gate, e.g. groundedness_cited>=0.95 or lo(pass_rate)>=0.8 (repeatable; default pass_rate>=1)")
	wall := fs.Bool("wall-clock", false, "record wall-clock time per case (results then differ run to run)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if len(datasets.list) == 0 || *guidancePath == "" {
		return usagef("eval run: -dataset and -guidance are required (or a -config that names them)")
	}
	if *record {
		*httpMode = "record"
	}
	gates, err := parseThresholds(thresholds.list)
	if err != nil {
		return usagef("eval run: %v", err)
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	if *asOf != "" {
		if day, err = time.Parse("2006-01-02", *asOf); err != nil {
			return usagef("eval run: -as-of %q: want YYYY-MM-DD", *asOf)
		}
	}

	cases, err := eval.LoadCases(datasets.list...)
	if err != nil {
		return err
	}
	loader := guidance.Loader{OnSkip: func(path, reason string) {}}
	docs, err := loader.Load(*guidancePath)
	if err != nil {
		return err
	}
	corpus := eval.CorpusHash(docs)

	// Every HTTP exchange goes through the recorder.
	mode := httprr.Live
	if *cassette != "" {
		mode = httprr.Replay
		if *httpMode != "" {
			if mode, err = httprr.ParseMode(*httpMode); err != nil {
				return usagef("eval run: -http: %v", err)
			}
		}
	} else if *httpMode != "" && *httpMode != "live" {
		return usagef("eval run: -http %s needs a -cassette", *httpMode)
	}
	rec, err := httprr.Open(*cassette, httprr.Options{Mode: mode, Salt: corpus})
	if err != nil {
		return err
	}
	closeRec := func() error {
		if err := rec.Close(); err != nil {
			return &exitError{code: eval.ExitInfrastructure, err: err}
		}
		return nil
	}
	defer rec.Close()
	client := rec.Client()
	key := env.getenv("OPENAI_API_KEY")
	needsKey := (*model != "" || *judge != "" || *embedder == "openai") && mode != httprr.Replay
	if needsKey && key == "" && *baseURL == "" {
		return usagef("eval run: a model or the openai embedder needs $OPENAI_API_KEY, or -base-url for a local server")
	}

	var emb retrieval.Embedder
	switch *embedder {
	case "local", "":
		e, err := localembed.New(localembed.Options{})
		if err != nil {
			return err
		}
		emb = e
	case "openai":
		cfg := openaiembed.DefaultConfig(key)
		cfg.BaseURL, cfg.Model, cfg.Dimensions, cfg.HTTPClient = *baseURL, *embedModel, *embedDims, client
		e, err := openaiembed.New(cfg)
		if err != nil {
			return err
		}
		emb = e
	default:
		return usagef("eval run: unknown -embedder %q (want local or openai)", *embedder)
	}
	openModel := func(name string) (llm.Model, error) {
		cfg := openaillm.DefaultConfig(key)
		cfg.BaseURL, cfg.Model, cfg.HTTPClient = *baseURL, name, client
		return openaillm.New(cfg)
	}

	clock := func() time.Time { return day }
	store, err := filestore.Open("", filestore.Options{Now: clock})
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newProgress(env, "ingest")
	lib := retrieval.New(store, retrieval.Options{Embedder: emb, Progress: bar.ingested, Now: clock})
	_, err = lib.Ingest(ctx, "", docs)
	bar.done()
	if err != nil {
		return infraError(ctx, fmt.Errorf("ingesting guidance: %w", err))
	}

	opts := eval.RunOptions{
		Tutor:       tutor.Options{AsOf: day, K: *k, Seed: seed},
		Corpus:      corpus,
		Concurrency: *conc,
		RetryErrors: *retryErrors,
		WallClock:   *wall,
		Results:     or(*results, filepath.Join(*out, "results.jsonl")),
	}
	if *model != "" {
		if opts.Tutor.Model, err = openModel(*model); err != nil {
			return err
		}
	}
	if *judge != "" {
		jm, err := openModel(*judge)
		if err != nil {
			return err
		}
		opts.Judge = &eval.Judge{Model: jm}
	}
	if *restart {
		if err := os.Remove(opts.Results); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	cbar := newProgress(env, "eval")
	opts.Progress = func(d, n int) { cbar.update(d, n, "cases") }
	res, err := eval.Run(ctx, lib, cases, opts)
	cbar.done()
	if cerr := closeRec(); err == nil {
		err = cerr
	}
	if err != nil {
		return infraError(ctx, err)
	}
	st := rec.Stats()
	fmt.Fprintf(env.stderr, "%d cases run, %d resumed from %s; HTTP (%s): %d replayed, %d recorded, %d sent\n",
		res.Ran, res.Skipped, opts.Results, mode, st.Replayed, st.Recorded, st.Sent)
	report := eval.Summarize(res.Header, res.Results, gates)
	return writeReports(env, report, *out)
}

// overridable is a repeatable flag whose default comes from the config
// file: giving the flag replaces the config's list rather than adding to it.
type overridable struct {
	list []string
	set  bool
}

func (o *overridable) String() string { return strings.Join(o.list, ",") }
func (o *overridable) Set(v string) error {
	if !o.set {
		o.list, o.set = nil, true
	}
	l := stringList(o.list)
	if err := l.Set(v); err != nil {
		return err
	}
	o.list = l
	return nil
}

func or0(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// infraError marks a failure to evaluate as exit code 4 (130 when
// interrupted).
func infraError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return err
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	return &exitError{code: eval.ExitInfrastructure, err: err}
}

func parseThresholds(ss []string) ([]eval.Threshold, error) {
	var out []eval.Threshold
	for _, s := range ss {
		t, err := eval.ParseThreshold(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// writeReports writes the four reports into dir, prints the Markdown
// summary, and returns the gate's exit status as an error.
func writeReports(env *environment, r *eval.Report, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		write func(*os.File) error
	}{
		{"report.json", func(f *os.File) error { return eval.WriteJSON(f, r) }},
		{"report.html", func(f *os.File) error { return eval.WriteHTML(f, r) }},
		{"junit.xml", func(f *os.File) error { return eval.WriteJUnit(f, r) }},
		{"summary.md", func(f *os.File) error { return eval.WriteMarkdown(f, r) }},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	if err := eval.WriteMarkdown(env.stdout, r); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "reports in %s: report.json, report.html, junit.xml, summary.md\n", dir)
	if r.Gate.ExitCode != eval.ExitPass {
		return &exitError{code: r.Gate.ExitCode, err: fmt.Errorf("eval: %s: %s", r.Gate.Status, strings.Join(r.Gate.Reasons, "; "))}
	}
	return nil
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

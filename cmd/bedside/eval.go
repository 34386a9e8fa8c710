package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/eval/beir"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func evalCommand() *command {
	return &command{
		name:    "eval",
		summary: "measure retrieval and answer quality",
		sub: []*command{
			{name: "retrieval", summary: "score retrieval on a BEIR benchmark (recall, MRR, nDCG)", usage: "[flags]", run: runEvalRetrieval},
			{name: "run", summary: "ask the tutor a dataset of cases, score the answers, gate on thresholds", usage: "[flags]", run: runEvalRun},
			{name: "report", summary: "rebuild the reports of a run from its results file", usage: "[flags]", run: runEvalReport},
			{name: "compare", summary: "list the regressions between two run reports", usage: "BASE.json HEAD.json", run: runEvalCompare},
			{name: "grounding", summary: "measure the grounding checker on labelled pairs (AUROC, F1)", usage: "[flags]", run: runEvalGrounding},
			{name: "pubmedqa-pairs", summary: "build grounding pairs from PubMedQA", usage: "[flags]", run: runEvalPubMedQAPairs},
		},
	}
}

func runEvalRetrieval(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval retrieval", "-corpus corpus.jsonl -queries queries.jsonl -qrels qrels.tsv [flags]")
	sf := storeFlags{memoryDefault: true}
	sf.register(fs, env)
	corpus := fs.String("corpus", "", "BEIR corpus.jsonl (required)")
	queriesPath := fs.String("queries", "", "BEIR queries.jsonl (required)")
	qrelsPath := fs.String("qrels", "", "BEIR qrels TSV (required)")
	modeFlag := fs.String("mode", "all", "hybrid, vector, lexical or all")
	limit := fs.Int("limit", 0, "use only the first N judged queries (0 = all)")
	jsonOut := fs.String("json", "", "also write the full report (per-query scores) as JSON to this file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *corpus == "" || *queriesPath == "" || *qrelsPath == "" {
		return usagef("eval retrieval: -corpus, -queries and -qrels are required")
	}
	modes := []retrieval.Mode{retrieval.Vector, retrieval.Lexical, retrieval.Hybrid}
	if *modeFlag != "all" {
		m, err := retrieval.ParseMode(*modeFlag)
		if err != nil {
			return usagef("-mode: %v", err)
		}
		modes = []retrieval.Mode{m}
	}
	queries, err := beir.ReadQueries(*queriesPath)
	if err != nil {
		return err
	}
	qrels, err := beir.ReadQrels(*qrelsPath)
	if err != nil {
		return err
	}
	if *limit > 0 {
		var judged []beir.Query
		for _, q := range queries {
			if len(qrels[q.ID]) > 0 && len(judged) < *limit {
				judged = append(judged, q)
			}
		}
		queries = judged
	}
	loader := guidance.Loader{Defaults: guidance.Metadata{Status: guidance.Approved, Version: "1"}}
	t0 := time.Now()
	docs, err := loader.Load(*corpus)
	if err != nil {
		return err
	}
	loadTime := time.Since(t0)
	bar := newProgress(env, "ingest")
	lib, closeStore, err := sf.open(ctx, env, retrieval.Options{Progress: bar.ingested})
	if err != nil {
		return err
	}
	defer closeStore()
	st, err := lib.Ingest(ctx, sf.tenant, docs)
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "loaded %d passages in %s; ingested %d chunks (%d embedded) in %s into %s\n",
		len(docs), loadTime.Round(time.Millisecond), st.Chunks, st.Embedded, st.Elapsed.Round(time.Millisecond), sf.describe(env))

	var reports []*eval.RetrievalReport
	for _, m := range modes {
		qbar := newProgress(env, m.String())
		r, err := eval.EvaluateRetrieval(ctx, lib, queries, qrels, eval.RetrievalOptions{
			Tenant: sf.tenant, Mode: m, Progress: func(d, n int) { qbar.update(d, n, "queries") },
		})
		qbar.done()
		if err != nil {
			return err
		}
		reports = append(reports, r)
	}
	printRetrievalTable(env.stdout, sf.describe(env), lib.Embedder().Model(), reports)
	if *jsonOut != "" {
		return writeJSON(*jsonOut, reports)
	}
	return nil
}

func printRetrievalTable(w io.Writer, store, model string, reports []*eval.RetrievalReport) {
	fmt.Fprintf(w, "Store: %s; embedder: %s\n\n", store, model)
	fmt.Fprintln(w, "| mode | queries | recall@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 | p50 latency |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range reports {
		fmt.Fprintf(w, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f (%.3f–%.3f) | %s |\n",
			r.Mode, r.Queries, r.Recall1.Mean, r.Recall5.Mean, r.Recall10.Mean, r.MRR10.Mean,
			r.NDCG10.Mean, r.NDCG10.Lo, r.NDCG10.Hi, r.LatencyP50.Round(10*time.Microsecond))
	}
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

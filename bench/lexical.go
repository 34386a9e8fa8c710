package main

import (
	"context"
	"fmt"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// Issue 6's anchors for MedQuAD, measured outside this run.
const (
	luceneQuery = 350 * time.Microsecond
	luceneIndex = 1800 * time.Millisecond
)

// lexicalSearch is section 5: BM25 over MedQuAD in the embedded store.
func lexicalSearch(ctx context.Context, e *env, s *section) error {
	cfg := &e.cfg
	if e.medquad == "" {
		s.note("MedQuAD not found: nothing measured.")
		e.rep.targetNotMeasured("Embedded lexical search, median per MedQuAD query", "≤ Lucene's ~0.35 ms", "MedQuAD not found")
		return nil
	}
	unit := make([]float32, 384)
	unit[0] = 1
	var loadT, chunkT, putT, putCPU []time.Duration
	var fst *filestore.Store
	var texts []string
	passages, chunks := 0, 0
	for r := range cfg.lexRepeats {
		if fst != nil {
			fst.Close()
			fst = nil
		}
		freeMemory()
		w := time.Now()
		docs, err := loadMedQuAD(e.medquad, cfg.lexPassages)
		if err != nil {
			return err
		}
		loadT = append(loadT, time.Since(w))
		w = time.Now()
		var entries []retrieval.Entry
		entries, texts = unitEntries(docs, unit)
		chunkT = append(chunkT, time.Since(w))
		c0 := cpuTime()
		w = time.Now()
		fst, err = filestore.Open("", filestore.Options{Now: now})
		if err != nil {
			return err
		}
		if err := putAll(ctx, fst, entries); err != nil {
			return err
		}
		putT, putCPU = append(putT, time.Since(w)), append(putCPU, cpuTime()-c0)
		passages, chunks = len(docs), len(texts)
		e.logf("lexical: build %d: load %s, chunk %s, put %s", r, ms(loadT[r]), ms(chunkT[r]), ms(putT[r]))
	}
	defer fst.Close()
	var plainT, plainCPU []time.Duration
	var ix *plainBM25
	for range cfg.lexRepeats {
		ix = nil
		freeMemory()
		c0, w := cpuTime(), time.Now()
		ix = newPlainBM25(texts)
		plainT, plainCPU = append(plainT, time.Since(w)), append(plainCPU, cpuTime()-c0)
	}

	all, err := medquadQuestions(e.medquad, nil, 0)
	if err != nil {
		return err
	}
	qs := all
	if cfg.lexQueries > 0 && cfg.lexQueries < len(all) {
		qs = make([]string, cfg.lexQueries)
		step := float64(len(all)) / float64(len(qs))
		for i := range qs {
			qs[i] = all[int(float64(i)*step)]
		}
	}
	// Agreement of the two top-10s (same analyzer and formulas; Bedside
	// also breaks ties by chunk ID and weighs against a reference length).
	agree := 0.0
	var heap []scored
	var touched []int32
	nCheck := min(len(qs), 500)
	rowOf := make(map[string]int, len(texts))
	for i := len(texts) - 1; i >= 0; i-- {
		rowOf[texts[i]] = i
	}
	for _, q := range qs[:nCheck] {
		hits, err := fst.Search(ctx, retrieval.Query{Text: q, Mode: retrieval.Lexical, K: 10})
		if err != nil {
			return err
		}
		heap, touched = ix.search(q, 10, heap, touched)
		want := map[string]bool{}
		for _, h := range heap {
			want[fmt.Sprint(h.row)] = true
		}
		got := make([]string, len(hits))
		for i, h := range hits {
			got[i] = fmt.Sprint(rowOf[h.Chunk.IndexText()])
		}
		agree += overlap(want, got)
	}
	_ = agree // reported below

	bedside := func(i int) error {
		_, err := fst.Search(ctx, retrieval.Query{Text: qs[i%len(qs)], Mode: retrieval.Lexical, K: 10})
		return err
	}
	plain := func(i int) error {
		heap, touched = ix.search(qs[i%len(qs)], 10, heap, touched)
		return nil
	}
	every := budget{Min: len(qs), Max: len(qs)}
	var br, pr runs
	for range cfg.lexRepeats {
		for _, sy := range []struct {
			f  func(int) error
			rs *runs
		}{{bedside, &br}, {plain, &pr}} {
			r, err := timed(ctx, every, sy.f)
			if err != nil {
				return err
			}
			*sy.rs = append(*sy.rs, r)
		}
	}
	mean := func(rs runs) time.Duration {
		return time.Duration(rs.med(func(r run) float64 { return float64(r.wall) / float64(r.n()) }))
	}
	t := s.table("", "system", "index build (wall)", "build CPU", "passages/s", "chunks/s", "query p50", "p95", "p99", "queries/s (1 thread)", "CPU/query", "allocs/query", "vs Lucene p50")
	build := medianDur(putT)
	t.add("Bedside filestore (Put: analysis + postings)", secs(build)+fmt.Sprintf(" (+ parse %s, chunk %s)", ms(medianDur(loadT)), ms(medianDur(chunkT))),
		secs(medianDur(putCPU)), rate(passages, build), rate(chunks, build), ms(br.p(50)), ms(br.p(95)), ms(br.p(99)),
		rate(1, mean(br)), ms(br.cpuPer()), sig3(br.allocsPer()), times(float64(luceneQuery)/float64(br.p(50)))+" faster")
	pb := medianDur(plainT)
	t.add("plain Go BM25 (map of postings, no governance)", secs(pb), secs(medianDur(plainCPU)), rate(passages, pb), rate(chunks, pb),
		ms(pr.p(50)), ms(pr.p(95)), ms(pr.p(99)), rate(1, mean(pr)), ms(pr.cpuPer()), sig3(pr.allocsPer()),
		times(float64(luceneQuery)/float64(pr.p(50)))+" faster")
	t.add("Lucene 8.8 BM25 (issue 6's anchor, not run here)", "~1.8 s", "", rate(16407, luceneIndex), "", "~0.35 ms", "", "", "", "", "", "")
	e.rep.target("Embedded lexical search, median per MedQuAD query (single thread)", "≤ Lucene's ~0.35 ms",
		fmt.Sprintf("%s p50 (%s faster); index build %s for %s passages (Lucene ~1.8 s)", ms(br.p(50)), times(float64(luceneQuery)/float64(br.p(50))), secs(build), count(passages)),
		br.p(50) <= luceneQuery)
	s.note("%s passages → %s chunks (the default chunker: ≤%d tokens, %d overlap); %s questions, each run once per repeat, single-threaded, K=10; medians of %d repeats.",
		count(passages), count(chunks), retrieval.DefaultMaxTokens, retrieval.DefaultOverlap, count(len(qs)), cfg.lexRepeats)
	s.note("Top-10 agreement between Bedside and the plain BM25 over %d questions: %.3f (the plain index weighs against the exact average length and breaks ties arbitrarily).", nCheck, agree/float64(nCheck))
	s.note("Bedside's Put analyses a batch's chunks in parallel (both CPUs); the plain index builds on one goroutine. Build CPU is process CPU time.")
	s.note("Bedside's search also applies governance (in force at the query time), supports filters and returns full hits (chunk and document metadata); the plain index returns row numbers.")
	return nil
}

// unitEntries chunks docs with the default chunker and gives every chunk
// the vector unit (the lexical comparisons ignore vectors); it also returns
// the chunks' index texts, in order.
func unitEntries(docs []*guidance.Document, unit []float32) ([]retrieval.Entry, []string) {
	var ck retrieval.Chunker
	var texts []string
	entries := make([]retrieval.Entry, len(docs))
	for i, d := range docs {
		cs := ck.Split(d)
		vs := make([][]float32, len(cs))
		for j := range vs {
			vs[j] = unit
			texts = append(texts, cs[j].IndexText())
		}
		entries[i] = retrieval.Entry{Document: d, Chunks: cs, Vectors: vs, Model: "unit"}
	}
	return entries, texts
}

package localembed

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Sparse (collision-free) experiments: BEDSIDE_QUALITY=sparse.

type sfeat struct {
	h uint64
	v float64
}

func sparseFeatures(cfg config, texts []string) [][]sfeat {
	lex := buildLexicon()
	out := make([][]sfeat, len(texts))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newFeaturizer(&cfg, lex)
			for i := w; i < len(texts); i += workers {
				f.extract(texts[i])
				fs := make([]sfeat, len(f.feats))
				for j, ft := range f.feats {
					fs[j] = sfeat{ft.h, ft.value(&cfg)}
				}
				out[i] = fs
			}
		}()
	}
	wg.Wait()
	return out
}

func sparseRank(docs, queries [][]sfeat, idf func(uint64) float64, slope float64) [][]int {
	type posting struct {
		d int32
		v float32
	}
	index := make(map[uint64][]posting)
	norms := make([]float64, len(docs))
	var mean float64
	for d, fs := range docs {
		var ss float64
		for _, f := range fs {
			x := f.v * idf(f.h)
			ss += x * x
		}
		norms[d] = math.Sqrt(ss)
		mean += norms[d] / float64(len(docs))
	}
	for d, fs := range docs {
		n := (1-slope)*mean + slope*norms[d]
		for _, f := range fs {
			index[f.h] = append(index[f.h], posting{int32(d), float32(f.v * idf(f.h) / n)})
		}
	}
	out := make([][]int, len(queries))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scores := make([]float64, len(docs))
			for q := w; q < len(queries); q += workers {
				clear(scores)
				for _, f := range queries[q] {
					qv := f.v * idf(f.h)
					for _, p := range index[f.h] {
						scores[p.d] += qv * float64(p.v)
					}
				}
				out[q] = topK(len(docs), 10, func(d int) float64 { return scores[d] })
			}
		}()
	}
	wg.Wait()
	return out
}

func TestSparseExperiment(t *testing.T) {
	if os.Getenv("BEDSIDE_QUALITY") != "sparse" {
		t.Skip("BEDSIDE_QUALITY=sparse")
	}
	var benches []*benchmark
	if b, err := loadMedquad(filepath.Join(dataDir(), "medquad")); err == nil {
		// Every third query, for speed.
		var qs []string
		var rel [][]int
		for i := 0; i < len(b.queries); i += 6 {
			qs = append(qs, b.queries[i])
			rel = append(rel, b.rel[i])
		}
		b.queries, b.rel = qs, rel
		benches = append(benches, b)
	}
	if b, err := loadPubMedQA(filepath.Join(dataDir(), "pubmedqa", "pubmedqa_pqal.jsonl")); err == nil {
		benches = append(benches, b)
	}
	for _, b := range benches {
		t.Logf("%s: %d docs, %d queries", b.name, len(b.docs), len(b.queries))
		t.Logf("%-55s %s", "BM25", metrics(bm25Rank(b), b.rel))
		d := defaultConfig(DefaultDim)
		with := func(name string, f func(*config)) variant {
			c := d
			f(&c)
			return variant{name, c}
		}
		vs := []variant{
			{"default", d},
			with("common 1", func(c *config) { c.common = 1 }),
			with("common 0", func(c *config) { c.common = 0 }),
			with("common 1, bigram 0.8", func(c *config) { c.common, c.bigram = 1, 0.8 }),
			with("common 1, bigram 0", func(c *config) { c.common, c.bigram = 1, 0 }),
			with("common 1, concept 0.5", func(c *config) { c.common, c.concept = 1, 0.5 }),
			with("common 1, concept 0", func(c *config) { c.common, c.concept = 1, 0 }),
			with("common 1, chargram 0", func(c *config) { c.common, c.chargram = 1, 0 }),
		}
		for _, v := range vs {
			dv := sparseFeatures(v.cfg, b.docs)
			qv := sparseFeatures(v.cfg, b.queries)
			df := make(map[uint64]int)
			for _, fs := range dv {
				for _, f := range fs {
					df[f.h]++
				}
			}
			idfs := []struct {
				name string
				f    func(uint64) float64
			}{
				{"no idf", func(uint64) float64 { return 1 }},
			}
			for _, idf := range idfs {
				for _, slope := range []float64{1, 0.6, 0.5, 0.4} {
					t.Logf("%-55s %s", fmt.Sprintf("%s, %s, slope %g", v.name, idf.name, slope), metrics(sparseRank(dv, qv, idf.f, slope), b.rel))
				}
			}
		}
	}
}

package main

// Go benchmarks for the same comparisons as the command, for profiling one
// case at a time:
//
//	go test -run '^$' -bench 'EmbeddedQuery/N=10000/d=384' -cpuprofile cpu.out
//	go test -run '^$' -bench . -args -large   # adds the 100k shapes
//
// The PostgreSQL benchmarks need BEDSIDE_TEST_DATABASE_URL.

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	chromem "github.com/philippgille/chromem-go"
	"github.com/tmc/langchaingo/embeddings"
	lcgopenai "github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/vectorstores"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

var large = flag.Bool("large", false, "also benchmark the 100k-vector shapes")

var benchText = sync.OnceValues(func() (*textSource, error) { return loadTextSource(findMedQuAD("")) })

func textSourceB(b *testing.B) *textSource {
	b.Helper()
	ts, err := benchText()
	if err != nil {
		b.Fatal(err)
	}
	return ts
}

// embeddedFixture is one shape loaded into all three embedded systems.
type embeddedFixture struct {
	c     *corpus
	fst   *filestore.Store
	col   *chromem.Collection
	floor *slabScan
	qs    []query
}

var fixtures struct {
	sh shape
	f  *embeddedFixture
}

func embeddedFixtureB(b *testing.B, sh shape) *embeddedFixture {
	b.Helper()
	if fixtures.f != nil && fixtures.sh == sh {
		return fixtures.f
	}
	fixtures.f = nil
	freeMemory()
	ctx := context.Background()
	ts := textSourceB(b)
	mix := newMixture(uint64(sh.dim), sh.dim, clustersFor(sh.n))
	c := syntheticCorpus(ts, mix, sh.n, 10, 110, uint64(sh.n+sh.dim))
	fst, err := filestore.Open("", filestore.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	if err := putAll(ctx, fst, c.entries); err != nil {
		b.Fatal(err)
	}
	col, err := chromem.NewDB().CreateCollection("bench", nil, noEmbedding)
	if err != nil {
		b.Fatal(err)
	}
	if err := col.AddDocuments(ctx, chromemDocs(c), runtime.GOMAXPROCS(0)); err != nil {
		b.Fatal(err)
	}
	f := &embeddedFixture{c: c, fst: fst, col: col, floor: &slabScan{slab: c.slab, dim: sh.dim}, qs: mixtureQueries(ts, mix, 200, 7)}
	fixtures.sh, fixtures.f = sh, f
	return f
}

func BenchmarkMemoryBandwidth(b *testing.B) {
	slab := make([]float32, 256<<20)
	for i := range slab {
		slab[i] = 1
	}
	for _, g := range []int{1, 2} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			b.SetBytes(int64(len(slab) * 4))
			for b.Loop() {
				readBandwidth(slab, g, 1)
			}
		})
	}
}

func BenchmarkEmbeddedQuery(b *testing.B) {
	shapes := []shape{{10_000, 384}, {10_000, 1536}}
	if *large {
		shapes = append(shapes, shape{100_000, 384}, shape{100_000, 1536})
	}
	ctx := context.Background()
	for _, sh := range shapes {
		b.Run(fmt.Sprintf("N=%d/d=%d", sh.n, sh.dim), func(b *testing.B) {
			fx := embeddedFixtureB(b, sh)
			for _, f := range filterCases {
				ranges := rangesOf(fx.c, f)
				pass := 0
				for _, r := range ranges {
					pass += r.hi - r.lo
				}
				bytes := int64(pass * sh.dim * 4)
				b.Run("filter="+f.name+"/bedside", func(b *testing.B) {
					b.SetBytes(bytes)
					b.ReportAllocs()
					for i := 0; b.Loop(); i++ {
						q := fx.qs[i%len(fx.qs)]
						if _, err := fx.fst.Search(ctx, retrieval.Query{Vector: q.vec, Mode: retrieval.Vector, K: 10, Filter: f.bedside}); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("filter="+f.name+"/chromem", func(b *testing.B) {
					b.SetBytes(bytes)
					b.ReportAllocs()
					for i := 0; b.Loop(); i++ {
						q := fx.qs[i%len(fx.qs)]
						if _, err := fx.col.QueryEmbedding(ctx, q.vec, 10, f.chromem, nil); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("filter="+f.name+"/floor", func(b *testing.B) {
					b.SetBytes(bytes)
					b.ReportAllocs()
					heap := make([]scored, 0, 16)
					for i := 0; b.Loop(); i++ {
						heap = fx.floor.top(fx.qs[i%len(fx.qs)].vec, ranges, 10, heap)
					}
				})
			}
		})
	}
}

func BenchmarkLexical(b *testing.B) {
	dir := findMedQuAD("")
	if dir == "" {
		b.Skip("MedQuAD not found")
	}
	ctx := context.Background()
	docs, err := loadMedQuAD(dir, 0)
	if err != nil {
		b.Fatal(err)
	}
	unit := make([]float32, 384)
	unit[0] = 1
	entries, texts := unitEntries(docs, unit)
	qs, err := medquadQuestions(dir, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("build/bedside", func(b *testing.B) {
		for b.Loop() {
			s, _ := filestore.Open("", filestore.Options{Now: now})
			if err := putAll(ctx, s, entries); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
	})
	b.Run("build/plain", func(b *testing.B) {
		for b.Loop() {
			newPlainBM25(texts)
		}
		b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
	})
	s, _ := filestore.Open("", filestore.Options{Now: now})
	if err := putAll(ctx, s, entries); err != nil {
		b.Fatal(err)
	}
	ix := newPlainBM25(texts)
	b.Run("query/bedside", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Search(ctx, retrieval.Query{Text: qs[i%len(qs)], Mode: retrieval.Lexical, K: 10}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("query/plain", func(b *testing.B) {
		b.ReportAllocs()
		var heap []scored
		var touched []int32
		for i := 0; b.Loop(); i++ {
			heap, touched = ix.search(qs[i%len(qs)], 10, heap, touched)
		}
	})
}

// pgBench returns a database environment for a benchmark, or skips it.
func pgBench(b *testing.B) *pgEnv {
	b.Helper()
	url := testDB(b)
	if url == "" {
		b.Skip("BEDSIDE_TEST_DATABASE_URL is not set")
	}
	p, err := openPG(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := p.close(); err != nil {
			b.Error(err)
		}
	})
	return p
}

func BenchmarkPGIngest(b *testing.B) {
	p := pgBench(b)
	ctx := context.Background()
	mix := newMixture(5, 384, clustersFor(5000))
	c := syntheticCorpus(textSourceB(b), mix, 5000, 10, 110, 5)
	b.Run("bedside", func(b *testing.B) {
		var load, opt time.Duration
		for b.Loop() {
			st, name, l, o, err := p.loadBedside(ctx, c, pgstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			load, opt = load+l, opt+o
			b.StopTimer()
			st.Close()
			_ = p.drop(name)
			b.StartTimer()
		}
		b.ReportMetric(float64(c.rows()*b.N)/load.Seconds(), "rows/s")
		b.ReportMetric((load+opt).Seconds()/float64(b.N), "searchable-s")
	})
	for _, hnsw := range []bool{false, true} {
		b.Run(fmt.Sprintf("langchaingo/hnsw=%v", hnsw), func(b *testing.B) {
			var load time.Duration
			for b.Loop() {
				l, err := p.newLCG(ctx, 384, hnsw)
				if err != nil {
					b.Fatal(err)
				}
				d, err := l.load(ctx, c)
				if err != nil {
					b.Fatal(err)
				}
				load += d
				b.StopTimer()
				l.close()
				b.StartTimer()
			}
			b.ReportMetric(float64(c.rows()*b.N)/load.Seconds(), "rows/s")
		})
	}
}

func BenchmarkPGSearch(b *testing.B) {
	p := pgBench(b)
	ctx := context.Background()
	n := 20_000
	if *large {
		n = 100_000
	}
	mix := newMixture(6, 384, clustersFor(n))
	c := syntheticCorpus(textSourceB(b), mix, n, 10, 110, 6)
	qs := mixtureQueries(textSourceB(b), mix, 200, 8)
	st, _, _, _, err := p.loadBedside(ctx, c, pgstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	l, err := p.newLCG(ctx, 384, false)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.load(ctx, c); err != nil {
		b.Fatal(err)
	}
	for _, m := range pgModes {
		b.Run("bedside/"+m.name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				t := time.Now()
				if _, err := st.Search(ctx, m.query(qs[i%len(qs)])); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(lat, 95).Microseconds())/1000, "p95-ms")
		})
	}
	b.Run("langchaingo/vector", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			q := qs[i%len(qs)]
			t := time.Now()
			if _, err := l.store.SimilaritySearch(ctx, q.text, 10, vectorstores.WithEmbedder(fixedEmbedder{query: q.vec})); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	})
}

func BenchmarkEmbedPipeline(b *testing.B) {
	dir := findMedQuAD("")
	if dir == "" {
		b.Skip("MedQuAD not found")
	}
	docs, err := loadMedQuAD(dir, 250)
	if err != nil {
		b.Fatal(err)
	}
	var ck retrieval.Chunker
	var texts []string
	for _, d := range docs {
		for _, c := range ck.Split(d) {
			texts = append(texts, c.IndexText())
		}
	}
	srv := openaitest.New(b, openaitest.Options{Dimensions: 1536, Latency: 100 * time.Millisecond})
	ctx := context.Background()
	b.Run("bedside/library-ingest", func(b *testing.B) {
		emb, err := openaiembed.New(openaiembed.Config{BaseURL: srv.URL()})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			st, _ := filestore.Open("", filestore.Options{Now: now})
			if _, err := retrieval.New(st, retrieval.Options{Embedder: emb}).Ingest(ctx, "", docs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "texts/s")
	})
	b.Run("langchaingo/embed-documents", func(b *testing.B) {
		llm, err := lcgopenai.New(lcgopenai.WithBaseURL(srv.URL()), lcgopenai.WithToken("bench"), lcgopenai.WithEmbeddingModel("text-embedding-3-small"))
		if err != nil {
			b.Fatal(err)
		}
		le, err := embeddings.NewEmbedder(llm)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := le.EmbedDocuments(ctx, slices.Clone(texts)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "texts/s")
	})
}

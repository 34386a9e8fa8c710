package pgstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

// The benchmark corpus: MedQuAD passages chunked and embedded (384
// dimensions, by the deterministic fake embedder) until there are benchChunks
// chunks, in groups of about retrieval's default PutSize.
const (
	benchChunks = 20000
	benchDim    = 384
	benchGroup  = 2048
)

type benchQuery struct {
	text   string
	vector []float32
}

var bench struct {
	once    sync.Once
	groups  [][]retrieval.Entry
	chunks  int
	queries []benchQuery
	skip    string
}

func benchData(b *testing.B) ([][]retrieval.Entry, []benchQuery) {
	b.Helper()
	testURL(b)
	bench.once.Do(func() {
		corpus, err1 := decodeJSONL[passage](filepath.Join(medquadDir, "corpus.jsonl"))
		queries, err2 := decodeJSONL[passage](filepath.Join(medquadDir, "queries.jsonl"))
		if err := errors.Join(err1, err2); err != nil {
			bench.skip = "MedQuAD unavailable: " + err.Error()
			return
		}
		ctx := context.Background()
		emb := &retrievaltest.Embedder{Dim: benchDim}
		var ck retrieval.Chunker
		var group []retrieval.Entry
		n := 0
		used := map[string]bool{}
		for _, p := range corpus {
			if bench.chunks >= benchChunks {
				break
			}
			d := passageDoc(p)
			d.Publisher, _, _ = strings.Cut(p.ID, "_") // the source, e.g. CancerGov
			if len(used)%100 == 0 {
				d.Tags = []string{"one-percent"}
			}
			chunks := ck.Split(d)
			if len(chunks) > benchChunks-bench.chunks {
				chunks = chunks[:benchChunks-bench.chunks]
			}
			texts := make([]string, len(chunks))
			for i := range chunks {
				texts[i] = chunks[i].IndexText()
			}
			vecs, _ := emb.Embed(ctx, texts)
			group = append(group, retrieval.Entry{Document: d, Chunks: chunks, Vectors: vecs, Model: emb.Model()})
			used[p.ID] = true
			bench.chunks += len(chunks)
			n += len(chunks)
			if n >= benchGroup {
				bench.groups = append(bench.groups, group)
				group, n = nil, 0
			}
		}
		if len(group) > 0 {
			bench.groups = append(bench.groups, group)
		}
		for _, q := range queries {
			if used[q.ID] && len(bench.queries) < 500 {
				v, _ := emb.Embed(ctx, []string{q.Text})
				bench.queries = append(bench.queries, benchQuery{q.Text, v[0]})
			}
		}
	})
	if bench.skip != "" {
		b.Skip(bench.skip)
	}
	return bench.groups, bench.queries
}

// load puts every group into s and returns how long it took.
func load(b *testing.B, s *pgstore.Store, groups [][]retrieval.Entry) time.Duration {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	for _, g := range groups {
		if err := s.Put(ctx, "", g); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkPut measures bulk loading: 20,000 chunks of 384 dimensions in
// Puts of about 2,048 chunks, into an empty store (no HNSW index yet).
func BenchmarkPut(b *testing.B) {
	groups, _ := benchData(b)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		s := newTestStore(b, pgstore.Options{})
		b.StartTimer()
		elapsed += load(b, s, groups)
	}
	b.ReportMetric(float64(bench.chunks*b.N)/elapsed.Seconds(), "rows/s")
}

// BenchmarkSearchable measures the time until a 20,000 × 384 corpus is
// searchable with an HNSW index: bulk load, then Optimize (index build,
// VACUUM ANALYZE), with the server's maintenance_work_mem and with 512MB.
func BenchmarkSearchable(b *testing.B) {
	groups, _ := benchData(b)
	ctx := context.Background()
	for _, mem := range []string{"", "512MB"} {
		name := "mem=server"
		if mem != "" {
			name = "mem=" + mem
		}
		b.Run(name, func(b *testing.B) {
			var loadT, indexT time.Duration
			for b.Loop() {
				b.StopTimer()
				s := newTestStore(b, pgstore.Options{MaintenanceWorkMem: mem})
				b.StartTimer()
				loadT += load(b, s, groups)
				start := time.Now()
				if err := s.Optimize(ctx); err != nil {
					b.Fatal(err)
				}
				indexT += time.Since(start)
			}
			n := float64(b.N)
			b.ReportMetric(loadT.Seconds()/n, "load-s")
			b.ReportMetric(indexT.Seconds()/n, "optimize-s")
			b.ReportMetric((loadT+indexT).Seconds()/n, "searchable-s")
		})
	}
}

// BenchmarkSearch measures query latency on the 20,000 × 384 corpus with
// its HNSW index, cycling through MedQuAD questions about it.
func BenchmarkSearch(b *testing.B) {
	groups, queries := benchData(b)
	ctx := context.Background()
	s := newTestStore(b, pgstore.Options{})
	load(b, s, groups)
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		mode   retrieval.Mode
		filter retrieval.Filter
	}{
		{"vector", retrieval.Vector, retrieval.Filter{}},
		{"lexical", retrieval.Lexical, retrieval.Filter{}},
		{"hybrid", retrieval.Hybrid, retrieval.Filter{}},
		{"hybrid-filter15%", retrieval.Hybrid, retrieval.Filter{Publishers: []string{"CancerGov"}}},
		{"hybrid-filter1%", retrieval.Hybrid, retrieval.Filter{Tags: []string{"one-percent"}}},
		{"vector-filter1%", retrieval.Vector, retrieval.Filter{Tags: []string{"one-percent"}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var lat []time.Duration
			before := s.Stats()
			i := 0
			for b.Loop() {
				q := queries[i%len(queries)]
				i++
				start := time.Now()
				hits, err := s.Search(ctx, retrieval.Query{Text: q.text, Vector: q.vector, Mode: c.mode, K: 10, Filter: c.filter})
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) != 10 {
					b.Fatalf("%d hits for %q; want 10", len(hits), q.text)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			after := s.Stats()
			b.ReportMetric(float64(after.ExactScans-before.ExactScans)/float64(after.Searches-before.Searches), "exact-frac")
		})
	}
}

// BenchmarkReweight measures re-weighting every chunk of a 20,000 × 384
// tenant (what a Put or Delete does when the average chunk length drifts
// past bm25.Drift) with the HNSW index built, and reports the share of
// updates that were HOT (touching no index).
func BenchmarkReweight(b *testing.B) {
	groups, _ := benchData(b)
	ctx := context.Background()
	schema := testSchema(b)
	s := newTestStore(b, pgstore.Options{Schema: schema})
	load(b, s, groups)
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	conn := dbConn(b)
	updates := func(atLeast int64) (upd, hot int64) {
		b.StopTimer()
		defer b.StartTimer()
		// An idle backend's statistics reach pg_stat_user_tables within
		// about 10 s.
		for range 100 {
			err := conn.QueryRow(ctx, `SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables
				WHERE schemaname = $1 AND relname = 'chunk_lex'`, schema).Scan(&upd, &hot)
			if err != nil {
				b.Fatal(err)
			}
			if upd >= atLeast {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		return upd, hot
	}
	u0, h0 := updates(0)
	ref := 80.0
	var rows int64
	for b.Loop() {
		ref += 10
		n, err := pgstore.Reweight(s, ctx, retrieval.DefaultTenant, ref)
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	u1, h1 := updates(u0 + rows)
	b.ReportMetric(float64(h1-h0)/float64(max(u1-u0, 1)), "hot-frac")
}

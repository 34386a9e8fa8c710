package filestore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/viterin/vek"

	"github.com/bedside-ai/bedside/retrieval"
)

// benchCache keeps the last store a benchmark built, since building 100k
// chunks takes a while and sub-benchmarks share it.
var benchCache struct {
	n, dim int
	s      *Store
}

func buildStore(tb testing.TB, path string, n, dim int) *Store {
	tb.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	sy := newSynth(1, dim)
	const perDoc, batch = 10, 200
	for first := 0; first < n/perDoc; first += batch {
		if err := s.Put(context.Background(), "", sy.entries(first, min(batch, n/perDoc-first), perDoc)); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func benchStore(b *testing.B, n, dim int) *Store {
	b.Helper()
	if benchCache.s != nil && benchCache.n == n && benchCache.dim == dim {
		return benchCache.s
	}
	benchCache.s = nil
	runtime.GC()
	start := time.Now()
	s := buildStore(b, "", n, dim)
	b.Logf("built %d × %d store in %v", n, dim, time.Since(start))
	benchCache.n, benchCache.dim, benchCache.s = n, dim, s
	return s
}

func BenchmarkPut(b *testing.B) {
	const docs, perDoc, dim, batch = 1000, 10, 384, 200
	sy := newSynth(1, dim)
	entries := sy.entries(0, docs, perDoc)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		s, _ := Open("", Options{})
		for i := 0; i < docs; i += batch {
			if err := s.Put(ctx, "", entries[i:i+batch]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(docs*perDoc*b.N)/b.Elapsed().Seconds(), "chunks/s")
	reportCPU(b, cpu0)
}

// reportCPU reports the process's CPU time per op since cpu0 (all threads,
// so garbage collection and parallel work count).
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkSearch(b *testing.B) {
	if !vek.Info().Acceleration {
		b.Log("vek: no AVX2 acceleration on this machine")
	}
	filters := []struct {
		name string
		f    retrieval.Filter
		frac float64
	}{
		{"all", retrieval.Filter{}, 1},
		{"10pct", retrieval.Filter{Specialties: []string{"spec-3"}}, 0.1},
		{"1pct", retrieval.Filter{Publishers: []string{"pub-07"}}, 0.01},
	}
	for _, n := range []int{10_000, 100_000} {
		for _, dim := range []int{384, 1536} {
			b.Run(fmt.Sprintf("N=%d/d=%d", n, dim), func(b *testing.B) {
				s := benchStore(b, n, dim)
				qs := newSynth(99, dim)
				type query struct {
					text string
					vec  []float32
				}
				queries := make([]query, 64)
				for i := range queries {
					queries[i] = query{qs.words(4), qs.vector()}
				}
				for _, f := range filters {
					for _, mode := range []retrieval.Mode{retrieval.Vector, retrieval.Lexical, retrieval.Hybrid} {
						b.Run(f.name+"/"+mode.String(), func(b *testing.B) {
							ctx := context.Background()
							b.ReportAllocs()
							cpu0 := cpuTime()
							for i := 0; b.Loop(); i++ {
								q := queries[i%len(queries)]
								hits, err := s.Search(ctx, retrieval.Query{Text: q.text, Vector: q.vec, Mode: mode, K: 10, Filter: f.f})
								if err != nil || len(hits) == 0 {
									b.Fatalf("Search = %d hits, %v", len(hits), err)
								}
							}
							cpu := cpuTime() - cpu0
							reportCPU(b, cpu0)
							if mode != retrieval.Lexical {
								// Bytes of vectors scanned per second, by the clock and by
								// CPU time.
								scanned := f.frac * float64(n) * float64(dim) * 4 * float64(b.N)
								b.ReportMetric(scanned/b.Elapsed().Seconds()/1e9, "GB/s")
								if cpu > 0 {
									b.ReportMetric(scanned/cpu.Seconds()/1e9, "cpu-GB/s")
								}
							}
						})
					}
				}
			})
		}
	}
}

// BenchmarkFlush writes a 100k × 384 store to a file.
func BenchmarkFlush(b *testing.B) {
	s := benchStore(b, 100_000, 384)
	dir := b.TempDir()
	s.path = filepath.Join(dir, "store.bedside")
	defer func() { s.path = "" }()
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		s.mu.Lock()
		s.gen++ // make it dirty
		s.mu.Unlock()
		if err := s.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu0)
	fi, err := os.Stat(s.path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size()), "file-bytes")
}

// BenchmarkOpen reopens a 100k × 384 store from its file.
func BenchmarkOpen(b *testing.B) {
	s := benchStore(b, 100_000, 384)
	path := filepath.Join(b.TempDir(), "store.bedside")
	s.path = path
	s.mu.Lock()
	s.gen++
	s.mu.Unlock()
	if err := s.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	s.path = ""
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		s2, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(s2.tenants[retrieval.DefaultTenant].chunks) != 100_000 {
			b.Fatal("wrong row count")
		}
	}
	reportCPU(b, cpu0)
}

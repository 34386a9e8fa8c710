package eval

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bedside-ai/bedside/eval/beir"
	"github.com/bedside-ai/bedside/retrieval"
)

// A Searcher runs retrieval queries; [*retrieval.Library] is one.
type Searcher interface {
	Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error)
}

// RetrievalOptions configure [EvaluateRetrieval]. The zero value works.
type RetrievalOptions struct {
	// Tenant to search; empty means the default tenant.
	Tenant string
	// Mode of search; the zero value is hybrid.
	Mode retrieval.Mode
	// Depth is the number of chunks requested per query; default 100.
	// Hits are collapsed to documents (the passage IDs the qrels name).
	Depth int
	// Concurrency bounds queries in flight; default GOMAXPROCS.
	Concurrency int
	// Progress, if set, is called as queries finish.
	Progress func(done, total int)
}

// RetrievalReport holds standard retrieval metrics over a query set, each a
// mean with a bootstrap confidence interval.
type RetrievalReport struct {
	Mode     string   `json:"mode"`
	Queries  int      `json:"queries"`
	Recall1  Estimate `json:"recall@1"`
	Recall5  Estimate `json:"recall@5"`
	Recall10 Estimate `json:"recall@10"`
	MRR10    Estimate `json:"mrr@10"`
	NDCG10   Estimate `json:"ndcg@10"`
	// LatencyP50 and LatencyP95 are per-query search latencies.
	LatencyP50 time.Duration `json:"latency_p50_ns"`
	LatencyP95 time.Duration `json:"latency_p95_ns"`
	// PerQuery holds each query's scores, in query order.
	PerQuery []QueryScores `json:"per_query,omitempty"`
}

// QueryScores are one query's retrieval metrics.
type QueryScores struct {
	ID       string        `json:"id"`
	Ranked   []string      `json:"ranked"` // top 10 document IDs
	Recall1  float64       `json:"recall@1"`
	Recall5  float64       `json:"recall@5"`
	Recall10 float64       `json:"recall@10"`
	RR10     float64       `json:"rr@10"`
	NDCG10   float64       `json:"ndcg@10"`
	Latency  time.Duration `json:"latency_ns"`
}

// EvaluateRetrieval runs every query that has relevance judgements and
// scores the ranked documents against qrels. Queries without judgements are
// skipped, as in BEIR.
func EvaluateRetrieval(ctx context.Context, s Searcher, queries []beir.Query, qrels beir.Qrels, opts RetrievalOptions) (*RetrievalReport, error) {
	if opts.Depth <= 0 {
		opts.Depth = 100
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = runtime.GOMAXPROCS(0)
	}
	var judged []beir.Query
	for _, q := range queries {
		if hasRelevant(qrels[q.ID]) {
			judged = append(judged, q)
		}
	}
	scores := make([]QueryScores, len(judged))
	var (
		next     atomic.Int64
		done     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(judged) || ctx.Err() != nil {
					return
				}
				q := judged[i]
				start := time.Now()
				hits, err := s.Search(ctx, retrieval.Query{Tenant: opts.Tenant, Text: q.Text, Mode: opts.Mode, K: opts.Depth})
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("query %s: %w", q.ID, err); cancel() })
					return
				}
				scores[i] = score(q.ID, documentsOf(hits), qrels[q.ID])
				scores[i].Latency = time.Since(start)
				if d := done.Add(1); opts.Progress != nil {
					opts.Progress(int(d), len(judged))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return summarize(opts.Mode.String(), scores), nil
}

func hasRelevant(rel map[string]int) bool {
	for _, g := range rel {
		if g > 0 {
			return true
		}
	}
	return false
}

// documentsOf collapses hits to document IDs in rank order.
func documentsOf(hits []retrieval.Hit) []string {
	var out []string
	seen := make(map[string]bool)
	for _, h := range hits {
		if !seen[h.Document.ID] {
			seen[h.Document.ID] = true
			out = append(out, h.Document.ID)
		}
	}
	return out
}

// score computes one query's metrics from its ranked documents.
func score(id string, ranked []string, rel map[string]int) QueryScores {
	nrel := 0
	var grades []int
	for _, g := range rel {
		if g > 0 {
			nrel++
			grades = append(grades, g)
		}
	}
	s := QueryScores{ID: id, Ranked: ranked[:min(10, len(ranked))]}
	recall := func(k int) float64 {
		n := 0
		for _, d := range ranked[:min(k, len(ranked))] {
			if rel[d] > 0 {
				n++
			}
		}
		return float64(n) / float64(nrel)
	}
	s.Recall1, s.Recall5, s.Recall10 = recall(1), recall(5), recall(10)
	for i, d := range ranked[:min(10, len(ranked))] {
		if rel[d] > 0 {
			s.RR10 = 1 / float64(i+1)
			break
		}
	}
	dcg := 0.0
	for i, d := range ranked[:min(10, len(ranked))] {
		if g := rel[d]; g > 0 {
			dcg += float64(g) / math.Log2(float64(i+2))
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	idcg := 0.0
	for i, g := range grades[:min(10, len(grades))] {
		idcg += float64(g) / math.Log2(float64(i+2))
	}
	if idcg > 0 {
		s.NDCG10 = dcg / idcg
	}
	return s
}

func summarize(mode string, scores []QueryScores) *RetrievalReport {
	col := func(f func(QueryScores) float64) []float64 {
		out := make([]float64, len(scores))
		for i, s := range scores {
			out[i] = f(s)
		}
		return out
	}
	r := &RetrievalReport{
		Mode:     mode,
		Queries:  len(scores),
		Recall1:  Bootstrap(col(func(s QueryScores) float64 { return s.Recall1 })),
		Recall5:  Bootstrap(col(func(s QueryScores) float64 { return s.Recall5 })),
		Recall10: Bootstrap(col(func(s QueryScores) float64 { return s.Recall10 })),
		MRR10:    Bootstrap(col(func(s QueryScores) float64 { return s.RR10 })),
		NDCG10:   Bootstrap(col(func(s QueryScores) float64 { return s.NDCG10 })),
		PerQuery: scores,
	}
	lat := make([]time.Duration, len(scores))
	for i, s := range scores {
		lat[i] = s.Latency
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		r.LatencyP50 = lat[len(lat)/2]
		r.LatencyP95 = lat[min(len(lat)-1, len(lat)*95/100)]
	}
	return r
}

package eval

import (
	"context"
	"math"
	"testing"

	"github.com/bedside-ai/bedside/eval/beir"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func TestScore(t *testing.T) {
	rel := map[string]int{"a": 1, "b": 1, "x": 0}
	tests := []struct {
		ranked                []string
		r1, r5, r10, rr, ndcg float64
	}{
		{[]string{"a", "b"}, 0.5, 1, 1, 1, 1},
		{[]string{"c", "a"}, 0, 0.5, 0.5, 0.5, (1 / math.Log2(3)) / (1 + 1/math.Log2(3))},
		{[]string{"x", "c", "d"}, 0, 0, 0, 0, 0},
		{nil, 0, 0, 0, 0, 0},
		{[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "a"}, 0, 0, 0, 0, 0},
		{[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "b"}, 0, 0, 0.5, 0.1, (1 / math.Log2(11)) / (1 + 1/math.Log2(3))},
	}
	for _, tt := range tests {
		s := score("q", tt.ranked, rel)
		got := []float64{s.Recall1, s.Recall5, s.Recall10, s.RR10, s.NDCG10}
		want := []float64{tt.r1, tt.r5, tt.r10, tt.rr, tt.ndcg}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("score(%v) = %v; want %v", tt.ranked, got, want)
				break
			}
		}
	}
}

func TestBootstrap(t *testing.T) {
	if got := Bootstrap(nil); got != (Estimate{}) {
		t.Errorf("Bootstrap(nil) = %+v; want zero", got)
	}
	xs := make([]float64, 200)
	for i := range xs {
		if i%4 == 0 {
			xs[i] = 1
		}
	}
	a, b := Bootstrap(xs), Bootstrap(xs)
	if a != b {
		t.Errorf("Bootstrap is not deterministic: %+v then %+v", a, b)
	}
	if a.Mean != 0.25 || !(a.Lo < 0.25 && a.Hi > 0.25) || a.Lo < 0.15 || a.Hi > 0.35 {
		t.Errorf("Bootstrap(25%% ones of 200) = %+v; want mean 0.25 inside a ~±0.06 interval", a)
	}
	if c := Bootstrap([]float64{1, 1, 1}); c.Lo != 1 || c.Hi != 1 || math.IsNaN(c.Mean) {
		t.Errorf("Bootstrap(constant) = %+v; want a degenerate interval at 1", c)
	}
}

type fakeSearcher map[string][]string // query text -> document IDs

func (f fakeSearcher) Search(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	var hits []retrieval.Hit
	for _, id := range f[q.Text] {
		hits = append(hits, retrieval.Hit{Document: retrieval.DocumentInfo{Metadata: guidance.Metadata{ID: id}}})
	}
	return hits, nil
}

func TestEvaluateRetrieval(t *testing.T) {
	s := fakeSearcher{
		"q1": {"d1", "d1", "d2"}, // chunks of d1 collapse to one document
		"q2": {"d9", "d3"},
		"q3": {"d4"},
	}
	queries := []beir.Query{{ID: "1", Text: "q1"}, {ID: "2", Text: "q2"}, {ID: "3", Text: "q3"}}
	qrels := beir.Qrels{"1": {"d2": 1}, "2": {"d3": 1}} // query 3 is unjudged
	r, err := EvaluateRetrieval(context.Background(), s, queries, qrels, RetrievalOptions{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.Queries != 2 {
		t.Errorf("Queries = %d; want 2 (unjudged skipped)", r.Queries)
	}
	if r.MRR10.Mean != 0.5 || r.Recall1.Mean != 0 || r.Recall5.Mean != 1 {
		t.Errorf("MRR %v recall@1 %v recall@5 %v; want 0.5, 0, 1", r.MRR10.Mean, r.Recall1.Mean, r.Recall5.Mean)
	}
	if got := r.PerQuery[0].Ranked; len(got) != 2 || got[0] != "d1" {
		t.Errorf("PerQuery[0].Ranked = %v; want [d1 d2]", got)
	}
}

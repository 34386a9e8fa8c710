package retrieval

import (
	"math"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func TestFuseRank(t *testing.T) {
	v := []Ranked{{"a", 0.9}, {"b", 0.8}, {"c", 0.7}}
	l := []Ranked{{"c", 12}, {"d", 10}, {"a", 3}}
	got := Fuse(v, l, 3, RankFusion)
	if len(got) != 3 {
		t.Fatalf("Fuse returned %d; want 3", len(got))
	}
	// a: 1/61+1/63, c: 1/63+1/61 — a tie, broken by ID; then b (1/62) and d (1/62) tie, b first.
	if got[0].ID != "a" || got[1].ID != "c" || got[2].ID != "b" {
		t.Errorf("Fuse order = %s %s %s; want a c b", got[0].ID, got[1].ID, got[2].ID)
	}
	if got[0].VectorRank != 1 || got[0].LexicalRank != 3 || got[0].LexicalScore != 3 {
		t.Errorf("Fuse(a) = %+v; want vector rank 1, lexical rank 3 score 3", got[0])
	}
	if len(Fuse(nil, nil, 10, RankFusion)) != 0 || len(Fuse(nil, nil, 10, ScoreFusion)) != 0 {
		t.Errorf("Fuse(nil, nil) should be empty")
	}
}

func TestFuseScore(t *testing.T) {
	v := []Ranked{{"a", 0.9}, {"b", 0.8}, {"c", 0.5}}
	l := []Ranked{{"c", 12}, {"d", 10}, {"a", 2}}
	got := Fuse(v, l, 4, ScoreFusion)
	want := map[string]float64{
		"a": LexicalWeight*0 + VectorWeight*1,
		"b": VectorWeight * 0.75,
		"c": LexicalWeight*1 + VectorWeight*0,
		"d": LexicalWeight * 0.8,
	}
	order := []string{"c", "d", "a", "b"}
	for i, f := range got {
		if f.ID != order[i] || math.Abs(f.Score-want[f.ID]) > 1e-12 {
			t.Errorf("Fuse[%d] = %s %.4f; want %s %.4f", i, f.ID, f.Score, order[i], want[order[i]])
		}
	}
	// One candidate per leg scales to 1.
	one := Fuse([]Ranked{{"x", 0.2}}, []Ranked{{"x", 5}}, 1, ScoreFusion)
	if one[0].Score != LexicalWeight+VectorWeight {
		t.Errorf("single candidate fused to %v; want %v", one[0].Score, LexicalWeight+VectorWeight)
	}
	if f, err := ParseFusion("rrf"); err != nil || f != RankFusion {
		t.Errorf("ParseFusion(rrf) = %v, %v", f, err)
	}
	if _, err := ParseFusion("max"); err == nil {
		t.Errorf("ParseFusion(max) succeeded")
	}
}

func TestQueryNormalize(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	q, err := Query{Text: "x", Vector: []float32{1}}.Normalize(now)
	if err != nil || q.K != DefaultK || q.Tenant != DefaultTenant || !q.AsOf.Equal(now) || q.Mode != Hybrid {
		t.Errorf("Normalize(zero) = %+v, %v", q, err)
	}
	for _, bad := range []Query{
		{Text: "x", Vector: []float32{1}, K: -1},
		{Text: "x", Vector: []float32{1}, K: MaxK + 1},
		{Text: "x"},
		{Mode: Lexical},
		{Text: "x", Mode: Mode(9)},
		{Text: "x", Vector: []float32{1}, Fusion: Fusion(5)},
	} {
		if _, err := bad.Normalize(now); err == nil {
			t.Errorf("Normalize(%+v) succeeded; want an error", bad)
		}
	}
	if _, err := ParseMode("semantic"); err == nil {
		t.Errorf("ParseMode(semantic) succeeded")
	}
	for _, m := range []Mode{Hybrid, Vector, Lexical} {
		if got, err := ParseMode(m.String()); err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	m := &guidance.Metadata{ID: "a", Publisher: "NICE", Jurisdiction: "England", Specialties: []string{"renal"}, Tags: []string{"aki", "fluids"}, Audience: []string{"nurses"}}
	tests := []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Publishers: []string{"SIGN", "NICE"}}, true},
		{Filter{Publishers: []string{"nice"}}, false},
		{Filter{Tags: []string{"fluids"}, Jurisdictions: []string{"England"}}, true},
		{Filter{Tags: []string{"fluids"}, Jurisdictions: []string{"Wales"}}, false},
		{Filter{Specialties: []string{"cardiology"}}, false},
		{Filter{Audiences: []string{"nurses"}, DocumentIDs: []string{"a"}}, true},
		{Filter{DocumentIDs: []string{"b"}}, false},
	}
	for _, tt := range tests {
		if got := tt.f.Match(m); got != tt.want {
			t.Errorf("%+v.Match = %v; want %v", tt.f, got, tt.want)
		}
	}
}

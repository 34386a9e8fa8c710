package eval

import (
	"math"
	"testing"
)

func TestAUROC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   float64
	}{
		{"perfect", []float64{0.9, 0.8, 0.2, 0.1}, []bool{true, true, false, false}, 1},
		{"inverted", []float64{0.1, 0.2, 0.8, 0.9}, []bool{true, true, false, false}, 0},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5},
		// Pairs (p,n): (0.8,0.7)>, (0.8,0.3)>, (0.4,0.7)<, (0.4,0.3)> → 3/4.
		{"mixed", []float64{0.8, 0.4, 0.7, 0.3}, []bool{true, true, false, false}, 0.75},
		// (0.5,0.5) tie counts one half: ½ + 1 + 1 + 1 → 3.5/4.
		{"ties", []float64{0.5, 0.9, 0.5, 0.1}, []bool{true, true, false, false}, 0.875},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := AUROC(tt.scores, tt.labels)
			if !ok || math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("AUROC(%v, %v) = %v, %v; want %v", tt.scores, tt.labels, got, ok, tt.want)
			}
		})
	}
	if got, ok := AUROC([]float64{1, 2}, []bool{true, true}); ok || got != 0 {
		t.Errorf("AUROC with no negatives = %v, %v; want 0, false", got, ok)
	}
}

func TestConfusion(t *testing.T) {
	var c Confusion
	for _, p := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}, {true, true}} {
		c.Add(p[0], p[1])
	}
	if c != (Confusion{TP: 2, FP: 1, FN: 1, TN: 1}) {
		t.Fatalf("Confusion = %+v; want TP=2 FP=1 FN=1 TN=1", c)
	}
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"F1", c.F1(), 2.0 / 3}, {"Precision", c.Precision(), 2.0 / 3}, {"Recall", c.Recall(), 2.0 / 3},
		{"Specificity", c.Specificity(), 0.5}, {"Accuracy", c.Accuracy(), 0.6},
		{"F1 of nothing", Confusion{}.F1(), 0},
	} {
		if math.Abs(tt.got-tt.want) > 1e-12 {
			t.Errorf("%s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestKappa(t *testing.T) {
	tests := []struct {
		name string
		c    Confusion
		want float64
	}{
		{"perfect", Confusion{TP: 5, TN: 5}, 1},
		{"opposite", Confusion{FP: 5, FN: 5}, -1},
		// po = 0.7, pe = 0.5·0.6 + 0.5·0.4 = 0.5 → 0.4.
		{"textbook", Confusion{TP: 4, FP: 1, FN: 2, TN: 3}, 0.4},
		{"one verdict, agreeing", Confusion{TP: 7}, 1},
		{"chance only", Confusion{TP: 19, FP: 1}, 0},
		{"empty", Confusion{}, 0},
	}
	for _, tt := range tests {
		if got := tt.c.Kappa(); math.Abs(got-tt.want) > 1e-12 || math.IsNaN(got) {
			t.Errorf("%s: Kappa(%+v) = %v; want %v", tt.name, tt.c, got, tt.want)
		}
	}
}

func TestBootstrapRatio(t *testing.T) {
	rs := []Ratio{{1, 2}, {3, 3}, {0, 0}, {0, 1}}
	e := BootstrapRatio(rs)
	if e.Mean != 4.0/6 || e.Sample != 3 || e.Lo > e.Mean || e.Hi < e.Mean {
		t.Errorf("BootstrapRatio = %+v; want 4/6 pooled over 3 cases, inside its interval", e)
	}
	if e2 := BootstrapRatio(rs); e2 != e {
		t.Errorf("BootstrapRatio is not deterministic")
	}
	if e := BootstrapRatio([]Ratio{{0, 0}}); e != (Estimate{}) {
		t.Errorf("BootstrapRatio with no denominators = %+v; want zero", e)
	}
	if e := BootstrapStat(3, func([]int) float64 { return math.NaN() }); e.Mean != 0 || e.Lo != 0 || e.Hi != 0 {
		t.Errorf("BootstrapStat of an undefined statistic = %+v; want zeros, never NaN", e)
	}
}

func TestRetrievalScores(t *testing.T) {
	s := retrievalScores([]string{"x", "a", "y", "b"}, map[string]bool{"a": true, "b": true}, 6)
	wantNDCG := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3))
	if s.Recall != 1 || s.RR != 0.5 || math.Abs(s.NDCG-wantNDCG) > 1e-12 {
		t.Errorf("retrievalScores = %+v; want recall 1, RR 0.5, nDCG %v", s, wantNDCG)
	}
	if s := retrievalScores(nil, map[string]bool{"a": true}, 6); s.Recall != 0 || s.NDCG != 0 || math.IsNaN(s.NDCG) {
		t.Errorf("retrievalScores(nothing retrieved) = %+v", s)
	}
}

func TestNumbersFound(t *testing.T) {
	passages := []string{"The adult dose is 500 micrograms (0.5 mg) intramuscularly. Repeat every 5 minutes."}
	tests := []struct {
		sentence  string
		num, den  int
		unmatched string
	}{
		{"Give 0.5 mg intramuscularly.", 1, 1, ""},
		{"Give 500 mcg intramuscularly.", 1, 1, ""},
		{"Give 5 mg intramuscularly.", 0, 1, "5 mg"},
		{"Repeat every 5 minutes.", 1, 1, ""},
		{"Repeat every 10 minutes.", 0, 1, "every 10 minutes"},
		{"Lie the patient flat.", 0, 0, ""},
	}
	for _, tt := range tests {
		r, um := numbersFound(tt.sentence, passages)
		if r.Num != tt.num || r.Den != tt.den || (tt.unmatched != "" && (len(um) != 1 || um[0] != tt.unmatched)) {
			t.Errorf("numbersFound(%q) = %+v %q; want %d/%d %q", tt.sentence, r, um, tt.num, tt.den, tt.unmatched)
		}
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		r      CaseResult
		status Status
		reason string
	}{
		{"should refuse, answered", CaseResult{Answerable: false, Answer: "Give 5 mg. [1]", Citations: []CitationResult{{Document: "d"}}},
			Fail, `should refuse (the guidance does not cover it) but answered: "Give 5 mg. [1]"; cited d`},
		{"should answer, refused", CaseResult{Answerable: true, Refused: true, RefusalReason: "low-support", RefusalDetail: "retrieved guidance covers 20%"},
			Fail, "should answer but refused (low-support): retrieved guidance covers 20%"},
		{"should refuse, refused", CaseResult{Answerable: false, Refused: true}, Pass, ""},
		{"unsupported sentence", CaseResult{Answerable: true, Sentences: []SentenceResult{{Text: "X.", Cited: Verdict{Verdict: "unsupported", Problems: []string{"NumberMismatch: 5"}}}}},
			Fail, `sentence 1 is not supported by its cited passages (NumberMismatch: 5): "X."`},
		{"wrong documents", CaseResult{Answerable: true, ExpectedDocuments: []string{"a"}, Citations: []CitationResult{{Document: "b"}},
			Scores: CaseScores{CitationRecall: Ratio{0, 1}}}, Fail, "cites none of the expected documents (a); cited b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decide(&tt.r)
			if tt.r.Status != tt.status || (tt.reason != "" && (len(tt.r.Reasons) == 0 || tt.r.Reasons[0] != tt.reason)) {
				t.Errorf("decide = %s %q; want %s %q", tt.r.Status, tt.r.Reasons, tt.status, tt.reason)
			}
		})
	}
}

package grounding

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// These helpers measure a binary classifier. They will move to the eval
// package once it has a home for classification metrics.

// auroc returns the exact area under the ROC curve of scores against labels:
// the probability that a random positive scores above a random negative,
// counting ties as one half (the Mann–Whitney U statistic over n⁺·n⁻). It
// returns NaN when either class is empty.
func auroc(scores []float64, labels []bool) float64 {
	type pair struct {
		s   float64
		pos bool
	}
	ps := make([]pair, len(scores))
	var npos, nneg float64
	for i, s := range scores {
		ps[i] = pair{s, labels[i]}
		if labels[i] {
			npos++
		} else {
			nneg++
		}
	}
	if npos == 0 || nneg == 0 {
		return math.NaN()
	}
	slices.SortFunc(ps, func(a, b pair) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return 0
	})
	// Sum of the (average, 1-based) ranks of the positives.
	var rankSum float64
	for i := 0; i < len(ps); {
		j := i
		for j < len(ps) && ps[j].s == ps[i].s {
			j++
		}
		avg := float64(i+1+j) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			if ps[k].pos {
				rankSum += avg
			}
		}
		i = j
	}
	return (rankSum - npos*(npos+1)/2) / (npos * nneg)
}

// confusion counts predictions against labels.
type confusion struct{ TP, FP, FN, TN int }

func (c *confusion) add(pred, label bool) {
	switch {
	case pred && label:
		c.TP++
	case pred && !label:
		c.FP++
	case !pred && label:
		c.FN++
	default:
		c.TN++
	}
}

func (c confusion) precision() float64 { return ratio(c.TP, c.TP+c.FP) }
func (c confusion) recall() float64    { return ratio(c.TP, c.TP+c.FN) }
func (c confusion) f1() float64        { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

func (c confusion) String() string {
	return fmt.Sprintf("TP=%d FP=%d FN=%d TN=%d  precision=%.3f recall=%.3f F1=%.3f",
		c.TP, c.FP, c.FN, c.TN, c.precision(), c.recall(), c.f1())
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

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
		// (0.5,0.5) tie counts one half: (0.5,0.5)=½, (0.5,0.1)=1, (0.9,0.5)=1, (0.9,0.1)=1 → 3.5/4.
		{"ties", []float64{0.5, 0.9, 0.5, 0.1}, []bool{true, true, false, false}, 0.875},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auroc(tt.scores, tt.labels); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("auroc(%v, %v) = %v; want %v", tt.scores, tt.labels, got, tt.want)
			}
		})
	}
	if got := auroc([]float64{1, 2}, []bool{true, true}); !math.IsNaN(got) {
		t.Errorf("auroc with no negatives = %v; want NaN", got)
	}
}

func TestConfusion(t *testing.T) {
	var c confusion
	for _, p := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}, {true, true}} {
		c.add(p[0], p[1])
	}
	if c != (confusion{TP: 2, FP: 1, FN: 1, TN: 1}) {
		t.Fatalf("confusion = %+v; want TP=2 FP=1 FN=1 TN=1", c)
	}
	if got, want := c.f1(), 2.0/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("f1() = %v; want %v", got, want)
	}
}

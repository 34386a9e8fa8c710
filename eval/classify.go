package eval

import (
	"fmt"
	"math"
	"slices"
)

// AUROC returns the exact area under the ROC curve of scores against
// labels (true = positive): the probability that a random positive scores
// above a random negative, ties counting one half (the Mann–Whitney U
// statistic over n⁺·n⁻). ok is false, and the area 0, when either class is
// empty: the area is then undefined, and is never reported as NaN. It
// panics if scores and labels differ in length, a programming error.
func AUROC(scores []float64, labels []bool) (area float64, ok bool) {
	if len(scores) != len(labels) {
		panic(fmt.Sprintf("eval.AUROC: %d scores, %d labels", len(scores), len(labels)))
	}
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
		return 0, false
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
	return (rankSum - npos*(npos+1)/2) / (npos * nneg), true
}

// A Confusion counts binary predictions against labels.
type Confusion struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
	TN int `json:"tn"`
}

// Add counts one prediction against its label.
func (c *Confusion) Add(predicted, label bool) {
	switch {
	case predicted && label:
		c.TP++
	case predicted && !label:
		c.FP++
	case !predicted && label:
		c.FN++
	default:
		c.TN++
	}
}

// N returns the number of predictions counted.
func (c Confusion) N() int { return c.TP + c.FP + c.FN + c.TN }

// Precision is TP/(TP+FP); 0 when nothing was predicted positive.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN); 0 when there are no positives.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// Specificity is TN/(TN+FP); 0 when there are no negatives.
func (c Confusion) Specificity() float64 { return ratio(c.TN, c.TN+c.FP) }

// F1 is the harmonic mean of precision and recall, 2TP/(2TP+FP+FN); 0
// when there are no positives and none predicted.
func (c Confusion) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

// Accuracy is (TP+TN)/N; 0 when empty.
func (c Confusion) Accuracy() float64 { return ratio(c.TP+c.TN, c.N()) }

// String formats the counts and the derived rates.
func (c Confusion) String() string {
	return fmt.Sprintf("TP=%d FP=%d FN=%d TN=%d precision=%.3f recall=%.3f F1=%.3f",
		c.TP, c.FP, c.FN, c.TN, c.Precision(), c.Recall(), c.F1())
}

// Kappa returns Cohen's kappa for two raters' binary judgements counted in
// c (one rater's verdict as "predicted", the other's as "label"): their
// agreement corrected for chance, (pₒ−pₑ)/(1−pₑ). When chance agreement is
// total (both raters always gave the same single verdict) kappa is
// undefined; it is then 1 if the raters agree on every item and 0
// otherwise, never NaN. An empty c gives 0.
func (c Confusion) Kappa() float64 {
	n := float64(c.N())
	if n == 0 {
		return 0
	}
	po := float64(c.TP+c.TN) / n
	pYes := float64(c.TP+c.FP) / n * float64(c.TP+c.FN) / n
	pNo := float64(c.FN+c.TN) / n * float64(c.FP+c.TN) / n
	pe := pYes + pNo
	if 1-pe < 1e-12 {
		if po == 1 {
			return 1
		}
		return 0
	}
	return (po - pe) / (1 - pe)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// finite replaces NaN and infinities by 0, so that no report carries them.
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

package eval

import (
	"math"
	"math/rand/v2"
	"slices"
)

// An Estimate is a mean with a 95% bootstrap confidence interval.
type Estimate struct {
	Mean   float64 `json:"mean"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
	Sample int     `json:"n"`
}

// bootstrapResamples is the number of resamples behind every interval.
const bootstrapResamples = 1000

// Bootstrap returns the mean of xs with a percentile-bootstrap 95% interval.
// The resampling is seeded, so the same input always gives the same interval.
// An empty sample gives a zero Estimate (never NaN).
func Bootstrap(xs []float64) Estimate {
	n := len(xs)
	if n == 0 {
		return Estimate{}
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	r := rand.New(rand.NewPCG(0x6265647369646521, uint64(n)))
	means := make([]float64, bootstrapResamples)
	for i := range means {
		s := 0.0
		for range n {
			s += xs[r.IntN(n)]
		}
		means[i] = s / float64(n)
	}
	slices.Sort(means)
	lo := means[int(math.Floor(0.025*float64(bootstrapResamples)))]
	hi := means[int(math.Ceil(0.975*float64(bootstrapResamples)))-1]
	return Estimate{Mean: mean, Lo: lo, Hi: hi, Sample: n}
}

// A Ratio is a count of successes out of trials in one case: supported
// sentences out of sentences, cited expected documents out of citations.
// Rates pooled over cases are bootstrapped by case with [BootstrapRatio].
type Ratio struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Add returns the element-wise sum of r and o.
func (r Ratio) Add(o Ratio) Ratio { return Ratio{r.Num + o.Num, r.Den + o.Den} }

// Value returns Num/Den, or 0 when Den is 0.
func (r Ratio) Value() float64 { return ratio(r.Num, r.Den) }

// BootstrapRatio returns the pooled rate ΣNum/ΣDen over the cases with a
// non-zero Den, with a 95% interval from resampling those cases (a cluster
// bootstrap: the sentences of one answer are not independent). Sample is
// the number of cases used. No case with a Den gives a zero Estimate.
func BootstrapRatio(rs []Ratio) Estimate {
	var use []Ratio
	var total Ratio
	for _, r := range rs {
		if r.Den > 0 {
			use = append(use, r)
			total = total.Add(r)
		}
	}
	n := len(use)
	if n == 0 {
		return Estimate{}
	}
	lo, hi := bootstrapInterval(n, func(idx []int) float64 {
		var s Ratio
		for _, i := range idx {
			s = s.Add(use[i])
		}
		return s.Value()
	})
	return Estimate{Mean: total.Value(), Lo: lo, Hi: hi, Sample: n}
}

// BootstrapStat returns stat over all n items with a 95% percentile
// bootstrap interval: stat is evaluated on resamples of the item indexes.
// The resampling is seeded by n, so results are reproducible. stat may
// return NaN for a resample on which it is undefined; such resamples are
// left out of the interval, and a NaN over all items is reported as 0.
// n == 0 gives a zero Estimate.
func BootstrapStat(n int, stat func(idx []int) float64) Estimate {
	if n == 0 {
		return Estimate{}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	lo, hi := bootstrapInterval(n, stat)
	return Estimate{Mean: finite(stat(all)), Lo: lo, Hi: hi, Sample: n}
}

// bootstrapInterval returns the 2.5th and 97.5th percentiles of stat over
// seeded resamples of n indexes. Resamples on which stat is undefined (it
// returns NaN: an AUROC of a resample with one class, say) are left out;
// if every one is, the interval is [0, 0].
func bootstrapInterval(n int, stat func(idx []int) float64) (lo, hi float64) {
	r := rand.New(rand.NewPCG(0x6265647369646521, uint64(n)))
	vals := make([]float64, 0, bootstrapResamples)
	idx := make([]int, n)
	for range bootstrapResamples {
		for j := range idx {
			idx[j] = r.IntN(n)
		}
		if v := stat(idx); !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return 0, 0
	}
	slices.Sort(vals)
	m := float64(len(vals))
	lo = vals[int(math.Floor(0.025*m))]
	hi = vals[max(0, int(math.Ceil(0.975*m))-1)]
	return lo, hi
}

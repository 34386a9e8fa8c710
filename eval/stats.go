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

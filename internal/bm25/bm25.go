// Package bm25 holds the Okapi BM25 formulas every Bedside store shares, so
// that lexical ranking is identical whichever store holds the guidance.
//
// A chunk's score for a query is Σ over query terms t of IDF(t) · Weight(t, chunk).
// Weight depends on the collection only through the average chunk length; a
// store computes weights against a reference average length (RefLength) and
// re-weights when the true average drifts past [Drift], so that stored
// weights can be used directly as a sparse vector whose inner product with
// the query's IDF vector is the BM25 score.
package bm25

import "math"

// Robertson's standard parameters.
const (
	K1 = 1.2
	B  = 0.75
)

// Drift is the relative change in average chunk length beyond which stored
// weights are recomputed.
const Drift = 0.10

// IDF is the Lucene/Robertson–Spärck Jones inverse document frequency of a
// term found in df of n chunks; it is never negative.
func IDF(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// Weight is the document-side BM25 weight of a term occurring tf times in a
// chunk of length dl, against the average length avgdl.
func Weight(tf, dl int, avgdl float64) float64 {
	if tf <= 0 {
		return 0
	}
	if avgdl <= 0 {
		avgdl = 1
	}
	f := float64(tf)
	return f * (K1 + 1) / (f + K1*(1-B+B*float64(dl)/avgdl))
}

// NeedsReweight reports whether weights computed against ref are stale for
// the collection's actual average length.
func NeedsReweight(ref, actual float64) bool {
	if ref <= 0 {
		return actual > 0
	}
	return math.Abs(actual-ref)/ref > Drift
}

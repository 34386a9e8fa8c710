package filestore

import "math"

// fmaf returns x·y + z rounded once to float32, as the single-precision
// fused multiply-add instruction computes it.
//
// The lexical score is accumulated this way to match pgvector: its
// sparsevec inner product (distance += ax[i] * bx[j], in float) is
// contracted to FMA instructions when pgvector is compiled for a CPU that
// has them, which is its default (-march=native) on x86-64 and the rule on
// arm64. A pgvector built for generic x86-64 rounds twice instead, and its
// scores may differ from ours in the last bit.
//
// The product of two float32 values is exact in float64, so only the sum
// is rounded twice: to float64, then to float32. That double rounding can
// differ from a single rounding only when the float64 sum lands exactly on
// the midpoint between two float32 values (a midpoint is a float64 value,
// so rounding to float64 never jumps past one). In that rare case, and for
// results in float32's subnormal range, the sum is rounded to float64 with
// round-to-odd instead, which makes the second rounding exact.
func fmaf(x, y, z float32) float32 {
	p := float64(float64(x) * float64(y)) // exact
	s := p + float64(z)
	const low = 1<<29 - 1 // float64 fraction bits below float32's
	if b := math.Float64bits(s); b&low != 1<<28 && (b>>52)&0x7ff > 1023-127 {
		return float32(s) // not a midpoint: one rounding suffices
	}
	// TwoSum: s + e == p + z exactly.
	bb := s - p
	e := (p - (s - bb)) + (float64(z) - bb)
	if e != 0 {
		if b := math.Float64bits(s); b&1 == 0 {
			// Inexact and even: round to odd, toward the exact value.
			if (e > 0) == (s > 0) {
				b++
			} else {
				b--
			}
			s = math.Float64frombits(b)
		}
	}
	return float32(s)
}

package filestore

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactFMA32 is x·y + z rounded once to float32, computed exactly.
func exactFMA32(x, y, z float32) float32 {
	var p, s big.Float
	p.SetPrec(200).Mul(big.NewFloat(float64(x)).SetPrec(200), big.NewFloat(float64(y)).SetPrec(200))
	s.SetPrec(200).Add(&p, big.NewFloat(float64(z)).SetPrec(200))
	f, _ := s.Float32() // rounds to nearest even
	return f
}

func TestFMAF(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(x, y, z float32) {
		t.Helper()
		if got, want := fmaf(x, y, z), exactFMA32(x, y, z); got != want && !(math.IsNaN(float64(got)) && math.IsNaN(float64(want))) {
			t.Fatalf("fmaf(%v, %v, %v) = %v; want %v", x, y, z, got, want)
		}
	}
	// Hard cases: sums whose float64 rounding lands on a float32 tie.
	for i := range 1 << 16 {
		z := float32(1 + r.Float64())
		tie := math.Float32frombits(math.Float32bits(z)+1) - z // one ulp of z
		x := tie / 2
		y := float32(1 + float64(i%7)*math.Ldexp(1, -23))
		check(x, y, z)
		check(x, -y, z)
		check(x*(1+float32(math.Ldexp(1, -20))), y, z)
	}
	// Sums just off a float32 midpoint by less than float64 resolves: a
	// naive float32(float64 sum) rounds these twice and gets half wrong.
	naiveWrong := 0
	x := float32(math.Ldexp(1+math.Ldexp(1, -15), -24))
	y := float32(1 - math.Ldexp(1, -15)) // x·y = 2⁻²⁴ − 2⁻⁵⁴
	for range 1 << 12 {
		z := float32(1 + r.Float64()) // ulp 2⁻²³, so x·y is just under half an ulp
		check(x, y, z)
		check(-x, y, -z)
		if float32(float64(x)*float64(y)+float64(z)) != exactFMA32(x, y, z) {
			naiveWrong++
		}
	}
	if naiveWrong == 0 {
		t.Errorf("the crafted cases never defeat naive double rounding; they test nothing")
	}
	// Results near and below float32's smallest normal value.
	for range 1 << 16 {
		z := math.Float32frombits(r.Uint32() & 0x01ffffff)
		check(math.Float32frombits(r.Uint32()&0x20ffffff), math.Float32frombits(r.Uint32()&0x1fffffff), z)
		check(math.Float32frombits(r.Uint32()&0x20ffffff), -math.Float32frombits(r.Uint32()&0x1fffffff), z)
	}
	// Random operands of the sizes BM25 produces, and of any size.
	for range 1 << 18 {
		check(float32(r.Float64()*12), float32(r.Float64()*3), float32(r.Float64()*100))
		check(math.Float32frombits(r.Uint32()&0x7f7fffff), math.Float32frombits(r.Uint32()&0x3fffffff), math.Float32frombits(r.Uint32()&0x7f7fffff))
	}
	// Against plain float32 arithmetic, which rounds twice, it sometimes differs.
	differ := 0
	for range 1 << 16 {
		x, y, z := float32(r.Float64()*12), float32(r.Float64()*3), float32(r.Float64()*100)
		if fmaf(x, y, z) != z+float32(x*y) {
			differ++
		}
	}
	t.Logf("fused and unfused results differ in %d of %d random BM25-sized cases", differ, 1<<16)
}

func TestSetBits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		m := make([]uint64, 8)
		lo := uint32(r.IntN(512))
		hi := lo + uint32(r.IntN(512-int(lo)+1))
		setBits(m, lo, hi)
		for i := range uint32(512) {
			if got, want := m[i>>6]&(1<<(i&63)) != 0, i >= lo && i < hi; got != want {
				t.Fatalf("setBits(%d, %d): bit %d = %v; want %v", lo, hi, i, got, want)
			}
		}
	}
}

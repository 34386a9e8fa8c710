package main

import (
	"slices"
	"sync"
	"time"

	"github.com/viterin/vek/vek32"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
)

// A slabScan is the memory-bandwidth floor of an exact vector search: a
// hand-written loop of AVX2 dot products (vek32.Dot) over one contiguous
// []float32, keeping the best k in a small heap. It knows nothing of
// documents, governance or hits; a filtered scan visits only the row ranges
// that pass (what a scan whose cost is proportional to the rows passing the
// filter would read).
type slabScan struct {
	slab []float32
	dim  int
}

// A rowRange is rows [lo, hi).
type rowRange struct{ lo, hi int }

// rangesOf returns the row ranges of c whose documents pass f.
func rangesOf(c *corpus, f filterCase) []rowRange {
	var out []rowRange
	for i := 0; i < c.rows(); {
		j := i
		for j < c.rows() && c.docOf[j] == c.docOf[i] {
			j++
		}
		if f.pass(c.docOf[i]) {
			if n := len(out); n > 0 && out[n-1].hi == i {
				out[n-1].hi = j
			} else {
				out = append(out, rowRange{i, j})
			}
		}
		i = j
	}
	return out
}

// scored is a row and its score.
type scored struct {
	score float32
	row   int32
}

// top returns the best k rows of ranges by dot product with q, best first.
// heap is scratch space, reused across calls.
func (s *slabScan) top(q []float32, ranges []rowRange, k int, heap []scored) []scored {
	h := heap[:0]
	d := s.dim
	for _, rr := range ranges {
		off := rr.lo * d
		for r := rr.lo; r < rr.hi; r++ {
			sc := vek32.Dot(q, s.slab[off:off+d:off+d])
			off += d
			h = offer(h, k, scored{sc, int32(r)})
		}
	}
	sortScored(h)
	return h
}

func siftUp(h []scored, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].score <= h[i].score {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []scored, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].score < h[l].score {
			m = r
		}
		if h[i].score <= h[m].score {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// readBandwidth measures how fast the machine streams memory into the CPU:
// a slab split among the given number of goroutines, read with vek32.Sum
// (in 1 MiB pieces) and with vek32.Dot (in rows of 1,536, as a scan does),
// each repeated; it returns the better kernel's median, in bytes per second.
func readBandwidth(slab []float32, goroutines, repeats int) float64 {
	q := make([]float32, 1536)
	best := 0.0
	for _, kernel := range []func(part []float32) float32{
		func(part []float32) float32 {
			var acc float32
			for lo := 0; lo < len(part); lo += 1 << 18 {
				acc += vek32.Sum(part[lo:min(lo+1<<18, len(part))])
			}
			return acc
		},
		func(part []float32) float32 {
			var acc float32
			for lo := 0; lo+len(q) <= len(part); lo += len(q) {
				acc += vek32.Dot(q, part[lo:lo+len(q)])
			}
			return acc
		},
	} {
		var rates []float64
		sink := make([]float32, goroutines)
		for range repeats {
			start := time.Now()
			var wg sync.WaitGroup
			per := len(slab) / goroutines
			for g := range goroutines {
				wg.Go(func() { sink[g] = kernel(slab[g*per : (g+1)*per]) })
			}
			wg.Wait()
			rates = append(rates, float64(per*goroutines*4)/time.Since(start).Seconds())
		}
		best = max(best, median(rates))
	}
	return best
}

// plainBM25 is a plain in-memory BM25 index over the same analyzer and
// formulas as Bedside's stores (internal/terms, internal/bm25): a map from
// term to postings, scores accumulated in a dense array, top k by heap. It
// has no governance, filters, deletes or persistence: a floor for the
// lexical leg, like the one the issue quotes (~0.12 ms per MedQuAD query).
type plainBM25 struct {
	post map[string][]posting
	n    int
	acc  []float32
}

type posting struct {
	row int32
	w   float32
}

func newPlainBM25(texts []string) *plainBM25 {
	ix := &plainBM25{post: make(map[string][]posting), n: len(texts)}
	tfs := make([]map[string]int, len(texts))
	dls := make([]int, len(texts))
	total := 0
	for i, t := range texts {
		tfs[i], dls[i] = terms.Counts(t)
		total += dls[i]
	}
	avgdl := float64(total) / float64(max(len(texts), 1))
	for i, tf := range tfs {
		for term, f := range tf {
			ix.post[term] = append(ix.post[term], posting{int32(i), float32(bm25.Weight(f, dls[i], avgdl))})
		}
	}
	ix.acc = make([]float32, len(texts))
	return ix
}

// search returns the best k rows for text. It is not safe for concurrent
// use (it reuses its accumulator).
func (ix *plainBM25) search(text string, k int, heap []scored, touched []int32) ([]scored, []int32) {
	qt := terms.Analyze(text)
	slices.Sort(qt)
	qt = slices.Compact(qt)
	touched = touched[:0]
	for _, t := range qt {
		ps := ix.post[t]
		if len(ps) == 0 {
			continue
		}
		idf := float32(bm25.IDF(ix.n, len(ps)))
		for _, p := range ps {
			if ix.acc[p.row] == 0 {
				touched = append(touched, p.row)
			}
			ix.acc[p.row] += idf * p.w
		}
	}
	h := heap[:0]
	for _, r := range touched {
		sc := ix.acc[r]
		ix.acc[r] = 0
		h = offer(h, k, scored{sc, r})
	}
	sortScored(h)
	return h, touched
}

// offer adds c to the min-heap h of the best k candidates seen so far.
func offer(h []scored, k int, c scored) []scored {
	if len(h) < k {
		h = append(h, c)
		siftUp(h, len(h)-1)
	} else if c.score > h[0].score {
		h[0] = c
		siftDown(h, 0)
	}
	return h
}

// sortScored orders h best first, ties by row.
func sortScored(h []scored) {
	slices.SortFunc(h, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return int(a.row - b.row)
	})
}

package retrieval

import (
	"cmp"
	"slices"
)

// Depth is how many candidates each leg of a hybrid search ranks before
// fusion: max(60, 3·k).
func Depth(k int) int { return max(60, 3*k) }

// A Ranked is one candidate from one leg of a search.
type Ranked struct {
	ID    string  // chunk ID
	Score float64 // the leg's score, higher is better
}

// Fused is a chunk's place after reciprocal-rank fusion.
type Fused struct {
	ID                        string
	Score                     float64 // Σ 1/(RRFConstant + rank)
	VectorRank, LexicalRank   int     // 1-based; 0 if the leg did not rank it
	VectorScore, LexicalScore float64
}

// Fuse combines a vector ranking and a lexical ranking (each best first)
// with reciprocal-rank fusion and returns the best k, ties broken by chunk
// ID. Every store uses it, so hybrid search ranks identically everywhere.
func Fuse(vector, lexical []Ranked, k int) []Fused {
	out := make([]Fused, 0, len(vector)+len(lexical))
	idx := make(map[string]int, len(vector)+len(lexical))
	get := func(id string) *Fused {
		if i, ok := idx[id]; ok {
			return &out[i]
		}
		idx[id] = len(out)
		out = append(out, Fused{ID: id})
		return &out[len(out)-1]
	}
	for i, r := range vector {
		f := get(r.ID)
		f.VectorRank, f.VectorScore = i+1, r.Score
		f.Score += 1 / float64(RRFConstant+i+1)
	}
	for i, r := range lexical {
		f := get(r.ID)
		f.LexicalRank, f.LexicalScore = i+1, r.Score
		f.Score += 1 / float64(RRFConstant+i+1)
	}
	slices.SortFunc(out, func(a, b Fused) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

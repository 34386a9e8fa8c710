package retrieval

import (
	"cmp"
	"fmt"
	"slices"
)

// Fusion chooses how a hybrid search combines its vector and lexical legs.
type Fusion int

const (
	// ScoreFusion, the default, adds each leg's scores after scaling them
	// to [0, 1] over the leg's candidates (min-max), weighted
	// [LexicalWeight] to [VectorWeight]. A chunk a leg did not rank gets 0
	// from that leg. Unlike rank fusion it keeps how far apart the
	// candidates are, so a strong match in one leg is not averaged away
	// by a weak leg.
	ScoreFusion Fusion = iota
	// RankFusion is reciprocal-rank fusion: Σ 1/([RRFConstant] + rank).
	RankFusion
)

func (f Fusion) String() string {
	switch f {
	case ScoreFusion:
		return "score"
	case RankFusion:
		return "rrf"
	}
	return fmt.Sprintf("Fusion(%d)", int(f))
}

// ParseFusion returns the fusion named "score" or "rrf".
func ParseFusion(s string) (Fusion, error) {
	for _, f := range []Fusion{ScoreFusion, RankFusion} {
		if f.String() == s {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown fusion %q (want score or rrf)", s)
}

// The weights of [ScoreFusion]. They were chosen on PubMedQA retrieval
// (question to abstract) and are reported, unchanged, on MedQuAD: see the
// README's retrieval table.
const (
	LexicalWeight = 0.7
	VectorWeight  = 0.3
)

// Depth is how many candidates each leg of a hybrid search ranks before
// fusion: max(60, 3·k).
func Depth(k int) int { return max(60, 3*k) }

// A Ranked is one candidate from one leg of a search.
type Ranked struct {
	ID    string  // chunk ID
	Score float64 // the leg's score, higher is better
}

// Fused is a chunk's place after fusion.
type Fused struct {
	ID                        string
	Score                     float64 // the fused score (see [Fusion])
	VectorRank, LexicalRank   int     // 1-based; 0 if the leg did not rank it
	VectorScore, LexicalScore float64
}

// Fuse combines a vector ranking and a lexical ranking (each best first)
// and returns the best k, ties broken by chunk ID. Every store uses it, so
// hybrid search ranks the same way everywhere.
func Fuse(vector, lexical []Ranked, k int, f Fusion) []Fused {
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
		fu := get(r.ID)
		fu.VectorRank, fu.VectorScore = i+1, r.Score
	}
	for i, r := range lexical {
		fu := get(r.ID)
		fu.LexicalRank, fu.LexicalScore = i+1, r.Score
	}
	switch f {
	case RankFusion:
		for i := range out {
			fu := &out[i]
			if fu.VectorRank > 0 {
				fu.Score += 1 / float64(RRFConstant+fu.VectorRank)
			}
			if fu.LexicalRank > 0 {
				fu.Score += 1 / float64(RRFConstant+fu.LexicalRank)
			}
		}
	default:
		vlo, vhi := bounds(vector)
		llo, lhi := bounds(lexical)
		for i := range out {
			fu := &out[i]
			v, l := 0.0, 0.0
			if fu.VectorRank > 0 {
				v = Scale(fu.VectorScore, vlo, vhi)
			}
			if fu.LexicalRank > 0 {
				l = Scale(fu.LexicalScore, llo, lhi)
			}
			fu.Score = LexicalWeight*l + VectorWeight*v
		}
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

// bounds returns the least and greatest score of a leg.
func bounds(rs []Ranked) (lo, hi float64) {
	for i, r := range rs {
		if i == 0 || r.Score < lo {
			lo = r.Score
		}
		if i == 0 || r.Score > hi {
			hi = r.Score
		}
	}
	return lo, hi
}

// Scale maps x from [lo, hi] to [0, 1]; when every candidate has the same
// score, each is 1.
func Scale(x, lo, hi float64) float64 {
	if hi > lo {
		return (x - lo) / (hi - lo)
	}
	return 1
}

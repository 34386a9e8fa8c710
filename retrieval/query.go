package retrieval

import (
	"fmt"
	"slices"
	"time"

	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// Mode chooses how a query ranks chunks.
type Mode int

const (
	// Hybrid fuses the vector and lexical rankings with reciprocal-rank
	// fusion. It is the zero value and the default.
	Hybrid Mode = iota
	// Vector ranks by embedding similarity alone.
	Vector
	// Lexical ranks by BM25 alone.
	Lexical
)

func (m Mode) String() string {
	switch m {
	case Hybrid:
		return "hybrid"
	case Vector:
		return "vector"
	case Lexical:
		return "lexical"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode named s ("hybrid", "vector" or "lexical").
func ParseMode(s string) (Mode, error) {
	for _, m := range []Mode{Hybrid, Vector, Lexical} {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown search mode %q (want hybrid, vector or lexical)", s)
}

// Defaults for [Query].
const (
	DefaultK = 10
	MaxK     = 1000
	// RRFConstant is the k in reciprocal-rank fusion, score = Σ 1/(k + rank).
	RRFConstant = 60
)

// A Query asks a store for the chunks most relevant to a text.
// The zero value of every field but Text means its default.
type Query struct {
	// Tenant whose guidance to search; empty means [DefaultTenant].
	Tenant string
	// Text is the question. Lexical and hybrid modes need it.
	Text string
	// Vector is Text's unit-length embedding. Vector and hybrid modes need it;
	// [Library.Search] fills it in.
	Vector []float32
	// Mode is how to rank; the zero value is [Hybrid].
	Mode Mode
	// Fusion is how a hybrid search combines its legs; the zero value is
	// [ScoreFusion].
	Fusion Fusion
	// K is how many hits to return: default [DefaultK], at most [MaxK].
	K int
	// Filter restricts which documents may match.
	Filter Filter
	// AsOf is the moment whose in-force guidance is searched; zero means now.
	// A past AsOf reproduces what was in force then, for audits.
	AsOf time.Time
	// ExcludeOverdue drops guidance past its review date. By default such
	// guidance is returned with [Hit.ReviewOverdue] set.
	ExcludeOverdue bool
}

// Normalize returns q with defaults filled in and reports whether it is
// valid. now supplies the time for a zero AsOf.
func (q Query) Normalize(now time.Time) (Query, error) {
	q.Tenant = TenantOrDefault(q.Tenant)
	if q.K == 0 {
		q.K = DefaultK
	}
	if q.K < 0 || q.K > MaxK {
		return q, fmt.Errorf("query: k = %d; want 1 to %d", q.K, MaxK)
	}
	if q.AsOf.IsZero() {
		q.AsOf = now
	}
	switch q.Mode {
	case Hybrid, Vector:
		if len(q.Vector) == 0 {
			return q, fmt.Errorf("query: %s search needs a query vector", q.Mode)
		}
	case Lexical:
	default:
		return q, fmt.Errorf("query: unknown mode %d", int(q.Mode))
	}
	if q.Fusion != ScoreFusion && q.Fusion != RankFusion {
		return q, fmt.Errorf("query: unknown fusion %d", int(q.Fusion))
	}
	if q.Mode != Vector && q.Text == "" {
		return q, fmt.Errorf("query: %s search needs query text", q.Mode)
	}
	return q, nil
}

// A Filter restricts a search to documents whose metadata match. Within one
// field a document matches if it has any of the listed values; across fields
// every non-empty field must match. Values compare exactly (case included)
// and are always treated as data.
type Filter struct {
	Publishers    []string
	Specialties   []string
	Jurisdictions []string
	Tags          []string
	Audiences     []string
	DocumentIDs   []string
}

// Empty reports whether f matches every document.
func (f Filter) Empty() bool {
	return len(f.Publishers) == 0 && len(f.Specialties) == 0 && len(f.Jurisdictions) == 0 &&
		len(f.Tags) == 0 && len(f.Audiences) == 0 && len(f.DocumentIDs) == 0
}

// Match reports whether m passes the filter.
func (f Filter) Match(m *guidance.Metadata) bool {
	one := func(want []string, v string) bool { return len(want) == 0 || slices.Contains(want, v) }
	anyOf := func(want, have []string) bool {
		if len(want) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(want, h) {
				return true
			}
		}
		return false
	}
	return one(f.Publishers, m.Publisher) && one(f.Jurisdictions, m.Jurisdiction) &&
		one(f.DocumentIDs, m.ID) && anyOf(f.Specialties, m.Specialties) &&
		anyOf(f.Tags, m.Tags) && anyOf(f.Audiences, m.Audience)
}

// A Hit is one chunk returned by a search.
type Hit struct {
	Chunk    Chunk
	Document DocumentInfo
	// Score ranks hits, higher first: the fused score in hybrid mode,
	// the cosine similarity in vector mode, the BM25 score in lexical mode.
	Score float64
	// VectorRank and LexicalRank are the chunk's 1-based rank in each leg,
	// or 0 if that leg did not return it; VectorScore and LexicalScore are
	// the leg's scores.
	VectorRank, LexicalRank   int
	VectorScore, LexicalScore float64
	// ReviewOverdue is set when the guidance is past its review date at the
	// query time.
	ReviewOverdue bool
}

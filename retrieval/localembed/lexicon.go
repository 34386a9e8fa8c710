package localembed

import (
	"slices"
	"strings"
	"sync"

	"github.com/bedside-ai/bedside/internal/terms"
)

// A lexicon is the compiled form of the concept and common-word tables.
// It is immutable once built.
type lexicon struct {
	phrases       map[uint64][]int32    // hash of a name's stems → concepts
	exact         map[string][]int32    // case-sensitive abbreviation → concepts
	maxLen        int                   // most stems in one name
	conceptHash   []uint64              // feature of each concept
	canonical     [][]string            // stems of each concept's first name
	canonicalKey  []uint64              // phrase hash of each concept's first name
	conceptWeight [2][]float64          // common-word weight of each concept, per tier as common
	common        [2]map[string]float64 // stem → weight below 1, from the first tier and from all
}

// buildLexicon compiles the tables once per process; the result is shared
// read-only by every Embedder.
var buildLexicon = sync.OnceValue(func() *lexicon {
	lex := &lexicon{
		phrases: make(map[uint64][]int32),
		exact:   make(map[string][]int32),
		common:  [2]map[string]float64{make(map[string]float64), make(map[string]float64)},
	}
	for i, tier := range commonWords {
		for _, w := range tier.words {
			_, t := normalizeWord(w)
			if t == "" {
				continue
			}
			for j := i; j < 2; j++ {
				if old, ok := lex.common[j][t]; !ok || tier.weight < old {
					lex.common[j][t] = tier.weight
				}
			}
		}
	}
	for id, entry := range concepts {
		names := strings.Split(entry, "|")
		lex.conceptHash = append(lex.conceptHash, hashKind(kindConcept, names[0]))
		canon := nameStems(names[0])
		lex.canonical = append(lex.canonical, canon)
		lex.canonicalKey = append(lex.canonicalKey, phraseHash(canon))
		weight := [2]float64{1, 1}
		for _, name := range names {
			if abbr, ok := strings.CutPrefix(name, "="); ok {
				lex.exact[abbr] = appendID(lex.exact[abbr], int32(id))
				continue
			}
			stems := nameStems(name)
			if len(stems) == 0 {
				continue
			}
			if len(stems) == 1 {
				for j := range weight {
					if cw, ok := lex.common[j][stems[0]]; ok {
						weight[j] = min(weight[j], cw)
					}
				}
			}
			lex.maxLen = max(lex.maxLen, len(stems))
			h := phraseHash(stems)
			lex.phrases[h] = appendID(lex.phrases[h], int32(id))
		}
		for j := range weight {
			lex.conceptWeight[j] = append(lex.conceptWeight[j], weight[j])
		}
	}
	return lex
})

// phraseHash is the key of a sequence of stems in lexicon.phrases.
func phraseHash(stems []string) uint64 {
	h := offset64
	for i, s := range stems {
		if i > 0 {
			h = hashByte(h, 0x1f)
		}
		h = hashString(h, s)
	}
	return h
}

func appendID(ids []int32, id int32) []int32 {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// nameStems analyses a concept name exactly as text is analysed and returns
// the stems of its non-stop words.
func nameStems(name string) []string {
	var out []string
	for _, t := range terms.Tokens(name) {
		if _, term := normalizeWord(t.Text); term != "" {
			out = append(out, term)
		}
	}
	return out
}

// normalizeWord returns the lower-case American spelling of word and its stem
// ("" for a stop word), as featurizer.analyze computes them.
func normalizeWord(word string) (norm, term string) {
	lower := strings.ToLower(word)
	norm = american(lower)
	return norm, terms.Term(norm)
}

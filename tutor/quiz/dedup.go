package quiz

import (
	"sort"
	"strings"

	"github.com/bedside-ai/bedside/internal/terms"
)

// A Duplicate is a pair of near-duplicate items.
type Duplicate struct {
	// Index is the position of the later item in the bank.
	Index int
	// Other is the position of the earlier item: in the bank, or in the
	// existing bank if Existing is set.
	Other    int
	Existing bool
	// OtherID and OtherStem identify the earlier item for people.
	OtherID, OtherStem string
	// Similarity is [Similarity] of the two items.
	Similarity float64
}

// shingles returns the set an item is compared by: the analysed words of
// its stem and key (or accepted answer), and each pair of adjacent words.
// Numbers are kept, so "6.5 mmol/L" and "6.0 mmol/L" differ.
func shingles(it *Item) map[string]bool {
	var b strings.Builder
	b.WriteString(it.Stem)
	for _, o := range it.Options {
		if o.Correct {
			b.WriteString(" ")
			b.WriteString(o.Text)
		}
	}
	if len(it.Answers) > 0 {
		b.WriteString(" ")
		b.WriteString(it.Answers[0])
	}
	toks := terms.Analyze(b.String())
	ignore := make(map[string]bool, len(itemWords))
	for _, w := range itemWords {
		ignore[terms.Term(w)] = true
	}
	var words []string
	for _, t := range toks {
		if !ignore[t] {
			words = append(words, t)
		}
	}
	out := make(map[string]bool, 2*len(words))
	for i, w := range words {
		out[w] = true
		if i > 0 {
			out[words[i-1]+" "+w] = true
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Similarity returns how alike two items are, from 0 to 1: the Jaccard index
// of their shingles (the analysed words of the stem and key, and the pairs of
// adjacent words). Item phrasing ("which", "most appropriate") is ignored.
func Similarity(a, b *Item) float64 { return jaccard(shingles(a), shingles(b)) }

// Duplicates finds the items that nearly duplicate an earlier item of the
// bank, or an item of existing, at the given similarity threshold (see
// [DefaultDuplicateThreshold]). Each item is reported once, against the
// earlier item it is most similar to (existing items first).
func Duplicates(items, existing []Item, threshold float64) []Duplicate {
	if threshold <= 0 {
		threshold = DefaultDuplicateThreshold
	}
	type entry struct {
		idx      int
		existing bool
		sh       map[string]bool
		it       *Item
	}
	var all []entry
	for i := range existing {
		all = append(all, entry{i, true, shingles(&existing[i]), &existing[i]})
	}
	for i := range items {
		all = append(all, entry{i, false, shingles(&items[i]), &items[i]})
	}
	// Index by single words: two items can only be similar if they share one.
	index := make(map[string][]int)
	var out []Duplicate
	for n, e := range all {
		if !e.existing {
			cands := make(map[int]bool)
			for s := range e.sh {
				if !strings.Contains(s, " ") {
					for _, m := range index[s] {
						cands[m] = true
					}
				}
			}
			ms := make([]int, 0, len(cands))
			for m := range cands {
				ms = append(ms, m)
			}
			sort.Ints(ms)
			best, bestSim := -1, 0.0
			for _, m := range ms {
				if sim := jaccard(e.sh, all[m].sh); sim >= threshold && sim > bestSim {
					best, bestSim = m, sim
				}
			}
			if best >= 0 {
				o := all[best]
				id := o.it.ID
				if id == "" {
					id = ContentID(o.it)
				}
				out = append(out, Duplicate{Index: e.idx, Other: o.idx, Existing: o.existing, OtherID: id, OtherStem: o.it.Stem, Similarity: bestSim})
			}
		}
		for s := range e.sh {
			if !strings.Contains(s, " ") {
				index[s] = append(index[s], n)
			}
		}
	}
	return out
}

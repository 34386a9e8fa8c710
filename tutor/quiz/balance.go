package quiz

import (
	"fmt"
	"sort"
)

// KeyBalance reports where the keys of single-answer items sit among their
// options. Candidates who guess favour middle positions, and writers tend to
// hide keys there; an even spread removes the cue.
type KeyBalance struct {
	// Options is the number of options of the items counted: the most
	// common count among single-answer items with at least three options.
	Options int
	// Counts[i] is how many of those items have their key at position i.
	Counts []int
	// Items is the number of items counted.
	Items int
	// ChiSquare is Pearson's statistic for the counts against an even
	// spread, and Even reports whether it is below the 5% critical value
	// (so the spread is consistent with chance).
	ChiSquare float64
	Even      bool
}

func (k KeyBalance) String() string {
	return fmt.Sprintf("keys of %d %d-option items by position: %v (χ² = %.2f, even: %t)", k.Items, k.Options, k.Counts, k.ChiSquare, k.Even)
}

// chi2Critical holds the 5% critical values of the χ² distribution for 1 to
// 9 degrees of freedom.
var chi2Critical = []float64{0, 3.841, 5.991, 7.815, 9.488, 11.070, 12.592, 14.067, 15.507, 16.919}

// KeyPositions counts the key positions of the single-answer items
// (single best answer, vignette) with the most common option count.
func KeyPositions(items []Item) KeyBalance {
	n := commonOptionCount(items)
	kb := KeyBalance{Options: n, Counts: make([]int, n), Even: true}
	if n == 0 {
		return kb
	}
	for i := range items {
		if k := singleKey(&items[i]); k >= 0 && len(items[i].Options) == n && items[i].Type != MultipleChoice {
			kb.Counts[k]++
			kb.Items++
		}
	}
	if kb.Items == 0 {
		return kb
	}
	exp := float64(kb.Items) / float64(n)
	for _, c := range kb.Counts {
		d := float64(c) - exp
		kb.ChiSquare += d * d / exp
	}
	if df := n - 1; df < len(chi2Critical) && kb.Items >= 2*n {
		kb.Even = kb.ChiSquare < chi2Critical[df]
	}
	return kb
}

func commonOptionCount(items []Item) int {
	count := make(map[int]int)
	for i := range items {
		if k := singleKey(&items[i]); k >= 0 && len(items[i].Options) >= 3 && items[i].Type != MultipleChoice {
			count[len(items[i].Options)]++
		}
	}
	best, bn := 0, 0
	for n, c := range count {
		if c > bn || c == bn && n > best {
			best, bn = n, c
		}
	}
	return best
}

// Balance spreads the keys of single-answer items evenly over the option
// positions, deterministically: items whose options are amounts in
// ascending order keep that order (options in logical order are a rule of
// item writing too) and are counted as they are; each other item, taken in
// order of ID, has its key moved to the position used least so far (staying
// put when that position is already among the least used). The order of the
// distractors is kept. It returns the number of items changed and the
// resulting spread. IDs made by [ContentID] do not depend on the order of
// options, so they do not change.
func Balance(items []Item) (moved int, kb KeyBalance) {
	n := commonOptionCount(items)
	if n == 0 {
		return 0, KeyPositions(items)
	}
	counts := make([]int, n)
	var movable []int
	for i := range items {
		it := &items[i]
		k := singleKey(it)
		if k < 0 || len(it.Options) != n || it.Type == MultipleChoice {
			continue
		}
		if ascendingAmounts(it.Options) {
			counts[k]++
			continue
		}
		movable = append(movable, i)
	}
	sort.SliceStable(movable, func(a, b int) bool { return idOf(&items[movable[a]]) < idOf(&items[movable[b]]) })
	for _, i := range movable {
		it := &items[i]
		k := singleKey(it)
		least := counts[0]
		for _, c := range counts {
			least = min(least, c)
		}
		target := k
		if counts[k] != least {
			for p, c := range counts {
				if c == least {
					target = p
					break
				}
			}
		}
		counts[target]++
		if target != k {
			moveOption(it.Options, k, target)
			moved++
		}
	}
	return moved, KeyPositions(items)
}

func idOf(it *Item) string {
	if it.ID != "" {
		return it.ID
	}
	return ContentID(it)
}

// moveOption moves opts[from] to position to, keeping the others in order.
func moveOption(opts []Option, from, to int) {
	o := opts[from]
	if from < to {
		copy(opts[from:to], opts[from+1:to+1])
	} else {
		copy(opts[to+1:from+1], opts[to:from])
	}
	opts[to] = o
}

// ascendingAmounts reports whether every option is an amount and they are
// in ascending order.
func ascendingAmounts(opts []Option) bool {
	prev := -1.0
	for _, o := range opts {
		q, ok := optionQuantity(o.Text)
		if !ok {
			return false
		}
		v := q.Value * q.Unit.Factor
		if q.Unit.IsZero() {
			v = q.Value
		}
		if v < prev {
			return false
		}
		prev = v
	}
	return true
}

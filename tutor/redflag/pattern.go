package redflag

import (
	"errors"
	"fmt"
	"strings"
)

// Phrase patterns. A pattern is a sequence of words separated by spaces.
// Each word is a set of alternatives separated by '|'; an alternative is a
// lower-case word ("pain"), a prefix ending in '*' ("sweat*", at least three
// letters before the '*'), '*' for any one word, or '#' for any number. A
// word ending in '?' is optional ("the?"). The first word may not be
// optional, '*' or '#'-only, so that patterns can be indexed. A match never
// spans a comma, clause or sentence break.

type altKind uint8

const (
	altLiteral altKind = iota
	altPrefix
	altAnyWord
	altNumber
)

type alt struct {
	text string
	kind altKind
}

type patWord struct {
	alts     []alt
	optional bool
}

type pattern struct {
	src   string
	words []patWord
}

var errEmptyPattern = errors.New("empty pattern")

func compilePattern(src string) (pattern, error) {
	p := pattern{src: src}
	for _, w := range strings.Fields(src) {
		var pw patWord
		if strings.HasSuffix(w, "?") {
			pw.optional = true
			w = strings.TrimSuffix(w, "?")
		}
		for _, a := range strings.Split(w, "|") {
			switch {
			case a == "":
				return p, fmt.Errorf("pattern %q: empty alternative", src)
			case a == "*":
				pw.alts = append(pw.alts, alt{kind: altAnyWord})
			case a == "#":
				pw.alts = append(pw.alts, alt{kind: altNumber})
			case strings.HasSuffix(a, "*"):
				a = strings.TrimSuffix(a, "*")
				if len(a) < 3 || strings.ContainsAny(a, "*#?") {
					return p, fmt.Errorf("pattern %q: prefix %q needs at least three letters", src, a+"*")
				}
				pw.alts = append(pw.alts, alt{text: a, kind: altPrefix})
			default:
				if strings.ContainsAny(a, "*#?") || a != fold(a) {
					return p, fmt.Errorf("pattern %q: bad word %q (want lower case; '*' only at the end)", src, a)
				}
				pw.alts = append(pw.alts, alt{text: a})
			}
		}
		p.words = append(p.words, pw)
	}
	if len(p.words) == 0 {
		return p, errEmptyPattern
	}
	first := p.words[0]
	if first.optional {
		return p, fmt.Errorf("pattern %q: the first word may not be optional", src)
	}
	for _, a := range first.alts {
		if a.kind == altAnyWord {
			return p, fmt.Errorf("pattern %q: the first word may not be '*'", src)
		}
	}
	return p, nil
}

func (w *patWord) matches(t *token) bool {
	for _, a := range w.alts {
		switch a.kind {
		case altLiteral:
			if t.text == a.text {
				return true
			}
		case altPrefix:
			if !t.isNum && strings.HasPrefix(t.text, a.text) {
				return true
			}
		case altAnyWord:
			if !t.isNum {
				return true
			}
		case altNumber:
			if t.isNum {
				return true
			}
		}
	}
	return false
}

// matchAt returns the end (exclusive token index) of the longest match of p
// starting at toks[t], or -1.
func (p *pattern) matchAt(toks []token, t int) int {
	return p.match(toks, 0, t, t)
}

func (p *pattern) match(toks []token, k, t, start int) int {
	if k == len(p.words) {
		return t
	}
	w := &p.words[k]
	best := -1
	if t < len(toks) && (t == start || toks[t].gap <= gapSlash) && w.matches(&toks[t]) {
		best = p.match(toks, k+1, t+1, start)
	}
	if w.optional {
		if e := p.match(toks, k+1, t, start); e > best {
			best = e
		}
	}
	return best
}

// A lexicon is a set of patterns, each with an integer label, indexed by
// first word for fast scanning.
type lexicon struct {
	pats    []pattern
	labels  []int
	literal map[string][]int // first word → patterns
	prefix  map[string][]int // first three letters of a prefix → patterns
	number  []int            // patterns whose first word may be a number
}

func (lx *lexicon) add(src string, label int) error {
	p, err := compilePattern(src)
	if err != nil {
		return err
	}
	if lx.literal == nil {
		lx.literal = make(map[string][]int)
		lx.prefix = make(map[string][]int)
	}
	idx := len(lx.pats)
	lx.pats = append(lx.pats, p)
	lx.labels = append(lx.labels, label)
	numbered := false
	for _, a := range p.words[0].alts {
		switch a.kind {
		case altLiteral:
			lx.literal[a.text] = appendOnce(lx.literal[a.text], idx)
		case altPrefix:
			lx.prefix[a.text[:3]] = appendOnce(lx.prefix[a.text[:3]], idx)
		case altNumber:
			if !numbered {
				lx.number = append(lx.number, idx)
				numbered = true
			}
		}
	}
	return nil
}

func appendOnce(s []int, v int) []int {
	if n := len(s); n > 0 && s[n-1] == v {
		return s
	}
	return append(s, v)
}

// A hit is a match of one pattern.
type hit struct {
	label  int
	t0, t1 int // token range [t0, t1)
}

// scan appends to hits every match in toks: for each start token and label,
// the longest.
func (lx *lexicon) scan(toks []token, hits []hit) []hit {
	for t := range toks {
		tok := &toks[t]
		mark := len(hits)
		if tok.isNum {
			for _, idx := range lx.number {
				hits = lx.try(toks, t, idx, mark, hits)
			}
		}
		for _, idx := range lx.literal[tok.text] {
			hits = lx.try(toks, t, idx, mark, hits)
		}
		if !tok.isNum && len(tok.text) >= 3 {
			for _, idx := range lx.prefix[tok.text[:3]] {
				hits = lx.try(toks, t, idx, mark, hits)
			}
		}
	}
	return hits
}

// try matches pattern idx at token t and records the hit, merging it with a
// hit of the same label recorded since mark (the same start token).
func (lx *lexicon) try(toks []token, t, idx, mark int, hits []hit) []hit {
	e := lx.pats[idx].matchAt(toks, t)
	if e < 0 {
		return hits
	}
	label := lx.labels[idx]
	for k := mark; k < len(hits); k++ {
		if hits[k].label == label {
			hits[k].t1 = max(hits[k].t1, e)
			return hits
		}
	}
	return append(hits, hit{label: label, t0: t, t1: e})
}

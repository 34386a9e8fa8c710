package redflag

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// presentationIdx is the global index of the Presentation concept.
const presentationIdx = 0

// A ruleSet is a compiled, immutable list of rules.
type ruleSet struct {
	rules    []Rule
	windows  []int
	conds    [][]cond     // per rule
	concepts []conceptRef // global concept index → rule and ID
	phrases  lexicon      // label: global concept index
	excepts  lexicon      // label: global concept index
	names    lexicon      // label: index into measures
	units    lexicon      // label: index into measures
	measures []measureRef
}

type conceptRef struct {
	rule int
	id   string
}

type measureRef struct {
	concept int
	m       Measure
}

type cond struct {
	needs    []need
	concepts []int // every concept of needs, once
	// local maps a global concept index to its index in concepts, or -1;
	// needs[i].local holds the local indexes of needs[i].concepts.
	local []int16
}

type need struct {
	concepts []int // global concept indexes
	local    []int // the same concepts, as indexes into cond.concepts
	min      int
}

var defaultSet = sync.OnceValue(func() *ruleSet {
	set, err := compile(DefaultRules())
	if err != nil {
		panic(err) // a bug in rules.go; TestDefaultRulesCompile catches it
	}
	return set
})

func compile(rules []Rule) (*ruleSet, error) {
	if len(rules) == 0 {
		return nil, &RuleError{Rule: "", Problem: "no rules"}
	}
	set := &ruleSet{concepts: []conceptRef{{rule: -1, id: Presentation}}}
	seen := map[string]bool{}
	for ri, r := range rules {
		name := r.ID
		if name == "" {
			name = "#" + strconv.Itoa(ri)
		}
		fail := func(format string, args ...any) error {
			return &RuleError{Rule: name, Problem: fmt.Sprintf(format, args...)}
		}
		switch {
		case r.ID == "":
			return nil, fail("empty ID")
		case seen[r.ID]:
			return nil, fail("duplicate ID")
		case r.Notice == "":
			return nil, fail("empty Notice")
		case len(r.When) == 0:
			return nil, fail("no conditions in When")
		case r.Window < 0:
			return nil, fail("negative Window %d", r.Window)
		}
		seen[r.ID] = true
		local := map[string]int{Presentation: presentationIdx}
		for _, c := range r.Concepts {
			if c.ID == "" || c.ID == Presentation || local[c.ID] != 0 {
				return nil, fail("concept ID %q is empty, reserved or repeated", c.ID)
			}
			if len(c.Phrases) == 0 && len(c.Measures) == 0 {
				return nil, fail("concept %q has no phrases or measures", c.ID)
			}
			gi := len(set.concepts)
			set.concepts = append(set.concepts, conceptRef{rule: ri, id: c.ID})
			local[c.ID] = gi
			for _, p := range c.Phrases {
				if err := set.phrases.add(p, gi); err != nil {
					return nil, fail("concept %q: %v", c.ID, err)
				}
			}
			for _, p := range c.Except {
				if err := set.excepts.add(p, gi); err != nil {
					return nil, fail("concept %q: %v", c.ID, err)
				}
			}
			for _, m := range c.Measures {
				if m.Cmp < AtLeast || m.Cmp > Below || (len(m.Names) == 0 && len(m.Units) == 0) || m.Min > m.Max {
					return nil, fail("concept %q: measure needs a comparison, a name or unit, and Min <= Max", c.ID)
				}
				mi := len(set.measures)
				set.measures = append(set.measures, measureRef{concept: gi, m: m})
				for _, p := range m.Names {
					if err := set.names.add(p, mi); err != nil {
						return nil, fail("concept %q: %v", c.ID, err)
					}
				}
				for _, p := range m.Units {
					if err := set.units.add(p, mi); err != nil {
						return nil, fail("concept %q: %v", c.ID, err)
					}
				}
			}
		}
		var conds []cond
		for _, w := range r.When {
			if len(w) == 0 {
				return nil, fail("empty condition in When")
			}
			var cd cond
			for _, n := range w {
				var nd need
				for _, id := range n.Any {
					gi, ok := local[id]
					if !ok {
						return nil, fail("need names unknown concept %q", id)
					}
					if !slices.Contains(nd.concepts, gi) {
						nd.concepts = append(nd.concepts, gi)
					}
				}
				nd.min = max(n.Min, 1)
				if len(nd.concepts) == 0 || n.Min < 0 || nd.min > len(nd.concepts) {
					return nil, fail("need %v asks for %d of %d concepts", n.Any, nd.min, len(nd.concepts))
				}
				cd.needs = append(cd.needs, nd)
				for _, c := range nd.concepts {
					if !slices.Contains(cd.concepts, c) {
						cd.concepts = append(cd.concepts, c)
					}
				}
			}
			conds = append(conds, cd)
		}
		window := r.Window
		if window == 0 {
			window = DefaultWindow
		}
		set.rules = append(set.rules, cloneRule(r))
		set.windows = append(set.windows, window)
		set.conds = append(set.conds, conds)
	}
	for _, conds := range set.conds {
		for ci := range conds {
			cd := &conds[ci]
			cd.local = make([]int16, len(set.concepts))
			for g := range cd.local {
				cd.local[g] = -1
			}
			for li, g := range cd.concepts {
				cd.local[g] = int16(li)
			}
			for ni := range cd.needs {
				n := &cd.needs[ni]
				for _, g := range n.concepts {
					n.local = append(n.local, int(cd.local[g]))
				}
			}
		}
	}
	return set, nil
}

func cloneRule(r Rule) Rule {
	r.Concepts = slices.Clone(r.Concepts)
	r.When = slices.Clone(r.When)
	return r
}

// A finding is a concept found in the text.
type finding struct {
	concept int
	t0, t1  int // token range
	negated bool
}

func (set *ruleSet) detect(text string, anyFraming bool) []Flag {
	toks := tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	cueHits := cues().scan(toks, make([]hit, 0, len(toks)/2+4))
	fr := framingOf(cueHits)
	if !anyFraming && fr.educational() {
		return nil
	}
	found := set.find(toks)
	negate(toks, found, cueHits)
	for _, h := range fr.present {
		found = append(found, finding{concept: presentationIdx, t0: h.t0, t1: h.t1})
	}
	slices.SortFunc(found, func(a, b finding) int { return a.t0 - b.t0 })
	var flags []Flag
	scratch := make([]finding, 0, len(found))
	for ri := range set.rules {
		for _, cd := range set.conds[ri] {
			if ev := satisfy(&cd, found, set.windows[ri], scratch); ev != nil {
				r := &set.rules[ri]
				f := Flag{ID: r.ID, Name: r.Name, Notice: r.Notice}
				for _, x := range ev {
					f.Evidence = append(f.Evidence, Evidence{
						Concept: set.concepts[x.concept].id,
						Start:   toks[x.t0].start,
						End:     toks[x.t1-1].end,
					})
				}
				flags = append(flags, f)
				break
			}
		}
	}
	return flags
}

// find returns every concept found in toks, negated or not.
func (set *ruleSet) find(toks []token) []finding {
	hits := set.phrases.scan(toks, make([]hit, 0, len(toks)/2+4))
	if len(set.excepts.pats) > 0 && len(hits) > 0 {
		type key struct{ label, t0 int }
		except := map[key]bool{}
		for _, e := range set.excepts.scan(toks, nil) {
			except[key{e.label, e.t0}] = true
		}
		hits = slices.DeleteFunc(hits, func(h hit) bool { return except[key{h.label, h.t0}] })
	}
	found := make([]finding, 0, len(hits)+4)
	for _, h := range hits {
		found = append(found, finding{concept: h.label, t0: h.t0, t1: h.t1})
	}
	// Readings: a name, a few filler words, then a number.
	for _, h := range set.names.scan(toks, nil) {
		mr := &set.measures[h.label]
		if t, ok := readingAfter(toks, h.t1, mr.m.Second); ok && mr.m.accepts(toks[t].num) {
			found = append(found, finding{concept: mr.concept, t0: h.t0, t1: t + 1})
		}
	}
	// Readings: a number, then a unit.
	for _, h := range set.units.scan(toks, nil) {
		t := h.t0 - 1
		// "28 breaths", but not "bed 4 resps 32", where the unit names the
		// number after it.
		if next := h.t1; next < len(toks) && toks[next].isNum && toks[next].gap <= gapSoft {
			continue
		}
		if t >= 0 && toks[t].isNum && toks[h.t0].gap <= gapSoft {
			mr := &set.measures[h.label]
			if mr.m.accepts(toks[t].num) {
				found = append(found, finding{concept: mr.concept, t0: t, t1: h.t1})
			}
		}
	}
	return found
}

func (m *Measure) accepts(v float64) bool {
	if (m.Min != 0 || m.Max != 0) && (v < m.Min || v > m.Max) {
		return false
	}
	return m.Cmp.holds(v, m.Value)
}

// readingFillers may stand between a reading's name and its number.
var readingFillers = map[string]bool{
	"of": true, "is": true, "was": true, "at": true, "now": true, "around": true, "about": true,
	"approx": true, "approximately": true, "only": true, "down": true, "up": true, "to": true,
	"dropped": true, "fallen": true, "falling": true, "reading": true, "measured": true, "level": true,
	"score": true, "currently": true, "just": true, "still": true, "a": true, "has": true, "been": true,
	"recorded": true, "are": true, "were": true, "over": true, "under": true, "below": true, "above": true,
	"less": true, "more": true, "than": true, "from": true, "on": true, "air": true, "room": true,
}

// readingAfter finds the number of a reading whose name ends before token
// t: at most three filler words ("RR of 28", "BP has dropped to 85/50") may
// come between, and no punctuation but a hyphen, bracket, colon or slash.
// With second, the number after a '/' is returned (the diastolic of 140/90).
func readingAfter(toks []token, t int, second bool) (int, bool) {
	for skipped := 0; t < len(toks) && skipped <= 3; t++ {
		if toks[t].gap > gapSlash {
			return 0, false
		}
		if toks[t].isNum {
			if !second {
				return t, true
			}
			if t+1 < len(toks) && toks[t+1].isNum && toks[t+1].gap == gapSlash {
				return t + 1, true
			}
			return 0, false
		}
		if !readingFillers[toks[t].text] {
			return 0, false
		}
		skipped++
	}
	return 0, false
}

// satisfy returns the findings that meet every need of cd within window
// tokens, or nil. Negated findings do not count.
func satisfy(cd *cond, found []finding, window int, scratch []finding) []finding {
	var countBuf [16]int
	count := countBuf[:0]
	if len(cd.concepts) <= len(countBuf) {
		count = countBuf[:len(cd.concepts)]
	} else {
		count = make([]int, len(cd.concepts))
	}
	// The relevant positive findings, in text order (found is sorted).
	in := scratch[:0]
	for _, f := range found {
		if !f.negated && cd.local[f.concept] >= 0 {
			in = append(in, f)
			count[cd.local[f.concept]]++
		}
	}
	// Most conditions fail because a need has no finding at all.
	if !met(cd, count) {
		return nil
	}
	clear(count)
	// Two pointers: the window [lo, hi] of findings within window tokens.
	lo := 0
	for hi := range in {
		count[cd.local[in[hi].concept]]++
		for in[hi].t0-in[lo].t0 > window {
			count[cd.local[in[lo].concept]]--
			lo++
		}
		if met(cd, count) {
			// Report everything relevant in the window, not just enough.
			end := hi + 1
			for end < len(in) && in[end].t0-in[lo].t0 <= window {
				end++
			}
			return evidence(in[lo:end])
		}
	}
	return nil
}

func met(cd *cond, count []int) bool {
	for _, n := range cd.needs {
		have := 0
		for _, li := range n.local {
			if count[li] > 0 {
				have++
			}
		}
		if have < n.min {
			return false
		}
	}
	return true
}

// evidence picks the first finding of each concept in the window.
func evidence(window []finding) []finding {
	var out []finding
	seen := map[int]bool{}
	for _, f := range window {
		if !seen[f.concept] {
			seen[f.concept] = true
			out = append(out, f)
		}
	}
	return out
}

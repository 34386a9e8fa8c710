package grounding

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/sentences"
)

// Defaults for the zero [Checker].
const (
	// DefaultThreshold is the least Coverage of a supported claim: a claim
	// may leave one content word in four unmatched (a paraphrase), but not
	// more. See the package documentation for how it was chosen.
	DefaultThreshold = 0.70
	// DefaultWindow is the most consecutive sentences of one passage that
	// may support a claim together.
	DefaultWindow = 3
	// MaxClaimBytes bounds the length of a claim. A claim is one sentence;
	// a longer text gets a TooLong problem, which keeps the cost of a check
	// linear in the length of the passages.
	MaxClaimBytes = 4096
)

// penalty multiplies Score once for each kind of hard problem.
const penalty = 0.25

// A Checker decides whether cited passages support claims. The zero value
// is ready to use with the documented defaults. A Checker is safe for
// concurrent use as long as its fields are not changed.
type Checker struct {
	// Threshold is the least Coverage of a supported claim, in (0, 1].
	// Zero means DefaultThreshold.
	Threshold float64
	// Window is the most consecutive sentences of one passage that may
	// support a claim together. Zero means DefaultWindow.
	Window int
	// Ignore lists extra words that carry no claim content, such as the
	// organisation's own name ("Bedside Trust"); they are analysed like
	// the claim, so inflections need not be listed.
	Ignore []string
}

// A Claim is one sentence of an answer with the passages it cites, as
// indexes into the passages given to [Checker.CheckAnswer].
type Claim struct {
	Text  string
	Cites []int
}

// Check reports whether the passages support claim, a single sentence.
// Evidence spans index passages in the order given.
func (c *Checker) Check(claim string, passages ...string) Result {
	docs := make([]*doc, len(passages))
	idx := make([]int, len(passages))
	for i, p := range passages {
		docs[i] = analyse(p, i)
		idx[i] = i
	}
	return c.check(claim, docs, idx)
}

// CheckAnswer checks each claim against the passages it cites and returns
// one Result per claim, in order. Each cited passage is analysed once.
// Evidence spans index passages. Citations out of range are ignored; a
// claim left with none gets a NoCitation problem.
func (c *Checker) CheckAnswer(claims []Claim, passages []string) []Result {
	docs := make([]*doc, len(passages))
	out := make([]Result, len(claims))
	for i, cl := range claims {
		var cited []*doc
		var idx []int
		for _, p := range cl.Cites {
			if p < 0 || p >= len(passages) || slices.Contains(idx, p) {
				continue
			}
			if docs[p] == nil {
				docs[p] = analyse(passages[p], p)
			}
			cited = append(cited, docs[p])
			idx = append(idx, p)
		}
		out[i] = c.check(cl.Text, cited, idx)
	}
	return out
}

// doc is an analysed passage.
type doc struct {
	text  string
	index int
	sents []sent
}

type sent struct {
	start, end int
	an         clinical.Text // offsets relative to start
}

func analyse(p string, index int) *doc {
	spans := sentences.Split(p)
	d := &doc{text: p, index: index, sents: make([]sent, len(spans))}
	for i, sp := range spans {
		d.sents[i] = sent{start: sp.Start, end: sp.End, an: clinical.Analyze(sp.Text)}
	}
	return d
}

// claim is an analysed claim.
type claim struct {
	text    string
	an      clinical.Text
	terms   []cterm // distinct content stems
	index   map[string]int
	prefix  map[string][]int // 7-byte stem prefix → terms that may match fuzzily
	total   float64
	words   int // bitset words per mask
	qs      []clinical.Quantity
	freqs   []clinical.Frequency
	clauses []cclause
}

type cterm struct {
	stem       string
	name       bool
	weight     float64
	start, end int
}

type cclause struct {
	mask     []uint64 // claim terms in the clause
	pos, neg []uint64 // terms outside and inside a narrow negation ("without")
	n        int
	negated  bool
	question bool
	start    int
	end      int
}

const fuzzyPrefix = 7

func (c *Checker) prepare(text string) *claim {
	text = maskCitations(text)
	cl := &claim{text: text, an: clinical.Analyze(text), index: make(map[string]int)}
	var extra map[string]bool
	if len(c.Ignore) > 0 {
		extra = stems(c.Ignore)
	}
	termOf := make([]int, len(cl.an.Terms))
	for i, t := range cl.an.Terms {
		termOf[i] = -1
		if filler[t.Stem] || extra[t.Stem] {
			continue
		}
		k, ok := cl.index[t.Stem]
		if !ok {
			k = len(cl.terms)
			cl.index[t.Stem] = k
			cl.terms = append(cl.terms, cterm{stem: t.Stem, weight: 1, start: t.Start, end: t.End})
		}
		if t.Name && !cl.terms[k].name {
			cl.terms[k].name = true
			cl.terms[k].weight = 2
		}
		termOf[i] = k
	}
	for i, t := range cl.terms {
		cl.total += t.weight
		if !t.name && len(t.stem) >= fuzzyPrefix {
			if cl.prefix == nil {
				cl.prefix = make(map[string][]int)
			}
			p := t.stem[:fuzzyPrefix]
			cl.prefix[p] = append(cl.prefix[p], i)
		}
	}
	cl.words = max(1, (len(cl.terms)+63)/64)
	for _, q := range cl.an.Quantities {
		if q.Frequency || (q.Spelled && q.Value == 1 && q.Unit.IsZero()) {
			continue // checked as a frequency; or "one" as a pronoun
		}
		dup := false
		for _, o := range cl.qs {
			if o.Value == q.Value && o.Unit == q.Unit && o.Bound == q.Bound {
				dup = true // the same amount need be found once
				break
			}
		}
		if !dup {
			cl.qs = append(cl.qs, q)
		}
	}
	cl.freqs = cl.an.Frequencies
	cl.clauses = make([]cclause, len(cl.an.Clauses))
	for i, cc := range cl.an.Clauses {
		w := cl.words
		buf := make([]uint64, 3*w)
		cl.clauses[i] = cclause{mask: buf[:w], pos: buf[w : 2*w], neg: buf[2*w:], negated: cc.Negated, question: cc.Question, start: cc.Start, end: cc.End}
	}
	for i, t := range cl.an.Terms {
		if k := termOf[i]; k >= 0 && t.Clause < len(cl.clauses) {
			cc := &cl.clauses[t.Clause]
			bit := uint64(1) << (k % 64)
			if cc.mask[k/64]&bit == 0 {
				cc.mask[k/64] |= bit
				cc.n++
			}
			if t.Negated {
				cc.neg[k/64] |= bit
			} else {
				cc.pos[k/64] |= bit
			}
		}
	}
	return cl
}

// maskCitations blanks citation markers such as "[1]", "[2, 3]", "[S1]",
// "[^4]" so that their numbers are not taken for claims. Offsets are kept.
func maskCitations(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	b := []byte(s)
	changed := false
	for i := 0; i < len(b); i++ {
		if b[i] != '[' {
			continue
		}
		j := i + 1
		for j < len(b) && j-i < 40 && b[j] != ']' && b[j] != '[' {
			j++
		}
		if j >= len(b) || b[j] != ']' || !isCitation(s[i+1:j]) {
			continue
		}
		for k := i; k <= j; k++ {
			b[k] = ' '
		}
		changed = true
		i = j
	}
	if !changed {
		return s
	}
	return string(b)
}

func isCitation(in string) bool {
	s := strings.ToLower(strings.TrimSpace(in))
	for _, p := range []string{"^", "source", "ref", "passage", "s", "p"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ',' || r == ' ' || r == '-' || r == '–' || r == ';' || r == 's' || r == '^':
		default:
			return false
		}
	}
	return digits > 0
}

// matcher holds, for one claim and its cited documents, which claim terms
// each sentence and each clause contains. Each sentence's mask has the
// claim's term words followed by one word of quantity (bits 0–31) and
// frequency (bits 32–63) matches, used to decide whether a sentence adds
// anything to a window.
type matcher struct {
	minClause float64 // least coverage of a clause: min(minClause, threshold)
	cl        *claim
	docs      []*doc
	stride    int          // cl.words + 1
	sent      [][]uint64   // per doc, flat: sentence s at [s*stride:(s+1)*stride]
	cmask     [][][]uint64 // per doc, per sentence, per clause: pos then neg masks (stride 2·cl.words)
}

func (cl *claim) lookup(stem string) (int, bool) {
	if k, ok := cl.index[stem]; ok {
		return k, true
	}
	if len(stem) >= fuzzyPrefix && cl.prefix != nil {
		for _, k := range cl.prefix[stem[:fuzzyPrefix]] {
			if fuzzyMatch(cl.terms[k].stem, stem) {
				return k, true
			}
		}
	}
	return 0, false
}

// fuzzyMatch accepts two stems that share at least 7 leading bytes and
// differ only in their last two ("anaphylaxi", "anaphylact").
func fuzzyMatch(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= fuzzyPrefix && n >= min(len(a), len(b))-2
}

func newMatcher(cl *claim, docs []*doc) *matcher {
	w := cl.words
	m := &matcher{cl: cl, docs: docs, stride: w + 1, sent: make([][]uint64, len(docs)), cmask: make([][][]uint64, len(docs))}
	for d, dc := range docs {
		flat := make([]uint64, len(dc.sents)*m.stride)
		m.sent[d] = flat
		m.cmask[d] = make([][]uint64, len(dc.sents))
		for s := range dc.sents {
			an := &dc.sents[s].an
			cm := make([]uint64, len(an.Clauses)*2*w)
			m.cmask[d][s] = cm
			row := flat[s*m.stride : (s+1)*m.stride]
			for _, t := range an.Terms {
				k, ok := cl.lookup(t.Stem)
				if !ok {
					continue
				}
				if t.Clause >= len(an.Clauses) || !an.Clauses[t.Clause].Question {
					row[k/64] |= 1 << (k % 64) // a question supports nothing
				}
				if t.Clause < len(an.Clauses) {
					off := t.Clause * 2 * w
					if t.Negated {
						off += w
					}
					cm[off+k/64] |= 1 << (k % 64)
				}
			}
			for k, q := range cl.qs {
				if k >= 32 {
					break
				}
				for _, sq := range an.Quantities {
					if matches(q, sq) {
						row[w] |= 1 << k
						break
					}
				}
			}
			for k, f := range cl.freqs {
				if k >= 32 {
					break
				}
				for _, sf := range an.Frequencies {
					if sf.Key == f.Key {
						row[w] |= 1 << (32 + k)
						break
					}
				}
			}
		}
	}
	return m
}

// row returns sentence s of document d's mask (terms, then quantities).
func (m *matcher) row(d, s int) []uint64 { return m.sent[d][s*m.stride : (s+1)*m.stride] }

// minimal reports whether the first and the last sentence of the window
// each add something that the window's other sentences lack, so that a
// window cannot take in an unrelated sentence at its edge to escape a
// problem. (A middle sentence may add nothing: the claim may draw on the
// sentences either side of it.)
func (m *matcher) minimal(d, first, n int) bool {
	if n == 1 {
		return true
	}
	for _, s := range [2]int{first, first + n - 1} {
		own := m.row(d, s)
		adds := false
		for k := range own {
			var others uint64
			for o := first; o < first+n; o++ {
				if o != s {
					others |= m.row(d, o)[k]
				}
			}
			if own[k]&^others != 0 {
				adds = true
				break
			}
		}
		if !adds {
			return false
		}
	}
	return true
}

// qfCount counts the claim quantities and frequencies found in a window.
func (m *matcher) qfCount(d, first, n int) int {
	var x uint64
	for s := first; s < first+n; s++ {
		x |= m.row(d, s)[m.cl.words]
	}
	return bits.OnesCount64(x)
}

// overlap counts the claim terms in sentence s of document d.
func (m *matcher) overlap(d, s int) int {
	n := 0
	for _, x := range m.row(d, s)[:m.cl.words] {
		n += bits.OnesCount64(x)
	}
	return n
}

type window struct {
	doc, first, n int
	cov           float64
	qf            int // claim quantities and frequencies found
}

func (c *Checker) threshold() float64 {
	if c.Threshold > 0 {
		return c.Threshold
	}
	return DefaultThreshold
}

func (c *Checker) window() int {
	if c.Window > 0 {
		return c.Window
	}
	return DefaultWindow
}

func (c *Checker) check(text string, docs []*doc, idx []int) Result {
	if len(text) > MaxClaimBytes {
		return Result{Problems: []Problem{{Kind: TooLong,
			Detail: "the claim is " + strconv.Itoa(len(text)) + " bytes long; the limit is " + strconv.Itoa(MaxClaimBytes)}}}
	}
	cl := c.prepare(text)
	if len(cl.terms) == 0 && len(cl.qs) == 0 && len(cl.freqs) == 0 {
		return Result{Verdict: NotAClaim}
	}
	if len(docs) == 0 {
		return Result{Problems: []Problem{{Kind: NoCitation, Detail: "the claim cites no passage"}}}
	}
	m := newMatcher(cl, docs)
	m.minClause = min(minClause, c.threshold())

	// Coverage of every window; then full checks in order of coverage until
	// no remaining window can beat the best score (Score ≤ Coverage).
	var wins []window
	mask := make([]uint64, cl.words)
	for d, dc := range docs {
		for first := range dc.sents {
			clear(mask)
			for n := 1; n <= c.window() && first+n <= len(dc.sents); n++ {
				row := m.row(d, first+n-1)
				for k := range mask {
					mask[k] |= row[k]
				}
				if m.minimal(d, first, n) {
					wins = append(wins, window{d, first, n, cl.coverage(mask), m.qfCount(d, first, n)})
				}
			}
		}
	}
	if len(wins) == 0 {
		return Result{Problems: []Problem{{Kind: NoOverlap, Detail: "the cited passages are empty"}}}
	}
	slices.SortStableFunc(wins, func(a, b window) int {
		switch {
		case a.cov != b.cov:
			if a.cov > b.cov {
				return -1
			}
			return 1
		case a.qf != b.qf:
			return b.qf - a.qf
		case a.n != b.n:
			return a.n - b.n
		case a.doc != b.doc:
			return a.doc - b.doc
		}
		return a.first - b.first
	})
	if wins[0].cov == 0 && wins[0].qf == 0 {
		return Result{Problems: []Problem{{Kind: NoOverlap, Detail: "nothing in the claim appears in the cited passages"}}}
	}
	best, bestScore := -1, -1.0
	var ev evaluation
	for i, w := range wins {
		if best >= 0 && w.cov <= bestScore {
			break
		}
		m.evaluate(w, &ev, false)
		if s := w.cov * math.Pow(penalty, float64(bits.OnesCount16(ev.kinds))); s > bestScore {
			best, bestScore = i, s
		}
	}
	w := wins[best]
	m.evaluate(w, &ev, true)
	r := Result{Score: bestScore, Coverage: w.cov}
	dc := docs[w.doc]
	for s := w.first; s < w.first+w.n; s++ {
		st := dc.sents[s]
		r.Evidence = append(r.Evidence, Span{Passage: idx[w.doc], Start: st.start, End: st.end, Text: dc.text[st.start:st.end]})
	}
	if w.cov < c.threshold() {
		r.Problems = append(r.Problems, cl.missing(m, w))
		// The overall problem already lists the clause's missing words.
		ev.problems = slices.DeleteFunc(ev.problems, func(p Problem) bool { return p.Kind == MissingContent })
	}
	r.Problems = append(r.Problems, ev.problems...)
	if len(r.Problems) == 0 {
		r.Verdict = Supported
	}
	return r
}

func (cl *claim) coverage(mask []uint64) float64 {
	if cl.total == 0 {
		return 1
	}
	var got float64
	for k, t := range cl.terms {
		if mask[k/64]&(1<<(k%64)) != 0 {
			got += t.weight
		}
	}
	return got / cl.total
}

func (m *matcher) windowMask(w window, dst []uint64) {
	clear(dst)
	for s := w.first; s < w.first+w.n; s++ {
		row := m.row(w.doc, s)
		for k := range dst {
			dst[k] |= row[k]
		}
	}
}

// missing builds the MissingContent problem for window w.
func (cl *claim) missing(m *matcher, w window) Problem {
	mask := make([]uint64, cl.words)
	m.windowMask(w, mask)
	var names []string
	start, end := 0, 0
	for k, t := range cl.terms {
		if mask[k/64]&(1<<(k%64)) != 0 {
			continue
		}
		if len(names) == 0 {
			start = t.start
		}
		end = max(end, t.end)
		names = append(names, strconv.Quote(cl.text[t.start:t.end]))
	}
	return Problem{
		Kind:   MissingContent,
		Detail: "not in the cited passage: " + strings.Join(names, ", ") + " (coverage " + strconv.FormatFloat(w.cov, 'f', 2, 64) + ")",
		Start:  start, End: end,
	}
}

// evaluation is the outcome of the hard checks on one window.
type evaluation struct {
	kinds    uint16 // bit per ProblemKind
	problems []Problem
	mask     []uint64
	qs       []clinical.Quantity
	qov      []int // overlap of the sentence holding each of qs
	maxOv    int   // the largest of qov
	freqs    []string
	// For windows with many quantities, qs indexed by value and by
	// dimension, so that checking stays linear on long inputs.
	byValue map[float64][]int
	byDim   map[string][]int
}

// indexMin is the number of window quantities from which they are indexed.
const indexMin = 64

func (e *evaluation) index() {
	e.byValue, e.byDim = nil, nil
	if len(e.qs) < indexMin {
		return
	}
	e.byValue, e.byDim = make(map[float64][]int), make(map[string][]int)
	for i, q := range e.qs {
		e.byValue[q.Value] = append(e.byValue[q.Value], i)
		if !q.Unit.IsZero() {
			e.byDim[q.Unit.Dim] = append(e.byDim[q.Unit.Dim], i)
		}
	}
}

func (e *evaluation) add(detail bool, p Problem) {
	e.kinds |= 1 << p.Kind
	if detail {
		e.problems = append(e.problems, p)
	}
}

// minClause is the least coverage of each claim clause with two or more
// content words: a claim with a clause of its own that the passage does not
// support ("…, and it also causes liver failure") is unsupported even when
// its overall coverage passes the threshold.
const minClause = 0.5

// evaluate runs the clause, name, number, unit, frequency, comparison and
// negation checks of the claim against window w.
func (m *matcher) evaluate(w window, e *evaluation, detail bool) {
	cl := m.cl
	e.kinds, e.problems = 0, nil
	if len(e.mask) != cl.words {
		e.mask = make([]uint64, cl.words)
	}
	m.windowMask(w, e.mask)
	dc := m.docs[w.doc]
	e.qs, e.qov, e.freqs, e.maxOv = e.qs[:0], e.qov[:0], e.freqs[:0], 0
	for s := w.first; s < w.first+w.n; s++ {
		ov := m.overlap(w.doc, s)
		e.maxOv = max(e.maxOv, ov)
		for _, q := range dc.sents[s].an.Quantities {
			e.qs = append(e.qs, q)
			e.qov = append(e.qov, ov)
		}
		for _, f := range dc.sents[s].an.Frequencies {
			e.freqs = append(e.freqs, f.Key)
		}
	}

	for _, cc := range cl.clauses {
		if cc.n < 2 {
			continue
		}
		got := 0
		for k := range cc.mask {
			got += bits.OnesCount64(cc.mask[k] & e.mask[k])
		}
		if float64(got) < m.minClause*float64(cc.n) {
			e.add(detail, Problem{Kind: MissingContent, Detail: "the cited passage does not support " + strconv.Quote(cl.text[cc.start:cc.end]), Start: cc.start, End: cc.end})
		}
	}

	for k, t := range cl.terms {
		if t.name && e.mask[k/64]&(1<<(k%64)) == 0 {
			e.add(detail, Problem{Kind: MissingName, Detail: strconv.Quote(cl.text[t.start:t.end]) + " is not in the cited passage", Start: t.start, End: t.end})
		}
	}

	e.index()
	for _, q := range cl.qs {
		m.checkQuantity(q, e, detail)
	}

	for _, f := range cl.freqs {
		if freqFound(f.Key, e.freqs) {
			continue
		}
		d := strconv.Quote(cl.text[f.Start:f.End]) + " is not in the cited passage"
		if len(e.freqs) > 0 {
			d += " (it gives " + strings.Join(e.freqs, ", ") + ")"
		}
		e.add(detail, Problem{Kind: FrequencyMismatch, Detail: d, Start: f.Start, End: f.End})
	}

	// Negation: align each claim clause with the window clause sharing
	// most of its terms (ties: the clause whose sentence shares most terms
	// with the whole claim). They disagree when one is negated and the
	// other not, or when a shared term is in a narrow negation ("without
	// food") on one side only. A question asserts nothing and agrees with
	// anything; remaining ties are settled in the claim's favour.
	words := cl.words
	for _, cc := range cl.clauses {
		if cc.n == 0 || cc.question {
			continue
		}
		best, bestSent, agree, negated := 0, 0, false, false
		for s := w.first; s < w.first+w.n; s++ {
			an := &dc.sents[s].an
			cm := m.cmask[w.doc][s]
			so := m.overlap(w.doc, s)
			for j, wc := range an.Clauses {
				pos, neg := cm[2*j*words:(2*j+1)*words], cm[(2*j+1)*words:(2*j+2)*words]
				ov, narrow := 0, false
				for k := range cc.mask {
					ov += bits.OnesCount64(cc.mask[k] & (pos[k] | neg[k]))
					onlyNeg, onlyPos := cc.neg[k]&^cc.pos[k], cc.pos[k]&^cc.neg[k]
					if onlyNeg&pos[k]&^neg[k] != 0 || onlyPos&neg[k]&^pos[k] != 0 {
						narrow = true
					}
				}
				if ov == 0 || ov < best || (ov == best && so < bestSent) {
					continue
				}
				if ov > best || so > bestSent {
					best, bestSent, agree = ov, so, false
				}
				if wc.Question || (wc.Negated == cc.negated && !narrow) {
					agree = true
				} else {
					negated = wc.Negated || (narrow && !cc.negated)
				}
			}
		}
		if best > 0 && 2*best >= cc.n && !agree {
			d := "the claim negates " + strconv.Quote(cl.text[cc.start:cc.end]) + " but the cited passage affirms it"
			if negated {
				d = "the claim affirms " + strconv.Quote(cl.text[cc.start:cc.end]) + " but the cited passage negates it"
			}
			e.add(detail, Problem{Kind: NegationMismatch, Detail: d, Start: cc.start, End: cc.end})
		}
	}
}

// freqFound reports whether the claim's frequency key is in the window.
// "once" and "stat" also pass when the window gives no frequency at all,
// and a bare count ("twice") passes against that count per period.
func freqFound(key string, window []string) bool {
	if slices.Contains(window, key) {
		return true
	}
	switch {
	case key == "once" || key == "stat":
		return len(window) == 0
	case strings.HasSuffix(key, " times"):
		n := strings.TrimSuffix(key, "times")
		for _, w := range window {
			if strings.HasPrefix(w, n+"per ") {
				return true
			}
		}
	}
	return false
}

// checkQuantity finds claim quantity q in the window. Among window
// quantities with the same amount, those in the sentence sharing most terms
// with the claim decide whether a bound ("below", "at least") agrees.
func (m *matcher) checkQuantity(q clinical.Quantity, e *evaluation, detail bool) {
	cl := m.cl
	bestOv, compatible, conflict := -1, false, -1
	unit := -1
	// visit considers window quantity i; it reports true when nothing
	// later can change the outcome.
	visit := func(i int) bool {
		w := e.qs[i]
		if !matches(q, w) {
			if unit < 0 && !q.Unit.IsZero() && !w.Unit.IsZero() && q.Value == w.Value {
				unit = i
			}
			return false
		}
		ov := e.qov[i]
		if ov < bestOv {
			return false
		}
		if ov > bestOv {
			bestOv, compatible, conflict = ov, false, -1
		}
		wb := w.Bound
		if wb == clinical.NoBound {
			wb = w.RangeEnd
		}
		if q.Bound != clinical.NoBound && wb != clinical.NoBound && q.Bound != wb {
			conflict = i
		} else {
			compatible = true
		}
		return compatible && ov == e.maxOv
	}
	if e.byValue == nil {
		for i := range e.qs {
			if visit(i) {
				break
			}
		}
	} else {
		done := false
		for _, i := range e.byValue[q.Value] {
			if done = visit(i); done {
				break
			}
		}
		if !done && !q.Unit.IsZero() {
			for _, i := range e.byDim[q.Unit.Dim] {
				if visit(i) {
					break
				}
			}
		}
	}
	text := strconv.Quote(cl.text[q.Start:q.End])
	switch {
	case compatible:
	case conflict >= 0:
		k := ComparisonMismatch
		if q.Unit.Dim == "T" || q.Unit.Dim == "Y" {
			k = FrequencyMismatch
		}
		wb := e.qs[conflict].Bound
		if wb == clinical.NoBound {
			wb = e.qs[conflict].RangeEnd
		}
		e.add(detail, Problem{Kind: k, Detail: text + ": the claim says " + q.Bound.String() + ", the cited passage " + wb.String(), Start: q.Start, End: q.End})
	case unit >= 0:
		e.add(detail, Problem{Kind: UnitMismatch, Detail: text + ": the cited passage has " + e.qs[unit].Unit.Name + ", not " + q.Unit.Name, Start: q.Start, End: q.End})
	default:
		e.add(detail, Problem{Kind: NumberMismatch, Detail: text + " is not in the cited passage", Start: q.Start, End: q.End})
	}
}

// matches reports whether window quantity w supports claim quantity q: the
// same amount in convertible units, or the same number where either side
// gives no unit.
func matches(q, w clinical.Quantity) bool {
	if q.Unit.IsZero() || w.Unit.IsZero() {
		return q.Value == w.Value
	}
	return clinical.Same(q.Value, q.Unit, w.Value, w.Unit)
}

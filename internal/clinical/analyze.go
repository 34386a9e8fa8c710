package clinical

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// A Text is the analysis of a short text: a sentence or a claim. Offsets are
// byte offsets in the text given to [Analyze].
type Text struct {
	Terms       []Term      // content words in order (not stop words, numbers, units, cues or connectives)
	Quantities  []Quantity  // numbers with their units and bounds
	Frequencies []Frequency // dosing frequencies and intervals
	Clauses     []Clause    // clauses in order; every Term belongs to one
}

// A Term is one content word.
type Term struct {
	Stem       string // normal form, as from [Stem]
	Start, End int
	Name       bool // a drug name ([IsDrug]), an acronym or a code ([IsAcronym])
	Clause     int  // index in Text.Clauses
	// Negated marks a word in the narrow scope of "without", "non-",
	// "absence of", "lack of" or a "no" after a preposition ("patients
	// with no history of asthma"): these negate the next few words, not
	// the clause.
	Negated bool
}

// A Bound says whether a quantity is a limit.
type Bound int8

// The bounds.
const (
	NoBound Bound = 0
	AtMost  Bound = -1 // "below 92%", "up to 4 g", "within 1 hour", "no more than 8 tablets"
	AtLeast Bound = 1  // "above 38 °C", "at least 30 minutes", "after 5 minutes", "65 years or over"
)

// String returns "at most", "at least" or "".
func (b Bound) String() string {
	switch b {
	case AtMost:
		return "at most"
	case AtLeast:
		return "at least"
	}
	return ""
}

// A Quantity is a number as written in the text, with its unit and bound.
// Each end of a range ("94–98%", "between 4 and 6 hours") is a Quantity
// with the range's unit; both span the whole range.
type Quantity struct {
	Value     float64
	Unit      Unit // zero when no unit follows the number
	Bound     Bound
	Spelled   bool // written as a word: "two", "twenty-four"
	Frequency bool // part of a frequency or interval: the 4 in "every 4 hours"
	// RangeEnd is AtLeast for the low end of a range and AtMost for its
	// high end: "88 to 92%" implies "at most 92%".
	RangeEnd   Bound
	Start, End int
}

// A Frequency is a dosing frequency, an interval or a time of day in normal
// form. Key values: "every 4 h" (also "4-hourly", "q4h"), "every 4 h-6 h",
// "every 1 day" ("daily", "once a day", "od", "every 24 hours"),
// "2 per 1 day" ("twice daily", "bd", "two times a day"), "3 per 1 day",
// "4 per 1 day", "2 times" ("twice"), "once", "stat", "prn" ("as needed",
// "when required"), "night" ("nocte", "at night"), "morning" ("mane").
// A count of one per period is the same as an interval of one period;
// a count of two or more per period is not the same as an interval
// ("twice daily" is not "every 12 hours").
type Frequency struct {
	Key        string
	Start, End int
}

// A Clause is a span of text between clause boundaries: sentence
// punctuation, semicolons and colons, and connectives such as "but",
// "however", "unless", "if", "when", "which" (a clause opened by a
// connective also ends at its first comma). It is Negated when it holds a
// negation cue ("not", "no", "never", "n't", "without", "avoid",
// "contraindicated", "withhold", "nil", "lack of", "fail to", …). Negations
// that only bound a quantity ("no more than 4 g", "do not exceed 4 g", "do
// not give more than 8 tablets") are read as bounds, not as negations.
type Clause struct {
	Start, End int
	Negated    bool
	// Question marks a clause that asserts nothing: one in a sentence that
	// ends with "?", or one opened by "whether".
	Question bool
}

// Analyze analyses s, which should be about one sentence long.
func Analyze(s string) Text {
	buf := lexPool.Get().(*[]lexeme)
	a := analysis{src: s, lx: lexemes(s, (*buf)[:0])}
	a.frequencies()
	a.quantities()
	a.negations()
	a.clauses()
	a.terms()
	*buf = a.lx[:0] // sync.Pool drops it at the next collections, so s is not kept long
	lexPool.Put(buf)
	return a.out
}

// lexPool recycles the scratch lexemes of Analyze.
var lexPool = sync.Pool{New: func() any { return new([]lexeme) }}

type lexeme struct {
	kind       Kind
	spelled    bool // a number written as a word
	ordinal    bool // "2nd": a number that takes no unit
	space      bool // white space precedes it
	used       bool // consumed by a frequency, quantity, bound, cue or connective
	cue        bool // a negation cue with clause scope
	narrow     bool // a word in the narrow scope of a negation
	lower      string
	info       *wordInfo // for a word
	start, end int
	value      float64
	clause     int
}

type analysis struct {
	src string
	lx  []lexeme
	out Text
}

var numberWords = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

var ordinalSuffix = map[string]bool{"st": true, "nd": true, "rd": true, "th": true}

// lexemes lexes s and joins number words ("twenty-four") and ordinals ("2nd").
func lexemes(s string, out []lexeme) []lexeme {
	sc := scanner{s: s, space: true}
	var t Token
	var pending map[string]*wordInfo
	words.RLock()
	for sc.next(&t) {
		l := lexeme{kind: t.Kind, lower: t.Lower, start: t.Start, end: t.End, value: t.Value, space: t.Space}
		if t.Kind == Word {
			key := t.Text
			if t.Lower != "" {
				key = t.Lower // a dotted abbreviation
			}
			wi := words.m[key]
			if wi == nil {
				wi = pending[key]
			}
			if wi == nil {
				lower := t.Lower
				if lower == "" {
					lower = strings.ToLower(t.Text)
				}
				wi = newWordInfo(t.Text, lower)
				if pending == nil {
					pending = make(map[string]*wordInfo)
				}
				pending[key] = wi
			}
			l.info = wi
			l.lower = wi.lower
		}
		out = append(out, l)
	}
	words.RUnlock()
	remember(pending)
	// Join in place.
	n := 0
	for i := 0; i < len(out); i++ {
		l := out[i]
		switch l.kind {
		case Word:
			if l.info.isNum {
				v := l.info.number
				l.kind, l.value, l.spelled = Number, v, true
				if v >= 20 {
					j := i + 1
					if j < len(out) && out[j].lower == "-" && !out[j].space {
						j++
					}
					if j < len(out) && out[j].kind == Word {
						if u := out[j].info.number; out[j].info.isNum && u >= 1 && u <= 9 {
							l.value += u
							l.end = out[j].end
							i = j
						}
					}
				}
			}
		case Number:
			if i+1 < len(out) && !out[i+1].space && ordinalSuffix[out[i+1].lower] {
				l.end = out[i+1].end
				l.ordinal = true
				i++
			}
		}
		out[n] = l
		n++
	}
	return out[:n]
}

func (a *analysis) word(i int) string {
	if i < 0 || i >= len(a.lx) || a.lx[i].used {
		return ""
	}
	return a.lx[i].lower
}

// has reports whether lexeme i is an unused word with role r.
func (a *analysis) has(i int, r role) bool {
	return i >= 0 && i < len(a.lx) && !a.lx[i].used && a.lx[i].info != nil && a.lx[i].info.roles&r != 0
}

func (a *analysis) isLower(i int, w string) bool { return a.word(i) == w && w != "" }

func (a *analysis) isNum(i int) bool {
	return i >= 0 && i < len(a.lx) && !a.lx[i].used && a.lx[i].kind == Number
}

func (a *analysis) use(i, j int) {
	for k := max(i, 0); k < j && k < len(a.lx); k++ {
		a.lx[k].used = true
	}
}

// ---- frequencies ----

func (a *analysis) frequencies() {
	for i := 0; i < len(a.lx); i++ {
		if a.lx[i].used {
			continue
		}
		end, key, ok := a.frequencyAt(i)
		if !ok {
			continue
		}
		if key != "" {
			a.out.Frequencies = append(a.out.Frequencies, Frequency{Key: key, Start: a.lx[i].start, End: a.lx[end-1].end})
		}
		a.use(i, end)
		i = end - 1
	}
}

var freqWords = map[string]string{
	"od": "every 1 day", "qd": "every 1 day", "daily": "every 1 day",
	"bd": "2 per 1 day", "bid": "2 per 1 day", "tds": "3 per 1 day", "tid": "3 per 1 day",
	"qds": "4 per 1 day", "qid": "4 per 1 day", "prn": "prn", "stat": "stat",
	"nocte": "night", "nightly": "night", "mane": "morning",
	"weekly": "every 1 week", "fortnightly": "every 2 week", "monthly": "every 1 month",
	"annually": "every 1 year", "yearly": "every 1 year", "hourly": "every 1 h", "hrly": "every 1 h",
}

// nounsAfterDaily make "daily" an adjective of amount, not a frequency:
// "maximum daily dose".
var nounsAfterDaily = map[string]bool{
	"dose": true, "doses": true, "dosage": true, "total": true, "maximum": true, "max": true, "limit": true,
	"intake": true, "amount": true, "requirement": true, "requirements": true, "allowance": true,
}

// frequencyAt matches a frequency starting at lexeme i. ok with an empty key
// means "consume these lexemes, no frequency" (the conjunction "once").
func (a *analysis) frequencyAt(i int) (end int, key string, ok bool) {
	w := a.word(i)
	switch {
	case w == "every" || w == "each":
		return a.every(i)
	case a.isNum(i):
		return a.numberFrequency(i)
	case w == "once" || w == "twice" || w == "thrice":
		n := map[string]float64{"once": 1, "twice": 2, "thrice": 3}[w]
		if e, k, ok := a.count(i+1, n, n); ok {
			return e, k, true
		}
		if n > 1 {
			return i + 1, formatNumber(n) + " times", true
		}
		next := a.word(i + 1)
		switch {
		case next == "more" || next == "again":
			return i + 2, "", true
		case next == "only":
			return i + 2, "once", true
		case i+1 >= len(a.lx) || a.lx[i+1].kind == Symbol || next == "and" || next == "or" || next == "then" || next == "stat":
			return i + 1, "once", true
		}
		return i + 1, "", true // the conjunction: "once the patient is stable"
	case w == "daily":
		if nounsAfterDaily[a.word(i+1)] || a.word(i-1) == "total" || a.word(i-1) == "maximum" || a.word(i-1) == "max" {
			return 0, "", false
		}
		return i + 1, freqWords[w], true
	case a.lx[i].info != nil && a.lx[i].info.freq != "":
		return i + 1, a.lx[i].info.freq, true
	case len(w) >= 3 && w[0] == 'q' && w[len(w)-1] == 'h':
		if v, err := strconv.Atoi(w[1 : len(w)-1]); err == nil && v > 0 {
			a.addQ(Quantity{Value: float64(v), Unit: atoms["h"].unit(), Frequency: true, Start: a.lx[i].start, End: a.lx[i].end})
			return i + 1, "every " + duration(float64(v), atoms["h"]), true
		}
	case w == "as" || w == "when" || w == "if":
		j := i + 1
		if w == "as" && a.word(j) == "and" && a.word(j+1) == "when" {
			j += 2
		}
		switch a.word(j) {
		case "needed", "required", "necessary":
			return j + 1, "prn", true
		}
	case w == "at":
		switch a.word(i + 1) {
		case "night", "bedtime":
			return i + 2, "night", true
		}
	case w == "in":
		if a.word(i+1) == "the" && (a.word(i+2) == "morning") {
			return i + 3, "morning", true
		}
	}
	return 0, "", false
}

// every matches "every 4 hours", "every 4 to 6 hours", "every other day",
// "every day", "every night".
func (a *analysis) every(i int) (int, string, bool) {
	j := i + 1
	if a.word(j) == "other" {
		if at, k, ok := a.timeAt(j + 1); ok {
			return k, "every " + duration(2, at), true
		}
		return 0, "", false
	}
	if a.isNum(j) {
		v1, v2, k := a.lx[j].value, a.lx[j].value, j+1
		if rangeWord(a.word(k)) && a.isNum(k+1) {
			v2, k = a.lx[k+1].value, k+2
		}
		at, e, ok := a.timeAt(k)
		if !ok {
			return 0, "", false
		}
		a.intervalQuantities(j, e, v1, v2, at)
		return e, intervalKey(v1, v2, at), true
	}
	if at, k, ok := a.timeAt(j); ok {
		return k, "every " + duration(1, at), true
	}
	switch a.word(j) {
	case "night", "evening":
		return j + 1, "night", true
	case "morning":
		return j + 1, "morning", true
	}
	return 0, "", false
}

// numberFrequency matches "4-hourly", "4–6 hourly", "3 times a day",
// "2x daily" at the number i.
func (a *analysis) numberFrequency(i int) (int, string, bool) {
	v1, v2, k := a.lx[i].value, a.lx[i].value, i+1
	if rangeWord(a.word(k)) && a.isNum(k+1) {
		v2, k = a.lx[k+1].value, k+2
	}
	h := k
	if a.word(h) == "-" {
		h++
	}
	if w := a.word(h); w == "hourly" || w == "hrly" {
		at := atoms["h"]
		a.intervalQuantities(i, h+1, v1, v2, at)
		return h + 1, intervalKey(v1, v2, at), true
	}
	switch a.word(k) {
	case "times", "time":
		if e, key, ok := a.count(k+1, v1, v2); ok {
			return e, key, true
		}
		return k + 1, rangeText(v1, v2) + " times", true
	case "x", "×":
		if e, key, ok := a.count(k+1, v1, v2); ok {
			return e, key, true
		}
	}
	return 0, "", false
}

// count matches the period after a count ("a day", "daily", "per week",
// "in 24 hours") and returns the frequency key for n1–n2 per period.
func (a *analysis) count(j int, n1, n2 float64) (int, string, bool) {
	if a.word(j) == "-" {
		j++
	}
	var period string
	end := 0
	switch w := a.word(j); w {
	case "daily":
		period, end = duration(1, atoms["day"]), j+1
	case "weekly":
		period, end = duration(1, atoms["week"]), j+1
	case "monthly":
		period, end = duration(1, atoms["month"]), j+1
	case "hourly":
		period, end = duration(1, atoms["h"]), j+1
	case "yearly", "annually":
		period, end = duration(1, atoms["year"]), j+1
	case "nightly":
		period, end = "night", j+1
	case "a", "an", "per", "each", "every", "/", "in":
		k := j + 1
		if a.isNum(k) {
			if at, e, ok := a.timeAt(k + 1); ok {
				period, end = duration(a.lx[k].value, at), e
			}
		} else if at, e, ok := a.timeAt(k); ok {
			period, end = duration(1, at), e
		} else if a.word(k) == "night" {
			period, end = "night", k+1
		}
	}
	if end == 0 {
		return 0, "", false
	}
	if n1 == 1 && n2 == 1 {
		if period == "night" {
			return end, "night", true
		}
		return end, "every " + period, true
	}
	return end, rangeText(n1, n2) + " per " + period, true
}

func (a *analysis) timeAt(i int) (atom, int, bool) {
	at, k, ok := a.atomAt(i)
	if !ok || (at.dim != "T" && at.dim != "Y") {
		return atom{}, i, false
	}
	return at, k, true
}

func (a *analysis) intervalQuantities(i, end int, v1, v2 float64, at atom) {
	s, e := a.lx[i].start, a.lx[end-1].end
	a.addQ(Quantity{Value: v1, Unit: at.unit(), Frequency: true, Spelled: a.lx[i].spelled, Start: s, End: e})
	if v2 != v1 {
		a.addQ(Quantity{Value: v2, Unit: at.unit(), Frequency: true, Start: s, End: e})
	}
}

func (a *analysis) addQ(q Quantity) { a.out.Quantities = append(a.out.Quantities, q) }

func (at atom) unit() Unit { return Unit{Name: at.name, Dim: at.dim, Factor: at.factor} }

func rangeWord(w string) bool { return w == "-" || w == "–" || w == "—" || w == "to" }

func intervalKey(v1, v2 float64, at atom) string {
	k := "every " + duration(v1, at)
	if v2 != v1 {
		k += "-" + duration(v2, at)
	}
	return k
}

// duration formats v of the time unit at in the largest unit that divides
// it exactly: 24 hours is "1 day", 90 minutes is "90 min".
func duration(v float64, at atom) string {
	base := v * at.factor
	if at.dim == "Y" {
		if isWhole(base / 12) {
			return formatNumber(base/12) + " year"
		}
		return formatNumber(base) + " month"
	}
	for _, u := range []struct {
		name string
		f    float64
	}{{"week", 604800}, {"day", 86400}, {"h", 3600}, {"min", 60}} {
		if base >= u.f && isWhole(base/u.f) {
			return formatNumber(base/u.f) + " " + u.name
		}
	}
	return formatNumber(base) + " s"
}

func isWhole(x float64) bool { return math.Abs(x-math.Round(x)) < 1e-9 }

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func rangeText(a, b float64) string {
	if a == b {
		return formatNumber(a)
	}
	return formatNumber(a) + "-" + formatNumber(b)
}

// ---- quantities and bounds ----

func (a *analysis) quantities() {
	for i := 0; i < len(a.lx); i++ {
		if !a.isNum(i) {
			continue
		}
		bound, between := a.boundBefore(i)
		v1 := a.lx[i]
		j := i + 1
		u1, e, ok1 := a.unitAfter(j)
		if v1.ordinal {
			u1, ok1 = Unit{}, false
		}
		if ok1 {
			j = e
		}
		end := j
		var second *lexeme
		sep := ""
		u2 := u1
		if b, e, ok := a.boundAfter(j); ok {
			if bound == NoBound {
				bound = b
			}
			end = e
		} else if w := a.word(j); a.isNum(j+1) && (rangeWord(w) || w == "or" || w == "/" || (w == "and" && between)) {
			second = &a.lx[j+1]
			sep = w
			end = j + 2
			if u, e, ok := a.unitAfter(j + 2); ok {
				u2, end = u, e
				if !ok1 {
					u1 = u
				}
			}
			if b, e, ok := a.boundAfter(end); ok {
				if bound == NoBound {
					bound = b
				}
				end = e
			}
		} else if !ok1 && (w == "x" || w == "×") {
			end = j + 1 // "2 x 500 mg"
		}
		s, e2 := v1.start, a.lx[end-1].end
		q := Quantity{Value: v1.value, Unit: u1, Bound: bound, Spelled: v1.spelled, Start: s, End: e2}
		if second != nil {
			q2 := Quantity{Value: second.value, Unit: u2, Bound: bound, Spelled: second.spelled, Start: s, End: e2}
			if q.Value < q2.Value && sep != "or" && sep != "/" {
				q.RangeEnd, q2.RangeEnd = AtLeast, AtMost
			}
			a.addQ(q)
			a.addQ(q2)
		} else {
			a.addQ(q)
		}
		a.use(i, end)
		i = end - 1
	}
}

// unitAfter parses a unit at j, allowing a hyphen first ("5-day course").
func (a *analysis) unitAfter(j int) (Unit, int, bool) {
	if a.isLower(j, "-") {
		if u, e, ok := a.unitAt(j + 1); ok {
			return u, e, true
		}
		return Unit{}, j, false
	}
	return a.unitAt(j)
}

type boundPhrase struct {
	words   []string
	bound   Bound
	negated bool // already holds its negation ("no more than")
}

var boundPhrases = func() []boundPhrase {
	var out []boundPhrase
	add := func(b Bound, phrases ...string) {
		for _, p := range phrases {
			w := strings.Fields(p)
			neg := false
			for _, x := range w {
				if x == "not" || x == "no" {
					neg = true
				}
			}
			out = append(out, boundPhrase{w, b, neg})
		}
	}
	add(AtMost, "<", "≤", "≦", "< =", "= <", "below", "under", "less than", "lower than", "fewer than",
		"less than or equal to", "up to", "within", "no more than", "not more than", "at most", "maximum",
		"max", "not exceeding", "not to exceed", "not exceed", "no later than", "not later than", "before",
		"no higher than", "no greater than", "not above", "not over", "no longer than", "not longer than")
	add(AtLeast, ">", "≥", "≧", "> =", "above", "more than", "greater than", "higher than",
		"greater than or equal to", "at least", "no less than", "not less than", "no fewer than", "not below",
		"minimum", "exceeding", "exceeds", "exceed", "after", "beyond", "older than", "no sooner than",
		"not before", "longer than", "over", "in excess of")
	// Longest first, so that "less than or equal to" wins over "equal to".
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j].words) > len(out[j-1].words); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// boundsByLast indexes boundPhrases by their last word, longest first.
var boundsByLast = func() map[string][]boundPhrase {
	m := make(map[string][]boundPhrase)
	for _, p := range boundPhrases {
		last := p.words[len(p.words)-1]
		m[last] = append(m[last], p)
	}
	return m
}()

var approxWords = map[string]bool{
	"of": true, "a": true, "an": true, "the": true, "approximately": true, "about": true, "around": true,
	"approx": true, "~": true, "roughly": true, "total": true,
}

// boundBefore finds a bound phrase that ends just before the number at i
// and consumes it. between reports "between" before the number.
func (a *analysis) boundBefore(i int) (b Bound, between bool) {
	p := i
	for n := 0; n < 3 && approxWords[a.word(p-1)]; n++ {
		p--
	}
	if a.word(p-1) == "between" {
		between = true
		a.lx[p-1].used = true
		p--
	}
	for _, ph := range boundsByLast[a.word(p-1)] {
		n := len(ph.words)
		if p-n < 0 {
			continue
		}
		match := true
		for k, w := range ph.words {
			if a.word(p-n+k) != w {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		a.use(p-n, p)
		b = ph.bound
		if !ph.negated && a.neutraliseNegation(p-n) {
			b = -b
		}
		return b, between
	}
	return NoBound, between
}

// neutraliseNegation looks for a negation up to four words before lexeme p
// in the same clause ("do not give more than …") and consumes it.
func (a *analysis) neutraliseNegation(p int) bool {
	for k := p - 1; k >= 0 && k >= p-4; k-- {
		l := a.lx[k]
		if l.kind == Symbol && (l.lower == "," || clauseSymbols[l.lower]) {
			return false
		}
		if a.lx[k].used {
			continue
		}
		if l.lower == "not" || l.lower == "never" || l.lower == "no" || isNT(l.lower) {
			a.lx[k].used = true
			return true
		}
	}
	return false
}

func (a *analysis) boundAfter(j int) (Bound, int, bool) {
	if a.isLower(j, "+") && !a.lx[j].space {
		return AtLeast, j + 1, true
	}
	if a.isLower(j, "plus") {
		return AtLeast, j + 1, true
	}
	if w := a.word(j); w == "or" || w == "and" {
		switch a.word(j + 1) {
		case "more", "above", "over", "higher", "greater", "older", "longer":
			return AtLeast, j + 2, true
		case "less", "below", "under", "lower", "fewer", "younger", "shorter":
			return AtMost, j + 2, true
		}
	}
	return NoBound, j, false
}

// ---- negation and clauses ----

var negationCues = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "neither": true, "nor": true, "nothing": true,
	"nobody": true, "nowhere": true, "cannot": true, "without": true, "avoid": true, "avoids": true,
	"avoided": true, "avoiding": true, "avoidance": true, "contraindicated": true, "contraindication": true,
	"contraindications": true, "nil": true, "absent": true, "absence": true, "lack": true, "lacks": true,
	"lacking": true, "lacked": true, "unable": true, "withhold": true, "withheld": true, "withholding": true,
	"omit": true, "omitted": true, "omitting": true,
}

func isNT(w string) bool { return strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t") }

var prepositions = map[string]bool{
	"with": true, "in": true, "of": true, "for": true, "at": true, "by": true, "from": true, "having": true,
	"to": true, "on": true, "among": true, "despite": true,
}

func (a *analysis) negations() {
	for i := range a.lx {
		if a.lx[i].used || a.lx[i].kind != Word {
			continue
		}
		w := a.lx[i].lower
		next := a.word(i + 1)
		switch {
		case w == "not" && next == "only":
			a.use(i, i+2)
		case w == "whether" && next == "or" && a.word(i+2) == "not":
			a.use(i, i+3)
		case w == "without" && (next == "delay" || next == "fail"):
			a.use(i, i+2)
		case w == "without":
			a.lx[i].used = true
			a.scopeNarrow(i+1, 3)
		case w == "non" && next == "-":
			a.use(i, i+2)
			a.scopeNarrow(i+2, 1)
		case (w == "absence" || w == "lack") && next == "of":
			a.use(i, i+2)
			a.scopeNarrow(i+2, 3)
		case w == "no" && a.has(i-1, rolePreposition):
			a.lx[i].used = true
			a.scopeNarrow(i+1, 3)
		case (w == "fail" || w == "fails" || w == "failed" || w == "failing") && next == "to":
			a.lx[i].cue = true
			a.use(i, i+2)
		case w == "contra" && next == "-" && strings.HasPrefix(a.word(i+2), "indicat"):
			a.lx[i].cue = true
			a.use(i, i+3)
		case a.lx[i].info.roles&roleCue != 0:
			a.lx[i].cue = true
			a.lx[i].used = true
		}
	}
}

// scopeNarrow marks up to n content words from lexeme i as negated,
// stopping at punctuation other than a hyphen, a connective, "and", "but",
// an auxiliary verb or a preposition other than "of" ("patients without
// diabetes should receive …" negates "diabetes" only).
func (a *analysis) scopeNarrow(i, n int) {
	words := 0
	for k := i; k < len(a.lx) && words < n; k++ {
		l := a.lx[k]
		if l.kind == Symbol && l.lower != "-" {
			return
		}
		if l.kind != Word {
			continue
		}
		w := l.lower
		if w == "and" || w == "but" || l.info.roles&(roleConnective|roleAux) != 0 || (l.info.roles&rolePreposition != 0 && w != "of") {
			return
		}
		a.lx[k].narrow = true
		if l.info.stem != "" {
			words++
		}
	}
}

var clauseSymbols = map[string]bool{";": true, ":": true, ".": true, "!": true, "?": true, "•": true}

var connectives = map[string]bool{
	"but": true, "however": true, "whereas": true, "although": true, "though": true, "except": true,
	"unless": true, "while": true, "whilst": true, "if": true, "when": true, "whenever": true,
	"because": true, "until": true, "which": true, "who": true, "whom": true, "whose": true,
	"instead": true, "otherwise": true, "yet": true,
}

func (a *analysis) clauses() {
	start, last := -1, -1
	neg, commaEnds, question := false, false, false
	sentence := 0 // first clause of the current sentence
	flush := func() {
		for last > start && start >= 0 && a.lx[last].kind == Symbol && a.lx[last].lower == "," {
			last--
		}
		if start >= 0 {
			a.out.Clauses = append(a.out.Clauses, Clause{Start: a.lx[start].start, End: a.lx[last].end, Negated: neg, Question: question})
		}
		start, neg, question = -1, false, false
	}
	for i := 0; i < len(a.lx); i++ {
		l := a.lx[i]
		a.lx[i].clause = -1
		switch {
		case l.kind == Symbol && clauseSymbols[l.lower] && !a.lx[i].used:
			flush()
			commaEnds = false
			if l.lower == "?" {
				for c := sentence; c < len(a.out.Clauses); c++ {
					a.out.Clauses[c].Question = true
				}
			}
			if l.lower != ";" && l.lower != ":" {
				sentence = len(a.out.Clauses)
			}
			continue
		case (l.lower == "and" || l.lower == "or") && !a.lx[i].used && start >= 0 && a.negationAt(i+1):
			flush()
			a.lx[i].used = true
			continue
		case l.lower == "whether" && !a.lx[i].used:
			flush()
			a.lx[i].used = true
			commaEnds, question = true, true
			continue
		case l.lower == "," && !a.lx[i].used && (commaEnds || a.coordinates(start, i)):
			flush()
			commaEnds = false
			if w := a.word(i + 1); w == "and" || w == "or" {
				a.lx[i+1].used = true
				a.lx[i+1].clause = -1
				i++
			}
			continue
		case l.kind == Word && !a.lx[i].used:
			if n := a.connective(i); n > 0 {
				flush()
				for k := i; k < i+n; k++ {
					a.lx[k].used = true
					a.lx[k].clause = -1
				}
				i += n - 1
				commaEnds = true
				continue
			}
		}
		if start < 0 {
			start = i
		}
		last = i
		if a.lx[i].cue {
			neg = true
		}
		a.lx[i].clause = len(a.out.Clauses)
	}
	flush()
}

// negationAt reports whether a clause-scope negation starts at lexeme i:
// a cue, or "do"/"does"/"should"… followed by one.
func (a *analysis) negationAt(i int) bool {
	for k := i; k < len(a.lx) && k <= i+1; k++ {
		if a.lx[k].cue {
			return true
		}
		if a.lx[k].kind != Word || a.lx[k].info.roles&roleAux == 0 {
			return false
		}
	}
	return false
}

// connective returns the length of the connective at lexeme i, or 0.
func (a *analysis) connective(i int) int {
	w := a.lx[i].lower
	if a.lx[i].info != nil && a.lx[i].info.roles&roleConnective != 0 {
		return 1
	}
	next := a.word(i + 1)
	switch {
	case w == "as" && (next == "soon" || next == "long") && a.word(i+2) == "as":
		return 3
	case (w == "rather" && next == "than") || (w == "so" && next == "that") ||
		(w == "provided" && next == "that") || (w == "even" && next == "though") ||
		(w == "in" && next == "case"):
		return 2
	}
	return 0
}

// subjectPronouns start a new clause after ", and" or ", or".
var subjectPronouns = map[string]bool{
	"it": true, "they": true, "this": true, "these": true, "he": true, "she": true, "we": true,
	"you": true, "there": true, "i": true,
}

// auxiliaries are verbs that mark a finite clause.
var auxiliaries = map[string]bool{
	"should": true, "must": true, "can": true, "cannot": true, "may": true, "might": true, "will": true,
	"would": true, "could": true, "shall": true, "is": true, "are": true, "was": true, "were": true,
	"do": true, "does": true, "did": true, "has": true, "have": true, "had": true, "need": true, "needs": true,
}

func (a *analysis) isAux(i int) bool {
	return a.lx[i].info != nil && a.lx[i].info.roles&roleAux != 0
}

// coordinates reports whether the comma at lexeme i joins two finite
// clauses with "and" or "or": a subject pronoun follows the conjunction, or
// both the clause so far (from start) and the five words after the
// conjunction hold an auxiliary verb ("Blood cultures
// should be taken first, and treatment should not be delayed"). A list of
// subjects ("NSAIDs, ACE inhibitors, and diuretics should be stopped") has
// no verb before the comma and is not split.
func (a *analysis) coordinates(start, i int) bool {
	if start < 0 {
		return false
	}
	if w := a.word(i + 1); w != "and" && w != "or" {
		return false
	}
	if subjectPronouns[a.word(i+2)] {
		return true // ", and it also causes …": a list cannot go on with "it"
	}
	left := false
	for k := start; k < i; k++ {
		if a.lx[k].kind == Word && a.isAux(k) {
			left = true
			break
		}
	}
	if !left {
		return false
	}
	for k := i + 2; k < len(a.lx) && k < i+7; k++ {
		l := a.lx[k]
		if l.lower == "," || (l.kind == Symbol && clauseSymbols[l.lower]) {
			return false
		}
		if l.kind == Word && a.isAux(k) {
			return true
		}
	}
	return false
}

func (a *analysis) terms() {
	n := 0
	for i := range a.lx {
		if !a.lx[i].used && a.lx[i].kind == Word {
			n++
		}
	}
	a.out.Terms = make([]Term, 0, n)
	for i, l := range a.lx {
		if a.lx[i].used || l.kind != Word {
			continue
		}
		wi := l.info
		st := wi.stem
		if st == "" {
			continue
		}
		c := a.lx[i].clause
		if c < 0 {
			c = 0
		}
		name := wi.drug || wi.acronym
		a.out.Terms = append(a.out.Terms, Term{Stem: st, Start: l.start, End: l.end, Name: name, Clause: c, Negated: a.lx[i].narrow})
	}
}

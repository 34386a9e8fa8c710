package quiz

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
)

// A qkind groups quantities that can stand in for each other as options.
type qkind uint8

const (
	qNone   qkind = iota
	qDose         // an amount of a medicine: mass, units, moles, tablets
	qVolume       // a volume of fluid
	qRate         // an amount per time: "15 L/min", "0.1 units/kg/h"
	qTime         // a time or interval: "after 5 minutes", "within 1 hour"
	qLevel        // a measurement: "6.5 mmol/L", "92%", "90 mmHg", "38 °C"
	qScore        // a score without unit: "a NEWS2 score of 5 or more"
)

var qkindNames = [...]string{qNone: "", qDose: "dose", qVolume: "volume", qRate: "rate", qTime: "timing", qLevel: "threshold", qScore: "score"}

func (k qkind) String() string { return qkindNames[k] }

// kindOf classifies a unit.
func kindOf(u clinical.Unit) qkind {
	d := u.Dim
	switch {
	case d == "":
		return qNone
	case d == "T":
		return qTime
	case d == "M" || d == "U" || d == "N" || d == "E" || d == "M/M" || d == "U/M" || strings.HasPrefix(d, "#") && d != "#dose":
		return qDose
	case d == "V" || d == "V/M":
		return qVolume
	case strings.HasSuffix(d, "/T") && d != "/T":
		return qRate
	case d == "N/V" || d == "M/V" || d == "%" || d == "P" || d == "kPa" || d == "C" || d == "/T" || d == "cmH2O":
		return qLevel
	}
	return qNone
}

// A qty is a quantity of a sentence that an item can ask about.
type qty struct {
	span        // the key phrase: bound words and anchor included ("after 5 minutes")
	core   span // the number(s) and unit as the analyser found them
	lo, hi float64
	rng    bool // a range: lo to hi
	unit   clinical.Unit
	bound  clinical.Bound
	kind   qkind
	lead   string // bound words before the number, lower case: "after", "within", "at least", "below"
}

// leads are the words that may open a key phrase before its number,
// longest first.
var leads = []string{
	"no later than", "no more than", "no less than", "at least", "at most", "less than", "more than",
	"fewer than", "greater than", "up to", "within", "after", "before", "below", "above", "under",
	"over", "by", "from", "between",
}

// quantities returns the quantities of s that can be keys, in order.
// Frequencies, quantities inside brackets and unitless numbers (other than
// scores) are left out.
func (s *sentence) quantities() []qty {
	var out []qty
	seen := make(map[span]bool)
	for _, q := range s.an.Quantities {
		if q.Frequency || seen[span{q.Start, q.End}] {
			continue
		}
		if q.Spelled {
			continue
		}
		core := span{q.Start, q.End}
		k := kindOf(q.Unit)
		if k == qNone {
			if q.Unit.IsZero() && s.scoreBefore(q.Start) {
				k = qScore
			} else {
				continue
			}
		}
		if s.inBrackets(q.Start) {
			continue
		}
		seen[core] = true
		x := qty{core: core, lo: q.Value, hi: q.Value, unit: q.Unit, bound: q.Bound, kind: k, span: core}
		// The other end of a range is the next quantity with the same span.
		for _, r := range s.an.Quantities {
			if r.Start == q.Start && r.End == q.End && r.Value != q.Value && !r.Frequency {
				x.rng = true
				x.lo, x.hi = math.Min(q.Value, r.Value), math.Max(q.Value, r.Value)
			}
		}
		s.extendLead(&x)
		out = append(out, x)
	}
	return out
}

// scoreBefore reports whether "score" appears in the three words before off.
func (s *sentence) scoreBefore(off int) bool {
	i := s.wordAt(off)
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if l := s.words[j].lower; l == "score" || l == "scores" {
			return true
		}
	}
	return false
}

// inBrackets reports whether off is inside round brackets.
func (s *sentence) inBrackets(off int) bool {
	depth := 0
	for i := 0; i < off && i < len(s.text); i++ {
		switch s.text[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0
}

// extendLead widens a key phrase over the bound words before it ("at least
// 6 hours") and, for times, over an anchor after it ("within 30 minutes of
// the fall", "6 hours after resolution").
func (s *sentence) extendLead(x *qty) {
	before := strings.ToLower(s.text[:x.a])
	trimmed := strings.TrimRight(before, " ")
	for _, l := range leads {
		if strings.HasSuffix(trimmed, " "+l) || trimmed == l {
			x.lead = l
			x.a = len(trimmed) - len(l)
			break
		}
	}
	if x.kind != qTime {
		return
	}
	rest := s.text[x.b:s.body.b]
	for _, anchor := range []string{" of ", " after ", " from "} {
		if !strings.HasPrefix(rest, anchor) || startsWithDigit(rest[len(anchor):]) {
			continue
		}
		// The anchor runs to the next comma, condition or clause.
		end := len(rest)
		for _, stop := range []string{",", " if ", " when ", " unless ", " because ", ";", "("} {
			if i := strings.Index(rest[len(anchor):], stop); i >= 0 && len(anchor)+i < end {
				end = len(anchor) + i
			}
		}
		if words := strings.Fields(rest[:end]); len(words) <= 6 {
			x.b += end
		}
		return
	}
}

// text returns the key phrase.
func (x *qty) text(s *sentence) string { return s.text[x.a:x.b] }

// A qvalue is a candidate value for a distractor.
type qvalue struct {
	lo, hi float64
	// pref orders candidates: lower is better.
	pref int
}

// numberTokens returns the spans of the numbers in a key phrase.
func numberTokens(text string) []span {
	var out []span
	for _, t := range clinical.Lex(text) {
		if t.Kind == clinical.Number {
			out = append(out, span{t.Start, t.End})
		}
	}
	return out
}

// decimals returns the number of decimal places written in the first
// number of a text.
func decimals(text string) int {
	nums := numberTokens(text)
	if len(nums) == 0 {
		return 0
	}
	num := text[nums[0].a:nums[0].b]
	if i := strings.IndexByte(num, '.'); i >= 0 {
		return len(num) - i - 1
	}
	return 0
}

// formatValue writes v with at least min decimal places and no more than
// it needs (up to 3).
func formatValue(v float64, min int) string {
	for d := min; d <= 3; d++ {
		s := strconv.FormatFloat(v, 'f', d, 64)
		if back, _ := strconv.ParseFloat(s, 64); math.Abs(back-v) < 1e-9*math.Max(1, math.Abs(v)) {
			return s
		}
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// replaceNumbers rewrites a key phrase with new values: the first number
// becomes lo and, in a range, the second hi. A unit word after a number is
// made singular or plural to agree with it. Doses are written without
// trailing zeros ("1 mg", never "1.0 mg", as prescribing rules require);
// measurements keep the key's decimal places ("6.0 mmol/L"). It reports
// false if the phrase has no number to replace.
func replaceNumbers(text string, rng bool, lo, hi float64, k qkind) (string, bool) {
	nums := numberTokens(text)
	if len(nums) == 0 || (rng && len(nums) < 2) {
		return "", false
	}
	vals := []float64{lo}
	if rng {
		vals = append(vals, hi)
	}
	var b strings.Builder
	last := 0
	for i, sp := range nums {
		if i >= len(vals) {
			break
		}
		b.WriteString(text[last:sp.a])
		old := text[sp.a:sp.b]
		minDec := decimals(old)
		if k == qDose || k == qVolume || k == qRate {
			minDec = 0
		}
		b.WriteString(formatValue(vals[i], minDec))
		last = sp.b
		// Agree the unit word that follows.
		rest := text[last:]
		if !strings.HasPrefix(rest, " ") {
			continue
		}
		w := rest[1:]
		end := strings.IndexAny(w, " /,.;)")
		if end < 0 {
			end = len(w)
		}
		unitWord := w[:end]
		newWord := agree(unitWord, vals[i])
		if newWord != unitWord {
			b.WriteString(" " + newWord)
			last += 1 + end
		}
	}
	b.WriteString(text[last:])
	return b.String(), true
}

// countable units whose word changes with the number.
var countable = setOf(`second minute hour day week month year dose unit tablet capsule puff drop litre liter
	microgram milligram gram breath beat cycle`)

// agree makes a unit word singular for 1 and plural otherwise.
func agree(w string, v float64) string {
	l := strings.ToLower(w)
	if v == 1 {
		if strings.HasSuffix(l, "s") && countable[strings.TrimSuffix(l, "s")] {
			return w[:len(w)-1]
		}
		return w
	}
	if countable[l] {
		return w + "s"
	}
	return w
}

// niceScales are usual values of times, by unit, for plausible distractors.
var niceScales = map[string][]float64{
	"s":     {5, 10, 15, 20, 30, 40, 45, 60, 90, 120},
	"min":   {1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120},
	"h":     {1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72},
	"day":   {1, 2, 3, 5, 7, 10, 14, 21, 28, 30},
	"week":  {1, 2, 4, 6, 8, 12, 26, 52},
	"month": {1, 3, 6, 12, 18, 24},
	"year":  {1, 2, 3, 5, 10},
}

// step returns a round additive step for perturbing a measurement near v:
// about a tenth of it, rounded to 1, 2 or 5 times a power of ten.
func step(v float64) float64 {
	if v <= 0 {
		return 1
	}
	raw := math.Abs(v) / 10
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p*1.5 {
			return m * p
		}
	}
	return 10 * p
}

// perturbations returns plausible wrong values for a key quantity.
func perturbations(x *qty) []qvalue {
	var out []qvalue
	add := func(lo, hi float64, pref int) {
		if lo <= 0 || hi <= 0 || math.IsNaN(lo) || math.IsInf(hi, 0) {
			return
		}
		if x.unit.Name == "%" && hi > 100 {
			return
		}
		out = append(out, qvalue{lo: round3(lo), hi: round3(hi), pref: pref})
	}
	switch x.kind {
	case qLevel, qScore:
		st := step(x.lo)
		if x.kind == qScore {
			st = 1
		}
		for _, k := range []float64{-1, 1, -2, 2, -3, 3, -4, 4} {
			add(x.lo+k*st, x.hi+k*st, 20+int(math.Abs(k)))
		}
	case qTime:
		scale := niceScales[x.unit.Name]
		for i, v := range scale {
			if x.rng {
				// A range of usual values with about the key's spread.
				want := v * x.hi / x.lo
				for _, hi := range scale[i+1:] {
					if hi >= want*0.99 {
						add(v, hi, 20+rankDistance(scale, x.lo, v))
						break
					}
				}
			} else {
				add(v, v, 20+rankDistance(scale, x.lo, v))
			}
		}
		if len(scale) == 0 {
			for _, f := range []float64{2, 0.5, 3, 4} {
				add(x.lo*f, x.hi*f, 30)
			}
		}
	default:
		for i, f := range []float64{2, 0.5, 10, 0.1, 5, 0.2, 1.5, 3, 4, 0.25} {
			add(x.lo*f, x.hi*f, 20+i)
		}
	}
	return out
}

// rankDistance is how many scale steps separate v from the key.
func rankDistance(scale []float64, key, v float64) int {
	ki := sort.SearchFloat64s(scale, key)
	vi := sort.SearchFloat64s(scale, v)
	d := ki - vi
	if d < 0 {
		d = -d
	}
	return d
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// plausible reports whether a candidate value is in the key's range of
// plausibility: within a factor of 20 for amounts and times, within half
// the value for measurements.
func plausible(x *qty, v qvalue) bool {
	ratio := v.lo / x.lo
	switch x.kind {
	case qLevel:
		return ratio >= 0.75 && ratio <= 1.34
	case qScore:
		return v.lo >= 0 && math.Abs(v.lo-x.lo) <= 5
	default:
		return ratio >= 1.0/10.01 && ratio <= 10.01
	}
}

// distinct reports whether two values are far enough apart to be told
// apart as options: half a step for measurements and scores, 15% for the
// rest.
func distinct(x *qty, a, b qvalue) bool {
	switch x.kind {
	case qLevel:
		return math.Abs(a.lo-b.lo) >= step(x.lo)/2-1e-9 || math.Abs(a.hi-b.hi) >= step(x.lo)/2-1e-9
	case qScore:
		return a.lo != b.lo || a.hi != b.hi
	}
	return math.Abs(math.Log(a.lo/b.lo)) >= 0.14 || math.Abs(math.Log(a.hi/b.hi)) >= 0.14
}

// overlaps reports whether two ranges overlap (distractor ranges must not:
// "10 to 12" is no clear alternative to "9 to 11").
func overlaps(a, b qvalue) bool { return a.lo <= b.hi && b.lo <= a.hi }

package redflag

import (
	"errors"
	"strconv"
	"strings"
)

// Presentation is a concept ID that every rule may use in [Need.Any]
// without defining it: it is present when the text describes a real person
// ("my patient", "he has", "72-year-old", "I've got", "bed 4"). The default
// rules use it so that naming a condition ("she is having a stroke") fires
// only when someone is described.
const Presentation = "presentation"

// A Rule raises a [Flag] when its concepts occur together in a text.
type Rule struct {
	ID     string // stable identifier, e.g. "sepsis"
	Name   string // short name, e.g. "Possible sepsis"
	Notice string // what to do, shown first in an answer

	// Concepts are the findings the rule looks for.
	Concepts []Concept
	// When lists alternative conditions: the rule fires when any one of
	// them holds. A condition holds when each of its needs is met by
	// findings (not negated) lying within Window words of each other.
	When [][]Need
	// Window is the most words between the first and the last finding of a
	// condition. Zero means DefaultWindow.
	Window int
}

// DefaultWindow is the window of a [Rule] whose Window is zero: about two
// or three sentences of a question.
const DefaultWindow = 40

// A Need is met when at least Min distinct concepts of Any are found.
type Need struct {
	Any []string // concept IDs of the rule, or Presentation
	Min int      // zero means 1
}

// A Concept is one clinical finding, in its lay and clinical wordings.
type Concept struct {
	ID string
	// Phrases are patterns in the syntax described in the package
	// documentation, e.g. "short of breath", "sweat*", "swollen lips|tongue".
	Phrases []string
	// Except lists patterns that cancel a match of Phrases starting at the
	// same word: with Phrases "not responding" and Except "not responding
	// to", "not responding to antibiotics" is not a finding.
	Except []string
	// Measures are readings that count as the finding ("RR 28").
	Measures []Measure
}

// A Measure is a reading compared with a threshold: a name followed by a
// number ("RR 28", "resp rate of 28", "BP: 90/60") or a number followed by
// a unit ("28 breaths").
type Measure struct {
	Names  []string // patterns naming the reading before its number
	Units  []string // patterns naming the reading after its number
	Second bool     // use the number after a '/', as the diastolic in 140/90
	Cmp    Cmp
	Value  float64
	// Min and Max bound plausible values; a reading outside them is ignored
	// (a "temp 385" typo, or "HR 2" meaning two hours). Both zero: no bounds.
	Min, Max float64
}

// Cmp compares a reading with a [Measure]'s Value.
type Cmp uint8

// Comparisons.
const (
	AtLeast Cmp = iota + 1 // reading >= Value
	AtMost                 // reading <= Value
	Above                  // reading > Value
	Below                  // reading < Value
)

func (c Cmp) holds(v, threshold float64) bool {
	switch c {
	case AtLeast:
		return v >= threshold
	case AtMost:
		return v <= threshold
	case Above:
		return v > threshold
	case Below:
		return v < threshold
	}
	return false
}

// A Flag is a rule that fired.
type Flag struct {
	ID, Name, Notice string
	// Evidence locates the findings that made the rule fire, in text order.
	Evidence []Evidence
}

// Evidence is one finding: a concept and its byte offsets in the text.
type Evidence struct {
	Concept    string
	Start, End int
}

// Preamble returns the notices of flags, one per line, each starting
// "Red flag: ", followed by a blank line: the text to put first in an
// answer. It returns "" when there are no flags.
func Preamble(flags []Flag) string {
	if len(flags) == 0 {
		return ""
	}
	var b strings.Builder
	for _, f := range flags {
		b.WriteString("Red flag: ")
		b.WriteString(f.Notice)
		b.WriteString("\n")
	}
	b.WriteString("\n")
	return b.String()
}

var _ error = (*RuleError)(nil)

// ErrInvalidRule is wrapped by the errors [New] returns for a bad rule.
var ErrInvalidRule = errors.New("invalid rule")

// A RuleError reports what is wrong with one rule.
type RuleError struct {
	Rule    string // the rule's ID, or its index if it has none
	Problem string
}

func (e *RuleError) Error() string {
	return "redflag: rule " + strconv.Quote(e.Rule) + ": " + e.Problem
}

// Unwrap returns ErrInvalidRule.
func (e *RuleError) Unwrap() error { return ErrInvalidRule }

// Options configure a [Detector]. The zero value gives the default rules
// and question framing.
type Options struct {
	// Rules replaces the rule set. Nil means DefaultRules(); to add rules,
	// append to DefaultRules(). An empty non-nil slice is an error.
	Rules []Rule
	// AnyFraming makes rules fire whatever the framing of the text. By
	// default, text framed as an educational question ("what are the red
	// flags for sepsis?", "how do I recognise a stroke?") raises no flags
	// unless it also describes a real person. Set AnyFraming to check
	// guidance passages or other text that is not a learner's question.
	AnyFraming bool
}

// A Detector finds red flags in text. The zero value, and a nil *Detector,
// use the default rules and question framing. A Detector is safe for
// concurrent use.
type Detector struct {
	set        *ruleSet
	anyFraming bool
}

// New returns a Detector for opts, or an error wrapping [ErrInvalidRule] if
// a rule is malformed: an empty or duplicate ID, no notice, no conditions, a
// need naming an unknown concept or asking for more concepts than it lists,
// a concept with nothing to match, a bad pattern, or a measure without a
// comparison.
func New(opts Options) (*Detector, error) {
	d := &Detector{anyFraming: opts.AnyFraming}
	if opts.Rules == nil {
		d.set = defaultSet()
		return d, nil
	}
	set, err := compile(opts.Rules)
	if err != nil {
		return nil, err
	}
	d.set = set
	return d, nil
}

// Detect returns the flags raised by text, in rule order, at most one per
// rule. It never panics and its cost grows linearly with the length of
// text.
func (d *Detector) Detect(text string) []Flag {
	set, anyFraming := defaultSet(), false
	if d != nil {
		anyFraming = d.anyFraming
		if d.set != nil {
			set = d.set
		}
	}
	return set.detect(text, anyFraming)
}

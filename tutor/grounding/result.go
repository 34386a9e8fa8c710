package grounding

import "strconv"

// A Verdict is the outcome of checking one claim.
type Verdict uint8

// The verdicts. The zero Verdict is Unsupported, so that a zero [Result]
// never passes as supported.
const (
	Unsupported Verdict = iota // the cited passages do not support the claim; see Result.Problems
	Supported                  // one window of one cited passage supports the claim
	NotAClaim                  // connective filler with nothing to check ("In summary:")
)

var verdictNames = [...]string{Unsupported: "unsupported", Supported: "supported", NotAClaim: "not-a-claim"}

// String returns "unsupported", "supported" or "not-a-claim".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "Verdict(" + strconv.Itoa(int(v)) + ")"
}

// MarshalText encodes the verdict as its name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// A ProblemKind is a machine-readable reason why a claim is unsupported.
type ProblemKind uint8

// The kinds of problem.
const (
	// NoCitation: the claim cites no passage (or only indexes out of range).
	NoCitation ProblemKind = iota + 1
	// NoOverlap: no content word of the claim appears in any cited passage.
	NoOverlap
	// MissingContent: the best window covers less than the threshold of
	// the claim's content words; Detail lists the words not found.
	MissingContent
	// MissingName: a drug name, acronym or code in the claim does not
	// appear in the best window (a swapped drug is always reported, even
	// when the rest of the claim is covered).
	MissingName
	// NumberMismatch: a number in the claim does not appear in the window.
	NumberMismatch
	// UnitMismatch: the number appears, but with a different unit (500 g
	// where the passage says 500 mg). Equal amounts in different units
	// (0.5 g and 500 mg) match.
	UnitMismatch
	// FrequencyMismatch: a frequency or interval in the claim ("twice
	// daily", "every 4 hours", "as needed") is not in the window, or a
	// timing is bounded the other way ("within 1 hour" where the passage
	// says "after 1 hour").
	FrequencyMismatch
	// ComparisonMismatch: a limit that is not a time is bounded the other
	// way ("below 92%" where the passage says "above 92%").
	ComparisonMismatch
	// NegationMismatch: the claim negates what the window affirms, or
	// affirms what it negates ("do not give X" against "give X").
	NegationMismatch
	// TooLong: the claim is longer than MaxClaimBytes and was not checked;
	// split it into sentences.
	TooLong
)

var kindNames = [...]string{
	NoCitation: "NoCitation", NoOverlap: "NoOverlap", MissingContent: "MissingContent",
	MissingName: "MissingName", NumberMismatch: "NumberMismatch", UnitMismatch: "UnitMismatch",
	FrequencyMismatch: "FrequencyMismatch", ComparisonMismatch: "ComparisonMismatch",
	NegationMismatch: "NegationMismatch", TooLong: "TooLong",
}

// String returns the kind's name, such as "NumberMismatch".
func (k ProblemKind) String() string {
	if k >= 1 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "ProblemKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its name.
func (k ProblemKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// A Problem is one reason why a claim is unsupported.
type Problem struct {
	Kind   ProblemKind
	Detail string // for people: what was expected and what was found
	// Start and End are byte offsets in the claim of the words concerned;
	// both are 0 when the problem concerns the whole claim.
	Start, End int
}

// String returns "Kind: Detail".
func (p Problem) String() string { return p.Kind.String() + ": " + p.Detail }

// A Span is one sentence of a cited passage: Text == passages[Passage][Start:End].
type Span struct {
	Passage    int // index of the passage, as given to Check or CheckAnswer
	Start, End int // byte offsets in that passage
	Text       string
}

// A Result is the outcome of checking one claim.
type Result struct {
	Verdict Verdict
	// Score in [0, 1] ranks how well the best window supports the claim:
	// Coverage, multiplied by 1/4 for each kind of problem other than
	// MissingContent and NoOverlap. It is 0 for NotAClaim and NoCitation.
	Score float64
	// Coverage in [0, 1] is the weighted fraction of the claim's content
	// words found in the best window (1 when the claim has only numbers
	// and frequencies to check).
	Coverage float64
	// Evidence holds the sentences of the best window, in order, even when
	// the claim is unsupported (so that a reviewer can see the nearest
	// text). It is empty when no window shares anything with the claim.
	Evidence []Span
	// Problems holds every reason the claim is unsupported; it is empty
	// if and only if Verdict is Supported or NotAClaim.
	Problems []Problem
}

// Supported reports whether r.Verdict is Supported.
func (r Result) Supported() bool { return r.Verdict == Supported }

// Has reports whether r has a problem of kind k.
func (r Result) Has(k ProblemKind) bool {
	for _, p := range r.Problems {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// Kinds returns the distinct kinds of r's problems in the order of the
// ProblemKind constants.
func (r Result) Kinds() []ProblemKind {
	var out []ProblemKind
	for k := NoCitation; k <= TooLong; k++ {
		if r.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

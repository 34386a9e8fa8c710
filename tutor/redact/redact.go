package redact

import (
	"encoding"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
)

var (
	_ slog.LogValuer         = Finding{}
	_ slog.LogValuer         = Result{}
	_ fmt.Stringer           = Finding{}
	_ encoding.TextMarshaler = Kind(0)
)

// A Kind is a kind of personal data.
type Kind uint8

// The kinds of personal data a [Redactor] finds, in order of precedence: when
// two findings overlap, the longer wins and a tie goes to the earlier kind.
const (
	NHSNumber   Kind = iota + 1 // NHS, CHI or H&C number: [NHS_NUMBER]
	NINumber                    // National Insurance number: [NI_NUMBER]
	Email                       // e-mail address: [EMAIL]
	Phone                       // UK telephone number: [PHONE]
	Postcode                    // UK postcode: [POSTCODE]
	DateOfBirth                 // a date given as a date of birth: [DOB]
	Name                        // a person's name after a title or cue word: [NAME]
)

var kindNames = [...]string{
	NHSNumber:   "NHS_NUMBER",
	NINumber:    "NI_NUMBER",
	Email:       "EMAIL",
	Phone:       "PHONE",
	Postcode:    "POSTCODE",
	DateOfBirth: "DOB",
	Name:        "NAME",
}

// Kinds returns every kind, in order of precedence.
func Kinds() []Kind {
	return []Kind{NHSNumber, NINumber, Email, Phone, Postcode, DateOfBirth, Name}
}

// String returns the kind's name as used in its replacement token, such as
// "NHS_NUMBER".
func (k Kind) String() string {
	if k >= 1 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Token returns the text that replaces personal data of this kind, such as
// "[NHS_NUMBER]".
func (k Kind) Token() string { return "[" + k.String() + "]" }

// MarshalText encodes the kind as its name, so that JSON logs read "NAME"
// rather than a number.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// A Finding locates one piece of personal data in the text given to
// [Redactor.Redact]. It holds offsets only, never the data itself, so it is
// safe to print and to log.
type Finding struct {
	Kind       Kind
	Start, End int // byte offsets of the data in the input text
}

// String formats the finding as KIND[start:end], for example "NHS_NUMBER[12:24]".
func (f Finding) String() string {
	return f.Kind.String() + "[" + strconv.Itoa(f.Start) + ":" + strconv.Itoa(f.End) + "]"
}

// LogValue implements [slog.LogValuer]: a group of kind, start and end.
func (f Finding) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", f.Kind.String()),
		slog.Int("start", f.Start),
		slog.Int("end", f.End),
	)
}

// Result is the outcome of [Redactor.Redact].
type Result struct {
	// Text is the input with each finding replaced by its kind's token.
	Text string
	// Findings lists what was replaced, in input order, without overlaps.
	Findings []Finding
}

// LogValue implements [slog.LogValuer]. Text is already redacted, so it is
// logged together with the number of findings.
func (r Result) LogValue() slog.Value {
	return slog.GroupValue(slog.String("text", r.Text), slog.Int("findings", len(r.Findings)))
}

// A Redactor replaces UK personal data in free text with tokens such as
// [NHS_NUMBER]. Its zero value is ready to use and a nil *Redactor behaves as
// the zero value. A Redactor is safe for concurrent use as long as its fields
// are not changed.
//
// Every kind is always detected: there is deliberately no switch to turn a
// kind off.
type Redactor struct {
	// StopWords lists extra capitalised words (compared case-insensitively)
	// that are never taken as a name after a cue word or title, such as local
	// service or drug names that would otherwise read as names ("patient
	// Flexiseal"). The built-in list of clinical words always applies.
	// Default: none.
	StopWords []string
}

// Redact finds personal data in s and replaces each finding with its kind's
// token. It never panics, runs in time linear in len(s), and is idempotent:
// redacting the result's Text again finds nothing. Input that is not valid
// UTF-8 is scanned as it is; replacements never split a valid UTF-8 sequence.
func (r *Redactor) Redact(s string) Result {
	sc := scanner{s: s}
	if r != nil {
		sc.stop = r.StopWords
	}
	sc.findNHS()
	sc.findNI()
	sc.findEmail()
	sc.findPhone()
	sc.findPostcode()
	sc.findDOB()
	sc.findNames()
	if len(sc.found) == 0 {
		return Result{Text: s}
	}
	findings := merge(sc.found)
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for _, f := range findings {
		b.WriteString(s[at:f.Start])
		b.WriteByte('[')
		b.WriteString(f.Kind.String())
		b.WriteByte(']')
		at = f.End
	}
	b.WriteString(s[at:])
	return Result{Text: b.String(), Findings: findings}
}

// String returns s with personal data replaced: shorthand for Redact(s).Text.
func (r *Redactor) String(s string) string { return r.Redact(s).Text }

// ReplaceAttr redacts string values; it has the signature of
// [slog.HandlerOptions].ReplaceAttr so that a handler can redact every
// string it writes, including the message:
//
//	h := slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: red.ReplaceAttr})
//
// Values of other kinds (numbers, times, errors, structs logged with
// slog.Any) pass through unchanged; log those through a [slog.LogValuer].
func (r *Redactor) ReplaceAttr(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindString {
		if res := r.Redact(a.Value.String()); len(res.Findings) > 0 {
			a.Value = slog.StringValue(res.Text)
		}
	}
	return a
}

// Attr returns a string attribute holding s redacted.
func (r *Redactor) Attr(key, s string) slog.Attr { return slog.String(key, r.Redact(s).Text) }

// merge sorts candidate findings and joins any that overlap into one, whose
// kind is that of the longest candidate (ties: the kind of higher precedence).
// Joining, rather than dropping the loser, leaves no fragment of personal
// data behind, which also keeps Redact idempotent.
func merge(found []Finding) []Finding {
	slices.SortFunc(found, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := found[:0]
	bestLen := 0
	for _, f := range found {
		n := len(out)
		if n > 0 && f.Start < out[n-1].End {
			last := &out[n-1]
			if l := f.End - f.Start; l > bestLen || (l == bestLen && f.Kind < last.Kind) {
				last.Kind, bestLen = f.Kind, l
			}
			last.End = max(last.End, f.End)
			continue
		}
		out = append(out, f)
		bestLen = f.End - f.Start
	}
	return out
}

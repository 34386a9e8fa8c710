package format

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrUnknownFormat is wrapped by errors for a format name or file extension
// that is not one of [Formats].
var ErrUnknownFormat = errors.New("unknown format")

// ErrEncodeOnly is wrapped by the error [Decode] returns for a format it
// only writes (the QTI packages).
var ErrEncodeOnly = errors.New("format is written only, not read")

// A SyntaxError reports malformed input: where it is and what is wrong.
// Its message names the format, the line (from 1) and, for XML, the element:
//
//	gift: line 12: answer block "{" is not closed by "}"
//	moodle: line 40: <question type="multichoice"> <answer> 3: fraction "x" is not a number
type SyntaxError struct {
	Format  Format
	Line    int    // 1-based; 0 if not known
	Element string // XML element path such as `<question type="truefalse"> <answer>`; "" for text formats
	Msg     string
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Format))
	if e.Line > 0 {
		b.WriteString(": line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Element != "" {
		b.WriteString(": ")
		b.WriteString(e.Element)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// An UnsupportedError lists the items a format cannot carry (encoding) or
// the questions Bedside cannot model (decoding). Nothing was written or
// returned; set SkipUnsupported in the options to go on without them.
type UnsupportedError struct {
	Format  Format
	Op      string // "encode" or "decode"
	Skipped []Skip
}

func (e *UnsupportedError) Error() string {
	var b strings.Builder
	n := len(e.Skipped)
	noun := "items"
	if n == 1 {
		noun = "item"
	}
	if e.Op == "decode" {
		noun = "questions"
		if n == 1 {
			noun = "question"
		}
		fmt.Fprintf(&b, "format: %s: %d %s Bedside cannot read", e.Format, n, noun)
	} else {
		fmt.Fprintf(&b, "format: %s cannot carry %d %s", e.Format, n, noun)
	}
	for i, s := range e.Skipped {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if i == 5 {
			fmt.Fprintf(&b, "and %d more", n-5)
			break
		}
		b.WriteString(s.String())
	}
	return b.String()
}

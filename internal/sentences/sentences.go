// Package sentences splits text into sentences, keeping each sentence's byte
// offsets so that callers can quote exact spans of the original text.
//
// The splitter is rule based and tuned for clinical prose: it does not break
// after decimal numbers (2.5 mg), common abbreviations (e.g., i.e., approx.,
// Dr., mg.), single initials or list markers, and it treats line breaks that
// begin list items or blank lines as boundaries.
package sentences

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Span is one sentence: Text == source[Start:End], trimmed of surrounding
// white space and list markers.
type Span struct {
	Start, End int
	Text       string
}

// abbreviations that end with a period but rarely end a sentence. Lower case,
// without the final period.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "eg": true, "ie": true, "etc": false, "vs": true, "approx": true,
	"dr": true, "mr": true, "mrs": true, "ms": true, "prof": true, "st": true, "no": true,
	"fig": true, "ref": true, "incl": true, "max": true, "min": true, "mg": true, "mcg": true,
	"ml": true, "kg": true, "hr": true, "hrs": true, "wk": true, "wks": true, "yr": true,
	"yrs": true, "al": true, "cf": true, "ca": true, "dept": true, "inc": true, "ltd": true,
	"co": true, "jr": true, "sr": true, "mt": true, "op": true, "cit": true, "resp": true,
	"b.d": true, "t.d.s": true, "q.d.s": true, "o.d": true, "p.r.n": true, "i.v": true,
	"i.m": true, "s.c": true, "p.o": true, "b.i.d": true, "t.i.d": true, "q.i.d": true,
}

// Split returns the sentences of s in order. Empty input gives no spans.
func Split(s string) []Span {
	var spans []Span
	start := 0
	emit := func(end int) {
		a, b := trim(s, start, end)
		if a < b {
			spans = append(spans, Span{Start: a, End: b, Text: s[a:b]})
		}
		start = end
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
			// A blank line, or a line that starts a list item or heading, ends the sentence.
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r') {
				j++
			}
			if j >= len(s) || s[j] == '\n' || startsItem(s[j:]) {
				emit(i)
			}
		case r == '.' || r == '!' || r == '?' || r == '…':
			end := i + size
			// Absorb runs of terminators and closing quotes or brackets.
			for end < len(s) {
				c := s[end]
				if c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == ')' || c == ']' {
					end++
					continue
				}
				if strings.HasPrefix(s[end:], "”") || strings.HasPrefix(s[end:], "’") {
					end += len("”")
					continue
				}
				break
			}
			if end >= len(s) {
				break
			}
			next, _ := utf8.DecodeRuneInString(s[end:])
			if !unicode.IsSpace(next) {
				i = end
				continue // 2.5, e.g.x, URLs
			}
			if r == '.' && !endsSentence(s, start, i, end) {
				i = end
				continue
			}
			emit(end)
			i = end
			continue
		}
		i += size
	}
	emit(len(s))
	return spans
}

// endsSentence decides whether the period at s[dot] (with terminators running
// to end) ends a sentence.
func endsSentence(s string, start, dot, end int) bool {
	// The word before the period.
	w := dot
	for w > start {
		r, size := utf8.DecodeLastRuneInString(s[:w])
		if unicode.IsSpace(r) || r == '(' || r == '"' {
			break
		}
		w -= size
	}
	word := strings.ToLower(s[w:dot])
	if abbreviations[word] {
		return false
	}
	// A number alone at the start of a line is a list label ("1. Assess").
	if word != "" && strings.Trim(word, "0123456789") == "" {
		ls := strings.LastIndexByte(s[:w], '\n') + 1
		if strings.TrimSpace(s[max(ls, start):w]) == "" {
			return false
		}
	}
	// A single letter is an initial ("J. Smith") unless it is a list label.
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		if unicode.IsLetter(r) {
			return false
		}
	}
	// The next word: a lower-case start means the sentence goes on.
	j := end
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) {
		r, _ := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// startsItem reports whether a line starting at s begins a list item or a heading.
func startsItem(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-', '*', '+', '#', '|', '>':
		return true
	}
	if strings.HasPrefix(s, "•") {
		return true
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') && i+1 < len(s) && s[i+1] == ' '
}

// trim narrows [a, b) past white space and a leading list marker.
func trim(s string, a, b int) (int, int) {
	for a < b {
		r, size := utf8.DecodeRuneInString(s[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		a += size
	}
	for b > a {
		r, size := utf8.DecodeLastRuneInString(s[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= size
	}
	// Leading list markers: "- ", "* ", "• ", "1. ", "12) ", "> ".
	if a < b {
		rest := s[a:b]
		m := 0
		switch {
		case strings.HasPrefix(rest, "- "), strings.HasPrefix(rest, "* "), strings.HasPrefix(rest, "+ "), strings.HasPrefix(rest, "> "):
			m = 2
		case strings.HasPrefix(rest, "• "):
			m = len("• ")
		default:
			i := 0
			for i < len(rest) && i < 3 && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			if i > 0 && i+1 < len(rest) && (rest[i] == '.' || rest[i] == ')') && rest[i+1] == ' ' {
				m = i + 2
			}
		}
		if m > 0 {
			a += m
			for a < b && (s[a] == ' ' || s[a] == '\t') {
				a++
			}
		}
	}
	return a, b
}

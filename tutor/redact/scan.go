package redact

import (
	"unicode"
	"unicode/utf8"
)

// A scanner collects candidate findings in one string. Each find method makes
// one pass over the string and looks ahead at most a small constant number of
// bytes (or words of bounded length) from any position, so that Redact as a
// whole runs in linear time.
type scanner struct {
	s     string
	stop  []string // Redactor.StopWords
	found []Finding
}

func (sc *scanner) add(k Kind, start, end int) {
	sc.found = append(sc.found, Finding{Kind: k, Start: start, End: end})
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func toUpper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 0x20
	}
	return c
}

// wordRune reports whether r belongs to a word for boundary purposes.
func wordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || isAlnum(byte(r))
	}
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// before returns the rune that ends at s[i], or -1 at the start of s.
func before(s string, i int) rune {
	if i <= 0 {
		return -1
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// after returns the rune that starts at s[i], or -1 at the end of s.
func after(s string, i int) rune {
	if i >= len(s) {
		return -1
	}
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

// leftOK reports whether a finding may start at i: the text before it does
// not continue a word. A ']' counts as part of a word because it ends a
// replacement token; every finding ends in a letter or digit, so after
// redaction its neighbour sees ']' where it used to see a word character, and
// decides the same way. That keeps Redact idempotent.
func leftOK(s string, i int) bool {
	r := before(s, i)
	return r < 0 || !(wordRune(r) || r == ']')
}

// rightOK reports whether a finding may end at j. A '[' counts as part of a
// word, for the same reason that leftOK treats ']' as one.
func rightOK(s string, j int) bool {
	r := after(s, j)
	return r < 0 || !(wordRune(r) || r == '[')
}

// numLeftOK is leftOK for a number: it also refuses a number that continues
// a decimal, a date, a time or a ratio ("3.9", "12/03", "14:30", "120/80").
func numLeftOK(s string, i int) bool {
	if !leftOK(s, i) {
		return false
	}
	if i >= 2 && isNumPunct(s[i-1]) && (isDigit(s[i-2]) || s[i-2] == ']') {
		return false
	}
	return true
}

// numRightOK is rightOK for a number, refusing "…0018.5" or "…0018/2" (and
// "…0018:[", where a redaction may have replaced a digit).
func numRightOK(s string, j int) bool {
	if !rightOK(s, j) {
		return false
	}
	if j+1 < len(s) && isNumPunct(s[j]) && (isDigit(s[j+1]) || s[j+1] == '[') {
		return false
	}
	return true
}

func isNumPunct(c byte) bool { return c == '.' || c == ',' || c == '/' || c == ':' }

// isToken reports whether s[i:j] is the inside of a replacement token such as
// "[DOB]", so that a token's word is never taken as a cue or a name.
func isToken(s string, i, j int) bool {
	return i > 0 && s[i-1] == '[' && j < len(s) && s[j] == ']'
}

// digitsAt returns the end of the run of ASCII digits that starts at i.
func digitsAt(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// digitsUpTo is digitsAt but reads at most n digits, so that a parser with a
// fixed limit does constant work on a long run of digits.
func digitsUpTo(s string, i, n int) int {
	end := min(len(s), i+n)
	for i < end && isDigit(s[i]) {
		i++
	}
	return i
}

// hasFold reports whether s[i:] starts with the ASCII lower-case word w,
// ignoring case.
func hasFold(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		c := s[i+k]
		if 'A' <= c && c <= 'Z' {
			c += 0x20
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// cueAt reports whether one of the cue phrases (lower-case ASCII, single
// spaces) starts at i as whole words, and returns the end of the longest.
// Spaces in a cue match one space, tab or hyphen in s.
func cueAt(s string, i int, cues []string) (int, bool) {
	if !leftOK(s, i) {
		return 0, false
	}
	best, ok := 0, false
	for _, c := range cues {
		j, matched := phraseAt(s, i, c)
		if matched && rightOK(s, j) && !isToken(s, i, j) && j > best {
			best, ok = j, true
		}
	}
	return best, ok
}

func phraseAt(s string, i int, p string) (int, bool) {
	if len(s)-i < len(p) {
		return 0, false
	}
	for k := 0; k < len(p); k++ {
		c := s[i+k]
		if p[k] == ' ' {
			if c != ' ' && c != '\t' && c != '-' {
				return 0, false
			}
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 0x20
		}
		if c != p[k] {
			return 0, false
		}
	}
	return i + len(p), true
}

// skipFillers skips, from j, white space, the punctuation in punct and the
// whole filler words in words (lower-case), taking at most maxBytes bytes. It
// returns the position of the first thing that is none of these.
func skipFillers(s string, j int, punct string, words []string, maxBytes int) int {
	limit := min(len(s), j+maxBytes)
	for j < limit {
		c := s[j]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			j++
			continue
		}
		if containsByte(punct, c) {
			j++
			continue
		}
		moved := false
		for _, w := range words {
			if hasFold(s, j, w) && rightOK(s, j+len(w)) && !isToken(s, j, j+len(w)) {
				j += len(w)
				moved = true
				break
			}
		}
		if !moved {
			break
		}
	}
	return j
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

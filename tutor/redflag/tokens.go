package redflag

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// gap classifies the punctuation between a token and the one before it.
type gap uint8

const (
	gapSpace    gap = iota // white space only, or nothing
	gapSoft                // hyphen, apostrophe, brackets, %, °, ':' …
	gapSlash               // '/', as in 140/90 or c/o
	gapComma               // ','
	gapClause              // ';' or a dash between spaces
	gapSentence            // '.', '!', '?', a line break
)

// A token is a word or a number of the text.
type token struct {
	text       string // lower case; "’" folded to "'"
	start, end int    // byte offsets in the text
	gap        gap    // what separates it from the previous token
	num        float64
	isNum      bool
}

// tokenize splits s into lower-case words (letters and digits starting with a
// letter, with inner apostrophes: "spo2", "can't") and numbers ("7.1", "90").
// Hyphens split words, so "non-blanching" is "non", "blanching".
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/5+1)
	g := gapSpace
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j+1 < len(s) && s[j] == '.' && s[j+1] >= '0' && s[j+1] <= '9' {
				j++
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			toks = append(toks, token{text: s[i:j], start: i, end: j, gap: g, num: v, isNum: err == nil})
			g = gapSpace
			i = j
			continue
		case c < utf8.RuneSelf && !isASCIILetter(c):
			g = max(g, punctGap(s, i))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			if r == '’' || r == '‘' {
				g = max(g, gapSoft)
			} else if r == '–' || r == '—' {
				g = max(g, gapClause)
			} else if r == '…' {
				g = max(g, gapSentence)
			} else if !unicode.IsSpace(r) {
				g = max(g, gapSoft)
			}
			i += size
			continue
		}
		j := wordEnd(s, i)
		toks = append(toks, token{text: fold(s[i:j]), start: i, end: j, gap: g})
		g = gapSpace
		i = j
	}
	return toks
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// punctGap classifies the ASCII byte s[i].
func punctGap(s string, i int) gap {
	switch s[i] {
	case ' ', '\t', '\r':
		return gapSpace
	case '\n':
		return gapSentence
	case '.', '!', '?':
		return gapSentence
	case ';':
		return gapClause
	case ',':
		return gapComma
	case '/':
		return gapSlash
	case '-':
		// A dash between spaces separates clauses; a hyphen joins words.
		if i > 0 && i+1 < len(s) && s[i-1] == ' ' && s[i+1] == ' ' {
			return gapClause
		}
		return gapSoft
	}
	return gapSoft
}

// wordEnd returns the end of the word starting at i: letters, marks and
// digits, with inner apostrophes.
func wordEnd(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			i += size
			continue
		}
		if r == '\'' || r == '’' {
			if n, _ := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(n) {
				i += size
				continue
			}
		}
		break
	}
	return i
}

// fold lower-cases a word and folds the typographic apostrophe.
func fold(w string) string {
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ReplaceAll(strings.ToLower(w), "’", "'")
		}
	}
	return w
}

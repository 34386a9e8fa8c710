package clinical

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Kind is the kind of a [Token].
type Kind uint8

// The kinds of token.
const (
	Word   Kind = iota + 1 // letters, possibly with digits and inner apostrophes: "SpO2", "don't"
	Number                 // digits with optional thousands groups and decimals: "1,000", "0.5", ".5"
	Symbol                 // any other single rune that is not white space: "%", "/", "–"
)

// A Token is one lexical unit of the source text.
type Token struct {
	Kind       Kind
	Text       string  // the source text, s[Start:End]
	Lower      string  // lower-case text; letters only for dotted abbreviations ("b.d." → "bd")
	Start, End int     // byte offsets in the source
	Value      float64 // the value of a Number
	Space      bool    // white space (or the start of the text) precedes the token
}

// Lex splits s into tokens. White space separates tokens and is dropped.
// Digits followed directly by letters give two tokens ("500mg" → "500",
// "mg"); letters followed by digits stay one word ("SpO2").
func Lex(s string) []Token {
	var toks []Token
	sc := scanner{s: s, space: true}
	var t Token
	for sc.next(&t) {
		if t.Kind == Word && t.Lower == "" {
			t.Lower = strings.ToLower(t.Text)
		}
		toks = append(toks, t)
	}
	return toks
}

// scanner reads tokens one at a time without allocating a slice.
type scanner struct {
	s     string
	i     int
	space bool
}

func (sc *scanner) next(t *Token) bool {
	s := sc.s
	for sc.i < len(s) {
		i := sc.i
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf && (r == ' ' || r == '\t' || r == '\n' || r == '\r') || r >= utf8.RuneSelf && unicode.IsSpace(r) {
			sc.space = true
			sc.i += size
			continue
		}
		space := sc.space
		sc.space = false
		switch {
		case isDigit(r) || (r == '.' && i+1 < len(s) && isDigit(rune(s[i+1])) && !prevAlnum(s, i)):
			j, v := scanNumber(s, i)
			*t = Token{Kind: Number, Text: s[i:j], Lower: s[i:j], Start: i, End: j, Value: v, Space: space}
			sc.i = j
		case unicode.IsLetter(r):
			j, dotted := scanWord(s, i)
			// Lower is left to the caller unless the word is a dotted abbreviation.
			*t = Token{Kind: Word, Text: s[i:j], Lower: dotted, Start: i, End: j, Space: space}
			sc.i = j
		default:
			*t = Token{Kind: Symbol, Text: s[i : i+size], Lower: s[i : i+size], Start: i, End: i + size, Space: space}
			sc.i += size
		}
		return true
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func prevAlnum(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// scanNumber reads a number starting at s[i] and returns its end and value.
func scanNumber(s string, i int) (int, float64) {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	grouped := false
	// Thousands groups: "1,000", "10,000,000"; only after 1–3 leading digits.
	if j-i >= 1 && j-i <= 3 {
		for j < len(s) && s[j] == ',' && allDigits(s, j+1, j+4) && (j+4 == len(s) || !isDigit(rune(s[j+4]))) {
			j += 4
			grouped = true
		}
	}
	if j+1 < len(s) && s[j] == '.' && isDigit(rune(s[j+1])) {
		j++
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	text := s[i:j]
	if grouped {
		text = strings.ReplaceAll(text, ",", "")
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		v = 0
	}
	return j, v
}

func allDigits(s string, a, b int) bool {
	if b > len(s) {
		return false
	}
	for k := a; k < b; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return true
}

// scanWord reads a word starting at the letter s[i]. Dotted abbreviations of
// single letters ("b.d.", "i.v.", "e.g.") become one word, and their lower
// form, the letters only, is returned as dotted.
func scanWord(s string, i int) (end int, dotted string) {
	j := i
	for j < len(s) {
		if c := s[j]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				j++
				continue
			}
			if c != '\'' {
				break
			}
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			j += size
			continue
		}
		if (r == '\'' || r == '’') && j+size < len(s) {
			next, _ := utf8.DecodeRuneInString(s[j+size:])
			if unicode.IsLetter(next) {
				j += size
				continue
			}
		}
		break
	}
	if n := utf8.RuneCountInString(s[i:j]); n == 1 && j < len(s) && s[j] == '.' {
		if k, letters := scanDotted(s, i); k > j {
			return k, letters
		}
	}
	return j, ""
}

// scanDotted reads "x.y." style abbreviations: single letters each followed
// by a period, at least two letters. It returns the end and the letters.
func scanDotted(s string, i int) (int, string) {
	var b strings.Builder
	j := i
	n := 0
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) {
			break
		}
		k := j + size
		if k < len(s) {
			next, _ := utf8.DecodeRuneInString(s[k:])
			if unicode.IsLetter(next) || unicode.IsDigit(next) {
				break // a longer word, not one letter
			}
		}
		b.WriteRune(unicode.ToLower(r))
		n++
		j = k
		if j < len(s) && s[j] == '.' {
			j++
			continue
		}
		break
	}
	if n < 2 {
		return i, ""
	}
	return j, b.String()
}

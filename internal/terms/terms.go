// Package terms is Bedside's text analysis for lexical search: it turns text
// into normalised, stemmed index terms and maps each term to a stable numeric
// ID. Every store uses it, so that BM25 ranks the same way everywhere.
//
// Analysis: Unicode letters and digits form tokens (a decimal number such as
// 2.5 stays one token); tokens are lower-cased and stripped of accents;
// English stop words and possessive 's are dropped; the rest are stemmed with
// the Snowball (Porter2) English stemmer.
package terms

import (
	"hash/fnv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// MaxID bounds term IDs: every ID is in [1, MaxID]. It suits pgvector's
// sparsevec, whose dimensions are limited to 10⁹.
const MaxID = 999_999_999

// ID returns the stable numeric ID of an analysed term.
func ID(term string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(term))
	return h.Sum32()%MaxID + 1
}

// A Token is one word of the source text.
type Token struct {
	Text       string // the word as it appears, e.g. "Diabetes"
	Term       string // its analysed form, e.g. "diabet"; empty for a stop word
	Start, End int    // byte offsets in the source text
}

// Tokens splits s into words and analyses each one. Stop words are kept with
// an empty Term so that callers can see the whole text.
func Tokens(s string) []Token {
	var out []Token
	scan(s, func(word string, start, end int) {
		out = append(out, Token{Text: word, Term: Term(word), Start: start, End: end})
	})
	return out
}

// Analyze returns the index terms of s in order, stop words removed.
func Analyze(s string) []string {
	var out []string
	scan(s, func(word string, _, _ int) {
		if t := Term(word); t != "" {
			out = append(out, t)
		}
	})
	return out
}

// Counts returns each index term of s with its frequency, and the total
// number of index terms (the document length for BM25).
func Counts(s string) (tf map[string]int, length int) {
	tf = make(map[string]int)
	scan(s, func(word string, _, _ int) {
		if t := Term(word); t != "" {
			tf[t]++
			length++
		}
	})
	return tf, length
}

// Term returns the analysed form of one word, or "" if it is a stop word.
func Term(word string) string {
	w := fold(word)
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimSuffix(w, "’s")
	if w == "" || stopWords[w] {
		return ""
	}
	if c, ok := stemCache.Load(w); ok {
		return c.(string)
	}
	var st string
	if isNumber(w) {
		st = w
	} else {
		st = english.Stem(w, true)
	}
	if cacheSize.Add(1) < maxCache {
		stemCache.Store(w, st)
	}
	return st
}

// Stem exposes the stemmer for callers that compare single words.
func Stem(word string) string { return english.Stem(fold(word), true) }

// IsStopWord reports whether word (in any case) is an English stop word.
func IsStopWord(word string) bool { return stopWords[fold(word)] }

var (
	stemCache sync.Map
	cacheSize counter
)

const maxCache = 1 << 20

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) Add(d int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += d
	return c.n
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if (w[i] < '0' || w[i] > '9') && w[i] != '.' {
			return false
		}
	}
	return true
}

// fold lower-cases w and removes accents.
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(w) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// scan calls f for each word of s: a run of letters and digits, with an
// apostrophe inside a word and a decimal point between digits kept.
func scan(s string, f func(word string, start, end int)) {
	start := -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		if !inWord && start >= 0 && i+size < len(s) {
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			switch {
			case r == '.' && unicode.IsDigit(prev) && unicode.IsDigit(next):
				inWord = true
			case (r == '\'' || r == '’') && unicode.IsLetter(prev) && unicode.IsLetter(next):
				inWord = true
			}
		}
		if inWord {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			f(s[start:i], start, i)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		f(s[start:], start, len(s))
	}
}

package redact

import "strings"

// National Insurance numbers, postcodes and e-mail addresses.

var niCues = []string{"national insurance", "nat ins", "nino", "ni"}

var niFillers = []string{"numbers", "number", "num", "no", "is", "was"}

// findNI finds National Insurance numbers: two prefix letters, six digits
// (optionally in pairs separated by single spaces) and a suffix letter A–D.
// The first prefix letter is not D, F, I, Q, U or V; the second is not D, F,
// I, O, Q, U or V; and BG, GB, NK, KN, TN, NT and ZZ are never allocated.
// Without a suffix the number is redacted only right after a cue such as
// "NI number:".
func (sc *scanner) findNI() {
	s := sc.s
	for i := 0; i+8 <= len(s); i++ {
		if !isLetter(s[i]) || !isLetter(s[i+1]) || !leftOK(s, i) {
			continue
		}
		if !niPrefixOK(toUpper(s[i]), toUpper(s[i+1])) {
			continue
		}
		j, ok := i+2, true
		for pair := 0; pair < 3 && ok; pair++ {
			if j < len(s) && s[j] == ' ' {
				j++
			}
			ok = j+2 <= len(s) && isDigit(s[j]) && isDigit(s[j+1])
			j += 2
		}
		if !ok || (j < len(s) && isDigit(s[j])) {
			continue
		}
		k := j
		if k < len(s) && s[k] == ' ' {
			k++
		}
		if k < len(s) && toUpper(s[k]) >= 'A' && toUpper(s[k]) <= 'D' && rightOK(s, k+1) {
			sc.add(NINumber, i, k+1)
			i = k
			continue
		}
		if numRightOK(s, j) && cueBefore(s, i, niCues, niFillers, ":#.=(-") {
			sc.add(NINumber, i, j)
			i = j - 1
		}
	}
}

func niPrefixOK(a, b byte) bool {
	switch a {
	case 'D', 'F', 'I', 'Q', 'U', 'V':
		return false
	}
	switch b {
	case 'D', 'F', 'I', 'O', 'Q', 'U', 'V':
		return false
	}
	switch string([]byte{a, b}) {
	case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
		return false
	}
	return true
}

// findPostcode finds UK postcodes in the official format — an outward code
// A9, A99, A9A, AA9, AA99 or AA9A, then an inward code 9AA — with one space
// or none, plus GIR 0AA. Letters must all be upper case or all lower case
// ("B12 2hr" is a dose of vitamin B12 and a time, not a postcode), and a
// lower-case inward code that reads as an ordinal ("2nd") is refused.
func (sc *scanner) findPostcode() {
	s := sc.s
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) || !leftOK(s, i) {
			continue
		}
		e := i
		for e < len(s) && e-i < 8 && isAlnum(s[e]) {
			e++
		}
		n := e - i
		switch {
		case n >= 5 && n <= 7 && rightOK(s, e):
			if postcodeOK(s[i:e-3], s[e-3:e]) {
				sc.add(Postcode, i, e)
				i = e - 1
			}
		case n >= 2 && n <= 4 && e+4 <= len(s) && s[e] == ' ':
			in := s[e+1 : e+4]
			if isAlnum(in[0]) && isAlnum(in[1]) && isAlnum(in[2]) && rightOK(s, e+4) && postcodeOK(s[i:e], in) {
				sc.add(Postcode, i, e+4)
				i = e + 3
			}
		}
	}
}

func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) }

// postcodeOK validates an outward and an inward code.
func postcodeOK(out, in string) bool {
	if len(in) != 3 || len(out) < 2 || len(out) > 4 {
		return false
	}
	upper, lower := 0, 0
	for _, part := range [...]string{out, in} {
		for k := 0; k < len(part); k++ {
			switch c := part[k]; {
			case 'A' <= c && c <= 'Z':
				upper++
			case 'a' <= c && c <= 'z':
				lower++
			}
		}
	}
	if upper > 0 && lower > 0 {
		return false
	}
	var o [4]byte
	for k := 0; k < len(out); k++ {
		o[k] = toUpper(out[k])
	}
	i0, i1, i2 := in[0], toUpper(in[1]), toUpper(in[2])
	if string(o[:len(out)]) == "GIR" {
		return i0 == '0' && i1 == 'A' && i2 == 'A'
	}
	if !isDigit(i0) || !inwardLetter(i1) || !inwardLetter(i2) {
		return false
	}
	if lower > 0 {
		switch string([]byte{i1, i2}) {
		case "ST", "ND", "RD", "TH":
			return false
		}
	}
	if !isUpper(o[0]) || o[0] == 'Q' || o[0] == 'V' || o[0] == 'X' {
		return false
	}
	area := string(o[:1])
	if len(out) > 1 && isUpper(o[1]) {
		area = string(o[:2])
	}
	if !postcodeAreas[area] {
		return false
	}
	d := isDigit
	switch len(out) {
	case 2: // A9
		return d(o[1])
	case 3: // A99, A9A, AA9
		switch {
		case d(o[1]) && d(o[2]):
			return true
		case d(o[1]) && isUpper(o[2]):
			return containsByte("ABCDEFGHJKPSTUW", o[2])
		case isUpper(o[1]) && d(o[2]):
			return !containsByte("IJZ", o[1])
		}
		return false
	default: // AA99, AA9A
		if !isUpper(o[1]) || containsByte("IJZ", o[1]) || !d(o[2]) {
			return false
		}
		return d(o[3]) || containsByte("ABEHMNPRVWXY", o[3])
	}
}

// postcodeAreas are the letters that begin every UK outward code (the
// postcode areas, with BF for BFPO and BX for non-geographic codes). Checking
// them keeps gene and lab names such as CD40LG or IL36RN, which fit the
// letter-digit pattern, from reading as postcodes.
var postcodeAreas = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range strings.Fields(`
		AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW
		DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP
		HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK
		ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK
		SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF
		WN WR WS WV YO ZE`) {
		m[a] = true
	}
	return m
}()

// inwardLetter reports whether c may be a letter of an inward code: any
// letter but C, I, K, M, O and V.
func inwardLetter(c byte) bool {
	return isUpper(c) && !containsByte("CIKMOV", c)
}

// E-mail addresses.

const (
	maxLocal  = 64
	maxDomain = 253
)

func localChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

func domainChar(c byte) bool { return isAlnum(c) || c == '-' || c == '.' }

// findEmail finds addresses local@domain.tld: a local part of up to 64
// letters, digits and . _ % + - ' that does not continue a word; a
// domain of at most 253 characters with at least two dot-separated labels,
// the last all letters. The domain is the longest valid one that the text
// allows, so "jo@example.org-…" is jo@example.org whatever follows the
// hyphen.
func (sc *scanner) findEmail() {
	s := sc.s
	for a := 0; a < len(s); a++ {
		if s[a] != '@' {
			continue
		}
		l := a
		for l > 0 && a-l < maxLocal && localChar(s[l-1]) {
			l--
		}
		// Too long, glued to a word, or no letter or digit: not an address.
		if l == a || (l > 0 && localChar(s[l-1])) || !leftOK(s, l) || !hasAlnum(s[l:a]) {
			continue
		}
		r := domainEnd(s, a+1)
		if r < 0 {
			continue
		}
		sc.add(Email, l, r)
		a = r - 1
	}
}

// domainEnd returns the end of the longest valid domain starting at i, or -1.
// A domain may end where a label ends: before a '.', a '-' or anything else
// that is not part of a domain.
func domainEnd(s string, i int) int {
	best := -1
	labels := 0     // complete, valid labels so far
	start := i      // of the current label
	letters := true // the current label is all letters so far
	for p := i; p <= len(s) && p-i <= maxDomain; p++ {
		c := byte(0)
		if p < len(s) {
			c = s[p]
		}
		if !domainChar(c) || c == '.' || c == '-' {
			// The domain could end here, after a top-level label.
			if labels >= 1 && letters && p-start >= 2 && rightOK(s, p) {
				best = p
			}
		}
		switch {
		case c == '.':
			if p == start || s[start] == '-' || s[p-1] == '-' {
				return best // an empty or badly hyphenated label ends all hope
			}
			labels++
			start, letters = p+1, true
		case c == '-':
			letters = false
		case p < len(s) && isAlnum(c):
			if !isLetter(c) {
				letters = false
			}
		default:
			return best
		}
	}
	return best
}

func hasAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			return true
		}
	}
	return false
}

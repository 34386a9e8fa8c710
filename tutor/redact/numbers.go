package redact

// NHS, CHI and H&C numbers.

// nhsCues name a patient number; a 10-digit number right after one of them
// (and optional filler such as "number:") is redacted whatever its digits.
var nhsCues = []string{"nhs", "chi", "h&c", "health and care", "hcn"}

var nhsFillers = []string{"numbers", "number", "num", "nbr", "no", "is", "was", "id"}

func (sc *scanner) findNHS() {
	s := sc.s
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			continue
		}
		start := i
		// Skip the rest of this digit run whatever happens: no number starts
		// inside another.
		i = digitsAt(s, i) - 1
		if !numLeftOK(s, start) {
			continue
		}
		d, end, ok := nhsLayout(s, start)
		if !ok {
			continue
		}
		if (checkDigitOK(d) && issued(d)) || sc.nhsContext(start) {
			sc.add(NHSNumber, start, end)
			i = end - 1
		}
	}
}

// nhsLayout reads ten digits at i written as 10 digits in a row or in groups
// of 3, 3 and 4 separated by single spaces or hyphens.
func nhsLayout(s string, i int) (d [10]byte, end int, ok bool) {
	j := digitsUpTo(s, i, 11)
	switch j - i {
	case 10:
		copy(d[:], s[i:j])
		return d, j, numRightOK(s, j)
	case 3:
	default:
		return d, 0, false
	}
	n := 0
	j = i
	for _, size := range [...]int{3, 3, 4} {
		if n > 0 {
			if j >= len(s) || (s[j] != ' ' && s[j] != '-') {
				return d, 0, false
			}
			j++
		}
		e := digitsUpTo(s, j, 5)
		if e-j != size {
			return d, 0, false
		}
		n += copy(d[n:], s[j:e])
		j = e
	}
	return d, j, numRightOK(s, j)
}

// checkDigitOK applies the NHS modulus 11 check: weights 10 down to 2 on the
// first nine digits; the check digit is 11 - (sum mod 11), where 11 becomes 0
// and 10 means the number is invalid.
func checkDigitOK(d [10]byte) bool {
	sum := 0
	for k := 0; k < 9; k++ {
		sum += int(d[k]-'0') * (10 - k)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == int(d[9]-'0')
}

// issued reports whether d lies in a range issued to patients (or reserved
// for tests): England, Wales and Isle of Man 400 000 000–499 999 999 and
// 600 000 000–799 999 999 (first nine digits); Northern Ireland H&C
// 320 000 000–399 999 999; Scotland's date-based CHI numbers
// 010 101 0000–311 299 9999 whose first four digits are a real day and month;
// and the test range 999 000 0000–999 999 9999.
func issued(d [10]byte) bool {
	p3 := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	switch {
	case p3 >= 400 && p3 <= 499, p3 >= 600 && p3 <= 799:
		return true
	case p3 >= 320 && p3 <= 399:
		return true
	case p3 == 999:
		return true
	}
	day := int(d[0]-'0')*10 + int(d[1]-'0')
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	return day >= 1 && day <= 31 && month >= 1 && month <= 12
}

// nhsContext reports whether the number at i directly follows a cue such as
// "NHS number:" (only filler words and punctuation in between). The cue must
// be close: text between a cue and a number is not looked through, so that a
// redaction elsewhere can never bring a cue and a number together.
func (sc *scanner) nhsContext(i int) bool {
	return cueBefore(sc.s, i, nhsCues, nhsFillers, ":#.=(-")
}

// cueBefore reports whether one of cues, followed by nothing but fillers,
// punctuation from punct and white space, ends right before i. It looks back
// at most 48 bytes.
func cueBefore(s string, i int, cues, fillers []string, punct string) bool {
	from := max(0, i-48)
	for k := i - 1; k >= from; k-- {
		c := s[k]
		if !isLetter(c) && c != '&' {
			continue
		}
		if !leftOK(s, k) {
			continue
		}
		end, ok := cueAt(s, k, cues)
		if !ok {
			continue
		}
		return skipFillers(s, end, punct, fillers, i-end) == i
	}
	return false
}

// Telephone numbers.

func (sc *scanner) findPhone() {
	s := sc.s
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '0' && c != '+' && c != '(' {
			continue
		}
		if !numLeftOK(s, i) || (c != '0' && !punctLeftOK(s, i)) {
			continue
		}
		if end, ok := phoneAt(s, i); ok {
			sc.add(Phone, i, end)
			i = end - 1
		}
	}
}

// punctLeftOK applies to a number that starts with '+' or '(': the text before
// must be a space, punctuation other than ']', or nothing.
func punctLeftOK(s string, i int) bool {
	r := before(s, i)
	return r < 0 || !(wordRune(r) || r == ']' || r == '+' || r == '(')
}

// phoneAt reads a UK telephone number at i: "+44" or "0044" followed by a
// 9- or 10-digit national number (an optional "(0)" or stray trunk 0 is
// skipped), or a trunk "0" number of 10 or 11 digits whose second digit is
// 1, 2, 3, 5, 7, 8 or 9. Digits come in groups of two or more separated by a
// single space or hyphen; the first group may be in brackets. The longest
// reading whose end is a number boundary wins.
func phoneAt(s string, i int) (int, bool) {
	j := i
	intl := false
	switch {
	case s[j] == '+':
		if !hasFold(s, j+1, "44") {
			return 0, false
		}
		j += 3
		intl = true
	case hasFold(s, j, "0044"):
		j += 4
		intl = true
	}
	if intl {
		if j < len(s) && (s[j] == ' ' || s[j] == '-') {
			j++
		}
		if hasFold(s, j, "(0)") {
			j += 3
			if j < len(s) && (s[j] == ' ' || s[j] == '-') {
				j++
			}
		}
	}
	minDigits, maxDigits := 10, 11 // national form, counting the trunk 0
	if intl {
		minDigits, maxDigits = 9, 10 // after the country code
	}
	digits, best := 0, 0
	paren := false
	for groups := 0; j < len(s) && groups < 6; groups++ {
		open := false
		if s[j] == '(' {
			if paren || groups > 0 || intl {
				break
			}
			paren, open = true, true
			j++
		}
		e := digitsUpTo(s, j, 12)
		run := s[j:e]
		if intl && digits == 0 && len(run) > 0 && run[0] == '0' {
			run = run[1:] // "+44 07700…": a stray trunk 0
		}
		if len(run) < 2 || digits+len(run) > maxDigits {
			break
		}
		if digits == 0 {
			lead := run[0]
			if !intl {
				if lead != '0' || len(run) < 2 {
					break
				}
				lead = run[1]
			}
			if lead == '0' || lead == '4' || lead == '6' {
				break
			}
		}
		if open && (e >= len(s) || s[e] != ')') {
			break
		}
		digits += len(run)
		j = e
		if open {
			j++
		}
		if digits >= minDigits && numRightOK(s, j) {
			best = j
		}
		// A separator, or none after a closing bracket.
		k := j
		if k < len(s) && (s[k] == ' ' || s[k] == '-') {
			k++
		} else if !open {
			break
		}
		if k >= len(s) || !isDigit(s[k]) {
			break
		}
		j = k
	}
	return best, best > 0
}

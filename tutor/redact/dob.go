package redact

// Dates of birth: a date right after a cue such as "DOB", "d.o.b.",
// "date of birth" or "born on". Dates anywhere else ("review in 2027", "at
// 14:30 on 12/03/2025") are left alone.

var dobCues = []string{"date of birth", "birth date", "birthdate", "d.o.b", "dob", "born"}

var dobFillers = []string{"is", "was", "on", "in", "of", "the", "date"}

func (sc *scanner) findDOB() {
	s := sc.s
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c != 'd' && c != 'b' {
			continue
		}
		end, ok := cueAt(s, i, dobCues)
		if !ok {
			continue
		}
		j := skipFillers(s, end, ".:-=(,", dobFillers, 32)
		if e, ok := dateAt(s, j); ok {
			sc.add(DateOfBirth, j, e)
			i = e - 1
			continue
		}
		i = end - 1
	}
}

var monthNames = []string{
	"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december",
	"sept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
}

// monthAt returns the end of a month name (full or abbreviated, any case) at
// i, not counting a trailing full stop.
func monthAt(s string, i int) (int, bool) {
	for _, m := range monthNames {
		if hasFold(s, i, m) && rightOK(s, i+len(m)) {
			return i + len(m), true
		}
	}
	return 0, false
}

// number reads 1 to max digits at i as an int.
func number(s string, i, maxDigits int) (v, end int) {
	end = digitsUpTo(s, i, maxDigits+1)
	if end-i == 0 || end-i > maxDigits {
		return -1, i
	}
	for k := i; k < end; k++ {
		v = v*10 + int(s[k]-'0')
	}
	return v, end
}

// dateAt reads a date at i and returns its end: 01/02/1960, 1.2.60,
// 1960-02-01, 3 March 1950, 3rd of March, 1950, March 3, 1950, March 1950,
// Mar 3, or a year alone (1850–2099).
func dateAt(s string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	if isLetter(s[i]) {
		if !leftOK(s, i) {
			return 0, false
		}
		m, ok := monthAt(s, i)
		if !ok {
			return 0, false
		}
		end, k := 0, m
		if k < len(s) && s[k] == '.' {
			k++
		}
		if k+1 < len(s) && s[k] == ' ' && isDigit(s[k+1]) {
			if d, e := number(s, k+1, 2); d >= 1 && d <= 31 {
				e = ordinal(s, e)
				if rightOK(s, e) && numRightOK(s, e) {
					end, k = e, e
				}
			}
		}
		if y, ok := yearAfter(s, k); ok {
			end = y
		}
		// A month alone ("born in May") is not a date of birth.
		return end, end > 0
	}
	if !isDigit(s[i]) || !numLeftOK(s, i) {
		return 0, false
	}
	a, ae := number(s, i, 4)
	switch ae - i {
	case 4:
		if ae < len(s) && (s[ae] == '-' || s[ae] == '/' || s[ae] == '.') {
			sep := s[ae]
			m, me := number(s, ae+1, 2)
			if me < len(s) && s[me] == sep {
				if d, de := number(s, me+1, 2); m >= 1 && m <= 12 && d >= 1 && d <= 31 && numRightOK(s, de) {
					return de, true
				}
			}
		}
		if a >= 1850 && a <= 2099 && numRightOK(s, ae) {
			return ae, true
		}
	case 1, 2:
		if ae < len(s) && (s[ae] == '/' || s[ae] == '-' || s[ae] == '.') {
			sep := s[ae]
			b, be := number(s, ae+1, 2)
			if be < len(s) && s[be] == sep && b >= 1 {
				y, ye := number(s, be+1, 4)
				if n := ye - be - 1; (n == 2 || n == 4) && y >= 0 && numRightOK(s, ye) &&
					((a >= 1 && a <= 31 && b <= 12) || (a >= 1 && a <= 12 && b <= 31)) {
					return ye, true
				}
			}
			return 0, false
		}
		if a < 1 || a > 31 {
			return 0, false
		}
		k := ordinal(s, ae)
		if k < len(s) && s[k] == ' ' {
			k++
			if hasFold(s, k, "of ") {
				k += 3
			}
			if m, ok := monthAt(s, k); ok {
				end := m
				if y, ok := yearAfter(s, m); ok {
					end = y
				}
				return end, true
			}
		}
	}
	return 0, false
}

// ordinal skips an ordinal suffix (st, nd, rd, th) at i.
func ordinal(s string, i int) int {
	for _, o := range [...]string{"st", "nd", "rd", "th"} {
		if hasFold(s, i, o) && rightOK(s, i+2) {
			return i + 2
		}
	}
	return i
}

// yearAfter reads ", 1950", " 1950", ". 1950" or " '50" at i.
func yearAfter(s string, i int) (int, bool) {
	k := i
	if k < len(s) && (s[k] == ',' || s[k] == '.') {
		k++
	}
	if k >= len(s) || s[k] != ' ' {
		return 0, false
	}
	k++
	if k < len(s) && (s[k] == '\'') {
		k++
	}
	y, ye := number(s, k, 4)
	if n := ye - k; (n == 4 && y >= 1850 && y <= 2099) || (n == 2 && s[k-1] == '\'') {
		if numRightOK(s, ye) {
			return ye, true
		}
	}
	return 0, false
}

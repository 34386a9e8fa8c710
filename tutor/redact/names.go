package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names are found only after a cue, never by guessing that a capitalised
// word is a name:
//
//   - a title — Mr, Mrs, Ms, Mx, Miss, Dr, Prof, Professor or Doctor (also
//     "mr", "dr" …; not "MR", "MS" or "DR", which are clinical abbreviations);
//   - a role word — "patient" or "pt" — followed directly by the name, or by
//     ", " or ": " and at least two name words ("my patient, John Smith");
//   - a naming phrase — "called", "named", "known as", "name is", "name's",
//     "name was", "name:".
//
// Up to four name words follow the cue, separated by single spaces. A name
// word is capitalised (Smith, O'Neill, Smith-Jones, Zoë), an initial (J or
// J.) or, after a title only, all capitals (Mr SMITH). The run stops at the
// first word on the stop list of common clinical words, drugs, pronouns and
// function words (see stopWords), so "patient Paracetamol" and "called
// Outreach" pass through. The cue is kept: "Mr [NAME]".
const maxNameWords = 4

type nameMode uint8

const (
	afterTitle  nameMode = iota // Mr, Dr …
	afterRole                   // patient, pt
	afterRoleP                  // patient, / patient: (needs two words)
	afterNaming                 // called, named …
)

var titles = map[string]bool{
	"Mr": true, "Mrs": true, "Ms": true, "Mx": true, "Miss": true, "Dr": true,
	"Prof": true, "Professor": true, "Doctor": true,
	"mr": true, "mrs": true, "ms": true, "mx": true, "dr": true, "prof": true,
}

func (sc *scanner) findNames() {
	s := sc.s
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && !isLetter(c) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) || !leftOK(s, i) || joinedBefore(s, i) {
			i += size
			continue
		}
		we := wordEnd(s, i)
		if we-i > 40 {
			i = we
			continue
		}
		next := we
		if !isToken(s, i, we) {
			if st, end, ok := sc.afterCue(i, we); ok {
				sc.add(Name, st, end)
				next = end
			}
		}
		i = next
	}
}

// joinedBefore reports whether the word at i follows a hyphen or apostrophe,
// as in "org'Miss": such a word is never a cue, whether or not what comes
// before the joiner has been redacted.
func joinedBefore(s string, i int) bool {
	r := before(s, i)
	return r == '\'' || r == '’' || r == '-'
}

// wordEnd returns the end of the word of letters (with marks, and inner
// apostrophes or hyphens followed by a letter) that starts at i.
func wordEnd(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			i += size
			continue
		}
		if r == '\'' || r == '’' || r == '-' {
			if n, _ := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(n) {
				i += size
				continue
			}
		}
		break
	}
	return i
}

// afterCue checks whether the word s[i:we] is a cue and returns the span of
// the name that follows it.
func (sc *scanner) afterCue(i, we int) (start, end int, ok bool) {
	s := sc.s
	w := s[i:we]
	if len(w) < 2 || len(w) > 9 || !containsByte("MmDdPpCcNnKk", w[0]) {
		return 0, 0, false // no cue starts otherwise
	}
	j := we
	var mode nameMode
	switch {
	case titles[w]:
		mode = afterTitle
		if j < len(s) && s[j] == '.' {
			j++
		}
	case w == "patient" || w == "Patient" || w == "pt" || w == "Pt":
		mode = afterRole
		if j < len(s) && s[j] == '.' && w[1] == 't' {
			j++
		}
		if j < len(s) && (s[j] == ',' || s[j] == ':') {
			mode = afterRoleP
			j++
		}
	case strings.EqualFold(w, "called") || strings.EqualFold(w, "named"):
		mode = afterNaming
		if termBefore(s, i) {
			return 0, 0, false
		}
		if j < len(s) && s[j] == ':' {
			j++
		}
	case strings.EqualFold(w, "known"):
		mode = afterNaming
		if termBefore(s, i) {
			return 0, 0, false
		}
		if !hasFold(s, j, " as") || !rightOK(s, j+3) {
			return 0, 0, false
		}
		j += 3
	case strings.EqualFold(w, "name"):
		mode = afterNaming
		if termBefore(s, i) {
			return 0, 0, false
		}
		switch {
		case j < len(s) && s[j] == ':':
			j++
		case hasFold(s, j, "'s") || hasFold(s, j, "’s"):
			if s[j] == '\'' {
				j += 2
			} else {
				j += len("’s")
			}
		case hasFold(s, j, " is") && rightOK(s, j+3):
			j += 3
		case hasFold(s, j, " was") && rightOK(s, j+4):
			j += 4
		default:
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	// One to three spaces, then the name.
	k := j
	for k < len(s) && k-j < 3 && s[k] == ' ' {
		k++
	}
	if k == j {
		return 0, 0, false
	}
	return sc.nameRun(k, mode)
}

type wordClass uint8

const (
	notName wordClass = iota
	initial
	capitalised
	allCaps
)

// classify sorts the word w into a name-word class. Each part of a
// hyphenated word must be capitalised or an initial ("Smith-Jones",
// "Charcot-Marie-Tooth"), so that terms such as "N-acetylcysteine" or
// "X-inactivation" are not names.
func classify(w string) wordClass {
	if strings.Contains(w, "-") {
		class := notName
		for _, part := range strings.Split(w, "-") {
			c := classify(part)
			if c == notName || (c == initial && class != notName) {
				return notName
			}
			if c == initial {
				continue // "O-…" is not a name either, unless more follows
			}
			class = max(class, c)
		}
		return class
	}
	first, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(first) {
		return notName
	}
	if size == len(w) {
		return initial
	}
	upper, lower := 1, 0
	for _, r := range w[size:] {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	if lower > 0 {
		return capitalised
	}
	return allCaps
}

// nameRun reads up to maxNameWords name words from k and returns the span
// of the name.
func (sc *scanner) nameRun(k int, mode nameMode) (start, end int, ok bool) {
	s := sc.s
	start, end = k, 0
	words := 0
	for words < maxNameWords && k < len(s) {
		we := wordEnd(s, k)
		if we-k <= 40 && !rightOK(s, we) {
			// "Smith-Jones-AB123456C": the name ends at the last hyphen or
			// apostrophe, so that it reads the same once the number after
			// it is redacted.
			we = lastJoin(s, k, we)
		}
		if we == k || we-k > 40 {
			break
		}
		w := s[k:we]
		stem := w
		if n := possessive(w); n > 0 {
			stem = w[:len(w)-n]
		}
		class := classify(stem)
		if class == notName || (class == allCaps && mode != afterTitle) || (class != initial && sc.stopWord(stem)) {
			break
		}
		words++
		if class != initial || mode == afterTitle {
			end = k + len(stem)
		}
		k = we
		if class == initial && k < len(s) && s[k] == '.' {
			k++
		}
		if len(stem) < len(w) {
			break // "Smith's" ends the name
		}
		// Exactly one space, then another capitalised word or initial.
		if k+1 >= len(s) || s[k] != ' ' {
			break
		}
		if r, _ := utf8.DecodeRuneInString(s[k+1:]); !unicode.IsUpper(r) {
			break
		}
		k++
	}
	if end == 0 {
		return 0, 0, false
	}
	if mode == afterRoleP && countWords(s[start:end]) < 2 {
		return 0, 0, false
	}
	return start, end, true
}

// lastJoin returns the position of the last hyphen or apostrophe inside the
// word s[k:we], or k if there is none.
func lastJoin(s string, k, we int) int {
	for p := we - 1; p > k; p-- {
		switch s[p] {
		case '-', '\'':
			return p
		case 0x99: // the last byte of ’ (E2 80 99)
			if p-2 > k && s[p-2] == 0xE2 && s[p-1] == 0x80 {
				return p - 2
			}
		}
	}
	return k
}

// possessive returns the length of a trailing 's or ’s.
func possessive(w string) int {
	switch {
	case strings.HasSuffix(w, "'s"):
		return 2
	case strings.HasSuffix(w, "’s"):
		return len("’s")
	}
	return 0
}

// countWords counts the words of a name that are not initials.
func countWords(name string) int {
	n := 0
	for _, f := range strings.Fields(name) {
		if utf8.RuneCountInString(strings.TrimSuffix(f, ".")) > 1 {
			n++
		}
	}
	return n
}

// stopWord reports whether w is never a name.
func (sc *scanner) stopWord(w string) bool {
	var buf [40]byte
	ascii := len(w) <= len(buf)
	for k := 0; ascii && k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 0x20
		}
		buf[k] = c
	}
	if ascii {
		if stopWords[string(buf[:len(w)])] {
			return true
		}
	} else if stopWords[strings.ToLower(w)] {
		return true
	}
	for _, x := range sc.stop {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// termBefore reports whether one of the three plain words before i says that
// a naming cue names a thing, not a person: "also called", "a bacterium
// called", "it is known as", "the drug's name is". Only lower-case words count
// (and a few capitalised stop words such as "It"), so the answer never
// depends on text that could itself be redacted.
func termBefore(s string, i int) bool {
	k := i
	for n := 0; n < 3; n++ {
		j := k
		for j > 0 && s[j-1] == ' ' {
			j--
		}
		if j == k {
			return false
		}
		e := j
		for j > 0 && isLetter(s[j-1]) {
			j--
		}
		if j == e || (j > 0 && s[j-1] != ' ' && s[j-1] != '(' && s[j-1] != '"' && s[j-1] != ',') {
			return false
		}
		w := s[j:e]
		if isUpper(w[0]) {
			if !capitalTerms[w] {
				return false
			}
			return true
		}
		for k := 1; k < len(w); k++ {
			if isUpper(w[k]) {
				return false
			}
		}
		if termWords[w] {
			return true
		}
		k = j
	}
	return false
}

// capitalTerms may start a sentence before a naming cue ("It is called …");
// all are stop words, so none is ever redacted as a name.
var capitalTerms = map[string]bool{"It": true, "This": true, "That": true, "Which": true, "These": true, "Those": true, "Also": true}

// termWords show that a naming cue names a thing.
var termWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		it its this that which these those also often sometimes commonly usually formerly
		previously originally generally condition conditions disease diseases disorder disorders
		syndrome syndromes drug drugs medicine medicines medication medications bacteria bacterium
		virus viruses fungus fungi organism organisms parasite parasites test tests procedure
		procedures surgery operation therapy therapies treatment treatments tumor tumors tumour
		tumours cancer cancers gene genes protein proteins website site app tool tools score scale
		form forms technique sign signs symptom symptoms type types device devices hormone enzyme
		chemical compound infection lymphoma leukaemia leukemia injection vaccine cell cells method
		approach programme program pathway protocol guideline guidance
		document system process reaction rash mutation variant strain class group family pattern
		effect rule criteria assessment tablet tablets inhaler cream product brand reflex
		abnormality anomaly deformity molecule molecules substance substances toxin toxins finding
		findings feature features modification interaction interactions publication acid acids
		complex sequence study trial phenomenon neuropathy neuropathies state stage phase area
		region structure tissue organ muscle nerve bone bones joint lesion lesions marker receptor
		antibody antibodies mechanism model classification index questionnaire manoeuvre maneuver
		position fracture palsy disease's collectively`) {
		m[w] = true
	}
	return m
}()

package redflag

// framing summarises the framing cues found in a text.
type framing struct {
	strongPresent, weakPresent, strongEdu, weakEdu bool
	present                                        []hit // presentation and case cues
}

// framingOf reads the framing cues among hits. A presentation cue cancelled
// by an exception at the same word ("I have a question") does not count.
func framingOf(hits []hit) framing {
	var fr framing
	var except map[int]bool // start tokens of exceptions
	for _, h := range hits {
		if h.label == cuePresentExcept {
			if except == nil {
				except = map[int]bool{}
			}
			except[h.t0] = true
		}
	}
	for _, h := range hits {
		switch h.label {
		case cueStrongPresent, cueWeakPresent:
			if except[h.t0] {
				continue
			}
			fr.present = append(fr.present, h)
			if h.label == cueStrongPresent {
				fr.strongPresent = true
			} else {
				fr.weakPresent = true
			}
		case cueCase:
			fr.present = append(fr.present, h)
		case cueStrongEdu:
			fr.strongEdu = true
		case cueWeakEdu:
			fr.weakEdu = true
		}
	}
	return fr
}

// educational reports whether the text reads as a knowledge question rather
// than a description of a real person. Exam and vignette framing ("most
// likely diagnosis", "scenario") outweighs a described case ("a 72-year-old
// presents with"), but not a real person ("my patient", "I've got", "bed 4").
// A knowledge question ("what are", "how do I recognise") is educational
// only if no person is described at all.
func (fr framing) educational() bool {
	if fr.strongPresent {
		return false
	}
	return fr.strongEdu || (fr.weakEdu && !fr.weakPresent)
}

// Negation scope, in tokens.
const (
	preScope  = 8 // "denies chest pain, sweating or shortness of breath"
	postScope = 3 // "chest pain has now resolved"
)

// negate marks findings negated by a cue: a negation before them in the
// same clause, within preScope words and not cut off by a terminator ("but",
// "is", "he" …), or one after them within postScope words. A comma ends the
// scope unless the clause goes on as a list with "or" or "nor" ("no fever,
// rash or neck stiffness"). Negation words inside any finding are part of
// it ("not passed urine", "doesn't blanch") and negate nothing. Pseudo-
// negations ("no improvement", "not only") negate nothing either.
func negate(toks []token, found []finding, cues []hit) {
	if len(found) == 0 {
		return
	}
	// What each token is, as far as negation goes.
	info := make([]negInfo, len(toks))
	for _, f := range found {
		for t := f.t0; t < f.t1; t++ {
			info[t].flags |= inFinding
		}
	}
	for _, h := range cues {
		if h.label == cuePseudo {
			for t := h.t0; t < h.t1; t++ {
				info[t].flags |= inPseudo
			}
		}
	}
	for _, h := range cues {
		switch h.label {
		case cueNegPre:
			if info[h.t0].flags&(inFinding|inPseudo) == 0 {
				info[h.t1-1].preStart = int32(h.t0) + 1
			}
		case cueNegPost:
			if info[h.t0].flags&(inFinding|inPseudo) == 0 {
				info[h.t0].flags |= postNeg
			}
		case cueTerm:
			info[h.t0].flags |= terminator
		}
	}
	for t := range toks {
		if toks[t].text == "or" || toks[t].text == "nor" {
			info[t].flags |= orWord
		}
	}
	for i := range found {
		f := &found[i]
		f.negated = negatedBefore(toks, f, info) || negatedAfter(toks, f, info)
	}
}

// negInfo is what negate knows about one token.
type negInfo struct {
	preStart int32 // 1 + start of a negation cue ending at this token, or 0
	flags    uint8
}

const (
	inFinding  uint8 = 1 << iota // part of a finding
	inPseudo                     // part of a pseudo-negation
	postNeg                      // starts a negation of what precedes
	terminator                   // ends a negation's scope
	orWord                       // "or" or "nor"
)

func negatedBefore(toks []token, f *finding, info []negInfo) bool {
	comma := false
	for t := f.t0 - 1; t >= 0 && f.t0-t <= preScope; t-- {
		// The break between token t and token t+1.
		switch g := toks[t+1].gap; {
		case g >= gapClause:
			return false
		case g == gapComma:
			comma = true
		}
		if start := info[t].preStart; start > 0 {
			if comma && !listGoesOn(toks, int(start)-1, f.t1, info) {
				return false
			}
			return true
		}
		// A terminator right after a negation belongs to it ("doesn't
		// have", "not been"): look no further than the next token.
		if info[t].flags&terminator != 0 && (t == 0 || info[t-1].preStart == 0) {
			return false
		}
	}
	return false
}

// listGoesOn reports whether "or" or "nor" joins a list between a negation
// at token from and a finding ending at token to (or just after it), within
// one sentence.
func listGoesOn(toks []token, from, to int, info []negInfo) bool {
	for t := from; t < len(toks) && t < to+3; t++ {
		if t > from && toks[t].gap >= gapClause {
			return false
		}
		if info[t].flags&orWord != 0 {
			return true
		}
	}
	return false
}

func negatedAfter(toks []token, f *finding, info []negInfo) bool {
	for t := f.t1; t < len(toks) && t-f.t1 < postScope; t++ {
		if toks[t].gap >= gapComma {
			return false
		}
		if info[t].flags&postNeg != 0 {
			return true
		}
	}
	return false
}

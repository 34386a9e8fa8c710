package quiz

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bedside-ai/bedside/internal/clinical"
)

// This file reads the structure of one guidance sentence: an optional
// condition ("If the patient cannot swallow, …", "… if there is no
// improvement"), and a main clause that is either an instruction (an
// imperative: "Give glucagon 1 mg intramuscularly") or a statement ("Severe
// hyperkalaemia is a serum potassium of 6.5 mmol/L or more"). The rules are
// tuned for the short, direct sentences guidance is written in; a sentence
// they cannot read is simply not used.

// A span is a byte range [a, b) of a sentence.
type span struct{ a, b int }

func (s span) empty() bool { return s.b <= s.a }

// A word is a token of a sentence.
type word struct {
	text, lower string
	start, end  int
	kind        clinical.Kind
}

// An action is one instruction of a sentence: its verb and its whole span
// (verb included).
type action struct {
	verb     string // lower case, e.g. "give"
	negative bool   // "Do not give", "Never stand"
	span
	verbEnd int // offset after the verb ("do not give": after "give")
}

// A sentence is one guidance sentence, analysed.
type sentence struct {
	text string // as in the passage, trimmed
	// start is the offset of text in its chunk's text.
	start int
	words []word
	an    clinical.Text

	body      span // text without the final full stop
	cond      span // the condition without its cue word; empty if none
	condCue   string
	condFirst bool
	main      span     // the main clause
	actions   []action // the instructions of the main clause, if it is imperative
	// condAll is set when the condition governs every action (it comes
	// first); otherwise it governs the last action only.
}

// imperatives are verbs that open an instruction in guidance.
var imperatives = setOf(`add administer advise aim alert allow apply arrange ask assess attach avoid
	call change check clean confirm consider contact continue correct count cover discuss document
	encourage ensure escalate establish examine follow give increase inform inject insert keep lie
	maintain measure monitor move note observe offer perform place position prepare prescribe provide
	recheck record reduce refer regard remove repeat replace report request restart return review
	screen seek send start stop suspect switch take test titrate transfer treat use wash weigh withhold
	recognise recognize escalate wear make lower raise identify discharge delay`)

// condCues open a condition.
var condCues = setOf(`if when unless`)

func setOf(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// parseSentence analyses text, a sentence at offset start of its passage.
func parseSentence(text string, start int) *sentence {
	s := &sentence{text: text, start: start, an: clinical.Analyze(text)}
	for _, t := range clinical.Lex(text) {
		s.words = append(s.words, word{text: t.Text, lower: strings.ToLower(t.Text), start: t.Start, end: t.End, kind: t.Kind})
	}
	end := len(text)
	for end > 0 && (text[end-1] == '.' || text[end-1] == ' ') {
		end--
	}
	s.body = span{0, end}
	s.main = s.body
	s.structure()
	return s
}

// wordAt returns the index of the first word starting at or after offset.
func (s *sentence) wordAt(off int) int {
	for i, w := range s.words {
		if w.start >= off {
			return i
		}
	}
	return len(s.words)
}

// structure finds the condition and the actions.
func (s *sentence) structure() {
	if len(s.words) == 0 {
		return
	}
	first := s.words[0].lower
	if condCues[first] {
		// "If C, A." The condition ends at the first comma outside brackets.
		comma := s.topLevel(s.words[0].end, ",")
		if comma < 0 {
			return
		}
		s.cond = span{trimLeft(s.text, s.words[0].end), comma}
		s.condCue, s.condFirst = first, true
		s.main = span{trimLeft(s.text, comma+1), s.body.b}
	} else {
		// "A if C." The condition runs to the end of the sentence, or to a
		// comma followed by a coordinated instruction.
		for i := 1; i < len(s.words); i++ {
			w := s.words[i]
			if !condCues[w.lower] || w.start >= s.body.b {
				continue
			}
			// "even if", "only if", "as if" change the meaning: leave them.
			// "even if", "as if", "only if" change the meaning, and "…, or when
			// …" is an alternative to part of the main clause: leave them.
			if prev := s.words[i-1].lower; prev == "even" || prev == "as" || prev == "only" || prev == "or" || prev == "and" {
				break
			}
			ce := s.body.b
			if c := s.topLevel(w.end, ","); c >= 0 {
				ce = c
			}
			s.cond = span{trimLeft(s.text, w.end), ce}
			s.condCue = w.lower
			s.main = span{0, trimRight(s.text, w.start)}
			break
		}
	}
	s.findActions()
}

// topLevel returns the offset of the first sep at or after off that is not
// inside brackets, or -1.
func (s *sentence) topLevel(off int, sep string) int {
	depth := 0
	for i := off; i < s.body.b; i++ {
		switch s.text[i] {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 && strings.HasPrefix(s.text[i:], sep) {
				return i
			}
		}
	}
	return -1
}

// findActions reads the main clause as coordinated instructions: "Recheck
// the glucose after 10 minutes and repeat treatment".
func (s *sentence) findActions() {
	i := s.wordAt(s.main.a)
	if i >= len(s.words) {
		return
	}
	a, ok := s.actionAt(i)
	if !ok {
		return
	}
	for j := i + 1; j < len(s.words) && s.words[j].start < s.main.b; j++ {
		w := s.words[j]
		if w.lower != "and" && w.lower != "then" && w.lower != ";" {
			continue
		}
		k := j + 1
		if k < len(s.words) && s.words[k].lower == "then" {
			k++
		}
		if k >= len(s.words) {
			break
		}
		next, ok := s.actionAt(k)
		if !ok {
			continue
		}
		end := w.start
		if j > 0 && s.words[j-1].lower == "," {
			end = s.words[j-1].start
		}
		a.b = trimRight(s.text, end)
		s.actions = append(s.actions, a)
		a = next
		j = k
	}
	a.b = s.main.b
	s.actions = append(s.actions, a)
}

// actionAt reads an instruction starting at word i.
func (s *sentence) actionAt(i int) (action, bool) {
	w := s.words[i]
	switch {
	case w.lower == "do" && i+2 < len(s.words) && s.words[i+1].lower == "not" && imperatives[s.words[i+2].lower]:
		v := s.words[i+2]
		return action{verb: v.lower, negative: true, span: span{w.start, 0}, verbEnd: v.end}, true
	case w.lower == "never" && i+1 < len(s.words) && imperatives[s.words[i+1].lower]:
		v := s.words[i+1]
		return action{verb: v.lower, negative: true, span: span{w.start, 0}, verbEnd: v.end}, true
	case imperatives[w.lower]:
		// Not a noun use such as "Review of the chart" or "Use of oxygen".
		if i+1 < len(s.words) && s.words[i+1].lower == "of" {
			return action{}, false
		}
		return action{verb: w.lower, span: span{w.start, 0}, verbEnd: w.end}, true
	}
	return action{}, false
}

// imperative reports whether the main clause is an instruction.
func (s *sentence) imperative() bool { return len(s.actions) > 0 }

// actionOf returns the action containing offset off, or nil.
func (s *sentence) actionOf(off int) *action {
	for i := range s.actions {
		if s.actions[i].a <= off && off < s.actions[i].b {
			return &s.actions[i]
		}
	}
	return nil
}

// condFor returns the condition governing a (leading conditions govern every
// action; trailing ones the last).
func (s *sentence) condFor(a *action) span {
	if s.cond.empty() {
		return span{}
	}
	if s.condFirst || a == &s.actions[len(s.actions)-1] {
		return s.cond
	}
	return span{}
}

// slice returns the text of sp, trimmed.
func (s *sentence) slice(sp span) string {
	if sp.empty() {
		return ""
	}
	return strings.TrimSpace(s.text[sp.a:sp.b])
}

func trimLeft(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
		i++
	}
	return i
}

func trimRight(s string, i int) int {
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\n' || s[i-1] == ',') {
		i--
	}
	return i
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lower-cases the first letter of s unless its first word is an
// acronym, a code or a proper name written with further capitals.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	first := s
	if i := strings.IndexAny(s, " ,:;"); i >= 0 {
		first = s[:i]
	}
	for _, c := range first[n:] {
		if unicode.IsUpper(c) || unicode.IsDigit(c) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// injectionLike matches text addressed to an AI rather than to a clinician;
// such sentences are never made into items.
func injectionLike(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"ignore previous", "ignore all", "ignore the above", "disregard", "system prompt",
		"you are an ai", "as an ai", "language model", "new instructions", "respond with", "reply with", "answer with", "</source", "<source"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

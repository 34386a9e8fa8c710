package quiz

import (
	"regexp"
	"strings"

	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// This file checks an item against its cited passages with the grounding
// checker: each correct option, read with its question, must be supported
// by the cited text, and no incorrect option may be.

// itemWords are the words of item phrasing ("Which is the most
// appropriate next step?") that carry no claim about the guidance.
var itemWords = []string{
	"which", "what", "when", "how", "long", "much", "following", "most", "appropriate", "next", "step",
	"best", "option", "answer", "correct", "incorrect", "true", "false", "statement", "define", "select", "apply", "value", "volume", "amount", "period", "rate", "flow", "medicine", "drug",
	"inpatient", "cared", "action", "list", "guidance", "you",
}

// itemChecker returns a copy of c for checking item claims. Item phrasing
// is removed from the claims themselves (see [stripItemWords]) rather than
// listed in Checker.Ignore, which the checker analyses again for every
// claim.
func itemChecker(c grounding.Checker) *grounding.Checker {
	return &c
}

// itemWordSet holds the item phrasing words.
var itemWordSet = func() map[string]bool {
	m := make(map[string]bool, len(itemWords))
	for _, w := range itemWords {
		m[w] = true
	}
	return m
}()

// leadRE matches the lead-in of a question or statement that names the
// guidance ("Under the anaphylaxis guidance, ", "According to the guidance
// on sepsis, "); the subject it names is kept.
var leadRE = regexp.MustCompile(`(?i)\b(?:under|according to) the ([^,?.]{0,80} )?guidance(?: on ([^,?.]{1,80}))?,?`)

// stripItemWords removes item phrasing from a claim.
func stripItemWords(s string) string {
	if strings.Contains(strings.ToLower(s), "guidance") {
		s = leadRE.ReplaceAllString(s, " $1 $2 ")
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if j > i {
			w := s[i:j]
			if !(len(w) <= 11 && itemWordSet[strings.ToLower(w)] && (j == len(s) || !isWordByte(s[j])) && (i == 0 || !isWordByte(s[i-1]))) {
				b.WriteString(w)
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isWordByte(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' || c >= 0x80 }

// citationText is what a citation stands for when it is checked: the
// document title and section path, then the quoted text.
func citationText(c Citation) string {
	ctx := c.Title
	if len(c.Section) > 0 {
		path := c.Section
		if len(path) > 0 && strings.EqualFold(strings.TrimSpace(path[0]), strings.TrimSpace(c.Title)) {
			path = path[1:]
		}
		if len(path) > 0 {
			if ctx != "" {
				ctx += " › "
			}
			ctx += strings.Join(path, " › ")
		}
	}
	if ctx == "" {
		return c.Quote
	}
	return ctx + "\n" + c.Quote
}

// claims returns the claims an answer makes with its question: the
// question sentence with the answer, and the whole stem with the answer.
// For a true/false item the stem is itself the claim.
func claims(it *Item, answer string) []string {
	if it.Type == TrueFalse {
		return []string{stripItemWords(declarative(it.Stem))}
	}
	stem := strings.TrimSpace(it.Stem)
	q := question(stem)
	out := []string{stripItemWords(declarative(q) + " " + answer)}
	if len(sentences.Split(stem)) > 1 {
		out = append(out, stripItemWords(declarative(stem)+" "+answer))
	}
	return out
}

// declarative drops the question marks and instructions of a stem so that
// the checker reads it as an assertion, not a question.
func declarative(s string) string {
	s = strings.ReplaceAll(s, "Select all that apply.", "")
	s = strings.ReplaceAll(s, "?", " ")
	return strings.Join(strings.Fields(s), " ")
}

// supported reports whether any of the claims is supported by the
// passages, and returns the best result.
func supported(c *grounding.Checker, cls []string, passages []string) (bool, grounding.Result) {
	var best grounding.Result
	for _, cl := range cls {
		r := c.Check(cl, passages...)
		if r.Supported() {
			return true, r
		}
		if r.Score >= best.Score || len(best.Problems) == 0 {
			best = r
		}
	}
	return false, best
}

// groundingFindings checks an item's options against its citations.
func groundingFindings(c *grounding.Checker, it *Item) []Finding {
	var passages []string
	for _, ct := range it.Citations {
		if strings.TrimSpace(ct.Quote) != "" {
			passages = append(passages, citationText(ct))
		}
	}
	if len(passages) == 0 {
		return []Finding{{Rule: RuleNoCitation, Severity: Warning,
			Message: "the item cites no guidance passage, so its key cannot be checked"}}
	}
	var out []Finding
	check := func(answer string, correct bool) {
		ok, r := supported(c, claims(it, answer), passages)
		switch {
		case correct && !ok:
			out = append(out, Finding{Rule: RuleKeyNotSupported, Severity: Error,
				Message: "the cited passage does not support the key: " + problemText(r), Text: answer})
		case !correct && ok:
			out = append(out, Finding{Rule: RuleDistractorSupported, Severity: Error,
				Message: "the cited passage supports this incorrect option, so the item may have two right answers", Text: answer})
		}
	}
	switch it.Type {
	case TrueFalse:
		key := it.Key()
		if len(key) != 1 || len(it.Options) != 2 {
			return out // reported by the structure rules
		}
		truth := strings.EqualFold(strings.TrimSpace(it.Options[key[0]].Text), "true")
		ok, r := supported(c, claims(it, ""), passages)
		switch {
		case truth && !ok:
			out = append(out, Finding{Rule: RuleKeyNotSupported, Severity: Error,
				Message: "the item says the statement is true, but the cited passage does not support it: " + problemText(r), Text: it.Stem})
		case !truth && ok:
			out = append(out, Finding{Rule: RuleDistractorSupported, Severity: Error,
				Message: "the item says the statement is false, but the cited passage supports it", Text: it.Stem})
		}
	case ShortAnswer:
		if len(it.Answers) > 0 {
			check(it.Answers[0], true)
		}
	default:
		for _, o := range it.Options {
			check(o.Text, o.Correct)
		}
	}
	return out
}

// problemText summarises why a claim is unsupported.
func problemText(r grounding.Result) string {
	if len(r.Problems) == 0 {
		return "no supporting sentence"
	}
	var parts []string
	for i, p := range r.Problems {
		if i == 3 {
			break
		}
		parts = append(parts, p.String())
	}
	return strings.Join(parts, "; ")
}

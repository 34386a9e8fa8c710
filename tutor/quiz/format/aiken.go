package format

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Aiken, as Moodle reads and writes it (question/format/aiken/format.php in
// moodle/moodle: readquestions, writequestion; documented at
// docs.moodle.org "Aiken format"):
//
//	Question text, all on one line
//	A) First option
//	B) Second option
//	ANSWER: B
//
// An option line is a capital letter, ")" or ".", an optional space or tab
// and the text (Moodle matches /^[A-Z][).][ \t]?/); "ANSWER:" and a letter
// ends the question; any other line of 2 or more bytes starts a new one.
// Aiken carries single-answer multiple choice only, with no feedback.

// aikenOptionLine reports whether Moodle would read line as an option.
func aikenOptionLine(line string) bool {
	return len(line) >= 2 && line[0] >= 'A' && line[0] <= 'Z' && (line[1] == ')' || line[1] == '.')
}

func encodeAiken(w *bytes.Buffer, b quiz.Bank, label rune) error {
	for i := range b.Items {
		it := &b.Items[i]
		if i > 0 {
			w.WriteString("\n")
		}
		w.WriteString(foldLine(it.Stem))
		w.WriteString("\n")
		key := 0
		for j, o := range it.Options {
			fmt.Fprintf(w, "%c%c %s\n", 'A'+rune(j), label, foldLine(o.Text))
			if o.Correct {
				key = j
			}
		}
		fmt.Fprintf(w, "ANSWER: %c\n", 'A'+rune(key))
	}
	return nil
}

func decodeAiken(data []byte) (decoded, error) {
	var out decoded
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	// Moodle also splits lines at a lone carriage return.
	text = strings.ReplaceAll(text, "\r", "\n")
	type open struct {
		line int
		item quiz.Item
	}
	var q *open
	errAt := func(line int, format string, args ...any) error {
		return &SyntaxError{Format: Aiken, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	for n, raw := range strings.Split(text, "\n") {
		line := n + 1
		l := trim(raw)
		if len(l) < 2 {
			continue
		}
		switch {
		case aikenOptionLine(l):
			if q == nil {
				return out, errAt(line, "option line %q comes before any question", firstRunes(l, 20))
			}
			want := 'A' + rune(len(q.item.Options))
			if rune(l[0]) != want {
				return out, errAt(line, "option %c: want option %c next", l[0], want)
			}
			q.item.Options = append(q.item.Options, quiz.Option{Text: trim(l[2:])})
		case strings.HasPrefix(l, "ANSWER:"):
			if q == nil {
				return out, errAt(line, "ANSWER line comes before any question")
			}
			n := len(q.item.Options)
			if n < 2 {
				return out, errAt(line, "the question at line %d has %d options; it needs at least 2", q.line, n)
			}
			ans := trim(l[len("ANSWER:"):])
			if ans == "" {
				return out, errAt(line, "ANSWER names no option")
			}
			k := int(ans[0]) - 'A'
			if k < 0 || k >= n || len(ans) > 1 {
				return out, errAt(line, "ANSWER %q names no option (the question has options A to %c)", ans, 'A'+rune(n-1))
			}
			q.item.Options[k].Correct = true
			q.item.Type = quiz.SingleBestAnswer
			if n == 2 && q.item.Options[0].Text == "True" && q.item.Options[1].Text == "False" {
				q.item.Type = quiz.TrueFalse
			}
			out.bank.Items = append(out.bank.Items, q.item)
			q = nil
		default:
			if q != nil {
				if len(q.item.Options) == 0 {
					return out, errAt(line, "the question at line %d continues on a second line; Aiken questions are one line", q.line)
				}
				return out, errAt(line, "a new question starts before the question at line %d has its ANSWER line", q.line)
			}
			q = &open{line: line, item: quiz.Item{Stem: l}}
		}
	}
	if q != nil {
		return out, errAt(q.line, "the question has no ANSWER line")
	}
	return out, nil
}

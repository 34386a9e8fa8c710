package format

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// GIFT, as Moodle reads and writes it (question/format/gift/format.php in
// moodle/moodle: readquestion, repchar, writequestion; the ID number and
// tag comments of MDL-62708; documented at docs.moodle.org "GIFT format").
//
//   - Questions are separated by blank lines; lines starting with "//" are
//     comments. A comment may hold the question's ID number and tags:
//     "// [id:abc] [tag:sepsis] [tag:type:sba]", with "]" written "\]".
//   - "::name::" names a question; "$CATEGORY: path" switches category.
//   - "[html]" before a text sets its format; answers and feedback default
//     to the question text's format.
//   - Answers sit between "{" and "}": "=right", "~wrong", "~%50%partial",
//     "#feedback" after an answer, "####general feedback" last; "{TRUE}",
//     "{FALSE#wrong feedback#right feedback}" for true/false;
//     "{=%100%answer}" for short answer.
//   - The characters ~ = # { } : are escaped with a backslash, a backslash
//     is written "\\", and "\n" is a new line (Moodle's repchar).
//
// Bedside writes every text as [html] (see html.go), so "<" and "&" survive
// and the general feedback can carry the item's sources.

// giftEscape escapes s as Moodle's repchar does: \ # = ~ { } : get a
// backslash, a new line becomes "\n" and a carriage return is dropped.
func giftEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\', '#', '=', '~', '{', '}', ':':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// giftHTML returns HTML for a GIFT text in html format: escaped, and given
// an explicit "[html]" when it starts with "[" so that no format tag is
// read from the text itself.
func giftHTML(h string) string {
	if strings.HasPrefix(h, "[") {
		return "[html]" + giftEscape(h)
	}
	return giftEscape(h)
}

func encodeGIFT(w *bytes.Buffer, b quiz.Bank) error {
	category := ""
	for i := range b.Items {
		it := &b.Items[i]
		if b.Name != "" || it.Topic != "" {
			if c := categoryPath(b.Name, it.Topic); c != category {
				category = c
				// Moodle reads the path after "$CATEGORY:" as written, with
				// no unescaping, so it is not escaped here.
				fmt.Fprintf(w, "$CATEGORY: %s\n\n", c)
			}
		}
		if err := giftQuestion(w, it); err != nil {
			return fmt.Errorf("item %d: %w", i+1, err)
		}
		w.WriteString("\n")
	}
	return nil
}

func giftToken(kind, s string) string {
	return "[" + kind + ":" + strings.ReplaceAll(s, "]", `\]`) + "]"
}

func giftQuestion(w *bytes.Buffer, it *quiz.Item) error {
	feedback, err := feedbackHTML(it.Rationale, it.Citations)
	if err != nil {
		return err
	}
	w.WriteString("//")
	if it.ID != "" {
		w.WriteString(" ")
		w.WriteString(giftToken("id", it.ID))
	}
	for _, t := range append(metaTags(it), it.Tags...) {
		w.WriteString(" ")
		w.WriteString(giftToken("tag", t))
	}
	w.WriteString("\n::")
	w.WriteString(giftEscape(questionName(it)))
	w.WriteString("::[html]")
	w.WriteString(giftEscape(textToHTML(it.Stem)))
	general := ""
	if feedback != "" {
		general = "####" + giftHTML(feedback)
	}
	switch it.Type {
	case quiz.TrueFalse:
		// {TRUE#feedback if wrong#feedback if right}: Moodle's
		// split_truefalse_comment. The wrong answer is the one not chosen.
		right, wrong := it.Options[0], it.Options[1]
		word := "TRUE"
		if it.Options[1].Correct {
			right, wrong, word = it.Options[1], it.Options[0], "FALSE"
		}
		w.WriteString("{" + word)
		rf, wf := textToHTML(right.Explanation), textToHTML(wrong.Explanation)
		if wf != "" || rf != "" {
			w.WriteString("#" + giftHTML(wf))
		}
		if rf != "" {
			w.WriteString("#" + giftHTML(rf))
		}
		w.WriteString(general)
		w.WriteString("}\n")
	case quiz.ShortAnswer:
		w.WriteString("{\n")
		for _, a := range it.Answers {
			a = escapeWildcard(trim(a))
			if strings.HasPrefix(a, "[") {
				a = "[plain]" + a // so that no format tag is read from the answer
			}
			w.WriteString("\t=%100%")
			w.WriteString(giftEscape(a))
			w.WriteString("\n")
		}
		if general != "" {
			w.WriteString("\t" + general + "\n")
		}
		w.WriteString("}\n")
	default:
		w.WriteString("{\n")
		right, wrong := optionFractions(it)
		single := it.Type != quiz.MultipleChoice
		for _, o := range it.Options {
			text := giftHTML(textToHTML(o.Text))
			var mark string
			switch {
			case single && o.Correct:
				mark = "="
			case single && strings.HasPrefix(text, "%"):
				// A leading "%n%" would be read as a weight.
				mark = "~%0%"
			case single:
				mark = "~"
			case o.Correct:
				mark = "~%" + right + "%"
			default:
				mark = "~%" + wrong + "%"
			}
			w.WriteString("\t" + mark + text)
			if e := textToHTML(o.Explanation); e != "" {
				w.WriteString("#" + giftHTML(e))
			}
			w.WriteString("\n")
		}
		if general != "" {
			w.WriteString("\t" + general + "\n")
		}
		w.WriteString("}\n")
	}
	return nil
}

// Decoding. Escapes are resolved once, up front, into a gtext whose runes
// remember whether they were escaped (and so are literal) and their line;
// the structure is then found among the unescaped runes. This is what
// Moodle's escapedchar_pre/escapedchar_post placeholders do, without their
// collisions.

type gtext struct {
	r    []rune
	lit  []bool // escaped: never structure
	line []int
}

func (g gtext) len() int { return len(g.r) }

func (g gtext) slice(i, j int) gtext { return gtext{g.r[i:j], g.lit[i:j], g.line[i:j]} }

func (g gtext) String() string { return string(g.r) }

// index returns the first unescaped s at or after from, or -1.
func (g gtext) index(s string, from int) int {
	pat := []rune(s)
outer:
	for i := from; i+len(pat) <= len(g.r); i++ {
		for k, p := range pat {
			if g.r[i+k] != p || g.lit[i+k] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// lastIndex returns the last unescaped s, or -1.
func (g gtext) lastIndex(s string) int {
	last := -1
	for i := g.index(s, 0); i >= 0; i = g.index(s, i+1) {
		last = i
	}
	return last
}

func (g gtext) hasPrefix(s string) bool { return g.index(s, 0) == 0 && len(g.r) >= len([]rune(s)) }

func (g gtext) trim() gtext {
	i, j := 0, len(g.r)
	for i < j && !g.lit[i] && strings.ContainsRune(" \t\n\r\x00\x0B", g.r[i]) {
		i++
	}
	for j > i && !g.lit[j-1] && strings.ContainsRune(" \t\n\r\x00\x0B", g.r[j-1]) {
		j--
	}
	return g.slice(i, j)
}

// split splits g at every unescaped sep rune.
func (g gtext) split(sep rune, n int) []gtext {
	var parts []gtext
	start := 0
	for i := range g.r {
		if n > 0 && len(parts) == n-1 {
			break
		}
		if g.r[i] == sep && !g.lit[i] {
			parts = append(parts, g.slice(start, i))
			start = i + 1
		}
	}
	return append(parts, g.slice(start, len(g.r)))
}

func (g gtext) firstLine() int {
	if len(g.line) == 0 {
		return 0
	}
	return g.line[0]
}

// unescapeGIFT resolves GIFT escapes in lines (numbered from first).
func unescapeGIFT(lines []string, first int) gtext {
	var g gtext
	for n, l := range lines {
		if n > 0 {
			g.r, g.lit, g.line = append(g.r, '\n'), append(g.lit, false), append(g.line, first+n)
		}
		rs := []rune(l)
		for i := 0; i < len(rs); i++ {
			r, lit := rs[i], false
			if r == '\\' && i+1 < len(rs) {
				switch rs[i+1] {
				case '\\', ':', '#', '=', '{', '}', '~':
					r, lit = rs[i+1], true
					i++
				case 'n':
					r, lit = '\n', true
					i++
				}
			}
			g.r, g.lit, g.line = append(g.r, r), append(g.lit, lit), append(g.line, first+n)
		}
	}
	return g
}

// giftFormats are the format names GIFT's "[…]" prefix may give.
var giftFormats = map[string]bool{"moodle": true, "html": true, "plain": true, "markdown": true}

// giftRaw reads a text with an optional format prefix as Moodle's
// parse_text_with_format does, and returns the text and its format.
func giftRaw(g gtext, def string) (string, string) {
	g = g.trim()
	format := def
	if g.len() > 0 && g.r[0] == '[' && !g.lit[0] {
		if end := g.index("]", 0); end > 0 {
			if name := g.slice(1, end).String(); giftFormats[name] {
				format = name
				g = g.slice(end+1, g.len())
			}
		}
	}
	return trim(g.String()), format
}

// giftText returns the plain text of a GIFT text and its format.
func giftText(g gtext, def string) (string, string) {
	s, format := giftRaw(g, def)
	if format == "html" {
		s = htmlToText(s)
	}
	return s, format
}

func decodeGIFT(data []byte) (decoded, error) {
	var out decoded
	text := strings.TrimPrefix(string(data), "\ufeff")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	bankSet := false
	topic := ""
	index := 0
	var block []string
	start := 0
	flush := func() error {
		if len(block) == 0 {
			return nil
		}
		defer func() { block = block[:0] }()
		var comments []string
		body := make([]string, len(block))
		for i, l := range block {
			if strings.HasPrefix(trim(l), "//") {
				comments = append(comments, trim(l))
				body[i] = " "
				continue
			}
			body[i] = l
		}
		// A category path is read as written: Moodle does not unescape it.
		if raw := trim(strings.Join(body, "\n")); strings.HasPrefix(raw, "$CATEGORY:") {
			bank, t := splitCategory(raw[len("$CATEGORY:"):])
			if !bankSet {
				out.bank.Name, bankSet = bank, true
			}
			topic = t
			return nil
		}
		g := unescapeGIFT(body, start).trim()
		if g.len() == 0 {
			return nil
		}
		it, name, reason, err := giftQuestionItem(g, strings.Join(comments, "\n"))
		if err != nil {
			return err
		}
		if reason != "" {
			id := it.ID
			if id == "" {
				id = name
			}
			out.skipped = append(out.skipped, Skip{Index: index, ID: id, Line: g.firstLine(), Reason: reason})
			index++
			return nil
		}
		it.Topic = topic
		out.bank.Items = append(out.bank.Items, it)
		index++
		return nil
	}
	for n, l := range lines {
		// As Moodle's qformat_default::readquestions: each line is trimmed,
		// and an empty line (or, as PHP's empty() has it, "0") ends a
		// question.
		l = trim(l)
		if l == "" || l == "0" {
			if err := flush(); err != nil {
				return out, err
			}
			continue
		}
		if len(block) == 0 {
			start = n + 1
		}
		block = append(block, l)
	}
	if err := flush(); err != nil {
		return out, err
	}
	return out, nil
}

func giftErr(line int, format string, args ...any) error {
	return &SyntaxError{Format: GIFT, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// giftComment extracts the ID number and tags from a question's comments
// (Moodle's extract_idnumber_and_tags_from_comment).
func giftComment(c string) (string, []string) {
	var id string
	var tags []string
	for i := 0; i < len(c); {
		j := strings.Index(c[i:], "[")
		if j < 0 {
			break
		}
		i += j
		kind := ""
		switch {
		case strings.HasPrefix(c[i:], "[id:"):
			kind = "id"
		case strings.HasPrefix(c[i:], "[tag:"):
			kind = "tag"
		default:
			i++
			continue
		}
		k := i + len(kind) + 2
		var v strings.Builder
		ok := false
		for k < len(c) {
			if strings.HasPrefix(c[k:], `\]`) {
				v.WriteByte(']')
				k += 2
				continue
			}
			ch := c[k]
			if ch == ']' {
				ok = true
				break
			}
			if ch < 0x20 || ch == 0x7f || (kind == "tag" && (ch == '<' || ch == '>')) {
				break
			}
			v.WriteByte(ch)
			k++
		}
		if ok && v.Len() > 0 {
			val := trim(v.String())
			if kind == "id" && id == "" {
				id = val
			} else if kind == "tag" {
				tags = append(tags, val)
			}
			i = k + 1
			continue
		}
		i++
	}
	return id, tags
}

// giftQuestionItem reads one question. It returns the item, the question's
// name, a reason if the question is of a kind Bedside does not model, or a
// syntax error.
func giftQuestionItem(g gtext, comments string) (quiz.Item, string, string, error) {
	var it quiz.Item
	it.ID, it.Tags = giftComment(comments)
	name := ""
	if g.hasPrefix("::") {
		g = g.slice(2, g.len())
		if end := g.index("::", 0); end >= 0 {
			name = trim(g.slice(0, end).String())
			g = g.slice(end+2, g.len()).trim()
		}
	}
	open, close := g.index("{", 0), g.index("}", 0)
	switch {
	case open < 0 && close < 0:
		return it, name, "is a description (no answer block), not a question", nil
	case open < 0:
		return it, name, "", giftErr(g.line[close], `"}" has no opening "{"`)
	case close < 0:
		return it, name, "", giftErr(g.line[open], `answer block "{" is not closed by "}"`)
	case close < open:
		return it, name, "", giftErr(g.line[close], `"}" comes before the answer block's "{"`)
	}
	answer := g.slice(open+1, close).trim()
	var stem gtext
	if close == g.len()-1 {
		stem = g.slice(0, open)
	} else {
		// Missing-word format: the answer block becomes a blank.
		blank := unescapeGIFT([]string{"_____"}, g.line[open])
		stem = gtext{
			r:    append(append(append([]rune{}, g.r[:open]...), blank.r...), g.r[close+1:]...),
			lit:  append(append(append([]bool{}, g.lit[:open]...), true, true, true, true, true), g.lit[close+1:]...),
			line: append(append(append([]int{}, g.line[:open]...), blank.line...), g.line[close+1:]...),
		}
	}
	general := gtext{}
	if i := answer.lastIndex("####"); i >= 0 {
		general = answer.slice(i+4, answer.len())
		answer = answer.slice(0, i).trim()
	}
	var format string
	it.Stem, format = giftText(stem, "moodle")
	if general.len() > 0 {
		raw, gf := giftRaw(general, format)
		if gf == "html" {
			r, cits, err := parseFeedback(raw)
			if err != nil {
				return it, name, "", giftErr(general.firstLine(), "general feedback: %v", err)
			}
			it.Rationale, it.Citations = r, cits
		} else {
			it.Rationale = raw
		}
	}

	var compatible func(quiz.Type) bool
	switch {
	case answer.len() == 0:
		return it, name, "is an essay question (empty answer block), which Bedside does not model", nil
	case answer.r[0] == '#' && !answer.lit[0]:
		return it, name, "is a numerical question, which Bedside does not model", nil
	case answer.index("~", 0) >= 0:
		single := answer.index("=", 0) >= 0
		var parts []gtext
		for _, p := range answer.split('~', 0) {
			for k, q := range p.split('=', 0) {
				if k > 0 {
					// Keep the "=" that marked a right answer.
					q = gtext{append([]rune{'='}, q.r...), append([]bool{false}, q.lit...), append([]int{q.firstLine()}, q.line...)}
				}
				parts = append(parts, q)
			}
		}
		if len(parts) > 0 && parts[0].trim().len() == 0 {
			parts = parts[1:]
		}
		if len(parts) < 2 {
			return it, name, fmt.Sprintf("is a multiple-choice question with %d answers; it needs at least 2", len(parts)), nil
		}
		for _, p := range parts {
			p = p.trim()
			var correct bool
			switch w, rest, ok, err := giftWeight(p); {
			case err != nil:
				return it, name, "", err
			case p.len() > 0 && p.r[0] == '=' && !p.lit[0]:
				correct = true
				p = p.slice(1, p.len())
			case ok:
				correct = w > 0
				p = rest
			}
			bits := p.split('#', 2)
			o := quiz.Option{Correct: correct}
			o.Text, _ = giftText(bits[0], format)
			if len(bits) > 1 {
				o.Explanation, _ = giftText(bits[1], format)
			}
			it.Options = append(it.Options, o)
		}
		if single {
			it.Type = quiz.SingleBestAnswer
			compatible = func(t quiz.Type) bool { return t == quiz.SingleBestAnswer || t == quiz.Vignette }
		} else {
			it.Type = quiz.MultipleChoice
			compatible = func(t quiz.Type) bool { return t == quiz.MultipleChoice }
		}
	case answer.index("=", 0) >= 0 && answer.index("->", 0) >= 0:
		return it, name, "is a matching question, which Bedside does not model", nil
	default:
		check := answer
		if i := answer.index("#", 0); i > 0 {
			check = answer.slice(0, i).trim()
		}
		switch check.String() {
		case "T", "TRUE", "F", "FALSE":
			bits := answer.split('#', 3)
			word := trim(bits[0].String())
			var wrongFB, rightFB string
			if len(bits) > 1 {
				wrongFB, _ = giftText(bits[1], format)
			}
			if len(bits) > 2 {
				rightFB, _ = giftText(bits[2], format)
			}
			t, f := quiz.Option{Text: "True"}, quiz.Option{Text: "False"}
			if word == "T" || word == "TRUE" {
				t.Correct, t.Explanation, f.Explanation = true, rightFB, wrongFB
			} else {
				f.Correct, f.Explanation, t.Explanation = true, rightFB, wrongFB
			}
			it.Type = quiz.TrueFalse
			it.Options = []quiz.Option{t, f}
			compatible = func(t quiz.Type) bool { return t == quiz.TrueFalse }
		default:
			parts := answer.split('=', 0)
			if len(parts) > 0 && parts[0].trim().len() == 0 {
				parts = parts[1:]
			}
			for _, p := range parts {
				p = p.trim()
				w, rest, ok, err := giftWeight(p)
				if err != nil {
					return it, name, "", err
				}
				if ok {
					p = rest
				} else {
					w = 1
				}
				if w <= 0 {
					continue
				}
				bits := p.split('#', 2)
				// Short answers are plain text whatever the format; only a
				// format prefix is removed.
				raw, _ := giftRaw(bits[0], format)
				it.Answers = append(it.Answers, unescapeWildcard(raw))
			}
			if len(it.Answers) == 0 {
				return it, name, "is a short-answer question with no answer that earns marks", nil
			}
			it.Type = quiz.ShortAnswer
			compatible = func(t quiz.Type) bool { return t == quiz.ShortAnswer }
		}
	}
	it.Tags = applyMetaTags(&it, it.Tags, compatible)
	return it, name, "", nil
}

// giftWeight reads a leading answer weight "%50%" or "%-33.33333%" as
// Moodle's regular expression /^%\-*([0-9]{1,2})\.?([0-9]*)%/ does.
func giftWeight(p gtext) (float64, gtext, bool, error) {
	s := p.String()
	if !strings.HasPrefix(s, "%") {
		return 0, p, false, nil
	}
	i := 1
	for i < len(s) && s[i] == '-' {
		i++
	}
	d := i
	for i < len(s) && i-d < 2 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == d {
		return 0, p, false, nil
	}
	if i < len(s) && s[i] == '.' {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i >= len(s) || s[i] != '%' {
		return 0, p, false, nil
	}
	num := s[1:i]
	if strings.Count(num, "-") > 1 {
		return 0, p, false, giftErr(p.firstLine(), "answer weight %q is not a number", "%"+num+"%")
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, p, false, giftErr(p.firstLine(), "answer weight %q is not a number", "%"+num+"%")
	}
	n := len([]rune(s[:i+1]))
	return v / 100, p.slice(n, p.len()), true, nil
}

package format

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// This file decides which items a format can carry. Every reason is a short
// sentence for the educator; the first problem found is reported.

// unsupported returns why format f cannot carry it, or "".
func unsupported(f Format, it *quiz.Item, opts EncodeOptions) string {
	// Every format needs valid UTF-8: encoding/json and encoding/csv would
	// otherwise replace or pass through bad bytes and the text would change.
	if r := eachText(it, func(s string) string {
		if !utf8.ValidString(s) {
			return "is not valid UTF-8"
		}
		return ""
	}); r != "" {
		return r
	}
	switch f {
	case JSON:
		return ""
	case CSV:
		if len(it.Options) > 26 {
			return fmt.Sprintf("has %d options; CSV columns are lettered A to Z", len(it.Options))
		}
		for i, o := range it.Options {
			if o.Text == "" {
				return fmt.Sprintf("option %c is empty; CSV reads an empty cell as no option", 'A'+rune(i))
			}
		}
		for _, t := range it.Tags {
			if t == "" {
				return "has an empty tag; CSV lists one tag a line"
			}
			if hasLineBreak(t) {
				return fmt.Sprintf("tag %q has a line break; CSV lists one tag a line", t)
			}
		}
		for _, a := range it.Answers {
			if a == "" {
				return "has an empty accepted answer; CSV lists one answer a line"
			}
			if hasLineBreak(a) {
				return fmt.Sprintf("accepted answer %q has a line break; CSV lists one answer a line", a)
			}
		}
		return ""
	}

	// The delivery formats.
	if !opts.AllowErrors {
		for _, fd := range it.Findings {
			if fd.Severity == quiz.Error {
				return fmt.Sprintf("has an error finding (%s: %s); fix it or set AllowErrors", fd.Rule, fd.Message)
			}
		}
	}
	if r := eachText(it, func(s string) string {
		if c, ok := firstNonXMLChar(s); ok {
			return fmt.Sprintf("contains the control character %U, which %s cannot carry", c, f)
		}
		return ""
	}); r != "" {
		return r
	}
	if r := shape(it); r != "" {
		return r
	}
	switch f {
	case MoodleXML, GIFT:
		return moodleLimits(f, it)
	case Aiken:
		return aikenLimits(it)
	}
	return ""
}

// unsupportedBank returns why format f cannot carry the bank's own fields.
func unsupportedBank(f Format, b quiz.Bank) string {
	if !utf8.ValidString(b.Name) {
		return "name is not valid UTF-8"
	}
	switch f {
	case MoodleXML, GIFT:
		if hasLineBreak(b.Name) {
			return "name has a line break; a Moodle category name is one line"
		}
		if c, ok := firstNonXMLChar(b.Name); ok {
			return fmt.Sprintf("name contains the control character %U", c)
		}
		if r := categoryNameProblem(b.Name); r != "" {
			return "name " + r
		}
		if f == GIFT && giftEscapeInCategory(b.Name) {
			return `name has "\" before one of \ : # = { } ~ n, which Moodle's GIFT reader garbles in a category`
		}
	case QTI21, QTI30:
		if c, ok := firstNonXMLChar(b.Name); ok {
			return fmt.Sprintf("name contains the control character %U", c)
		}
	}
	return ""
}

// shape checks the item is a well-formed question of its type, as every
// delivery format requires.
func shape(it *quiz.Item) string {
	if !it.Type.Valid() {
		return fmt.Sprintf("has unknown type %q", it.Type)
	}
	if trim(it.Stem) == "" {
		return "has an empty stem"
	}
	if it.Type == quiz.ShortAnswer {
		if len(it.Options) > 0 {
			return "is a short-answer item with options"
		}
		if len(it.Answers) == 0 {
			return "is a short-answer item with no accepted answer"
		}
		for _, a := range it.Answers {
			if trim(a) == "" {
				return "has an empty accepted answer"
			}
		}
		return ""
	}
	if len(it.Answers) > 0 {
		return "is a choice item with accepted answers, which only short-answer items have"
	}
	if len(it.Options) < 2 {
		return fmt.Sprintf("has %d options; a choice item needs at least 2", len(it.Options))
	}
	for i, o := range it.Options {
		if trim(o.Text) == "" {
			return fmt.Sprintf("option %c is empty", 'A'+rune(i%26))
		}
	}
	keys := len(it.Key())
	switch it.Type {
	case quiz.SingleBestAnswer, quiz.Vignette:
		if keys != 1 {
			return fmt.Sprintf("is a single-best-answer item with %d correct options; it needs exactly 1", keys)
		}
	case quiz.MultipleChoice:
		if keys == 0 {
			return "is a multiple-choice item with no correct option"
		}
	case quiz.TrueFalse:
		if len(it.Options) != 2 || it.Options[0].Text != "True" || it.Options[1].Text != "False" {
			return `is a true/false item whose options are not "True", "False"`
		}
		if keys != 1 {
			return fmt.Sprintf("is a true/false item with %d correct options; it needs exactly 1", keys)
		}
	}
	return ""
}

// Moodle's limits, which apply to GIFT too since Moodle reads it: tags
// are cleaned as PARAM_TAG (control characters and <>` removed, white space
// collapsed, trimmed, at most 50 characters: lib/moodlelib.php clean_param);
// ID numbers are at most 100 characters; grades must be one of the fixed
// grade options (question/format.php match_grade_options).
func moodleLimits(f Format, it *quiz.Item) string {
	if it.ID != "" {
		if utf8.RuneCountInString(it.ID) > 100 {
			return "ID is longer than Moodle's 100-character ID number"
		}
		if trim(it.ID) != it.ID || hasControl(it.ID) {
			return "ID has leading or trailing white space or a control character, which Moodle removes"
		}
		if f == GIFT && !giftTokenSafe(it.ID) {
			return `ID ends with "\", has "\" before "]" or contains "[tag:" or "[id:", which GIFT's [id:] comment cannot carry`
		}
	}
	for _, t := range it.Tags {
		if r := moodleTag(t); r != "" {
			return fmt.Sprintf("tag %q %s", t, r)
		}
		if metaTag(t) {
			return fmt.Sprintf("tag %q starts with a prefix Bedside reserves for item metadata (type:, difficulty:, bloom:)", t)
		}
		if f == GIFT && !giftTokenSafe(t) {
			return fmt.Sprintf(`tag %q ends with "\", has "\" before "]" or contains "[tag:" or "[id:", which GIFT's [tag:] comment cannot carry`, t)
		}
	}
	if hasLineBreak(it.Topic) {
		return "topic has a line break; it becomes a one-line Moodle category name"
	}
	if r := categoryNameProblem(it.Topic); r != "" {
		return "topic " + r
	}
	if f == GIFT && giftEscapeInCategory(it.Topic) {
		return `topic has "\" before one of \ : # = { } ~ n, which Moodle's GIFT reader garbles in a category`
	}
	if it.Type == quiz.MultipleChoice {
		k := len(it.Key())
		w := len(it.Options) - k
		if !moodleShare(k) {
			return fmt.Sprintf("has %d correct options; Moodle grades each 100/%d%%, which is not one of its grade options", k, k)
		}
		if w > 0 && !moodleShare(w) {
			return fmt.Sprintf("has %d wrong options; Moodle grades each -100/%d%%, which is not one of its grade options", w, w)
		}
	}
	if it.Type == quiz.ShortAnswer {
		for _, a := range it.Answers {
			if hasLineBreak(a) {
				return fmt.Sprintf("accepted answer %q has a line break; Moodle's answer box is one line", a)
			}
			if strings.Contains(a, `\*`) {
				return fmt.Sprintf(`accepted answer %q contains "\*", which Moodle's wildcard matching cannot carry`, a)
			}
			if f == GIFT && strings.Contains(a, "->") {
				return fmt.Sprintf(`accepted answer %q contains "->", which GIFT reads as a matching question`, a)
			}
		}
	}
	return ""
}

// moodleShare reports whether 100/n is one of Moodle's grade options
// (100, 50, 33.33333, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5).
func moodleShare(n int) bool { return (n >= 1 && n <= 10) || n == 20 }

// moodleTag returns why Moodle would change tag t on import, or "".
func moodleTag(t string) string {
	switch {
	case t == "":
		return "is empty"
	case utf8.RuneCountInString(t) > 50:
		return "is longer than Moodle's 50-character tag limit"
	case hasControl(t) || strings.ContainsAny(t, "<>`"):
		return "contains a control character or one of < > `, which Moodle removes from tags"
	case strings.Join(strings.FieldsFunc(t, phpSpace), " ") != t:
		return "has leading, trailing or repeated white space, which Moodle collapses in tags"
	}
	return ""
}

// giftEscapeInCategory reports whether s holds a GIFT escape sequence,
// which Moodle replaces with a placeholder it never restores in a
// "$CATEGORY:" line (question/format/gift/format.php escapedchar_pre).
func giftEscapeInCategory(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\\' && strings.IndexByte(`\:#={}~n`, s[i+1]) >= 0 {
			return true
		}
	}
	return false
}

// phpSpace reports whether r is white space to PCRE's \s without the
// UTF-8 flag, as Moodle's PARAM_TAG cleaning uses it.
func phpSpace(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') }

// giftTokenSafe reports whether s survives GIFT's [id:…] and [tag:…]
// comment tokens, where "]" is written "\]".
// A value that itself contains "[tag:" or "[id:" would also be read as a
// further token, since Moodle searches the whole comment for each kind.
func giftTokenSafe(s string) bool {
	return !strings.HasSuffix(s, `\`) && !strings.Contains(s, `\]`) &&
		!strings.Contains(s, "[tag:") && !strings.Contains(s, "[id:")
}

func aikenLimits(it *quiz.Item) string {
	switch it.Type {
	case quiz.ShortAnswer:
		return "is a short-answer item; Aiken carries only single-answer multiple choice"
	case quiz.MultipleChoice:
		if n := len(it.Key()); n != 1 {
			return fmt.Sprintf("has %d correct options; Aiken carries only single-answer multiple choice", n)
		}
	}
	if len(it.Options) > 26 {
		return fmt.Sprintf("has %d options; Aiken letters them A to Z", len(it.Options))
	}
	stem := foldLine(it.Stem)
	if len(stem) < 2 {
		return "has a stem shorter than 2 characters, which Aiken readers skip"
	}
	if aikenOptionLine(stem) || strings.HasPrefix(stem, "ANSWER:") {
		return fmt.Sprintf("has a stem that starts like an Aiken option or answer line (%q)", firstRunes(stem, 12))
	}
	return ""
}

// eachText calls check on every text of it and returns the first non-empty
// result, prefixed with the field it came from.
func eachText(it *quiz.Item, check func(string) string) string {
	try := func(field, s string) string {
		if r := check(s); r != "" {
			return field + " " + r
		}
		return ""
	}
	if r := try("ID", it.ID); r != "" {
		return r
	}
	if r := try("stem", it.Stem); r != "" {
		return r
	}
	for i, o := range it.Options {
		l := string('A' + rune(i%26))
		if r := try("option "+l, o.Text); r != "" {
			return r
		}
		if r := try("explanation of option "+l, o.Explanation); r != "" {
			return r
		}
	}
	for _, a := range it.Answers {
		if r := try("accepted answer", a); r != "" {
			return r
		}
	}
	if r := try("rationale", it.Rationale); r != "" {
		return r
	}
	for _, c := range it.Citations {
		for _, s := range append([]string{c.DocumentID, c.Version, c.Title, c.ChunkID, c.ChunkHash, c.Quote}, c.Section...) {
			if r := try("citation", s); r != "" {
				return r
			}
		}
	}
	for _, s := range []struct{ field, s string }{
		{"difficulty", string(it.Difficulty)}, {"Bloom level", string(it.Bloom)},
		{"topic", it.Topic}, {"generator", it.Generator}, {"type", string(it.Type)},
	} {
		if r := try(s.field, s.s); r != "" {
			return r
		}
	}
	for _, t := range it.Tags {
		if r := try("tag", t); r != "" {
			return r
		}
	}
	for _, f := range it.Findings {
		for _, s := range []string{f.Rule, string(f.Severity), f.Message, f.Text} {
			if r := try("finding", s); r != "" {
				return r
			}
		}
	}
	return ""
}

// firstNonXMLChar returns the first rune of s that XML 1.0 cannot carry
// (https://www.w3.org/TR/xml/#charsets: #x9 | #xA | #xD | [#x20-#xD7FF] |
// [#xE000-#xFFFD] | [#x10000-#x10FFFF]).
func firstNonXMLChar(s string) (rune, bool) {
	for _, r := range s {
		if !xmlChar(r) {
			return r, true
		}
	}
	return 0, false
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// lineBreaks are the characters Bedside treats as ending a line: those
// Unicode calls mandatory breaks.
const lineBreaks = "\n\r\v\f\u0085\u2028\u2029"

func hasLineBreak(s string) bool { return strings.ContainsAny(s, lineBreaks) }

// foldLine turns s into one line, as Aiken needs: every run of white space
// that contains a line break becomes one space, and the ends are trimmed.
func foldLine(s string) string {
	if !hasLineBreak(s) {
		return trim(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isSpace(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j, brk := i, false
		for j < len(rs) && isSpace(rs[j]) {
			brk = brk || strings.ContainsRune(lineBreaks, rs[j])
			j++
		}
		if brk {
			b.WriteByte(' ')
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return trim(b.String())
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || strings.ContainsRune(lineBreaks, r)
}

// trim removes leading and trailing white space as PHP's trim() does
// (" \t\n\r\0\x0B"), which is what Moodle applies to imported text.
func trim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0B") }

func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

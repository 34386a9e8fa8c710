package format

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Moodle XML, as Moodle's own importer and exporter read and write it
// (question/format/xml/format.php in moodle/moodle, MOODLE_4x: writequestion,
// import_multichoice, import_truefalse, import_shortanswer,
// import_question_tags; documented at docs.moodle.org "Moodle XML format").
// We follow its exporter element for element:
//
//	<quiz>
//	  <question type="category"><category><text>$course$/top/Bank</text></category>…</question>
//	  <question type="multichoice">
//	    <name><text>…</text></name>
//	    <questiontext format="html"><text><![CDATA[…]]></text></questiontext>
//	    <generalfeedback format="html"><text>…</text></generalfeedback>
//	    <defaultgrade>1.0000000</defaultgrade> <penalty>0.3333333</penalty>
//	    <hidden>0</hidden> <idnumber>…</idnumber>
//	    <single>true</single> <shuffleanswers>true</shuffleanswers>
//	    <answernumbering>abc</answernumbering>
//	    <correctfeedback>, <partiallycorrectfeedback>, <incorrectfeedback>
//	    <answer fraction="100" format="html"><text>…</text><feedback format="html"><text>…</text></feedback></answer>
//	    <tags><tag><text>…</text></tag></tags>
//	  </question>
//	</quiz>
//
// Text is wrapped in CDATA when it holds any of & < > " ' (Moodle's
// xml_escape), and a "]]>" inside is split across two CDATA sections as
// "]]]]><![CDATA[>".

const (
	moodleGrade       = "1.0000000"
	moodlePenalty     = "0.3333333"
	moodleTFPenalty   = "1.0000000"
	moodleStemNameMax = 80
)

// cdata returns s as XML character data the way Moodle's xml_escape does.
func cdata(s string) string {
	if s == "" || !strings.ContainsAny(s, `&<>"'`) {
		return s
	}
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

func encodeMoodle(w *bytes.Buffer, b quiz.Bank) error {
	w.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n")
	category := ""
	for i := range b.Items {
		it := &b.Items[i]
		if b.Name != "" || it.Topic != "" {
			if c := categoryPath(b.Name, it.Topic); c != category {
				category = c
				w.WriteString("  <question type=\"category\">\n    <category>\n      <text>")
				w.WriteString(cdata(c))
				w.WriteString("</text>\n    </category>\n    <info format=\"html\">\n      <text></text>\n    </info>\n  </question>\n")
			}
		}
		if err := moodleQuestion(w, it); err != nil {
			return fmt.Errorf("item %d: %w", i+1, err)
		}
	}
	w.WriteString("</quiz>\n")
	return nil
}

func moodleQuestion(w *bytes.Buffer, it *quiz.Item) error {
	qtype := "multichoice"
	switch it.Type {
	case quiz.TrueFalse:
		qtype = "truefalse"
	case quiz.ShortAnswer:
		qtype = "shortanswer"
	}
	feedback, err := feedbackHTML(it.Rationale, it.Citations)
	if err != nil {
		return err
	}
	text := func(indent, s string) {
		w.WriteString(indent)
		w.WriteString("<text>")
		w.WriteString(cdata(s))
		w.WriteString("</text>\n")
	}
	fmt.Fprintf(w, "  <question type=%q>\n", qtype)
	w.WriteString("    <name>\n")
	text("      ", questionName(it))
	w.WriteString("    </name>\n    <questiontext format=\"html\">\n")
	text("      ", textToHTML(it.Stem))
	w.WriteString("    </questiontext>\n    <generalfeedback format=\"html\">\n")
	text("      ", feedback)
	w.WriteString("    </generalfeedback>\n")
	penalty := moodlePenalty
	if it.Type == quiz.TrueFalse {
		penalty = moodleTFPenalty
	}
	fmt.Fprintf(w, "    <defaultgrade>%s</defaultgrade>\n    <penalty>%s</penalty>\n    <hidden>0</hidden>\n", moodleGrade, penalty)
	w.WriteString("    <idnumber>")
	w.WriteString(cdata(it.ID))
	w.WriteString("</idnumber>\n")

	answer := func(fraction, format, body, fb string) {
		fmt.Fprintf(w, "    <answer fraction=%q format=%q>\n", fraction, format)
		text("      ", body)
		w.WriteString("      <feedback format=\"html\">\n")
		text("        ", fb)
		w.WriteString("      </feedback>\n    </answer>\n")
	}
	switch it.Type {
	case quiz.TrueFalse:
		// Moodle writes the true answer, then the false one, with the
		// answer text "true" / "false".
		for i, word := range []string{"true", "false"} {
			o := it.Options[i]
			answer(boolFraction(o.Correct), "moodle_auto_format", word, textToHTML(o.Explanation))
		}
	case quiz.ShortAnswer:
		w.WriteString("    <usecase>0</usecase>\n")
		for _, a := range it.Answers {
			answer("100", "moodle_auto_format", escapeWildcard(trim(a)), "")
		}
	default:
		single := it.Type != quiz.MultipleChoice
		fmt.Fprintf(w, "    <single>%t</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n", single)
		for _, f := range []string{"correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"} {
			fmt.Fprintf(w, "    <%s format=\"html\">\n      <text></text>\n    </%s>\n", f, f)
		}
		if !single {
			w.WriteString("    <shownumcorrect/>\n")
		}
		right, wrong := optionFractions(it)
		for _, o := range it.Options {
			frac := wrong
			if o.Correct {
				frac = right
			}
			answer(frac, "html", textToHTML(o.Text), textToHTML(o.Explanation))
		}
	}
	tags := append(metaTags(it), it.Tags...)
	w.WriteString("    <tags>\n")
	for _, t := range tags {
		w.WriteString("      <tag>")
		text("", t)
		w.Truncate(w.Len() - 1) // Moodle writes <tag><text>…</text></tag> on one line
		w.WriteString("</tag>\n")
	}
	w.WriteString("    </tags>\n  </question>\n")
	return nil
}

func boolFraction(correct bool) string {
	if correct {
		return "100"
	}
	return "0"
}

// optionFractions returns the grade percentages of a right and a wrong
// option: 100 and 0 for single-answer items; for multiple-choice items each
// right option earns 100/k and each wrong one costs 100/w, so that ticking
// every box earns nothing (Moodle's advice for "multiple answers allowed").
func optionFractions(it *quiz.Item) (right, wrong string) {
	if it.Type != quiz.MultipleChoice {
		return "100", "0"
	}
	k := len(it.Key())
	w := len(it.Options) - k
	right = percent(100 / float64(k))
	wrong = "0"
	if w > 0 {
		wrong = "-" + percent(100/float64(w))
	}
	return right, wrong
}

// percent formats p as Moodle writes grade percentages: at most 5 decimals,
// no trailing zeros (33.33333, 50, 12.5).
func percent(p float64) string {
	s := strconv.FormatFloat(p, 'f', 5, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// questionName is the Moodle question name: the item's ID or the start of
// its stem.
func questionName(it *quiz.Item) string {
	if it.ID != "" {
		return it.ID
	}
	return firstRunes(foldLine(it.Stem), moodleStemNameMax)
}

// escapeWildcard writes a literal "*" in a short answer as "\*": Moodle's
// short-answer matching reads a bare "*" as a wildcard
// (question/type/shortanswer/question.php compare_string_with_wildcard).
func escapeWildcard(s string) string { return strings.ReplaceAll(s, "*", `\*`) }

func unescapeWildcard(s string) string { return strings.ReplaceAll(s, `\*`, "*") }

// Decoding.

type mxText struct {
	Format string   `xml:"format,attr"`
	Text   string   `xml:"text"`
	Files  []string `xml:"file"`
}

type mxAnswer struct {
	Fraction string   `xml:"fraction,attr"`
	Format   string   `xml:"format,attr"`
	Text     string   `xml:"text"`
	Files    []string `xml:"file"`
	Feedback *mxText  `xml:"feedback"`
}

type mxQuestion struct {
	Type            string     `xml:"type,attr"`
	Category        *mxText    `xml:"category"`
	Name            *mxText    `xml:"name"`
	QuestionText    *mxText    `xml:"questiontext"`
	GeneralFeedback *mxText    `xml:"generalfeedback"`
	IDNumber        string     `xml:"idnumber"`
	Single          *string    `xml:"single"`
	Answers         []mxAnswer `xml:"answer"`
	Tags            []mxText   `xml:"tags>tag"`
}

func decodeMoodle(data []byte) (decoded, error) {
	var out decoded
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// Moodle writes UTF-8; older files may declare another encoding.
	d.CharsetReader = charset.NewReaderLabel
	synErr := func(line int, elem, msg string) error {
		return &SyntaxError{Format: MoodleXML, Line: line, Element: elem, Msg: msg}
	}
	xmlErr := func(err error) error {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return synErr(se.Line, "", se.Msg)
		}
		line, _ := d.InputPos()
		return synErr(line, "", err.Error())
	}
	// Find the root.
	var root xml.StartElement
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, synErr(0, "", "no <quiz> element")
		}
		if err != nil {
			return out, xmlErr(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "quiz" {
		line, _ := d.InputPos()
		return out, synErr(line, "<"+root.Name.Local+">", "the root element must be <quiz>")
	}
	bankSet := false
	topic := ""
	index := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, synErr(0, "<quiz>", "not closed")
		}
		if err != nil {
			return out, xmlErr(err)
		}
		if _, ok := tok.(xml.EndElement); ok {
			break // </quiz>: the decoder has checked it matches
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := d.InputPos()
		if se.Name.Local != "question" {
			if err := d.Skip(); err != nil {
				return out, xmlErr(err)
			}
			continue
		}
		var q mxQuestion
		if err := d.DecodeElement(&q, &se); err != nil {
			return out, xmlErr(err)
		}
		elem := fmt.Sprintf("<question type=%q>", q.Type)
		if q.Type == "" {
			return out, synErr(line, "<question>", "missing type attribute")
		}
		if q.Type == "category" {
			if q.Category == nil {
				return out, synErr(line, elem, "missing <category>")
			}
			bank, t := splitCategory(q.Category.Text)
			if !bankSet {
				out.bank.Name, bankSet = bank, true
			}
			topic = t
			continue
		}
		it, reason, ee := moodleItem(&q)
		if ee != nil {
			return out, synErr(line, strings.TrimSpace(elem+" "+ee.elem), ee.msg)
		}
		if reason != "" {
			id := q.IDNumber
			if id == "" && q.Name != nil {
				id = trim(q.Name.Text)
			}
			out.skipped = append(out.skipped, Skip{Index: index, ID: trim(id), Line: line, Reason: reason})
			index++
			continue
		}
		it.Topic = topic
		out.bank.Items = append(out.bank.Items, it)
		index++
	}
	return out, nil
}

type elemError struct{ elem, msg string }

// moodleText returns the plain text of a Moodle text field: HTML (the
// default, and what Moodle assumes for unknown formats) is converted;
// moodle_auto_format, plain_text, markdown and wiki_like are kept as written.
func moodleText(t *mxText, def string) string {
	if t == nil {
		return ""
	}
	format := t.Format
	if format == "" {
		format = def
	}
	switch trim(format) {
	case "moodle_auto_format", "plain_text", "markdown", "wiki_like":
		return trim(normalizeNewlines(t.Text))
	}
	return htmlToText(t.Text)
}

func moodleItem(q *mxQuestion) (quiz.Item, string, *elemError) {
	var it quiz.Item
	switch q.Type {
	case "multichoice", "truefalse", "shortanswer":
	case "description":
		return it, "is a description, not a question", nil
	default:
		return it, fmt.Sprintf("is a Moodle %q question; Bedside reads multichoice, truefalse and shortanswer", q.Type), nil
	}
	if q.QuestionText == nil {
		return it, "", &elemError{"", "missing <questiontext>"}
	}
	if len(q.QuestionText.Files) > 0 || (q.GeneralFeedback != nil && len(q.GeneralFeedback.Files) > 0) {
		return it, "has embedded files (images or media), which Bedside does not carry", nil
	}
	qformat := q.QuestionText.Format
	if qformat == "" {
		qformat = "html"
	}
	it.Stem = moodleText(q.QuestionText, "html")
	it.ID = trim(q.IDNumber)
	if q.GeneralFeedback != nil {
		gf := q.GeneralFeedback
		f := gf.Format
		if f == "" {
			f = qformat
		}
		switch trim(f) {
		case "moodle_auto_format", "plain_text", "markdown", "wiki_like":
			it.Rationale = trim(normalizeNewlines(gf.Text))
		default:
			r, cits, err := parseFeedback(gf.Text)
			if err != nil {
				return it, "", &elemError{"<generalfeedback>", err.Error()}
			}
			it.Rationale, it.Citations = r, cits
		}
	}
	fractions := make([]float64, len(q.Answers))
	for i, a := range q.Answers {
		f, err := strconv.ParseFloat(trim(a.Fraction), 64)
		if a.Fraction == "" {
			f, err = 0, nil
		}
		if err != nil {
			return it, "", &elemError{fmt.Sprintf("<answer> %d", i+1), fmt.Sprintf("fraction %q is not a number", a.Fraction)}
		}
		if len(a.Files) > 0 || (a.Feedback != nil && len(a.Feedback.Files) > 0) {
			return it, "has embedded files (images or media), which Bedside does not carry", nil
		}
		fractions[i] = f
	}
	var compatible func(quiz.Type) bool
	switch q.Type {
	case "truefalse":
		it.Type = quiz.TrueFalse
		if len(q.Answers) == 0 {
			return it, "is a true/false question with no answers", nil
		}
		// As Moodle: match on the answer text "true"/"false", falling back
		// to the order true, false for old files.
		t := quiz.Option{Text: "True"}
		f := quiz.Option{Text: "False"}
		trueRight := false
		for i, a := range q.Answers {
			word := trim(a.Text)
			if word != "true" && word != "false" {
				word = "true"
				if i > 0 {
					word = "false"
				}
			}
			fb := moodleText(a.Feedback, qformat)
			if word == "true" {
				trueRight = fractions[i] == 100
				t.Explanation = fb
			} else {
				trueRight = fractions[i] != 100
				f.Explanation = fb
			}
		}
		t.Correct, f.Correct = trueRight, !trueRight
		it.Options = []quiz.Option{t, f}
		compatible = func(t quiz.Type) bool { return t == quiz.TrueFalse }
	case "shortanswer":
		it.Type = quiz.ShortAnswer
		for i, a := range q.Answers {
			if fractions[i] > 0 {
				it.Answers = append(it.Answers, unescapeWildcard(trim(a.Text)))
			}
		}
		if len(it.Answers) == 0 {
			return it, "is a short-answer question with no answer that earns marks", nil
		}
		compatible = func(t quiz.Type) bool { return t == quiz.ShortAnswer }
	default:
		single := true
		if q.Single != nil {
			s := trim(*q.Single)
			single = !(s == "false" || s == "" || s == "0")
		}
		if len(q.Answers) < 2 {
			return it, fmt.Sprintf("is a multiple-choice question with %d answers; it needs at least 2", len(q.Answers)), nil
		}
		for i, a := range q.Answers {
			f := a.Format
			if f == "" {
				f = qformat
			}
			it.Options = append(it.Options, quiz.Option{
				Text:        moodleText(&mxText{Format: f, Text: a.Text}, qformat),
				Correct:     fractions[i] > 0,
				Explanation: moodleText(a.Feedback, qformat),
			})
		}
		if single {
			it.Type = quiz.SingleBestAnswer
			compatible = func(t quiz.Type) bool { return t == quiz.SingleBestAnswer || t == quiz.Vignette }
		} else {
			it.Type = quiz.MultipleChoice
			compatible = func(t quiz.Type) bool { return t == quiz.MultipleChoice }
		}
	}
	var tags []string
	for _, t := range q.Tags {
		tags = append(tags, trim(t.Text))
	}
	it.Tags = applyMetaTags(&it, tags, compatible)
	return it, "", nil
}

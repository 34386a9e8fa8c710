package format

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

func TestFormatFor(t *testing.T) {
	tests := []struct {
		name string
		want Format
	}{
		{"bank.xml", MoodleXML},
		{"dir/Bank.XML", MoodleXML},
		{"bank.gift", GIFT},
		{"bank.gift.txt", GIFT},
		{"bank.aiken", Aiken},
		{"bank.aiken.txt", Aiken},
		{"bank.zip", QTI21},
		{"bank.qti30.zip", QTI30},
		{"bank.qti21.zip", QTI21},
		{"bank.csv", CSV},
		{"bank.json", JSON},
		{"bank.moodle.xml", MoodleXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FormatFor(tt.name)
			if err != nil || got != tt.want {
				t.Errorf("FormatFor(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
			}
		})
	}
	for _, name := range []string{"bank.txt", "bank", "bank.docx"} {
		if _, err := FormatFor(name); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("FormatFor(%q) error = %v; want ErrUnknownFormat", name, err)
		}
	}
}

func TestGolden(t *testing.T) {
	b := sampleBank()
	for _, f := range []Format{MoodleXML, GIFT, Aiken, CSV, JSON} {
		t.Run(string(f), func(t *testing.T) {
			data, res := encode(t, f, b, EncodeOptions{SkipUnsupported: true})
			golden(t, "sample"+goldenExt(f), data)
			if f == Aiken {
				if len(res.Skipped) != 2 || res.Items != 3 {
					t.Errorf("Aiken result = %+v; want 3 items and 2 skipped (the MCQ and the short answer)", res)
				}
			} else if res.Items != len(b.Items) || len(res.Skipped) != 0 {
				t.Errorf("%s result = %+v; want all %d items", f, res, len(b.Items))
			}
		})
	}
	for _, f := range []Format{QTI21, QTI30} {
		t.Run(string(f), func(t *testing.T) {
			data, _ := encode(t, f, b, EncodeOptions{})
			for _, file := range unzip(t, data) {
				golden(t, string(f)+"/"+file.name, file.data)
			}
		})
	}
}

func goldenExt(f Format) string {
	switch f {
	case MoodleXML:
		return ".moodle.xml"
	case GIFT:
		return ".gift"
	case Aiken:
		return ".aiken"
	}
	return f.Extension()
}

// TestRoundTrip encodes the sample bank in every readable format, decodes
// it and compares what the format carries.
func TestRoundTrip(t *testing.T) {
	b := sampleBank()
	for _, f := range Formats {
		if !f.CanDecode() {
			continue
		}
		t.Run(string(f), func(t *testing.T) {
			data, res := encode(t, f, b, EncodeOptions{SkipUnsupported: true})
			got, err := Decode(bytes.NewReader(data), f)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", f, err)
			}
			skipped := map[int]bool{}
			for _, s := range res.Skipped {
				skipped[s.Index] = true
			}
			var want []quiz.Item
			for i, it := range b.Items {
				if !skipped[i] {
					want = append(want, carried(f, it))
				}
			}
			if len(got.Items) != len(want) {
				t.Fatalf("Decode(%s) gave %d items; want %d", f, len(got.Items), len(want))
			}
			for i := range want {
				if !equalItem(got.Items[i], want[i]) {
					t.Errorf("item %d after %s round trip:\n got %+v\nwant %+v", i, f, norm(got.Items[i]), norm(want[i]))
				}
			}
			wantName := b.Name
			if f == Aiken || f == CSV {
				wantName = "" // not carried
			}
			if got.Name != wantName {
				t.Errorf("bank name after %s round trip = %q; want %q", f, got.Name, wantName)
			}
		})
	}
}

// hostile are texts that break naive writers.
var hostile = []string{
	`All GIFT specials ~ = # { } : and \ backslash`,
	`XML specials < > & " ' and ]]> ends CDATA`,
	`]]>`,
	`<![CDATA[ inner ]]>`,
	"Unicode: café, naïve, 日本語, 🩺, עברית, e\u0301, zero\u200bwidth, NBSP\u00a0here",
	"Line one\nLine two\r\nLine three\rLine four",
	"Paragraph one\n\nParagraph two",
	"Tabs\tand  double  spaces",
	`&amp; &lt; literal entities &#35; &nbsp;`,
	`Looks like HTML: <b>bold</b> <br> <p>para</p> <script>x</script>`,
	`%50% starts like a GIFT weight`,
	`[html] starts like a GIFT format tag`,
	`// looks like a GIFT comment`,
	`::looks like a GIFT name::`,
	`$CATEGORY: looks like a GIFT category`,
	`{=right ~wrong #feedback}`,
	`#### general feedback marker`,
	`TRUE`,
	`a->b looks like GIFT matching`,
	`ANSWER: B`,
	`A) looks like an Aiken option`,
	`=SUM(1,2) starts like a formula`,
	`-2 and +3 and @cell`,
	`'quoted'`,
	"line\u2028separator",
	`* wildcard and \* escaped star`,
	`trailing backslash \`,
	`[tag:x] [id:y] look like GIFT comment tokens`,
	`two  spaces`,
	`  padded  `,
	"bell\x07control",
	"\xff\xfe invalid UTF-8",
}

// hostileItems places each hostile text in each text field of an item.
func hostileItems() []struct {
	field string
	text  int
	it    quiz.Item
} {
	var out []struct {
		field string
		text  int
		it    quiz.Item
	}
	base := func() quiz.Item {
		b := sampleBank()
		return b.Items[0] // SBA with every field set
	}
	add := func(field string, i int, it quiz.Item) {
		out = append(out, struct {
			field string
			text  int
			it    quiz.Item
		}{field, i, it})
	}
	for i, h := range hostile {
		it := base()
		it.Stem = h
		add("stem", i, it)
		it = base()
		it.Options[1].Text = h
		add("option", i, it)
		it = base()
		it.Options[1].Explanation = h
		add("explanation", i, it)
		it = base()
		it.Rationale = h
		add("rationale", i, it)
		it = base()
		it.Citations[0].Quote = h
		it.Citations[0].Title = h
		it.Citations[0].Section = []string{h, "b"}
		add("citation", i, it)
		it = base()
		it.Tags = []string{h}
		add("tag", i, it)
		it = base()
		it.Topic = h
		add("topic", i, it)
		it = base()
		it.ID = h
		add("id", i, it)
		short := sampleBank().Items[4]
		short.Answers = []string{h, "NEWS2"}
		add("answer", i, short)
		mcq := sampleBank().Items[2]
		mcq.Options[2].Text = h
		add("mcq-option", i, mcq)
		tf := sampleBank().Items[3]
		tf.Options[0].Explanation = h
		add("tf-explanation", i, tf)
	}
	return out
}

// TestHostileRoundTrip puts every hostile text in every field and checks,
// for each format, that the item either round-trips exactly (on what the
// format carries) or is refused with a reason. The refusals are the golden
// file testdata/hostile-refusals.txt, so a change in what a format accepts
// shows up in review.
func TestHostileRoundTrip(t *testing.T) {
	var refusals strings.Builder
	for _, f := range Formats {
		if !f.CanDecode() {
			continue
		}
		for _, h := range hostileItems() {
			name := fmt.Sprintf("%s/%s/%d", f, h.field, h.text)
			var buf bytes.Buffer
			_, err := EncodeWith(&buf, f, quiz.Bank{Name: "Hostile", Items: []quiz.Item{h.it}}, EncodeOptions{})
			var ue *UnsupportedError
			if errors.As(err, &ue) {
				fmt.Fprintf(&refusals, "%s: %s\n", name, ue.Skipped[0].Reason)
				continue
			}
			if err != nil {
				t.Errorf("%s: Encode = %v", name, err)
				continue
			}
			got, err := Decode(&buf, f)
			if err != nil {
				t.Errorf("%s: Decode = %v\n%s", name, err, buf.String())
				continue
			}
			if len(got.Items) != 1 {
				t.Errorf("%s: Decode gave %d items; want 1", name, len(got.Items))
				continue
			}
			if want := carried(f, h.it); !equalItem(got.Items[0], want) {
				t.Errorf("%s: round trip of %q:\n got %+v\nwant %+v\n%s", name, hostile[h.text], norm(got.Items[0]), norm(want), buf.String())
			}
		}
	}
	golden(t, "hostile-refusals.txt", []byte(refusals.String()))
}

func TestHostileGolden(t *testing.T) {
	// One readable item full of hostile text, to show the escaping.
	it := sampleBank().Items[0]
	it.ID = "hostile"
	it.Stem = "GIFT ~ = # { } : \\ and XML < > & \" ' ]]> and\nnew lines, café 🩺"
	it.Options[0].Text = "%50% and [html] and ]]>"
	it.Options[1].Explanation = "{=x ~y} #### // not a comment"
	it.Rationale = "<b>not bold</b> &amp;"
	it.Citations[0].Quote = "quote with \"quotes\" & ]]> and ~=#{}:"
	b := quiz.Bank{Name: "Hostile", Items: []quiz.Item{it}}
	for _, f := range []Format{MoodleXML, GIFT, Aiken, CSV} {
		data, _ := encode(t, f, b, EncodeOptions{})
		golden(t, "hostile"+goldenExt(f), data)
	}
}

func TestEscapingTables(t *testing.T) {
	t.Run("giftEscape", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"~=#{}:", `\~\=\#\{\}\:`},
			{`a\b`, `a\\b`},
			{`C:\`, `C\:\\`},
			{"one\ntwo\r\n", `one\ntwo\n`},
			{"café 🩺 <&>", "café 🩺 <&>"},
			{"%50%", "%50%"},
		}
		for _, tt := range tests {
			if got := giftEscape(tt.in); got != tt.want {
				t.Errorf("giftEscape(%q) = %q; want %q", tt.in, got, tt.want)
			}
		}
	})
	t.Run("cdata", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"plain", "plain"},
			{"", ""},
			{"a<b", "<![CDATA[a<b]]>"},
			{"x]]>y", "<![CDATA[x]]]]><![CDATA[>y]]>"},
			{"]]>]]>", "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>"},
			{`it's "q"`, `<![CDATA[it's "q"]]>`},
		}
		for _, tt := range tests {
			if got := cdata(tt.in); got != tt.want {
				t.Errorf("cdata(%q) = %q; want %q", tt.in, got, tt.want)
			}
		}
	})
	t.Run("textToHTML", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"a < b & c > d", "a &lt; b &amp; c &gt; d"},
			{" one\r\ntwo\rthree\n ", "one<br>two<br>three"},
			{`"quotes" 'single'`, `"quotes" 'single'`},
			{"]]>", "]]&gt;"},
			{"&amp;", "&amp;amp;"},
		}
		for _, tt := range tests {
			if got := textToHTML(tt.in); got != tt.want {
				t.Errorf("textToHTML(%q) = %q; want %q", tt.in, got, tt.want)
			}
		}
	})
	t.Run("htmlToText", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"a &lt; b &amp; c", "a < b & c"},
			{"one<br>two<br/>three", "one\ntwo\nthree"},
			{"<p>\n  First\n  line\n</p>\n<p>Second</p>", "First line\nSecond"},
			{"keep  two  spaces\tand tab", "keep  two  spaces\tand tab"},
			{"<script>alert(1)</script>text", "text"},
			{"&nbsp;x&#160;", "\u00a0x\u00a0"},
			{"<ul><li>a</li><li>b</li></ul>", "a\nb"},
		}
		for _, tt := range tests {
			if got := htmlToText(tt.in); got != tt.want {
				t.Errorf("htmlToText(%q) = %q; want %q", tt.in, got, tt.want)
			}
		}
	})
	t.Run("foldLine", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"one\ntwo", "one two"},
			{"one \r\n\t two", "one two"},
			{"keep  spaces", "keep  spaces"},
			{"a\u2028b", "a b"},
			{"\n lead and trail \n", "lead and trail"},
		}
		for _, tt := range tests {
			if got := foldLine(tt.in); got != tt.want {
				t.Errorf("foldLine(%q) = %q; want %q", tt.in, got, tt.want)
			}
		}
	})
	t.Run("csvGuard", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@A1", "'@A1"},
			{"\tx", "'\tx"}, {"'q", "''q"}, {"plain", "plain"}, {"", ""},
		}
		for _, tt := range tests {
			got := csvGuard(tt.in)
			if got != tt.want {
				t.Errorf("csvGuard(%q) = %q; want %q", tt.in, got, tt.want)
			}
			if back := csvUnguard(got); back != tt.in {
				t.Errorf("csvUnguard(%q) = %q; want %q", got, back, tt.in)
			}
		}
	})
	t.Run("percent", func(t *testing.T) {
		tests := []struct {
			in   float64
			want string
		}{{100, "100"}, {50, "50"}, {100.0 / 3, "33.33333"}, {100.0 / 6, "16.66667"}, {100.0 / 7, "14.28571"}, {12.5, "12.5"}}
		for _, tt := range tests {
			if got := percent(tt.in); got != tt.want {
				t.Errorf("percent(%v) = %q; want %q", tt.in, got, tt.want)
			}
		}
	})
}

func TestUnsupported(t *testing.T) {
	b := sampleBank()
	t.Run("strict", func(t *testing.T) {
		var buf bytes.Buffer
		err := Encode(&buf, Aiken, b)
		var ue *UnsupportedError
		if !errors.As(err, &ue) {
			t.Fatalf("Encode(Aiken) = %v; want *UnsupportedError", err)
		}
		want := "format: aiken cannot carry 2 items: item 3 (q-mcq): has 2 correct options; Aiken carries only single-answer multiple choice; " +
			"item 5 (q-short): is a short-answer item; Aiken carries only single-answer multiple choice"
		if err.Error() != want {
			t.Errorf("Encode(Aiken) error =\n%s\nwant\n%s", err, want)
		}
		if buf.Len() != 0 {
			t.Errorf("Encode(Aiken) wrote %d bytes on error; want none", buf.Len())
		}
	})
	t.Run("skip", func(t *testing.T) {
		_, res := encode(t, Aiken, b, EncodeOptions{SkipUnsupported: true})
		if res.Items != 3 || len(res.Skipped) != 2 || res.Skipped[0].Index != 2 || res.Skipped[1].ID != "q-short" {
			t.Errorf("EncodeWith(Aiken, skip) = %+v; want 3 written, items 3 and 5 skipped", res)
		}
	})
	t.Run("error findings", func(t *testing.T) {
		bb := sampleBank()
		bb.Items[0].Findings = []quiz.Finding{{Rule: "key-not-supported", Severity: quiz.Error, Message: "the key is not in the cited passage"}}
		bb.Items[1].Findings = []quiz.Finding{{Rule: "longest-option-is-key", Severity: quiz.Warning, Message: "the key is the longest option"}}
		for _, f := range []Format{MoodleXML, GIFT, QTI21, QTI30} {
			err := Encode(&bytes.Buffer{}, f, bb)
			want := fmt.Sprintf("format: %s cannot carry 1 item: item 1 (q-rr): has an error finding (key-not-supported: the key is not in the cited passage); fix it or set AllowErrors", f)
			if err == nil || err.Error() != want {
				t.Errorf("Encode(%s) = %v; want %s", f, err, want)
			}
			if _, err := EncodeWith(&bytes.Buffer{}, f, bb, EncodeOptions{AllowErrors: true}); err != nil {
				t.Errorf("EncodeWith(%s, AllowErrors) = %v; want nil", f, err)
			}
		}
		for _, f := range []Format{JSON, CSV} {
			if err := Encode(&bytes.Buffer{}, f, bb); err != nil {
				t.Errorf("Encode(%s) with error findings = %v; want nil (working formats carry findings)", f, err)
			}
		}
	})
	t.Run("shapes", func(t *testing.T) {
		tests := []struct {
			name   string
			mutate func(*quiz.Item)
			want   string
		}{
			{"empty stem", func(it *quiz.Item) { it.Stem = " \n " }, "has an empty stem"},
			{"two keys", func(it *quiz.Item) { it.Options[0].Correct = true }, "is a single-best-answer item with 2 correct options; it needs exactly 1"},
			{"one option", func(it *quiz.Item) { it.Options = it.Options[:1] }, "has 1 options; a choice item needs at least 2"},
			{"empty option", func(it *quiz.Item) { it.Options[3].Text = "" }, "option D is empty"},
			{"unknown type", func(it *quiz.Item) { it.Type = "essay" }, `has unknown type "essay"`},
			{"reserved tag", func(it *quiz.Item) { it.Tags = []string{"difficulty:hard"} }, `tag "difficulty:hard" starts with a prefix Bedside reserves for item metadata (type:, difficulty:, bloom:)`},
			{"long tag", func(it *quiz.Item) { it.Tags = []string{strings.Repeat("x", 51)} }, `tag "` + strings.Repeat("x", 51) + `" is longer than Moodle's 50-character tag limit`},
			{"duplicate ID", nil, "another item has the same ID"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				bb := sampleBank()
				it := bb.Items[0]
				if tt.mutate != nil {
					tt.mutate(&it)
					bb.Items = []quiz.Item{it}
				} else {
					bb.Items = []quiz.Item{it, it}
				}
				_, res := encode(t, MoodleXML, bb, EncodeOptions{SkipUnsupported: true})
				if len(res.Skipped) != 1 || res.Skipped[0].Reason != tt.want {
					t.Errorf("EncodeWith(moodle) skipped %+v; want one with reason %q", res.Skipped, tt.want)
				}
			})
		}
	})
	t.Run("decode", func(t *testing.T) {
		in := `<?xml version="1.0"?>
<quiz>
  <question type="essay">
    <name><text>Essay</text></name>
    <questiontext format="html"><text>Discuss.</text></questiontext>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="html"><text>Water is wet.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>`
		_, err := Decode(strings.NewReader(in), MoodleXML)
		want := `format: moodle: 1 question Bedside cannot read: line 3: item 1 (Essay): is a Moodle "essay" question; Bedside reads multichoice, truefalse and shortanswer`
		if err == nil || err.Error() != want {
			t.Errorf("Decode(essay) error =\n%v\nwant\n%s", err, want)
		}
		b, res, err := DecodeWith(strings.NewReader(in), MoodleXML, DecodeOptions{SkipUnsupported: true})
		if err != nil || len(b.Items) != 1 || len(res.Skipped) != 1 || b.Items[0].Type != quiz.TrueFalse {
			t.Errorf("DecodeWith(skip) = %+v, %+v, %v; want the true/false item and the essay skipped", b, res, err)
		}
	})
	t.Run("bad options", func(t *testing.T) {
		if _, err := EncodeWith(&bytes.Buffer{}, Aiken, b, EncodeOptions{AikenLabel: ':'}); err == nil {
			t.Error("EncodeWith(AikenLabel ':') = nil; want an error")
		}
		if err := Encode(&bytes.Buffer{}, "docx", b); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Encode(docx) = %v; want ErrUnknownFormat", err)
		}
		if _, err := Decode(strings.NewReader(""), QTI21); !errors.Is(err, ErrEncodeOnly) {
			t.Errorf("Decode(qti21) = %v; want ErrEncodeOnly", err)
		}
	})
}

func TestAikenLabel(t *testing.T) {
	b := quiz.Bank{Items: []quiz.Item{sampleBank().Items[3]}}
	data, _ := encode(t, Aiken, b, EncodeOptions{AikenLabel: '.'})
	want := "Lactate above 2 mmol/L in sepsis warrants escalation.\nA. True\nB. False\nANSWER: A\n"
	if string(data) != want {
		t.Errorf("Encode(Aiken, '.') = %q; want %q", data, want)
	}
	got, err := Decode(bytes.NewReader(data), Aiken)
	if err != nil || len(got.Items) != 1 || got.Items[0].Type != quiz.TrueFalse {
		t.Errorf("Decode(Aiken with '.') = %+v, %v; want one true/false item", got, err)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name string
		f    Format
		in   string
		want string
	}{
		{"gift unclosed", GIFT, "::q::What?{\n=yes\n~no\n", `gift: line 1: answer block "{" is not closed by "}"`},
		{"gift close first", GIFT, "// c\n\n::q::What } is {=a ~b}", `gift: line 3: "}" comes before the answer block's "{"`},
		{"gift stray close", GIFT, "Intro\n\nWhat?\n=yes}\n", `gift: line 4: "}" has no opening "{"`},
		{"gift bad weight", GIFT, "Q{~%--5%a ~b}", `gift: line 1: answer weight "%--5%" is not a number`},
		{"gift bad citation", GIFT, "Q{=a ~b ####[html]<blockquote data-citation\\=\"x\">q</blockquote>}", `gift: line 1: general feedback: data-citation: invalid character 'x' looking for beginning of value`},
		{"gift bad utf8", GIFT, "Q{=a ~b}\n\nR\xff{=a ~b}", "gift: line 3: byte 0xff is not valid UTF-8"},
		{"json bad utf8", JSON, "{\"format\": \"bedside.quiz.bank\",\n\"name\": \"\xe9\"}", "json: line 2: byte 0xe9 is not valid UTF-8"},
		{"aiken option first", Aiken, "A) one\n", `aiken: line 1: option line "A) one" comes before any question`},
		{"aiken skipped letter", Aiken, "Q?\nA) one\nC) two\nANSWER: A\n", "aiken: line 3: option C: want option B next"},
		{"aiken no answer", Aiken, "Q?\nA) one\nB) two\n", "aiken: line 1: the question has no ANSWER line"},
		{"aiken bad answer", Aiken, "Q?\nA) one\nB) two\nANSWER: E\n", `aiken: line 4: ANSWER "E" names no option (the question has options A to B)`},
		{"aiken two answers", Aiken, "Q?\nA) one\nB) two\nANSWER: AB\n", `aiken: line 4: ANSWER "AB" names no option (the question has options A to B)`},
		{"aiken one option", Aiken, "Q?\nA) one\nANSWER: A\n", "aiken: line 3: the question at line 1 has 1 options; it needs at least 2"},
		{"aiken two-line stem", Aiken, "First line\nsecond line\nA) x\nB) y\nANSWER: A\n", "aiken: line 2: the question at line 1 continues on a second line; Aiken questions are one line"},
		{"aiken new question", Aiken, "Q1?\nA) x\nB) y\nQ2?\n", "aiken: line 4: a new question starts before the question at line 1 has its ANSWER line"},
		{"moodle not xml", MoodleXML, "<quiz><question type=\"truefalse\">\n<name></quiz>", "moodle: line 2: element <name> closed by </quiz>"},
		{"moodle root", MoodleXML, "<?xml version=\"1.0\"?>\n<questions/>", "moodle: line 2: <questions>: the root element must be <quiz>"},
		{"moodle no type", MoodleXML, "<quiz>\n<question><name><text>x</text></name></question>\n</quiz>", "moodle: line 2: <question>: missing type attribute"},
		{"moodle no questiontext", MoodleXML, "<quiz>\n<question type=\"truefalse\"><name><text>x</text></name></question>\n</quiz>", `moodle: line 2: <question type="truefalse">: missing <questiontext>`},
		{"moodle bad fraction", MoodleXML, "<quiz>\n<question type=\"multichoice\"><questiontext><text>Q</text></questiontext>\n<answer fraction=\"1OO\"><text>a</text></answer><answer fraction=\"0\"><text>b</text></answer></question>\n</quiz>", `moodle: line 2: <question type="multichoice"> <answer> 1: fraction "1OO" is not a number`},
		{"moodle empty", MoodleXML, "", "moodle: no <quiz> element"},
		{"json syntax", JSON, "{\n  \"format\": \"bedside.quiz.bank\",\n  \"version\": 1,\n  \"items\": [}\n", "json: line 4: invalid character '}' looking for beginning of value"},
		{"json unknown field", JSON, "{\"format\": \"bedside.quiz.bank\", \"version\": 1, \"items\": [{\"type\": \"sba\", \"stem\": \"x\", \"stme\": 1}]}", `json: line 1: json: unknown field "stme"`},
		{"json version", JSON, `{"format": "bedside.quiz.bank", "version": 2, "items": []}`, "json: line 1: version 2 is not supported (want 1)"},
		{"json type", JSON, "{\"format\": \"bedside.quiz.bank\",\n\"version\": \"1\", \"items\": []}", "json: line 2: version: cannot use a JSON string as int"},
		{"csv unknown column", CSV, "id,type,stem,colour\n", "csv: line 1: column colour: unknown column"},
		{"csv bad key", CSV, "type,stem,option_a,option_b,key\nsba,Q,a,b,C\n", `csv: line 2: column key: "C" names no option`},
		{"csv gap", CSV, "type,stem,option_a,option_b,key\nsba,Q,,b,B\n", "csv: line 2: column option_a: is empty but a later option is not"},
		{"csv quotes", CSV, "type,stem\nsba,\"Q\n", `csv: line 2: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.in), tt.f)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode(%s, %q) = %v; want a *SyntaxError", tt.f, tt.in, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Decode(%s, %q) error =\n%s\nwant\n%s", tt.f, tt.in, err, tt.want)
			}
		})
	}
}

// TestImportForeign reads banks written by people and other tools, not by
// Encode.
func TestImportForeign(t *testing.T) {
	t.Run("gift", func(t *testing.T) {
		in := "// comment before\n$CATEGORY: $course$/top/Cardio/ECG\n\n" +
			"// [id:ecg-1] [tag:ecg] [tag:difficulty:easy]\n::Rate:: What is the normal PR interval?{\n  ~0.05 s#Too short.\n  =0.12 to 0.20 s#Correct.\n  ~0.40 s\n  ####Normal is 120–200 ms.\n}\n\n" +
			"Grant is {~buried =entombed ~living} in Grant's tomb.\n\n" +
			"Aspirin is an anticoagulant.{FALSE#It is.#It is an antiplatelet.}\n\n" +
			"Who's buried in Grant's tomb?{=no one =nobody =%50%Grant}\n\n" +
			"[markdown]Which are *arrhythmias*? {~%50%AF ~%50%VT ~%-100%sinus rhythm}\n\n" +
			"Describe the ECG.{}\n\nWhen was Grant born?{#1822:5}\n"
		b, res, err := DecodeWith(strings.NewReader(in), GIFT, DecodeOptions{SkipUnsupported: true})
		if err != nil {
			t.Fatal(err)
		}
		if b.Name != "Cardio" || len(b.Items) != 5 || len(res.Skipped) != 2 {
			t.Fatalf("DecodeWith(gift) = name %q, %d items, %d skipped; want Cardio, 5, 2", b.Name, len(b.Items), len(res.Skipped))
		}
		want := []quiz.Item{
			{ID: "ecg-1", Type: quiz.SingleBestAnswer, Stem: "What is the normal PR interval?", Topic: "ECG", Difficulty: quiz.Easy, Tags: []string{"ecg"},
				Rationale: "Normal is 120–200 ms.",
				Options:   []quiz.Option{{Text: "0.05 s", Explanation: "Too short."}, {Text: "0.12 to 0.20 s", Correct: true, Explanation: "Correct."}, {Text: "0.40 s"}}},
			{Type: quiz.SingleBestAnswer, Stem: "Grant is _____ in Grant's tomb.", Topic: "ECG",
				Options: []quiz.Option{{Text: "buried"}, {Text: "entombed", Correct: true}, {Text: "living"}}},
			{Type: quiz.TrueFalse, Stem: "Aspirin is an anticoagulant.", Topic: "ECG",
				Options: []quiz.Option{{Text: "True", Explanation: "It is."}, {Text: "False", Correct: true, Explanation: "It is an antiplatelet."}}},
			{Type: quiz.ShortAnswer, Stem: "Who's buried in Grant's tomb?", Topic: "ECG", Answers: []string{"no one", "nobody", "Grant"}},
			{Type: quiz.MultipleChoice, Stem: "Which are *arrhythmias*?", Topic: "ECG",
				Options: []quiz.Option{{Text: "AF", Correct: true}, {Text: "VT", Correct: true}, {Text: "sinus rhythm"}}},
		}
		for i := range want {
			if !equalItem(b.Items[i], want[i]) {
				t.Errorf("item %d:\n got %+v\nwant %+v", i, norm(b.Items[i]), norm(want[i]))
			}
		}
		if res.Skipped[0].Line != 20 || res.Skipped[1].Line != 22 {
			t.Errorf("skipped = %+v; want lines 20 (essay) and 22 (numerical)", res.Skipped)
		}
	})
	t.Run("moodle", func(t *testing.T) {
		in := `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/Default for Cardiology</text></category>
  </question>
  <question type="multichoice">
    <name><text>PR interval</text></name>
    <questiontext format="html"><text><![CDATA[<p>What is the <strong>normal</strong> PR interval?</p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Normal is 120&ndash;200&nbsp;ms.</p>]]></text></generalfeedback>
    <single>true</single>
    <answer fraction="0" format="html"><text>0.05 s</text><feedback format="html"><text>Too short.</text></feedback></answer>
    <answer fraction="100" format="html"><text><![CDATA[<p>0.12&ndash;0.20 s</p>]]></text></answer>
    <tags><tag><text>ecg</text></tag></tags>
  </question>
  <question type="shortanswer">
    <name><text>Drug</text></name>
    <questiontext format="moodle_auto_format"><text>Name a loop diuretic.</text></questiontext>
    <answer fraction="100"><text>furosemide</text></answer>
    <answer fraction="100"><text>bumetanide</text></answer>
    <answer fraction="0"><text>*</text></answer>
  </question>
</quiz>`
		b, err := Decode(strings.NewReader(in), MoodleXML)
		if err != nil {
			t.Fatal(err)
		}
		want := []quiz.Item{
			{Type: quiz.SingleBestAnswer, Stem: "What is the normal PR interval?", Rationale: "Normal is 120–200\u00a0ms.", Tags: []string{"ecg"},
				Options: []quiz.Option{{Text: "0.05 s", Explanation: "Too short."}, {Text: "0.12–0.20 s", Correct: true}}},
			{Type: quiz.ShortAnswer, Stem: "Name a loop diuretic.", Answers: []string{"furosemide", "bumetanide"}},
		}
		if b.Name != "Default for Cardiology" || len(b.Items) != 2 {
			t.Fatalf("Decode(moodle) = %q with %d items; want \"Default for Cardiology\" with 2", b.Name, len(b.Items))
		}
		for i := range want {
			if !equalItem(b.Items[i], want[i]) {
				t.Errorf("item %d:\n got %+v\nwant %+v", i, norm(b.Items[i]), norm(want[i]))
			}
		}
	})
}

func TestImportLatin1(t *testing.T) {
	in := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<quiz><question type=\"truefalse\"><questiontext format=\"html\"><text>Caf\xe9 is French.</text></questiontext>" +
		"<answer fraction=\"100\"><text>true</text></answer><answer fraction=\"0\"><text>false</text></answer></question></quiz>"
	b, err := Decode(strings.NewReader(in), MoodleXML)
	if err != nil || len(b.Items) != 1 || b.Items[0].Stem != "Café is French." {
		t.Errorf("Decode(ISO-8859-1 Moodle XML) = %+v, %v; want the stem \"Café is French.\"", b, err)
	}
}

func TestCategoryPaths(t *testing.T) {
	tests := []struct{ bank, topic, path, wantBank, wantTopic string }{
		{"Sepsis", "", "$course$/top/Sepsis", "Sepsis", ""},
		{"Sepsis", "Red flags", "$course$/top/Sepsis/Red flags", "Sepsis", "Red flags"},
		{"A/B", "C/D", "$course$/top/A//B/C//D", "A/B", "C/D"},
		{"", "T", "$course$/top/Bedside/T", "Bedside", "T"},
	}
	for _, tt := range tests {
		p := categoryPath(tt.bank, tt.topic)
		if p != tt.path {
			t.Errorf("categoryPath(%q, %q) = %q; want %q", tt.bank, tt.topic, p, tt.path)
		}
		b, tp := splitCategory(p)
		if b != tt.wantBank || tp != tt.wantTopic {
			t.Errorf("splitCategory(%q) = %q, %q; want %q, %q", p, b, tp, tt.wantBank, tt.wantTopic)
		}
	}
}

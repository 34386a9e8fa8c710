package guidance

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// sec is a compact section for table tests: heading path joined by " > ",
// then the text.
type sec struct{ heading, text string }

func sectionsOf(t testing.TB, body string, ss []Section) []sec {
	t.Helper()
	d := &Document{Body: body, Sections: ss, Source: "test"}
	checkSections(t, d)
	var out []sec
	for _, s := range ss {
		out = append(out, sec{strings.Join(s.Heading, " > "), s.Text})
	}
	return out
}

func TestMarkdownSections(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		want  []sec
		title string
	}{
		{"empty", "", nil, ""},
		{"blank", "\n \n\t\n", nil, ""},
		{"no headings", "One.\n\nTwo.\n", []sec{{"", "One.\n\nTwo."}}, ""},
		{"preamble", "Intro.\n# Title\nBody.", []sec{{"", "Intro."}, {"Title", "Body."}}, "Title"},
		{"nesting", "# A\na\n## B\nb\n### C\nc\n## D\nd\n# E\ne\n",
			[]sec{{"A", "a"}, {"A > B", "b"}, {"A > B > C", "c"}, {"A > D", "d"}, {"E", "e"}}, "A"},
		{"skipped level", "## B\nb\n#### D\nd\n### C\nc\n",
			[]sec{{"B", "b"}, {"B > D", "d"}, {"B > C", "c"}}, ""},
		{"empty sections skipped", "# A\n\n## B\n\nb\n", []sec{{"A > B", "b"}}, "A"},
		{"closing hashes", "## Treatment ##\nx\n### C#\ny\n", []sec{{"Treatment", "x"}, {"Treatment > C#", "y"}}, ""},
		{"not headings", "#hashtag\n####### seven\n\\# escaped\n", []sec{{"", "#hashtag\n####### seven\n\\# escaped"}}, ""},
		{"indented code", "    # code\n\n   # Heading\nx", []sec{{"", "# code"}, {"Heading", "x"}}, "Heading"},
		{"empty heading", "# A\na\n##\nb\n", []sec{{"A", "a"}, {"A", "b"}}, "A"},
		{"backtick fence", "# A\n```\n# not\n```\n# B\nb", []sec{{"A", "```\n# not\n```"}, {"B", "b"}}, "A"},
		{"tilde fence", "~~~~\n# not\n~~~\n# still not\n~~~~\n# B\n", []sec{{"", "~~~~\n# not\n~~~\n# still not\n~~~~"}}, "B"},
		{"unclosed fence", "# A\n```go\n# not\n", []sec{{"A", "```go\n# not"}}, "A"},
		{"inline backticks are not a fence", "``` a ` b\n# B\nb", []sec{{"", "``` a ` b"}, {"B", "b"}}, "B"},
		{"setext", "Title\n=====\nIntro.\n\nPart\n---\nText.\n",
			[]sec{{"Title", "Intro."}, {"Title > Part", "Text."}}, "Title"},
		{"setext multi-line", "A long\ntitle\n===\nx", []sec{{"A long title", "x"}}, "A long title"},
		{"setext after text", "Para.\n\nHeading\n-------\nx", []sec{{"", "Para."}, {"Heading", "x"}}, ""},
		{"thematic break", "One.\n\n---\n\nTwo.", []sec{{"", "One.\n\n---\n\nTwo."}}, ""},
		{"list then dashes", "- item\n---\nx", []sec{{"", "- item\n---\nx"}}, ""},
		{"spaced dashes", "Text\n- - -\nx", []sec{{"", "Text\n- - -\nx"}}, ""},
		{"quote then equals", "> quote\n===\n", []sec{{"", "> quote\n==="}}, ""},
		{"crlf", "# A\r\nText.\r\n## B\r\nMore.\r\n", []sec{{"A", "Text."}, {"A > B", "More."}}, "A"},
		{"no final newline", "# A", nil, "A"},
		{"unicode space", "# A\n\u00a0x\u00a0\n", []sec{{"A", "x"}}, "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss, title := markdownSections(tt.body)
			if got := sectionsOf(t, tt.body, ss); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("markdownSections(%q) = %q; want %q", tt.body, got, tt.want)
			}
			if title != tt.title {
				t.Errorf("markdownSections(%q) title = %q; want %q", tt.body, title, tt.title)
			}
		})
	}
}

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		text  string
		yml   string
		body  string
		found bool
		err   error
	}{
		{"# No front matter\n", "", "# No front matter\n", false, nil},
		{"", "", "", false, nil},
		{"---\nid: a\n---\nBody\n", "id: a\n", "Body\n", true, nil},
		{"---\n---\nBody", "", "Body", true, nil},
		{"---\nid: a\n...\nBody", "id: a\n", "Body", true, nil},
		{"--- \r\nid: a\r\n---\r\nBody", "id: a\r\n", "Body", true, nil},
		{"---\nid: a\n---", "id: a\n", "", true, nil},
		{"---\nid: a\n", "", "", true, errNoClosingDelimiter},
		{"----\nid: a\n---\n", "", "----\nid: a\n---\n", false, nil},
		{"text\n---\nid: a\n---\n", "", "text\n---\nid: a\n---\n", false, nil},
	}
	for _, tt := range tests {
		yml, start, found, err := splitFrontMatter(tt.text)
		body := ""
		if err == nil {
			body = tt.text[start:]
		}
		if yml != tt.yml || body != tt.body || found != tt.found || err != tt.err {
			t.Errorf("splitFrontMatter(%q) = %q, body %q, %v, %v; want %q, body %q, %v, %v",
				tt.text, yml, body, found, err, tt.yml, tt.body, tt.found, tt.err)
		}
	}
}

func TestFrontMatterErrors(t *testing.T) {
	const head = "---\nid: a\ntitle: T\n" // the lines after head are 4, 5, ...
	tests := []struct {
		name, text, want string
	}{
		{"tab indent", head + "\tversion: 1\n---\n", "f.md:4: front matter: tab character in indentation (indent with spaces)"},
		{"tab first", "---\n\tid: a\n---\n", "f.md:2: front matter: tab character in indentation (indent with spaces)"},
		{"bad token", head + "version: @1\n---\n", "f.md:4: front matter: found character that cannot start any token"},
		{"bad indent", head + "version: 1\n  status: draft\n---\n", "f.md:5: front matter: mapping values are not allowed in this context"},
		{"unclosed quote", head + "version: 'abc\n---\n", "f.md:4: front matter: found unexpected end of stream"},
		{"unclosed flow", head + "tags: [a, b\nversion: 1\n---\n", "f.md:4: front matter: did not find expected ',' or ']'"},
		{"stray brace", head + "}\n---\n", "f.md:4: front matter: did not find expected key"},
		{"first line", "---\na: b: c\n---\n", "f.md:2: front matter: mapping values are not allowed in this context"},
		{"list", "---\n- a\n- b\n---\n", "f.md:2: front matter: want a mapping of fields, not a list"},
		{"scalar", "---\njust text\n---\n", "f.md:2: front matter: want a mapping of fields, not a value"},
		{"mapping value", head + "publisher: {name: x}\n---\n", "f.md:4: publisher: want a value or a list, not a mapping"},
		{"nested list", head + "tags: [[a]]\n---\n", "f.md:4: tags: want a list of values, not a list containing a list"},
		{"list for string", head + "version: [1, 2]\n---\n", "f.md:4: version: want a single value, not a list"},
		{"list for date", head + "review_due: [2025-01-01]\n---\n", "f.md:4: review_due: want a date, not a list"},
		{"duplicate", head + "id: b\n---\n", "f.md:4: id: duplicate field (first set at line 2)"},
		{"unknown null", head + "license:\n---\n", `f.md:4: license: unknown field (did you mean "licence"?)`},
		{"unknown far", head + "colour: red\n---\n", "f.md:4: colour: unknown field"},
		{"bad date", head + "review_due: 1/2/2025\n---\n", `f.md:4: review_due: bad date "1/2/2025" (want YYYY-MM-DD or RFC 3339)`},
		{"bad time", head + "review_due: 2025-01-02T25:00:00Z\n---\n", `f.md:4: review_due: bad date "2025-01-02T25:00:00Z" (want YYYY-MM-DD or RFC 3339)`},
		{"not utf8", head + "version: \xff\n---\n", "f.md:4: not valid UTF-8 text (save the file as UTF-8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parseMarkdown("f.md", []byte(tt.text))
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("parseMarkdown(%q) errors = %q; want [%s]", tt.text, got, tt.want)
			}
		})
	}
}

func TestFrontMatterValues(t *testing.T) {
	text := "\uFEFF---\n" +
		"id: a\n" +
		"title: &t Shared title\n" +
		"publisher: *t\n" +
		"version: 3.10\n" +
		"status: Approved\n" +
		"approved_by: ~\n" +
		"tags: [x, '', null, ' y ']\n" +
		"audience: doctors\n" +
		"approved_at: 2025-01-15T10:30:00+01:00\n" +
		"---\nBody"
	p, errs := parseMarkdown("f.md", []byte(text))
	if errs != nil {
		t.Fatalf("parseMarkdown: %v", errs)
	}
	m := p.meta.m
	got := fmt.Sprintf("%s|%s|%s|%s|%s|%q|%q|%q|%s", m.ID, m.Title, m.Publisher, m.Version, m.Status, m.ApprovedBy, m.Tags, m.Audience, m.ApprovedAt.UTC().Format("2006-01-02T15:04"))
	want := `a|Shared title|Shared title|3.10|approved|""|["x" "y"]|["doctors"]|2025-01-15T09:30`
	if got != want {
		t.Errorf("front matter = %s; want %s", got, want)
	}
	if p.body != "Body" {
		t.Errorf("body = %q; want %q", p.body, "Body")
	}
	if line := p.meta.places["status"].line; line != 6 {
		t.Errorf("status line = %d; want 6", line)
	}
}

func TestTextSections(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []sec
	}{
		{"no headings", "Just text.\nMore text.\n", []sec{{"", "Just text.\nMore text."}}},
		{"capitals", "Intro.\n\nWHEN TO ACT\n\nAct now.\n", []sec{{"", "Intro."}, {"WHEN TO ACT", "Act now."}}},
		{"capitals then text", "DOSE\nGive 1 g.\n\nROUTE\nOral.", []sec{{"DOSE", "Give 1 g."}, {"ROUTE", "Oral."}}},
		{"label", "Red flags:\n- Confusion\n\nAction:\nCall for help.", []sec{{"Red flags", "- Confusion"}, {"Action", "Call for help."}}},
		{"sentence with colon", "The following are important signs of sepsis:\n- Confusion", []sec{{"", "The following are important signs of sepsis:\n- Confusion"}}},
		{"capital paragraph", "WARNING DO NOT EXCEED\n4 G IN 24 HOURS.\n", []sec{{"", "WARNING DO NOT EXCEED\n4 G IN 24 HOURS."}}},
		{"capitals mid-paragraph", "Text\nNOT A HEADING\nmore", []sec{{"", "Text\nNOT A HEADING\nmore"}}},
		{"heading at end", "Text.\n\nEND", []sec{{"", "Text.\n\nEND"}}},
		{"capital sentence", "CALL 999.\nNow.", []sec{{"", "CALL 999.\nNow."}}},
		{"single letter", "A\nText", []sec{{"", "A\nText"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sectionsOf(t, tt.body, textSections(tt.body)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("textSections(%q) = %q; want %q", tt.body, got, tt.want)
			}
		})
	}
}

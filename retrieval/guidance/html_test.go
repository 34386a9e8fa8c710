package guidance

import (
	"reflect"
	"testing"
)

func TestHTMLSections(t *testing.T) {
	tests := []struct {
		name  string
		html  string
		want  []sec
		title string
	}{
		{"plain", "<p>One</p><p>Two</p>", []sec{{"", "One\nTwo"}}, ""},
		{"whitespace", "<p>  a\n\t b  <b>c</b>d </p>", []sec{{"", "a b cd"}}, ""},
		{"headings", "<h1>A</h1><p>a</p><h2>B <small>x</small></h2><p>b</p><h2>C</h2><p>c</p>",
			[]sec{{"A", "a"}, {"A > B x", "b"}, {"A > C", "c"}}, "A"},
		{"title wins over h1", "<title> Page  title </title><h1>A</h1><p>a</p>", []sec{{"A", "a"}}, "Page title"},
		{"skipped", "<nav>menu</nav><script>x()</script><style>p{}</style><noscript>js</noscript>" +
			"<template><p>t</p></template><p>kept</p><div hidden>h</div><span aria-hidden=\"true\">i</span>" +
			"<p style=\"display: none\">n</p><button>Click</button>",
			[]sec{{"", "kept"}}, ""},
		{"page header and footer", "<header><h1>Site</h1></header><main><p>m</p></main><footer>f</footer>",
			[]sec{{"", "m"}}, ""},
		{"article header kept", "<article><header><h1>Title</h1></header><p>a</p><footer>Updated 2025</footer></article>",
			[]sec{{"Title", "a\nUpdated 2025"}}, "Title"},
		{"lists", "<ul><li>x</li><li>y <ul><li>z</li></ul></li></ul><ol start=\"3\"><li>c</li><li>d</li></ol>",
			[]sec{{"", "- x\n- y\n- z\n3. c\n4. d"}}, ""},
		{"table", "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
			[]sec{{"", "A | B\n1 | 2"}}, ""},
		{"br and pre", "<p>a<br>b</p><pre>\n  x\n    y\n</pre><p>c</p>", []sec{{"", "a\nb\n  x\n    y\nc"}}, ""},
		{"entities", "<p>5&nbsp;mg &lt; 10&nbsp;mg &amp; more</p>", []sec{{"", "5 mg < 10 mg & more"}}, ""},
		{"empty heading", "<h1></h1><p>a</p>", []sec{{"", "a"}}, ""},
		{"unclosed tags", "<p>a<p>b<li>c", []sec{{"", "a\nb\n- c"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := parseHTML("f.html", []byte(tt.html))
			if errs != nil {
				t.Fatalf("parseHTML(%q): %v", tt.html, errs)
			}
			if got := sectionsOf(t, p.body, p.sections); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseHTML(%q) sections = %q; want %q", tt.html, got, tt.want)
			}
			if p.title != tt.title {
				t.Errorf("parseHTML(%q) title = %q; want %q", tt.html, p.title, tt.title)
			}
		})
	}
}

func TestHTMLMeta(t *testing.T) {
	doc := "<html><head>\n" +
		"<meta name=\"bedside:id\" content=\"x\">\n" +
		"<meta name=\"Bedside:Tags\" content=\"a, b\">\n" +
		"<meta name=\"bedside:tags\" content=\"c\">\n" +
		"<meta name=\"description\" content=\"ignored\">\n" +
		"<meta property=\"bedside:review_due\" content=\"2026-01-01\"/>\n" +
		"</head><body><p>Text</p></body></html>"
	p, errs := parseHTML("f.html", []byte(doc))
	if errs != nil {
		t.Fatal(errs)
	}
	m := p.meta.m
	if m.ID != "x" || !reflect.DeepEqual(m.Tags, []string{"a", "b", "c"}) || m.ReviewDue.Year() != 2026 {
		t.Errorf("meta = %+v; want id x, tags [a b c], review_due 2026-01-01", m)
	}

	tests := []struct{ name, html, want string }{
		{"unknown", "<html>\n<head>\n<meta name=\"bedside:staus\" content=\"approved\">", `f.html:3: staus: unknown field (did you mean "status"?)`},
		{"bad status", "\n\n\n<meta name=\"bedside:status\" content=\"ok\">", `f.html:4: status: unknown status "ok" (want draft, approved, superseded or withdrawn)`},
		{"bad date", "<meta name=\"bedside:approved_at\"\n content=\"soon\">", `f.html:1: approved_at: bad date "soon" (want YYYY-MM-DD or RFC 3339)`},
		{"duplicate", "<meta name=\"bedside:id\" content=\"a\">\n<meta name=\"bedside:id\" content=\"b\">", "f.html:2: id: duplicate field (first set at line 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parseHTML("f.html", []byte(tt.html))
			if len(errs) != 1 || errs[0].Error() != tt.want {
				t.Errorf("parseHTML(%q) errors = %v; want [%s]", tt.html, errs, tt.want)
			}
		})
	}
}

func TestHTMLCharset(t *testing.T) {
	// windows-1252: 0xE9 is é, 0x96 is an en dash.
	doc := []byte("<html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xe9 \x96 open</p></body></html>")
	p, errs := parseHTML("f.html", doc)
	if errs != nil {
		t.Fatal(errs)
	}
	if want := "Café – open"; p.body != want {
		t.Errorf("parseHTML(windows-1252) body = %q; want %q", p.body, want)
	}
}

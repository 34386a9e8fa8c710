package guidance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addFixtures adds every file in testdata with one of the extensions as a
// seed.
func addFixtures(f *testing.F, exts ...string) {
	f.Helper()
	filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, ext := range exts {
			if strings.HasSuffix(path, ext) {
				data, err := os.ReadFile(path)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(data)
			}
		}
		return nil
	})
}

// FuzzMarkdown checks that the Markdown parser never panics, that the body
// is the text after the front matter, and that every section's offset
// locates its text in the body.
func FuzzMarkdown(f *testing.F) {
	addFixtures(f, ".md", ".markdown", ".txt")
	for _, s := range []string{
		"", "---", "---\n", "---\n---", "---\nid: [\n---\n", "# a\n```\n# b", "a\n=\n-\n", "\t#\t#\n",
		"---\r\nid: a\r\n---\r\n# H\r\ntext", "\uFEFF---\nid: a\n...\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, errs := parseMarkdown("f.md", data)
		if errs != nil {
			for _, err := range errs {
				if !strings.HasPrefix(err.Error(), "f.md") {
					t.Errorf("error %q does not name the file", err)
				}
			}
			return
		}
		if !strings.HasSuffix(string(data), p.body) {
			t.Errorf("body %q is not a suffix of the input", p.body)
		}
		checkSections(t, &Document{Body: p.body, Sections: p.sections, Source: "f.md"})
		for _, s := range p.sections {
			for _, h := range s.Heading {
				if h == "" || strings.ContainsAny(h, "\n\r") {
					t.Errorf("heading %q is empty or spans lines", h)
				}
			}
		}
		// Plain text shares the front matter parser.
		if tp, errs := parseText("f.txt", data); errs == nil {
			checkSections(t, &Document{Body: tp.body, Sections: tp.sections, Source: "f.txt"})
		}
	})
}

// FuzzHTML checks that HTML extraction never panics and keeps offsets valid.
func FuzzHTML(f *testing.F) {
	addFixtures(f, ".html", ".htm")
	f.Add([]byte("<h1>a</h1><pre>\n x</pre><li>b<table><td>c<td>d"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, errs := parseHTML("f.html", data)
		if errs != nil {
			return
		}
		checkSections(t, &Document{Body: p.body, Sections: p.sections, Source: "f.html"})
	})
}

// FuzzJSONLRecord checks that a JSONL record either decodes into a valid
// single-section document or is an error naming the file and line.
func FuzzJSONLRecord(f *testing.F) {
	f.Add([]byte(`{"_id": "a", "title": "T", "text": " x ", "tags": ["a"], "version": 1.0}`))
	f.Add([]byte(`{"_id": 1, "text": null}`))
	f.Add([]byte(`[{}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseJSONLRecord("f.jsonl", 3, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.jsonl:3: ") {
				t.Errorf("error %q does not name the file and line", err)
			}
			return
		}
		checkSections(t, &Document{Body: p.body, Sections: p.sections, Source: "f.jsonl"})
	})
}

// FuzzPDF checks that no input makes the PDF reader panic or hang: every
// failure is an error naming the file.
func FuzzPDF(f *testing.F) {
	addFixtures(f, ".pdf")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, errs := parsePDF("f.pdf", data)
		if errs != nil {
			if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "f.pdf: reading PDF: ") {
				t.Errorf("errors %v; want one naming the file", errs)
			}
			return
		}
		checkSections(t, &Document{Body: p.body, Sections: p.sections, Source: "f.pdf"})
	})
}

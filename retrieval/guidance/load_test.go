package guidance

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// joined returns the errors joined in err, or err itself.
func joined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// checkSections reports sections whose offsets do not locate their text in
// the body, or whose text is empty or not trimmed.
func checkSections(t testing.TB, d *Document) {
	t.Helper()
	prevEnd := 0
	for i, s := range d.Sections {
		if s.Offset < 0 || s.Offset+len(s.Text) > len(d.Body) {
			t.Errorf("%s: section %d: offset %d+%d outside body of %d bytes", d.Source, i, s.Offset, len(s.Text), len(d.Body))
			continue
		}
		if got := d.Body[s.Offset : s.Offset+len(s.Text)]; got != s.Text {
			t.Errorf("%s: section %d: Body[%d:%d] = %q; want %q", d.Source, i, s.Offset, s.Offset+len(s.Text), got, s.Text)
		}
		if s.Text == "" || strings.TrimSpace(s.Text) != s.Text {
			t.Errorf("%s: section %d: text %q is empty or not trimmed", d.Source, i, s.Text)
		}
		if s.Offset < prevEnd {
			t.Errorf("%s: section %d: offset %d overlaps the previous section (ends at %d)", d.Source, i, s.Offset, prevEnd)
		}
		prevEnd = s.Offset + len(s.Text)
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"testdata/bad/noid.md", `testdata/bad/noid.md: id: missing`},
		{"testdata/bad/badid.md", `testdata/bad/badid.md:2: id: "sepsis adult" contains white space, '@' or '/'`},
		{"testdata/bad/unknown-status.md", `testdata/bad/unknown-status.md:5: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)`},
		{"testdata/bad/noversion.md", `testdata/bad/noversion.md: version: missing`},
		{"testdata/bad/malformed.md", `testdata/bad/malformed.md:4: front matter: did not find expected ',' or ']'`},
		{"testdata/bad/unterminated.md", `testdata/bad/unterminated.md:1: front matter: no closing "---" line`},
		{"testdata/bad/unknown-field.md", `testdata/bad/unknown-field.md:5: staus: unknown field (did you mean "status"?)`},
		{"testdata/bad/bad-date.md", `testdata/bad/bad-date.md:6: approved_at: bad date "2025-02-30" (want YYYY-MM-DD or RFC 3339)`},
		{"testdata/bad/bad-json.jsonl", `testdata/bad/bad-json.jsonl:2: bad JSON at column 46: invalid character '"' after object key:value pair`},
		{"testdata/bad/missing-field.jsonl", `testdata/bad/missing-field.jsonl:2: status: missing (want draft, approved, superseded or withdrawn)`},
		{"testdata/bad/nometa.html", `testdata/bad/nometa.html: missing: id, version and status (the file has no metadata: add <meta name="bedside:…"> tags or a sidecar nometa.html.meta.yaml)`},
		{"testdata/pdf/corrupt.pdf", `testdata/pdf/corrupt.pdf: reading PDF: malformed PDF file: missing final startxref`},
		{"testdata/pdf/truncated.pdf", `testdata/pdf/truncated.pdf: reading PDF: not a PDF file: missing %%EOF`},
		{"testdata/pdf/notpdf.pdf", `testdata/pdf/notpdf.pdf: reading PDF: not a PDF file: invalid header`},
		{"testdata/pdf/encrypted.pdf", `testdata/pdf/encrypted.pdf: reading PDF: file is encrypted with a password`},
		{"testdata/pdf/badobj.pdf", `testdata/pdf/badobj.pdf: reading PDF: loading {3 0}: found {4 0}`},
		{"testdata/pdf/cycle.pdf", `testdata/pdf/cycle.pdf: reading PDF: page tree is nested too deeply`},
		{"testdata/pdf/hexloop.pdf", `testdata/pdf/hexloop.pdf: reading PDF: page 1: unterminated hex string in content stream`},
		{"testdata/pdf/prevloop.pdf", `testdata/pdf/prevloop.pdf: reading PDF: malformed PDF: cross-reference sections loop through /Prev`},
		{"testdata/pdf/notext.pdf", `testdata/pdf/notext.pdf: reading PDF: no text found in 1 page (a scanned PDF needs OCR first)`},
		{"testdata/pdf/guide.pdf", `testdata/pdf/guide.pdf: missing: id, version and status (the file has no metadata: add a sidecar guide.pdf.meta.yaml)`},
		{"testdata/sidecar/badside.md", `testdata/sidecar/badside.md.meta.yaml:2: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)`},
		{"testdata/nonexistent.md", `testdata/nonexistent.md: no such file or directory`},
		{"testdata/README.md", `testdata/README.md: missing: id, version and status (the file has no metadata: add front matter or a sidecar README.md.meta.yaml)`},
		{"testdata/mkpdf.go", `testdata/mkpdf.go: unsupported extension .go (want .md, .markdown, .txt, .html, .htm, .pdf or .jsonl)`},
		{"testdata/good/screening.pdf.meta.yaml", `testdata/good/screening.pdf.meta.yaml: is a metadata sidecar: load testdata/good/screening.pdf instead`},
		{"testdata/good", `testdata/good: is a directory (use Load)`},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			docs, err := LoadFile(tt.file)
			if err == nil || err.Error() != tt.want {
				t.Errorf("LoadFile(%q) error = %v; want %s", tt.file, err, tt.want)
			}
			if docs != nil {
				t.Errorf("LoadFile(%q) returned %d documents with an error; want none", tt.file, len(docs))
			}
			var ge *Error
			if err != nil && !errors.As(err, &ge) {
				t.Errorf("LoadFile(%q) error %T is not a *guidance.Error", tt.file, err)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	_, err := LoadFile("testdata/bad/unknown-status.md")
	var ge *Error
	if !errors.As(err, &ge) {
		t.Fatalf("LoadFile error = %v; want a *guidance.Error", err)
	}
	if ge.File != "testdata/bad/unknown-status.md" || ge.Line != 5 || ge.Field != "status" {
		t.Errorf("error fields = (%q, %d, %q); want (testdata/bad/unknown-status.md, 5, status)", ge.File, ge.Line, ge.Field)
	}
	_, err = LoadFile("testdata/bad/noid.md")
	if !errors.Is(err, ErrMissing) {
		t.Errorf("LoadFile(noid.md) error = %v; want one wrapping ErrMissing", err)
	}
	_, err = LoadFile("testdata/nonexistent.md")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile(nonexistent.md) error = %v; want one wrapping fs.ErrNotExist", err)
	}
}

func TestLoadDirectoryWithBadFiles(t *testing.T) {
	docs, err := Load("testdata/bad")
	if docs != nil {
		t.Errorf("Load(testdata/bad) returned %d documents; want none", len(docs))
	}
	if err == nil {
		t.Fatal("Load(testdata/bad) error = nil; want errors")
	}
	var want []string
	entries, _ := os.ReadDir("testdata/bad")
	for _, e := range entries {
		_, ferr := LoadFile(filepath.Join("testdata/bad", e.Name()))
		if ferr == nil {
			t.Fatalf("LoadFile(%s) succeeded; every file in testdata/bad should fail", e.Name())
		}
		for _, e := range joined(ferr) {
			want = append(want, e.Error())
		}
	}
	var got []string
	for _, e := range joined(err) {
		got = append(got, e.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("Load(testdata/bad) errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadAcrossFiles(t *testing.T) {
	tests := []struct {
		paths []string
		want  string
	}{
		{[]string{"testdata/dup"}, `testdata/dup/b.md:2: id: duplicate id@version a@1, also in testdata/dup/a.md:2`},
		{[]string{"testdata/dup/b.md", "testdata/dup/a.md"}, `testdata/dup/a.md:2: id: duplicate id@version a@1, also in testdata/dup/b.md:2`},
		{[]string{"testdata/approved"}, `testdata/approved/b.md:5: status: approved sepsis@4 conflicts with approved sepsis@3 in testdata/approved/a.md:5; only one version may be approved`},
		{[]string{"testdata/good/sepsis.md", "testdata/nonexistent"}, `testdata/nonexistent: no such file or directory`},
		{[]string{"testdata/bad/noid.md", "testdata/nonexistent.md", "testdata/bad/noversion.md"},
			"testdata/bad/noid.md: id: missing\ntestdata/nonexistent.md: no such file or directory\ntestdata/bad/noversion.md: version: missing"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.paths, ","), func(t *testing.T) {
			docs, err := Load(tt.paths...)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load(%q) error = %v; want %s", tt.paths, err, tt.want)
			}
			if docs != nil {
				t.Errorf("Load(%q) returned %d documents with an error; want none", tt.paths, len(docs))
			}
		})
	}
}

func TestLoadGood(t *testing.T) {
	var skipped []string
	l := &Loader{OnSkip: func(path, reason string) { skipped = append(skipped, path+": "+reason) }}
	docs, err := l.Load("testdata/good")
	if err != nil {
		t.Fatalf("Load(testdata/good) error = %v", err)
	}
	wantSkipped := []string{
		"testdata/good/.hidden.md: hidden file",
		"testdata/good/notes.docx: unsupported extension .docx",
		"testdata/good/orphan.pdf.meta.yaml: sidecar of orphan.pdf, which is not loaded",
	}
	if !slices.Equal(skipped, wantSkipped) {
		t.Errorf("skipped = %q; want %q", skipped, wantSkipped)
	}
	type summary struct {
		Source, Key, Title string
		Status             Status
		Headings           []string
	}
	var got []summary
	for _, d := range docs {
		var hs []string
		for _, s := range d.Sections {
			hs = append(hs, strings.Join(s.Heading, " > "))
		}
		got = append(got, summary{d.Source, d.Key(), d.Title, d.Status, hs})
		checkSections(t, d)
		if err := d.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", d.Source, err)
		}
	}
	want := []summary{
		{"testdata/good/antibiotics.htm", "antibiotic-choice@2025.1", "Antibiotic choice in adults", Draft, []string{"Antibiotic choice"}},
		{"testdata/good/falls.html", "falls-prevention@1", "Falls prevention in hospital", Approved,
			[]string{"Falls prevention", "Falls prevention > Assessment", "Falls prevention > Assessment > Risk factors", "Falls prevention > After a fall"}},
		{"testdata/good/hand-hygiene.txt", "hand-hygiene@7", "Hand hygiene", Approved, []string{"", "WHEN TO CLEAN HANDS", "Technique"}},
		{"testdata/good/passages.jsonl:1", "p1@1", "Asthma", Approved, []string{""}},
		{"testdata/good/passages.jsonl:3", "p2@1", "Asthma", Approved, []string{""}},
		{"testdata/good/passages.jsonl:4", "p3@1", "p3", Draft, []string{""}},
		{"testdata/good/screening.pdf", "sepsis-screening@1", "Sepsis screening in adults", Approved, []string{"Page 1", "Page 2"}},
		{"testdata/good/sepsis-v2.md", "sepsis-adult@2.1", "Sepsis in adults", Superseded, []string{"Sepsis in adults (2022)"}},
		{"testdata/good/sepsis.md", "sepsis-adult@3.0", "Sepsis in adults", Approved, []string{
			"", "Sepsis in adults", "Sepsis in adults > Recognition", "Sepsis in adults > Recognition > Red flags",
			"Sepsis in adults > Treatment", "Sepsis in adults > Fluids", "Escalation"}},
		{"testdata/good/sub/pressure-ulcers.markdown", "pressure-ulcers@1", "Pressure ulcers", Approved, []string{"Pressure ulcers"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(testdata/good) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestMetadataFields(t *testing.T) {
	docs, err := LoadFile("testdata/good/sepsis.md")
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := Metadata{
		ID:            "sepsis-adult",
		Title:         "Sepsis in adults",
		Publisher:     "Bedside Example Trust",
		Version:       "3.0",
		Status:        Approved,
		ApprovedBy:    "Deteriorating Patient Group",
		ApprovedAt:    date("2025-01-15"),
		EffectiveFrom: date("2025-02-01"),
		ReviewDue:     date("2027-02-01"),
		Jurisdiction:  "England",
		Specialties:   []string{"acute medicine", "emergency medicine"},
		Tags:          []string{"sepsis", "deterioration"},
		Audience:      []string{"nurses"},
		SourceURL:     "https://example.org/guidance/sepsis",
		Licence:       "CC BY 4.0",
	}
	if len(docs) != 1 || !reflect.DeepEqual(docs[0].Metadata, want) {
		t.Fatalf("LoadFile(sepsis.md) metadata = %+v; want %+v", docs[0].Metadata, want)
	}
	if !strings.HasPrefix(docs[0].Body, "This guideline is an invented example") {
		t.Errorf("Body starts %q; want the text after the front matter", docs[0].Body[:40])
	}

	docs, err = LoadFile("testdata/good/hand-hygiene.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := docs[0].EffectiveFrom, time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("hand-hygiene.txt EffectiveFrom = %v; want %v", got, want)
	}
	if got := docs[0].Version; got != "7" {
		t.Errorf("hand-hygiene.txt Version = %q; want \"7\" (an unquoted YAML number keeps its text)", got)
	}
	if got := docs[0].Tags; !slices.Equal(got, []string{"infection control"}) {
		t.Errorf("hand-hygiene.txt Tags = %q; want [infection control]", got)
	}

	docs, err = LoadFile("testdata/good/falls.html")
	if err != nil {
		t.Fatal(err)
	}
	if got := docs[0].Audience; !slices.Equal(got, []string{"nurses", "physiotherapists"}) {
		t.Errorf("falls.html Audience = %q; want [nurses physiotherapists]", got)
	}
}

func TestSidecarOverrides(t *testing.T) {
	docs, err := LoadFile("testdata/sidecar/note.md")
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if d.Status != Approved {
		t.Errorf("Status = %q; want approved (from the sidecar)", d.Status)
	}
	if want := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC); !d.ApprovedAt.Equal(want) {
		t.Errorf("ApprovedAt = %v; want %v (from the sidecar)", d.ApprovedAt, want)
	}
	if d.Title != "A note" || !slices.Equal(d.Tags, []string{"from-front-matter"}) {
		t.Errorf("Title, Tags = %q, %q; want the front matter's", d.Title, d.Tags)
	}
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "corpus.jsonl")
	data := `{"_id": "a", "title": "A", "text": "Alpha."}
{"_id": "b", "title": "B", "text": "Beta.", "status": "draft", "version": "2", "tags": []}
`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	if want := path + ":1: version: missing\n" + path + ":1: status: missing (want draft, approved, superseded or withdrawn)"; err == nil || err.Error() != want {
		t.Errorf("LoadFile without defaults: error = %v; want %s", err, want)
	}

	l := &Loader{Defaults: Metadata{Status: Approved, Version: "1", Tags: []string{"corpus"}, Publisher: "NIH"}}
	docs, err := l.LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile with defaults: %v", err)
	}
	type got struct {
		Key    string
		Status Status
		Tags   []string
		Pub    string
		Source string
	}
	var gots []got
	for _, d := range docs {
		gots = append(gots, got{d.Key(), d.Status, d.Tags, d.Publisher, d.Source})
	}
	want := []got{
		{"a@1", Approved, []string{"corpus"}, "NIH", path + ":1"},
		{"b@2", Draft, []string{"corpus"}, "NIH", path + ":2"}, // an empty list supplies nothing
	}
	if !reflect.DeepEqual(gots, want) {
		t.Errorf("LoadFile with defaults = %+v; want %+v", gots, want)
	}
	docs[0].Tags[0] = "changed"
	if docs[1].Tags[0] != "corpus" || l.Defaults.Tags[0] != "corpus" {
		t.Errorf("documents share the default Tags slice")
	}

	bad := &Loader{Defaults: Metadata{Status: "aproved"}}
	_, err = bad.Load("testdata/good")
	if want := `guidance: defaults: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)`; err == nil || err.Error() != want {
		t.Errorf("Load with bad defaults: error = %v; want %s", err, want)
	}
}

func TestLoadPathsOnce(t *testing.T) {
	docs, err := Load("testdata/good/sepsis.md", "testdata/good/sepsis.md", "./testdata/good/sepsis.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Errorf("Load(same file three times) = %d documents; want 1", len(docs))
	}
	docs, err = Load()
	if docs != nil || err != nil {
		t.Errorf("Load() = %v, %v; want nil, nil", docs, err)
	}
}

func TestErrorLimitPerFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	var b strings.Builder
	for range 15 {
		b.WriteString(`{"_id": "x", "title": "X", "text": "No version.", "status": "draft"}` + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	errs := joined(err)
	if len(errs) != maxErrorsPerFile+1 {
		t.Fatalf("LoadFile(15 bad lines) = %d errors; want %d", len(errs), maxErrorsPerFile+1)
	}
	if got, want := errs[0].Error(), path+":1: version: missing"; got != want {
		t.Errorf("first error = %s; want %s", got, want)
	}
	if got, want := errs[maxErrorsPerFile].Error(), path+": 5 more errors"; got != want {
		t.Errorf("last error = %s; want %s", got, want)
	}
}

func TestWalkSkips(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := "---\nid: %s\ntitle: T\nversion: \"1\"\nstatus: draft\n---\nText.\n"
	write("a.md", strings.Replace(good, "%s", "a", 1))
	write(".git/b.md", strings.Replace(good, "%s", "b", 1))
	write("sub/c.MD", strings.Replace(good, "%s", "c", 1))
	write("README", "no extension")
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "link")); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "a.md"), filepath.Join(dir, "z.md")); err != nil {
		t.Fatal(err)
	}
	var skipped []string
	l := &Loader{OnSkip: func(path, reason string) {
		rel, _ := filepath.Rel(dir, path)
		skipped = append(skipped, rel+": "+reason)
	}}
	_, err := l.Load(dir)
	// z.md links to a.md: the same id@version twice.
	if want := filepath.Join(dir, "z.md") + ":2: id: duplicate id@version a@1, also in " + filepath.Join(dir, "a.md") + ":2"; err == nil || err.Error() != want {
		t.Errorf("Load error = %v; want %s", err, want)
	}
	wantSkipped := []string{".git: hidden directory", "README: project documentation, not guidance", "link: symbolic link to a directory"}
	if !slices.Equal(skipped, wantSkipped) {
		t.Errorf("skipped = %q; want %q", skipped, wantSkipped)
	}
}

func TestWalkSkipsProjectFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# About this folder\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "LICENSE.txt"), []byte("CC BY 4.0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("---\nid: a\nversion: \"1\"\nstatus: draft\n---\n# A\n\nText.\n"), 0o644)
	var skipped []string
	docs, err := (&Loader{OnSkip: func(p, reason string) { skipped = append(skipped, filepath.Base(p)+": "+reason) }}).Load(dir)
	if err != nil || len(docs) != 1 {
		t.Fatalf("Load = %d docs, %v; want 1 doc", len(docs), err)
	}
	want := []string{"LICENSE.txt: project documentation, not guidance", "README.md: project documentation, not guidance"}
	if !slices.Equal(skipped, want) {
		t.Errorf("skipped = %q; want %q", skipped, want)
	}
	// Named explicitly, a README is loaded (and here fails for lack of metadata).
	if _, err := Load(filepath.Join(dir, "README.md")); err == nil {
		t.Errorf("Load(README.md) succeeded; want a missing-metadata error")
	}
}

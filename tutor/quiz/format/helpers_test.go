package format

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// carried returns the part of it that format f carries: what Decode gives
// back after Encode. This is the table in doc.go, as code.
func carried(f Format, it quiz.Item) quiz.Item {
	html := func(s string) string { return trim(normalizeNewlines(s)) }
	switch f {
	case JSON:
		return it
	case CSV:
		c := it
		crlf := func(s string) string { return replaceCRLF(s) }
		c.Stem, c.Rationale, c.ID, c.Topic, c.Generator = crlf(c.Stem), crlf(c.Rationale), crlf(c.ID), crlf(c.Topic), crlf(c.Generator)
		c.Options = nil
		for _, o := range it.Options {
			c.Options = append(c.Options, quiz.Option{Text: crlf(o.Text), Correct: o.Correct, Explanation: crlf(o.Explanation)})
		}
		return c
	case MoodleXML, GIFT:
		c := quiz.Item{
			ID: it.ID, Type: it.Type, Stem: html(it.Stem), Rationale: html(it.Rationale),
			Citations: it.Citations, Difficulty: it.Difficulty, Bloom: it.Bloom,
			Tags: it.Tags, Topic: trim(it.Topic),
		}
		for _, o := range it.Options {
			c.Options = append(c.Options, quiz.Option{Text: html(o.Text), Correct: o.Correct, Explanation: html(o.Explanation)})
		}
		for _, a := range it.Answers {
			c.Answers = append(c.Answers, trim(a))
		}
		return c
	case Aiken:
		c := quiz.Item{Type: quiz.SingleBestAnswer, Stem: foldLine(it.Stem)}
		if it.Type == quiz.TrueFalse {
			c.Type = quiz.TrueFalse
		}
		for _, o := range it.Options {
			c.Options = append(c.Options, quiz.Option{Text: foldLine(o.Text), Correct: o.Correct})
		}
		return c
	}
	return quiz.Item{}
}

func replaceCRLF(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte("\r\n"), []byte("\n")))
}

// norm makes items comparable with reflect.DeepEqual: empty slices become
// nil and times lose their location and monotonic reading.
func norm(it quiz.Item) quiz.Item {
	if len(it.Options) == 0 {
		it.Options = nil
	}
	if len(it.Answers) == 0 {
		it.Answers = nil
	}
	if len(it.Tags) == 0 {
		it.Tags = nil
	}
	if len(it.Findings) == 0 {
		it.Findings = nil
	}
	if len(it.Citations) == 0 {
		it.Citations = nil
	} else {
		cs := make([]quiz.Citation, len(it.Citations))
		for i, c := range it.Citations {
			if len(c.Section) == 0 {
				c.Section = nil
			}
			cs[i] = c
		}
		it.Citations = cs
	}
	if !it.Created.IsZero() {
		it.Created = it.Created.Round(0).UTC()
	}
	return it
}

func equalItem(a, b quiz.Item) bool { return reflect.DeepEqual(norm(a), norm(b)) }

func encode(t testing.TB, f Format, b quiz.Bank, opts EncodeOptions) ([]byte, Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := EncodeWith(&buf, f, b, opts)
	if err != nil {
		t.Fatalf("EncodeWith(%s) = %v", f, err)
	}
	return buf.Bytes(), res
}

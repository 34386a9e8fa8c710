package guidance

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestPDFText(t *testing.T) {
	data, err := os.ReadFile("testdata/pdf/guide.pdf")
	if err != nil {
		t.Fatal(err)
	}
	p, errs := parsePDF("guide.pdf", data)
	if errs != nil {
		t.Fatalf("parsePDF(guide.pdf): %v", errs)
	}
	want := []sec{
		{"Page 1", "Sepsis screening\nScreen every adult with a suspected infection.\nUse the NEWS2 score (see chart).\nGive oxygen if SpO2 is low."},
		{"Page 2", "Escalate within one hour.\nGive antibiotics\nReview at 6 hours.\nRecord lactate."},
	}
	if got := sectionsOf(t, p.body, p.sections); !reflect.DeepEqual(got, want) {
		t.Errorf("parsePDF(guide.pdf) sections = %q; want %q", got, want)
	}
	if p.title != "Sepsis screening in adults" {
		t.Errorf("parsePDF(guide.pdf) title = %q; want the Info title", p.title)
	}
}

func TestPDFForm(t *testing.T) {
	data, err := os.ReadFile("testdata/pdf/form.pdf")
	if err != nil {
		t.Fatal(err)
	}
	p, errs := parsePDF("form.pdf", data)
	if errs != nil {
		t.Fatalf("parsePDF(form.pdf): %v", errs)
	}
	if want := "Text inside a form."; p.body != want {
		t.Errorf("parsePDF(form.pdf) body = %q; want %q", p.body, want)
	}
}

// TestPDFDamaged checks that no prefix or single-byte corruption of a valid
// PDF makes the loader panic: every failure is an error naming the file.
func TestPDFDamaged(t *testing.T) {
	data, err := os.ReadFile("testdata/pdf/guide.pdf")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, b []byte) {
		t.Helper()
		p, errs := parsePDF("x.pdf", b)
		if errs == nil {
			d := &Document{Body: p.body, Sections: p.sections, Source: what}
			checkSections(t, d)
			return
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "x.pdf: reading PDF: ") {
			t.Errorf("parsePDF(%s) errors = %v; want one \"x.pdf: reading PDF: ...\"", what, errs)
		}
	}
	for n := 0; n < len(data); n += 7 {
		check("prefix", data[:n])
	}
	for i := 0; i < len(data); i++ {
		for _, c := range []byte{0, '(', '[', '<', '9'} {
			b := append([]byte(nil), data...)
			b[i] = c
			check("mutation", b)
		}
	}
}

func TestLoadPDFWithSidecar(t *testing.T) {
	docs, err := LoadFile("testdata/good/screening.pdf")
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if d.ID != "sepsis-screening" || d.Publisher != "Bedside Example Trust" || d.Title != "Sepsis screening in adults" {
		t.Errorf("LoadFile(screening.pdf) = %+v; want id, publisher from the sidecar and the PDF's title", d.Metadata)
	}
}

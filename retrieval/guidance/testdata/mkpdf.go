//go:build ignore

// mkpdf writes the small PDF fixtures in testdata/pdf. Run it from the
// package directory:
//
//	go run testdata/mkpdf.go
//
// Each PDF is written object by object with a correct cross-reference table,
// except where a fixture is deliberately broken.
package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// A pdfFile builds a PDF from numbered objects.
type pdfFile struct {
	objs []string // objs[i] is object i+1's body (between "obj" and "endobj")
}

func (p *pdfFile) add(body string) int {
	p.objs = append(p.objs, body)
	return len(p.objs)
}

// stream returns a stream object body, Flate-compressed if compress is set.
func stream(content string, compress bool) string {
	if !compress {
		return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
	}
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(content))
	w.Close()
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", b.Len(), b.String())
}

// bytes renders the file. trailer is the trailer dictionary's entries.
// swap, if not nil, changes the xref offsets (to break the file).
func (p *pdfFile) bytes(trailer string, swap func(offsets []int)) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(p.objs))
	for i, body := range p.objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	if swap != nil {
		swap(offsets)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(p.objs)+1, trailer, xref)
	return b.Bytes()
}

const font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// guide is a three-page guideline: text placed with Td and T*, a TJ array
// with word-space adjustments, a Flate-compressed page positioned with Tm,
// and an empty third page.
func guide() []byte {
	var p pdfFile
	catalog := p.add("<< /Type /Catalog /Pages 2 0 R >>")
	_ = catalog
	p.add("<< /Type /Pages /Kids [4 0 R 6 0 R 8 0 R] /Count 3 /Resources << /Font << /F1 3 0 R >> >> >>")
	p.add(font)
	page1 := strings.Join([]string{
		"BT",
		"/F1 18 Tf 72 720 Td (Sepsis screening) Tj",
		"/F1 11 Tf 14 TL",
		"0 -28 Td (Screen every adult with a suspected infection.) Tj",
		"T* (Use the NEWS2 score \\(see chart\\).) Tj",
		"T* [(Give) -300 (oxygen) -250 (if) -280 (SpO) 20 (2) -300 (is low.)] TJ",
		"ET",
	}, "\n")
	p.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>")
	p.add(stream(page1, false))
	page2 := strings.Join([]string{
		"BT /F1 11 Tf",
		"1 0 0 1 72 720 Tm (Escalate) Tj",
		"1 0 0 1 130 720 Tm (within one hour.) Tj",
		"1 0 0 1 72 700 Tm (Give antibiotics) Tj",
		"ET",
		"BT /F1 11 Tf 72 680 Td 14 TL (Review at 6 hours.) Tj (Record lactate.) ' ET",
	}, "\n")
	p.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R >>")
	p.add(stream(page2, true))
	p.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
	p.add("<< /Title (Sepsis screening in adults) /Producer (mkpdf) >>")
	return p.bytes("/Root 1 0 R /Info 9 0 R", nil)
}

// onePage returns a one-page PDF with the given content stream.
func onePage(content string) *pdfFile {
	var p pdfFile
	p.add("<< /Type /Catalog /Pages 2 0 R >>")
	p.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	p.add(stream(content, false))
	p.add(font)
	return &p
}

func main() {
	dir := filepath.Join("testdata", "pdf")
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	write("guide.pdf", guide())
	// The same guide, loaded with its sidecar among the good fixtures.
	if err := os.WriteFile(filepath.Join("testdata", "good", "screening.pdf"), guide(), 0o644); err != nil {
		log.Fatal(err)
	}

	// notext.pdf draws a rectangle and shows no text.
	write("notext.pdf", onePage("0 0 1 rg 72 72 200 100 re f").bytes("/Root 1 0 R", nil))

	// badobj.pdf's cross-reference table points object 3 (the page) at
	// object 4, so reading the page panics inside the PDF library.
	write("badobj.pdf", onePage("BT /F1 12 Tf 72 720 Td (Hello) Tj ET").bytes("/Root 1 0 R",
		func(off []int) { off[2] = off[3] }))

	// cycle.pdf's page tree lists itself as its own kid.
	var cyc pdfFile
	cyc.add("<< /Type /Catalog /Pages 2 0 R >>")
	cyc.add("<< /Type /Pages /Kids [2 0 R] /Count 1 >>")
	write("cycle.pdf", cyc.bytes("/Root 1 0 R", nil))

	// form.pdf draws its text from a form XObject with its own font.
	var form pdfFile
	form.add("<< /Type /Catalog /Pages 2 0 R >>")
	form.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	form.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Fm1 5 0 R >> >> /Contents 4 0 R >>")
	form.add(stream("q 1 0 0 1 72 700 cm /Fm1 Do Q", false))
	form.add(strings.Replace(stream("BT /F9 12 Tf 0 0 Td (Text inside a form.) Tj ET", false), "<<",
		"<< /Type /XObject /Subtype /Form /BBox [0 0 300 50] /Resources << /Font << /F9 6 0 R >> >>", 1))
	form.add(font)
	write("form.pdf", form.bytes("/Root 1 0 R", nil))

	// hexloop.pdf's content stream ends inside a hex string, on which the
	// PDF library's lexer would loop forever.
	write("hexloop.pdf", onePage("BT /F1 12 Tf 72 720 Td <48656C6C6F").bytes("/Root 1 0 R", nil))

	// prevloop.pdf's trailer names its own cross-reference table as /Prev.
	pl := onePage("BT /F1 12 Tf 72 720 Td (Hello) Tj ET").bytes("/Root 1 0 R", nil)
	xref := bytes.LastIndex(pl, []byte("\nxref\n")) + 1
	pl = bytes.Replace(pl, []byte("/Root 1 0 R"), []byte(fmt.Sprintf("/Root 1 0 R /Prev %d", xref)), 1)
	write("prevloop.pdf", pl)

	// corrupt.pdf has a PDF header and end marker but nothing between.
	write("corrupt.pdf", []byte("%PDF-1.4\n"+strings.Repeat("garbage ", 20)+"\n%%EOF\n"))

	// truncated.pdf is the first half of guide.pdf.
	g := guide()
	write("truncated.pdf", g[:len(g)/2])

	// notpdf.pdf is a text file with a .pdf extension.
	write("notpdf.pdf", []byte("This is not a PDF.\n"))

	// encrypted.pdf carries a standard security handler whose user password
	// is not empty (O and U are arbitrary), so it cannot be opened.
	var enc bytes.Buffer
	enc.WriteString("%PDF-1.4\n")
	x := enc.Len()
	enc.WriteString("xref\n0 1\n0000000000 65535 f \n")
	fmt.Fprintf(&enc, "trailer\n<< /Size 1 /ID [(%s)] /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /O (%s) /U (%s) /P -4 >> >>\n",
		strings.Repeat("I", 16), strings.Repeat("O", 32), strings.Repeat("U", 32))
	fmt.Fprintf(&enc, "startxref\n%d\n%%%%EOF\n", x)
	write("encrypted.pdf", enc.Bytes())
}

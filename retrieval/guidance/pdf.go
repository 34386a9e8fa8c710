package guidance

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits that keep a malformed PDF from looping or exhausting memory.
const (
	pdfMaxDepth      = 64      // page tree, resource inheritance and form nesting
	pdfMaxPageVisits = 1 << 20 // nodes visited in the page tree
	pdfMaxForms      = 10000   // form XObjects drawn on one page
)

// parsePDF extracts the text of each page of a PDF file. Each page with
// text is a section with heading path ["Page N"]; pages are separated in the
// body by a blank line. Metadata comes from a sidecar; the PDF's own Info
// title is the fallback title.
func parsePDF(file string, data []byte) (p *parsed, errs []error) {
	defer func() {
		// The PDF library panics on some malformed input.
		if r := recover(); r != nil {
			p, errs = nil, []error{&Error{File: file, Err: fmt.Errorf("reading PDF: %v", r)}}
		}
	}()
	fail := func(err error) (*parsed, []error) {
		return nil, []error{&Error{File: file, Err: fmt.Errorf("reading PDF: %w", err)}}
	}
	if err := checkPDFStructure(data); err != nil {
		return fail(err)
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, pdf.ErrInvalidPassword) {
		return fail(errors.New("file is encrypted with a password"))
	} else if err != nil {
		return fail(err)
	}
	root := r.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return fail(errors.New("no page tree"))
	}
	pages, err := pdfPages(root)
	if err != nil {
		return fail(err)
	}
	var body strings.Builder
	var spans []span
	for i, page := range pages {
		text, err := pageText(page, i+1)
		if err != nil {
			return fail(err)
		}
		if text == "" {
			continue
		}
		if body.Len() > 0 {
			body.WriteString("\n\n")
		}
		spans = append(spans, span{body.Len(), body.Len() + len(text), []string{"Page " + strconv.Itoa(i+1)}})
		body.WriteString(text)
	}
	if body.Len() == 0 {
		n := strconv.Itoa(len(pages)) + " pages"
		if len(pages) == 1 {
			n = "1 page"
		}
		return fail(fmt.Errorf("no text found in %s (a scanned PDF needs OCR first)", n))
	}
	out := &parsed{body: body.String()}
	for _, s := range spans {
		out.sections = addSection(out.sections, out.body, s.start, s.end, s.path)
	}
	out.title = strings.TrimSpace(r.Trailer().Key("Info").Key("Title").Text())
	return out, nil
}

// pdfPages returns the leaf pages of a page tree in order. It does not trust
// the tree's Count entries, and stops on trees that are too deep (a cycle)
// or too large.
func pdfPages(root pdf.Value) ([]pdf.Value, error) {
	var pages []pdf.Value
	visits := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		if depth > pdfMaxDepth {
			return errors.New("page tree is nested too deeply")
		}
		if visits++; visits > pdfMaxPageVisits {
			return errors.New("page tree is too large")
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Pages" || kids.Kind() == pdf.Array {
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if v.Kind() == pdf.Dict {
			pages = append(pages, v)
		}
		return nil
	}
	err := walk(root, 0)
	return pages, err
}

// inherited looks key up in a page and then its ancestors.
func inherited(v pdf.Value, key string) pdf.Value {
	for i := 0; i < pdfMaxDepth && !v.IsNull(); i++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// pageText returns the text of one page, with lines separated by "\n".
func pageText(page pdf.Value, num int) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("page %d: %v", num, r)
		}
	}()
	contents := page.Key("Contents")
	if contents.Kind() != pdf.Stream && contents.Kind() != pdf.Array {
		return "", nil // a blank page
	}
	x := &pdfTextState{ctm: identity}
	x.run(contents, inherited(page, "Resources"), 0)
	return cleanPDFText(string(x.out)), nil
}

// A matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m×n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// pdfTextState interprets a page's content stream, writing the text it
// shows and inserting spaces and line breaks where the text moves.
type pdfTextState struct {
	out      []byte
	ctm      matrix
	ctmStack []matrix
	tm, tlm  matrix
	leading  float64
	fontSize float64
	font     *pdfFont
	fonts    map[string]*pdfFont

	forms    int     // form XObjects drawn so far
	moved    bool    // text position set since the last text shown
	started  bool    // some text has been shown
	lastY    float64 // device y of the last text shown
	lastEndX float64 // estimated device x where the last text ended
}

// A pdfFont decodes a font's codes and estimates their widths.
type pdfFont struct {
	enc     pdf.TextEncoding
	widths  []float64 // per code from first, in 1/1000 em; nil if unknown
	first   int
	twoByte bool
}

func (x *pdfTextState) run(contents, resources pdf.Value, depth int) {
	if depth > pdfMaxDepth {
		panic("form XObjects nested too deeply")
	}
	fonts := x.fonts
	x.fonts = map[string]*pdfFont{}
	defer func() { x.fonts = fonts }()
	if err := checkStream(contents); err != nil {
		panic(err)
	}
	fontRes := resources.Key("Font")
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			x.ctmStack = append(x.ctmStack, x.ctm)
		case "Q":
			if k := len(x.ctmStack); k > 0 {
				x.ctm = x.ctmStack[k-1]
				x.ctmStack = x.ctmStack[:k-1]
			}
		case "cm":
			if len(args) == 6 {
				x.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(x.ctm)
			}
		case "BT":
			x.tm, x.tlm = identity, identity
			x.moved = true
		case "Tf":
			if len(args) == 2 {
				x.font = x.loadFont(fontRes, args[0].Name())
				x.fontSize = num(1)
			}
		case "TL":
			x.leading = num(0)
		case "Td":
			x.translate(num(0), num(1))
		case "TD":
			x.leading = -num(1)
			x.translate(num(0), num(1))
		case "Tm":
			if len(args) == 6 {
				x.tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				x.tm = x.tlm
				x.moved = true
			}
		case "T*":
			x.translate(0, -x.leading)
		case "Tj":
			if len(args) == 1 {
				x.show(args[0].RawString())
			}
		case "'":
			x.translate(0, -x.leading)
			if len(args) == 1 {
				x.show(args[0].RawString())
			}
		case "\"":
			x.translate(0, -x.leading)
			if len(args) == 3 {
				x.show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				v := a.Index(i)
				if v.Kind() == pdf.String {
					x.show(v.RawString())
					continue
				}
				// A number moves the next glyph left by n/1000 em; a large
				// negative one is a word space.
				adj := v.Float64()
				x.tm = matrix{1, 0, 0, 1, -adj / 1000 * x.fontSize, 0}.mul(x.tm)
				if adj < -200 && x.started && !x.endsWithSpace() {
					x.out = append(x.out, ' ')
				}
			}
		case "Do":
			if len(args) != 1 {
				return
			}
			xo := resources.Key("XObject").Key(args[0].Name())
			if xo.Kind() == pdf.Stream && xo.Key("Subtype").Name() == "Form" {
				if x.forms++; x.forms > pdfMaxForms {
					panic(fmt.Sprintf("more than %d form XObjects drawn on one page", pdfMaxForms))
				}
				saved := x.ctm
				if m := xo.Key("Matrix"); m.Len() == 6 {
					x.ctm = matrix{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(),
						m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}.mul(x.ctm)
				}
				res := xo.Key("Resources")
				if res.IsNull() {
					res = resources
				}
				x.run(xo, res, depth+1)
				x.ctm = saved
			}
		}
	})
}

func (x *pdfTextState) translate(tx, ty float64) {
	x.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(x.tlm)
	x.tm = x.tlm
	x.moved = true
}

func (x *pdfTextState) endsWithSpace() bool {
	return len(x.out) > 0 && (x.out[len(x.out)-1] == ' ' || x.out[len(x.out)-1] == '\n')
}

func (x *pdfTextState) loadFont(fontRes pdf.Value, name string) *pdfFont {
	if f, ok := x.fonts[name]; ok {
		return f
	}
	fv := fontRes.Key(name)
	if tu := fv.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if err := checkStream(tu); err != nil {
			panic(fmt.Errorf("font %s: ToUnicode: %w", name, err))
		}
	}
	font := pdf.Font{V: fv}
	f := &pdfFont{enc: font.Encoder(), twoByte: fv.Key("Subtype").Name() == "Type0"}
	if !f.twoByte {
		if w := fv.Key("Widths"); w.Len() > 0 && w.Len() <= 256 {
			f.first = int(fv.Key("FirstChar").Int64())
			f.widths = make([]float64, w.Len())
			for i := range f.widths {
				f.widths[i] = w.Index(i).Float64()
			}
		}
	}
	x.fonts[name] = f
	return f
}

// show writes the text of a shown string, preceded by a line break or space
// if the text position moved to a new line or across a gap.
func (x *pdfTextState) show(raw string) {
	if raw == "" {
		return
	}
	var text string
	if x.font != nil && x.font.enc != nil {
		text = x.font.enc.Decode(raw)
	} else {
		text = raw
	}
	trm := x.tm.mul(x.ctm)
	px, py := trm[4], trm[5]
	size := math.Abs(x.fontSize) * math.Hypot(trm[2], trm[3])
	if size == 0 {
		size = 1
	}
	if x.started && x.moved {
		switch {
		case math.Abs(py-x.lastY) > 0.5*size:
			x.trimSpace()
			x.out = append(x.out, '\n')
		case px > x.lastEndX+0.15*size && !x.endsWithSpace():
			x.out = append(x.out, ' ')
		}
	}
	for _, r := range text {
		if lig, ok := ligatures[r]; ok {
			x.out = append(x.out, lig...)
			continue
		}
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case r == utf8.RuneError || unicode.IsControl(r):
			continue
		}
		x.out = utf8.AppendRune(x.out, r)
	}
	// Advance the text matrix by the estimated width of the string.
	x.tm = matrix{1, 0, 0, 1, x.width(raw, text) * x.fontSize, 0}.mul(x.tm)
	end := x.tm.mul(x.ctm)
	x.lastEndX, x.lastY = end[4], py
	x.started, x.moved = true, false
}

// ligatures maps the Latin ligature code points that PDF fonts often map
// glyphs to (U+FB00–U+FB06) to their letters, so that "speciﬁc" is
// searchable as "specific".
var ligatures = map[rune]string{
	'\uFB00': "ff", '\uFB01': "fi", '\uFB02': "fl", '\uFB03': "ffi",
	'\uFB04': "ffl", '\uFB05': "st", '\uFB06': "st",
}

// width estimates the width of a shown string in text space units (em).
func (x *pdfTextState) width(raw, text string) float64 {
	f := x.font
	if f == nil || f.widths == nil {
		return 0.5 * float64(utf8.RuneCountInString(text))
	}
	w := 0.0
	for i := 0; i < len(raw); i++ {
		if c := int(raw[i]) - f.first; c >= 0 && c < len(f.widths) && f.widths[c] > 0 {
			w += f.widths[c] / 1000
		} else {
			w += 0.5
		}
	}
	return w
}

func (x *pdfTextState) trimSpace() {
	for len(x.out) > 0 && x.out[len(x.out)-1] == ' ' {
		x.out = x.out[:len(x.out)-1]
	}
}

// cleanPDFText trims each line, collapses runs of spaces and blank lines,
// and trims the whole.
func cleanPDFText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\u00a0' }), " ")
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

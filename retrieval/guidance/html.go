package guidance

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// metaPrefix starts the name of a <meta> tag that carries a metadata field.
const metaPrefix = "bedside:"

// parseHTML extracts the visible text of an HTML file, split into sections
// by its h1–h6 headings, and the metadata in its bedside: <meta> tags.
func parseHTML(file string, data []byte) (*parsed, []error) {
	if !utf8.Valid(data) {
		enc, name, _ := charset.DetermineEncoding(data, "text/html")
		if name != "utf-8" {
			decoded, err := enc.NewDecoder().Bytes(data)
			if err != nil {
				return nil, []error{&Error{File: file, Err: fmt.Errorf("decoding %s text: %w", name, err)}}
			}
			data = decoded
		}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	mt, errs := htmlMeta(file, data)
	if errs != nil {
		return nil, errs
	}
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, []error{&Error{File: file, Err: fmt.Errorf("reading HTML: %w", err)}}
	}
	x := &htmlExtractor{}
	x.walk(root, false)
	x.endSection()
	body := strings.TrimRight(string(x.w.b), "\n")
	var sections []Section
	for _, s := range x.spans {
		sections = addSection(sections, body, min(s.start, len(body)), min(s.end, len(body)), s.path)
	}
	title := x.title
	if t := findElement(root, atom.Title); t != nil {
		if s := inlineText(t); s != "" {
			title = s
		}
	}
	return &parsed{meta: mt, body: body, sections: sections, title: title}, nil
}

// htmlMeta reads the <meta name="bedside:FIELD" content="..."> tags of an
// HTML document, with their lines. A list field may be given in one tag
// (comma-separated) or several.
func htmlMeta(file string, data []byte) (*meta, []error) {
	mt := &meta{}
	lists := map[string][]string{}
	listPlace := map[string]place{}
	var listOrder []string
	var errs []error
	z := html.NewTokenizer(bytes.NewReader(data))
	line := 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		tagLine := line
		line += bytes.Count(raw, []byte("\n"))
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) != "meta" || !hasAttr {
			continue
		}
		var metaName, content string
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			switch string(k) {
			case "name", "property":
				metaName = string(v)
			case "content":
				content = string(v)
			}
		}
		field, ok := cutPrefixFold(metaName, metaPrefix)
		if !ok {
			continue
		}
		field = strings.ToLower(field)
		at := place{file: file, line: tagLine}
		if isListField(field) {
			if _, seen := lists[field]; !seen {
				listOrder = append(listOrder, field)
				listPlace[field] = at
			}
			lists[field] = append(lists[field], strings.Split(content, ",")...)
			continue
		}
		if err := mt.set(field, fieldValue{s: content}, at); err != nil {
			errs = append(errs, err)
		}
	}
	for _, field := range listOrder {
		if err := mt.set(field, fieldValue{isList: true, list: lists[field]}, listPlace[field]); err != nil {
			errs = append(errs, err)
		}
	}
	if errs != nil {
		return nil, errs
	}
	if mt.places == nil {
		return nil, nil
	}
	return mt, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// htmlExtractor builds a document body from an HTML tree.
type htmlExtractor struct {
	w        textWriter
	path     headingPath
	spans    []span
	secStart int
	title    string // first h1
}

// A span of the body under one heading path, not yet trimmed.
type span struct {
	start, end int
	path       []string
}

// endSection records the text since the last heading as a section.
func (x *htmlExtractor) endSection() {
	if x.w.Len() > x.secStart {
		x.spans = append(x.spans, span{x.secStart, x.w.Len(), x.path.path()})
	}
}

// skipped reports whether the element n and its content are not part of
// the visible text.
func skipped(n *html.Node, inSection bool) bool {
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Nav, atom.Template, atom.Noscript,
		atom.Svg, atom.Canvas, atom.Iframe, atom.Object, atom.Embed, atom.Select, atom.Button:
		return true
	case atom.Header, atom.Footer:
		// A page's banner and footer, but not an article's or section's own
		// header and footer (which often hold its title).
		if !inSection {
			return true
		}
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			if strings.Contains(strings.ReplaceAll(strings.ToLower(a.Val), " ", ""), "display:none") {
				return true
			}
		}
	}
	return false
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// isBlock reports whether an element starts on a new line.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.Header,
		atom.Hgroup, atom.Hr, atom.Legend, atom.Li, atom.Main, atom.Ol, atom.P, atom.Pre,
		atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr,
		atom.Ul, atom.Menu:
		return true
	}
	return false
}

// walk writes the visible text of n. inSection is true inside an article,
// aside, main, nav or section element.
func (x *htmlExtractor) walk(n *html.Node, inSection bool) {
	switch n.Type {
	case html.TextNode:
		x.w.text(n.Data)
		return
	case html.DocumentNode:
		x.children(n, inSection)
		return
	case html.ElementNode:
	default:
		return
	}
	if skipped(n, inSection) {
		return
	}
	if level := headingLevel(n.DataAtom); level > 0 {
		text := inlineText(n)
		x.w.breakLine(2)
		x.endSection()
		x.path.push(level, text)
		if level == 1 && x.title == "" {
			x.title = text
		}
		if text != "" {
			x.w.text(text)
			x.w.breakLine(2)
		}
		x.secStart = x.w.Len()
		return
	}
	switch n.DataAtom {
	case atom.Article, atom.Aside, atom.Main, atom.Section:
		inSection = true
	case atom.Br:
		x.w.breakLine(1)
		return
	case atom.Pre:
		x.w.breakLine(1)
		x.w.pre(preText(n))
		x.w.breakLine(1)
		return
	case atom.Td, atom.Th:
		if hasPrevCell(n) {
			x.w.raw(" | ")
		}
	case atom.Li:
		x.w.breakLine(1)
		x.w.raw(listMarker(n))
		x.children(n, inSection)
		x.w.breakLine(1)
		return
	}
	block := isBlock(n.DataAtom)
	if block {
		x.w.breakLine(1)
	}
	x.children(n, inSection)
	if block {
		x.w.breakLine(1)
	}
}

func (x *htmlExtractor) children(n *html.Node, inSection bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, inSection)
	}
}

// hasPrevCell reports whether a table cell has a cell before it in its row.
func hasPrevCell(n *html.Node) bool {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode && (p.DataAtom == atom.Td || p.DataAtom == atom.Th) {
			return true
		}
	}
	return false
}

// listMarker returns "- " for an unordered list item and "N. " for the Nth
// item of an ordered list (honouring the list's start attribute).
func listMarker(li *html.Node) string {
	list := li.Parent
	if list == nil || list.DataAtom != atom.Ol {
		return "- "
	}
	num := 1
	for _, a := range list.Attr {
		if a.Key == "start" {
			if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil {
				num = v
			}
		}
	}
	for p := li.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode && p.DataAtom == atom.Li {
			num++
		}
	}
	return strconv.Itoa(num) + ". "
}

// inlineText returns the visible text of n with white space collapsed.
func inlineText(n *html.Node) string {
	return strings.Join(strings.FieldsFunc(visibleText(n, ' '), unicode.IsSpace), " ")
}

// preText returns the text inside a <pre> element, without a leading newline.
func preText(n *html.Node) string {
	return strings.TrimPrefix(visibleText(n, '\n'), "\n")
}

// visibleText returns the text of n's text nodes, leaving out skipped
// elements and writing br for each <br>.
func visibleText(n *html.Node, br byte) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if skipped(n, true) {
				return
			}
			if n.DataAtom == atom.Br {
				b.WriteByte(br)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

// textWriter accumulates extracted text, collapsing runs of white space to
// one space and keeping track of line breaks.
type textWriter struct {
	b            []byte
	pendingSpace bool
	newlines     int // trailing newlines in b
}

func (w *textWriter) Len() int { return len(w.b) }

// text writes s with its white space collapsed.
func (w *textWriter) text(s string) {
	for _, r := range s {
		if unicode.IsSpace(r) {
			if len(w.b) > 0 && w.newlines == 0 && !w.endsWithSpace() {
				w.pendingSpace = true
			}
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			continue
		}
		if w.pendingSpace {
			w.b = append(w.b, ' ')
			w.pendingSpace = false
		}
		w.b = utf8.AppendRune(w.b, r)
		w.newlines = 0
	}
}

// raw writes s as it is, at the current position.
func (w *textWriter) raw(s string) {
	if s == "" {
		return
	}
	w.pendingSpace = false
	w.b = append(w.b, s...)
	w.newlines = 0
}

// pre writes preformatted text, keeping its line breaks.
func (w *textWriter) pre(s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimRight(s, " \t\n")
	if strings.TrimSpace(s) == "" {
		return
	}
	w.raw(s)
}

func (w *textWriter) endsWithSpace() bool {
	return len(w.b) > 0 && w.b[len(w.b)-1] == ' '
}

// breakLine ends the current line, leaving at least n newlines at the end
// of the text (n == 2 makes a blank line). It does nothing at the start.
func (w *textWriter) breakLine(n int) {
	w.pendingSpace = false
	if len(w.b) == 0 {
		return
	}
	if w.newlines == 0 {
		for len(w.b) > 0 && w.b[len(w.b)-1] == ' ' {
			w.b = w.b[:len(w.b)-1]
		}
	}
	for w.newlines < n {
		w.b = append(w.b, '\n')
		w.newlines++
	}
}

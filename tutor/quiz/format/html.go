package format

import (
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/net/html"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Moodle XML and GIFT carry item text as HTML (Moodle's FORMAT_HTML), so
// that characters such as "<" in "CRP < 5 mg/L" show as written and the
// provenance of each item can ride along in its general feedback. This file
// turns Bedside's plain text into that HTML and back.
//
// Plain text to HTML: line endings become "\n", the ends are trimmed (Moodle
// trims imported text), "&", "<" and ">" are escaped and each "\n" becomes
// "<br>". Nothing else changes, so runs of spaces and tabs survive in the
// stored text.
//
// HTML to plain text reads both our output and HTML written by people or by
// Moodle's editor: <br> is a line break, block elements (<p>, <div>, <li>,
// …) end a line, entities are decoded, and white space that contains a line
// break (source formatting) is one space; other white space is kept as is.

// textToHTML returns s as HTML text.
func textToHTML(s string) string {
	s = trim(normalizeNewlines(s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\n':
			b.WriteString("<br>")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// attrEscape escapes s for a double-quoted HTML or XML attribute value.
func attrEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#9;")
		case '\n':
			b.WriteString("&#10;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// htmlToText returns the plain text of an HTML fragment.
func htmlToText(s string) string {
	var t textWriter
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		t.token(tt, z.Token())
	}
	return t.String()
}

// textWriter accumulates the plain text of a stream of HTML tokens.
type textWriter struct {
	b       strings.Builder
	skip    int  // depth inside <script> or <style>
	atBlock bool // the last thing written ended a block
}

var blockElements = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "table": true, "pre": true, "section": true, "article": true,
	"header": true, "footer": true, "dl": true, "dt": true, "dd": true, "hr": true,
}

func (t *textWriter) token(tt html.TokenType, tok html.Token) {
	switch tt {
	case html.StartTagToken, html.SelfClosingTagToken:
		switch {
		case tok.Data == "script" || tok.Data == "style":
			if tt == html.StartTagToken {
				t.skip++
			}
		case tok.Data == "br":
			t.b.WriteByte('\n')
			t.atBlock = false
		case blockElements[tok.Data]:
			t.blockBreak()
		}
	case html.EndTagToken:
		switch {
		case tok.Data == "script" || tok.Data == "style":
			if t.skip > 0 {
				t.skip--
			}
		case blockElements[tok.Data]:
			t.blockBreak()
		}
	case html.TextToken:
		if t.skip > 0 {
			return
		}
		t.text(tok.Data)
	}
}

// blockBreak ends the current line, if any, at a block boundary.
func (t *textWriter) blockBreak() {
	s := t.b.String()
	if s == "" {
		return
	}
	if trimmed := strings.TrimRight(s, " "); len(trimmed) != len(s) {
		t.b.Reset()
		t.b.WriteString(trimmed)
		s = trimmed
	}
	if !strings.HasSuffix(s, "\n") {
		t.b.WriteByte('\n')
	}
	t.atBlock = true
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

func (t *textWriter) text(s string) {
	if strings.TrimFunc(s, isHTMLSpace) == "" && strings.ContainsAny(s, "\n\r") {
		return // formatting between tags
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isHTMLSpace(rs[i]) {
			t.b.WriteRune(rs[i])
			t.atBlock = false
			i++
			continue
		}
		j, brk := i, false
		for j < len(rs) && isHTMLSpace(rs[j]) {
			brk = brk || rs[j] == '\n' || rs[j] == '\r'
			j++
		}
		switch {
		case !brk:
			t.b.WriteString(string(rs[i:j]))
			t.atBlock = false
		case !t.atBlock && t.b.Len() > 0:
			t.b.WriteByte(' ')
		}
		i = j
	}
}

func (t *textWriter) String() string { return trim(t.b.String()) }

// Provenance. The general feedback of a Moodle XML or GIFT question holds
// the rationale and then the sources, so that an educator (and, after a
// quiz, a learner) sees where the key comes from:
//
//	<div class="bedside-rationale">Rationale…</div>
//	<div class="bedside-sources"><p><strong>Source</strong></p>
//	<blockquote class="bedside-citation" data-citation="{…}">“quote”<br>— Title, version 3.0 (doc-id), Section › Subsection</blockquote></div>
//
// The data-citation attribute holds the whole citation as JSON, so it
// survives a round trip through the file (and through Moodle, which keeps
// the HTML it imports).

// jsonCitation is a citation on the wire: in JSON banks and in the
// data-citation attribute.
type jsonCitation struct {
	DocumentID string   `json:"document_id,omitempty"`
	Version    string   `json:"version,omitempty"`
	Title      string   `json:"title,omitempty"`
	Section    []string `json:"section,omitempty"`
	ChunkID    string   `json:"chunk_id,omitempty"`
	ChunkHash  string   `json:"chunk_hash,omitempty"`
	Quote      string   `json:"quote,omitempty"`
	Start      int      `json:"start,omitempty"`
	End        int      `json:"end,omitempty"`
}

func toJSONCitation(c quiz.Citation) jsonCitation {
	return jsonCitation{
		DocumentID: c.DocumentID, Version: c.Version, Title: c.Title, Section: c.Section,
		ChunkID: c.ChunkID, ChunkHash: c.ChunkHash, Quote: c.Quote, Start: c.Start, End: c.End,
	}
}

func (c jsonCitation) citation() quiz.Citation {
	return quiz.Citation{
		DocumentID: c.DocumentID, Version: c.Version, Title: c.Title, Section: c.Section,
		ChunkID: c.ChunkID, ChunkHash: c.ChunkHash, Quote: c.Quote, Start: c.Start, End: c.End,
	}
}

// feedbackHTML renders an item's rationale and citations as general
// feedback.
func feedbackHTML(rationale string, cits []quiz.Citation) (string, error) {
	var b strings.Builder
	if r := textToHTML(rationale); r != "" {
		b.WriteString(`<div class="bedside-rationale">`)
		b.WriteString(r)
		b.WriteString(`</div>`)
	}
	if len(cits) == 0 {
		return b.String(), nil
	}
	b.WriteString(`<div class="bedside-sources"><p><strong>Source`)
	if len(cits) > 1 {
		b.WriteString("s")
	}
	b.WriteString(`</strong></p>`)
	for _, c := range cits {
		data, err := json.Marshal(toJSONCitation(c))
		if err != nil {
			return "", fmt.Errorf("citation: %w", err)
		}
		b.WriteString(`<blockquote class="bedside-citation" data-citation="`)
		b.WriteString(attrEscape(string(data)))
		b.WriteString(`">`)
		if q := textToHTML(c.Quote); q != "" {
			b.WriteString("“")
			b.WriteString(q)
			b.WriteString("”<br>")
		}
		b.WriteString("— ")
		b.WriteString(textToHTML(citationLabel(c)))
		b.WriteString(`</blockquote>`)
	}
	b.WriteString(`</div>`)
	return b.String(), nil
}

// citationLabel names a citation's source for people:
// "Sepsis in adults, version 3.0 (sepsis-adult), Recognition › Red flags".
func citationLabel(c quiz.Citation) string {
	var b strings.Builder
	title := c.Title
	if title == "" {
		title = c.DocumentID
	}
	b.WriteString(foldLine(title))
	if c.Version != "" {
		b.WriteString(", version ")
		b.WriteString(foldLine(c.Version))
	}
	if c.Title != "" && c.DocumentID != "" {
		b.WriteString(" (")
		b.WriteString(foldLine(c.DocumentID))
		b.WriteString(")")
	}
	var secs []string
	for _, s := range c.Section {
		if s = foldLine(s); s != "" {
			secs = append(secs, s)
		}
	}
	if len(secs) > 0 {
		b.WriteString(", ")
		b.WriteString(strings.Join(secs, " › "))
	}
	return b.String()
}

// parseFeedback splits general feedback into the rationale (its plain text
// outside any sources block) and the citations in data-citation attributes.
func parseFeedback(s string) (string, []quiz.Citation, error) {
	var t textWriter
	var cits []quiz.Citation
	skipTag, skipDepth := "", 0
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		start := tt == html.StartTagToken || tt == html.SelfClosingTagToken
		if start {
			if data, ok := attr(tok, "data-citation"); ok {
				var jc jsonCitation
				dec := json.NewDecoder(strings.NewReader(data))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&jc); err != nil {
					return "", nil, fmt.Errorf("data-citation: %w", err)
				}
				cits = append(cits, jc.citation())
			}
		}
		if skipDepth > 0 {
			switch {
			case tt == html.StartTagToken && tok.Data == skipTag:
				skipDepth++
			case tt == html.EndTagToken && tok.Data == skipTag:
				skipDepth--
			}
			continue
		}
		if tt == html.StartTagToken && hasClass(tok, "bedside-sources", "bedside-citation") {
			skipTag, skipDepth = tok.Data, 1
			continue
		}
		t.token(tt, tok)
	}
	return t.String(), cits, nil
}

func attr(tok html.Token, name string) (string, bool) {
	for _, a := range tok.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(tok html.Token, classes ...string) bool {
	v, ok := attr(tok, "class")
	if !ok {
		return false
	}
	for _, c := range strings.Fields(v) {
		for _, want := range classes {
			if c == want {
				return true
			}
		}
	}
	return false
}

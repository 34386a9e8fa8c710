package guidance

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A parsed file: what a format's parser extracts before metadata is merged
// and the document validated.
type parsed struct {
	meta     *meta // metadata written in the file itself, or nil
	body     string
	sections []Section
	title    string // fallback title: first H1, <title>, PDF Info title
	// lastTitle is the title if even the Loader's defaults give none: a
	// JSONL passage's _id.
	lastTitle string
}

// parseMarkdown parses a Markdown file: optional front matter, then the body
// split into sections by ATX and setext headings.
func parseMarkdown(file string, data []byte) (*parsed, []error) {
	text, err := utf8Text(file, data)
	if err != nil {
		return nil, []error{err}
	}
	mt, body, errs := readFrontMatter(file, text)
	if errs != nil {
		return nil, errs
	}
	sections, title := markdownSections(body)
	return &parsed{meta: mt, body: body, sections: sections, title: title}, nil
}

// utf8Text returns data as a string without a leading byte-order mark, or an
// *Error naming the first line that is not valid UTF-8.
func utf8Text(file string, data []byte) (string, error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")
	if !utf8.ValidString(text) {
		line := 1
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			i += size
		}
		return "", &Error{File: file, Line: line, Err: fmt.Errorf("not valid UTF-8 text (save the file as UTF-8)")}
	}
	return text, nil
}

// readFrontMatter splits optional YAML front matter from text and decodes
// it. It returns nil metadata if there is no front matter.
func readFrontMatter(file, text string) (*meta, string, []error) {
	yml, bodyStart, found, err := splitFrontMatter(text)
	if err != nil {
		return nil, "", []error{&Error{File: file, Line: 1, Err: fmt.Errorf("front matter: %w", err)}}
	}
	if !found {
		return nil, text, nil
	}
	mt, errs := decodeYAMLMeta(file, yml, "front matter", 2)
	if errs != nil {
		return nil, "", errs
	}
	return mt, text[bodyStart:], nil
}

// A heading on the path above a section.
type heading struct {
	level int
	text  string
}

// headingPath tracks the nesting of headings as a document is read.
type headingPath []heading

// push records a heading of the given level, closing any at the same or a
// deeper level.
func (p *headingPath) push(level int, text string) {
	s := *p
	for len(s) > 0 && s[len(s)-1].level >= level {
		s = s[:len(s)-1]
	}
	*p = append(s, heading{level, text})
}

// path returns the non-empty heading texts, outermost first.
func (p headingPath) path() []string {
	out := make([]string, 0, len(p))
	for _, h := range p {
		if h.text != "" {
			out = append(out, h.text)
		}
	}
	return out
}

// addSection appends the trimmed text of body[start:end] as a section under
// path, unless it is empty.
func addSection(sections []Section, body string, start, end int, path []string) []Section {
	seg := body[start:end]
	trimmed := strings.TrimLeftFunc(seg, unicode.IsSpace)
	start += len(seg) - len(trimmed)
	trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
	if trimmed == "" {
		return sections
	}
	return append(sections, Section{Heading: path, Text: trimmed, Offset: start})
}

// markdownSections splits a Markdown body into sections by ATX (# Heading)
// and setext (Heading / ===) headings, ignoring lines inside fenced code
// blocks and indented code. It also returns the text of the first level-1
// heading.
func markdownSections(body string) (sections []Section, title string) {
	var (
		path      headingPath
		secStart  int
		paraStart = -1   // start of the current paragraph, or -1
		paraOK    bool   // the paragraph could become a setext heading
		fence     string // the open code fence's marker, e.g. "```"
	)
	startHeading := func(level int, text string, sectionEnd, next int) {
		sections = addSection(sections, body, secStart, sectionEnd, path.path())
		path.push(level, text)
		if level == 1 && title == "" {
			title = text
		}
		secStart = next
		paraStart = -1
	}
	for pos := 0; pos < len(body); {
		end := strings.IndexByte(body[pos:], '\n')
		next := len(body)
		if end < 0 {
			end = len(body)
		} else {
			end += pos
			next = end + 1
		}
		line := strings.TrimRight(body[pos:end], "\r")
		indent, rest := indentation(line)
		switch {
		case fence != "":
			if indent <= 3 && isFenceClose(rest, fence) {
				fence = ""
			}
		case strings.TrimSpace(rest) == "":
			paraStart = -1
		case indent > 3 && paraStart < 0:
			// indented code
		case indent > 3:
			// paragraph continuation
		default:
			if f := fenceOpen(rest); f != "" {
				fence = f
				paraStart = -1
				break
			}
			if level, text, ok := atxHeading(rest); ok {
				startHeading(level, text, pos, next)
				break
			}
			if paraStart >= 0 && paraOK {
				if level := setextLevel(rest); level > 0 {
					startHeading(level, setextText(body[paraStart:pos]), paraStart, next)
					break
				}
			}
			if isThematicBreak(rest) {
				paraStart = -1
				break
			}
			if paraStart < 0 {
				paraStart, paraOK = pos, !startsBlock(rest)
			} else if startsBlock(rest) {
				paraOK = false
			}
		}
		pos = next
	}
	sections = addSection(sections, body, secStart, len(body), path.path())
	return sections, title
}

// indentation returns the width of line's leading white space (tabs stop
// every 4 columns) and the rest of the line.
func indentation(line string) (int, string) {
	width := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			width++
		case '\t':
			width += 4 - width%4
		default:
			return width, line[i:]
		}
	}
	return width, ""
}

// atxHeading parses an ATX heading line ("## Text ##") without its
// indentation.
func atxHeading(s string) (level int, text string, ok bool) {
	for level < len(s) && s[level] == '#' {
		level++
	}
	if level == 0 || level > 6 {
		return 0, "", false
	}
	rest := s[level:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false
	}
	rest = strings.TrimSpace(rest)
	// Remove an optional closing sequence of '#'s preceded by a space.
	if t := strings.TrimRight(rest, "#"); t == "" {
		rest = ""
	} else if len(t) < len(rest) && (t[len(t)-1] == ' ' || t[len(t)-1] == '\t') {
		rest = strings.TrimSpace(t)
	}
	return level, strings.Join(strings.Fields(rest), " "), true
}

// setextLevel returns 1 for a "===" underline, 2 for "---", or 0.
func setextLevel(s string) int {
	s = strings.TrimRight(s, " \t")
	if s == "" {
		return 0
	}
	switch {
	case strings.Trim(s, "=") == "":
		return 1
	case strings.Trim(s, "-") == "":
		return 2
	}
	return 0
}

// setextText joins the lines of a setext heading's paragraph.
func setextText(para string) string {
	return strings.Join(strings.Fields(para), " ")
}

// isThematicBreak reports whether s is a line of three or more '-', '*' or
// '_' (optionally separated by spaces).
func isThematicBreak(s string) bool {
	var c byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; b {
		case ' ', '\t':
		case '-', '*', '_':
			if c != 0 && b != c {
				return false
			}
			c = b
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// fenceOpen returns the marker of a code fence opened by s ("```" or "~~~",
// possibly longer), or "".
func fenceOpen(s string) string {
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return ""
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	if s[0] == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return "" // a backtick fence's info string may not contain backticks
	}
	return s[:n]
}

// isFenceClose reports whether s closes the fence opened with marker.
func isFenceClose(s, marker string) bool {
	n := 0
	for n < len(s) && s[n] == marker[0] {
		n++
	}
	return n >= len(marker) && strings.TrimSpace(s[n:]) == ""
}

// startsBlock reports whether s begins a list item, block quote, table row
// or HTML block: a line that cannot be part of a setext heading.
func startsBlock(s string) bool {
	switch s[0] {
	case '>', '|', '<':
		return true
	case '-', '*', '+':
		return len(s) == 1 || s[1] == ' ' || s[1] == '\t'
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'
	}
	return false
}

package guidance

import (
	"strings"
	"unicode"
)

// parseText parses a plain-text file: optional front matter, then the body,
// split into sections at heading lines (see [textSections]).
func parseText(file string, data []byte) (*parsed, []error) {
	text, err := utf8Text(file, data)
	if err != nil {
		return nil, []error{err}
	}
	mt, body, errs := readFrontMatter(file, text)
	if errs != nil {
		return nil, errs
	}
	return &parsed{meta: mt, body: body, sections: textSections(body)}, nil
}

// textSections splits plain text at heading lines. A heading line starts a
// paragraph (it follows a blank line or the start of the text), is followed
// by more text, and is either
//
//   - in capitals: at least two letters, none lower case, at most 12 words,
//     not ending in '.', ',' or ';', and not followed directly by another
//     line in capitals (which would make it a paragraph in capitals); or
//   - a short label ending in ':': at most 4 words and 40 bytes, starting
//     with a capital letter, e.g. "Red flags:".
//
// Headings are not nested: each section's path is its one heading. Text with
// no heading lines is one section.
func textSections(body string) []Section {
	var (
		sections  []Section
		path      []string
		secStart  int
		prevBlank = true
	)
	for pos := 0; pos < len(body); {
		line, next := lineAt(body, pos)
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			prevBlank = true
			pos = next
			continue
		}
		if prevBlank && next < len(body) {
			following, _ := lineAt(body, next)
			if isTextHeading(trimmed, strings.TrimSpace(following)) && strings.TrimSpace(body[next:]) != "" {
				sections = addSection(sections, body, secStart, pos, path)
				path = []string{strings.Join(strings.Fields(strings.TrimSuffix(trimmed, ":")), " ")}
				secStart = next
			}
		}
		prevBlank = false
		pos = next
	}
	return addSection(sections, body, secStart, len(body), path)
}

// lineAt returns the line starting at pos (without "\n" or "\r") and the
// offset of the next line.
func lineAt(s string, pos int) (string, int) {
	end := strings.IndexByte(s[pos:], '\n')
	if end < 0 {
		return strings.TrimRight(s[pos:], "\r"), len(s)
	}
	return strings.TrimRight(s[pos:pos+end], "\r"), pos + end + 1
}

// isTextHeading reports whether line (trimmed) is a heading, given the line
// after it (trimmed, "" if blank).
func isTextHeading(line, following string) bool {
	if len(line) > 80 {
		return false
	}
	words := len(strings.Fields(line))
	if strings.HasSuffix(line, ":") {
		first := []rune(line)[0]
		return words <= 4 && len(line) <= 40 && unicode.IsUpper(first)
	}
	if words > 12 || strings.ContainsAny(line[len(line)-1:], ".,;") {
		return false
	}
	if !isCapitals(line) {
		return false
	}
	return following == "" || !isCapitals(following)
}

// isCapitals reports whether s has at least two letters and no lower-case ones.
func isCapitals(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

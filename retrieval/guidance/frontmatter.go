package guidance

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// errNoClosingDelimiter reports front matter whose closing line is missing.
var errNoClosingDelimiter = errors.New(`no closing "---" line`)

// splitFrontMatter finds YAML front matter at the start of text: a first line
// "---", then YAML, then a line "---" (or "..."). It returns the YAML and the
// byte offset at which the body starts. found is false if text does not start
// with a "---" line; err is errNoClosingDelimiter if the front matter is
// never closed.
func splitFrontMatter(text string) (yml string, bodyStart int, found bool, err error) {
	first, rest, ok := cutLine(text)
	if !ok && first == "" {
		return "", 0, false, nil
	}
	if strings.TrimRight(first, " \t\r") != "---" {
		return "", 0, false, nil
	}
	start := len(text) - len(rest)
	pos := start
	for pos < len(text) {
		line, next, _ := cutLine(text[pos:])
		if l := strings.TrimRight(line, " \t\r"); l == "---" || l == "..." {
			return text[start:pos], len(text) - len(next), true, nil
		}
		pos = len(text) - len(next)
	}
	return "", 0, true, errNoClosingDelimiter
}

// cutLine returns the first line of s without its "\n", and the text after
// it. ok reports whether a "\n" was found.
func cutLine(s string) (line, rest string, ok bool) {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// decodeYAMLMeta decodes a YAML mapping of metadata fields. The YAML's first
// line is line firstLine of file; what names the YAML in messages ("front
// matter" or "metadata"). It returns every error it finds, each an *Error
// naming the file and line.
func decodeYAMLMeta(file, yml, what string, firstLine int) (*meta, []error) {
	mt := &meta{}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(yml), &doc); err != nil {
		line, msg := yamlErrorLine(err)
		// A tab in indentation is the likeliest mistake, and yaml.v3
		// reports it vaguely: point at the first such line.
		for i, l := range strings.Split(yml, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " "), "\t") {
				line, msg = i+1, "tab character in indentation (indent with spaces)"
				break
			}
		}
		return nil, []error{&Error{File: file, Line: firstLine + line - 1, Err: fmt.Errorf("%s: %s", what, msg)}}
	}
	if len(doc.Content) == 0 { // empty or only comments
		return mt, nil
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return mt, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, []error{&Error{File: file, Line: firstLine + root.Line - 1,
			Err: fmt.Errorf("%s: want a mapping of fields, not %s", what, nodeKind(root))}}
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolveAlias(root.Content[i+1])
		at := place{file: file, line: firstLine + k.Line - 1}
		if k.Kind != yaml.ScalarNode {
			errs = append(errs, &Error{File: file, Line: at.line, Err: fmt.Errorf("%s: want a field name, not %s", what, nodeKind(k))})
			continue
		}
		fv, err := yamlValue(v)
		if err != nil {
			errs = append(errs, &Error{File: file, Line: at.line, Field: k.Value, Err: err})
			continue
		}
		if fv == nil { // null: the field is not set
			if lookupField(k.Value) == nil {
				errs = append(errs, &Error{File: file, Line: at.line, Field: k.Value, Err: unknownField(k.Value)})
			}
			continue
		}
		if err := mt.set(k.Value, *fv, at); err != nil {
			errs = append(errs, err)
		}
	}
	if errs != nil {
		return nil, errs
	}
	return mt, nil
}

// yamlValue converts a YAML value node. It returns nil for null. Scalars keep
// their literal text, so version: 3.0 is "3.0", not "3".
func yamlValue(n *yaml.Node) (*fieldValue, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return &fieldValue{s: n.Value}, nil
	case yaml.SequenceNode:
		fv := &fieldValue{isList: true, list: make([]string, 0, len(n.Content))}
		for _, item := range n.Content {
			item = resolveAlias(item)
			if item.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("want a list of values, not a list containing %s", nodeKind(item))
			}
			if item.Tag != "!!null" {
				fv.list = append(fv.list, item.Value)
			}
		}
		return fv, nil
	default:
		return nil, fmt.Errorf("want a value or a list, not %s", nodeKind(n))
	}
}

// resolveAlias follows YAML aliases (*name) to the node they name.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// yamlErrorLine extracts the 1-based line from a YAML syntax error
// ("yaml: line 3: ...") and returns it with the message without its prefixes.
// yaml.v3 reports parser errors with 0-based lines and scanner errors with
// 1-based ones, and omits the line when it would be 0; this undoes that.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, after
			}
		}
	}
	if line == 0 || isYAMLParserError(msg) {
		line++
	}
	return line, msg
}

// isYAMLParserError reports whether msg is one of yaml.v3's parser (as
// opposed to scanner) errors, whose line numbers it reports 0-based.
func isYAMLParserError(msg string) bool {
	switch msg {
	case "did not find expected ',' or '}'",
		"did not find expected ',' or ']'",
		"did not find expected key",
		"did not find expected node content",
		"did not find expected '-' indicator",
		"did not find expected <document start>",
		"did not find expected <stream-start>",
		"found undefined tag handle",
		"found duplicate %YAML directive",
		"found duplicate %TAG directive",
		"found incompatible YAML document":
		return true
	}
	return false
}

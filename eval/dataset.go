package eval

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/bedside-ai/bedside/tutor"
)

// A Case is one question of an eval dataset. See the package documentation
// for the file format.
type Case struct {
	// ID names the case; unique within a dataset, without white space.
	ID string `json:"id"`
	// Question is asked of the tutor as a learner would ask it.
	Question string `json:"question"`
	// Answerable says whether the approved guidance answers the question.
	// A case that should be refused has Answerable false, and is scored
	// by whether the tutor refused.
	Answerable bool `json:"answerable"`
	// Reference is a reference answer, shown in reports; optional.
	Reference string `json:"reference,omitempty"`
	// KeyFacts are statements a correct answer must contain; each is
	// checked against the answer text with the grounding checker.
	KeyFacts []string `json:"key_facts,omitempty"`
	// ExpectedDocuments are the IDs of the guidance documents that answer
	// the question; retrieval and citations are scored against them.
	ExpectedDocuments []string `json:"expected_documents,omitempty"`
	// ExpectedPassages narrow the expected sources to passages.
	ExpectedPassages []PassageRef `json:"expected_passages,omitempty"`
	// Tags group cases in reports.
	Tags []string `json:"tags,omitempty"`
	// Mode is the tutor's mode for this case; the zero value is tutoring.
	Mode tutor.Mode `json:"-"`

	// Source and Line say where the case was defined.
	Source string `json:"-"`
	Line   int    `json:"-"`
}

// A PassageRef identifies an expected passage: a passage of Document whose
// heading path includes Section (if set) and whose text contains Contains
// (if set; compared without regard to case or white space).
type PassageRef struct {
	Document string `json:"document"`
	Section  string `json:"section,omitempty"`
	Contains string `json:"contains,omitempty"`
}

// String formats r as "document#section «contains»".
func (r PassageRef) String() string {
	s := r.Document
	if r.Section != "" {
		s += "#" + r.Section
	}
	if r.Contains != "" {
		s += " «" + r.Contains + "»"
	}
	return s
}

// Documents returns the union of c's expected documents and the documents
// of its expected passages, sorted.
func (c *Case) Documents() []string {
	seen := make(map[string]bool)
	var out []string
	for _, d := range c.ExpectedDocuments {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, p := range c.ExpectedPassages {
		if !seen[p.Document] {
			seen[p.Document] = true
			out = append(out, p.Document)
		}
	}
	slices.Sort(out)
	return out
}

// A FormatError names the file, line and field of bad input.
type FormatError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *FormatError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	s += ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }

// LoadCases reads cases from JSONL (.jsonl) and YAML (.yaml, .yml) files,
// in order. IDs must be unique across all the files. Every problem is
// reported, each as a [*FormatError], joined with errors.Join.
func LoadCases(paths ...string) ([]Case, error) {
	all, errs := loadFiles(paths, DecodeCases, func(c *Case) (string, string, int) { return c.ID, c.Source, c.Line })
	if len(all) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("eval: no cases"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return all, nil
}

// loadFiles decodes the files at paths in order, then checks that the IDs
// are unique across them. where returns an item's ID and the file and line
// that define it. Every problem is returned, those of the files first.
func loadFiles[T any](paths []string, decode func(io.Reader, string) ([]T, error), where func(*T) (id, file string, line int)) ([]T, []error) {
	var all []T
	var errs []error
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items, err := decode(f, p)
		f.Close()
		if err != nil {
			errs = append(errs, err)
		}
		all = append(all, items...)
	}
	type origin struct {
		file string
		line int
	}
	first := make(map[string]origin)
	for i := range all {
		id, file, line := where(&all[i])
		if prev, ok := first[id]; ok {
			errs = append(errs, &FormatError{File: file, Line: line, Field: "id",
				Err: fmt.Errorf("duplicate %q, first at %s:%d", id, prev.file, prev.line)})
			continue
		}
		first[id] = origin{file, line}
	}
	return all, errs
}

// DecodeCases reads cases from r in the format named by name's extension:
// .jsonl (one JSON object per line) or .yaml/.yml (a list of cases, or a
// mapping with a "cases" list). name is used in errors.
func DecodeCases(r io.Reader, name string) ([]Case, error) {
	return decodeFile(r, name, "dataset", "cases", caseFields, buildCase)
}

// decodeFile reads records from r in the format named by name's extension
// (JSONL, or YAML with its list under listKey), building each with build.
// what names the kind of file in the error for an unknown extension.
func decodeFile[T any](r io.Reader, name, what, listKey string, known []string, build func(*record) (T, []error)) ([]T, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return decodeJSONL(r, name, known, build)
	case ".yaml", ".yml":
		return decodeYAML(r, name, listKey, known, build)
	}
	return nil, &FormatError{File: name, Err: fmt.Errorf("unknown %s format: want .jsonl, .yaml or .yml", what)}
}

// record is one object of a dataset file: its fields as JSON and the line
// of each.
type record struct {
	file   string
	line   int // of the object
	fields map[string]json.RawMessage
	lines  map[string]int
}

func (r *record) errorf(field, format string, args ...any) error {
	line := r.line
	if l, ok := r.lines[field]; ok {
		line = l
	}
	return &FormatError{File: r.file, Line: line, Field: field, Err: fmt.Errorf(format, args...)}
}

// get decodes field into v, reporting whether it was present.
func (r *record) get(field string, v any) (bool, error) {
	raw, ok := r.fields[field]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, r.errorf(field, "%s", typeProblem(err, raw))
	}
	return true, nil
}

// typeProblem explains a JSON decoding error in a user's terms.
func typeProblem(err error, raw json.RawMessage) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("want %s, got %s", kindName(te.Type.String()), jsonKind(raw))
	}
	return err.Error()
}

func kindName(t string) string {
	switch t {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "[]string":
		return "a list of strings"
	}
	return t
}

func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string " + string(raw)
	case '[':
		return "a list"
	case '{':
		return "a mapping"
	case 't', 'f':
		return string(raw)
	}
	return "the number " + string(raw)
}

// decodeJSONL reads one object per non-blank line.
func decodeJSONL[T any](r io.Reader, name string, known []string, build func(*record) (T, []error)) ([]T, error) {
	var out []T
	var errs []error
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			rec := &record{file: name, line: line, lines: map[string]int{}}
			if jerr := json.Unmarshal(b, &rec.fields); jerr != nil {
				errs = append(errs, &FormatError{File: name, Line: line, Err: fmt.Errorf("invalid JSON object: %v", jerr)})
			} else if rerrs := checkKnown(rec, known); len(rerrs) > 0 {
				errs = append(errs, rerrs...)
			} else if v, berrs := build(rec); len(berrs) > 0 {
				errs = append(errs, berrs...)
			} else {
				out = append(out, v)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return out, errors.Join(errs...)
}

// decodeYAML reads a YAML list of mappings, or a mapping whose listKey
// holds that list.
func decodeYAML[T any](r io.Reader, name, listKey string, known []string, build func(*record) (T, []error)) ([]T, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, &FormatError{File: name, Err: fmt.Errorf("invalid YAML: %v", err)}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.MappingNode {
		var list *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			k := root.Content[i]
			if k.Value == listKey {
				list = root.Content[i+1]
			} else {
				return nil, &FormatError{File: name, Line: k.Line, Field: k.Value, Err: fmt.Errorf("unknown field (want %s)", listKey)}
			}
		}
		if list == nil {
			return nil, &FormatError{File: name, Line: root.Line, Field: listKey, Err: errors.New("missing")}
		}
		root = list
	}
	if root.Kind != yaml.SequenceNode {
		return nil, &FormatError{File: name, Line: root.Line, Err: fmt.Errorf("want a list of %s", listKey)}
	}
	var out []T
	var errs []error
	for _, item := range root.Content {
		if item.Kind != yaml.MappingNode {
			errs = append(errs, &FormatError{File: name, Line: item.Line, Err: errors.New("want a mapping of fields")})
			continue
		}
		rec := &record{file: name, line: item.Line, fields: map[string]json.RawMessage{}, lines: map[string]int{}}
		bad := false
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			var val any
			if err := v.Decode(&val); err != nil {
				errs = append(errs, &FormatError{File: name, Line: v.Line, Field: k.Value, Err: err})
				bad = true
				continue
			}
			raw, err := json.Marshal(jsonable(val))
			if err != nil {
				errs = append(errs, &FormatError{File: name, Line: v.Line, Field: k.Value, Err: err})
				bad = true
				continue
			}
			if _, dup := rec.fields[k.Value]; dup {
				errs = append(errs, &FormatError{File: name, Line: k.Line, Field: k.Value, Err: errors.New("given twice")})
				bad = true
			}
			rec.fields[k.Value] = raw
			rec.lines[k.Value] = k.Line
		}
		if bad {
			continue
		}
		if rerrs := checkKnown(rec, known); len(rerrs) > 0 {
			errs = append(errs, rerrs...)
		} else if v, berrs := build(rec); len(berrs) > 0 {
			errs = append(errs, berrs...)
		} else {
			out = append(out, v)
		}
	}
	return out, errors.Join(errs...)
}

// jsonable converts YAML's map[string]any-with-any-keys into JSON-ready values.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	}
	return v
}

func checkKnown(rec *record, known []string) []error {
	var errs []error
	var names []string
	for k := range rec.fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(known, k) {
			errs = append(errs, rec.errorf(k, "unknown field (known: %s)", strings.Join(known, ", ")))
		}
	}
	return errs
}

var caseFields = []string{"id", "question", "answerable", "reference", "key_facts",
	"expected_documents", "expected_passages", "tags", "mode"}

func buildCase(rec *record) (Case, []error) {
	c := Case{Source: rec.file, Line: rec.line}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	ok, err := rec.get("id", &c.ID)
	add(err)
	switch {
	case err != nil:
	case !ok || c.ID == "":
		add(rec.errorf("id", "missing"))
	case strings.IndexFunc(c.ID, unicode.IsSpace) >= 0:
		add(rec.errorf("id", "%q contains white space", c.ID))
	}
	ok, err = rec.get("question", &c.Question)
	add(err)
	if err == nil && (!ok || strings.TrimSpace(c.Question) == "") {
		add(rec.errorf("question", "missing"))
	}
	ok, err = rec.get("answerable", &c.Answerable)
	add(err)
	if err == nil && !ok {
		add(rec.errorf("answerable", "missing: say true, or false for a question the tutor should refuse"))
	}
	_, err = rec.get("reference", &c.Reference)
	add(err)
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"key_facts", &c.KeyFacts}, {"expected_documents", &c.ExpectedDocuments}, {"tags", &c.Tags}} {
		_, err := rec.get(f.name, f.dst)
		add(err)
		for i, s := range *f.dst {
			if strings.TrimSpace(s) == "" {
				add(rec.errorf(f.name, "item %d is empty", i+1))
			}
		}
	}
	if raw, ok := rec.fields["expected_passages"]; ok && string(raw) != "null" {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			add(rec.errorf("expected_passages", "want a list, got %s", jsonKind(raw)))
		}
		for i, it := range items {
			p, err := parsePassageRef(it)
			if err != nil {
				add(rec.errorf("expected_passages", "item %d: %v", i+1, err))
				continue
			}
			c.ExpectedPassages = append(c.ExpectedPassages, p)
		}
	}
	var mode string
	if ok, err := rec.get("mode", &mode); err != nil {
		add(err)
	} else if ok {
		m, err := tutor.ParseMode(mode)
		if err != nil {
			add(rec.errorf("mode", "unknown mode %q (want tutor or decision-support)", mode))
		}
		c.Mode = m
	}
	if !c.Answerable && len(errs) == 0 {
		for _, f := range []struct {
			name string
			n    int
		}{{"key_facts", len(c.KeyFacts)}, {"expected_documents", len(c.ExpectedDocuments)}, {"expected_passages", len(c.ExpectedPassages)}} {
			if f.n > 0 {
				add(rec.errorf(f.name, "a case that should be refused (answerable: false) has no %s", f.name))
			}
		}
	}
	return c, errs
}

// parsePassageRef reads "document", "document#section" or an object with
// document, section and contains.
func parsePassageRef(raw json.RawMessage) (PassageRef, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		doc, sec, _ := strings.Cut(s, "#")
		if strings.TrimSpace(doc) == "" {
			return PassageRef{}, errors.New("empty document")
		}
		return PassageRef{Document: strings.TrimSpace(doc), Section: strings.TrimSpace(sec)}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p PassageRef
	if err := dec.Decode(&p); err != nil {
		return PassageRef{}, fmt.Errorf("want \"document#section\" or {document, section, contains}: %v", err)
	}
	if p.Document == "" {
		return PassageRef{}, errors.New("document: missing")
	}
	return p, nil
}

// DatasetHash identifies a dataset's content: the SHA-256 of its cases in
// order, in canonical JSON. Where the cases came from does not count.
func DatasetHash(cases []Case) string {
	h := sha256.New()
	for _, c := range cases {
		b, _ := json.Marshal(struct {
			Case
			Mode string `json:"mode"`
		}{c, c.Mode.String()})
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

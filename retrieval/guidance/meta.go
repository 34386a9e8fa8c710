package guidance

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A place is where a value was read: a file and a 1-based line (0 if not known).
type place struct {
	file string
	line int
}

func (p place) String() string {
	if p.line > 0 {
		return p.file + ":" + strconv.Itoa(p.line)
	}
	return p.file
}

// A fieldValue is one metadata value as written in a file: a single string
// or a list of strings.
type fieldValue struct {
	s      string
	list   []string
	isList bool
}

// A fieldSpec describes one metadata field: its front-matter name and how to
// set, copy and test it on a [Metadata].
type fieldSpec struct {
	name  string
	set   func(m *Metadata, v fieldValue) error
	copy  func(dst, src *Metadata)
	isSet func(m *Metadata) bool
}

func stringField(name string, p func(m *Metadata) *string) fieldSpec {
	return fieldSpec{
		name: name,
		set: func(m *Metadata, v fieldValue) error {
			if v.isList {
				return errors.New("want a single value, not a list")
			}
			*p(m) = strings.TrimSpace(v.s)
			return nil
		},
		copy:  func(dst, src *Metadata) { *p(dst) = *p(src) },
		isSet: func(m *Metadata) bool { return *p(m) != "" },
	}
}

func listField(name string, p func(m *Metadata) *[]string) fieldSpec {
	return fieldSpec{
		name: name,
		set: func(m *Metadata, v fieldValue) error {
			items := v.list
			if !v.isList {
				items = []string{v.s}
			}
			var out []string
			for _, s := range items {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
			*p(m) = out
			return nil
		},
		copy:  func(dst, src *Metadata) { *p(dst) = slices.Clone(*p(src)) },
		isSet: func(m *Metadata) bool { return len(*p(m)) > 0 },
	}
}

func dateField(name string, p func(m *Metadata) *time.Time) fieldSpec {
	return fieldSpec{
		name: name,
		set: func(m *Metadata, v fieldValue) error {
			if v.isList {
				return errors.New("want a date, not a list")
			}
			t, err := parseDate(v.s)
			if err != nil {
				return err
			}
			*p(m) = t
			return nil
		},
		copy:  func(dst, src *Metadata) { *p(dst) = *p(src) },
		isSet: func(m *Metadata) bool { return !p(m).IsZero() },
	}
}

// fields lists every metadata field in front-matter order.
var fields = []fieldSpec{
	stringField("id", func(m *Metadata) *string { return &m.ID }),
	stringField("title", func(m *Metadata) *string { return &m.Title }),
	stringField("publisher", func(m *Metadata) *string { return &m.Publisher }),
	stringField("version", func(m *Metadata) *string { return &m.Version }),
	{
		name: "status",
		set: func(m *Metadata, v fieldValue) error {
			if v.isList {
				return errors.New("want a single value, not a list")
			}
			st, err := ParseStatus(v.s)
			if err != nil {
				return err
			}
			m.Status = st
			return nil
		},
		copy:  func(dst, src *Metadata) { dst.Status = src.Status },
		isSet: func(m *Metadata) bool { return m.Status != "" },
	},
	stringField("approved_by", func(m *Metadata) *string { return &m.ApprovedBy }),
	dateField("approved_at", func(m *Metadata) *time.Time { return &m.ApprovedAt }),
	dateField("effective_from", func(m *Metadata) *time.Time { return &m.EffectiveFrom }),
	dateField("review_due", func(m *Metadata) *time.Time { return &m.ReviewDue }),
	dateField("superseded_at", func(m *Metadata) *time.Time { return &m.SupersededAt }),
	dateField("withdrawn_at", func(m *Metadata) *time.Time { return &m.WithdrawnAt }),
	stringField("jurisdiction", func(m *Metadata) *string { return &m.Jurisdiction }),
	listField("specialties", func(m *Metadata) *[]string { return &m.Specialties }),
	listField("tags", func(m *Metadata) *[]string { return &m.Tags }),
	listField("audience", func(m *Metadata) *[]string { return &m.Audience }),
	stringField("source_url", func(m *Metadata) *string { return &m.SourceURL }),
	stringField("licence", func(m *Metadata) *string { return &m.Licence }),
}

func lookupField(name string) *fieldSpec {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	return nil
}

// isListField reports whether the named field holds a list.
func isListField(name string) bool {
	switch name {
	case "specialties", "tags", "audience":
		return true
	}
	return false
}

// unknownField returns the error for a field name that is not a metadata
// field, suggesting the nearest known name when there is a close one.
func unknownField(name string) error {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return unknownFieldOf(name, names)
}

// unknownFieldOf is unknownField for a format whose field names are names.
func unknownFieldOf(name string, names []string) error {
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(name), n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return fmt.Errorf("unknown field (did you mean %q?)", best)
	}
	return errors.New("unknown field")
}

// editDistance returns the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseDate parses a date written as YYYY-MM-DD (midnight UTC) or RFC 3339.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("bad date %q (want YYYY-MM-DD or RFC 3339)", s)
}

// meta is metadata read from one source (front matter, a sidecar, HTML meta
// tags, a JSONL record), with the place each field was set.
type meta struct {
	m      Metadata
	places map[string]place
}

// set parses v into the named field, recording where it came from. A
// returned error is an *Error naming the field and place.
func (mt *meta) set(name string, v fieldValue, at place) error {
	f := lookupField(name)
	if f == nil {
		return &Error{File: at.file, Line: at.line, Field: name, Err: unknownField(name)}
	}
	if prev, ok := mt.places[name]; ok {
		return &Error{File: at.file, Line: at.line, Field: name,
			Err: fmt.Errorf("duplicate field (first set at line %d)", prev.line)}
	}
	if err := f.set(&mt.m, v); err != nil {
		return &Error{File: at.file, Line: at.line, Field: name, Err: err}
	}
	if mt.places == nil {
		mt.places = make(map[string]place)
	}
	mt.places[name] = at
	return nil
}

// override copies into mt every field that o sets.
func (mt *meta) override(o *meta) {
	for _, f := range fields {
		at, ok := o.places[f.name]
		if !ok {
			continue
		}
		f.copy(&mt.m, &o.m)
		if mt.places == nil {
			mt.places = make(map[string]place)
		}
		mt.places[f.name] = at
	}
}

// fillDefaults copies each field that mt leaves unset from d.
func (mt *meta) fillDefaults(d *Metadata) {
	for _, f := range fields {
		if !f.isSet(&mt.m) && f.isSet(d) {
			f.copy(&mt.m, d)
		}
	}
}

// checkDefaults reports a bad value in a Loader's Defaults before any file is
// read, so that it is not reported once for every file.
func checkDefaults(d *Metadata) error {
	if d.ID != "" {
		if err := ValidateID(d.ID); err != nil {
			return &FieldError{Field: "id", Err: err}
		}
	}
	if d.Version != "" && strings.ContainsAny(d.Version, " \t\r\n@/") {
		return &FieldError{Field: "version", Err: fmt.Errorf("%q contains white space, '@' or '/'", d.Version)}
	}
	if d.Status != "" && !d.Status.Valid() {
		_, err := ParseStatus(string(d.Status))
		return &FieldError{Field: "status", Err: err}
	}
	return nil
}

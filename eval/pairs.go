package eval

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// A Label is the truth of a grounding pair: whether its passages support
// its answer.
type Label string

// The labels. An unlabelled pair has the empty Label and is scored but not
// counted in the quality figures.
const (
	Unlabelled   Label = ""
	Supported    Label = "supported"    // the passages support every claim of the answer
	Unsupported  Label = "unsupported"  // some claim is not in the passages
	Contradicted Label = "contradicted" // some claim contradicts the passages
)

// Positive reports whether l counts as supported.
func (l Label) Positive() bool { return l == Supported }

// A Pair is an answer and the passages it should be grounded in, for
// measuring the grounding checker. See the package documentation for the
// file format.
type Pair struct {
	ID       string   `json:"id"`
	Passages []string `json:"passages"`
	Answer   string   `json:"answer"`
	Label    Label    `json:"label,omitempty"`
	// Kind, Group and Split are free-form: the kind of perturbation (or
	// "positive"), the source item, and a dev/test split. Reports break
	// figures down by Kind; the CLI can select a Split.
	Kind  string `json:"kind,omitempty"`
	Group string `json:"group,omitempty"`
	Split string `json:"split,omitempty"`

	Source string `json:"-"`
	Line   int    `json:"-"`
}

var pairFields = []string{"id", "passages", "answer", "claim", "label", "kind", "group", "split"}

// LoadPairs reads grounding pairs from JSONL (.jsonl) or YAML (.yaml,
// .yml) files.
func LoadPairs(paths ...string) ([]Pair, error) {
	all, errs := loadFiles(paths, DecodePairs, func(p *Pair) (string, string, int) { return p.ID, p.Source, p.Line })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return all, nil
}

// DecodePairs reads pairs from r in the format named by name's extension.
func DecodePairs(r io.Reader, name string) ([]Pair, error) {
	return decodeFile(r, name, "pairs", "pairs", pairFields, buildPair)
}

func buildPair(rec *record) (Pair, []error) {
	p := Pair{Source: rec.file, Line: rec.line}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if ok, err := rec.get("id", &p.ID); err != nil {
		add(err)
	} else if !ok || p.ID == "" {
		add(rec.errorf("id", "missing"))
	}
	if ok, err := rec.get("passages", &p.Passages); err != nil {
		add(err)
	} else if !ok || len(p.Passages) == 0 {
		add(rec.errorf("passages", "missing: want a list of one or more passages"))
	}
	_, hasAnswer := rec.fields["answer"]
	_, hasClaim := rec.fields["claim"]
	field := "answer"
	if hasClaim && !hasAnswer {
		field = "claim" // the name used by the checker's hard-negative set
	}
	if hasClaim && hasAnswer {
		add(rec.errorf("claim", "give answer or claim, not both"))
	} else if ok, err := rec.get(field, &p.Answer); err != nil {
		add(err)
	} else if !ok || strings.TrimSpace(p.Answer) == "" {
		add(rec.errorf("answer", "missing"))
	}
	if raw, ok := rec.fields["label"]; ok && string(raw) != "null" {
		var b bool
		var s string
		switch {
		case json.Unmarshal(raw, &b) == nil:
			p.Label = Unsupported
			if b {
				p.Label = Supported
			}
		case json.Unmarshal(raw, &s) == nil:
			switch l := Label(strings.ToLower(strings.TrimSpace(s))); l {
			case Supported, Unsupported, Contradicted:
				p.Label = l
			default:
				add(rec.errorf("label", "unknown label %q (want supported, unsupported, contradicted, true or false)", s))
			}
		default:
			add(rec.errorf("label", "want a string or true/false, got %s", jsonKind(raw)))
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"kind", &p.Kind}, {"group", &p.Group}, {"split", &p.Split}} {
		_, err := rec.get(f.name, f.dst)
		add(err)
	}
	return p, errs
}

package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// JSON is Bedside's own bank format and carries every field of every item.
// Field names are snake_case and fixed here, independent of the Go field
// names; empty fields are left out. A file starts with its format and
// version so that a later version can be told apart:
//
//	{
//	  "format": "bedside.quiz.bank",
//	  "version": 1,
//	  "name": "Sepsis",
//	  "items": [{"id": "…", "type": "sba", "stem": "…", "options": [{"text": "…", "correct": true, "explanation": "…"}], …}]
//	}
//
// Unknown fields are an error, so a misspelt field never passes silently.

const (
	jsonFormatName = "bedside.quiz.bank"
	jsonVersion    = 1
)

type jsonBank struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Name    string     `json:"name,omitempty"`
	Items   []jsonItem `json:"items"`
}

type jsonItem struct {
	ID         string         `json:"id,omitempty"`
	Type       string         `json:"type"`
	Stem       string         `json:"stem"`
	Options    []jsonOption   `json:"options,omitempty"`
	Answers    []string       `json:"answers,omitempty"`
	Rationale  string         `json:"rationale,omitempty"`
	Citations  []jsonCitation `json:"citations,omitempty"`
	Difficulty string         `json:"difficulty,omitempty"`
	Bloom      string         `json:"bloom,omitempty"`
	Tags       []string       `json:"tags,omitempty"`
	Topic      string         `json:"topic,omitempty"`
	Generator  string         `json:"generator,omitempty"`
	Created    string         `json:"created,omitempty"`
	Findings   []jsonFinding  `json:"findings,omitempty"`
}

type jsonOption struct {
	Text        string `json:"text"`
	Correct     bool   `json:"correct,omitempty"`
	Explanation string `json:"explanation,omitempty"`
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message,omitempty"`
	Text     string `json:"text,omitempty"`
}

func toJSONItem(it *quiz.Item) jsonItem {
	j := jsonItem{
		ID: it.ID, Type: string(it.Type), Stem: it.Stem, Answers: it.Answers,
		Rationale: it.Rationale, Difficulty: string(it.Difficulty), Bloom: string(it.Bloom),
		Tags: it.Tags, Topic: it.Topic, Generator: it.Generator,
	}
	for _, o := range it.Options {
		j.Options = append(j.Options, jsonOption(o))
	}
	for _, c := range it.Citations {
		j.Citations = append(j.Citations, toJSONCitation(c))
	}
	if !it.Created.IsZero() {
		j.Created = it.Created.Format(time.RFC3339Nano)
	}
	for _, f := range it.Findings {
		j.Findings = append(j.Findings, jsonFinding{Rule: f.Rule, Severity: string(f.Severity), Message: f.Message, Text: f.Text})
	}
	return j
}

func (j *jsonItem) item() (quiz.Item, error) {
	it := quiz.Item{
		ID: j.ID, Type: quiz.Type(j.Type), Stem: j.Stem, Answers: j.Answers,
		Rationale: j.Rationale, Difficulty: quiz.Difficulty(j.Difficulty), Bloom: quiz.Bloom(j.Bloom),
		Tags: j.Tags, Topic: j.Topic, Generator: j.Generator,
	}
	for _, o := range j.Options {
		it.Options = append(it.Options, quiz.Option(o))
	}
	for _, c := range j.Citations {
		it.Citations = append(it.Citations, c.citation())
	}
	if j.Created != "" {
		t, err := time.Parse(time.RFC3339Nano, j.Created)
		if err != nil {
			return it, fmt.Errorf("created: %q is not an RFC 3339 time", j.Created)
		}
		it.Created = t
	}
	for _, f := range j.Findings {
		it.Findings = append(it.Findings, quiz.Finding{Rule: f.Rule, Severity: quiz.Severity(f.Severity), Message: f.Message, Text: f.Text})
	}
	return it, nil
}

func encodeJSON(w *bytes.Buffer, b quiz.Bank) error {
	jb := jsonBank{Format: jsonFormatName, Version: jsonVersion, Name: b.Name, Items: []jsonItem{}}
	for i := range b.Items {
		jb.Items = append(jb.Items, toJSONItem(&b.Items[i]))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jb)
}

func decodeJSON(data []byte) (decoded, error) {
	var out decoded
	errAt := func(offset int64, msg string) error {
		return &SyntaxError{Format: JSON, Line: lineAt(data, offset), Msg: msg}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var jb jsonBank
	if err := dec.Decode(&jb); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return out, errAt(se.Offset, se.Error())
		case errors.As(err, &te):
			return out, errAt(te.Offset, fmt.Sprintf("%s: cannot use a JSON %s as %s", te.Field, te.Value, te.Type))
		case errors.Is(err, io.EOF):
			return out, errAt(0, "empty input")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return out, errAt(int64(len(data)), "unexpected end of input")
		}
		return out, errAt(dec.InputOffset(), err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return out, errAt(dec.InputOffset(), "unexpected data after the bank")
	}
	if jb.Format != jsonFormatName {
		return out, errAt(0, fmt.Sprintf("format is %q; want %q", jb.Format, jsonFormatName))
	}
	if jb.Version != jsonVersion {
		return out, errAt(0, fmt.Sprintf("version %d is not supported (want %d)", jb.Version, jsonVersion))
	}
	out.bank.Name = jb.Name
	for i := range jb.Items {
		it, err := jb.Items[i].item()
		if err != nil {
			return out, &SyntaxError{Format: JSON, Msg: fmt.Sprintf("items[%d]: %v", i, err)}
		}
		out.bank.Items = append(out.bank.Items, it)
	}
	return out, nil
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

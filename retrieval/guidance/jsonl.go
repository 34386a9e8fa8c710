package guidance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// maxJSONLLine bounds the length of one JSONL record.
const maxJSONLLine = 64 << 20

// loadJSONL reads a BEIR-style JSONL corpus, one passage per line:
//
//	{"_id": "CDC_0000001_1", "title": "...", "text": "...", "status": "approved"}
//
// Each line is a document built by build. Blank lines are skipped. Lines are
// read in order and decoded in parallel in batches.
func loadJSONL(file string, r io.Reader, build func(p *parsed, line int) (*entry, error)) ([]*entry, []error) {
	type batch struct {
		first int      // line number of lines[0]
		lines [][]byte // each line, in order
		// results
		entries []*entry
		errs    []error
	}
	const batchBytes = 1 << 20
	var (
		batches []*batch
		work    = make(chan *batch)
		wg      sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for b := range work {
				for i, rec := range b.lines {
					rec = bytes.TrimSpace(rec)
					if len(rec) == 0 {
						continue
					}
					line := b.first + i
					p, err := parseJSONLRecord(file, line, rec)
					if err == nil {
						var e *entry
						if e, err = build(p, line); err == nil {
							b.entries = append(b.entries, e)
						}
					}
					if err != nil {
						b.errs = appendErrs(b.errs, err)
					}
				}
				b.lines = nil
			}
		})
	}
	br := bufio.NewReaderSize(r, 1<<20)
	var readErr error
	cur := &batch{first: 1}
	size := 0
	for line := 1; ; line++ {
		buf, err := readLine(br, nil)
		if len(buf) > 0 {
			cur.lines = append(cur.lines, buf)
			size += len(buf)
		}
		if err != nil {
			if err != io.EOF {
				readErr = &Error{File: file, Err: err}
				if errors.Is(err, errLineTooLong) {
					readErr = &Error{File: file, Line: line, Err: err}
				}
			}
			break
		}
		if size >= batchBytes {
			batches = append(batches, cur)
			work <- cur
			cur, size = &batch{first: line + 1}, 0
		}
	}
	batches = append(batches, cur)
	work <- cur
	close(work)
	wg.Wait()
	var (
		entries []*entry
		errs    []error
	)
	for _, b := range batches {
		entries = append(entries, b.entries...)
		errs = append(errs, b.errs...)
	}
	if readErr != nil {
		errs = append(errs, readErr)
	}
	if errs != nil {
		return nil, errs
	}
	return entries, nil
}

var errLineTooLong = fmt.Errorf("line longer than %d MiB", maxJSONLLine>>20)

// readLine appends the next line of r (with its "\n", if any) to buf.
func readLine(r *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		chunk, err := r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxJSONLLine {
			return buf, errLineTooLong
		}
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}

// A beirRecord is one line of a BEIR corpus with Bedside's metadata fields.
// Metadata values stay raw: they may be strings, numbers or lists.
type beirRecord struct {
	ID            json.RawMessage `json:"_id"`
	Title         json.RawMessage `json:"title"`
	Text          *string         `json:"text"`
	Metadata      json.RawMessage `json:"metadata"` // BEIR's free-form metadata: not used
	Publisher     json.RawMessage `json:"publisher"`
	Version       json.RawMessage `json:"version"`
	Status        json.RawMessage `json:"status"`
	ApprovedBy    json.RawMessage `json:"approved_by"`
	ApprovedAt    json.RawMessage `json:"approved_at"`
	EffectiveFrom json.RawMessage `json:"effective_from"`
	ReviewDue     json.RawMessage `json:"review_due"`
	SupersededAt  json.RawMessage `json:"superseded_at"`
	WithdrawnAt   json.RawMessage `json:"withdrawn_at"`
	Jurisdiction  json.RawMessage `json:"jurisdiction"`
	Specialties   json.RawMessage `json:"specialties"`
	Tags          json.RawMessage `json:"tags"`
	Audience      json.RawMessage `json:"audience"`
	SourceURL     json.RawMessage `json:"source_url"`
	Licence       json.RawMessage `json:"licence"`
}

// parseJSONLRecord decodes one JSONL record into a single-section document.
func parseJSONLRecord(file string, line int, rec []byte) (*parsed, error) {
	lineErr := func(field string, err error) error {
		return &Error{File: file, Line: line, Field: field, Err: err}
	}
	var r beirRecord
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, jsonError(lineErr, err)
	}
	off := dec.InputOffset()
	if rest := rec[off:]; len(bytes.TrimSpace(rest)) > 0 {
		col := off + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))) + 1
		return nil, lineErr("", fmt.Errorf("bad JSON at column %d: data after the object", col))
	}
	p := &parsed{meta: &meta{}}
	at := place{file: file, line: line}
	for _, f := range [...]struct {
		name string
		raw  json.RawMessage
	}{
		{"_id", r.ID}, {"title", r.Title}, {"publisher", r.Publisher}, {"version", r.Version},
		{"status", r.Status}, {"approved_by", r.ApprovedBy}, {"approved_at", r.ApprovedAt},
		{"effective_from", r.EffectiveFrom}, {"review_due", r.ReviewDue},
		{"superseded_at", r.SupersededAt}, {"withdrawn_at", r.WithdrawnAt},
		{"jurisdiction", r.Jurisdiction}, {"specialties", r.Specialties}, {"tags", r.Tags},
		{"audience", r.Audience}, {"source_url", r.SourceURL}, {"licence", r.Licence},
	} {
		if f.raw == nil {
			continue
		}
		v, err := jsonValue(f.raw)
		if err != nil {
			return nil, lineErr(f.name, err)
		}
		if v == nil {
			continue
		}
		name := f.name
		if name == "_id" {
			name = "id"
		}
		if err := p.meta.set(name, *v, at); err != nil {
			var fe *Error
			if errors.As(err, &fe) {
				fe.Field = f.name
			}
			return nil, err
		}
	}
	if r.Text == nil {
		return nil, lineErr("text", errMissing)
	}
	p.body = *r.Text
	p.sections = addSection(nil, p.body, 0, len(p.body), []string{})
	p.lastTitle = p.meta.m.ID
	return p, nil
}

// jsonlFields lists the keys of a JSONL record.
func jsonlFields() []string {
	names := []string{"_id", "text", "metadata"}
	for _, f := range fields {
		if f.name != "id" {
			names = append(names, f.name)
		}
	}
	return names
}

// jsonError converts an error from decoding a JSONL record.
func jsonError(lineErr func(field string, err error) error, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return lineErr("", fmt.Errorf("bad JSON at column %d: %s", se.Offset, se.Error()))
	case errors.As(err, &te):
		if te.Field == "" {
			return lineErr("", fmt.Errorf("want a JSON object, not %s", te.Value))
		}
		return lineErr(te.Field, fmt.Errorf("want a string, not %s", te.Value))
	case err == io.ErrUnexpectedEOF:
		return lineErr("", errors.New("bad JSON: unexpected end of line"))
	}
	// encoding/json reports an unknown key as: json: unknown field "name"
	if q, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, uerr := strconv.Unquote(q); uerr == nil {
			return lineErr(name, unknownFieldOf(name, jsonlFields()))
		}
	}
	return lineErr("", fmt.Errorf("bad JSON: %w", err))
}

// jsonValue converts a JSON value to a field value: a string, a number (as
// written), or a list of them. It returns nil for null.
func jsonValue(raw json.RawMessage) (*fieldValue, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil
	}
	switch raw[0] {
	case 'n':
		return nil, nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return &fieldValue{s: s}, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		fv := &fieldValue{isList: true, list: make([]string, 0, len(items))}
		for _, item := range items {
			v, err := jsonValue(item)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if v.isList {
				return nil, errors.New("want a list of strings, not a list of lists")
			}
			fv.list = append(fv.list, v.s)
		}
		return fv, nil
	case '{':
		return nil, errors.New("want a string or a list of strings, not an object")
	case 't', 'f':
		return nil, errors.New("want a string or a list of strings, not true or false")
	}
	// A number: keep it as written, so "version": 3.0 is "3.0".
	s := string(raw)
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return nil, fmt.Errorf("bad value %s", s)
	}
	return &fieldValue{s: strings.TrimSpace(s)}, nil
}

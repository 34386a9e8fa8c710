package beir

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A Query is one benchmark question.
type Query struct {
	ID   string
	Text string
}

// Qrels maps a query ID to its judged passages and their relevance grades
// (greater than zero means relevant).
type Qrels map[string]map[string]int

// A FormatError names the file, line and field of bad input.
type FormatError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *FormatError) Error() string {
	s := e.File + ":" + strconv.Itoa(e.Line) + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }

// ReadQueries reads a queries.jsonl file: one {"_id", "text"} object per line.
func ReadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeQueries(f, path)
}

// DecodeQueries reads queries from r; name is used in errors.
func DecodeQueries(r io.Reader, name string) ([]Query, error) {
	var out []Query
	seen := make(map[string]int)
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(strings.TrimSpace(string(b))) > 0 {
			var q struct {
				ID   *string `json:"_id"`
				Text *string `json:"text"`
			}
			if jerr := json.Unmarshal(b, &q); jerr != nil {
				return nil, &FormatError{File: name, Line: line, Err: fmt.Errorf("invalid JSON: %v", jerr)}
			}
			switch {
			case q.ID == nil || *q.ID == "":
				return nil, &FormatError{File: name, Line: line, Field: "_id", Err: errors.New("missing")}
			case q.Text == nil || strings.TrimSpace(*q.Text) == "":
				return nil, &FormatError{File: name, Line: line, Field: "text", Err: errors.New("missing")}
			}
			if prev, ok := seen[*q.ID]; ok {
				return nil, &FormatError{File: name, Line: line, Field: "_id", Err: fmt.Errorf("duplicate %q, first on line %d", *q.ID, prev)}
			}
			seen[*q.ID] = line
			out = append(out, Query{ID: *q.ID, Text: *q.Text})
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
}

// ReadQrels reads a qrels TSV file: "query-id<TAB>corpus-id<TAB>score" lines,
// with an optional header line.
func ReadQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeQrels(f, path)
}

// DecodeQrels reads qrels from r; name is used in errors.
func DecodeQrels(r io.Reader, name string) (Qrels, error) {
	q := make(Qrels)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) == 4 { // TREC style: qid 0 docid score
			f = []string{f[0], f[2], f[3]}
		}
		if len(f) != 3 {
			return nil, &FormatError{File: name, Line: line, Err: fmt.Errorf("want 3 tab-separated fields, got %d", len(f))}
		}
		score, err := strconv.Atoi(strings.TrimSpace(f[2]))
		if err != nil {
			if line == 1 { // header
				continue
			}
			return nil, &FormatError{File: name, Line: line, Field: "score", Err: fmt.Errorf("%q is not an integer", f[2])}
		}
		qid, did := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if qid == "" || did == "" {
			return nil, &FormatError{File: name, Line: line, Err: errors.New("empty query or corpus id")}
		}
		if q[qid] == nil {
			q[qid] = make(map[string]int)
		}
		q[qid][did] = score
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return q, nil
}

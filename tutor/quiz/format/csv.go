package format

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// CSV writes one row per item under a header row (RFC 4180, UTF-8, "\n"
// line ends):
//
//	id, type, stem, option_a … option_e, explanation_a … explanation_e, key,
//	answers, rationale, citations, difficulty, bloom, tags, topic,
//	generator, created, findings
//
// There are as many option and explanation columns as the longest item
// needs, at least five (A–E). key lists the letters of the correct options
// ("B", or "A,C"); answers and tags hold one value a line; citations and
// findings hold JSON arrays (the JSON format's objects); created is RFC 3339.
//
// A cell that a spreadsheet would run as a formula (starting with = + - @,
// a tab or a carriage return) or that starts with an apostrophe is written
// with an apostrophe in front, which Decode removes (OWASP's advice against
// CSV injection).

func csvHeader(n int) []string {
	h := []string{"id", "type", "stem"}
	for i := 0; i < n; i++ {
		h = append(h, "option_"+string(rune('a'+i)))
	}
	for i := 0; i < n; i++ {
		h = append(h, "explanation_"+string(rune('a'+i)))
	}
	return append(h, "key", "answers", "rationale", "citations", "difficulty", "bloom", "tags", "topic", "generator", "created", "findings")
}

// csvGuard protects a cell from being read as a formula.
func csvGuard(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r'", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvUnguard(s string) string { return strings.TrimPrefix(s, "'") }

func encodeCSV(w *bytes.Buffer, b quiz.Bank) error {
	n := 5
	for i := range b.Items {
		n = max(n, len(b.Items[i].Options))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader(n)); err != nil {
		return err
	}
	for i := range b.Items {
		it := &b.Items[i]
		row := []string{it.ID, string(it.Type), it.Stem}
		for j := 0; j < n; j++ {
			if j < len(it.Options) {
				row = append(row, it.Options[j].Text)
			} else {
				row = append(row, "")
			}
		}
		for j := 0; j < n; j++ {
			if j < len(it.Options) {
				row = append(row, it.Options[j].Explanation)
			} else {
				row = append(row, "")
			}
		}
		var key []string
		for _, k := range it.Key() {
			key = append(key, string(rune('A'+k)))
		}
		var cits, finds string
		if len(it.Citations) > 0 {
			js := make([]jsonCitation, len(it.Citations))
			for k, c := range it.Citations {
				js[k] = toJSONCitation(c)
			}
			data, err := marshalNoEscape(js)
			if err != nil {
				return err
			}
			cits = data
		}
		if len(it.Findings) > 0 {
			data, err := marshalNoEscape(toJSONItem(it).Findings)
			if err != nil {
				return err
			}
			finds = data
		}
		created := ""
		if !it.Created.IsZero() {
			created = it.Created.Format(time.RFC3339Nano)
		}
		row = append(row, strings.Join(key, ","), strings.Join(it.Answers, "\n"), it.Rationale, cits,
			string(it.Difficulty), string(it.Bloom), strings.Join(it.Tags, "\n"), it.Topic, it.Generator, created, finds)
		for k := range row {
			row[k] = csvGuard(row[k])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func marshalNoEscape(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func decodeCSV(data []byte) (decoded, error) {
	var out decoded
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = 0 // every row as long as the header
	errAt := func(line int, col, msg string) error {
		if col != "" {
			msg = "column " + col + ": " + msg
		}
		return &SyntaxError{Format: CSV, Line: line, Msg: msg}
	}
	header, err := r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return out, errAt(pe.Line, "", pe.Err.Error())
		}
		return out, errAt(1, "", "no header row")
	}
	col := make(map[string]int)
	nopt := 0
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; dup {
			return out, errAt(1, h, "appears twice in the header")
		}
		col[h] = i
		switch {
		case len(h) == len("option_a") && strings.HasPrefix(h, "option_") && h[7] >= 'a' && h[7] <= 'z':
			nopt = max(nopt, int(h[7]-'a')+1)
		case len(h) == len("explanation_a") && strings.HasPrefix(h, "explanation_") && h[12] >= 'a' && h[12] <= 'z':
		default:
			if !knownCSVColumn(h) {
				return out, errAt(1, h, "unknown column")
			}
		}
	}
	for _, need := range []string{"type", "stem"} {
		if _, ok := col[need]; !ok {
			return out, errAt(1, need, "missing from the header")
		}
	}
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return out, errAt(pe.Line, "", pe.Err.Error())
			}
			return out, errAt(0, "", err.Error())
		}
		line, _ := r.FieldPos(0)
		cell := func(name string) string {
			if i, ok := col[name]; ok {
				return csvUnguard(rec[i])
			}
			return ""
		}
		it := quiz.Item{
			ID: cell("id"), Type: quiz.Type(cell("type")), Stem: cell("stem"), Rationale: cell("rationale"),
			Difficulty: quiz.Difficulty(cell("difficulty")), Bloom: quiz.Bloom(cell("bloom")),
			Topic: cell("topic"), Generator: cell("generator"),
		}
		last := -1
		for j := 0; j < nopt; j++ {
			if cell("option_"+string(rune('a'+j))) != "" {
				last = j
			}
		}
		for j := 0; j < 26; j++ {
			l := string(rune('a' + j))
			text, expl := cell("option_"+l), cell("explanation_"+l)
			if j > last {
				if expl != "" {
					return out, errAt(line, "explanation_"+l, "explains an option that is not there")
				}
				continue
			}
			if text == "" {
				return out, errAt(line, "option_"+l, "is empty but a later option is not")
			}
			it.Options = append(it.Options, quiz.Option{Text: text, Explanation: expl})
		}
		if k := cell("key"); k != "" {
			for _, l := range strings.Split(k, ",") {
				l = strings.TrimSpace(l)
				if len(l) != 1 || l[0] < 'A' || int(l[0]-'A') >= len(it.Options) {
					return out, errAt(line, "key", fmt.Sprintf("%q names no option", l))
				}
				it.Options[l[0]-'A'].Correct = true
			}
		}
		if a := cell("answers"); a != "" {
			it.Answers = strings.Split(a, "\n")
		}
		if t := cell("tags"); t != "" {
			it.Tags = strings.Split(t, "\n")
		}
		if c := cell("citations"); c != "" {
			var js []jsonCitation
			if err := strictJSON(c, &js); err != nil {
				return out, errAt(line, "citations", err.Error())
			}
			for _, jc := range js {
				it.Citations = append(it.Citations, jc.citation())
			}
		}
		if f := cell("findings"); f != "" {
			var js []jsonFinding
			if err := strictJSON(f, &js); err != nil {
				return out, errAt(line, "findings", err.Error())
			}
			for _, jf := range js {
				it.Findings = append(it.Findings, quiz.Finding{Rule: jf.Rule, Severity: quiz.Severity(jf.Severity), Message: jf.Message, Text: jf.Text})
			}
		}
		if c := cell("created"); c != "" {
			t, err := time.Parse(time.RFC3339Nano, c)
			if err != nil {
				return out, errAt(line, "created", fmt.Sprintf("%q is not an RFC 3339 time", c))
			}
			it.Created = t
		}
		out.bank.Items = append(out.bank.Items, it)
	}
	return out, nil
}

func knownCSVColumn(h string) bool {
	switch h {
	case "id", "type", "stem", "key", "answers", "rationale", "citations", "difficulty", "bloom",
		"tags", "topic", "generator", "created", "findings":
		return true
	}
	return false
}

func strictJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("invalid JSON: unexpected data after the array")
	}
	return nil
}

package guidance

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONLRecordErrors(t *testing.T) {
	tests := []struct{ name, rec, want string }{
		{"syntax", `{"_id": "a", "text": "x",}`, `f.jsonl:7: bad JSON at column 26: invalid character '}' looking for beginning of object key string`},
		{"truncated", `{"_id": "a", "text": "x`, `f.jsonl:7: bad JSON: unexpected end of line`},
		{"trailing", `{"_id": "a", "text": "x"} {}`, `f.jsonl:7: bad JSON at column 27: data after the object`},
		{"array", `["a"]`, `f.jsonl:7: want a JSON object, not array`},
		{"string", `"a"`, `f.jsonl:7: want a JSON object, not string`},
		{"no text", `{"_id": "a", "title": "A"}`, `f.jsonl:7: text: missing`},
		{"text type", `{"_id": "a", "text": 3}`, `f.jsonl:7: text: want a string, not number`},
		{"unknown", `{"_id": "a", "text": "x", "staus": "approved"}`, `f.jsonl:7: staus: unknown field (did you mean "status"?)`},
		{"id", `{"id": "a", "text": "x"}`, `f.jsonl:7: id: unknown field (did you mean "_id"?)`},
		{"bad id", `{"_id": "a b", "text": "x"}`, ``}, // checked by Validate later
		{"bool", `{"_id": "a", "text": "x", "version": true}`, `f.jsonl:7: version: want a string or a list of strings, not true or false`},
		{"object", `{"_id": "a", "text": "x", "tags": {}}`, `f.jsonl:7: tags: want a string or a list of strings, not an object`},
		{"nested list", `{"_id": "a", "text": "x", "tags": [["a"]]}`, `f.jsonl:7: tags: want a list of strings, not a list of lists`},
		{"list for string", `{"_id": "a", "text": "x", "version": ["1"]}`, `f.jsonl:7: version: want a single value, not a list`},
		{"bad status", `{"_id": "a", "text": "x", "status": "live"}`, `f.jsonl:7: status: unknown status "live" (want draft, approved, superseded or withdrawn)`},
		{"bad date", `{"_id": "a", "text": "x", "review_due": "2025-13-01"}`, `f.jsonl:7: review_due: bad date "2025-13-01" (want YYYY-MM-DD or RFC 3339)`},
		{"list id", `{"_id": ["a"], "text": "x"}`, `f.jsonl:7: _id: want a single value, not a list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseJSONLRecord("f.jsonl", 7, []byte(tt.rec))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("parseJSONLRecord(%s) error = %q; want %q", tt.rec, got, tt.want)
			}
		})
	}
}

func TestJSONLValues(t *testing.T) {
	rec := `{"_id": 12, "title": "T", "text": "Body", "version": 3.10, "status": "Approved", "tags": "one",
	"audience": ["a", null, " b "], "approved_at": "2025-01-02", "publisher": null, "metadata": {"x": [1]}}`
	p, err := parseJSONLRecord("f.jsonl", 1, []byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	m := p.meta.m
	want := Metadata{ID: "12", Title: "T", Version: "3.10", Status: Approved, Tags: []string{"one"},
		Audience: []string{"a", "b"}, ApprovedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("parseJSONLRecord metadata = %+v; want %+v", m, want)
	}
	if p.body != "Body" || len(p.sections) != 1 || p.sections[0].Heading == nil || len(p.sections[0].Heading) != 0 {
		t.Errorf("parseJSONLRecord body, sections = %q, %+v; want one section with an empty heading path", p.body, p.sections)
	}
}

func TestJSONLLongLinesAndCRLF(t *testing.T) {
	long := strings.Repeat("word ", 1<<20) // 5 MiB, longer than the read buffer
	data := `{"_id": "a", "title": "A", "text": "` + long + `", "status": "draft", "version": "1"}` + "\r\n" +
		"\r\n" +
		`{"_id": "b", "title": "B", "text": "short", "status": "draft", "version": "1"}`
	path := filepath.Join(t.TempDir(), "long.jsonl")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Body != long || docs[1].Source != path+":3" {
		t.Errorf("LoadFile(long.jsonl) = %d docs; want 2, the first with the 5 MiB text, the second from line 3", len(docs))
	}
	if got := docs[0].Sections[0].Text; got != strings.TrimSpace(long) {
		t.Errorf("long section text has %d bytes; want %d", len(got), len(strings.TrimSpace(long)))
	}
}

func TestJSONLDuplicateLines(t *testing.T) {
	data := `{"_id": "a", "title": "A", "text": "x", "status": "approved", "version": "1"}
{"_id": "a", "title": "A", "text": "y", "status": "approved", "version": "1"}
{"_id": "a", "title": "A", "text": "z", "status": "approved", "version": "2"}
`
	path := filepath.Join(t.TempDir(), "dup.jsonl")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	want := path + ":2: _id: duplicate id@version a@1, also in " + path + ":1\n" +
		path + ":3: status: approved a@2 conflicts with approved a@1 in " + path + ":1; only one version may be approved"
	if err == nil || err.Error() != want {
		t.Errorf("LoadFile(dup.jsonl) error = %v; want %s", err, want)
	}
}

func TestJSONLSidecar(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.jsonl")
	if err := os.WriteFile(path, []byte(`{"_id": "a", "title": "A", "text": "x", "status": "draft"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+SidecarSuffix, []byte("status: approved\nversion: \"5\"\npublisher: NLM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := docs[0]; d.Status != Approved || d.Version != "5" || d.Publisher != "NLM" {
		t.Errorf("Load(jsonl with sidecar) = %+v; want the sidecar's status, version and publisher", d.Metadata)
	}
}

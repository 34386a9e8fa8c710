package beir

import (
	"strings"
	"testing"
)

func TestDecodeQueriesErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"_id":"1","text":"a"}` + "\n" + `{"_id":"1","text":"b"}`, `q.jsonl:2: _id: duplicate "1", first on line 1`},
		{`{"_id":"1"}`, `q.jsonl:1: text: missing`},
		{"\n" + `{"text":"x"}`, `q.jsonl:2: _id: missing`},
		{`{"_id":`, `q.jsonl:1: invalid JSON: unexpected end of JSON input`},
	}
	for _, tt := range tests {
		_, err := DecodeQueries(strings.NewReader(tt.in), "q.jsonl")
		if err == nil || err.Error() != tt.want {
			t.Errorf("DecodeQueries(%q) error = %v; want %q", tt.in, err, tt.want)
		}
	}
	qs, err := DecodeQueries(strings.NewReader(`{"_id":"a","text":"What is AKI?","metadata":{}}`+"\n\n"), "q.jsonl")
	if err != nil || len(qs) != 1 || qs[0] != (Query{"a", "What is AKI?"}) {
		t.Errorf("DecodeQueries = %v, %v; want one query", qs, err)
	}
}

func TestDecodeQrels(t *testing.T) {
	q, err := DecodeQrels(strings.NewReader("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t2\nq2\t0\td3\t1\n"), "r.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if q["q1"]["d2"] != 2 || q["q2"]["d3"] != 1 || len(q) != 2 {
		t.Errorf("DecodeQrels = %v", q)
	}
	for _, tt := range []struct{ in, want string }{
		{"q\td\n", "r.tsv:1: want 3 tab-separated fields, got 2"},
		{"h\th\th\nq\td\tx\n", `r.tsv:2: score: "x" is not an integer`},
	} {
		if _, err := DecodeQrels(strings.NewReader(tt.in), "r.tsv"); err == nil || err.Error() != tt.want {
			t.Errorf("DecodeQrels(%q) error = %v; want %q", tt.in, err, tt.want)
		}
	}
}

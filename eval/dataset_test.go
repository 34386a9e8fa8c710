package eval_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/tutor"
)

func TestLoadCasesFormats(t *testing.T) {
	jsonl := `{"id":"a","question":"Q1?","answerable":true,"key_facts":["F"],"expected_documents":["d1"],"tags":["x"],"mode":"decision-support"}

{"id":"b","question":"Q2?","answerable":false,"expected_passages":null}
`
	yml := `cases:
  - id: a
    question: Q1?
    answerable: true
    key_facts: [F]
    expected_documents: [d1]
    tags: [x]
    mode: decision-support
  - id: b
    question: Q2?
    answerable: false
`
	for name, content := range map[string]string{"cases.jsonl": jsonl, "cases.yaml": yml} {
		t.Run(name, func(t *testing.T) {
			cases, err := eval.DecodeCases(strings.NewReader(content), name)
			if err != nil {
				t.Fatal(err)
			}
			if len(cases) != 2 || cases[0].Mode != tutor.DecisionSupport || !cases[0].Answerable || cases[1].Answerable ||
				cases[0].KeyFacts[0] != "F" || cases[0].Line == 0 {
				t.Errorf("DecodeCases(%s) = %+v", name, cases)
			}
		})
	}
	// Both formats give the same dataset.
	a, _ := eval.DecodeCases(strings.NewReader(jsonl), "c.jsonl")
	b, _ := eval.DecodeCases(strings.NewReader(yml), "c.yaml")
	if eval.DatasetHash(a) != eval.DatasetHash(b) {
		t.Errorf("the JSONL and YAML forms of one dataset hash differently")
	}
}

func TestLoadCasesErrors(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string // each must appear in the error
	}{
		{"unknown field", "c.yaml", "cases:\n  - id: a\n    question: Q?\n    answerable: true\n    key_fact: [x]\n",
			[]string{"c.yaml:5: key_fact: unknown field"}},
		{"missing answerable", "c.jsonl", `{"id":"a","question":"Q?"}` + "\n",
			[]string{"c.jsonl:1: answerable: missing"}},
		{"wrong type", "c.yaml", "- id: a\n  question: Q?\n  answerable: yes\n",
			[]string{"c.yaml:3: answerable: want true or false, got a string \"yes\""}},
		{"bad mode", "c.jsonl", `{"id":"a","question":"Q?","answerable":true,"mode":"teaching"}`,
			[]string{"c.jsonl:1: mode: unknown mode \"teaching\""}},
		{"refusal with facts", "c.yaml", "- id: a\n  question: Q?\n  answerable: false\n  key_facts: [F]\n",
			[]string{"c.yaml:4: key_facts: a case that should be refused"}},
		{"bad JSON", "c.jsonl", `{"id":"a",` + "\n", []string{"c.jsonl:1: invalid JSON object"}},
		{"id with space", "c.jsonl", `{"id":"a b","question":"Q?","answerable":true}`, []string{`c.jsonl:1: id: "a b" contains white space`}},
		{"bad passage", "c.yaml", "- id: a\n  question: Q?\n  answerable: true\n  expected_passages: [{doc: x}]\n",
			[]string{"c.yaml:4: expected_passages: item 1"}},
		{"two problems", "c.jsonl", `{"id":"a","question":"","answerable":true}` + "\n" + `{"id":"b","question":"Q","answerable":1}`,
			[]string{"c.jsonl:1: question: missing", "c.jsonl:2: answerable: want true or false, got the number 1"}},
		{"unknown format", "c.csv", "id,question", []string{"c.csv: unknown dataset format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := eval.DecodeCases(strings.NewReader(tt.content), tt.file)
			if err == nil {
				t.Fatalf("DecodeCases(%q) succeeded", tt.content)
			}
			var fe *eval.FormatError
			if !errors.As(err, &fe) {
				t.Errorf("error %v is not a *FormatError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("DecodeCases error = %q; want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadCasesDuplicateAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.yaml")
	os.WriteFile(a, []byte(`{"id":"x","question":"Q?","answerable":true}`+"\n"), 0o644)
	os.WriteFile(b, []byte("- id: x\n  question: Q2?\n  answerable: false\n"), 0o644)
	_, err := eval.LoadCases(a, b)
	if err == nil || !strings.Contains(err.Error(), b+":1: id: duplicate \"x\", first at "+a+":1") {
		t.Errorf("LoadCases with a duplicate ID: %v", err)
	}
}

// TestLoadDuplicateNamesFirst checks that both loaders report every later
// use of an ID against its first use, in any file.
func TestLoadDuplicateNamesFirst(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := `{"id":"x","question":"Q?","answerable":true}` + "\n"
	cases := write("cases.jsonl", c+c+c)
	p := `{"id":"x","passages":["P."],"answer":"A."}` + "\n"
	pairs := write("pairs.jsonl", p+p+p)
	for _, tt := range []struct {
		name string
		load func(...string) error
		path string
	}{
		{"LoadCases", func(ps ...string) error { _, err := eval.LoadCases(ps...); return err }, cases},
		{"LoadPairs", func(ps ...string) error { _, err := eval.LoadPairs(ps...); return err }, pairs},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.load(tt.path)
			for _, want := range []string{
				tt.path + ":2: id: duplicate \"x\", first at " + tt.path + ":1",
				tt.path + ":3: id: duplicate \"x\", first at " + tt.path + ":1",
			} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s(%q) = %v; want it to contain %q", tt.name, tt.path, err, want)
				}
			}
		})
	}
}

func TestExampleDatasetLoads(t *testing.T) {
	cases, err := eval.LoadCases(filepath.Join(exampleDir, "cases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	refuse := 0
	for _, c := range cases {
		if !c.Answerable {
			refuse++
		}
	}
	if len(cases) < 15 || len(cases) > 30 || refuse == 0 || refuse == len(cases) {
		t.Errorf("example dataset: %d cases, %d to refuse; want 15 to 30 with both kinds", len(cases), refuse)
	}
}

func TestLoadPairs(t *testing.T) {
	in := `{"id":"p1","passages":["Give 5 mg."],"answer":"Give 5 mg.","label":"supported","kind":"positive"}
{"id":"p2","passages":["Give 5 mg."],"claim":"Give 50 mg.","label":false,"split":"test"}
{"id":"p3","passages":["x"],"answer":"y"}
`
	pairs, err := eval.DecodePairs(strings.NewReader(in), "p.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 3 || pairs[0].Label != eval.Supported || pairs[1].Label != eval.Unsupported || pairs[1].Answer != "Give 50 mg." || pairs[2].Label != eval.Unlabelled {
		t.Errorf("DecodePairs = %+v", pairs)
	}
	for _, tt := range []struct{ in, want string }{
		{`{"id":"p","passages":[],"answer":"a"}`, "p.jsonl:1: passages: missing"},
		{`{"id":"p","passages":["x"],"answer":"a","label":"maybe"}`, `p.jsonl:1: label: unknown label "maybe"`},
		{`{"id":"p","passages":["x"],"answer":"a","claim":"b"}`, "give answer or claim, not both"},
		{`{"id":"p","passages":["x"],"answer":"a","lable":"supported"}`, "p.jsonl:1: lable: unknown field"},
	} {
		if _, err := eval.DecodePairs(strings.NewReader(tt.in), "p.jsonl"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodePairs(%s) = %v; want %q", tt.in, err, tt.want)
		}
	}
}

func TestParseThreshold(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want eval.Threshold
	}{
		{"pass_rate>=0.9", eval.Threshold{Metric: "pass_rate", Op: ">=", Value: 0.9, On: "mean"}},
		{" false_answer_rate <= 0 ", eval.Threshold{Metric: "false_answer_rate", Op: "<=", Value: 0, On: "mean"}},
		{"lo(groundedness_cited)>=0.95", eval.Threshold{Metric: "groundedness_cited", Op: ">=", Value: 0.95, On: "lo"}},
	} {
		got, err := eval.ParseThreshold(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseThreshold(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if again, err := eval.ParseThreshold(got.String()); err != nil || again != got {
			t.Errorf("ParseThreshold(%q.String()) = %+v, %v", tt.in, again, err)
		}
	}
	for _, bad := range []string{"pass_rate>0.9", "passrate>=0.9", "pass_rate>=high", "pass_rate", "pass_rate>=NaN"} {
		if _, err := eval.ParseThreshold(bad); err == nil {
			t.Errorf("ParseThreshold(%q) succeeded", bad)
		}
	}
}

func TestGate(t *testing.T) {
	h := eval.RunHeader{Type: "run", Cases: 2}
	pass := eval.CaseResult{ID: "a", Status: eval.Pass, Answerable: true}
	fail := eval.CaseResult{ID: "b", Status: eval.Fail, Answerable: true, Refused: true}
	th := func(s ...string) []eval.Threshold {
		var out []eval.Threshold
		for _, x := range s {
			t, _ := eval.ParseThreshold(x)
			out = append(out, t)
		}
		return out
	}
	tests := []struct {
		name    string
		results []eval.CaseResult
		th      []eval.Threshold
		code    int
	}{
		{"default: every case must pass", []eval.CaseResult{pass, fail}, nil, eval.ExitBelowThreshold},
		{"met", []eval.CaseResult{pass, fail}, th("pass_rate>=0.5", "false_refusal_rate<=0.5"), eval.ExitPass},
		{"not met", []eval.CaseResult{pass, fail}, th("answer_rate>=0.9"), eval.ExitBelowThreshold},
		{"no data", []eval.CaseResult{pass, fail}, th("refusal_rate>=0.9"), eval.ExitBelowThreshold},
		{"unfinished", []eval.CaseResult{pass}, th("pass_rate>=0.5"), eval.ExitInfrastructure},
		{"error wins", []eval.CaseResult{pass, {ID: "c", Status: eval.Error}}, th("answer_rate>=0.9"), eval.ExitInfrastructure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := eval.Summarize(h, tt.results, tt.th)
			if r.Gate.ExitCode != tt.code {
				t.Errorf("gate = %+v; want exit %d", r.Gate, tt.code)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	h := eval.RunHeader{Type: "run", Cases: 3}
	mk := func(s ...eval.Status) *eval.Report {
		var rs []eval.CaseResult
		for i, st := range s {
			rs = append(rs, eval.CaseResult{ID: string(rune('a' + i)), Status: st, Answerable: true})
		}
		return eval.Summarize(h, rs, nil)
	}
	base, head := mk(eval.Pass, eval.Pass, eval.Fail), mk(eval.Pass, eval.Fail, eval.Pass)
	c := eval.Compare(base, head, 0)
	if c.Regressions != 1 || len(c.Cases) != 2 || !c.Cases[0].Regressed || c.Cases[0].ID != "b" {
		t.Errorf("Compare = %+v; want case b regressed, c improved, pass rate unchanged", c)
	}
	worse := mk(eval.Fail, eval.Fail, eval.Fail)
	c = eval.Compare(base, worse, 0.05)
	found := false
	for _, m := range c.Metrics {
		if m.Name == "pass_rate" && m.Regressed {
			found = true
		}
	}
	if !found || c.Regressions < 3 {
		t.Errorf("Compare(pass rate 2/3 → 0) = %+v; want pass_rate and two cases regressed", c)
	}
	var b strings.Builder
	c.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "| pass_rate |") || !strings.Contains(b.String(), "**regressed**") {
		t.Errorf("comparison Markdown:\n%s", b.String())
	}
}

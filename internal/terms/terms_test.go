package terms

import (
	"slices"
	"testing"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"What are the symptoms of Diabetes?", []string{"symptom", "diabet"}},
		{"Give 2.5 mg; then 10 mL.", []string{"give", "2.5", "mg", "10", "ml"}},
		{"patient's café", []string{"patient", "cafe"}},
		{"Hypoglycaemia HYPOGLYCAEMIA", []string{"hypoglycaemia", "hypoglycaemia"}},
		{"end.", []string{"end"}},
	}
	for _, tt := range tests {
		if got := Analyze(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Analyze(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensOffsets(t *testing.T) {
	s := "Don’t give 0.5 mg—ever."
	for _, tok := range Tokens(s) {
		if s[tok.Start:tok.End] != tok.Text {
			t.Errorf("token %+v does not match its offsets", tok)
		}
	}
	if got := len(Tokens(s)); got != 5 {
		t.Errorf("Tokens(%q) = %d tokens; want 5", s, got)
	}
}

func TestID(t *testing.T) {
	if ID("diabet") != ID("diabet") || ID("diabet") == ID("diabetes") {
		t.Errorf("ID is not a stable function of the term")
	}
	for _, s := range []string{"", "a", "zzzz"} {
		if id := ID(s); id < 1 || id > MaxID {
			t.Errorf("ID(%q) = %d; want in [1, %d]", s, id, MaxID)
		}
	}
	tf, n := Counts("fluids and more fluids")
	if n != 2 || tf["fluid"] != 2 {
		t.Errorf("Counts = %v, %d; want fluid:2, length 2", tf, n)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("Give 2.5 mg.")
	f.Add("\xff'a’")
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokens(s) {
			if tok.Start < 0 || tok.End > len(s) || s[tok.Start:tok.End] != tok.Text {
				t.Fatalf("bad token %+v in %q", tok, s)
			}
		}
	})
}

package sentences

import (
	"slices"
	"testing"
)

func texts(spans []Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Text)
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"One sentence", []string{"One sentence"}},
		{"Give 2.5 mg now. Recheck in 15 minutes.", []string{"Give 2.5 mg now.", "Recheck in 15 minutes."}},
		{"Use e.g. salbutamol. Then stop.", []string{"Use e.g. salbutamol.", "Then stop."}},
		{"Seen by Dr. Smith today. Fine.", []string{"Seen by Dr. Smith today.", "Fine."}},
		{"Is it sepsis? Call for help! Now.", []string{"Is it sepsis?", "Call for help!", "Now."}},
		{"Key points:\n- Check airway\n- Give oxygen\n\nNext paragraph here.",
			[]string{"Key points:", "Check airway", "Give oxygen", "Next paragraph here."}},
		{"1. First step\n2. Second step", []string{"First step", "Second step"}},
		{"A line that\nwraps onto the next. End.", []string{"A line that\nwraps onto the next.", "End."}},
		{"Target 94–98%. (See chart.) Next.", []string{"Target 94–98%.", "(See chart.)", "Next."}},
		{"It said \"stop.\" Then it went on.", []string{"It said \"stop.\"", "Then it went on."}},
		{"J. Smith wrote it. Fine.", []string{"J. Smith wrote it.", "Fine."}},
		{"values i.e. sodium and potassium.", []string{"values i.e. sodium and potassium."}},
	}
	for _, tt := range tests {
		got := texts(Split(tt.in))
		if !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"A. B. C.", "- x\n- y", "2.5 mg. e.g. \n\n1) a", "\xff\xfe.", "”.’ x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		for _, sp := range Split(s) {
			if sp.Start < last || sp.End > len(s) || sp.Start >= sp.End || s[sp.Start:sp.End] != sp.Text {
				t.Fatalf("Split(%q): bad span %+v after %d", s, sp, last)
			}
			last = sp.End
		}
	})
}

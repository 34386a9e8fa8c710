package clinical

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestLex(t *testing.T) {
	tests := []struct {
		in   string
		want []string // Kind:Lower
	}{
		{"Give 500mg b.d.", []string{"W:give", "N:500", "W:mg", "W:bd"}},
		{"1,000 units; .5 mg", []string{"N:1,000", "W:units", "S:;", "N:.5", "W:mg"}},
		{"94–98% SpO2", []string{"N:94", "S:–", "N:98", "S:%", "W:spo2"}},
		{"don't e.g. x", []string{"W:don't", "W:eg", "W:x"}},
		{"J. Smith", []string{"W:j", "S:.", "W:smith"}},
		{"1,2,3", []string{"N:1", "S:,", "N:2", "S:,", "N:3"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range Lex(tt.in) {
			got = append(got, fmt.Sprintf("%c:%s", "?WNS"[tok.Kind], tok.Lower))
			if tt.in[tok.Start:tok.End] != tok.Text {
				t.Errorf("Lex(%q): token %+v does not match its offsets", tt.in, tok)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Lex(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if v := Lex("1,000.5")[0].Value; v != 1000.5 {
		t.Errorf("Lex(%q)[0].Value = %v; want 1000.5", "1,000.5", v)
	}
}

// quantities formats the quantities of s as "value unit bound" strings.
func quantities(s string) []string {
	var out []string
	for _, q := range Analyze(s).Quantities {
		str := formatNumber(q.Value)
		if q.Unit.Name != "" {
			str += " " + q.Unit.Name
		}
		if q.Bound != NoBound {
			str += " " + q.Bound.String()
		}
		if q.Frequency {
			str += " (freq)"
		}
		out = append(out, str)
	}
	return out
}

func TestQuantities(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Give 500 mg now", []string{"500 mg"}},
		{"500 milligrams or 0.5 grams", []string{"500 mg", "0.5 g"}},
		{"give 2.5 micrograms, 10 mcg, 5 µg", []string{"2.5 mcg", "10 mcg", "5 mcg"}},
		{"10 millilitres then 1 litre", []string{"10 mL", "1 L"}},
		{"target 94–98%", []string{"94 %", "98 %"}},
		{"target 94 to 98%", []string{"94 %", "98 %"}},
		{"target 94-98 %", []string{"94 %", "98 %"}},
		{"between 4 and 6 hours", []string{"4 h", "6 h"}},
		{"glucose 4 mmol/L and 4 mmol per litre and 4 mmol/l", []string{"4 mmol/L", "4 mmol/L", "4 mmol/L"}},
		{"0.1 units/kg/h or 0.1 units per kg per hour", []string{"0.1 unit/kg/h", "0.1 unit/kg/h"}},
		{"15 mg/kg", []string{"15 mg/kg"}},
		{"25 breaths per minute, 25 bpm, 25/min", []string{"25 /min", "25 /min", "25 /min"}},
		{"below 90 mmHg", []string{"90 mmHg at most"}},
		{"at least 30 minutes", []string{"30 min at least"}},
		{"within 1 hour", []string{"1 h at most"}},
		{"after 5 minutes", []string{"5 min at least"}},
		{"aged 65 years or over", []string{"65 year at least"}},
		{"no more than 4 g in 24 hours", []string{"4 g at most", "24 h"}},
		{"do not give more than 8 tablets", []string{"8 tablet at most"}},
		{"do not exceed 4 g", []string{"4 g at most"}},
		{"two doses, twenty-four hours", []string{"2 dose", "24 h"}},
		{"1,000 units", []string{"1000 unit"}},
		{".5 mg", []string{"0.5 mg"}},
		{"38°C or 38 °C or 38 degrees", []string{"38 °C", "38 °C", "38 °C"}},
		{"120/80 mmHg", []string{"120 mmHg", "80 mmHg"}},
		{"the 2nd dose", []string{"2"}},
		{"2 x 500 mg tablets", []string{"2", "500 mg"}},
		{"a 5-day course", []string{"5 day"}},
		{"every 4 hours", []string{"4 h (freq)"}},
	}
	for _, tt := range tests {
		if got := quantities(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("quantities(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSame(t *testing.T) {
	q := func(s string) Quantity { return Analyze(s).Quantities[0] }
	tests := []struct {
		a, b string
		want bool
	}{
		{"500 mg", "0.5 g", true},
		{"500 mg", "500 g", false},
		{"1 hour", "60 minutes", true},
		{"2 weeks", "14 days", true},
		{"1 year", "12 months", true},
		{"250 micrograms", "0.25 mg", true},
		{"4 mmol/L", "4 mg/dL", false},
		{"10 mg/kg", "0.01 g/kg", true},
	}
	for _, tt := range tests {
		a, b := q(tt.a), q(tt.b)
		if got := Same(a.Value, a.Unit, b.Value, b.Unit); got != tt.want {
			t.Errorf("Same(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func frequencies(s string) []string {
	var out []string
	for _, f := range Analyze(s).Frequencies {
		out = append(out, f.Key)
	}
	return out
}

func TestFrequencies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"every 4 hours", []string{"every 4 h"}},
		{"four-hourly", []string{"every 4 h"}},
		{"4 hourly", []string{"every 4 h"}},
		{"q4h", []string{"every 4 h"}},
		{"every 4 to 6 hours", []string{"every 4 h-6 h"}},
		{"4–6 hourly", []string{"every 4 h-6 h"}},
		{"twice daily", []string{"2 per 1 day"}},
		{"twice a day", []string{"2 per 1 day"}},
		{"two times a day", []string{"2 per 1 day"}},
		{"bd", []string{"2 per 1 day"}},
		{"b.d.", []string{"2 per 1 day"}},
		{"bid", []string{"2 per 1 day"}},
		{"tds", []string{"3 per 1 day"}},
		{"three times daily", []string{"3 per 1 day"}},
		{"qds", []string{"4 per 1 day"}},
		{"four times a day", []string{"4 per 1 day"}},
		{"once daily", []string{"every 1 day"}},
		{"daily", []string{"every 1 day"}},
		{"od", []string{"every 1 day"}},
		{"every 24 hours", []string{"every 1 day"}},
		{"every 12 hours", []string{"every 12 h"}},
		{"once a week", []string{"every 1 week"}},
		{"every other day", []string{"every 2 day"}},
		{"as required", []string{"prn"}},
		{"prn", []string{"prn"}},
		{"at night", []string{"night"}},
		{"give once.", []string{"once"}},
		{"once only", []string{"once"}},
		{"once the patient is stable", nil},
		{"stat", []string{"stat"}},
		{"maximum daily dose", nil},
	}
	for _, tt := range tests {
		if got := frequencies(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("frequencies(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// clauses formats the clauses of s: "-" for negated, "?" for a question.
func clauses(s string) []string {
	var out []string
	for _, c := range Analyze(s).Clauses {
		mark := "+"
		switch {
		case c.Question:
			mark = "?"
		case c.Negated:
			mark = "-"
		}
		out = append(out, mark+s[c.Start:c.End])
	}
	return out
}

func TestClauses(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Give aspirin.", []string{"+Give aspirin"}},
		{"Do not give aspirin to children.", []string{"-Do not give aspirin to children"}},
		{"Aspirin should not be given.", []string{"-Aspirin should not be given"}},
		{"Avoid NSAIDs.", []string{"-Avoid NSAIDs"}},
		{"NSAIDs are contraindicated.", []string{"-NSAIDs are contraindicated"}},
		{"There is no evidence for it.", []string{"-There is no evidence for it"}},
		{"Never leave the patient.", []string{"-Never leave the patient"}},
		{"Give X but do not give Y.", []string{"+Give X", "-do not give Y"}},
		{"If the patient does not improve, give X.", []string{"-the patient does not improve", "+give X"}},
		{"Give X if the patient does not improve.", []string{"+Give X", "-the patient does not improve"}},
		{"Cultures should be taken first, and treatment should not be delayed.", []string{"+Cultures should be taken first", "-treatment should not be delayed"}},
		{"Give X, and do not give Y.", []string{"+Give X", "-do not give Y"}},
		{"Give X, and it also causes Y.", []string{"+Give X", "+it also causes Y"}},
		{"Patients without diabetes should receive X.", []string{"+Patients without diabetes should receive X"}},
		{"NSAIDs, ACE inhibitors, and diuretics should not be used.", []string{"-NSAIDs, ACE inhibitors, and diuretics should not be used"}},
		{"Give X without delay.", []string{"+Give X without delay"}},
		{"Do not give more than 4 g.", []string{"+Do not give more than 4 g"}},
		{"Review it daily and remove it as soon as it is no longer needed.", []string{"+Review it daily and remove it", "-it is no longer needed"}},
		{"Should I give X?", []string{"?Should I give X"}},
		{"We asked whether X helps.", []string{"+We asked", "?X helps"}},
		{"If the pH is above 5.5 or no aspirate is obtained, do not feed.", []string{"+the pH is above 5.5", "-no aspirate is obtained", "-do not feed"}},
	}
	for _, tt := range tests {
		if got := clauses(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("clauses(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want string // stems; * marks a name, ¬ a narrow negation
	}{
		{"Oedema and edema", "edema edema"},
		{"Organise or organize", "organis organis"},
		{"Given to children", "give child"},
		{"IV or intravenous", "intraven* intraven"},
		{"renal and kidney", "kidney kidney"},
		{"Acetaminophen or paracetamol", "paracetamol* paracetamol*"},
		{"NSAIDs, AKI, NEWS2 and ALWAYS", "nsaid* aki* news2* alway"},
		{"amoxicillin, ramipril, bisoprolol", "amoxicillin* ramipril* bisoprolol*"},
		{"Give with no food and without water", "give ¬food ¬water"},
		{"non-diabetic patients", "¬diabet patient"},
		{"in the absence of fever", "¬fever"},
		{"patients without diabetes should receive X", "patient ¬diabet give x"},
	}
	for _, tt := range tests {
		var got []string
		for _, tm := range Analyze(tt.in).Terms {
			s := tm.Stem
			if tm.Name {
				s += "*"
			}
			if tm.Negated {
				s = "¬" + s
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("terms(%q) = %q; want %q", tt.in, g, tt.want)
		}
	}
}

func TestIsDrug(t *testing.T) {
	for _, w := range []string{"amoxicillin", "clarithromycin", "atorvastatin", "apixaban", "salbutamol", "adalimumab", "insulin"} {
		if !IsDrug(w) {
			t.Errorf("IsDrug(%q) = false; want true", w)
		}
	}
	for _, w := range []string{"patient", "april", "hours", "infection", "medicine"} {
		if IsDrug(w) {
			t.Errorf("IsDrug(%q) = true; want false", w)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"Give 1 g every 4–6 hours; no more than 4 g in 24 hours.",
		"Do not give NSAIDs, and avoid gentamicin if eGFR < 30 mL/min/1.73m2.",
		"twenty-four 2nd .5 1,000,000 q4h b.d. per cent ° C \xff",
		"once, twice-daily, 2x, 3 times, every other day?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x := Analyze(s)
		ok := func(a, b int) bool { return 0 <= a && a <= b && b <= len(s) }
		for _, tm := range x.Terms {
			if !ok(tm.Start, tm.End) || tm.Clause < 0 || tm.Clause >= len(x.Clauses) {
				t.Fatalf("Analyze(%q): bad term %+v", s, tm)
			}
		}
		for _, q := range x.Quantities {
			if !ok(q.Start, q.End) {
				t.Fatalf("Analyze(%q): bad quantity %+v", s, q)
			}
		}
		for _, fq := range x.Frequencies {
			if !ok(fq.Start, fq.End) || fq.Key == "" {
				t.Fatalf("Analyze(%q): bad frequency %+v", s, fq)
			}
		}
		for _, c := range x.Clauses {
			if !ok(c.Start, c.End) {
				t.Fatalf("Analyze(%q): bad clause %+v", s, c)
			}
		}
	})
}

package grounding

import (
	"math"
	"slices"
	"strings"
	"testing"
)

const sepsis = "Adults with suspected sepsis who meet any high-risk criterion need urgent review. " +
	"Give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis. " +
	"Paracetamol 1 g can be given every 4 to 6 hours; do not give more than 4 g in 24 hours. " +
	"Do not give NSAIDs to people with acute kidney injury. " +
	"Aim for an oxygen saturation of 94 to 98%, or 88 to 92% in people at risk of hypercapnic respiratory failure. " +
	"Give amoxicillin 500 mg three times a day for 5 days. " +
	"Give the tablets with food."

func TestCheck(t *testing.T) {
	tests := []struct {
		claim string
		want  []ProblemKind // nil: supported
	}{
		// Supported, including paraphrase, reordering and unit conversion.
		{"Give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis.", nil},
		{"Antibiotics should be given within one hour for high-risk sepsis.", nil},
		{"Broad-spectrum antibiotics are recommended within 60 minutes of identifying high-risk sepsis.", nil},
		{"Paracetamol 1000 mg may be given every 4–6 hours, to a maximum of 4 g in 24 hours [1].", nil},
		{"NSAIDs should be avoided in people with acute kidney injury.", nil},
		{"The target oxygen saturation is 94–98%.", nil},
		{"Amoxicillin 500 mg is given tds for 5 days.", nil},

		// One problem each.
		{"Give broad-spectrum antibiotics within 3 hours of identifying high-risk sepsis.", []ProblemKind{NumberMismatch}},
		{"Paracetamol 1 mg can be given every 4 to 6 hours.", []ProblemKind{UnitMismatch}},
		{"Amoxicillin 500 g is given three times a day for 5 days.", []ProblemKind{UnitMismatch}},
		{"Paracetamol 1 g can be given twice daily.", []ProblemKind{FrequencyMismatch}},
		{"Give amoxicillin 500 mg four times a day for 5 days.", []ProblemKind{FrequencyMismatch}},
		{"Give broad-spectrum antibiotics after 1 hour of identifying high-risk sepsis.", []ProblemKind{FrequencyMismatch}},
		{"Aim for an oxygen saturation above 92% in people at risk of hypercapnic respiratory failure.", []ProblemKind{ComparisonMismatch}},
		{"Aim for an oxygen saturation of at least 94%.", nil},
		{"Give NSAIDs to people with acute kidney injury.", []ProblemKind{NegationMismatch}},
		{"Do not give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis.", []ProblemKind{NegationMismatch}},
		{"Give the tablets without food.", []ProblemKind{NegationMismatch}},
		{"Give clarithromycin 500 mg three times a day for 5 days.", []ProblemKind{MissingContent, MissingName}},
		{"Give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis, and it also causes liver failure.", []ProblemKind{MissingContent}},
		{"Ultrasound guided cannulation improves first-pass success.", []ProblemKind{NoOverlap}},
	}
	var c Checker
	for _, tt := range tests {
		t.Run(tt.claim, func(t *testing.T) {
			r := c.Check(tt.claim, sepsis)
			if got := r.Kinds(); !slices.Equal(got, tt.want) {
				t.Errorf("Check(%q).Kinds() = %v; want %v (problems %v)", tt.claim, got, tt.want, r.Problems)
			}
			if want := tt.want == nil; r.Supported() != want {
				t.Errorf("Check(%q).Supported() = %v; want %v", tt.claim, r.Supported(), want)
			}
			checkResult(t, r, tt.claim, []string{sepsis})
		})
	}
}

func TestComparisonMismatch(t *testing.T) {
	var c Checker
	p := "Give oxygen if the saturation is below 92%."
	r := c.Check("Give oxygen if the saturation is above 92%.", p)
	if got, want := r.Kinds(), []ProblemKind{ComparisonMismatch}; !slices.Equal(got, want) {
		t.Errorf("Check(…above 92%%…).Kinds() = %v; want %v (%v)", got, want, r.Problems)
	}
	if r := c.Check("Give oxygen if the saturation is less than 92%.", p); !r.Supported() {
		t.Errorf("Check(…less than 92%%…) = %v; want supported", r.Problems)
	}
}

func TestNoCitation(t *testing.T) {
	var c Checker
	r := c.Check("Give antibiotics within 1 hour.")
	if got, want := r.Kinds(), []ProblemKind{NoCitation}; !slices.Equal(got, want) || r.Verdict != Unsupported {
		t.Errorf("Check without passages = %v, %v; want unsupported %v", r.Verdict, got, want)
	}
	rs := c.CheckAnswer([]Claim{{Text: "Give antibiotics.", Cites: []int{3, -1}}}, []string{sepsis})
	if !rs[0].Has(NoCitation) {
		t.Errorf("CheckAnswer with out-of-range citations = %v; want NoCitation", rs[0].Problems)
	}
}

func TestNotAClaim(t *testing.T) {
	var c Checker
	for _, s := range []string{"In summary:", "Here is what the guidance says.", "I hope this helps!", "", "  —  "} {
		r := c.Check(s, sepsis)
		if r.Verdict != NotAClaim || len(r.Problems) != 0 || r.Score != 0 {
			t.Errorf("Check(%q) = %v %v %v; want not-a-claim with no problems", s, r.Verdict, r.Score, r.Problems)
		}
		if r := c.Check(s); r.Verdict != NotAClaim {
			t.Errorf("Check(%q) without passages = %v; want not-a-claim", s, r.Verdict)
		}
	}
}

func TestTooLong(t *testing.T) {
	var c Checker
	claim := strings.Repeat("Give antibiotics. ", MaxClaimBytes/10)
	r := c.Check(claim, sepsis)
	if got, want := r.Kinds(), []ProblemKind{TooLong}; !slices.Equal(got, want) || r.Supported() {
		t.Errorf("Check(%d-byte claim) = %v %v; want unsupported %v", len(claim), r.Verdict, got, want)
	}
}

func TestWindow(t *testing.T) {
	p := "Sepsis is a medical emergency. Antibiotics reduce mortality. They must be given within 1 hour. Unrelated text follows here."
	claim := "Antibiotics for sepsis must be given within 1 hour."
	var c Checker
	r := c.Check(claim, p)
	if !r.Supported() {
		t.Fatalf("Check(%q) = %v; want supported across three sentences", claim, r.Problems)
	}
	if len(r.Evidence) != 3 || r.Evidence[0].Text != "Sepsis is a medical emergency." {
		t.Errorf("Check(%q).Evidence = %+v; want the first three sentences", claim, r.Evidence)
	}
	if r := (&Checker{Window: 1}).Check(claim, p); r.Supported() {
		t.Errorf("Checker{Window: 1}.Check(%q) = supported; want unsupported", claim)
	}
}

func TestThresholdAndIgnore(t *testing.T) {
	p := "Give antibiotics within 1 hour."
	claim := "Give antibiotics promptly within 1 hour, as the Bedside Trust advises." // "promptly", "Bedside" missing
	var c Checker
	r := c.Check(claim, p)
	if r.Supported() {
		t.Fatalf("Check(%q) = supported with coverage %v; want unsupported", claim, r.Coverage)
	}
	if r := (&Checker{Threshold: 0.2}).Check(claim, p); !r.Supported() {
		t.Errorf("Checker{Threshold: 0.2}.Check(%q) = %v; want supported", claim, r.Problems)
	}
	r = (&Checker{Ignore: []string{"Bedside Trust", "promptly"}}).Check(claim, p)
	if !r.Supported() || r.Coverage != 1 {
		t.Errorf("Checker{Ignore}.Check(%q) = %v, coverage %v; want supported with coverage 1", claim, r.Problems, r.Coverage)
	}
}

func TestCheckAnswer(t *testing.T) {
	passages := []string{
		"Give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis.",
		"Do not give NSAIDs to people with acute kidney injury.",
	}
	claims := []Claim{
		{Text: "In summary:"},
		{Text: "Antibiotics are due within 1 hour for high-risk sepsis [1].", Cites: []int{0}},
		{Text: "NSAIDs should be avoided in acute kidney injury.", Cites: []int{0, 1}},
		{Text: "NSAIDs are safe in acute kidney injury.", Cites: []int{1}},
	}
	var c Checker
	rs := (&c).CheckAnswer(claims, passages)
	want := []Verdict{NotAClaim, Supported, Supported, Unsupported}
	for i, r := range rs {
		if r.Verdict != want[i] {
			t.Errorf("CheckAnswer claim %d (%q) = %v %v; want %v", i, claims[i].Text, r.Verdict, r.Problems, want[i])
		}
		checkResult(t, r, claims[i].Text, passages)
	}
	if ev := rs[2].Evidence; len(ev) != 1 || ev[0].Passage != 1 {
		t.Errorf("CheckAnswer claim 2 evidence = %+v; want passage 1", ev)
	}
}

func TestKindStrings(t *testing.T) {
	for k := NoCitation; k <= TooLong; k++ {
		if s := k.String(); strings.HasPrefix(s, "ProblemKind(") {
			t.Errorf("ProblemKind(%d).String() = %q; want a name", k, s)
		}
	}
	if got := ProblemKind(99).String(); got != "ProblemKind(99)" {
		t.Errorf("ProblemKind(99).String() = %q", got)
	}
	if b, _ := NumberMismatch.MarshalText(); string(b) != "NumberMismatch" {
		t.Errorf("NumberMismatch.MarshalText() = %q", b)
	}
	if Verdict(0) != Unsupported || Supported.String() != "supported" || NotAClaim.String() != "not-a-claim" {
		t.Errorf("verdict names or zero value wrong")
	}
}

// checkResult checks the invariants every Result must hold.
func checkResult(t testing.TB, r Result, claim string, passages []string) {
	t.Helper()
	if math.IsNaN(r.Score) || r.Score < 0 || r.Score > 1 || r.Coverage < 0 || r.Coverage > 1 {
		t.Errorf("Check(%q): score %v, coverage %v; want both in [0, 1]", claim, r.Score, r.Coverage)
	}
	if r.Score > r.Coverage+1e-12 {
		t.Errorf("Check(%q): score %v exceeds coverage %v", claim, r.Score, r.Coverage)
	}
	if (r.Verdict == Unsupported) != (len(r.Problems) > 0) {
		t.Errorf("Check(%q): verdict %v with problems %v", claim, r.Verdict, r.Problems)
	}
	for _, e := range r.Evidence {
		if e.Passage < 0 || e.Passage >= len(passages) || e.Start < 0 || e.Start > e.End || e.End > len(passages[e.Passage]) ||
			passages[e.Passage][e.Start:e.End] != e.Text {
			t.Errorf("Check(%q): bad evidence span %+v", claim, e)
		}
	}
	for _, p := range r.Problems {
		if p.Start < 0 || p.Start > p.End || p.End > len(claim) || p.Detail == "" {
			t.Errorf("Check(%q): bad problem %+v", claim, p)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("Give 1 g every 4–6 hours [2].", sepsis, "")
	f.Add("Do not give NSAIDs, ever.", "Avoid NSAIDs.\n\n- Give 2.5 mg", "x")
	f.Add("\xff[1", "…?", "once. twice-daily 1,000 .5")
	f.Fuzz(func(t *testing.T, claim, p1, p2 string) {
		var c Checker
		checkResult(t, c.Check(claim, p1, p2), claim, []string{p1, p2})
		for _, r := range c.CheckAnswer([]Claim{{Text: claim, Cites: []int{1, 0, 1}}}, []string{p1, p2}) {
			checkResult(t, r, claim, []string{p1, p2})
		}
	})
}

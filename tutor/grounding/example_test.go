package grounding_test

import (
	"fmt"

	"github.com/bedside-ai/bedside/tutor/grounding"
)

func Example() {
	passage := "Give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis. " +
		"Paracetamol 1 g can be given every 4 to 6 hours; do not give more than 4 g in 24 hours."

	var c grounding.Checker // the zero value uses the documented defaults
	for _, claim := range []string{
		"Antibiotics should be given within one hour for high-risk sepsis [1].",
		"Paracetamol 1000 mg may be given every 4–6 hours.",
		"Paracetamol 1 g may be given twice daily.",
		"Paracetamol 1 mg may be given every 4–6 hours.",
		"In summary:",
	} {
		r := c.Check(claim, passage)
		fmt.Printf("%-12s %.2f %v\n", r.Verdict, r.Score, r.Kinds())
		if r.Supported() {
			e := r.Evidence[0]
			fmt.Printf("  quote passage %d [%d:%d]: %q\n", e.Passage, e.Start, e.End, e.Text)
		}
	}
	// Output:
	// supported    1.00 []
	//   quote passage 0 [0:78]: "Give broad-spectrum antibiotics within 1 hour of identifying high-risk sepsis."
	// supported    1.00 []
	//   quote passage 0 [79:166]: "Paracetamol 1 g can be given every 4 to 6 hours; do not give more than 4 g in 24 hours."
	// unsupported  0.25 [FrequencyMismatch]
	// unsupported  0.25 [UnitMismatch]
	// not-a-claim  0.00 []
}

func ExampleChecker_CheckAnswer() {
	passages := []string{
		"Do not give NSAIDs to people with acute kidney injury.",
		"Check capillary blood glucose every 4 hours.",
	}
	claims := []grounding.Claim{
		{Text: "NSAIDs should be avoided in acute kidney injury.", Cites: []int{0}},
		{Text: "NSAIDs are safe in acute kidney injury.", Cites: []int{0}},
		{Text: "Capillary glucose should be checked four-hourly.", Cites: []int{1}},
		{Text: "Capillary glucose should be checked hourly."},
	}
	var c grounding.Checker
	for i, r := range c.CheckAnswer(claims, passages) {
		fmt.Println(i, r.Verdict, r.Problems)
	}
	// Output:
	// 0 supported []
	// 1 unsupported [NegationMismatch: the claim affirms "NSAIDs are safe in acute kidney injury" but the cited passage negates it]
	// 2 supported []
	// 3 unsupported [NoCitation: the claim cites no passage]
}

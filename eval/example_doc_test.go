package eval_test

import (
	"fmt"
	"strings"

	"github.com/bedside-ai/bedside/eval"
)

func ExampleDecodeCases() {
	data := `cases:
  - id: hypo-threshold
    question: What blood glucose defines hypoglycaemia in hospital?
    answerable: true
    key_facts: [Hypoglycaemia is a blood glucose below 4.0 mmol/L.]
    expected_documents: [hypoglycaemia-adult]
  - id: off-topic
    question: What is the capital of France?
    answerable: false
  - id: typo
    question: How is DKA treated?
    answerable: true
    expected_document: [dka-adult]
`
	_, err := eval.DecodeCases(strings.NewReader(data), "cases.yaml")
	fmt.Println(err)
	// Output:
	// cases.yaml:13: expected_document: unknown field (known: id, question, answerable, reference, key_facts, expected_documents, expected_passages, tags, mode)
}

func ExampleParseThreshold() {
	for _, s := range []string{"groundedness_cited>=0.95", "lo(pass_rate)>=0.8", "false_answer_rate<=0", "groundedness>=1"} {
		t, err := eval.ParseThreshold(s)
		if err != nil {
			fmt.Println("error:", strings.SplitN(err.Error(), " (known", 2)[0])
			continue
		}
		fmt.Printf("%s on the %s, %s %v\n", t.Metric, t.On, t.Op, t.Value)
	}
	// Output:
	// groundedness_cited on the mean, >= 0.95
	// pass_rate on the lo, >= 0.8
	// false_answer_rate on the mean, <= 0
	// error: threshold "groundedness>=1": unknown metric "groundedness"
}

func ExampleEvaluateGrounding() {
	passage := "Give adrenaline 500 micrograms intramuscularly. Repeat the dose after 5 minutes if there is no improvement."
	pairs := []eval.Pair{
		{ID: "ok", Passages: []string{passage}, Answer: "Repeat the adrenaline dose after 5 minutes if there is no improvement.", Label: eval.Supported},
		{ID: "dose", Passages: []string{passage}, Answer: "Give adrenaline 5 mg intramuscularly.", Label: eval.Unsupported},
		{ID: "timing", Passages: []string{passage}, Answer: "Repeat the dose after 15 minutes.", Label: eval.Unsupported},
	}
	r := eval.EvaluateGrounding(pairs, eval.GroundingOptions{})
	for _, p := range r.Results {
		fmt.Printf("%s: supported=%v %v\n", p.ID, p.Supported, p.Sentences[0].Problems)
	}
	fmt.Printf("AUROC %.2f, F1 %.2f, %v\n", r.AUROC.Mean, r.F1.Mean, r.Confusion)
	// Output:
	// ok: supported=true []
	// dose: supported=false [NumberMismatch: "5 mg" is not in the cited passage]
	// timing: supported=false [NumberMismatch: "15 minutes" is not in the cited passage]
	// AUROC 1.00, F1 1.00, TP=1 FP=0 FN=0 TN=2 precision=1.000 recall=1.000 F1=1.000
}

func ExampleConfusion_Kappa() {
	// Checker against judge, sentence by sentence.
	c := eval.Confusion{TP: 40, FP: 2, FN: 3, TN: 5}
	fmt.Printf("agreement %.2f, kappa %.2f\n", c.Accuracy(), c.Kappa())
	// Always "supported" from both: agreement, but no information.
	fmt.Printf("kappa %.2f\n", eval.Confusion{TP: 10}.Kappa())
	// Output:
	// agreement 0.90, kappa 0.61
	// kappa 1.00
}

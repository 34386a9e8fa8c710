package quiz_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Writing items offline from the example guidance: every item cites the
// sentence that states its key.
func ExampleGenerator_Generate() {
	now := func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }
	docs, err := guidance.Load("../../examples/guidance")
	if err != nil {
		log.Fatal(err)
	}
	store, err := filestore.Open("", filestore.Options{Now: now})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{Embedder: &retrievaltest.Embedder{}, Now: now})
	ctx := context.Background()
	if _, err := lib.Ingest(ctx, "", docs); err != nil {
		log.Fatal(err)
	}

	g, err := quiz.New(lib, quiz.Options{Now: now})
	if err != nil {
		log.Fatal(err)
	}
	res, err := g.Generate(ctx, quiz.Request{
		DocumentIDs: []string{"anaphylaxis-adult"},
		Count:       1,
		Types:       []quiz.Type{quiz.Vignette},
	})
	if err != nil {
		log.Fatal(err)
	}
	it := res.Items[0]
	fmt.Println(it.Stem)
	for _, o := range it.Options {
		mark := " "
		if o.Correct {
			mark = "*"
		}
		fmt.Println(mark, o.Text)
	}
	fmt.Printf("%s, %s; cites %s: %q\n", it.Bloom, it.Difficulty, it.Citations[0].ChunkID, it.Citations[0].Quote)
	// Output:
	// An adult inpatient is being cared for under the anaphylaxis guidance. There is no improvement. Which is the most appropriate next step?
	// * Repeat the intramuscular adrenaline dose after 5 minutes
	//   Repeat the intramuscular adrenaline dose after 1 minute
	//   Repeat the intramuscular adrenaline dose after 2 minutes
	//   Start pharmacological prophylaxis within 14 hours of admission
	//   Move the patient using flat lifting equipment
	// apply, medium; cites anaphylaxis-adult@1.3/5.1: "Repeat the intramuscular adrenaline dose after 5 minutes if there is no improvement."
}

// Linting an item: each finding names its rule and the text that
// triggered it.
func ExampleValidate() {
	it := quiz.Item{
		Type:      quiz.SingleBestAnswer,
		Stem:      "Which of the following is not usually a sign of anaphylaxis?",
		Rationale: "Bradycardia is not typical; tachycardia is.",
		Options: []quiz.Option{
			{Text: "Wheeze", Explanation: "A breathing problem."},
			{Text: "Stridor", Explanation: "An airway problem."},
			{Text: "Bradycardia with hypertension and a normal skin", Correct: true, Explanation: "Not typical."},
			{Text: "Urticaria", Explanation: "A skin change."},
			{Text: "All of the above", Explanation: "Two answers cannot both be right."},
		},
	}
	rep := quiz.Validate([]quiz.Item{it})
	for _, f := range rep.Findings[0] {
		fmt.Printf("%s %s: %q\n", f.Severity, f.Rule, f.Text)
	}
	// Output:
	// warning no-citation: ""
	// warning longest-option-is-key: "Bradycardia with hypertension and a normal skin"
	// warning all-none-of-the-above: "All of the above"
	// warning negative-stem: "not"
	// warning vague-frequency: "usually"
}

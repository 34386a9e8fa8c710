package localembed_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bedside-ai/bedside/retrieval/localembed"
)

// Questions find passages that name their subject by a synonym, an
// abbreviation or a lay term, with no model weights and no network.
func Example() {
	ctx := context.Background()
	e, err := localembed.New(localembed.Options{})
	if err != nil {
		log.Fatal(err)
	}
	passages := []string{
		"Asthma: inhaled corticosteroids reduce exacerbations.",
		"Myocardial infarction: give aspirin and arrange urgent reperfusion.",
		"Hypoglycaemia: give 15 to 20 g of fast-acting glucose and recheck after 15 minutes.",
		"Acute kidney injury: stop nephrotoxic drugs and monitor urine output.",
		"Deep vein thrombosis: start anticoagulation while awaiting an ultrasound scan.",
	}
	vs, err := e.Embed(ctx, passages)
	if err != nil {
		log.Fatal(err)
	}
	for _, question := range []string{
		"heart attack",
		"low blood sugar",
		"What should I do about an AKI?",
		"blood clot in the leg",
		"wheezy child on a preventer inhaler",
	} {
		q, err := e.EmbedQuery(ctx, question)
		if err != nil {
			log.Fatal(err)
		}
		best, bestSim := 0, -1.0
		for i, v := range vs {
			if sim := dot(q, v); sim > bestSim {
				best, bestSim = i, sim
			}
		}
		fmt.Printf("%-37s → %.32s…\n", question, passages[best])
	}
	fmt.Println(e.Model())
	// Output:
	// heart attack                          → Myocardial infarction: give aspi…
	// low blood sugar                       → Hypoglycaemia: give 15 to 20 g o…
	// What should I do about an AKI?        → Acute kidney injury: stop nephro…
	// blood clot in the leg                 → Deep vein thrombosis: start anti…
	// wheezy child on a preventer inhaler   → Asthma: inhaled corticosteroids …
	// bedside-local-v1/384
}

// Vectors for comparing passages with each other, e.g. to find duplicate
// guidance, come from a symmetric embedder.
func ExampleOptions_symmetric() {
	e, err := localembed.New(localembed.Options{Symmetric: true})
	if err != nil {
		log.Fatal(err)
	}
	vs, err := e.Embed(context.Background(), []string{
		"Paediatric anaesthesia and haemorrhage",
		"Pediatric anesthesia and hemorrhage",
		"high blood pressure",
		"hypertension",
		"asthma",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("British vs American spelling: %.2f\n", dot(vs[0], vs[1]))
	fmt.Printf("lay term vs clinical term: %.2f\n", dot(vs[2], vs[3]))
	fmt.Printf("unrelated conditions: %.2f\n", dot(vs[2], vs[4]))
	fmt.Println(e.Model())
	// Output:
	// British vs American spelling: 1.00
	// lay term vs clinical term: 0.31
	// unrelated conditions: 0.10
	// bedside-local-v1/384/symmetric
}

package retrieval_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func Example() {
	ctx := context.Background()
	docs, err := guidance.Load("../examples/guidance")
	if err != nil {
		log.Fatal(err)
	}
	store, err := filestore.Open("", filestore.Options{}) // "" keeps it in memory
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{})

	st, err := lib.Ingest(ctx, "example-trust", docs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d documents, %d written\n", st.Documents, st.Written)

	// Ingesting again changes nothing and embeds nothing.
	st, _ = lib.Ingest(ctx, "example-trust", docs)
	fmt.Printf("again: %d unchanged, %d embedded\n", st.Unchanged, st.Embedded)

	hits, err := lib.Search(ctx, retrieval.Query{Tenant: "example-trust", Text: "antibiotics within 3 hours", K: 3})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Printf("%s v%s (%s)\n", h.Document.ID, h.Document.Version, h.Document.Status)
	}
	// Output:
	// 18 documents, 18 written
	// again: 18 unchanged, 0 embedded
	// sepsis-adult v3.0 (approved)
	// sepsis-adult v3.0 (approved)
	// sepsis-adult v3.0 (approved)
}

// An audit can ask what was in force on a past date.
func ExampleQuery_asOf() {
	ctx := context.Background()
	docs, _ := guidance.Load("../examples/guidance/sepsis-adult.md", "../examples/guidance/sepsis-adult-v2.md")
	store, _ := filestore.Open("", filestore.Options{})
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{})
	lib.Ingest(ctx, "", docs)

	for _, date := range []string{"2024-06-01", "2026-06-01"} {
		asOf, _ := time.Parse(time.DateOnly, date)
		hits, _ := lib.Search(ctx, retrieval.Query{Text: "sepsis antibiotics", K: 1, AsOf: asOf})
		fmt.Printf("%s: %s v%s\n", date, hits[0].Document.ID, hits[0].Document.Version)
	}
	// Output:
	// 2024-06-01: sepsis-adult v2.0
	// 2026-06-01: sepsis-adult v3.0
}

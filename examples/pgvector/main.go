// Command pgvector ingests the example guidance into PostgreSQL with
// pgvector and runs a hybrid search. The database needs the vector
// extension (CREATE EXTENSION vector); Bedside creates its own schema.
//
//	DATABASE_URL=postgres://user:pass@localhost:5432/db go run ./pgvector "sepsis antibiotics"
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

func main() {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		fmt.Fprintln(os.Stderr, "pgvector: set DATABASE_URL to a PostgreSQL database with pgvector")
		os.Exit(2)
	}
	query := strings.Join(os.Args[1:], " ")
	if query == "" {
		query = "when should antibiotics be given in sepsis"
	}
	if err := run(context.Background(), url, query); err != nil {
		fmt.Fprintln(os.Stderr, "pgvector:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url, query string) error {
	store, err := pgstore.New(ctx, url, pgstore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	docs, err := guidance.Load("guidance")
	if err != nil {
		return err
	}
	lib := retrieval.New(store, retrieval.Options{})
	st, err := lib.Ingest(ctx, "example", docs)
	if err != nil {
		return err
	}
	fmt.Printf("ingested %d documents (%d written, %d unchanged)\n", st.Documents, st.Written, st.Unchanged)
	hits, err := lib.Search(ctx, retrieval.Query{Tenant: "example", Text: query, K: 5})
	if err != nil {
		return err
	}
	for i, h := range hits {
		fmt.Printf("%d. %s v%s %v (%.4f)\n   %.160s\n", i+1, h.Document.ID, h.Document.Version, h.Chunk.Heading, h.Score, h.Chunk.Text)
	}
	return nil
}

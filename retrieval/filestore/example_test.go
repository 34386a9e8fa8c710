package filestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bedside-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "guidance.bedside")

	// Ingest one document and close the store, which writes the file.
	store, err := filestore.Open(path, filestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	emb := &retrievaltest.Embedder{} // a deterministic stand-in for a real model
	lib := retrieval.New(store, retrieval.Options{Embedder: emb})
	body := "Give antibiotics within one hour of recognising sepsis.\n\nMeasure lactate."
	doc := &guidance.Document{
		Metadata: guidance.Metadata{ID: "sepsis-adult", Title: "Sepsis in adults", Version: "3", Status: guidance.Approved},
		Body:     body,
		Sections: []guidance.Section{
			{Heading: []string{"Treatment"}, Text: body[:55], Offset: 0},
			{Heading: []string{"Monitoring"}, Text: body[57:], Offset: 57},
		},
	}
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{doc}); err != nil {
		log.Fatal(err)
	}
	if err := store.Close(); err != nil {
		log.Fatal(err)
	}

	// Reopen it and search.
	store, err = filestore.Open(path, filestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	lib = retrieval.New(store, retrieval.Options{Embedder: emb})
	hits, err := lib.Search(ctx, retrieval.Query{Text: "when are antibiotics due in sepsis?", K: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Printf("%s [%s]: %s\n", h.Document.Key(), h.Chunk.Context, h.Chunk.Text)
	}
	// Output:
	// sepsis-adult@3 [Sepsis in adults › Treatment]: Give antibiotics within one hour of recognising sepsis.
}

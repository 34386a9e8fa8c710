package quiz

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

// testNow is a moment when every approved example document is in force.
var testNow = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

var (
	exampleOnce sync.Once
	exampleDocs []*guidance.Document
	exampleErr  error
)

// loadExamples loads the example guidance once.
func loadExamples(tb testing.TB) []*guidance.Document {
	tb.Helper()
	exampleOnce.Do(func() {
		exampleDocs, exampleErr = guidance.Load("../../examples/guidance")
	})
	if exampleErr != nil {
		tb.Fatalf("loading example guidance: %v", exampleErr)
	}
	return exampleDocs
}

// exampleLibrary returns a library over an in-memory store holding the
// example guidance.
func exampleLibrary(tb testing.TB) (*retrieval.Library, retrieval.Store) {
	tb.Helper()
	docs := loadExamples(tb)
	store, err := filestore.Open("", filestore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		tb.Fatalf("filestore.Open: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	lib := retrieval.New(store, retrieval.Options{Embedder: &retrievaltest.Embedder{}, Now: func() time.Time { return testNow }})
	if _, err := lib.Ingest(context.Background(), "", docs); err != nil {
		tb.Fatalf("Ingest: %v", err)
	}
	return lib, store
}

// libraryOf returns a library over an in-memory store holding guidance
// written as Markdown files (one text each).
func libraryOf(tb testing.TB, files ...string) *retrieval.Library {
	tb.Helper()
	dir := tb.TempDir()
	for i, f := range files {
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".md"), []byte(f), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	docs, err := guidance.Load(dir)
	if err != nil {
		tb.Fatalf("guidance.Load: %v", err)
	}
	store, err := filestore.Open("", filestore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		tb.Fatalf("filestore.Open: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	lib := retrieval.New(store, retrieval.Options{Embedder: &retrievaltest.Embedder{}, Now: func() time.Time { return testNow }})
	if _, err := lib.Ingest(context.Background(), "", docs); err != nil {
		tb.Fatalf("Ingest: %v", err)
	}
	return lib
}

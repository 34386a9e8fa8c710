package pgstore_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/localembed"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

// exampleSchema is the schema the example uses; TestExample drops it.
const exampleSchema = "bedside_example"

// This example stores two versions of a guideline and searches it. It needs
// a database, so it has no checked output here: TestExample runs it against
// $BEDSIDE_TEST_DATABASE_URL and checks what it prints.
func Example() {
	ctx := context.Background()
	// A program would take the URL from its configuration.
	url := os.Getenv("BEDSIDE_TEST_DATABASE_URL") // e.g. postgres://user:pw@localhost:5432/db
	store, err := pgstore.New(ctx, url, pgstore.Options{Schema: exampleSchema})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	emb, err := localembed.New(localembed.Options{}) // runs locally, no network
	if err != nil {
		log.Fatal(err)
	}
	lib := retrieval.New(store, retrieval.Options{Embedder: emb})
	doc := func(version, text string) *guidance.Document {
		return &guidance.Document{
			Metadata: guidance.Metadata{ID: "sepsis-adult", Title: "Sepsis in adults", Version: version,
				Status: guidance.Approved, Publisher: "Bedside Example Trust"},
			Body:     text,
			Sections: []guidance.Section{{Heading: []string{"Treatment"}, Text: text}},
		}
	}
	// Publishing version 2 supersedes version 1 in the same transaction.
	for _, d := range []*guidance.Document{
		doc("1", "Give broad-spectrum antibiotics within three hours."),
		doc("2", "Give broad-spectrum antibiotics within one hour of recognition."),
	} {
		if _, err := lib.Ingest(ctx, "", []*guidance.Document{d}); err != nil {
			log.Fatal(err)
		}
	}
	hits, err := lib.Search(ctx, retrieval.Query{Text: "when should antibiotics be given in sepsis?", K: 3})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Printf("%s: %s\n", h.Document.Key(), h.Chunk.Text)
	}
	versions, err := store.Documents(ctx, "", "sepsis-adult")
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range versions {
		fmt.Printf("%s is %s\n", v.Key(), v.Status)
	}
}

// TestExample runs Example against the test database and checks its output.
func TestExample(t *testing.T) {
	url := testURL(t)
	drop := func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+exampleSchema+" CASCADE"); err != nil {
			t.Fatal(err)
		}
	}
	drop()
	t.Cleanup(drop)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	func() {
		defer func() { os.Stdout = stdout }()
		Example()
	}()
	w.Close()
	got := <-done
	const want = "sepsis-adult@2: Give broad-spectrum antibiotics within one hour of recognition.\n" +
		"sepsis-adult@1 is superseded\n" +
		"sepsis-adult@2 is approved\n"
	if got != want {
		t.Errorf("Example() printed:\n%s\nwant:\n%s", got, want)
	}
}

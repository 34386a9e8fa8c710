package quiz_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
	"github.com/bedside-ai/bedside/tutor/quiz"
	"github.com/bedside-ai/bedside/tutor/quiz/format"
)

// TestGenerateExport checks that 50 items written offline from the example
// guidance export to every format, and come back from every format that
// is read (Aiken carries only the single-answer items).
func TestGenerateExport(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }
	docs, err := guidance.Load("../../examples/guidance")
	if err != nil {
		t.Fatal(err)
	}
	store, err := filestore.Open("", filestore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{Embedder: &retrievaltest.Embedder{}, Now: now})
	ctx := context.Background()
	if _, err := lib.Ingest(ctx, "", docs); err != nil {
		t.Fatal(err)
	}
	g, err := quiz.New(lib, quiz.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Generate(ctx, quiz.Request{Count: 50})
	if err != nil {
		t.Fatal(err)
	}
	bank := quiz.Bank{Name: "Example guidance", Items: res.Items}
	for _, f := range format.Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			out, err := format.EncodeWith(&buf, f, bank, format.EncodeOptions{SkipUnsupported: f == format.Aiken})
			if err != nil {
				t.Fatalf("EncodeWith(%s): %v", f, err)
			}
			if out.Items+len(out.Skipped) != len(bank.Items) || f != format.Aiken && len(out.Skipped) > 0 {
				t.Errorf("%s: wrote %d, skipped %d of %d", f, out.Items, len(out.Skipped), len(bank.Items))
			}
			if !f.CanDecode() {
				return
			}
			back, err := format.Decode(&buf, f)
			if err != nil {
				t.Fatalf("Decode(%s): %v", f, err)
			}
			if len(back.Items) != out.Items {
				t.Errorf("%s: read back %d items; want %d", f, len(back.Items), out.Items)
			}
			// What comes back is linted the same: nothing becomes an error.
			rep := quiz.Validate(back.Items)
			for i := range back.Items {
				if !rep.Passed(i) {
					t.Errorf("%s: item %d read back has errors: %v", f, i, rep.Findings[i])
				}
			}
		})
	}
}

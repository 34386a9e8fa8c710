package quiz

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

const alphaV1 = `---
id: alpha
title: Alpha poisoning in adults
version: "1"
status: approved
approved_at: 2025-01-01
review_due: 2028-01-01
specialties: [toxicology]
---
# Alpha poisoning in adults

## Treatment

Give 2 g of alphamycin intravenously over 30 minutes.
Repeat the alphamycin dose after 6 hours if symptoms persist.
Severe alpha poisoning is a serum alpha level of 50 mg/L or more.

## Monitoring

Check the serum alpha level within 4 hours of the first dose.
Record the pulse rate every hour for 12 hours.
`

const betaDoc = `---
id: beta
title: Beta toxicity in adults
version: "1"
status: approved
approved_at: 2025-01-01
review_due: 2028-01-01
specialties: [toxicology]
---
# Beta toxicity in adults

## Treatment

Give 40 mg of betaxolone orally once the patient can swallow.
Moderate beta toxicity is a serum beta level of 20 mg/L or more.
`

const gammaDoc = `---
id: gamma
title: Gamma exposure in adults
version: "1"
status: approved
approved_at: 2024-01-01
review_due: 2025-06-01
specialties: [toxicology]
---
# Gamma exposure in adults

## Treatment

Give 10 mg of gammazepam intravenously over 5 minutes.
Severe gamma exposure is a serum gamma level of 8 mmol/L or more.
`

// loadText parses one guidance file.
func loadText(tb testing.TB, text string) *guidance.Document {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "doc.md")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	docs, err := guidance.LoadFile(path)
	if err != nil || len(docs) != 1 {
		tb.Fatalf("LoadFile: %v", err)
	}
	return docs[0]
}

func itemQuoting(tb testing.TB, items []Item, quote string) Item {
	tb.Helper()
	for _, it := range items {
		if strings.Contains(it.Citations[0].Quote, quote) {
			return it
		}
	}
	tb.Fatalf("no item quotes %q", quote)
	return Item{}
}

func rulesOf(fs []Finding) map[string]Severity {
	out := make(map[string]Severity)
	for _, f := range fs {
		out[f.Rule] = f.Severity
	}
	return out
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	lib := libraryOf(t, alphaV1, betaDoc, gammaDoc)
	store := lib.Store()
	g := newGenerator(t, lib, Options{})
	res, err := g.Generate(ctx, Request{Count: 12, Types: []Type{SingleBestAnswer, TrueFalse, ShortAnswer}})
	if err != nil {
		t.Fatal(err)
	}
	changed := itemQuoting(t, res.Items, "Give 2 g of alphamycin")
	kept := itemQuoting(t, res.Items, "Check the serum alpha level within 4 hours")
	beta := itemQuoting(t, res.Items, "betaxolone")
	gamma := itemQuoting(t, res.Items, "gammazepam")
	stranger := kept
	stranger.Citations = []Citation{kept.Citations[0]}
	stranger.Citations[0].DocumentID, stranger.Citations[0].Version = "delta", "9"
	items := []Item{changed, kept, beta, gamma, stranger}

	// Nothing has changed yet: only the review date of gamma is flagged.
	checks, err := Check(ctx, store, lib, items, CheckOptions{AsOf: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []map[string]Severity{{}, {}, {}, {RuleSourceReviewOverdue: Warning}, {RuleSourceMissing: Error}} {
		if got := rulesOf(checks[i].Findings); len(got) != len(want) || !mapsEqual(got, want) {
			t.Errorf("before changes, item %d: findings %v; want %v", i, checks[i].Findings, want)
		}
	}

	// Version 2 of alpha changes the dose; beta is withdrawn.
	v2 := loadText(t, strings.NewReplacer(`version: "1"`, `version: "2"`, "approved_at: 2025-01-01", "approved_at: 2025-12-01",
		"Give 2 g of alphamycin", "Give 1 g of alphamycin").Replace(alphaV1))
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{v2}); err != nil {
		t.Fatal(err)
	}
	if err := store.SetStatus(ctx, "", retrieval.StatusChange{ID: "beta", Status: guidance.Withdrawn, At: testNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	checks, err = Check(ctx, store, lib, items, CheckOptions{AsOf: testNow})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]Severity{
		{RuleSourceSuperseded: Error, RuleQuoteMissing: Error},
		{RuleSourceSuperseded: Warning},
		{RuleSourceWithdrawn: Error},
		{RuleSourceReviewOverdue: Warning},
		{RuleSourceMissing: Error},
	}
	for i, w := range want {
		if got := rulesOf(checks[i].Findings); !mapsEqual(got, w) {
			t.Errorf("item %d (%q): findings %v; want %v", i, items[i].Citations[0].Quote, checks[i].Findings, w)
		}
		if checks[i].Stale != (i == 0 || i == 2 || i == 4) {
			t.Errorf("item %d: Stale = %t", i, checks[i].Stale)
		}
		if checks[i].Index != i || checks[i].ID != items[i].ID {
			t.Errorf("item %d: check %+v names the wrong item", i, checks[i])
		}
	}
	// The unchanged quote moved to version 2.
	if c := checks[1].Citations; len(c) != 1 || c[0].Version != "2" || c[0].Quote != kept.Citations[0].Quote || !strings.Contains(c[0].ChunkID, "alpha@2/") {
		t.Errorf("item 1 citations = %+v; want the quote in alpha@2", c)
	} else if v2.Body[c[0].Start:c[0].End] != c[0].Quote {
		t.Errorf("moved citation offsets [%d, %d) do not quote %q", c[0].Start, c[0].End, c[0].Quote)
	}
	if checks[0].Citations != nil {
		t.Errorf("item 0 citations updated to %+v; the quote is gone", checks[0].Citations)
	}

	// ApplyChecks records the findings and moves the citation.
	applied := append([]Item(nil), items...)
	ApplyChecks(applied, checks)
	if applied[1].Citations[0].Version != "2" || len(applied[0].Findings) < 2 {
		t.Errorf("ApplyChecks: %+v", applied[:2])
	}
	ApplyChecks(applied, checks) // idempotent: findings are replaced, not repeated
	if n := len(rulesOf(applied[0].Findings)); n != len(applied[0].Findings)-countLint(applied[0].Findings) {
		t.Errorf("ApplyChecks twice repeated findings: %v", applied[0].Findings)
	}

	// Regenerate the stale items: a new item from alpha@2; none for the
	// withdrawn beta or the unknown delta.
	reps, err := g.Regenerate(ctx, items, checks)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 3 {
		t.Fatalf("Regenerate returned %d replacements; want 3", len(reps))
	}
	if r := reps[0]; r.Index != 0 || r.Item == nil || r.Item.Citations[0].Version != "2" || r.Item.Type != changed.Type {
		t.Errorf("replacement for item 0 = %+v; want a %s item citing alpha@2", r, changed.Type)
	}
	for _, r := range reps[1:] {
		if r.Item != nil || !strings.Contains(r.Reason, "no guidance in force") {
			t.Errorf("replacement for item %d = %+v; want none, with the reason", r.Index, r)
		}
	}

	// The same version re-stored with changed text: the quote is checked by
	// hash, then found again or reported missing.
	v2b := loadText(t, strings.Replace(strings.NewReplacer(`version: "1"`, `version: "2"`, "approved_at: 2025-01-01", "approved_at: 2025-12-01",
		"Give 2 g of alphamycin", "Give 1 g of alphamycin").Replace(alphaV1), "Record the pulse rate every hour for 12 hours.", "Record the pulse rate every 2 hours for 12 hours.", 1))
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{v2b}); err != nil {
		t.Fatal(err)
	}
	fresh, err := g.Generate(ctx, Request{DocumentIDs: []string{"alpha"}, Count: 8, Types: []Type{TrueFalse}})
	if err != nil {
		t.Fatal(err)
	}
	pulse := itemQuoting(t, fresh.Items, "pulse rate")
	level := itemQuoting(t, fresh.Items, "within 4 hours")
	edited := strings.NewReplacer(`version: "1"`, `version: "2"`, "approved_at: 2025-01-01", "approved_at: 2025-12-01",
		"Give 2 g of alphamycin", "Give 1 g of alphamycin",
		"Record the pulse rate every hour for 12 hours.", "Record the heart rate hourly.",
		"## Monitoring\n", "## Monitoring\n\nMonitor the patient closely.\n").Replace(alphaV1)
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{loadText(t, edited)}); err != nil {
		t.Fatal(err)
	}
	checks, err = Check(ctx, store, lib, []Item{pulse, level}, CheckOptions{AsOf: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := rulesOf(checks[0].Findings); !mapsEqual(got, map[string]Severity{RuleQuoteMissing: Error}) {
		t.Errorf("edited sentence: findings %v; want quote-missing", checks[0].Findings)
	}
	if got := rulesOf(checks[1].Findings); !mapsEqual(got, map[string]Severity{RuleQuoteMoved: Info}) || checks[1].Citations == nil {
		t.Errorf("moved sentence: findings %v, citations %v; want quote-moved with the citation updated", checks[1].Findings, checks[1].Citations)
	}

	if _, err := Check(ctx, nil, lib, items, CheckOptions{}); err == nil {
		t.Error("Check without a document lister succeeded")
	}
}

func countLint(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if !isSourceRule(f.Rule) {
			n++
		}
	}
	return n
}

func mapsEqual(a, b map[string]Severity) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

package quiz

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

func newGenerator(tb testing.TB, r Retriever, opts Options) *Generator {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.AsOf.IsZero() {
		opts.AsOf = testNow
	}
	g, err := New(r, opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return g
}

// documentBodies maps "id@version" to the document's body.
func documentBodies(tb testing.TB) map[string]*guidance.Document {
	tb.Helper()
	out := make(map[string]*guidance.Document)
	for _, d := range loadExamples(tb) {
		out[d.Key()] = d
	}
	return out
}

// checkCitations verifies that every item cites an exact span of an
// approved document in force, from the chunk it names, and that the
// grounding checker finds the key in it.
func checkCitations(t *testing.T, lib *retrieval.Library, items []Item) {
	t.Helper()
	docs := documentBodies(t)
	chunks := make(map[string]retrieval.Chunk)
	hits, err := lib.Search(context.Background(), retrieval.Query{Text: "guidance", Mode: retrieval.Vector, K: retrieval.MaxK, AsOf: testNow})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	for _, h := range hits {
		chunks[h.Chunk.ID] = h.Chunk
	}
	c := itemChecker(grounding.Checker{})
	for i, it := range items {
		if len(it.Citations) == 0 {
			t.Errorf("item %d (%s) cites nothing", i, it.ID)
			continue
		}
		ct := it.Citations[0]
		d := docs[ct.DocumentID+"@"+ct.Version]
		if d == nil {
			t.Errorf("item %d cites %s@%s, not an example document", i, ct.DocumentID, ct.Version)
			continue
		}
		if !d.InForce(testNow) {
			t.Errorf("item %d cites %s, which is %s", i, d.Key(), d.Status)
		}
		if ct.Start < 0 || ct.End > len(d.Body) || d.Body[ct.Start:ct.End] != ct.Quote {
			t.Errorf("item %d: quote %q is not Body[%d:%d] of %s", i, ct.Quote, ct.Start, ct.End, d.Key())
		}
		ch, ok := chunks[ct.ChunkID]
		switch {
		case !ok:
			t.Errorf("item %d cites chunk %s, which search does not return", i, ct.ChunkID)
		case ch.Hash != ct.ChunkHash:
			t.Errorf("item %d: chunk hash %s; want %s", i, ct.ChunkHash, ch.Hash)
		case ct.Start < ch.Start || ct.End > ch.End:
			t.Errorf("item %d: quote [%d, %d) is outside chunk [%d, %d)", i, ct.Start, ct.End, ch.Start, ch.End)
		}
		for _, f := range groundingFindings(c, &it) {
			if f.Severity == Error {
				t.Errorf("item %d (%s %q): %v", i, it.Type, it.Stem, f)
			}
		}
		if !keyInQuote(&it) {
			t.Errorf("item %d (%s): the key of %q is not in its quote %q", i, it.Type, it.Stem, ct.Quote)
		}
	}
}

// keyInQuote reports whether the quote contains the key: its numbers and
// most of its words (for a true/false item, the statement's when true).
func keyInQuote(it *Item) bool {
	quote := it.Citations[0].Quote
	var keys []string
	switch it.Type {
	case ShortAnswer:
		keys = it.Answers[:1]
	case TrueFalse:
		if !statementTrue(it) {
			return true // a false statement's key is "False"; grounding checks the rest
		}
		keys = []string{strings.TrimPrefix(it.Stem[strings.Index(it.Stem, ", ")+2:], "you should ")}
	default:
		for _, k := range it.Key() {
			keys = append(keys, it.Options[k].Text)
		}
	}
	qt := contentTerms(quote)
	qn := numberTokens(quote)
	nums := make(map[string]bool)
	for _, n := range qn {
		nums[quote[n.a:n.b]] = true
	}
	for _, k := range keys {
		for _, n := range numberTokens(k) {
			if !nums[k[n.a:n.b]] {
				return false
			}
		}
		kt := contentTerms(k)
		in := 0
		for t := range kt {
			if _, ok := qt[t]; ok {
				in++
			}
		}
		if len(kt) > 0 && float64(in) < 0.6*float64(len(kt)) {
			return false
		}
	}
	return true
}

func TestGenerateOffline50(t *testing.T) {
	lib, _ := exampleLibrary(t)
	g := newGenerator(t, lib, Options{})
	res, err := g.Generate(context.Background(), Request{Count: 50})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if len(res.Items)+len(res.Rejected) < 50 {
		t.Errorf("Generate made %d items and rejected %d; want 50 in all (notes: %q)", len(res.Items), len(res.Rejected), res.Notes)
	}
	if len(res.Items) < 48 {
		t.Errorf("Generate made %d valid items; want at least 48", len(res.Items))
	}
	for _, r := range res.Rejected {
		if r.Reason == "" || len(r.Findings) == 0 {
			t.Errorf("rejection without reason or findings: %+v", r)
		}
	}
	checkCitations(t, lib, res.Items)

	// Each item passes the lint or carries its findings, none an error.
	rep := Validate(res.Items)
	clean := 0
	for i, it := range res.Items {
		if hasError(it.Findings) {
			t.Errorf("item %d carries an error: %v", i, it.Findings)
		}
		if !slices.Equal(it.Findings, rep.Findings[i]) {
			t.Errorf("item %d carries findings %v; Validate finds %v", i, it.Findings, rep.Findings[i])
		}
		if len(it.Findings) == 0 {
			clean++
		}
		if it.ID != ContentID(&it) {
			t.Errorf("item %d: ID %s; want ContentID %s", i, it.ID, ContentID(&it))
		}
		if it.Generator != "rule-based" || !it.Created.Equal(testNow) || it.Difficulty == "" || it.Bloom == "" || it.Rationale == "" {
			t.Errorf("item %d lacks provenance or labels: %+v", i, it)
		}
		for _, o := range it.Options {
			if o.Explanation == "" {
				t.Errorf("item %d: option %q has no explanation", i, o.Text)
			}
		}
	}
	t.Logf("50 offline items: %d made, %d rejected, %d with no finding; findings %v; %s",
		len(res.Items), len(res.Rejected), clean, rep.Count(), rep.Keys)

	// Every type of the default mix is present, and Apply-level items too.
	types := make(map[Type]int)
	blooms := make(map[Bloom]int)
	for _, it := range res.Items {
		types[it.Type]++
		blooms[it.Bloom]++
	}
	for _, ty := range DefaultTypes {
		if types[ty] < 5 {
			t.Errorf("%d %s items; want about 10", types[ty], ty)
		}
	}
	t.Logf("types %v; Bloom levels %v", types, blooms)
	if blooms[Apply] < 5 {
		t.Errorf("%d items at Bloom level apply; want at least 5 (%v)", blooms[Apply], blooms)
	}
	if !rep.Keys.Even {
		t.Errorf("key positions are not even: %v", rep.Keys)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	lib, _ := exampleLibrary(t)
	g := newGenerator(t, lib, Options{})
	a, err := g.Generate(context.Background(), Request{Count: 20})
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Generate(context.Background(), Request{Count: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Items) != len(b.Items) {
		t.Fatalf("two runs made %d and %d items", len(a.Items), len(b.Items))
	}
	for i := range a.Items {
		if a.Items[i].ID != b.Items[i].ID || a.Items[i].Stem != b.Items[i].Stem {
			t.Errorf("item %d differs between runs: %q and %q", i, a.Items[i].Stem, b.Items[i].Stem)
		}
	}
}

func TestGenerateDocuments(t *testing.T) {
	lib, _ := exampleLibrary(t)
	g := newGenerator(t, lib, Options{})
	for _, tc := range []struct {
		name  string
		req   Request
		allow []string
	}{
		{"one document", Request{DocumentIDs: []string{"hyperkalaemia-adult"}, Count: 8}, []string{"hyperkalaemia-adult"}},
		{"two documents", Request{DocumentIDs: []string{"anaphylaxis-adult", "dka-adult"}, Count: 10}, []string{"anaphylaxis-adult", "dka-adult"}},
		{"superseded and current", Request{DocumentIDs: []string{"sepsis-adult"}, Count: 6}, []string{"sepsis-adult"}},
		{"topic", Request{Topic: "naloxone dose for opioid toxicity", Count: 5, K: 8}, nil},
		{"topic within a document", Request{Topic: "potassium", DocumentIDs: []string{"dka-adult"}, Count: 4}, []string{"dka-adult"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Generate(context.Background(), tc.req)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if len(res.Items) == 0 {
				t.Fatalf("Generate made no items (notes %q)", res.Notes)
			}
			checkCitations(t, lib, res.Items)
			for _, it := range res.Items {
				c := it.Citations[0]
				if tc.allow != nil && !slices.Contains(tc.allow, c.DocumentID) {
					t.Errorf("item cites %s; want one of %v", c.DocumentID, tc.allow)
				}
				if c.DocumentID == "sepsis-adult" && c.Version != "3.0" {
					t.Errorf("item cites the superseded sepsis-adult@%s", c.Version)
				}
				for _, bad := range []string{"acs-routine-oxygen", "delirium-4at"} {
					if c.DocumentID == bad {
						t.Errorf("item cites %s, which is not in force", bad)
					}
				}
			}
		})
	}
}

func TestGenerateTypes(t *testing.T) {
	lib, _ := exampleLibrary(t)
	g := newGenerator(t, lib, Options{})
	for _, ty := range Types {
		t.Run(string(ty), func(t *testing.T) {
			res, err := g.Generate(context.Background(), Request{Count: 6, Types: []Type{ty}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != 6 {
				t.Errorf("made %d items; want 6 (notes %q)", len(res.Items), res.Notes)
			}
			for _, it := range res.Items {
				if it.Type != ty {
					t.Errorf("item type %s; want %s", it.Type, ty)
				}
			}
		})
	}
}

func TestGenerateRequestErrors(t *testing.T) {
	lib, _ := exampleLibrary(t)
	g := newGenerator(t, lib, Options{})
	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"negative count", Request{Count: -1}, "count"},
		{"too many", Request{Count: MaxCount + 1}, "count"},
		{"unknown type", Request{Types: []Type{"essay"}}, "essay"},
		{"unknown difficulty", Request{Difficulty: "brutal"}, "brutal"},
		{"unknown bloom", Request{Bloom: []Bloom{"memorise"}}, "memorise"},
		{"bad K", Request{Topic: "x", K: retrieval.MaxK + 1}, "K"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.Generate(context.Background(), tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Generate(%+v) = %v; want an error mentioning %q", tc.req, err, tc.want)
			}
		})
	}
	_, err := g.Generate(context.Background(), Request{DocumentIDs: []string{"no-such-document"}})
	if !errors.Is(err, ErrNoPassages) {
		t.Errorf("Generate(unknown document) = %v; want ErrNoPassages", err)
	}
	_, err = g.Generate(context.Background(), Request{DocumentIDs: []string{"acs-routine-oxygen"}})
	if !errors.Is(err, ErrNoPassages) {
		t.Errorf("Generate(withdrawn document) = %v; want ErrNoPassages", err)
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil retriever) succeeded")
	}
	if _, err := New(lib, Options{Linter: Linter{Disable: []string{"no-such-rule"}}}); err == nil {
		t.Error("New with an unknown lint rule succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Generate(ctx, Request{Count: 5}); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate(cancelled ctx) = %v; want context.Canceled", err)
	}
}

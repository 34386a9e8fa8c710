package retrievaltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// StoreOptions are what the suite asks of a new store.
type StoreOptions struct {
	// Now is the clock the store must use for every time it records or
	// compares ("now" in supersession, default AsOf, status changes).
	Now func() time.Time
}

// NewStore makes a fresh, empty store for one subtest. It should register
// any cleanup with t.Cleanup; the suite closes the store itself too, and a
// second Close must not fail the test.
type NewStore func(t *testing.T, opts StoreOptions) retrieval.Store

// Run runs the conformance suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"ApprovedOnly", testApprovedOnly},
		{"Supersede", testSupersede},
		{"SupersedeFutureEffective", testSupersedeFutureEffective},
		{"ConcurrentReaderNeverSeesMix", testConcurrentNoMix},
		{"SetStatus", testSetStatus},
		{"ReviewOverdue", testReviewOverdue},
		{"TenantIsolation", testTenantIsolation},
		{"FiltersAreLiterals", testFiltersAreLiterals},
		{"FilterSemantics", testFilterSemantics},
		{"ReingestChangesNothing", testReingest},
		{"EmbeddingCacheReuse", testEmbeddingCacheReuse},
		{"CancelledPutChangesNothing", testCancelledPut},
		{"InterruptedIngestIsConsistent", testInterruptedIngest},
		{"SelectiveFilterReturnsK", testSelectiveFilter},
		{"Shortfall", testShortfall},
		{"HitFieldsRoundTrip", testHitRoundTrip},
		{"Ranking", testRanking},
		{"Dimensions", testDimensions},
		{"Delete", testDelete},
		{"DocumentsListing", testDocuments},
		{"QueryValidation", testQueryValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &Clock{}
			s := newStore(t, StoreOptions{Now: clock.Now})
			t.Cleanup(func() { s.Close() })
			emb := &Embedder{}
			e := &env{
				t:     t,
				ctx:   context.Background(),
				store: s,
				clock: clock,
				emb:   emb,
				lib:   retrieval.New(s, retrieval.Options{Embedder: emb, Now: clock.Now}),
			}
			tt.fn(t, e)
		})
	}
}

type env struct {
	t     *testing.T
	ctx   context.Context
	store retrieval.Store
	clock *Clock
	emb   *Embedder
	lib   *retrieval.Library
}

// doc builds a document with one section per paragraph.
func doc(id, version string, st guidance.Status, paragraphs ...string) *guidance.Document {
	d := &guidance.Document{Metadata: guidance.Metadata{
		ID: id, Title: "Guidance " + id, Version: version, Status: st,
		Publisher: "Test Trust", Jurisdiction: "England",
	}}
	var b strings.Builder
	for i, p := range paragraphs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		d.Sections = append(d.Sections, guidance.Section{
			Heading: []string{fmt.Sprintf("Part %d", i+1)},
			Text:    p,
			Offset:  b.Len(),
		})
		b.WriteString(p)
	}
	d.Body = b.String()
	return d
}

func (e *env) ingest(tenant string, docs ...*guidance.Document) retrieval.IngestStats {
	e.t.Helper()
	st, err := e.lib.Ingest(e.ctx, tenant, docs)
	if err != nil {
		e.t.Fatalf("Ingest(%s) = %v", tenant, err)
	}
	return st
}

func (e *env) search(q retrieval.Query) []retrieval.Hit {
	e.t.Helper()
	hits, err := e.lib.Search(e.ctx, q)
	if err != nil {
		e.t.Fatalf("Search(%q, %v) = %v", q.Text, q.Mode, err)
	}
	return hits
}

var modes = []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical}

// keys returns the distinct "id@version" of hits, sorted.
func keys(hits []retrieval.Hit) []string {
	var out []string
	for _, h := range hits {
		k := h.Document.Key()
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// searchAll runs the query in every mode and checks the set of versions hit.
func (e *env) expectKeys(q retrieval.Query, want ...string) {
	e.t.Helper()
	sort.Strings(want)
	for _, m := range modes {
		q.Mode = m
		if q.K == 0 {
			q.K = 50
		}
		got := keys(e.search(q))
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			e.t.Errorf("Search(%q, mode %v, tenant %q, asOf %v) versions = %v; want %v",
				q.Text, m, q.Tenant, q.AsOf.Format(time.RFC3339), got, want)
		}
	}
}

func testApprovedOnly(t *testing.T, e *env) {
	base := e.clock.Now()
	past := base.Add(-time.Hour)
	approved := doc("appr", "1", guidance.Approved, "Sepsis antibiotics within one hour.")
	draft := doc("draft", "1", guidance.Draft, "Sepsis antibiotics draft wording.")
	superseded := doc("super", "1", guidance.Superseded, "Sepsis antibiotics old wording.")
	superseded.SupersededAt = past
	withdrawn := doc("withd", "1", guidance.Withdrawn, "Sepsis antibiotics withdrawn wording.")
	withdrawn.WithdrawnAt = past
	future := doc("future", "1", guidance.Approved, "Sepsis antibiotics future wording.")
	future.EffectiveFrom = base.Add(24 * time.Hour)
	notYet := doc("notyet", "1", guidance.Approved, "Sepsis antibiotics approved later.")
	notYet.ApprovedAt = base.Add(time.Hour)
	e.ingest("", approved, draft, superseded, withdrawn, future, notYet)

	e.expectKeys(retrieval.Query{Text: "sepsis antibiotics"}, "appr@1")
	e.expectKeys(retrieval.Query{Text: "sepsis antibiotics", AsOf: base.Add(48 * time.Hour)},
		"appr@1", "future@1", "notyet@1")
	e.expectKeys(retrieval.Query{Text: "sepsis antibiotics", AsOf: past.Add(-time.Hour)},
		"appr@1", "super@1", "withd@1")
	// The statuses are listed as given.
	docs, err := e.store.Documents(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 6 {
		t.Errorf("Documents() returned %d versions; want 6", len(docs))
	}
}

func testSupersede(t *testing.T, e *env) {
	base := e.clock.Now()
	v1 := doc("fluids", "1", guidance.Approved, "Give fluids 30 mL/kg bolus oldmarker.")
	e.ingest("", v1)
	e.expectKeys(retrieval.Query{Text: "fluids bolus"}, "fluids@1")

	e.clock.Set(base.Add(time.Hour))
	v2 := doc("fluids", "2", guidance.Approved, "Give fluids 500 mL bolus newmarker.")
	e.ingest("", v2)
	e.expectKeys(retrieval.Query{Text: "fluids bolus oldmarker"}, "fluids@2")
	e.expectKeys(retrieval.Query{Text: "fluids bolus", AsOf: base.Add(30 * time.Minute)}, "fluids@1")

	docs, err := e.store.Documents(e.ctx, "", "fluids")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("Documents(fluids) = %d versions; want 2", len(docs))
	}
	for _, d := range docs {
		switch d.Version {
		case "1":
			if d.Status != guidance.Superseded || !d.SupersededAt.Equal(base.Add(time.Hour)) {
				t.Errorf("v1 status %s superseded at %v; want superseded at %v", d.Status, d.SupersededAt, base.Add(time.Hour))
			}
		case "2":
			if d.Status != guidance.Approved || !d.SupersededAt.IsZero() {
				t.Errorf("v2 status %s superseded at %v; want approved, not superseded", d.Status, d.SupersededAt)
			}
		}
	}
	// Re-ingesting the old file (unchanged) does not bring it back.
	e.clock.Set(base.Add(2 * time.Hour))
	st := e.ingest("", doc("fluids", "1", guidance.Approved, "Give fluids 30 mL/kg bolus oldmarker."))
	if st.Unchanged != 1 {
		t.Errorf("re-ingest of superseded v1: Unchanged = %d; want 1", st.Unchanged)
	}
	e.expectKeys(retrieval.Query{Text: "fluids bolus oldmarker"}, "fluids@2")
}

func testSupersedeFutureEffective(t *testing.T, e *env) {
	base := e.clock.Now()
	e.ingest("", doc("asthma", "1", guidance.Approved, "Salbutamol 5 mg nebulised."))
	v2 := doc("asthma", "2", guidance.Approved, "Salbutamol 2.5 mg nebulised.")
	v2.EffectiveFrom = base.Add(5 * time.Hour)
	e.clock.Set(base.Add(time.Hour))
	e.ingest("", v2)
	// v1 stays in force until v2 takes effect: no gap in guidance.
	e.expectKeys(retrieval.Query{Text: "salbutamol nebulised"}, "asthma@1")
	e.expectKeys(retrieval.Query{Text: "salbutamol nebulised", AsOf: base.Add(6 * time.Hour)}, "asthma@2")
	docs, err := e.store.Documents(e.ctx, "", "asthma")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Version == "1" && !d.SupersededAt.Equal(base.Add(5*time.Hour)) {
			t.Errorf("v1 SupersededAt = %v; want %v (v2's EffectiveFrom)", d.SupersededAt, base.Add(5*time.Hour))
		}
	}
}

func testConcurrentNoMix(t *testing.T, e *env) {
	const sections = 5
	version := func(n int) *guidance.Document {
		var ps []string
		for i := range sections {
			ps = append(ps, fmt.Sprintf("Escalation marker paragraph %d of revision v%d.", i, n))
		}
		return doc("escalation", fmt.Sprint(n), guidance.Approved, ps...)
	}
	e.ingest("", version(1))

	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	errc := make(chan error, 8)
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				q := retrieval.Query{Text: "escalation marker paragraph", K: 20, Mode: modes[r%len(modes)]}
				hits, err := e.lib.Search(e.ctx, q)
				if err != nil {
					errc <- err
					return
				}
				reads.Add(1)
				if ks := keys(hits); len(ks) != 1 || len(hits) != sections {
					errc <- fmt.Errorf("concurrent %v search saw versions %v in %d hits; want one version, %d hits", q.Mode, ks, len(hits), sections)
					return
				}
			}
		}()
	}
	for n := 2; n <= 12; n++ {
		e.clock.Advance(time.Minute)
		if _, err := e.lib.Ingest(e.ctx, "", []*guidance.Document{version(n)}); err != nil {
			stop.Store(true)
			wg.Wait()
			t.Fatal(err)
		}
	}
	// Let readers observe the final state too.
	for i := 0; reads.Load() < 50 && i < 5000; i++ {
		time.Sleep(time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	e.expectKeys(retrieval.Query{Text: "escalation marker"}, "escalation@12")
}

func testSetStatus(t *testing.T, e *env) {
	base := e.clock.Now()
	e.ingest("", doc("aki", "1", guidance.Approved, "Stop nephrotoxic medicines in acute kidney injury."))
	e.ingest("", doc("aki", "2", guidance.Draft, "Review nephrotoxic medicines in acute kidney injury."))
	e.expectKeys(retrieval.Query{Text: "nephrotoxic medicines"}, "aki@1")

	// Approving the draft supersedes v1.
	e.clock.Set(base.Add(time.Hour))
	if err := e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "aki", Version: "2", Status: guidance.Approved, By: "Renal Group"}); err != nil {
		t.Fatalf("approve aki@2: %v", err)
	}
	e.expectKeys(retrieval.Query{Text: "nephrotoxic medicines"}, "aki@2")
	docs, _ := e.store.Documents(e.ctx, "", "aki")
	for _, d := range docs {
		if d.Version == "2" && (d.ApprovedBy != "Renal Group" || !d.ApprovedAt.Equal(base.Add(time.Hour))) {
			t.Errorf("aki@2 approved by %q at %v; want Renal Group at %v", d.ApprovedBy, d.ApprovedAt, base.Add(time.Hour))
		}
		if d.Version == "1" && d.Status != guidance.Superseded {
			t.Errorf("aki@1 status = %s; want superseded", d.Status)
		}
	}

	// Reinstating v1 supersedes v2.
	e.clock.Set(base.Add(2 * time.Hour))
	if err := e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "aki", Version: "1", Status: guidance.Approved}); err != nil {
		t.Fatalf("reinstate aki@1: %v", err)
	}
	e.expectKeys(retrieval.Query{Text: "nephrotoxic medicines"}, "aki@1")

	// Withdrawing every version removes the document from search.
	e.clock.Set(base.Add(3 * time.Hour))
	if err := e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "aki", Status: guidance.Withdrawn}); err != nil {
		t.Fatalf("withdraw aki: %v", err)
	}
	e.expectKeys(retrieval.Query{Text: "nephrotoxic medicines"})
	e.expectKeys(retrieval.Query{Text: "nephrotoxic medicines", AsOf: base.Add(150 * time.Minute)}, "aki@1")

	// Withdrawal is final.
	err := e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "aki", Version: "1", Status: guidance.Approved})
	var te *retrieval.TransitionError
	if !errors.As(err, &te) {
		t.Errorf("approving a withdrawn version: err = %v; want *TransitionError", err)
	}
	err = e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "missing", Version: "1", Status: guidance.Approved})
	if !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("approving a missing document: err = %v; want ErrNotFound", err)
	}
	err = e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "aki", Version: "9", Status: guidance.Withdrawn})
	if !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("withdrawing a missing version: err = %v; want ErrNotFound", err)
	}
	if err := e.store.SetStatus(e.ctx, "", retrieval.StatusChange{ID: "aki", Status: guidance.Approved}); err == nil {
		t.Errorf("approving without a version: err = nil; want an error")
	}
}

func testReviewOverdue(t *testing.T, e *env) {
	base := e.clock.Now()
	overdue := doc("overdue", "1", guidance.Approved, "Hand hygiene before patient contact.")
	overdue.ReviewDue = base.Add(-24 * time.Hour)
	current := doc("current", "1", guidance.Approved, "Hand hygiene after patient contact.")
	current.ReviewDue = base.Add(365 * 24 * time.Hour)
	e.ingest("", overdue, current)
	for _, m := range modes {
		hits := e.search(retrieval.Query{Text: "hand hygiene patient contact", Mode: m})
		if got := keys(hits); !slices.Equal(got, []string{"current@1", "overdue@1"}) {
			t.Errorf("%v: versions = %v; want both", m, got)
		}
		for _, h := range hits {
			if want := h.Document.ID == "overdue"; h.ReviewOverdue != want {
				t.Errorf("%v: %s ReviewOverdue = %v; want %v", m, h.Document.ID, h.ReviewOverdue, want)
			}
		}
	}
	e.expectKeys(retrieval.Query{Text: "hand hygiene patient contact", ExcludeOverdue: true}, "current@1")
	// As of a date before the review was due, it is not overdue.
	hits := e.search(retrieval.Query{Text: "hand hygiene", AsOf: base.Add(-48 * time.Hour), Mode: retrieval.Lexical})
	for _, h := range hits {
		if h.ReviewOverdue {
			t.Errorf("as of before review date: %s flagged overdue", h.Document.ID)
		}
	}
}

func testTenantIsolation(t *testing.T, e *env) {
	a := doc("shared", "1", guidance.Approved, "Hyperkalaemia calcium gluconate 30 mL alphatenant.")
	b := doc("shared", "1", guidance.Approved, "Hyperkalaemia calcium gluconate 30 mL betatenant.")
	same := "Identical text about insulin glucose infusion in both tenants."
	e.ingest("trust-a", a, doc("same", "1", guidance.Approved, same))
	e.ingest("trust-b", b, doc("same", "1", guidance.Approved, same))

	check := func(tenant, want, forbidden string) {
		t.Helper()
		for _, m := range modes {
			hits := e.search(retrieval.Query{Tenant: tenant, Text: "hyperkalaemia calcium gluconate alphatenant betatenant insulin", Mode: m, K: 50})
			if len(hits) != 2 {
				t.Errorf("tenant %s %v: %d hits; want 2", tenant, m, len(hits))
			}
			for _, h := range hits {
				if strings.Contains(h.Chunk.Text, forbidden) {
					t.Errorf("tenant %s %v: saw other tenant's chunk %q", tenant, m, h.Chunk.Text)
				}
			}
		}
	}
	check("trust-a", "alphatenant", "betatenant")
	check("trust-b", "betatenant", "alphatenant")
	e.expectKeys(retrieval.Query{Tenant: "trust-c", Text: "hyperkalaemia"})
	e.expectKeys(retrieval.Query{Text: "hyperkalaemia"}) // default tenant is empty too

	// Changes in one tenant never touch the other.
	if err := e.store.SetStatus(e.ctx, "trust-a", retrieval.StatusChange{ID: "shared", Status: guidance.Withdrawn}); err != nil {
		t.Fatal(err)
	}
	// Vector and hybrid search return every eligible chunk up to K, so
	// both of a tenant's documents may appear; what matters is which.
	e.expectKeys(retrieval.Query{Tenant: "trust-b", Text: "hyperkalaemia insulin"}, "same@1", "shared@1")
	e.expectKeys(retrieval.Query{Tenant: "trust-a", Text: "hyperkalaemia insulin"}, "same@1")
	if err := e.store.Delete(e.ctx, "trust-a", "same"); err != nil {
		t.Fatal(err)
	}
	e.expectKeys(retrieval.Query{Tenant: "trust-b", Text: "insulin glucose infusion hyperkalaemia"}, "same@1", "shared@1")
	e.expectKeys(retrieval.Query{Tenant: "trust-a", Text: "insulin glucose infusion hyperkalaemia"})
	docsA, _ := e.store.Documents(e.ctx, "trust-a")
	docsB, _ := e.store.Documents(e.ctx, "trust-b")
	if len(docsA) != 1 || len(docsB) != 2 {
		t.Errorf("Documents: trust-a has %d, trust-b has %d; want 1 and 2", len(docsA), len(docsB))
	}
	if err := e.store.Delete(e.ctx, "trust-a", "same"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("Delete of a document only the other tenant has: err = %v; want ErrNotFound", err)
	}
	// The embedding cache is per tenant.
	if cache, ok := e.store.(retrieval.EmbeddingCache); ok {
		var ck retrieval.Chunker
		bKeys := []string{ck.Split(b)[0].EmbedKey}
		got, err := cache.CachedEmbeddings(e.ctx, "trust-a", e.emb.Model(), bKeys)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("CachedEmbeddings(trust-a, trust-b's key) returned %d vectors; want 0", len(got))
		}
		got, _ = cache.CachedEmbeddings(e.ctx, "trust-b", e.emb.Model(), bKeys)
		if len(got) != 1 {
			t.Errorf("CachedEmbeddings(trust-b, its own key) returned %d vectors; want 1", len(got))
		}
	}
}

// hostile filter values: each must be treated as plain data.
var hostile = []string{
	"x' OR '1'='1",
	"'); DROP TABLE documents;--",
	"'); DROP TABLE chunks;--",
	`" OR ""="`,
	"%",
	"_",
	"*",
	"\\",
	"$1",
	"{}",
	"a\x00b",
}

func testFiltersAreLiterals(t *testing.T, e *env) {
	var docs []*guidance.Document
	for i, h := range hostile {
		if strings.ContainsRune(h, 0) {
			continue // not storable as PostgreSQL text; queried below only
		}
		d := doc(fmt.Sprintf("h%d", i), "1", guidance.Approved, "Oxygen target saturation 94 to 98 percent.")
		d.Publisher = h
		d.Tags = []string{h}
		d.Specialties = []string{h}
		d.Jurisdiction = h
		d.Audience = []string{h}
		docs = append(docs, d)
	}
	plain := doc("plain", "1", guidance.Approved, "Oxygen target saturation 88 to 92 percent.")
	docs = append(docs, plain)
	e.ingest("", docs...)

	for i, h := range hostile {
		want := []string{fmt.Sprintf("h%d@1", i)}
		if strings.ContainsRune(h, 0) {
			want = nil
		}
		for _, f := range []retrieval.Filter{
			{Publishers: []string{h}},
			{Tags: []string{h}},
			{Specialties: []string{h}},
			{Jurisdictions: []string{h}},
			{Audiences: []string{h}},
		} {
			for _, m := range modes {
				hits, err := e.lib.Search(e.ctx, retrieval.Query{Text: "oxygen saturation", Mode: m, Filter: f})
				if err != nil {
					// A store may reject a value it cannot store (NUL), but must say so.
					if strings.ContainsRune(h, 0) {
						continue
					}
					t.Errorf("filter %+v: %v", f, err)
					continue
				}
				if got := keys(hits); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("%v filter %+v: versions = %v; want %v", m, f, got, want)
				}
			}
		}
		hits, err := e.lib.Search(e.ctx, retrieval.Query{Text: h + " oxygen", Mode: retrieval.Lexical})
		if err != nil && !strings.ContainsRune(h, 0) {
			t.Errorf("lexical query text %q: %v", h, err)
		}
		_ = hits
	}
	// Nothing was dropped or changed.
	all, err := e.store.Documents(e.ctx, "")
	if err != nil {
		t.Fatalf("Documents after hostile filters: %v", err)
	}
	if len(all) != len(docs) {
		t.Errorf("Documents after hostile filters = %d; want %d", len(all), len(docs))
	}
	e.expectKeys(retrieval.Query{Text: "saturation 88", Filter: retrieval.Filter{DocumentIDs: []string{"plain"}}}, "plain@1")
}

func testFilterSemantics(t *testing.T, e *env) {
	mk := func(id, pub, jur string, spec, tags, aud []string) *guidance.Document {
		d := doc(id, "1", guidance.Approved, "Venous thromboembolism prophylaxis assessment.")
		d.Publisher, d.Jurisdiction, d.Specialties, d.Tags, d.Audience = pub, jur, spec, tags, aud
		return d
	}
	e.ingest("",
		mk("a", "NICE", "England", []string{"surgery", "medicine"}, []string{"vte"}, []string{"doctors"}),
		mk("b", "SIGN", "Scotland", []string{"medicine"}, []string{"vte", "anticoagulation"}, []string{"nurses"}),
		mk("c", "NICE", "Wales", []string{"obstetrics"}, nil, []string{"midwives", "doctors"}),
	)
	q := "venous thromboembolism"
	cases := []struct {
		f    retrieval.Filter
		want []string
	}{
		{retrieval.Filter{}, []string{"a@1", "b@1", "c@1"}},
		{retrieval.Filter{Publishers: []string{"NICE"}}, []string{"a@1", "c@1"}},
		{retrieval.Filter{Publishers: []string{"nice"}}, nil}, // exact, case included
		{retrieval.Filter{Jurisdictions: []string{"Scotland", "Wales"}}, []string{"b@1", "c@1"}},
		{retrieval.Filter{Specialties: []string{"medicine"}}, []string{"a@1", "b@1"}},
		{retrieval.Filter{Tags: []string{"anticoagulation"}}, []string{"b@1"}},
		{retrieval.Filter{Audiences: []string{"doctors"}}, []string{"a@1", "c@1"}},
		{retrieval.Filter{DocumentIDs: []string{"c", "zzz"}}, []string{"c@1"}},
		{retrieval.Filter{Publishers: []string{"NICE"}, Audiences: []string{"midwives"}}, []string{"c@1"}},
		{retrieval.Filter{Publishers: []string{"SIGN"}, Specialties: []string{"surgery"}}, nil},
	}
	for _, c := range cases {
		e.expectKeys(retrieval.Query{Text: q, Filter: c.f}, c.want...)
	}
}

// corpus returns n documents of a few sections each.
func corpus(n int, marker string) []*guidance.Document {
	topics := []string{"sepsis", "asthma", "anaphylaxis", "hypoglycaemia", "stroke", "kidney", "oxygen", "falls"}
	var docs []*guidance.Document
	for i := range n {
		tp := topics[i%len(topics)]
		docs = append(docs, doc(fmt.Sprintf("doc%03d", i), "1", guidance.Approved,
			fmt.Sprintf("Recognition of %s in adults, case %d %s.", tp, i, marker),
			fmt.Sprintf("Immediate management of %s includes escalation %d.", tp, i),
			fmt.Sprintf("Monitoring after %s treatment every %d minutes.", tp, 5+i%30),
		))
	}
	return docs
}

func testReingest(t *testing.T, e *env) {
	docs := corpus(20, "")
	first := e.ingest("", docs...)
	if first.Written != 20 || first.Embedded == 0 {
		t.Fatalf("first ingest: %+v; want 20 written and some embedded", first)
	}
	before, _ := e.store.Documents(e.ctx, "")
	hitsBefore := e.search(retrieval.Query{Text: "sepsis management escalation", K: 30})
	calls := e.emb.Calls()

	e.clock.Advance(time.Hour)
	second := e.ingest("", corpus(20, "")...)
	if second.Unchanged != 20 || second.Written != 0 || second.Embedded != 0 {
		t.Errorf("re-ingest: %+v; want 20 unchanged, nothing written or embedded", second)
	}
	if got := e.emb.Calls(); got != calls {
		t.Errorf("re-ingest called the embedder %d times; want 0", got-calls)
	}
	after, _ := e.store.Documents(e.ctx, "")
	if !reflect.DeepEqual(before, after) {
		t.Errorf("re-ingest changed Documents():\nbefore %+v\nafter  %+v", before, after)
	}
	hitsAfter := e.search(retrieval.Query{Text: "sepsis management escalation", K: 30})
	if !reflect.DeepEqual(hitIDs(hitsBefore), hitIDs(hitsAfter)) {
		t.Errorf("re-ingest changed search results: %v then %v", hitIDs(hitsBefore), hitIDs(hitsAfter))
	}
	// Putting the same entries directly is a no-op too.
	var ck retrieval.Chunker
	d := docs[0]
	ch := ck.Split(d)
	vecs, _ := e.emb.Embed(e.ctx, indexTexts(ch))
	if err := e.store.Put(e.ctx, "", []retrieval.Entry{{Document: d, Chunks: ch, Vectors: vecs, Model: e.emb.Model()}}); err != nil {
		t.Fatal(err)
	}
	again, _ := e.store.Documents(e.ctx, "")
	if !reflect.DeepEqual(before, again) {
		t.Errorf("Put of an unchanged entry changed Documents()")
	}
}

func indexTexts(chunks []retrieval.Chunk) []string {
	out := make([]string, len(chunks))
	for i := range chunks {
		out[i] = chunks[i].IndexText()
	}
	return out
}

func hitIDs(hits []retrieval.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Chunk.ID
	}
	return out
}

func testEmbeddingCacheReuse(t *testing.T, e *env) {
	if _, ok := e.store.(retrieval.EmbeddingCache); !ok {
		t.Skip("store has no embedding cache")
	}
	v1 := doc("naloxone", "1", guidance.Approved,
		"Naloxone reverses opioid toxicity.",
		"Give naloxone 400 micrograms intramuscularly.",
		"Observe for recurrence of sedation.")
	e.ingest("", v1)
	before := e.emb.Texts()
	// A new version that changes one section re-embeds only that section.
	v2 := doc("naloxone", "2", guidance.Approved,
		"Naloxone reverses opioid toxicity.",
		"Give naloxone 400 micrograms intravenously or intramuscularly.",
		"Observe for recurrence of sedation.")
	st := e.ingest("", v2)
	if got := e.emb.Texts() - before; got != 1 || st.Embedded != 1 || st.Cached != 2 {
		t.Errorf("new version with one changed section: embedded %d texts (stats %+v); want 1 embedded, 2 cached", got, st)
	}
	// Vectors from another model are never reused.
	other := &Embedder{Name: "other-model"}
	lib := retrieval.New(e.store, retrieval.Options{Embedder: other, Now: e.clock.Now})
	v3 := doc("naloxone", "3", guidance.Approved, "Naloxone reverses opioid toxicity.")
	if _, err := lib.Ingest(e.ctx, "", []*guidance.Document{v3}); err != nil {
		// A store with a fixed dimension may refuse; the fake models share one.
		t.Fatal(err)
	}
	if other.Texts() != 1 {
		t.Errorf("other model embedded %d texts; want 1 (no reuse across models)", other.Texts())
	}
}

func testCancelledPut(t *testing.T, e *env) {
	e.ingest("", corpus(5, "")...)
	before, _ := e.store.Documents(e.ctx, "")
	hitsBefore := e.search(retrieval.Query{Text: "sepsis escalation", K: 20})

	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	var ck retrieval.Chunker
	var entries []retrieval.Entry
	for _, d := range corpus(30, "changed") {
		ch := ck.Split(d)
		vecs, _ := e.emb.Embed(e.ctx, indexTexts(ch))
		entries = append(entries, retrieval.Entry{Document: d, Chunks: ch, Vectors: vecs, Model: e.emb.Model()})
	}
	if err := e.store.Put(ctx, "", entries); err == nil {
		t.Fatalf("Put with a cancelled context succeeded; want an error")
	}
	after, _ := e.store.Documents(e.ctx, "")
	if !reflect.DeepEqual(before, after) {
		t.Errorf("cancelled Put changed Documents(): %d versions before, %d after", len(before), len(after))
	}
	if got := hitIDs(e.search(retrieval.Query{Text: "sepsis escalation", K: 20})); !slices.Equal(got, hitIDs(hitsBefore)) {
		t.Errorf("cancelled Put changed search: %v; want %v", got, hitIDs(hitsBefore))
	}

	// A batch whose second entry is bad writes nothing of the bad entry.
	bad := entries[1]
	bad.Vectors = bad.Vectors[:1] // fewer vectors than chunks
	err := e.store.Put(e.ctx, "", []retrieval.Entry{entries[0], bad})
	if err == nil {
		t.Fatalf("Put with a malformed entry succeeded; want an error")
	}
	docs, _ := e.store.Documents(e.ctx, "", bad.Document.ID)
	for _, d := range docs {
		if d.Hash == bad.Document.Hash() {
			t.Errorf("malformed entry %s was written", d.Key())
		}
	}
}

func testInterruptedIngest(t *testing.T, e *env) {
	const n = 24
	v1 := corpus(n, "first")
	e.ingest("", v1...)
	var v2 []*guidance.Document
	for _, d := range corpus(n, "second") {
		d.Version = "2"
		v2 = append(v2, d)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	puts := 0
	lib := retrieval.New(e.store, retrieval.Options{
		Embedder: e.emb, Now: e.clock.Now, PutSize: 6,
		Progress: func(retrieval.IngestStats) {
			puts++
			if puts == 2 {
				cancel()
			}
		},
	})
	e.clock.Advance(time.Hour)
	st, err := lib.Ingest(ctx, "", v2)
	if err == nil {
		t.Fatalf("interrupted ingest returned no error (stats %+v)", st)
	}
	if st.Written == 0 || st.Written == n {
		t.Fatalf("interrupted ingest wrote %d of %d documents; want some but not all", st.Written, n)
	}
	// Every document is wholly at v1 or wholly at v2, never both or neither.
	for _, d := range v1 {
		hits := e.search(retrieval.Query{Text: "recognition management monitoring", K: 50, Mode: retrieval.Lexical,
			Filter: retrieval.Filter{DocumentIDs: []string{d.ID}}})
		ks := keys(hits)
		if len(ks) != 1 || len(hits) != 3 {
			t.Errorf("after interrupted ingest %s has versions %v in %d hits; want one version, 3 hits", d.ID, ks, len(hits))
		}
	}
	// Resuming writes only what is left.
	rest, err := e.lib.Ingest(e.ctx, "", v2)
	if err != nil {
		t.Fatal(err)
	}
	if rest.Unchanged != st.Written || rest.Written != n-st.Written {
		t.Errorf("resumed ingest: %+v; want %d unchanged and %d written", rest, st.Written, n-st.Written)
	}
}

// unitVec returns a unit vector near centre c of a few clusters.
func unitVec(r *rand.Rand, dim int, centre int, spread float32) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64()) * spread
	}
	v[centre%dim] += 1
	return retrieval.Normalize(v)
}

func testSelectiveFilter(t *testing.T, e *env) {
	const n, dim = 3000, 32
	r := rand.New(rand.NewPCG(1, 2))
	var entries []retrieval.Entry
	rare := 0
	for i := range n {
		d := doc(fmt.Sprintf("sel%04d", i), "1", guidance.Approved, fmt.Sprintf("Passage %d about monitoring.", i))
		centre := 0
		if i%100 == 7 { // 1%
			d.Tags = []string{"rare"}
			centre = 5 // far from the query
			rare++
		}
		var ck retrieval.Chunker
		ch := ck.Split(d)
		vecs := make([][]float32, len(ch))
		for j := range vecs {
			vecs[j] = unitVec(r, dim, centre, 0.05)
		}
		entries = append(entries, retrieval.Entry{Document: d, Chunks: ch, Vectors: vecs, Model: "clustered"})
	}
	if err := e.store.Put(e.ctx, "", entries); err != nil {
		t.Fatal(err)
	}
	if opt, ok := e.store.(retrieval.Optimizer); ok {
		if err := opt.Optimize(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	query := unitVec(r, dim, 0, 0.05)
	for _, m := range modes {
		hits, err := e.store.Search(e.ctx, retrieval.Query{Text: "passage monitoring", Vector: query, Mode: m, K: 10,
			Filter: retrieval.Filter{Tags: []string{"rare"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 10 {
			t.Errorf("%v search under a 1%% filter returned %d hits; want 10", m, len(hits))
		}
		for _, h := range hits {
			if !slices.Contains(h.Document.Tags, "rare") {
				t.Errorf("%v search under filter returned %s without the tag", m, h.Document.ID)
			}
		}
	}
	// Unfiltered vector search still finds the nearest cluster.
	hits, err := e.store.Search(e.ctx, retrieval.Query{Vector: query, Mode: retrieval.Vector, K: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if slices.Contains(h.Document.Tags, "rare") {
			t.Errorf("unfiltered vector search returned far-away %s", h.Document.ID)
		}
	}
	if len(hits) != 10 {
		t.Errorf("unfiltered vector search returned %d hits; want 10", len(hits))
	}
}

func testShortfall(t *testing.T, e *env) {
	e.ingest("", corpus(3, "")...)
	for _, m := range modes {
		hits := e.search(retrieval.Query{Text: "recognition management monitoring adults", Mode: m, K: 50})
		if len(hits) != 9 {
			t.Errorf("%v: %d hits for K=50 over 9 eligible chunks; want all 9", m, len(hits))
		}
	}
}

func testHitRoundTrip(t *testing.T, e *env) {
	base := e.clock.Now()
	d := doc("full", "2024.1", guidance.Approved,
		"Adrenaline 0.5 mg intramuscularly for anaphylaxis in adults.",
		"Repeat after 5 minutes if there is no improvement.")
	d.Title = "Anaphylaxis: emergency treatment"
	d.Publisher = "Resus Group"
	d.ApprovedBy = "Medicines Committee"
	d.ApprovedAt = base.Add(-48 * time.Hour)
	d.EffectiveFrom = base.Add(-24 * time.Hour)
	d.ReviewDue = base.Add(700 * 24 * time.Hour)
	d.Specialties = []string{"emergency medicine", "allergy"}
	d.Tags = []string{"anaphylaxis", "adrenaline"}
	d.Audience = []string{"nurses"}
	d.SourceURL = "https://example.org/anaphylaxis"
	d.Licence = "CC BY 4.0"
	d.Source = "guidance/anaphylaxis.md"
	d.Sections[1].Heading = []string{"Treatment", "Repeat doses"}
	e.ingest("", d)

	var ck retrieval.Chunker
	want := ck.Split(d)
	for _, m := range modes {
		hits := e.search(retrieval.Query{Text: "adrenaline anaphylaxis repeat minutes", Mode: m, K: 10})
		if len(hits) != len(want) {
			t.Fatalf("%v: %d hits; want %d", m, len(hits), len(want))
		}
		for _, h := range hits {
			i := slices.IndexFunc(want, func(c retrieval.Chunk) bool { return c.ID == h.Chunk.ID })
			if i < 0 {
				t.Fatalf("%v: unexpected chunk %s", m, h.Chunk.ID)
			}
			if !reflect.DeepEqual(h.Chunk, want[i]) {
				t.Errorf("%v: chunk round trip:\n got %+v\nwant %+v", m, h.Chunk, want[i])
			}
			if d.Body[h.Chunk.Start:h.Chunk.End] != h.Chunk.Text {
				t.Errorf("%v: chunk offsets [%d:%d] do not quote its text", m, h.Chunk.Start, h.Chunk.End)
			}
			got := h.Document
			if !reflect.DeepEqual(metaNoTimes(got.Metadata), metaNoTimes(d.Metadata)) ||
				!got.ApprovedAt.Equal(d.ApprovedAt) || !got.EffectiveFrom.Equal(d.EffectiveFrom) ||
				!got.ReviewDue.Equal(d.ReviewDue) {
				t.Errorf("%v: document metadata round trip:\n got %+v\nwant %+v", m, got.Metadata, d.Metadata)
			}
			if got.Hash != d.Hash() || got.Chunks != len(want) || got.Source != d.Source || !got.StoredAt.Equal(base) {
				t.Errorf("%v: DocumentInfo hash/chunks/source/stored = %s/%d/%s/%v; want %s/%d/%s/%v",
					m, got.Hash, got.Chunks, got.Source, got.StoredAt, d.Hash(), len(want), d.Source, base)
			}
			// A hybrid score may be 0: the last candidate of one leg that
			// the other leg did not rank.
			if h.Score < 0 || (m != retrieval.Hybrid && h.Score == 0) {
				t.Errorf("%v: score %v; want > 0", m, h.Score)
			}
		}
	}
}

func metaNoTimes(m guidance.Metadata) guidance.Metadata {
	m.ApprovedAt, m.EffectiveFrom, m.ReviewDue, m.SupersededAt, m.WithdrawnAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if len(m.Specialties) == 0 {
		m.Specialties = nil
	}
	if len(m.Tags) == 0 {
		m.Tags = nil
	}
	if len(m.Audience) == 0 {
		m.Audience = nil
	}
	return m
}

func testRanking(t *testing.T, e *env) {
	e.ingest("",
		doc("r1", "1", guidance.Approved, "Salbutamol nebuliser for acute asthma attacks."),
		doc("r2", "1", guidance.Approved, "Calcium gluconate protects the heart in hyperkalaemia."),
		doc("r3", "1", guidance.Approved, "Insulin with glucose lowers potassium in hyperkalaemia."),
		doc("r4", "1", guidance.Approved, "Hand washing with soap and water."),
	)
	top := func(m retrieval.Mode, q string) retrieval.Hit {
		t.Helper()
		hits := e.search(retrieval.Query{Text: q, Mode: m, K: 4})
		if len(hits) == 0 {
			t.Fatalf("%v %q: no hits", m, q)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("%v %q: hits not in score order: %v then %v", m, q, hits[i-1].Score, hits[i].Score)
			}
		}
		return hits[0]
	}
	for _, m := range modes {
		if h := top(m, "salbutamol asthma"); h.Document.ID != "r1" {
			t.Errorf("%v: top hit for asthma = %s; want r1", m, h.Document.ID)
		}
		if h := top(m, "insulin glucose potassium"); h.Document.ID != "r3" {
			t.Errorf("%v: top hit for insulin = %s; want r3", m, h.Document.ID)
		}
	}
	// Leg details.
	h := top(retrieval.Hybrid, "calcium gluconate hyperkalaemia heart")
	if h.Document.ID != "r2" || h.VectorRank != 1 || h.LexicalRank != 1 {
		t.Errorf("hybrid top = %s ranks v%d l%d; want r2 first in both legs", h.Document.ID, h.VectorRank, h.LexicalRank)
	}
	if want := retrieval.LexicalWeight + retrieval.VectorWeight; abs(h.Score-want) > 1e-9 {
		t.Errorf("hybrid (score fusion) top score = %v; want %v", h.Score, want)
	}
	hr := e.search(retrieval.Query{Text: "calcium gluconate hyperkalaemia heart", K: 4, Fusion: retrieval.RankFusion})
	if len(hr) == 0 || hr[0].Document.ID != "r2" || abs(hr[0].Score-2.0/float64(retrieval.RRFConstant+1)) > 1e-9 {
		t.Errorf("hybrid (rank fusion) top = %+v; want r2 with score 2/(k+1)", hr)
	}
	hv := top(retrieval.Vector, "calcium gluconate hyperkalaemia heart")
	if hv.Score > 1.0001 || hv.Score < 0.3 || hv.VectorScore != hv.Score {
		t.Errorf("vector score = %v (leg %v); want a cosine in (0.3, 1]", hv.Score, hv.VectorScore)
	}
	hl := top(retrieval.Lexical, "calcium gluconate hyperkalaemia heart")
	if hl.LexicalScore != hl.Score || hl.Score <= 0 {
		t.Errorf("lexical score = %v (leg %v); want a positive BM25 score", hl.Score, hl.LexicalScore)
	}
	// A query of only unknown words finds nothing lexically.
	if hits := e.search(retrieval.Query{Text: "zzzqqq", Mode: retrieval.Lexical}); len(hits) != 0 {
		t.Errorf("lexical search for an unknown word returned %d hits; want 0", len(hits))
	}
	// An exact vector query finds its chunk first with score ~1.
	var ck retrieval.Chunker
	r4 := doc("r4", "1", guidance.Approved, "Hand washing with soap and water.")
	vecs, _ := e.emb.Embed(e.ctx, indexTexts(ck.Split(r4)))
	hits, err := e.store.Search(e.ctx, retrieval.Query{Vector: vecs[0], Mode: retrieval.Vector, K: 1})
	if err != nil || len(hits) != 1 || hits[0].Document.ID != "r4" || abs(hits[0].Score-1) > 1e-4 {
		t.Errorf("exact vector query = %+v, %v; want r4 with score 1", hits, err)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func testDimensions(t *testing.T, e *env) {
	e.ingest("", doc("dims", "1", guidance.Approved, "Ten dimensions are too few."))
	_, err := e.store.Search(e.ctx, retrieval.Query{Vector: make([]float32, 7), Mode: retrieval.Vector})
	var de *retrieval.DimensionError
	if !errors.As(err, &de) {
		t.Errorf("search with a 7-dimensional vector: err = %v; want *DimensionError", err)
	}
	other := &Embedder{Dim: 12, Name: "twelve"}
	lib := retrieval.New(e.store, retrieval.Options{Embedder: other, Now: e.clock.Now})
	_, err = lib.Ingest(e.ctx, "", []*guidance.Document{doc("dims2", "1", guidance.Approved, "Twelve dimensions.")})
	if !errors.As(err, &de) {
		t.Errorf("put of 12-dimensional vectors into a 32-dimensional store: err = %v; want *DimensionError", err)
	}
}

func testDelete(t *testing.T, e *env) {
	e.ingest("", doc("del", "1", guidance.Approved, "Falls risk assessment on admission."))
	e.ingest("", doc("del", "2", guidance.Approved, "Falls risk assessment within six hours."))
	e.ingest("", doc("keep", "1", guidance.Approved, "Falls prevention with lying and standing blood pressure."))
	if err := e.store.Delete(e.ctx, "", "del"); err != nil {
		t.Fatal(err)
	}
	e.expectKeys(retrieval.Query{Text: "falls risk assessment"}, "keep@1")
	e.expectKeys(retrieval.Query{Text: "falls risk assessment", AsOf: e.clock.Now().Add(-time.Nanosecond)}, "keep@1")
	if docs, _ := e.store.Documents(e.ctx, "", "del"); len(docs) != 0 {
		t.Errorf("Documents(del) after Delete = %d versions; want 0", len(docs))
	}
	if err := e.store.Delete(e.ctx, "", "del"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("second Delete: err = %v; want ErrNotFound", err)
	}
	// It can be ingested again.
	e.ingest("", doc("del", "3", guidance.Approved, "Falls risk assessment again."))
	e.expectKeys(retrieval.Query{Text: "falls risk assessment"}, "del@3", "keep@1")
}

func testDocuments(t *testing.T, e *env) {
	e.ingest("", doc("b", "1", guidance.Approved, "B one."))
	e.clock.Advance(time.Minute)
	e.ingest("", doc("a", "1", guidance.Approved, "A one."))
	e.clock.Advance(time.Minute)
	e.ingest("", doc("b", "2", guidance.Draft, "B two."))
	docs, err := e.store.Documents(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Key())
	}
	if want := []string{"a@1", "b@1", "b@2"}; !slices.Equal(got, want) {
		t.Errorf("Documents() = %v; want %v", got, want)
	}
	docs, _ = e.store.Documents(e.ctx, "", "b", "missing")
	if len(docs) != 2 {
		t.Errorf("Documents(b, missing) = %d; want 2", len(docs))
	}
	if len(docs) > 0 && docs[0].Chunks != 1 {
		t.Errorf("Documents: b@1 has %d chunks; want 1", docs[0].Chunks)
	}
}

func testQueryValidation(t *testing.T, e *env) {
	e.ingest("", doc("q", "1", guidance.Approved, "Query validation text."))
	v := make([]float32, 32)
	v[0] = 1
	bad := []retrieval.Query{
		{Text: "x", Vector: v, K: -1},
		{Text: "x", Vector: v, K: retrieval.MaxK + 1},
		{Text: "x", Mode: retrieval.Vector},  // no vector
		{Vector: v, Mode: retrieval.Lexical}, // no text
		{Text: "x", Vector: v, Mode: 42},     // unknown mode
		{Vector: v, Mode: retrieval.Hybrid},  // hybrid without text
	}
	for _, q := range bad {
		if _, err := e.store.Search(e.ctx, q); err == nil {
			t.Errorf("Search(%+v) succeeded; want an error", q)
		}
	}
}

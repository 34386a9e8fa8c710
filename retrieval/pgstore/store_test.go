package pgstore_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

func TestOptionsValidation(t *testing.T) {
	// Options are checked before any connection is made.
	const nowhere = "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"
	for _, o := range []pgstore.Options{
		{Dimensions: -1},
		{Dimensions: 16001},
		{EfSearch: 1001},
		{EfSearch: -3},
		{M: 1},
		{M: 101},
		{M: 16, EfConstruction: 20},
		{EfConstruction: 1001},
	} {
		if s, err := pgstore.New(context.Background(), nowhere, o); err == nil {
			s.Close()
			t.Errorf("New(%+v) succeeded; want an options error", o)
		} else if !strings.Contains(err.Error(), "options") {
			t.Errorf("New(%+v) = %v; want an options error", o, err)
		}
	}
	url := testURL(t)
	if s, err := pgstore.New(context.Background(), url, pgstore.Options{Schema: testSchema(t), MaintenanceWorkMem: "lots"}); err == nil {
		s.Close()
		t.Errorf("New(MaintenanceWorkMem: lots) succeeded; want an error")
	}
}

func TestMigrations(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t)
	ctx := context.Background()
	conn := dbConn(t)
	applied := func() (n, max int) {
		t.Helper()
		err := conn.QueryRow(ctx, "SELECT count(*), coalesce(max(version), 0) FROM "+
			pgx.Identifier{schema, "schema_migrations"}.Sanitize()).Scan(&n, &max)
		if err != nil {
			t.Fatal(err)
		}
		return n, max
	}

	// Several starters at once on a fresh schema: one migrates, the others wait.
	const starters = 4
	stores := make([]*pgstore.Store, starters)
	errs := make([]error, starters)
	var wg sync.WaitGroup
	for i := range starters {
		wg.Go(func() { stores[i], errs[i] = pgstore.New(ctx, url, pgstore.Options{Schema: schema}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent New #%d = %v", i, err)
		}
		stores[i].Close()
	}
	want := pgstore.SchemaVersion()
	if n, max := applied(); n != want || max != want {
		t.Errorf("after concurrent starts: %d migrations recorded, newest %d; want %d and %d", n, max, want, want)
	}

	// Starting again changes nothing.
	s, err := pgstore.New(ctx, url, pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatalf("second New = %v", err)
	}
	s.Close()
	if n, _ := applied(); n != want {
		t.Errorf("after a second start: %d migrations recorded; want %d", n, want)
	}

	// A schema from the future is refused.
	_, err = conn.Exec(ctx, "INSERT INTO "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+
		" (version, name, applied_at) VALUES ($1, 'from the future', $2)", want+1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = pgstore.New(ctx, url, pgstore.Options{Schema: schema})
	var ve *pgstore.SchemaVersionError
	if !errors.As(err, &ve) || ve.Have != want+1 || ve.Max != want {
		t.Errorf("New on a newer schema = %v; want *SchemaVersionError{Have: %d, Max: %d}", err, want+1, want)
	}
}

func TestDimensionsOption(t *testing.T) {
	ctx := context.Background()
	schema := testSchema(t)
	s := newTestStore(t, pgstore.Options{Schema: schema, Dimensions: 8})
	r := mrand.New(mrand.NewPCG(1, 1))
	e := mkEntry(mkDoc("d", "1", guidance.Approved, "Nine dimensions."), "m", func(*retrieval.Chunk) []float32 { return randUnit(r, 9, 0, 1) })
	var de *retrieval.DimensionError
	if err := s.Put(ctx, "", []retrieval.Entry{e}); !errors.As(err, &de) || de.Want != 8 || de.Got != 9 {
		t.Errorf("Put(9 dimensions) into an 8-dimensional store = %v; want *DimensionError{8, 9}", err)
	}
	if _, err := pgstore.New(ctx, testURL(t), pgstore.Options{Schema: schema, Dimensions: 16}); err == nil {
		t.Errorf("New(Dimensions: 16) on an 8-dimensional schema succeeded; want an error")
	}
	// Another store on the schema learns the dimension from it.
	s2 := newTestStore(t, pgstore.Options{Schema: schema})
	if _, err := s2.Search(ctx, retrieval.Query{Vector: make([]float32, 9), Mode: retrieval.Vector}); !errors.As(err, &de) {
		t.Errorf("Search(9 dimensions) = %v; want *DimensionError", err)
	}
}

// TestFilterValuesAreData puts SQL-looking values in every filter field, the
// tenant, the document IDs and the query text; each is matched as plain data.
func TestFilterValuesAreData(t *testing.T) {
	ctx := context.Background()
	clock := &retrievaltest.Clock{}
	schema := testSchema(t)
	s := newTestStore(t, pgstore.Options{Schema: schema, Now: clock.Now})
	hostile := []string{
		"x' OR '1'='1",
		"'); DROP TABLE documents;--",
		"'); DROP TABLE chunks; --",
		`" OR ""="`,
		"%", "_", "\\", "$1", "{}", "{a,b}", "NULL", "ARRAY['x']", "') OR true --",
	}
	tenant := "t'; DROP SCHEMA " + schema + " CASCADE;--"
	r := mrand.New(mrand.NewPCG(2, 2))
	var entries []retrieval.Entry
	for i, h := range hostile {
		// IDs may not hold white space.
		id := fmt.Sprintf("h%d%s", i, strings.NewReplacer(" ", "", "\t", "").Replace(h))
		d := mkDoc(id, "1", guidance.Approved, "Oxygen target saturation 94 to 98 percent.")
		d.Publisher, d.Jurisdiction = h, h
		d.Specialties, d.Tags, d.Audience = []string{h}, []string{h}, []string{h}
		entries = append(entries, mkEntry(d, "m", func(*retrieval.Chunk) []float32 { return randUnit(r, 8, 0, 0.1) }))
	}
	plain := mkDoc("plain", "1", guidance.Approved, "Oxygen target saturation 88 to 92 percent.")
	entries = append(entries, mkEntry(plain, "m", func(*retrieval.Chunk) []float32 { return randUnit(r, 8, 0, 0.1) }))
	if err := s.Put(ctx, tenant, entries); err != nil {
		t.Fatal(err)
	}
	qv := randUnit(r, 8, 0, 0.1)
	modes := []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical}
	for i, h := range hostile {
		id := entries[i].Document.ID
		for _, f := range []retrieval.Filter{
			{Publishers: []string{h}},
			{Jurisdictions: []string{h}},
			{Specialties: []string{h}},
			{Tags: []string{h}},
			{Audiences: []string{h}},
			{DocumentIDs: []string{id}},
			{Publishers: []string{h}, Tags: []string{h}, DocumentIDs: []string{id}},
		} {
			for _, m := range modes {
				hits, err := s.Search(ctx, retrieval.Query{Tenant: tenant, Text: "oxygen saturation " + h, Vector: qv, Mode: m, Filter: f})
				if err != nil {
					t.Fatalf("Search(%v, filter %+v) = %v", m, f, err)
				}
				if len(hits) != 1 || hits[0].Document.ID != id {
					var got []string
					for _, h := range hits {
						got = append(got, h.Document.ID)
					}
					t.Errorf("Search(%v, filter %+v) = %q; want [%q]", m, f, got, id)
				}
			}
		}
	}
	// The same values as tenant names hold nothing.
	for _, h := range hostile {
		hits, err := s.Search(ctx, retrieval.Query{Tenant: h, Text: "oxygen", Vector: qv})
		if err != nil || len(hits) != 0 {
			t.Errorf("Search(tenant %q) = %d hits, %v; want 0, nil", h, len(hits), err)
		}
	}
	docs, err := s.Documents(ctx, tenant)
	if err != nil || len(docs) != len(entries) {
		t.Errorf("Documents(hostile tenant) = %d, %v; want %d", len(docs), err, len(entries))
	}
	checkStats(t, dbConn(t), schema, tenant)
}

// TestSelectiveFilterHNSW loads 10,000 chunks, builds the HNSW index and
// checks that the planner uses it, that 1%-selective filters still return K
// hits in every mode, and that approximate recall is high.
func TestSelectiveFilterHNSW(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10,000 chunks")
	}
	ctx := context.Background()
	const n, dim = 10000, 64
	// At the default ef_search (400) PostgreSQL rightly prefers an exact
	// scan of a table this small; 100 keeps the index the cheaper plan, so
	// that the test exercises it.
	s := newTestStore(t, pgstore.Options{EfSearch: 100})
	r := mrand.New(mrand.NewPCG(3, 3))
	vecs := make(map[string][]float32, n)
	var entries []retrieval.Entry
	for i := range n {
		d := mkDoc(fmt.Sprintf("sel%05d", i), "1", guidance.Approved, fmt.Sprintf("Passage %d about monitoring.", i))
		centre := i % 16
		switch {
		case i%100 == 7: // 1%
			d.Tags = []string{"rare"}
			centre = 40 // far from the query
		case i%1000 == 9: // 0.1%: fewer than K = 50
			d.Tags = []string{"rarer"}
			centre = 41
		}
		entries = append(entries, mkEntry(d, "m", func(c *retrieval.Chunk) []float32 {
			v := randUnit(r, dim, centre, 0.3)
			vecs[c.ID] = v
			return v
		}))
		if len(entries) == 2000 {
			if err := s.Put(ctx, "", entries); err != nil {
				t.Fatal(err)
			}
			entries = entries[:0]
		}
	}
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	query := randUnit(r, dim, 0, 0.3)

	plan, err := pgstore.Explain(s, ctx, retrieval.Query{Vector: query, Mode: retrieval.Vector, K: 10}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Index Scan using chunks_embedding_hnsw_idx") {
		t.Errorf("vector query plan does not use the HNSW index:\n%s", plan)
	}
	plan, err = pgstore.Explain(s, ctx, retrieval.Query{Vector: query, Text: "monitoring passage", K: 10}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Index Scan using chunks_embedding_hnsw_idx") {
		t.Errorf("hybrid query plan does not use the HNSW index:\n%s", plan)
	}

	before := s.Stats()
	for _, c := range []struct {
		tag  string
		k    int
		want int
	}{
		{"rare", 10, 10},
		{"rare", 50, 50},
		{"rarer", 50, 10},
	} {
		for _, m := range []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical} {
			hits, err := s.Search(ctx, retrieval.Query{Text: "passage monitoring", Vector: query, Mode: m, K: c.k,
				Filter: retrieval.Filter{Tags: []string{c.tag}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != c.want {
				t.Errorf("%v search, K=%d, tag %q: %d hits; want %d", m, c.k, c.tag, len(hits), c.want)
			}
			for _, h := range hits {
				if !slices.Contains(h.Document.Tags, c.tag) {
					t.Errorf("%v search under tag %q returned %s", m, c.tag, h.Document.ID)
				}
			}
		}
	}
	after := s.Stats()
	t.Logf("filtered searches: %d, exact-scan fallbacks: %d", after.Searches-before.Searches, after.ExactScans-before.ExactScans)

	// Recall@10 of the index against an exact scan, unfiltered.
	const queries = 50
	found := 0
	before = s.Stats()
	for range queries {
		q := randUnit(r, dim, r.IntN(16), 0.3)
		hits, err := s.Search(ctx, retrieval.Query{Vector: q, Mode: retrieval.Vector, K: 10})
		if err != nil {
			t.Fatal(err)
		}
		type sc struct {
			id string
			d  float64
		}
		var all []sc
		for id, v := range vecs {
			var d float64
			for i := range v {
				d += float64(v[i]) * float64(q[i])
			}
			all = append(all, sc{id, d})
		}
		slices.SortFunc(all, func(a, b sc) int { return cmp.Or(cmp.Compare(b.d, a.d), cmp.Compare(a.id, b.id)) })
		for _, h := range hits {
			for _, e := range all[:10] {
				if e.id == h.Chunk.ID {
					found++
				}
			}
		}
	}
	after = s.Stats()
	recall := float64(found) / (queries * 10)
	t.Logf("HNSW recall@10 = %.3f over %d queries (%d exact fallbacks)", recall, queries, after.ExactScans-before.ExactScans)
	if recall < 0.9 {
		t.Errorf("HNSW recall@10 = %.3f; want >= 0.9", recall)
	}
}

// TestTiesByChunkID checks that equal scores rank by chunk ID, with and
// without the HNSW index, in every mode.
func TestTiesByChunkID(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, pgstore.Options{})
	v := retrieval.Normalize([]float32{1, 2, 3, 4, 5, 6, 7, 8})
	var entries []retrieval.Entry
	var ids []string
	for i := range 150 {
		// IDs in an order unlike their insertion order.
		d := mkDoc(fmt.Sprintf("tie%03d", (i*37)%150), "1", guidance.Approved, "Identical text about tied scores.")
		entries = append(entries, mkEntry(d, "m", func(*retrieval.Chunk) []float32 { return slices.Clone(v) }))
	}
	for _, e := range entries {
		ids = append(ids, e.Chunks[0].ID)
	}
	slices.Sort(ids)
	if err := s.Put(ctx, "", entries); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		for _, m := range []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical} {
			for _, k := range []int{1, 5, 70} {
				hits, err := s.Search(ctx, retrieval.Query{Text: "tied scores", Vector: v, Mode: m, K: k})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, h := range hits {
					got = append(got, h.Chunk.ID)
				}
				if !slices.Equal(got, ids[:k]) {
					t.Errorf("%s: %v K=%d: %v; want %v", stage, m, k, got, ids[:k])
				}
			}
		}
	}
	check("no index")
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	check("HNSW")
}

// TestCancelMidPut cancels large Puts at different moments and checks that
// each either commits entirely or leaves the previous state intact.
func TestCancelMidPut(t *testing.T) {
	if testing.Short() {
		t.Skip("writes large batches")
	}
	ctx := context.Background()
	schema := testSchema(t)
	s := newTestStore(t, pgstore.Options{Schema: schema})
	conn := dbConn(t)
	r := mrand.New(mrand.NewPCG(4, 4))
	const dim = 384
	batch := func(n int, version, marker string) []retrieval.Entry {
		var es []retrieval.Entry
		for i := range n {
			d := mkDoc(fmt.Sprintf("c%04d", i), version, guidance.Approved,
				fmt.Sprintf("Paragraph one of %d %s about sepsis.", i, marker),
				fmt.Sprintf("Paragraph two of %d %s about fluids.", i, marker))
			es = append(es, mkEntry(d, "m", func(*retrieval.Chunk) []float32 { return randUnit(r, dim, -1, 1) }))
		}
		return es
	}
	if err := s.Put(ctx, "", batch(200, "1", "first")); err != nil {
		t.Fatal(err)
	}
	qv := randUnit(r, dim, -1, 1)
	snapshot := func() string {
		t.Helper()
		var b strings.Builder
		docs, err := s.Documents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d documents\n", len(docs))
		for _, d := range docs {
			fmt.Fprintf(&b, "%s %s %v %v\n", d.Key(), d.Status, d.SupersededAt, d.Hash)
		}
		for _, m := range []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical} {
			hits, err := s.Search(ctx, retrieval.Query{Text: "sepsis fluids paragraph", Vector: qv, Mode: m, K: 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				fmt.Fprintf(&b, "%v %s %.6f\n", m, h.Chunk.ID, h.Score)
			}
		}
		var n, total int64
		var ref float64
		var terms, dfsum int64
		sch := pgx.Identifier{schema}.Sanitize()
		if err := conn.QueryRow(ctx, "SELECT n_chunks, total_len, avgdl_ref FROM "+sch+".tenant_stats").Scan(&n, &total, &ref); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT count(*), sum(df) FROM "+sch+".term_stats").Scan(&terms, &dfsum); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "stats %d %d %v %d %d\n", n, total, ref, terms, dfsum)
		return b.String()
	}
	want := snapshot()
	big := batch(3000, "2", "second") // 6,000 chunks: several hundred ms to write
	start := time.Now()
	cancelled := 0
	for _, delay := range []time.Duration{time.Millisecond, 30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond} {
		cctx, cancel := context.WithTimeout(ctx, delay)
		err := s.Put(cctx, "", big)
		cancel()
		if err == nil {
			t.Logf("Put with a %v deadline completed before it (whole Put took %v)", delay, time.Since(start))
			break
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Put cancelled after %v = %v; want an error wrapping context.DeadlineExceeded", delay, err)
		}
		cancelled++
		if got := snapshot(); got != want {
			t.Fatalf("after a Put cancelled at %v the state changed:\n got %s\nwant %s", delay, got, want)
		}
		start = time.Now()
	}
	if cancelled < 2 {
		t.Errorf("only %d Puts were cancelled midway; want at least 2", cancelled)
	}
	checkStats(t, conn, schema, retrieval.DefaultTenant)
	// The store still works and the full Put succeeds.
	start = time.Now()
	if err := s.Put(ctx, "", big); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d Puts cancelled midway; the whole Put takes %v", cancelled, time.Since(start))
	checkStats(t, conn, schema, retrieval.DefaultTenant)
}

// TestPublishNoMix publishes new versions of a document over and over while
// readers search in every mode: each read sees exactly one version, whole.
func TestPublishNoMix(t *testing.T) {
	ctx := context.Background()
	clock := &retrievaltest.Clock{}
	s := newTestStore(t, pgstore.Options{Now: clock.Now})
	emb := &retrievaltest.Embedder{}
	lib := retrieval.New(s, retrieval.Options{Embedder: emb, Now: clock.Now})
	const sections = 12
	version := func(n int) *guidance.Document {
		var ps []string
		for i := range sections {
			ps = append(ps, fmt.Sprintf("Escalation marker paragraph %d of revision r%d.", i, n))
		}
		return mkDoc("escalation", fmt.Sprint(n), guidance.Approved, ps...)
	}
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{version(1)}); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	modes := []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical}
	for r := range 6 {
		wg.Go(func() {
			for !stop.Load() {
				hits, err := lib.Search(ctx, retrieval.Query{Text: "escalation marker paragraph revision", K: 50, Mode: modes[r%3]})
				if err != nil {
					errc <- err
					return
				}
				reads.Add(1)
				vs := map[string]int{}
				for _, h := range hits {
					vs[h.Document.Version]++
				}
				if len(vs) != 1 || len(hits) != sections {
					errc <- fmt.Errorf("%v read saw versions %v in %d hits; want one version, %d hits", modes[r%3], vs, len(hits), sections)
					return
				}
			}
		})
	}
	for n := 2; n <= 30; n++ {
		clock.Advance(time.Minute)
		if _, err := lib.Ingest(ctx, "", []*guidance.Document{version(n)}); err != nil {
			t.Error(err)
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	t.Logf("%d concurrent reads during 29 publishes", reads.Load())
}

// TestReplaceVersion re-puts a version with one section changed: only the
// changed chunk is rewritten, and the statistics stay consistent.
func TestReplaceVersion(t *testing.T) {
	ctx := context.Background()
	schema := testSchema(t)
	s := newTestStore(t, pgstore.Options{Schema: schema})
	conn := dbConn(t)
	emb := &retrievaltest.Embedder{}
	lib := retrieval.New(s, retrieval.Options{Embedder: emb})
	paras := []string{"Naloxone reverses opioid toxicity.", "Give naloxone 400 micrograms intramuscularly.", "Observe for recurrence of sedation."}
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{mkDoc("nal", "1", guidance.Approved, paras...)}); err != nil {
		t.Fatal(err)
	}
	xmins := func() map[string]string {
		rows, _ := conn.Query(ctx, "SELECT chunk_id, xmin::text FROM "+pgx.Identifier{schema, "chunks"}.Sanitize())
		m := map[string]string{}
		var id, x string
		pgx.ForEachRow(rows, []any{&id, &x}, func() error { m[id] = x; return nil })
		return m
	}
	before := xmins()
	// Change the last section, so that the others keep their offsets too.
	paras[2] = "Observe intravenously for recurrence of sedation."
	st, err := lib.Ingest(ctx, "", []*guidance.Document{mkDoc("nal", "1", guidance.Approved, paras...)})
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != 1 || st.Embedded != 1 {
		t.Errorf("re-put: %+v; want 1 written, 1 embedded", st)
	}
	after := xmins()
	if len(after) != 3 {
		t.Fatalf("%d chunks after re-put; want 3", len(after))
	}
	for id, x := range after {
		changed := strings.HasSuffix(id, "/2.0")
		if (x != before[id]) != changed {
			t.Errorf("chunk %s rewritten = %v; want %v", id, x != before[id], changed)
		}
	}
	hits, err := lib.Search(ctx, retrieval.Query{Text: "intravenously", Mode: retrieval.Lexical})
	if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Chunk.Text, "intravenously") {
		t.Errorf("Search(intravenously) = %v, %v; want the new text", hits, err)
	}
	hits, _ = lib.Search(ctx, retrieval.Query{Text: "observe sedation", Mode: retrieval.Lexical})
	if len(hits) != 1 || !strings.Contains(hits[0].Chunk.Text, "intravenously") {
		t.Errorf("Search(observe sedation) = %v; want only the new text", hits)
	}
	checkStats(t, conn, schema, retrieval.DefaultTenant)

	// Deleting keeps the statistics in step too.
	if _, err := lib.Ingest(ctx, "", []*guidance.Document{mkDoc("other", "1", guidance.Approved, "Opioid toxicity other guidance.")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "", "nal"); err != nil {
		t.Fatal(err)
	}
	checkStats(t, conn, schema, retrieval.DefaultTenant)
	if err := s.Delete(ctx, "", "other"); err != nil {
		t.Fatal(err)
	}
	checkStats(t, conn, schema, retrieval.DefaultTenant)
}

func TestClosed(t *testing.T) {
	s := newTestStore(t, pgstore.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v; want nil", err)
	}
	ctx := context.Background()
	if _, err := s.Search(ctx, retrieval.Query{Text: "x", Mode: retrieval.Lexical}); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Search after Close = %v; want ErrClosed", err)
	}
	if err := s.Put(ctx, "", []retrieval.Entry{mkEntry(mkDoc("a", "1", guidance.Approved, "x"), "m",
		func(*retrieval.Chunk) []float32 { return []float32{1} })}); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Put after Close = %v; want ErrClosed", err)
	}
}

// TestNewWithPool uses a caller's pool that registers no pgvector types:
// the store registers them per connection, and Close leaves the pool open.
func TestNewWithPool(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s, err := pgstore.NewWithPool(ctx, pool, pgstore.Options{Schema: testSchema(t)})
	if err != nil {
		t.Fatalf("NewWithPool = %v", err)
	}
	e := mkEntry(mkDoc("p", "1", guidance.Approved, "Pooled connections about oxygen."), "m",
		func(*retrieval.Chunk) []float32 { return []float32{0.6, 0.8} })
	if err := s.Put(ctx, "", []retrieval.Entry{e}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical} {
		hits, err := s.Search(ctx, retrieval.Query{Text: "oxygen", Vector: []float32{0.6, 0.8}, Mode: m})
		if err != nil || len(hits) != 1 {
			t.Errorf("Search(%v) = %d hits, %v; want 1", m, len(hits), err)
		}
	}
	got, err := s.CachedEmbeddings(ctx, "", "m", []string{e.Chunks[0].EmbedKey})
	if err != nil || len(got) != 1 || !slices.Equal(got[e.Chunks[0].EmbedKey], []float32{0.6, 0.8}) {
		t.Errorf("CachedEmbeddings = %v, %v; want the stored vector", got, err)
	}
	s.Close()
	if err := pool.Ping(ctx); err != nil {
		t.Errorf("pool after Store.Close: Ping = %v; want the caller's pool still open", err)
	}
	if _, err := pgstore.NewWithPool(ctx, nil, pgstore.Options{}); err == nil {
		t.Errorf("NewWithPool(nil) succeeded; want an error")
	}
}

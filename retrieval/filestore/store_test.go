package filestore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

// TestConformance runs the shared store suite against a memory-only store
// and against a file-backed one.
func TestConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, o retrievaltest.StoreOptions) retrieval.Store {
			s, err := Open("", Options{Now: o.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("file", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, o retrievaltest.StoreOptions) retrieval.Store {
			s, err := Open(filepath.Join(t.TempDir(), "store.bedside"), Options{Now: o.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			})
			return s
		})
	})
}

// checkAgainstReference compares the store's vector and lexical rankings
// of q with the reference computed from the specification.
func checkAgainstReference(t *testing.T, s *Store, q retrieval.Query) {
	t.Helper()
	vec, lex := reference(t, s, q)
	ctx := context.Background()
	if len(q.Vector) > 0 {
		q.Mode = retrieval.Vector
		hits, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%q, vector) = %v", q.Text, err)
		}
		if want := min(q.K, len(vec)); len(hits) != want {
			t.Fatalf("Search(%q, vector) = %d hits; want %d", q.Text, len(hits), want)
		}
		for i, h := range hits {
			// float32 SIMD sums differ from the float64 reference in the last
			// bits, so near-ties may swap.
			if h.Chunk.ID != vec[i].id && math.Abs(h.VectorScore-vec[i].score) > 1e-5 {
				t.Errorf("Search(%q, vector) hit %d = %s (%v); want %s (%v)", q.Text, i, h.Chunk.ID, h.VectorScore, vec[i].id, vec[i].score)
			}
			if math.Abs(h.VectorScore-vec[i].score) > 1e-5 || h.Score != h.VectorScore || h.VectorRank != i+1 {
				t.Errorf("Search(%q, vector) hit %d: score %v, leg %v, rank %d; want %v, rank %d", q.Text, i, h.Score, h.VectorScore, h.VectorRank, vec[i].score, i+1)
			}
		}
	}
	q.Mode = retrieval.Lexical
	hits, err := s.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%q, lexical) = %v", q.Text, err)
	}
	if want := min(q.K, len(lex)); len(hits) != want {
		t.Fatalf("Search(%q, lexical) = %d hits; want %d", q.Text, len(hits), want)
	}
	for i, h := range hits {
		if h.Chunk.ID != lex[i].id || h.LexicalScore != lex[i].score || h.Score != h.LexicalScore || h.LexicalRank != i+1 {
			t.Errorf("Search(%q, lexical) hit %d = %s (%v, rank %d); want %s (%v)", q.Text, i, h.Chunk.ID, h.LexicalScore, h.LexicalRank, lex[i].id, lex[i].score)
		}
	}
}

func TestRankingMatchesSpecification(t *testing.T) {
	clock := &retrievaltest.Clock{}
	s := openMem(t, clock.Now)
	sy := newSynth(3, 32)
	ctx := context.Background()
	// Several batches, so the reference length drifts and weights are redone;
	// then replacements and deletions, so tombstones and compaction happen.
	for b := range 5 {
		es := sy.entries(b*40, 40, 1+b)
		for i := range es {
			if i%7 == 3 {
				es[i].Document.Status = guidance.Draft
			}
		}
		if err := s.Put(ctx, "", es); err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, s)
	}
	for i := 0; i < 200; i += 3 {
		if err := s.Delete(ctx, "", fmt.Sprintf("doc%06d", i)); err != nil {
			t.Fatal(err)
		}
	}
	checkInvariants(t, s)
	repl := sy.entries(10, 30, 2) // new content for doc000010..doc000039
	if err := s.Put(ctx, "", repl); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, s)

	qs := newSynth(4, 32)
	filters := []retrieval.Filter{
		{},
		{Publishers: []string{"pub-07", "pub-11", "pub-07"}},
		{Specialties: []string{"spec-3"}},
		{Specialties: []string{"spec-3", "spec-4"}, Publishers: []string{"pub-13", "pub-14", "pub-23"}},
		{DocumentIDs: []string{"doc000011", "doc000050", "nope"}},
		{Tags: []string{"none"}},
	}
	for i := range 30 {
		q := retrieval.Query{Text: qs.words(1 + i%5), Vector: qs.vector(), K: 1 + i*7%40, Filter: filters[i%len(filters)]}
		checkAgainstReference(t, s, q)
	}
}

func TestTiesBreakByChunkID(t *testing.T) {
	s := openMem(t, nil)
	ctx := context.Background()
	// Four single-chunk documents with the same text and the same vector.
	var entries []retrieval.Entry
	for _, id := range []string{"d", "b", "c", "a"} {
		e := entry(t, testDoc(id, "1", guidance.Approved, "Identical text about oxygen."))
		e.Vectors[0] = embed(t, "same vector")
		entries = append(entries, e)
	}
	if err := s.Put(ctx, "", entries); err != nil {
		t.Fatal(err)
	}
	for _, m := range []retrieval.Mode{retrieval.Vector, retrieval.Lexical, retrieval.Hybrid} {
		for k := 1; k <= 4; k++ {
			hits, err := s.Search(ctx, retrieval.Query{Text: "oxygen", Vector: embed(t, "same vector"), Mode: m, K: k})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Document.ID)
			}
			if want := []string{"a", "b", "c", "d"}[:k]; !slices.Equal(got, want) {
				t.Errorf("Search(%v, K=%d) = %v; want %v", m, k, got, want)
			}
		}
	}
}

func TestGovernance(t *testing.T) {
	ctx := context.Background()
	clock := &retrievaltest.Clock{}
	s := openMem(t, clock.Now)
	info := func(id, version string) retrieval.DocumentInfo {
		t.Helper()
		docs, err := s.Documents(ctx, "", id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Version == version {
				return d
			}
		}
		t.Fatalf("Documents(%s) has no version %s", id, version)
		return retrieval.DocumentInfo{}
	}

	// A first approved version without dates keeps its zero ApprovedAt.
	put(t, s, "", testDoc("g", "1", guidance.Approved, "Glucose monitoring."))
	if got := info("g", "1"); !got.ApprovedAt.IsZero() || !got.StoredAt.Equal(t0) {
		t.Errorf("g@1 ApprovedAt %v StoredAt %v; want zero and %v", got.ApprovedAt, got.StoredAt, t0)
	}
	// A superseding version records when it took over.
	clock.Set(t0.Add(time.Hour))
	put(t, s, "", testDoc("g", "2", guidance.Approved, "Glucose monitoring hourly."))
	if got := info("g", "2"); !got.ApprovedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("g@2 ApprovedAt = %v; want %v", got.ApprovedAt, t0.Add(time.Hour))
	}
	if got := info("g", "1"); got.Status != guidance.Superseded || !got.SupersededAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("g@1 = %s at %v; want superseded at %v", got.Status, got.SupersededAt, t0.Add(time.Hour))
	}
	// Statuses given without their time get now.
	clock.Set(t0.Add(2 * time.Hour))
	put(t, s, "", testDoc("w", "1", guidance.Withdrawn, "Withdrawn text."), testDoc("s", "1", guidance.Superseded, "Old text."))
	if got := info("w", "1"); !got.WithdrawnAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("w@1 WithdrawnAt = %v; want now", got.WithdrawnAt)
	}
	if got := info("s", "1"); !got.SupersededAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("s@1 SupersededAt = %v; want now", got.SupersededAt)
	}
	// Withdrawing again keeps the first withdrawal time, so audits stay true.
	clock.Set(t0.Add(3 * time.Hour))
	if err := s.SetStatus(ctx, "", retrieval.StatusChange{ID: "w", Status: guidance.Withdrawn}); err != nil {
		t.Fatal(err)
	}
	if got := info("w", "1"); !got.WithdrawnAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("re-withdrawn w@1 WithdrawnAt = %v; want %v", got.WithdrawnAt, t0.Add(2*time.Hour))
	}
	// Approval with an explicit time in the future: the old version stays in
	// force until then.
	put(t, s, "", testDoc("g", "3", guidance.Draft, "Glucose monitoring draft."))
	at := t0.Add(10 * time.Hour)
	if err := s.SetStatus(ctx, "", retrieval.StatusChange{ID: "g", Version: "3", Status: guidance.Approved, By: "Board", At: at}); err != nil {
		t.Fatal(err)
	}
	if got := info("g", "3"); got.ApprovedBy != "Board" || !got.ApprovedAt.Equal(at) {
		t.Errorf("g@3 approved by %q at %v; want Board at %v", got.ApprovedBy, got.ApprovedAt, at)
	}
	if got := info("g", "2"); !got.SupersededAt.Equal(at) {
		t.Errorf("g@2 SupersededAt = %v; want %v", got.SupersededAt, at)
	}
	// An unchanged re-put changes nothing, not even a superseded status.
	before, _ := s.Documents(ctx, "")
	put(t, s, "", testDoc("g", "1", guidance.Approved, "Glucose monitoring."))
	after, _ := s.Documents(ctx, "")
	if !reflect.DeepEqual(before, after) {
		t.Errorf("re-put of an unchanged version changed Documents()")
	}
	// Replacing a version keeps its StoredAt and order.
	clock.Set(t0.Add(4 * time.Hour))
	put(t, s, "", testDoc("s", "1", guidance.Superseded, "Old text, corrected."))
	if got := info("s", "1"); !got.StoredAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("replaced s@1 StoredAt = %v; want the first %v", got.StoredAt, t0.Add(2*time.Hour))
	}
	checkInvariants(t, s)
}

func TestPutChecksEntries(t *testing.T) {
	ctx := context.Background()
	s := openMem(t, nil)
	good := entry(t, testDoc("a", "1", guidance.Approved, "Alpha."))
	cases := []struct {
		name string
		mod  func(e *retrieval.Entry)
		want string
	}{
		{"no document", func(e *retrieval.Entry) { e.Document = nil }, "filestore: put: entry 1 has no document"},
		{"invalid", func(e *retrieval.Entry) { e.Document.Status = "aproved" }, `filestore: put b@1: status: unknown status "aproved"`},
		{"vector count", func(e *retrieval.Entry) { e.Vectors = nil }, "filestore: put b@1: 0 vectors for 1 chunks"},
		{"ragged vectors", func(e *retrieval.Entry) {
			e.Chunks = append(e.Chunks, e.Chunks[0])
			e.Chunks[1].ID = "x"
			e.Vectors = append(e.Vectors, make([]float32, 5))
		}, "filestore: put b@1: chunk 1: vector has 5 dimensions; want 32"},
		{"foreign chunk", func(e *retrieval.Entry) { e.Chunks[0].DocumentID = "z" }, "filestore: put b@1: chunk 0 belongs to z@1"},
		{"duplicate chunk", func(e *retrieval.Entry) {
			e.Chunks = append(e.Chunks, e.Chunks[0])
			e.Vectors = append(e.Vectors, e.Vectors[0])
		}, "filestore: put b@1: duplicate chunk ID b@1/0.0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := entry(t, testDoc("b", "1", guidance.Approved, "Beta."))
			c.mod(&bad)
			err := s.Put(ctx, "", []retrieval.Entry{good, bad})
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("Put(%s) = %v; want %q", c.name, err, c.want)
			}
			if docs, _ := s.Documents(ctx, ""); len(docs) != 0 {
				t.Errorf("Put(%s) wrote %d versions; want none", c.name, len(docs))
			}
		})
	}
	// Dimensions are fixed by the first vectors.
	put(t, s, "", testDoc("a", "1", guidance.Approved, "Alpha."))
	e := entry(t, testDoc("c", "1", guidance.Approved, "Gamma."))
	e.Vectors[0] = append(e.Vectors[0], 0)
	var de *retrieval.DimensionError
	if err := s.Put(ctx, "", []retrieval.Entry{e}); !errors.As(err, &de) || de.Want != 32 || de.Got != 33 {
		t.Errorf("Put of 33-dimensional vectors = %v; want DimensionError{32, 33}", err)
	}
	if _, err := s.Search(ctx, retrieval.Query{Vector: make([]float32, 3), Mode: retrieval.Vector}); !errors.As(err, &de) {
		t.Errorf("Search with 3 dimensions = %v; want DimensionError", err)
	}
	// Options.Dimension fixes it up front.
	s2, _ := Open("", Options{Dimension: 16})
	if err := s2.Put(ctx, "", []retrieval.Entry{entry(t, testDoc("a", "1", guidance.Approved, "Alpha."))}); !errors.As(err, &de) || de.Want != 16 {
		t.Errorf("Put into a 16-dimensional store = %v; want DimensionError", err)
	}
}

func TestHitsAreCopies(t *testing.T) {
	ctx := context.Background()
	s := openMem(t, nil)
	d := testDoc("c", "1", guidance.Approved, "Copy semantics for hits.")
	d.Tags = []string{"keep"}
	put(t, s, "", d)
	d.Tags[0] = "changed by caller" // the store kept its own copy
	q := retrieval.Query{Text: "copy semantics", Mode: retrieval.Lexical, Filter: retrieval.Filter{Tags: []string{"keep"}}}
	hits, err := s.Search(ctx, q)
	if err != nil || len(hits) != 1 {
		t.Fatalf("Search = %d hits, %v; want 1", len(hits), err)
	}
	hits[0].Document.Tags[0] = "mutated"
	hits[0].Chunk.Heading[0] = "mutated"
	again, _ := s.Search(ctx, q)
	if len(again) != 1 || again[0].Document.Tags[0] != "keep" || again[0].Chunk.Heading[0] != "Part 1" {
		t.Errorf("changing a returned hit changed the store: %+v", again)
	}
}

func TestCompaction(t *testing.T) {
	ctx := context.Background()
	s := openMem(t, nil)
	sy := newSynth(5, 32)
	if err := s.Put(ctx, "", sy.entries(0, 100, 4)); err != nil {
		t.Fatal(err)
	}
	tn := s.tenants[retrieval.DefaultTenant]
	// Deleting up to a quarter of the rows leaves tombstones.
	for i := range 25 {
		if err := s.Delete(ctx, "", fmt.Sprintf("doc%06d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if tn.dead != 100 || len(tn.chunks) != 400 {
		t.Fatalf("after deleting 25%%: %d dead of %d rows; want 100 of 400", tn.dead, len(tn.chunks))
	}
	checkInvariants(t, s)
	q := retrieval.Query{Text: newSynth(6, 32).words(3), Vector: newSynth(6, 32).vector(), K: 20}
	checkAgainstReference(t, s, q)
	// Deleting changes N and df, hence lexical scores, but not vector ones.
	vq := q
	vq.Mode = retrieval.Vector
	before, _ := s.Search(ctx, vq)
	// One more crosses the threshold.
	if err := s.Delete(ctx, "", "doc000025"); err != nil {
		t.Fatal(err)
	}
	if tn.dead != 0 || len(tn.chunks) != 296 || len(tn.vecs) != 296*32 {
		t.Fatalf("after compaction: %d dead, %d rows, %d vector values; want 0, 296, %d", tn.dead, len(tn.chunks), len(tn.vecs), 296*32)
	}
	checkInvariants(t, s)
	checkAgainstReference(t, s, q)
	after, _ := s.Search(ctx, vq)
	var b, a []string
	for _, h := range before {
		if h.Document.ID != "doc000025" {
			b = append(b, h.Chunk.ID)
		}
	}
	for _, h := range after[:len(b)] {
		a = append(a, h.Chunk.ID)
	}
	if !slices.Equal(a, b) {
		t.Errorf("vector ranking changed by compaction:\n got %v\nwant %v", a, b)
	}
	// Replacing versions also tombstones and compacts.
	for range 3 {
		if err := s.Put(ctx, "", newSynth(7, 32).entries(30, 70, 3)); err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, s)
	}
	// The embedding cache follows rows through compaction.
	cache, err := s.CachedEmbeddings(ctx, "", "synthetic", []string{tn.chunks[0].EmbedKey, tn.chunks[len(tn.chunks)-1].EmbedKey})
	if err != nil || len(cache) != 2 {
		t.Fatalf("CachedEmbeddings = %d, %v; want 2", len(cache), err)
	}
	for i := 0; i < 40; i++ {
		s.Delete(ctx, "", fmt.Sprintf("doc%06d", 30+i))
	}
	checkInvariants(t, s)
	for r, v := range tn.rowVer {
		if v == nil {
			continue
		}
		got, _ := s.CachedEmbeddings(ctx, "", "synthetic", []string{tn.chunks[r].EmbedKey})
		if !slices.Equal(got[tn.chunks[r].EmbedKey], tn.vector(r, 32)) {
			t.Fatalf("CachedEmbeddings for row %d returned another row's vector", r)
		}
	}
}

func TestTenantsAreIndependent(t *testing.T) {
	ctx := context.Background()
	s := openMem(t, nil)
	put(t, s, "a", testDoc("x", "1", guidance.Approved, "Shared hyperkalaemia wording."))
	q := retrieval.Query{Tenant: "a", Text: "hyperkalaemia", Mode: retrieval.Lexical}
	before, _ := s.Search(ctx, q)
	// Lexical statistics are per tenant: filling tenant b changes nothing in a.
	sy := newSynth(8, 32)
	es := sy.entries(0, 50, 2)
	for i := range es {
		es[i].Chunks[0].Text += " hyperkalaemia"
	}
	if err := s.Put(ctx, "b", es); err != nil {
		t.Fatal(err)
	}
	put(t, s, "b", testDoc("x", "1", guidance.Approved, "Other tenant's hyperkalaemia text."))
	after, _ := s.Search(ctx, q)
	if len(after) != 1 || after[0].Score != before[0].Score {
		t.Errorf("tenant a's BM25 score changed from %v to %v when tenant b grew", before[0].Score, after[0].Score)
	}
	if err := s.Delete(ctx, "b", "x"); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, q); len(hits) != 1 || hits[0].Chunk.Text != "Shared hyperkalaemia wording." {
		t.Errorf("Delete in tenant b changed tenant a: %+v", hits)
	}
	if err := s.Delete(ctx, "", "x"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("Delete(default tenant, x) = %v; want ErrNotFound", err)
	}
	checkInvariants(t, s)
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	s, _ := Open("", Options{})
	put(t, s, "", testDoc("a", "1", guidance.Approved, "Alpha."))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v; want nil", err)
	}
	calls := map[string]error{
		"Put":       s.Put(ctx, "", []retrieval.Entry{entry(t, testDoc("b", "1", guidance.Approved, "B."))}),
		"Delete":    s.Delete(ctx, "", "a"),
		"SetStatus": s.SetStatus(ctx, "", retrieval.StatusChange{ID: "a", Status: guidance.Withdrawn}),
		"Flush":     s.Flush(ctx),
	}
	_, calls["Search"] = s.Search(ctx, retrieval.Query{Text: "alpha", Mode: retrieval.Lexical})
	_, calls["Documents"] = s.Documents(ctx, "")
	_, calls["CachedEmbeddings"] = s.CachedEmbeddings(ctx, "", "m", []string{"k"})
	for name, err := range calls {
		if !errors.Is(err, retrieval.ErrClosed) {
			t.Errorf("%s after Close = %v; want ErrClosed", name, err)
		}
	}
}

// TestConcurrency runs writers, readers and flushes at once; run it with
// -race. Readers check that every search sees whole versions only.
func TestConcurrency(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.bedside")
	clock := &retrievaltest.Clock{}
	s, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const docs, sections = 8, 4
	version := func(id, n int) *guidance.Document {
		var ps []string
		for i := range sections {
			ps = append(ps, fmt.Sprintf("Concurrency marker paragraph %d revision r%d.", i, n))
		}
		return testDoc(fmt.Sprintf("c%d", id), fmt.Sprint(n), guidance.Approved, ps...)
	}
	for i := range docs {
		put(t, s, "", version(i, 0))
	}
	sy := newSynth(9, 32)
	junk := sy.entries(0, 40, 3)
	if err := s.Put(ctx, "", junk); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errc := make(chan error, 16)
	for r := range 4 {
		wg.Go(func() {
			modes := []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := i % docs
				hits, err := s.Search(ctx, retrieval.Query{Text: "concurrency marker paragraph", Vector: embed(t, "concurrency marker"),
					Mode: modes[(r+i)%3], K: 50, Filter: retrieval.Filter{DocumentIDs: []string{fmt.Sprintf("c%d", id)}}})
				if err != nil {
					errc <- err
					return
				}
				vs := map[string]int{}
				for _, h := range hits {
					vs[h.Document.Version]++
				}
				if len(vs) != 1 || len(hits) != sections {
					errc <- fmt.Errorf("search of c%d saw versions %v in %d hits", id, vs, len(hits))
					return
				}
				if _, err := s.CachedEmbeddings(ctx, "", "retrievaltest-fake", []string{hits[0].Chunk.EmbedKey}); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.Flush(ctx); err != nil {
				errc <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
	for n := 1; n <= 15; n++ {
		clock.Advance(time.Minute)
		for i := range docs {
			put(t, s, "", version(i, n))
		}
		if n%5 == 0 {
			// Drop and restore other documents, so compaction runs under readers.
			for _, e := range junk {
				if err := s.Delete(ctx, "", e.Document.ID); err != nil {
					t.Error(err)
				}
			}
			if err := s.Put(ctx, "", junk); err != nil {
				t.Error(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	checkInvariants(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkInvariants(t, s2)
	docsAfter, _ := s2.Documents(ctx, "")
	if want := docs*16 + len(junk); len(docsAfter) != want {
		t.Errorf("reopened store has %d versions; want %d", len(docsAfter), want)
	}
}

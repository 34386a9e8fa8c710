package pgstore_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

// medquadDir is the shared MedQuAD data, relative to this package.
const medquadDir = "../../../shared/data/medquad"

type passage struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// decodeJSONL decodes every line of a JSON Lines file.
func decodeJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// readJSONL decodes a JSON Lines file, skipping the test if it is absent.
func readJSONL[T any](tb testing.TB, path string) []T {
	tb.Helper()
	out, err := decodeJSONL[T](path)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("%s not found; skipping", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// passageDoc makes an approved one-section document of a passage.
func passageDoc(p passage) *guidance.Document {
	d := mkDoc(p.ID, "1", guidance.Approved, p.Text)
	d.Title = p.Title
	return d
}

// refBM25 is a straightforward in-memory BM25 index following the shared
// semantics (see HELPERS.md and internal/bm25), to check the store against.
type refBM25 struct {
	ref    float64
	chunks map[string]refChunk
	df     map[uint32]int
	total  int64
}

type refChunk struct {
	doc string
	tf  map[uint32]int
	dl  int
	w   map[uint32]float32
}

func (r *refBM25) add(entries []retrieval.Entry) {
	for _, e := range entries {
		for _, c := range e.Chunks {
			tf, dl := terms.Counts(c.IndexText())
			rc := refChunk{doc: e.Document.ID, tf: map[uint32]int{}, dl: dl}
			for t, n := range tf {
				rc.tf[terms.ID(t)] += n // colliding IDs are one term
			}
			for id := range rc.tf {
				r.df[id]++
			}
			r.chunks[c.ID] = rc
			r.total += int64(dl)
		}
	}
	r.settle()
}

func (r *refBM25) remove(doc string) {
	for id, c := range r.chunks {
		if c.doc == doc {
			for t := range c.tf {
				r.df[t]--
			}
			r.total -= int64(c.dl)
			delete(r.chunks, id)
		}
	}
	r.settle()
}

// settle re-weights every chunk against the true average length if it
// drifted, and weights the chunks that have none against the reference.
func (r *refBM25) settle() {
	avg := 0.0
	if len(r.chunks) > 0 {
		avg = float64(r.total) / float64(len(r.chunks))
	}
	all := bm25.NeedsReweight(r.ref, avg)
	if all {
		r.ref = avg
	}
	for id, c := range r.chunks {
		if c.w != nil && !all {
			continue
		}
		c.w = make(map[uint32]float32, len(c.tf))
		for t, n := range c.tf {
			c.w[t] = float32(bm25.Weight(n, c.dl, r.ref))
		}
		r.chunks[id] = c
	}
}

type scored struct {
	id    string
	score float64
}

func (r *refBM25) search(text string, k int) []scored {
	seen := map[uint32]bool{}
	var out []scored
	idf := map[uint32]float64{}
	for _, t := range terms.Analyze(text) {
		id := terms.ID(t)
		if seen[id] || r.df[id] == 0 {
			continue
		}
		seen[id] = true
		idf[id] = float64(float32(bm25.IDF(len(r.chunks), r.df[id])))
	}
	for cid, c := range r.chunks {
		s, hit := 0.0, false
		for t, f := range idf {
			if w, ok := c.w[t]; ok {
				s += f * float64(w)
				hit = true
			}
		}
		if hit {
			out = append(out, scored{cid, s})
		}
	}
	slices.SortFunc(out, func(a, b scored) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id)) })
	return out[:min(k, len(out))]
}

// TestBM25Agreement checks the store's lexical ranking against refBM25 on
// MedQuAD passages, loaded in batches of growing length so that the SQL
// re-weighting runs, and after a deletion.
func TestBM25Agreement(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MedQuAD passages")
	}
	ctx := context.Background()
	corpus := readJSONL[passage](t, filepath.Join(medquadDir, "corpus.jsonl"))
	queries := readJSONL[passage](t, filepath.Join(medquadDir, "queries.jsonl"))
	schema := testSchema(t)
	pgstore.SetReweightPage(t, 100) // re-weight in several pages
	var logs strings.Builder
	s := newTestStore(t, pgstore.Options{Schema: schema, Logger: slog.New(slog.NewTextHandler(&logs, nil))})

	// Every 40th passage: about 400, from every source.
	var picked []passage
	for i := 0; i < len(corpus); i += 40 {
		picked = append(picked, corpus[i])
	}
	// Shortest first, so that the average length grows from batch to batch.
	slices.SortStableFunc(picked, func(a, b passage) int { return cmp.Compare(len(a.Text), len(b.Text)) })
	ref := &refBM25{chunks: map[string]refChunk{}, df: map[uint32]int{}}
	vec := func(*retrieval.Chunk) []float32 { return []float32{0.5, 0.5, 0.5, 0.5} }
	const batches = 4
	for b := range batches {
		var entries []retrieval.Entry
		for _, p := range picked[b*len(picked)/batches : (b+1)*len(picked)/batches] {
			entries = append(entries, mkEntry(passageDoc(p), "m", vec))
		}
		if err := s.Put(ctx, "", entries); err != nil {
			t.Fatal(err)
		}
		ref.add(entries)
	}
	deleted := picked[len(picked)-1].ID // the longest passage
	if err := s.Delete(ctx, "", deleted); err != nil {
		t.Fatal(err)
	}
	ref.remove(deleted)
	checkStats(t, dbConn(t), schema, retrieval.DefaultTenant)
	if err := s.Optimize(ctx); err != nil { // as Library.Ingest does: index, ANALYZE
		t.Fatal(err)
	}
	reweights := strings.Count(logs.String(), "re-weighted BM25")
	if reweights == 0 {
		t.Errorf("no BM25 re-weighting happened; the test means to check it")
	}
	t.Logf("%d re-weightings of stored chunks", reweights)
	t.Logf("%d passages, %d chunks, reference average length %.2f", len(picked)-1, len(ref.chunks), ref.ref)

	// The questions about the picked passages (and, for variety, others').
	want := map[string]bool{}
	for _, p := range picked {
		want[p.ID] = true
	}
	var qs []string
	for i, q := range queries {
		if want[q.ID] || i%97 == 0 {
			qs = append(qs, q.Text)
		}
	}
	start := time.Now()
	var inStore time.Duration
	same, n := 0, 0
	maxRel := 0.0
	for _, q := range qs {
		wantTop := ref.search(q, 10)
		t0 := time.Now()
		hits, err := s.Search(ctx, retrieval.Query{Text: q, Mode: retrieval.Lexical, K: 10})
		if err != nil {
			t.Fatal(err)
		}
		inStore += time.Since(t0)
		n++
		ids := func() (g, w []string) {
			for _, h := range hits {
				g = append(g, h.Chunk.ID)
			}
			for _, s := range wantTop {
				w = append(w, s.id)
			}
			return g, w
		}
		got, wantIDs := ids()
		if slices.Equal(got, wantIDs) {
			same++
		} else {
			t.Logf("query %q: store %v; reference %v", q, got, wantIDs)
		}
		for i, h := range hits {
			if i >= len(wantTop) || h.Chunk.ID != wantTop[i].id {
				continue
			}
			rel := math.Abs(h.Score-wantTop[i].score) / math.Max(math.Abs(wantTop[i].score), 1e-12)
			maxRel = max(maxRel, rel)
			if rel > 1e-4 {
				t.Errorf("query %q: %s scores %v; reference %v", q, h.Chunk.ID, h.Score, wantTop[i].score)
			}
		}
	}
	t.Logf("%d queries in %v, of which %v in the store's Search", n, time.Since(start), inStore)
	frac := float64(same) / float64(n)
	t.Logf("%d of %d queries (%.2f%%) have the reference's top-10 chunk IDs in order; largest relative score difference %.2g",
		same, n, 100*frac, maxRel)
	if frac < 0.99 {
		t.Errorf("only %.2f%% of queries agree with the reference top 10; want >= 99%%", 100*frac)
	}
}

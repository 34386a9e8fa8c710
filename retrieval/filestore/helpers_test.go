package filestore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testDoc returns a document with one section per paragraph.
func testDoc(id, version string, st guidance.Status, paragraphs ...string) *guidance.Document {
	d := &guidance.Document{Metadata: guidance.Metadata{
		ID: id, Title: "Guidance " + id, Version: version, Status: st, Publisher: "Test Trust",
	}}
	var b strings.Builder
	for i, p := range paragraphs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		d.Sections = append(d.Sections, guidance.Section{Heading: []string{fmt.Sprintf("Part %d", i+1)}, Text: p, Offset: b.Len()})
		b.WriteString(p)
	}
	d.Body = b.String()
	return d
}

// entry chunks and embeds d with the suite's fake embedder.
func entry(tb testing.TB, d *guidance.Document) retrieval.Entry {
	tb.Helper()
	var ck retrieval.Chunker
	emb := &retrievaltest.Embedder{}
	chunks := ck.Split(d)
	texts := make([]string, len(chunks))
	for i := range chunks {
		texts[i] = chunks[i].IndexText()
	}
	vecs, err := emb.Embed(context.Background(), texts)
	if err != nil {
		tb.Fatal(err)
	}
	return retrieval.Entry{Document: d, Chunks: chunks, Vectors: vecs, Model: emb.Model()}
}

func put(tb testing.TB, s *Store, tenant string, docs ...*guidance.Document) {
	tb.Helper()
	entries := make([]retrieval.Entry, len(docs))
	for i, d := range docs {
		entries[i] = entry(tb, d)
	}
	if err := s.Put(context.Background(), tenant, entries); err != nil {
		tb.Fatalf("Put(%s) = %v", tenant, err)
	}
}

func embed(tb testing.TB, text string) []float32 {
	tb.Helper()
	v, err := (&retrievaltest.Embedder{}).Embed(context.Background(), []string{text})
	if err != nil {
		tb.Fatal(err)
	}
	return v[0]
}

func openMem(tb testing.TB, now func() time.Time) *Store {
	tb.Helper()
	s, err := Open("", Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// checkInvariants verifies the store's internal consistency: row tables,
// version ranges, lexical statistics (recomputed from the chunk texts) and
// stored weights.
func checkInvariants(tb testing.TB, s *Store) {
	tb.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for name, t := range s.tenants {
		fail := func(format string, args ...any) {
			tb.Helper()
			tb.Errorf("tenant %s: %s", name, fmt.Sprintf(format, args...))
		}
		rows := len(t.chunks)
		if len(t.rowVer) != rows || len(t.dl) != rows || len(t.vecs) != rows*s.dim {
			fail("row tables: %d chunks, %d rowVer, %d dl, %d vector values (dim %d)", rows, len(t.rowVer), len(t.dl), len(t.vecs), s.dim)
			return
		}
		dead := 0
		for _, v := range t.rowVer {
			if v == nil {
				dead++
			}
		}
		if dead != t.dead {
			fail("dead = %d; counted %d", t.dead, dead)
		}
		seen := 0
		for i, v := range t.vers {
			if i > 0 && v.seq <= t.vers[i-1].seq {
				fail("versions out of seq order")
			}
			if v.seq >= t.nextSeq {
				fail("seq %d ≥ nextSeq %d", v.seq, t.nextSeq)
			}
			if int(v.n) != v.info.Chunks {
				fail("%s: n = %d; Chunks = %d", v.info.Key(), v.n, v.info.Chunks)
			}
			for r := v.start; r < v.start+v.n; r++ {
				if t.rowVer[r] != v {
					fail("%s: row %d belongs to another version", v.info.Key(), r)
				}
				if c := t.chunks[r]; c.DocumentID != v.info.ID || c.Version != v.info.Version {
					fail("row %d: chunk of %s@%s in version %s", r, c.DocumentID, c.Version, v.info.Key())
				}
			}
			seen += int(v.n)
			if !slices.Contains(t.docs[v.info.ID], v) {
				fail("%s missing from docs", v.info.Key())
			}
		}
		if seen != rows-dead {
			fail("versions cover %d rows; %d are live", seen, rows-dead)
		}
		nd := 0
		for _, vs := range t.docs {
			nd += len(vs)
		}
		if nd != len(t.vers) {
			fail("docs hold %d versions; vers %d", nd, len(t.vers))
		}
		// Lexical statistics from scratch.
		var total int64
		df := make(map[uint32]int32)
		tfOf := make(map[[2]uint32]uint32) // (term, row) → tf
		for r, v := range t.rowVer {
			if v == nil {
				continue
			}
			tts, n := analyze(t.chunks[r].IndexText(), nil)
			if int(t.dl[r]) != n {
				fail("row %d: dl = %d; want %d", r, t.dl[r], n)
			}
			total += int64(n)
			for _, tt := range tts {
				df[tt.id]++
				tfOf[[2]uint32{tt.id, uint32(r)}] = tt.tf
			}
		}
		if total != t.totalLen {
			fail("totalLen = %d; want %d", t.totalLen, total)
		}
		livePostings := 0
		for id, pl := range t.post {
			if pl.df != df[id] {
				fail("term %d: df = %d; want %d", id, pl.df, df[id])
			}
			if len(pl.ps) != len(pl.tfs) {
				fail("term %d: %d postings, %d tfs", id, len(pl.ps), len(pl.tfs))
			}
			for i, p := range pl.ps {
				if i > 0 && p.row <= pl.ps[i-1].row {
					fail("term %d: postings out of row order", id)
				}
				if t.rowVer[p.row] == nil {
					continue
				}
				livePostings++
				tf, ok := tfOf[[2]uint32{id, p.row}]
				if !ok || tf != pl.tfs[i] {
					fail("term %d row %d: tf = %d; want %d (present %v)", id, p.row, pl.tfs[i], tf, ok)
				}
				if w := float32(bm25.Weight(int(tf), int(t.dl[p.row]), t.avgdlRef)); p.w != w {
					fail("term %d row %d: weight %v; want %v", id, p.row, p.w, w)
				}
			}
		}
		for id, n := range df {
			if t.post[id] == nil && n > 0 {
				fail("term %d has df %d but no postings", id, n)
			}
		}
		if livePostings != len(tfOf) {
			fail("%d live postings; want %d", livePostings, len(tfOf))
		}
		if bm25.NeedsReweight(t.avgdlRef, t.avgdl()) {
			fail("avgdlRef %v is stale (actual %v)", t.avgdlRef, t.avgdl())
		}
	}
}

// refCand is a reference ranking entry.
type refCand struct {
	id    string
	score float64
}

// reference computes the expected vector and lexical rankings of q straight
// from the specification, over every chunk of every eligible version.
func reference(tb testing.TB, s *Store, q retrieval.Query) (vec, lex []refCand) {
	tb.Helper()
	q, err := q.Normalize(s.now())
	if err != nil {
		tb.Fatal(err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenants[q.Tenant]
	if t == nil {
		return nil, nil
	}
	n := t.live()
	var qids []uint32
	for _, term := range terms.Analyze(q.Text) {
		qids = append(qids, terms.ID(term))
	}
	slices.Sort(qids)
	qids = slices.Compact(qids)
	// df over every live chunk of the tenant, whatever its status.
	df := make(map[uint32]int)
	for r, v := range t.rowVer {
		if v == nil {
			continue
		}
		tts, _ := analyze(t.chunks[r].IndexText(), nil)
		for _, tt := range tts {
			df[tt.id]++
		}
	}
	for r, v := range t.rowVer {
		if v == nil {
			continue
		}
		m := &v.info.Metadata
		if !m.InForce(q.AsOf) || !q.Filter.Match(m) || (q.ExcludeOverdue && m.ReviewOverdue(q.AsOf)) {
			continue
		}
		c := &t.chunks[r]
		if len(q.Vector) > 0 {
			var dot float64
			vv := t.vecs[r*s.dim : (r+1)*s.dim]
			for i := range vv {
				dot += float64(vv[i]) * float64(q.Vector[i])
			}
			vec = append(vec, refCand{c.ID, dot})
		}
		tts, dl := analyze(c.IndexText(), nil)
		var score float32
		found := false
		for _, id := range qids {
			i := slices.IndexFunc(tts, func(tt termTF) bool { return tt.id == id })
			if i < 0 || df[id] == 0 {
				continue
			}
			found = true
			idf := float32(bm25.IDF(n, df[id]))
			w := float32(bm25.Weight(int(tts[i].tf), dl, t.avgdlRef))
			score = exactFMA32(idf, w, score) // pgvector's accumulation, fused
		}
		if found {
			lex = append(lex, refCand{c.ID, float64(score)})
		}
	}
	order := func(a, b refCand) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	}
	slices.SortFunc(vec, order)
	slices.SortFunc(lex, order)
	return vec, lex
}

package filestore

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/viterin/vek/vek32"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
)

// scratch holds per-query working memory, reused through Store.pool so that
// a query allocates nothing in proportion to the number of chunks.
type scratch struct {
	vers    []*version // eligible versions
	cands   []*version // filter candidates
	mask    []uint64   // eligible rows of a filtered query, one bit each
	acc     []float32  // lexical score accumulators, all zero between queries
	touched []uint32   // rows with a non-zero accumulator
	qterms  []uint32
	vheap   []cand
	lheap   []cand
}

// A cand is a row and its score in one leg.
type cand struct {
	score float32
	row   uint32
}

// binarySearchCost is roughly how many postings a sequential scan checks
// in the time one step of a binary search takes (a likely cache miss).
const binarySearchCost = 8

// ctxCheckRows is how many rows the vector leg scans between checks of ctx.
const ctxCheckRows = 1 << 14

// Search returns up to q.K hits, best first. See the package documentation
// for how each mode ranks.
func (s *Store) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	q, err := q.Normalize(s.now())
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, retrieval.ErrClosed
	}
	useVec := q.Mode != retrieval.Lexical
	if useVec && s.dim != 0 && len(q.Vector) != s.dim {
		return nil, fmt.Errorf("filestore: search: query %w", &retrieval.DimensionError{Want: s.dim, Got: len(q.Vector)})
	}
	t := s.tenants[q.Tenant]
	if t == nil || t.live() == 0 {
		return nil, nil
	}
	sc := s.pool.Get().(*scratch)
	defer s.pool.Put(sc)

	rs := t.eligible(&q, sc)
	vers := rs.vers
	if len(vers) == 0 {
		return nil, nil
	}
	switch q.Mode {
	case retrieval.Vector:
		top, err := t.vectorTop(ctx, q.Vector, vers, q.K, s.dim, sc)
		if err != nil {
			return nil, err
		}
		hits := make([]retrieval.Hit, len(top))
		for i, c := range top {
			hits[i] = t.hit(c.row, q.AsOf)
			hits[i].Score = float64(c.score)
			hits[i].VectorScore = float64(c.score)
			hits[i].VectorRank = i + 1
		}
		return hits, nil
	case retrieval.Lexical:
		top := t.lexicalTop(q.Text, rs, q.K, sc)
		hits := make([]retrieval.Hit, len(top))
		for i, c := range top {
			hits[i] = t.hit(c.row, q.AsOf)
			hits[i].Score = float64(c.score)
			hits[i].LexicalScore = float64(c.score)
			hits[i].LexicalRank = i + 1
		}
		return hits, nil
	}

	depth := retrieval.Depth(q.K)
	vtop, err := t.vectorTop(ctx, q.Vector, vers, depth, s.dim, sc)
	if err != nil {
		return nil, err
	}
	ltop := t.lexicalTop(q.Text, rs, depth, sc)
	rows := make(map[string]uint32, len(vtop)+len(ltop))
	ranked := func(top []cand) []retrieval.Ranked {
		out := make([]retrieval.Ranked, len(top))
		for i, c := range top {
			id := t.chunks[c.row].ID
			out[i] = retrieval.Ranked{ID: id, Score: float64(c.score)}
			rows[id] = c.row
		}
		return out
	}
	fused := retrieval.Fuse(ranked(vtop), ranked(ltop), q.K, q.Fusion)
	hits := make([]retrieval.Hit, len(fused))
	for i, f := range fused {
		h := t.hit(rows[f.ID], q.AsOf)
		h.Score = f.Score
		h.VectorRank, h.LexicalRank = f.VectorRank, f.LexicalRank
		h.VectorScore, h.LexicalScore = f.VectorScore, f.LexicalScore
		hits[i] = h
	}
	return hits, nil
}

// hit returns a hit for row with copies of its chunk and document.
func (t *tenant) hit(row uint32, asOf time.Time) retrieval.Hit {
	c := t.chunks[row]
	c.Heading = slices.Clone(c.Heading)
	v := t.rowVer[row]
	return retrieval.Hit{
		Chunk:         c,
		Document:      cloneInfo(&v.info),
		ReviewOverdue: v.info.ReviewOverdue(asOf),
	}
}

// A rowSet is the versions whose chunks a query may return, in seq order,
// and, when known, a bitmap of their rows.
type rowSet struct {
	vers []*version
	mask []uint64 // nil: not built yet (see buildMask), or all is set
	all  bool     // every row of the tenant is eligible: no mask needed
}

// eligible returns the versions whose chunks q may return: in force at
// q.AsOf, matching q.Filter, and not overdue if q.ExcludeOverdue; versions
// without chunks are left out. With a filter, only the versions that the
// filter's most selective field lets through are examined. Without one, the
// answer comes from a cache that holds until the next write or the next
// governance time (see eligibleSet).
func (t *tenant) eligible(q *retrieval.Query, sc *scratch) rowSet {
	if q.Filter.Empty() {
		return t.unfiltered(q.AsOf, q.ExcludeOverdue)
	}
	out := sc.vers[:0]
	for _, v := range t.filterCandidates(&q.Filter, sc) {
		m := &v.info.Metadata
		if v.n == 0 || !m.InForce(q.AsOf) || (q.ExcludeOverdue && m.ReviewOverdue(q.AsOf)) {
			continue
		}
		if !q.Filter.Match(m) {
			continue
		}
		out = append(out, v)
	}
	sc.vers = out
	return rowSet{vers: out}
}

// An eligibleSet is the answer to eligible for unfiltered queries at any
// time in [from, until) (a zero bound is open). Whether a version is in
// force or overdue changes only at its approval, effective, superseded,
// withdrawn and review-due times, so the set is the same between the
// latest of those at or before a query's time and the earliest after it.
// Writers drop it (tenant.invalidate); readers build it under the store's
// read lock, racing readers building the same thing.
type eligibleSet struct {
	from, until time.Time
	rowSet
}

func (e *eligibleSet) covers(t time.Time) bool {
	return (e.from.IsZero() || !t.Before(e.from)) && (e.until.IsZero() || t.Before(e.until))
}

// unfiltered returns the rows an unfiltered query at asOf may use.
func (t *tenant) unfiltered(asOf time.Time, excludeOverdue bool) rowSet {
	slot := &t.elig[0]
	if excludeOverdue {
		slot = &t.elig[1]
	}
	if e := slot.Load(); e != nil && e.covers(asOf) {
		return e.rowSet
	}
	e := &eligibleSet{}
	bound := func(b time.Time) {
		switch {
		case b.IsZero():
		case !asOf.Before(b):
			if b.After(e.from) {
				e.from = b
			}
		case e.until.IsZero() || b.Before(e.until):
			e.until = b
		}
	}
	rows := 0
	for _, v := range t.vers {
		m := &v.info.Metadata
		bound(m.ApprovedAt)
		bound(m.EffectiveFrom)
		bound(m.SupersededAt)
		bound(m.WithdrawnAt)
		if excludeOverdue && !m.ReviewDue.IsZero() {
			// ReviewOverdue(t) is t.After(ReviewDue): it turns true 1ns later.
			bound(m.ReviewDue.Add(time.Nanosecond))
		}
		if v.n == 0 || !m.InForce(asOf) || (excludeOverdue && m.ReviewOverdue(asOf)) {
			continue
		}
		e.vers = append(e.vers, v)
		rows += int(v.n)
	}
	if rows == len(t.chunks) {
		e.all = true
	} else {
		e.mask = buildMask(nil, e.vers, len(t.chunks))
	}
	slot.Store(e)
	return e.rowSet
}

// A filterIndex maps each value of a filterable field to the versions that
// have it, in seq order.
type filterIndex struct {
	publishers, jurisdictions, specialties, tags, audiences map[string][]*version
}

func buildFilterIndex(vers []*version) *filterIndex {
	fi := &filterIndex{
		publishers:    make(map[string][]*version),
		jurisdictions: make(map[string][]*version),
		specialties:   make(map[string][]*version),
		tags:          make(map[string][]*version),
		audiences:     make(map[string][]*version),
	}
	one := func(m map[string][]*version, val string, v *version) { m[val] = append(m[val], v) }
	many := func(m map[string][]*version, vals []string, v *version) {
		for i, val := range vals {
			if !slices.Contains(vals[:i], val) {
				m[val] = append(m[val], v)
			}
		}
	}
	for _, v := range vers {
		m := &v.info.Metadata
		one(fi.publishers, m.Publisher, v)
		one(fi.jurisdictions, m.Jurisdiction, v)
		many(fi.specialties, m.Specialties, v)
		many(fi.tags, m.Tags, v)
		many(fi.audiences, m.Audience, v)
	}
	return fi
}

// filterCandidates returns a superset of the versions matching f: those
// with a wanted value in f's most selective non-empty field.
func (t *tenant) filterCandidates(f *retrieval.Filter, sc *scratch) []*version {
	fi := t.filters.Load()
	if fi == nil {
		// Readers may race to build it; each builds the same thing.
		fi = buildFilterIndex(t.vers)
		t.filters.Store(fi)
	}
	fields := [...]struct {
		want []string
		idx  map[string][]*version // nil: by document ID
	}{
		{f.DocumentIDs, nil},
		{f.Publishers, fi.publishers},
		{f.Jurisdictions, fi.jurisdictions},
		{f.Specialties, fi.specialties},
		{f.Tags, fi.tags},
		{f.Audiences, fi.audiences},
	}
	lookup := func(i int, val string) []*version {
		if fields[i].idx == nil {
			return t.docs[val]
		}
		return fields[i].idx[val]
	}
	best, bestN := -1, math.MaxInt
	for i, fl := range fields {
		if len(fl.want) == 0 {
			continue
		}
		n := 0
		for _, val := range fl.want {
			n += len(lookup(i, val))
		}
		if n < bestN {
			best, bestN = i, n
		}
	}
	if best < 0 || bestN == 0 {
		return nil
	}
	if want := fields[best].want; len(want) == 1 {
		return lookup(best, want[0])
	}
	out := sc.cands[:0]
	for _, val := range fields[best].want {
		out = append(out, lookup(best, val)...)
	}
	slices.SortFunc(out, func(a, b *version) int { return cmp.Compare(a.seq, b.seq) })
	out = slices.Compact(out)
	sc.cands = out
	return out
}

// vectorTop ranks the rows of vers by dot product with qv and returns the
// best k, best first, ties by chunk ID.
func (t *tenant) vectorTop(ctx context.Context, qv []float32, vers []*version, k, dim int, sc *scratch) ([]cand, error) {
	h := topK{items: sc.vheap[:0], k: k, chunks: t.chunks}
	vecs := t.vecs
	scanned := 0
	for _, v := range vers {
		lo := int(v.start) * dim
		for r := v.start; r < v.start+v.n; r++ {
			s := vek32.Dot(qv, vecs[lo:lo+dim:lo+dim])
			lo += dim
			if len(h.items) == h.k && s < h.items[0].score {
				continue
			}
			h.offer(s, r)
		}
		scanned += int(v.n)
		if scanned >= ctxCheckRows {
			scanned = 0
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	sc.vheap = h.items
	return h.sorted(), nil
}

// lexicalTop ranks the rows of vers by BM25 for text and returns the best k
// rows containing a query term, best first, ties by chunk ID.
//
// The score of a row is Σ idf·w over the query's terms in ascending term-ID
// order, accumulated in float32 with fused multiply-adds: the inner product
// of the query's IDF vector and the row's weight vector exactly as
// pgvector's sparsevec computes it (see fmaf), so that both stores rank
// identically.
func (t *tenant) lexicalTop(text string, rs rowSet, k int, sc *scratch) []cand {
	vers, mask := rs.vers, rs.mask
	qt := sc.qterms[:0]
	for _, term := range terms.Analyze(text) {
		qt = append(qt, terms.ID(term))
	}
	slices.Sort(qt)
	qt = slices.Compact(qt)
	sc.qterms = qt
	n := t.live()
	rows := len(t.chunks)
	acc := sc.accumulator(rows)
	touched := sc.touched[:0]
	add := func(row uint32, idf, w float32) {
		a := acc[row]
		if a == 0 {
			touched = append(touched, row)
		}
		acc[row] = fmaf(idf, w, a)
	}
	for _, id := range qt { // ascending IDs: each row sums its terms in ID order
		pl := t.post[id]
		if pl == nil || pl.df <= 0 {
			continue
		}
		idf := float32(bm25.IDF(n, int(pl.df)))
		ps := pl.ps
		if rs.all {
			for _, p := range ps {
				add(p.row, idf, p.w)
			}
			continue
		}
		if len(vers)*(bits.Len(uint(len(ps)))+2)*binarySearchCost < len(ps) {
			// Few eligible versions and a long list: find each version's rows
			// by binary search (postings are in row order, a version's rows
			// are contiguous).
			for _, v := range vers {
				i, j := 0, len(ps)
				for i < j {
					if m := int(uint(i+j) >> 1); ps[m].row < v.start {
						i = m + 1
					} else {
						j = m
					}
				}
				for end := v.start + v.n; i < len(ps) && ps[i].row < end; i++ {
					add(ps[i].row, idf, ps[i].w)
				}
			}
			continue
		}
		if mask == nil {
			mask = buildMask(sc.mask, vers, rows)
			sc.mask = mask
		}
		for _, p := range ps {
			if mask[p.row>>6]&(1<<(p.row&63)) != 0 {
				add(p.row, idf, p.w)
			}
		}
	}
	h := topK{items: sc.lheap[:0], k: k, chunks: t.chunks}
	for _, r := range touched {
		if s := acc[r]; len(h.items) < h.k || s >= h.items[0].score {
			h.offer(s, r)
		}
		acc[r] = 0
	}
	sc.touched = touched[:0]
	sc.lheap = h.items
	return h.sorted()
}

// buildMask returns a bitmap of the rows of vers, reusing m's memory.
func buildMask(m []uint64, vers []*version, rows int) []uint64 {
	words := (rows + 63) / 64
	if cap(m) < words {
		m = make([]uint64, words, words+words/4)
	} else {
		m = m[:words]
		clear(m)
	}
	for _, v := range vers {
		setBits(m, v.start, v.start+v.n)
	}
	return m
}

// setBits sets bits [lo, hi) of m.
func setBits(m []uint64, lo, hi uint32) {
	for lo < hi && lo&63 != 0 {
		m[lo>>6] |= 1 << (lo & 63)
		lo++
	}
	for lo+64 <= hi {
		m[lo>>6] = ^uint64(0)
		lo += 64
	}
	for lo < hi {
		m[lo>>6] |= 1 << (lo & 63)
		lo++
	}
}

// accumulator returns a zeroed []float32 of at least rows elements.
func (sc *scratch) accumulator(rows int) []float32 {
	if len(sc.acc) < rows {
		sc.acc = make([]float32, rows+rows/4)
	}
	return sc.acc
}

// topK keeps the best k candidates seen in a min-heap whose root is the
// worst of them.
type topK struct {
	items  []cand
	k      int
	chunks []retrieval.Chunk
}

// worse reports whether a ranks below b: a lower score, or an equal score
// and a greater chunk ID.
func (h *topK) worse(a, b cand) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return h.chunks[a.row].ID > h.chunks[b.row].ID
}

func (h *topK) offer(score float32, row uint32) {
	c := cand{score, row}
	if len(h.items) < h.k {
		h.items = append(h.items, c)
		// Sift up.
		i := len(h.items) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !h.worse(h.items[i], h.items[p]) {
				break
			}
			h.items[i], h.items[p] = h.items[p], h.items[i]
			i = p
		}
		return
	}
	if !h.worse(h.items[0], c) {
		return
	}
	h.items[0] = c
	// Sift down.
	i, n := 0, len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h.worse(h.items[r], h.items[l]) {
			m = r
		}
		if !h.worse(h.items[m], h.items[i]) {
			break
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}

// sorted returns the candidates best first. It reorders h.items in place.
func (h *topK) sorted() []cand {
	slices.SortFunc(h.items, func(a, b cand) int {
		switch {
		case h.worse(b, a):
			return -1
		case h.worse(a, b):
			return 1
		}
		return 0
	})
	return h.items
}

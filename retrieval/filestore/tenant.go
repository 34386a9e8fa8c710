package filestore

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// A version is one stored document version. Its chunks are the rows
// [start, start+n) of its tenant; a version's rows are always contiguous,
// because a Put appends them together and compaction keeps row order.
type version struct {
	info  retrieval.DocumentInfo
	model string
	seq   uint64 // order first stored, unique in the tenant
	start uint32
	n     uint32
}

// A posting is one chunk (row) containing a term, with the term's BM25
// document weight in that chunk.
type posting struct {
	row uint32
	w   float32
}

// A plist is a term's postings, in ascending row order, with the term
// frequency behind each weight (tfs[i] belongs to ps[i]) for re-weighting.
// Postings of deleted rows stay until compaction; df counts live rows only.
type plist struct {
	ps  []posting
	tfs []uint32
	df  int32
}

// embKey keys the embedding cache.
type embKey struct{ model, key string }

// A tenant holds one tenant's documents, chunks, vectors and lexical index.
// Tenants share nothing, so no operation on one can touch another.
type tenant struct {
	name    string
	docs    map[string][]*version // by document ID, in seq order
	vers    []*version            // every version, in seq order
	nextSeq uint64

	// Rows: row i is chunks[i], with vector vecs[i*dim:(i+1)*dim].
	// rowVer[i] is nil for a deleted (tombstoned) row.
	chunks []retrieval.Chunk
	rowVer []*version
	dl     []int32 // document length (index terms) of each row
	vecs   []float32
	dead   int

	// Lexical index: term ID → postings.
	post     map[uint32]*plist
	totalLen int64   // Σ dl over live rows
	avgdlRef float64 // the average length the stored weights use

	// filters is a lazily built index of filter fields, elig the rows of
	// unfiltered queries (without and with ExcludeOverdue); writers reset
	// both with invalidate.
	filters atomic.Pointer[filterIndex]
	elig    [2]atomic.Pointer[eligibleSet]
	// embIdx finds a live row by (model, EmbedKey); nil until the first
	// CachedEmbeddings call. Guarded by Store.mu.
	embIdx map[embKey]uint32
}

func newTenant(name string) *tenant {
	return &tenant{
		name: name,
		docs: make(map[string][]*version),
		post: make(map[uint32]*plist),
	}
}

// live returns the number of live rows (the tenant's chunks, all statuses).
func (t *tenant) live() int { return len(t.chunks) - t.dead }

func (t *tenant) vector(row, dim int) []float32 {
	return t.vecs[row*dim : (row+1)*dim : (row+1)*dim]
}

// canGrow reports whether n more rows fit in 32-bit row numbers.
func (t *tenant) canGrow(n int) error {
	if len(t.chunks)+n > math.MaxUint32 {
		return fmt.Errorf("filestore: tenant %s would hold more than %d chunks", t.name, uint32(math.MaxUint32))
	}
	return nil
}

// termTF is a term ID and its frequency in one chunk.
type termTF struct{ id, tf uint32 }

// analyze appends the term IDs of text with their frequencies to out, sorted
// by ID, and returns the text's length in index terms. Two terms whose IDs
// collide count as one term.
func analyze(text string, out []termTF) ([]termTF, int) {
	tf, n := terms.Counts(text)
	start := len(out)
	for term, c := range tf {
		out = append(out, termTF{terms.ID(term), uint32(c)})
	}
	seg := out[start:]
	slices.SortFunc(seg, func(a, b termTF) int { return cmp.Compare(a.id, b.id) })
	w := start
	for r := start; r < len(out); r++ {
		if w > start && out[w-1].id == out[r].id {
			out[w-1].tf += out[r].tf
			continue
		}
		out[w] = out[r]
		w++
	}
	return out[:w], n
}

// prepared is an entry checked, copied and analysed outside the lock.
type prepared struct {
	info   retrieval.DocumentInfo
	model  string
	chunks []retrieval.Chunk
	dim    int
	vecs   [][]float32 // the entry's vectors, checked; copied into the slab under the lock
	terms  []termTF    // chunk i's terms are terms[tstart[i]:tstart[i+1]]
	tstart []int
	dl     []int32
}

func prepare(e *retrieval.Entry, i int) (*prepared, error) {
	d := e.Document
	if d == nil {
		return nil, fmt.Errorf("filestore: put: entry %d has no document", i)
	}
	key := d.Key()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("filestore: put %s: %w", key, err)
	}
	if len(e.Vectors) != len(e.Chunks) {
		return nil, fmt.Errorf("filestore: put %s: %d vectors for %d chunks", key, len(e.Vectors), len(e.Chunks))
	}
	p := &prepared{
		info: retrieval.DocumentInfo{
			Metadata: cloneMeta(&d.Metadata),
			Hash:     d.Hash(),
			Chunks:   len(e.Chunks),
			Source:   d.Source,
		},
		model:  e.Model,
		chunks: make([]retrieval.Chunk, len(e.Chunks)),
		tstart: make([]int, 1, len(e.Chunks)+1),
		dl:     make([]int32, len(e.Chunks)),
	}
	if len(e.Chunks) > 0 {
		p.dim = len(e.Vectors[0])
		if p.dim == 0 {
			return nil, fmt.Errorf("filestore: put %s: chunk %d has an empty vector", key, 0)
		}
	}
	p.vecs = e.Vectors
	seen := make(map[string]bool, len(e.Chunks))
	for j := range e.Chunks {
		c := e.Chunks[j]
		if c.DocumentID == "" {
			c.DocumentID = d.ID
		}
		if c.Version == "" {
			c.Version = d.Version
		}
		if c.DocumentID != d.ID || c.Version != d.Version {
			return nil, fmt.Errorf("filestore: put %s: chunk %d belongs to %s@%s", key, j, c.DocumentID, c.Version)
		}
		if c.ID == "" {
			c.ID = retrieval.ChunkID(d.ID, d.Version, c.Section, c.Ordinal)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("filestore: put %s: duplicate chunk ID %s", key, c.ID)
		}
		seen[c.ID] = true
		c.Heading = slices.Clone(c.Heading)
		p.chunks[j] = c

		v := e.Vectors[j]
		if len(v) != p.dim {
			return nil, fmt.Errorf("filestore: put %s: chunk %d: %w", key, j, &retrieval.DimensionError{Want: p.dim, Got: len(v)})
		}

		var n int
		p.terms, n = analyze(c.IndexText(), p.terms)
		p.dl[j] = int32(min(n, math.MaxInt32))
		p.tstart = append(p.tstart, len(p.terms))
	}
	return p, nil
}

// cloneMeta returns a deep copy of m with its times in UTC.
func cloneMeta(m *guidance.Metadata) guidance.Metadata {
	c := *m
	c.Specialties = slices.Clone(m.Specialties)
	c.Tags = slices.Clone(m.Tags)
	c.Audience = slices.Clone(m.Audience)
	c.ApprovedAt = utc(m.ApprovedAt)
	c.EffectiveFrom = utc(m.EffectiveFrom)
	c.ReviewDue = utc(m.ReviewDue)
	c.SupersededAt = utc(m.SupersededAt)
	c.WithdrawnAt = utc(m.WithdrawnAt)
	return c
}

// put applies one prepared entry and reports whether anything changed.
// The caller holds the store's write lock, so readers see the tenant
// before or after the whole entry, supersession included.
func (t *tenant) put(p *prepared, now time.Time, dim int) bool {
	now = utc(now)
	id := p.info.ID
	vs := t.docs[id]
	var v *version
	for _, o := range vs {
		if o.info.Version == p.info.Version {
			v = o
			break
		}
	}
	if v != nil && v.info.Hash == p.info.Hash {
		return false // the same version with the same content: nothing to do
	}
	info := p.info
	m := &info.Metadata
	if m.Status == guidance.Superseded && m.SupersededAt.IsZero() {
		m.SupersededAt = now
	}
	if m.Status == guidance.Withdrawn && m.WithdrawnAt.IsZero() {
		m.WithdrawnAt = now
	}
	if v != nil {
		t.removeRows(v) // replace the version's chunks
		info.StoredAt = v.info.StoredAt
	} else {
		v = &version{seq: t.nextSeq}
		t.nextSeq++
		info.StoredAt = now
		t.docs[id] = append(vs, v)
		t.vers = append(t.vers, v)
	}
	v.info = info
	v.model = p.model
	t.addRows(v, p, dim)
	if v.info.Status == guidance.Approved && t.supersedeOthers(v, now) && v.info.ApprovedAt.IsZero() {
		// The new version takes over from the ones it supersedes now: record
		// its approval time, so that an audit of an earlier moment does not
		// see it in force beside (or instead of) its predecessor.
		v.info.ApprovedAt = now
	}
	return true
}

// supersedeOthers supersedes the other approved versions of v's document
// from the later of at and v's EffectiveFrom, so there is no gap in force,
// and reports whether there were any.
func (t *tenant) supersedeOthers(v *version, at time.Time) bool {
	when := utc(laterOf(at, v.info.EffectiveFrom))
	any := false
	for _, o := range t.docs[v.info.ID] {
		if o != v && o.info.Status == guidance.Approved {
			o.info.Status = guidance.Superseded
			o.info.SupersededAt = when
			any = true
		}
	}
	return any
}

// addRows appends p's chunks as v's rows and indexes them.
func (t *tenant) addRows(v *version, p *prepared, dim int) {
	v.start = uint32(len(t.chunks))
	v.n = uint32(len(p.chunks))
	t.chunks = append(grow(t.chunks, len(p.chunks)), p.chunks...)
	t.dl = append(grow(t.dl, len(p.dl)), p.dl...)
	t.rowVer = grow(t.rowVer, len(p.chunks))
	t.vecs = grow(t.vecs, len(p.chunks)*dim)
	for _, vec := range p.vecs {
		t.vecs = append(t.vecs, vec...)
	}
	for i := range p.chunks {
		t.rowVer = append(t.rowVer, v)
		row := v.start + uint32(i)
		dl := int(p.dl[i])
		t.totalLen += int64(dl)
		for _, tt := range p.terms[p.tstart[i]:p.tstart[i+1]] {
			pl := t.post[tt.id]
			if pl == nil {
				pl = &plist{}
				t.post[tt.id] = pl
			}
			pl.ps = append(pl.ps, posting{row: row, w: float32(bm25.Weight(int(tt.tf), dl, t.avgdlRef))})
			pl.tfs = append(pl.tfs, tt.tf)
			pl.df++
		}
		if t.embIdx != nil && p.chunks[i].EmbedKey != "" {
			k := embKey{v.model, p.chunks[i].EmbedKey}
			if _, ok := t.embIdx[k]; !ok {
				t.embIdx[k] = row
			}
		}
	}
}

// grow returns s with room for n more elements, growing the capacity by at
// least half, so that appending in batches costs amortised linear time
// (append alone may grow a large slice by just the batch each time).
func grow[S ~[]E, E any](s S, n int) S {
	if cap(s)-len(s) >= n {
		return s
	}
	c := max(len(s)+n, cap(s)+cap(s)/2, 64)
	out := make(S, len(s), c)
	copy(out, s)
	return out
}

// removeRows tombstones v's rows and takes them out of the lexical
// statistics. Their postings and vectors stay until compaction.
func (t *tenant) removeRows(v *version) {
	var buf []termTF
	for r := v.start; r < v.start+v.n; r++ {
		c := &t.chunks[r]
		// The chunk's terms are found again by analysing its text, which is
		// deterministic (the file records the analyzer; see load).
		buf, _ = analyze(c.IndexText(), buf[:0])
		for _, tt := range buf {
			if pl := t.post[tt.id]; pl != nil && pl.df > 0 {
				pl.df--
			}
		}
		t.totalLen -= int64(t.dl[r])
		if t.embIdx != nil {
			k := embKey{v.model, c.EmbedKey}
			if row, ok := t.embIdx[k]; ok && row == r {
				delete(t.embIdx, k)
			}
		}
		t.rowVer[r] = nil
		*c = retrieval.Chunk{} // release the strings
	}
	t.dead += int(v.n)
	v.n = 0
}

// deleteDoc removes every version of a document.
func (t *tenant) deleteDoc(id string) {
	for _, v := range t.docs[id] {
		t.removeRows(v)
	}
	t.vers = slices.DeleteFunc(t.vers, func(v *version) bool { return v.info.ID == id })
	delete(t.docs, id)
}

// afterWrite finishes a Put or Delete: it re-weights if the average chunk
// length has drifted, compacts if tombstones exceed a quarter of the rows,
// and drops what readers cache.
func (t *tenant) afterWrite(dim int) {
	t.maybeReweight()
	if t.dead > 0 && t.dead*4 > len(t.chunks) {
		t.compact(dim)
	}
	t.invalidate()
}

// invalidate drops what readers cache about the tenant's versions and rows.
func (t *tenant) invalidate() {
	t.filters.Store(nil)
	t.elig[0].Store(nil)
	t.elig[1].Store(nil)
}

// avgdl returns the true average chunk length.
func (t *tenant) avgdl() float64 {
	n := t.live()
	if n == 0 {
		return 0
	}
	return float64(t.totalLen) / float64(n)
}

// maybeReweight re-weights every posting against the true average length
// if the reference has drifted past bm25.Drift.
func (t *tenant) maybeReweight() {
	actual := t.avgdl()
	if !bm25.NeedsReweight(t.avgdlRef, actual) {
		return
	}
	t.avgdlRef = actual
	for _, pl := range t.post {
		for i := range pl.ps {
			r := pl.ps[i].row
			if t.rowVer[r] == nil {
				continue
			}
			pl.ps[i].w = float32(bm25.Weight(int(pl.tfs[i]), int(t.dl[r]), actual))
		}
	}
}

// compact drops tombstoned rows, renumbering the live ones in order.
func (t *tenant) compact(dim int) {
	live := t.live()
	remap := make([]int32, len(t.chunks))
	chunks := make([]retrieval.Chunk, 0, live)
	rowVer := make([]*version, 0, live)
	dl := make([]int32, 0, live)
	vecs := make([]float32, 0, live*dim)
	for r, v := range t.rowVer {
		if v == nil {
			remap[r] = -1
			continue
		}
		remap[r] = int32(len(chunks))
		chunks = append(chunks, t.chunks[r])
		rowVer = append(rowVer, v)
		dl = append(dl, t.dl[r])
		vecs = append(vecs, t.vecs[r*dim:(r+1)*dim]...)
	}
	for _, v := range t.vers {
		if v.n > 0 {
			v.start = uint32(remap[v.start])
		} else {
			v.start = 0
		}
	}
	for id, pl := range t.post {
		w := 0
		for i, p := range pl.ps {
			if nr := remap[p.row]; nr >= 0 {
				pl.ps[w] = posting{row: uint32(nr), w: p.w}
				pl.tfs[w] = pl.tfs[i]
				w++
			}
		}
		if w == 0 {
			delete(t.post, id)
			continue
		}
		pl.ps, pl.tfs = pl.ps[:w], pl.tfs[:w]
	}
	if t.embIdx != nil {
		for k, r := range t.embIdx {
			t.embIdx[k] = uint32(remap[r]) // always live: dead rows were removed
		}
	}
	t.chunks, t.rowVer, t.dl, t.vecs = chunks, rowVer, dl, vecs
	t.dead = 0
}

// buildEmbIdx indexes the live rows by (model, EmbedKey).
func (t *tenant) buildEmbIdx() {
	if t.embIdx != nil {
		return
	}
	t.embIdx = make(map[embKey]uint32, t.live())
	for r, v := range t.rowVer {
		if v == nil || t.chunks[r].EmbedKey == "" {
			continue
		}
		k := embKey{v.model, t.chunks[r].EmbedKey}
		if _, ok := t.embIdx[k]; !ok {
			t.embIdx[k] = uint32(r)
		}
	}
}

// rebuildLexical re-analyses every live chunk and rebuilds the lexical
// index, for a file written with a different analyzer.
func (t *tenant) rebuildLexical() {
	t.post = make(map[uint32]*plist)
	t.totalLen = 0
	var buf []termTF
	type rowTerms struct{ lo, hi int }
	spans := make([]rowTerms, len(t.chunks))
	for r, v := range t.rowVer {
		if v == nil {
			continue
		}
		lo := len(buf)
		var n int
		buf, n = analyze(t.chunks[r].IndexText(), buf)
		spans[r] = rowTerms{lo, len(buf)}
		t.dl[r] = int32(min(n, math.MaxInt32))
		t.totalLen += int64(t.dl[r])
	}
	t.avgdlRef = t.avgdl()
	for r, v := range t.rowVer {
		if v == nil {
			continue
		}
		for _, tt := range buf[spans[r].lo:spans[r].hi] {
			pl := t.post[tt.id]
			if pl == nil {
				pl = &plist{}
				t.post[tt.id] = pl
			}
			pl.ps = append(pl.ps, posting{row: uint32(r), w: float32(bm25.Weight(int(tt.tf), int(t.dl[r]), t.avgdlRef))})
			pl.tfs = append(pl.tfs, tt.tf)
			pl.df++
		}
	}
}

package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/pgvector/pgvector-go"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// sparseDim is the dimension of every BM25 sparse vector: term IDs are in
// [1, terms.MaxID] and sparsevec indices are 1-based in SQL.
const sparseDim = terms.MaxID

// lexChunk is a chunk's lexical analysis: its term IDs in ascending order,
// each with its frequency, and its length in index terms.
type lexChunk struct {
	terms []int32
	tfs   []int32
	dl    int32
}

// analyze returns the lexical analysis of a chunk's index text. Terms whose
// IDs collide are counted as one term, so the ID is the term everywhere
// (in the weights, the document frequencies and the query).
func analyze(text string) lexChunk {
	tf, dl := terms.Counts(text)
	byID := make(map[int32]int32, len(tf))
	for t, n := range tf {
		byID[int32(terms.ID(t))] += int32(n)
	}
	lc := lexChunk{terms: make([]int32, 0, len(byID)), tfs: make([]int32, 0, len(byID)), dl: int32(dl)}
	for id := range byID {
		lc.terms = append(lc.terms, id)
	}
	slices.Sort(lc.terms)
	for _, id := range lc.terms {
		lc.tfs = append(lc.tfs, byID[id])
	}
	return lc
}

// weights returns the chunk's BM25 sparse vector against the reference
// average length ref.
func (lc *lexChunk) weights(ref float64) pgvector.SparseVector {
	m := make(map[int32]float32, len(lc.terms))
	for i, id := range lc.terms {
		// pgvector-go's indices are 0-based; SQL's (and term IDs) 1-based.
		m[id-1] = float32(bm25.Weight(int(lc.tfs[i]), int(lc.dl), ref))
	}
	return pgvector.NewSparseVectorFromMap(m, sparseDim)
}

// A putEntry is an entry checked and prepared for writing.
type putEntry struct {
	e       *retrieval.Entry
	doc     *guidance.Document
	hash    string   // document hash
	rowHash []string // per chunk: a digest of everything stored for it
	lex     []lexChunk

	replaced     bool      // the version is stored with another hash
	supAt, wdrAt time.Time // SupersededAt and WithdrawnAt as written
}

// prepare validates entries and analyses their chunks, in parallel. It
// returns the length of their vectors (0 if they have no chunks).
func prepare(entries []retrieval.Entry) ([]putEntry, int, error) {
	out := make([]putEntry, len(entries))
	dim := 0
	keys := make(map[string]bool, len(entries))
	chunkIDs := make(map[string]bool)
	for i := range entries {
		e := &entries[i]
		d := e.Document
		if d == nil {
			return nil, 0, fmt.Errorf("pgstore: put: entry %d has no document", i)
		}
		if err := d.Validate(); err != nil {
			return nil, 0, fmt.Errorf("pgstore: put %s: %w", d.Key(), err)
		}
		if keys[d.Key()] {
			return nil, 0, fmt.Errorf("pgstore: put: %s appears twice in one batch", d.Key())
		}
		keys[d.Key()] = true
		if len(e.Vectors) != len(e.Chunks) {
			return nil, 0, fmt.Errorf("pgstore: put %s: %d vectors for %d chunks", d.Key(), len(e.Vectors), len(e.Chunks))
		}
		for j := range e.Chunks {
			c := &e.Chunks[j]
			if c.ID == "" {
				return nil, 0, fmt.Errorf("pgstore: put %s: chunk %d has no ID", d.Key(), j)
			}
			if c.DocumentID != d.ID || c.Version != d.Version {
				return nil, 0, fmt.Errorf("pgstore: put %s: chunk %s belongs to %s@%s", d.Key(), c.ID, c.DocumentID, c.Version)
			}
			if chunkIDs[c.ID] {
				return nil, 0, fmt.Errorf("pgstore: put %s: chunk ID %s appears twice in one batch", d.Key(), c.ID)
			}
			chunkIDs[c.ID] = true
			if n := len(e.Vectors[j]); dim == 0 && n == 0 {
				return nil, 0, fmt.Errorf("pgstore: put %s: chunk %s has an empty vector", d.Key(), c.ID)
			} else if dim == 0 {
				dim = n
			} else if n != dim {
				return nil, 0, fmt.Errorf("pgstore: put %s: chunk %s: %w", d.Key(), c.ID, &retrieval.DimensionError{Want: dim, Got: n})
			}
		}
		out[i] = putEntry{e: e, doc: d}
	}
	// Hashing and lexical analysis (stemming) dominate; spread them over the CPUs.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(out)) {
		wg.Go(func() {
			h := sha256.New()
			for i := int(next.Add(1) - 1); i < len(out); i = int(next.Add(1) - 1) {
				pe := &out[i]
				e := pe.e
				pe.hash = pe.doc.Hash()
				pe.rowHash = make([]string, len(e.Chunks))
				pe.lex = make([]lexChunk, len(e.Chunks))
				for j := range e.Chunks {
					pe.rowHash[j] = rowHash(h, &e.Chunks[j], e.Model, e.Vectors[j])
					pe.lex[j] = analyze(e.Chunks[j].IndexText())
				}
			}
		})
	}
	wg.Wait()
	return out, dim, nil
}

// rowHash digests everything stored for a chunk, so that re-putting a
// version leaves its unchanged chunks untouched.
func rowHash(h hash.Hash, c *retrieval.Chunk, model string, v []float32) string {
	h.Reset()
	var buf [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	num := func(n int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	str(c.ID)
	str(c.DocumentID)
	str(c.Version)
	num(c.Section)
	num(c.Ordinal)
	num(len(c.Heading))
	if c.Heading == nil {
		num(-1)
	}
	for _, s := range c.Heading {
		str(s)
	}
	str(c.Text)
	num(c.Start)
	num(c.End)
	str(c.Hash)
	str(c.EmbedKey)
	num(c.Tokens)
	str(c.Context)
	str(model)
	num(len(v))
	for _, x := range v {
		binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(x))
		h.Write(buf[:4])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// tenantStats are a tenant's collection statistics for BM25.
type tenantStats struct {
	n, total int64
	ref      float64 // the average length the stored weights use
}

func (st tenantStats) avg() float64 {
	if st.n == 0 {
		return 0
	}
	return float64(st.total) / float64(st.n)
}

func (s *Store) loadStats(ctx context.Context, tx pgx.Tx, tenant string) (tenantStats, error) {
	var st tenantStats
	err := tx.QueryRow(ctx, s.sql("SELECT n_chunks, total_len, avgdl_ref FROM {s}.tenant_stats WHERE tenant = $1"), tenant).
		Scan(&st.n, &st.total, &st.ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return tenantStats{}, nil
	}
	return st, err
}

func (s *Store) saveStats(ctx context.Context, tx pgx.Tx, tenant string, st tenantStats) error {
	_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.tenant_stats (tenant, n_chunks, total_len, avgdl_ref)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant) DO UPDATE SET n_chunks = excluded.n_chunks,
			total_len = excluded.total_len, avgdl_ref = excluded.avgdl_ref`),
		tenant, st.n, st.total, st.ref)
	return err
}

// reweightPage is how many chunks re-weighting reads and writes at a time
// (a variable so that tests can make pages small).
var reweightPage = 5000

// reweight recomputes the BM25 weights of all the tenant's chunks against the
// reference average length ref. The weights are computed in Go, with the
// same bm25.Weight every store uses, a page of chunks at a time: read the
// term IDs and frequencies, COPY the new sparse vectors to a temporary table,
// and apply them with one UPDATE. Only chunk_lex rows are rewritten.
func (s *Store) reweight(ctx context.Context, tx pgx.Tx, tenant string, ref float64) (int64, error) {
	_, err := tx.Exec(ctx, s.sql(`CREATE TEMP TABLE IF NOT EXISTS bedside_reweight (
			chunk_id text COLLATE "C" PRIMARY KEY, bm25 {v}.sparsevec NOT NULL) ON COMMIT DROP`))
	if err != nil {
		return 0, fmt.Errorf("re-weighting: %w", err)
	}
	read := s.sql(`SELECT chunk_id, terms, tfs, dl FROM {s}.chunk_lex
		WHERE tenant = $1 AND chunk_id > $2 ORDER BY chunk_id LIMIT $3`)
	apply := s.sql(`UPDATE {s}.chunk_lex l SET bm25 = r.bm25 FROM pg_temp.bedside_reweight r
		WHERE l.tenant = $1 AND l.chunk_id = r.chunk_id`)
	var total int64
	after := ""
	for {
		rows, err := tx.Query(ctx, read, tenant, after, reweightPage)
		if err != nil {
			return total, fmt.Errorf("re-weighting: %w", err)
		}
		type weighted struct {
			id string
			v  pgvector.SparseVector
		}
		var page []weighted
		var id string
		var lc lexChunk
		_, err = pgx.ForEachRow(rows, []any{&id, &lc.terms, &lc.tfs, &lc.dl}, func() error {
			page = append(page, weighted{id, lc.weights(ref)})
			lc = lexChunk{}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("re-weighting: %w", err)
		}
		if len(page) == 0 {
			return total, nil
		}
		if _, err := tx.Exec(ctx, "TRUNCATE pg_temp.bedside_reweight"); err != nil {
			return total, fmt.Errorf("re-weighting: %w", err)
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"bedside_reweight"}, []string{"chunk_id", "bm25"},
			pgx.CopyFromSlice(len(page), func(i int) ([]any, error) { return []any{page[i].id, page[i].v}, nil }))
		if err != nil {
			return total, fmt.Errorf("re-weighting: %w", err)
		}
		ct, err := tx.Exec(ctx, apply, tenant)
		if err != nil {
			return total, fmt.Errorf("re-weighting: %w", err)
		}
		total += ct.RowsAffected()
		after = page[len(page)-1].id
		if len(page) < reweightPage {
			return total, nil
		}
	}
}

// deleteChunks deletes the tenant's chunks matching cond (SQL over chunks
// alias c, with parameters from $2) and their lexical rows, decrements the
// document frequencies of their terms, and returns how many chunks were
// deleted and their total length.
func (s *Store) deleteChunks(ctx context.Context, tx pgx.Tx, tenant, cond string, args ...any) (n, total int64, err error) {
	q := s.sql(`WITH del AS (
			DELETE FROM {s}.chunks c WHERE c.tenant = $1 AND ` + cond + `
			RETURNING c.chunk_id
		), lex AS (
			DELETE FROM {s}.chunk_lex l USING del WHERE l.tenant = $1 AND l.chunk_id = del.chunk_id
			RETURNING l.terms, l.dl
		), dec AS (
			UPDATE {s}.term_stats ts SET df = ts.df - x.n
			FROM (SELECT t, count(*)::integer AS n FROM lex, unnest(lex.terms) AS t GROUP BY t) x
			WHERE ts.tenant = $1 AND ts.term = x.t
		)
		SELECT count(*), coalesce(sum(dl), 0)::bigint FROM lex`)
	if err := tx.QueryRow(ctx, q, append([]any{tenant}, args...)...).Scan(&n, &total); err != nil {
		return 0, 0, fmt.Errorf("deleting chunks: %w", err)
	}
	if n > 0 {
		if _, err := tx.Exec(ctx, s.sql("DELETE FROM {s}.term_stats WHERE tenant = $1 AND df <= 0"), tenant); err != nil {
			return 0, 0, fmt.Errorf("deleting chunks: %w", err)
		}
	}
	return n, total, nil
}

// syncChunks copies the governance and filter columns of the documents
// with the given IDs to their chunks' rows in chunks and chunk_lex, where
// they differ.
func (s *Store) syncChunks(ctx context.Context, tx pgx.Tx, tenant string, ids []string) error {
	for _, table := range []string{"chunks", "chunk_lex"} {
		q := s.sql(`UPDATE {s}.` + table + ` c SET (status, approved_at, effective_from, superseded_at,
				withdrawn_at, review_due, publisher, jurisdiction, specialties, tags, audience)
			= (d.status, d.approved_at, d.effective_from, d.superseded_at, d.withdrawn_at, d.review_due,
				d.publisher, d.jurisdiction, d.specialties, d.tags, d.audience)
			FROM {s}.documents d
			WHERE c.tenant = $1 AND c.id = ANY($2) AND d.tenant = c.tenant AND d.id = c.id AND d.version = c.version
			AND (c.status, c.approved_at, c.effective_from, c.superseded_at, c.withdrawn_at, c.review_due,
				c.publisher, c.jurisdiction, c.specialties, c.tags, c.audience)
			IS DISTINCT FROM (d.status, d.approved_at, d.effective_from, d.superseded_at, d.withdrawn_at,
				d.review_due, d.publisher, d.jurisdiction, d.specialties, d.tags, d.audience)`)
		if _, err := tx.Exec(ctx, q, tenant, ids); err != nil {
			return fmt.Errorf("updating chunk metadata: %w", err)
		}
	}
	return nil
}

// supersedeSQL supersedes a tenant's other approved versions of a document
// ($1 tenant, $2 id, $3 the approved version, $4 now, $5 its effective_from)
// from the later of now and the new version's effective date, so that there
// is no gap in force. If it superseded any and the new version has no
// approval time, the new version's approval time becomes now, so that an
// audit of an earlier moment does not see it in force beside (or instead of)
// its predecessor.
const supersedeSQL = `WITH sup AS (
		UPDATE {s}.documents SET status = 'superseded',
			superseded_at = greatest($4::timestamptz, $5::timestamptz)
		WHERE tenant = $1 AND id = $2 AND version <> $3 AND status = 'approved'
		RETURNING 1
	)
	UPDATE {s}.documents SET approved_at = $4
	WHERE tenant = $1 AND id = $2 AND version = $3 AND approved_at IS NULL AND EXISTS (SELECT FROM sup)`

// Put writes each entry's document version, chunks and vectors in one
// transaction, serialised with the tenant's other writers. Entries whose
// version is stored with the same document hash are skipped. If ctx is
// cancelled or anything fails, nothing is written.
func (s *Store) Put(ctx context.Context, tenant string, entries []retrieval.Entry) error {
	tenant = retrieval.TenantOrDefault(tenant)
	if len(entries) == 0 {
		return nil
	}
	prep, dim, err := prepare(entries)
	if err != nil {
		return err
	}
	if d := s.dims.Load(); d != 0 && dim != 0 && int(d) != dim {
		return fmt.Errorf("pgstore: put: %w", &retrieval.DimensionError{Want: int(d), Got: dim})
	}
	fixed := false
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if err := s.lockTenant(ctx, tx, tenant); err != nil {
			return err
		}
		if dim != 0 && s.dims.Load() == 0 {
			if err := s.fixDims(ctx, tx, dim); err != nil {
				return err
			}
			fixed = true
		}
		return s.put(ctx, tx, tenant, prep)
	})
	if fixed {
		if lerr := s.loadDims(context.WithoutCancel(ctx)); lerr != nil && err == nil {
			err = lerr
		}
	}
	if err != nil {
		var de *retrieval.DimensionError
		if errors.As(err, &de) {
			return fmt.Errorf("pgstore: put: %w", err)
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("pgstore: put: %w", err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, tx pgx.Tx, tenant string, prep []putEntry) error {
	now := s.opts.Now()

	// Which versions of these documents are stored, and with which hash?
	ids := make([]string, 0, len(prep))
	for _, pe := range prep {
		ids = append(ids, pe.doc.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	stored := make(map[string]string)
	var others []string // IDs of stored versions not in this batch
	inBatch := make(map[string]bool, len(prep))
	for _, pe := range prep {
		inBatch[pe.doc.Key()] = true
	}
	rows, err := tx.Query(ctx, s.sql(`SELECT id, version, hash FROM {s}.documents WHERE tenant = $1 AND id = ANY($2)`), tenant, ids)
	if err != nil {
		return err
	}
	var id, version, h string
	_, err = pgx.ForEachRow(rows, []any{&id, &version, &h}, func() error {
		key := id + "@" + version
		stored[key] = h
		if !inBatch[key] {
			others = append(others, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var todo []putEntry
	var replIDs, replVersions []string
	for _, pe := range prep {
		h, ok := stored[pe.doc.Key()]
		if ok && h == pe.hash {
			continue // stored unchanged: nothing to do
		}
		if ok {
			pe.replaced = true
			replIDs = append(replIDs, pe.doc.ID)
			replVersions = append(replVersions, pe.doc.Version)
		}
		todo = append(todo, pe)
	}
	if len(todo) == 0 {
		return nil
	}
	st, err := s.loadStats(ctx, tx, tenant)
	if err != nil {
		return err
	}

	// Chunks of replaced versions whose stored row is identical stay.
	keep := make(map[string]bool)
	if len(replIDs) > 0 {
		have := make(map[string]string)
		rows, err := tx.Query(ctx, s.sql(`SELECT chunk_id, row_hash FROM {s}.chunks
			WHERE tenant = $1 AND (id, version) IN (SELECT * FROM unnest($2::text[], $3::text[]))`), tenant, replIDs, replVersions)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, h string
			if err := rows.Scan(&id, &h); err != nil {
				return err
			}
			have[id] = h
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, pe := range todo {
			for j := range pe.e.Chunks {
				if h, ok := have[pe.e.Chunks[j].ID]; ok && h == pe.rowHash[j] {
					keep[pe.e.Chunks[j].ID] = true
				}
			}
		}
		keepIDs := make([]string, 0, len(keep))
		for id := range keep {
			keepIDs = append(keepIDs, id)
		}
		n, total, err := s.deleteChunks(ctx, tx, tenant,
			`(c.id, c.version) IN (SELECT * FROM unnest($2::text[], $3::text[])) AND NOT (c.chunk_id = ANY($4::text[]))`,
			replIDs, replVersions, keepIDs)
		if err != nil {
			return err
		}
		st.n -= n
		st.total -= total
	}

	// Document rows, in order. An approved version supersedes the document's
	// other approved versions; the statement is needed only for documents
	// with another version stored or in this batch.
	versionsOf := make(map[string]int)
	for _, pe := range prep {
		versionsOf[pe.doc.ID]++
	}
	for _, id := range others {
		versionsOf[id]++
	}
	b := &pgx.Batch{}
	upsert := s.sql(`INSERT INTO {s}.documents AS d (tenant, id, version, title, publisher, status,
			approved_by, approved_at, effective_from, review_due, superseded_at, withdrawn_at,
			jurisdiction, specialties, tags, audience, source_url, licence, hash, source, n_chunks, stored_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		ON CONFLICT (tenant, id, version) DO UPDATE SET title = excluded.title, publisher = excluded.publisher,
			status = excluded.status, approved_by = excluded.approved_by, approved_at = excluded.approved_at,
			effective_from = excluded.effective_from, review_due = excluded.review_due,
			superseded_at = excluded.superseded_at, withdrawn_at = excluded.withdrawn_at,
			jurisdiction = excluded.jurisdiction, specialties = excluded.specialties, tags = excluded.tags,
			audience = excluded.audience, source_url = excluded.source_url, licence = excluded.licence,
			hash = excluded.hash, source = excluded.source, n_chunks = excluded.n_chunks`)
	supersede := s.sql(supersedeSQL)
	var resync []string // documents whose chunks' governance columns may be stale
	seen := make(map[string]bool)
	for i := range todo {
		pe := &todo[i]
		m := &pe.doc.Metadata
		pe.supAt, pe.wdrAt = m.SupersededAt, m.WithdrawnAt
		if m.Status == guidance.Superseded && pe.supAt.IsZero() {
			pe.supAt = now
		}
		if m.Status == guidance.Withdrawn && pe.wdrAt.IsZero() {
			pe.wdrAt = now
		}
		b.Queue(upsert, tenant, m.ID, m.Version, m.Title, m.Publisher, string(m.Status),
			m.ApprovedBy, ts(m.ApprovedAt), ts(m.EffectiveFrom), ts(m.ReviewDue), ts(pe.supAt), ts(pe.wdrAt),
			m.Jurisdiction, m.Specialties, m.Tags, m.Audience, m.SourceURL, m.Licence,
			pe.hash, pe.doc.Source, len(pe.e.Chunks), now)
		if versionsOf[m.ID] > 1 || pe.replaced {
			if m.Status == guidance.Approved && versionsOf[m.ID] > 1 {
				b.Queue(supersede, tenant, m.ID, m.Version, now, ts(m.EffectiveFrom))
			}
			if !seen[m.ID] {
				seen[m.ID] = true
				resync = append(resync, m.ID)
			}
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("writing documents: %w", err)
	}

	// The new statistics decide the weights of the new chunks; if the average
	// length drifted, the stored chunks are re-weighted too.
	var newN, newTotal int64
	for _, pe := range todo {
		for j := range pe.e.Chunks {
			if !keep[pe.e.Chunks[j].ID] {
				newN++
				newTotal += int64(pe.lex[j].dl)
			}
		}
	}
	old := st
	st.n += newN
	st.total += newTotal
	if bm25.NeedsReweight(st.ref, st.avg()) {
		st.ref = st.avg()
		if old.n > 0 { // chunks already stored (the kept ones included)
			n, err := s.reweight(ctx, tx, tenant, st.ref)
			if err != nil {
				return err
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "pgstore: re-weighted BM25",
				slog.String("tenant", tenant), slog.Int64("chunks", n), slog.Float64("avgdl", st.ref))
		}
	}

	if newN > 0 {
		if err := s.insertChunks(ctx, tx, tenant, todo, keep, st.ref, newN); err != nil {
			return err
		}
	}
	if err := s.saveStats(ctx, tx, tenant, st); err != nil {
		return err
	}
	if len(resync) > 0 {
		return s.syncChunks(ctx, tx, tenant, resync)
	}
	return nil
}

// insertChunks copies the new chunks into chunks and chunk_lex (with their
// BM25 weights against ref), then adds their terms' document frequencies.
func (s *Store) insertChunks(ctx context.Context, tx pgx.Tx, tenant string, todo []putEntry, keep map[string]bool, ref float64, n int64) error {
	df := make(map[int32]int32)
	src := &chunkSource{tenant: tenant, todo: todo, keep: keep, df: df}
	governance := []string{"status", "approved_at", "effective_from", "superseded_at", "withdrawn_at",
		"review_due", "publisher", "jurisdiction", "specialties", "tags", "audience"}
	copied, err := tx.CopyFrom(ctx, pgx.Identifier{s.opts.Schema, "chunks"}, append([]string{
		"tenant", "chunk_id", "id", "version", "section", "ordinal", "heading", "text", "start_byte", "end_byte",
		"hash", "embed_key", "model", "tokens", "context", "row_hash", "embedding",
	}, governance...), src)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("writing chunks: a chunk ID is already stored for another document version: %s", pe.Detail)
		}
		return fmt.Errorf("writing chunks: %w", err)
	}
	if copied != n {
		return fmt.Errorf("writing chunks: wrote %d of %d", copied, n)
	}
	lsrc := &chunkSource{tenant: tenant, todo: todo, keep: keep, lex: true, ref: ref}
	copied, err = tx.CopyFrom(ctx, pgx.Identifier{s.opts.Schema, "chunk_lex"}, append([]string{
		"tenant", "chunk_id", "id", "version", "terms", "tfs", "dl", "bm25",
	}, governance...), lsrc)
	if err != nil {
		return fmt.Errorf("writing BM25 weights: %w", err)
	}
	if copied != n {
		return fmt.Errorf("writing BM25 weights: wrote %d of %d", copied, n)
	}
	termIDs := make([]int32, 0, len(df))
	for t := range df {
		termIDs = append(termIDs, t)
	}
	slices.Sort(termIDs)
	counts := make([]int32, len(termIDs))
	for i, t := range termIDs {
		counts[i] = df[t]
	}
	_, err = tx.Exec(ctx, s.sql(`INSERT INTO {s}.term_stats (tenant, term, df)
		SELECT $1, u.t, u.n FROM unnest($2::integer[], $3::integer[]) AS u(t, n)
		ON CONFLICT (tenant, term) DO UPDATE SET df = term_stats.df + excluded.df`), tenant, termIDs, counts)
	if err != nil {
		return fmt.Errorf("updating term statistics: %w", err)
	}
	return nil
}

// chunkSource feeds the new chunks to COPY: their rows of chunks (counting
// their terms' document frequencies as it goes), or, if lex is set, their
// rows of chunk_lex with BM25 weights against ref.
type chunkSource struct {
	tenant string
	todo   []putEntry
	keep   map[string]bool
	df     map[int32]int32
	lex    bool
	ref    float64

	i, j int // next entry and chunk
	row  []any
}

func (cs *chunkSource) Next() bool {
	for cs.i < len(cs.todo) {
		pe := &cs.todo[cs.i]
		if cs.j >= len(pe.e.Chunks) {
			cs.i, cs.j = cs.i+1, 0
			continue
		}
		j := cs.j
		cs.j++
		c := &pe.e.Chunks[j]
		if cs.keep[c.ID] {
			continue
		}
		lc := &pe.lex[j]
		// The governance columns as the document row was written; documents
		// that other statements of this Put changed are re-synced after.
		m := &pe.doc.Metadata
		if cs.lex {
			cs.row = append(cs.row[:0], cs.tenant, c.ID, c.DocumentID, c.Version,
				lc.terms, lc.tfs, lc.dl, lc.weights(cs.ref))
		} else {
			for _, t := range lc.terms {
				cs.df[t]++
			}
			cs.row = append(cs.row[:0], cs.tenant, c.ID, c.DocumentID, c.Version, int32(c.Section), int32(c.Ordinal),
				c.Heading, c.Text, int32(c.Start), int32(c.End), c.Hash, c.EmbedKey, pe.e.Model, int32(c.Tokens),
				c.Context, pe.rowHash[j], pgvector.NewVector(pe.e.Vectors[j]))
		}
		cs.row = append(cs.row, string(m.Status), ts(m.ApprovedAt), ts(m.EffectiveFrom), ts(pe.supAt),
			ts(pe.wdrAt), ts(m.ReviewDue), m.Publisher, m.Jurisdiction, m.Specialties, m.Tags, m.Audience)
		return true
	}
	return false
}

func (cs *chunkSource) Values() ([]any, error) { return cs.row, nil }
func (cs *chunkSource) Err() error             { return nil }

// ts maps the zero time to NULL.
func ts(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// Delete removes every version of the document, its chunks and their terms'
// statistics, re-weighting the tenant's chunks if the average length drifts.
func (s *Store) Delete(ctx context.Context, tenant, id string) error {
	tenant = retrieval.TenantOrDefault(tenant)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := s.lockTenant(ctx, tx, tenant); err != nil {
			return err
		}
		st, err := s.loadStats(ctx, tx, tenant)
		if err != nil {
			return err
		}
		n, total, err := s.deleteChunks(ctx, tx, tenant, "c.id = $2", id)
		if err != nil {
			return err
		}
		ct, err := tx.Exec(ctx, s.sql("DELETE FROM {s}.documents WHERE tenant = $1 AND id = $2"), tenant, id)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
		}
		if n == 0 {
			return nil
		}
		st.n -= n
		st.total -= total
		if bm25.NeedsReweight(st.ref, st.avg()) {
			st.ref = st.avg()
			if st.n > 0 {
				if _, err := s.reweight(ctx, tx, tenant, st.ref); err != nil {
					return err
				}
			}
		}
		return s.saveStats(ctx, tx, tenant, st)
	})
	if err != nil {
		return fmt.Errorf("pgstore: delete: %w", err)
	}
	return nil
}

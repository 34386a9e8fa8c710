package pgstore

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/pgvector/pgvector-go"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
)

// params collects a statement's arguments and names their placeholders.
type params struct{ args []any }

func (p *params) add(v any) string {
	p.args = append(p.args, v)
	return "$" + strconv.Itoa(len(p.args))
}

// eligible returns the SQL condition, over alias c of chunks or chunk_lex
// (which share the columns it reads), that a chunk may
// be returned for q: guidance.Metadata.InForce(q.AsOf) written over the
// denormalised columns, the review-date exclusion and q.Filter. Every value
// is a bound parameter. The tenant is $1 and the query time $2.
func eligible(p *params, q *retrieval.Query) string {
	var b strings.Builder
	// InForce: approved, or superseded/withdrawn with the date set; then
	// not before approval or effect, and not at or after supersession or
	// withdrawal.
	b.WriteString(`c.tenant = $1
		AND (c.status = 'approved'
			OR (c.status = 'superseded' AND c.superseded_at IS NOT NULL)
			OR (c.status = 'withdrawn' AND c.withdrawn_at IS NOT NULL))
		AND (c.approved_at IS NULL OR c.approved_at <= $2)
		AND (c.effective_from IS NULL OR c.effective_from <= $2)
		AND (c.superseded_at IS NULL OR $2 < c.superseded_at)
		AND (c.withdrawn_at IS NULL OR $2 < c.withdrawn_at)`)
	if q.ExcludeOverdue { // not ReviewOverdue: review_due unset or $2 <= review_due
		b.WriteString("\n\t\tAND (c.review_due IS NULL OR $2 <= c.review_due)")
	}
	f := &q.Filter
	for _, one := range []struct {
		col  string
		vals []string
	}{
		{"c.publisher", f.Publishers},
		{"c.jurisdiction", f.Jurisdictions},
		{"c.id", f.DocumentIDs},
	} {
		if len(one.vals) > 0 {
			b.WriteString("\n\t\tAND " + one.col + " = ANY(" + p.add(one.vals) + "::text[])")
		}
	}
	for _, anyOf := range []struct {
		col  string
		vals []string
	}{
		{"c.specialties", f.Specialties},
		{"c.tags", f.Tags},
		{"c.audience", f.Audiences},
	} {
		if len(anyOf.vals) > 0 {
			b.WriteString("\n\t\tAND " + anyOf.col + " && " + p.add(anyOf.vals) + "::text[]")
		}
	}
	return b.String()
}

// chunkColumns are the chunks columns a hit carries, for alias c.
const chunkColumns = `c.chunk_id, c.id, c.version, c.section, c.ordinal, c.heading, c.text,
	c.start_byte, c.end_byte, c.hash, c.embed_key, c.tokens, c.context`

// chunkRow receives chunkColumns; nullable for outer joins.
type chunkRow struct {
	id, docID, version pgtype.Text
	section, ordinal   pgtype.Int4
	heading            []string
	text               pgtype.Text
	start, end         pgtype.Int4
	hash, embedKey     pgtype.Text
	tokens             pgtype.Int4
	context            pgtype.Text
}

func (r *chunkRow) dest() []any {
	return []any{&r.id, &r.docID, &r.version, &r.section, &r.ordinal, &r.heading, &r.text,
		&r.start, &r.end, &r.hash, &r.embedKey, &r.tokens, &r.context}
}

func (r *chunkRow) chunk() retrieval.Chunk {
	return retrieval.Chunk{
		ID: r.id.String, DocumentID: r.docID.String, Version: r.version.String,
		Section: int(r.section.Int32), Ordinal: int(r.ordinal.Int32), Heading: r.heading,
		Text: r.text.String, Start: int(r.start.Int32), End: int(r.end.Int32),
		Hash: r.hash.String, EmbedKey: r.embedKey.String, Tokens: int(r.tokens.Int32),
		Context: r.context.String,
	}
}

// A searchPlan is one search statement with its arguments.
type searchPlan struct {
	sql      string
	args     []any
	ef       int  // hnsw.ef_search
	hasVec   bool // the statement has a vector leg
	vecDepth int  // candidates the vector leg asks for
}

// plan builds the single statement that runs q: the vector leg, the lexical
// leg, or both, each ranking its own top candidates, joined on chunk ID with
// the chunk and document columns of the chunks that can make the top K.
func (s *Store) plan(q *retrieval.Query, termIDs []int32) searchPlan {
	p := &params{}
	p.add(q.Tenant) // $1
	p.add(q.AsOf)   // $2
	elig := eligible(p, q)

	var depth int
	switch q.Mode {
	case retrieval.Hybrid:
		depth = retrieval.Depth(q.K)
	default:
		depth = q.K
	}
	sp := searchPlan{hasVec: q.Mode != retrieval.Lexical, vecDepth: depth}
	N := p.add(depth)
	K := p.add(q.K)

	var w strings.Builder
	w.WriteString("WITH ")
	if sp.hasVec {
		V := p.add(pgvector.NewVector(q.Vector))
		// vann: the approximate scan (HNSW when indexed), asking for one
		// more candidate than needed to see ties across the cut.
		// vgate: whether to fall back to the exact scan — too few
		// candidates, or a tie at the cut (the index cannot order ties by
		// chunk ID). vexact runs only then (a one-time filter).
		fmt.Fprintf(&w, `vann AS MATERIALIZED (
	SELECT c.chunk_id, c.embedding OPERATOR({v}.<#>) %[1]s AS dist
	FROM {s}.chunks c
	WHERE %[2]s
	ORDER BY c.embedding OPERATOR({v}.<#>) %[1]s
	LIMIT %[3]s + 1
), vgate AS MATERIALIZED (
	SELECT count(*) <= %[3]s OR count(*) FILTER (WHERE dist = (SELECT max(dist) FROM vann)) > 1 AS exact
	FROM vann
), vexact AS MATERIALIZED (
	SELECT c.chunk_id, c.embedding OPERATOR({v}.<#>) %[1]s AS dist
	FROM {s}.chunks c
	WHERE (SELECT exact FROM vgate) AND %[2]s
	ORDER BY (c.embedding OPERATOR({v}.<#>) %[1]s) + 0, c.chunk_id
	LIMIT %[3]s
), vec AS (
	SELECT chunk_id, -dist AS score, row_number() OVER (ORDER BY dist, chunk_id) AS rank
	FROM (SELECT chunk_id, dist FROM vann WHERE NOT (SELECT exact FROM vgate)
		UNION ALL SELECT chunk_id, dist FROM vexact) x
), vtop AS (
	SELECT * FROM vec WHERE rank <= %[3]s
)`, V, elig, N)
		sp.ef = min(1000, max(s.opts.EfSearch, depth))
	}
	if q.Mode != retrieval.Vector {
		if sp.hasVec {
			w.WriteString(", ")
		}
		T := p.add(termIDs)
		// The query's sparse vector of IDF weights is built here, once (hence
		// MATERIALIZED), from the tenant's statistics, with bm25.IDF's
		// arithmetic in float8, then rounded to float4 as the Go code does.
		//
		// The lexical leg is exact but need not score every row holding a
		// query term (MaxScore pruning): a stored weight is below k1+1
		// (bm25.Weight), so a row's score from a set of terms is below the
		// sum of their idf·(k1+1). lex1 scores the rows holding the rarest
		// terms; its N-th score θ bounds the final N-th score from below,
		// so the commonest terms whose bounds sum to less than θ cannot
		// lift a row into the top N on their own, and only rows holding
		// one of the other terms (ess) are scored. Margins cover float4
		// rounding. With fewer than N rows in lex1, θ is 0 and nothing is
		// pruned.
		fmt.Fprintf(&w, `qt AS MATERIALIZED (
	SELECT ts.term, ts.df,
		ln(1::float8 + (ns.n_chunks::float8 - ts.df::float8 + 0.5::float8) / (ts.df::float8 + 0.5::float8))::float4 AS idf
	FROM {s}.term_stats ts JOIN {s}.tenant_stats ns ON ns.tenant = ts.tenant
	WHERE ts.tenant = $1 AND ts.term = ANY(%[1]s::integer[]) AND ts.df > 0
), qv AS MATERIALIZED (
	SELECT ('{' || string_agg(term::text || ':' || idf::text, ',' ORDER BY term) || '}/%[4]d')::{v}.sparsevec AS q
	FROM qt
), rare AS MATERIALIZED (
	SELECT coalesce(array_agg(term), '{}') AS terms FROM (
		SELECT term, sum(df) OVER (ORDER BY df, term) AS upto, row_number() OVER (ORDER BY df, term) AS i FROM qt
	) x WHERE i = 1 OR upto <= 4 * %[3]s
), lex1 AS MATERIALIZED (
	SELECT -(c.bm25 OPERATOR({v}.<#>) qv.q) AS score
	FROM {s}.chunk_lex c CROSS JOIN qv
	WHERE %[2]s
		AND c.terms && (SELECT terms FROM rare)
	ORDER BY 1 DESC
	LIMIT %[3]s
), ess AS MATERIALIZED (
	SELECT coalesce(array_agg(term), '{}') AS terms FROM (
		SELECT term, sum(idf::float8 * %[5]g::float8) OVER (ORDER BY idf, term) AS bound FROM qt
	) x WHERE bound >= (SELECT CASE WHEN count(*) = %[3]s THEN min(score) * (1 - 1e-4) ELSE 0 END FROM lex1)
), lex AS MATERIALIZED (
	SELECT c.chunk_id, -(c.bm25 OPERATOR({v}.<#>) qv.q) AS score
	FROM {s}.chunk_lex c CROSS JOIN qv
	WHERE %[2]s
		AND c.terms && (SELECT terms FROM ess)
	ORDER BY 2 DESC, c.chunk_id
	LIMIT %[3]s
), lexr AS (
	SELECT chunk_id, score, row_number() OVER (ORDER BY score DESC, chunk_id) AS rank FROM lex
)`, T, elig, N, sparseDim, maxWeightBound)
	}

	var cand, frank string
	switch q.Mode {
	case retrieval.Vector:
		cand = "SELECT chunk_id, rank AS vrank, score AS vscore, NULL::bigint AS lrank, NULL::float8 AS lscore FROM vtop"
		frank = "vrank"
	case retrieval.Lexical:
		cand = "SELECT chunk_id, NULL::bigint AS vrank, NULL::float8 AS vscore, rank AS lrank, score AS lscore FROM lexr"
		frank = "lrank"
	default:
		cand = `SELECT coalesce(v.chunk_id, l.chunk_id) AS chunk_id, v.rank AS vrank, v.score AS vscore,
		l.rank AS lrank, l.score AS lscore
	FROM vtop v FULL JOIN lexr l ON l.chunk_id = v.chunk_id`
		// The fusion of retrieval.Fuse, only to decide which rows carry
		// their columns; the ranking itself is done in Go (which fetches any
		// row this cut missed, should float rounding ever disagree).
		if q.Fusion == retrieval.RankFusion {
			R := p.add(retrieval.RRFConstant)
			frank = fmt.Sprintf(`row_number() OVER (ORDER BY
		coalesce(1::float8 / (%[1]s + vrank), 0) + coalesce(1::float8 / (%[1]s + lrank), 0) DESC, chunk_id)`, R)
		} else {
			LW, VW := p.add(float64(retrieval.LexicalWeight)), p.add(float64(retrieval.VectorWeight))
			cand = `SELECT x.*, min(vscore) OVER () AS vlo, max(vscore) OVER () AS vhi,
		min(lscore) OVER () AS llo, max(lscore) OVER () AS lhi FROM (` + cand + `) x`
			scale := func(v, lo, hi string) string {
				return fmt.Sprintf(`CASE WHEN %[1]s IS NULL THEN 0::float8 WHEN %[3]s > %[2]s
			THEN (%[1]s - %[2]s) / (%[3]s - %[2]s) ELSE 1::float8 END`, v, lo, hi)
			}
			frank = fmt.Sprintf(`row_number() OVER (ORDER BY
		%s::float8 * (%s) + %s::float8 * (%s) DESC, chunk_id)`,
				LW, scale("lscore", "llo", "lhi"), VW, scale("vscore", "vlo", "vhi"))
		}
	}
	exact := "false"
	if sp.hasVec {
		exact = "(SELECT exact FROM vgate)"
	}
	fmt.Fprintf(&w, `, cand AS (
	%s
), fused AS (
	SELECT cand.*, %s AS frank FROM cand
)
SELECT f.chunk_id, f.vrank, f.vscore, f.lrank, f.lscore, %s, %s, %s
FROM fused f
LEFT JOIN {s}.chunks c ON f.frank <= %s AND c.tenant = $1 AND c.chunk_id = f.chunk_id
LEFT JOIN {s}.documents d ON d.tenant = c.tenant AND d.id = c.id AND d.version = c.version`,
		cand, frank, exact, chunkColumns, docColumns, K)

	sp.sql = s.sql(w.String())
	sp.args = p.args
	return sp
}

// maxWeightBound bounds every stored BM25 weight from above: bm25.Weight
// is below k1+1, and a little more covers its rounding to float4 and the
// float4 sums of pgvector's inner product.
const maxWeightBound = (bm25.K1 + 1) * (1 + 1e-4)

// queryTerms returns the unique term IDs of a query text, in order.
func queryTerms(text string) []int32 {
	var ids []int32
	for _, t := range terms.Analyze(text) {
		ids = append(ids, int32(terms.ID(t)))
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Search runs q in one statement and one round trip (a pipelined batch that
// sets the transaction's index-scan parameters, runs the statement and
// commits). See the package documentation for how each leg ranks.
func (s *Store) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	q, err := q.Normalize(s.opts.Now())
	if err != nil {
		return nil, err
	}
	if s.closed.Load() {
		return nil, retrieval.ErrClosed
	}
	if q.Mode != retrieval.Lexical {
		dims, err := s.dimensions(ctx)
		if err != nil {
			return nil, fmt.Errorf("pgstore: search: %w", err)
		}
		if dims == 0 {
			return nil, nil // no chunk was ever stored
		}
		if len(q.Vector) != dims {
			return nil, fmt.Errorf("pgstore: search: %w", &retrieval.DimensionError{Want: dims, Got: len(q.Vector)})
		}
	}
	var termIDs []int32
	if q.Mode != retrieval.Vector {
		termIDs = queryTerms(q.Text)
		if len(termIDs) == 0 && q.Mode == retrieval.Lexical {
			return nil, nil
		}
	}
	sp := s.plan(&q, termIDs)
	res, err := s.run(ctx, sp)
	if err != nil {
		return nil, fmt.Errorf("pgstore: search: %w", err)
	}
	s.searches.Add(1)
	if res.exact {
		s.exactScans.Add(1)
		s.log.LogAttrs(ctx, slog.LevelDebug, "pgstore: vector leg used an exact scan",
			slog.String("tenant", q.Tenant), slog.Int("depth", sp.vecDepth))
	}
	return s.hits(ctx, &q, res)
}

// A candidate is one row of a search result.
type candidate struct {
	id            string
	vrank, lrank  pgtype.Int8
	vscore, lscor pgtype.Float8
	chunk         chunkRow
	doc           docRow
}

type searchResult struct {
	cands []candidate
	exact bool // the vector leg fell back to an exact scan
}

// run sends the search in one pipelined batch.
func (s *Store) run(ctx context.Context, sp searchPlan) (res searchResult, err error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return res, err
	}
	defer func() {
		if err != nil && c.Conn().PgConn().TxStatus() != 'I' && !c.Conn().IsClosed() {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_, _ = c.Exec(rctx, "ROLLBACK")
			cancel()
		}
		c.Release()
	}()
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	// A custom plan for this query's values; no parallel workers (their
	// start-up costs more than a search); float4 printed exactly (the IDF
	// vector is built through text).
	settings := `SELECT set_config('extra_float_digits', '3', true),
		set_config('plan_cache_mode', 'force_custom_plan', true),
		set_config('max_parallel_workers_per_gather', '0', true)`
	var sargs []any
	if sp.hasVec {
		settings += ", set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)"
		sargs = append(sargs, strconv.Itoa(sp.ef))
	}
	b.Queue(settings, sargs...)
	b.Queue(sp.sql, sp.args...)
	b.Queue("COMMIT")
	br := c.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if _, err := br.Exec(); err != nil {
		return res, err
	}
	if _, err := br.Exec(); err != nil {
		return res, err
	}
	rows, err := br.Query()
	if err != nil {
		return res, err
	}
	var cd candidate
	var exact bool
	dest := append([]any{&cd.id, &cd.vrank, &cd.vscore, &cd.lrank, &cd.lscor, &exact}, cd.chunk.dest()...)
	dest = append(dest, cd.doc.dest()...)
	n := 0
	_, err = pgx.ForEachRow(rows, dest, func() error {
		res.cands = append(res.cands, cd)
		cd = candidate{} // never share slices between rows
		res.exact = res.exact || exact
		n++
		return nil
	})
	if err != nil {
		return res, err
	}
	if sp.hasVec && n == 0 {
		res.exact = true // an empty approximate scan always falls back
	}
	if _, err := br.Exec(); err != nil {
		return res, err
	}
	return res, nil
}

// hits ranks the candidates as q.Mode asks and builds the hits.
func (s *Store) hits(ctx context.Context, q *retrieval.Query, res searchResult) ([]retrieval.Hit, error) {
	var vec, lex []retrieval.Ranked
	type ranked struct {
		rank int64
		r    retrieval.Ranked
	}
	var vr, lr []ranked
	byID := make(map[string]*candidate, len(res.cands))
	for i := range res.cands {
		cd := &res.cands[i]
		if cd.chunk.id.Valid {
			byID[cd.id] = cd
		}
		if cd.vrank.Valid {
			vr = append(vr, ranked{cd.vrank.Int64, retrieval.Ranked{ID: cd.id, Score: cd.vscore.Float64}})
		}
		if cd.lrank.Valid {
			lr = append(lr, ranked{cd.lrank.Int64, retrieval.Ranked{ID: cd.id, Score: cd.lscor.Float64}})
		}
	}
	byRank := func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) }
	slices.SortFunc(vr, byRank)
	slices.SortFunc(lr, byRank)
	for _, r := range vr {
		vec = append(vec, r.r)
	}
	for _, r := range lr {
		lex = append(lex, r.r)
	}

	var fused []retrieval.Fused
	switch q.Mode {
	case retrieval.Vector:
		for i, r := range vec[:min(len(vec), q.K)] {
			fused = append(fused, retrieval.Fused{ID: r.ID, Score: r.Score, VectorRank: i + 1, VectorScore: r.Score})
		}
	case retrieval.Lexical:
		for i, r := range lex[:min(len(lex), q.K)] {
			fused = append(fused, retrieval.Fused{ID: r.ID, Score: r.Score, LexicalRank: i + 1, LexicalScore: r.Score})
		}
	default:
		fused = retrieval.Fuse(vec, lex, q.K, q.Fusion)
	}

	// Every hit's columns came with the candidates; fetch any that did not
	// (only if the SQL and Go fusion ever disagreed at the cut).
	var missing []string
	for _, f := range fused {
		if byID[f.ID] == nil {
			missing = append(missing, f.ID)
		}
	}
	if len(missing) > 0 {
		more, err := s.fetch(ctx, q.Tenant, missing)
		if err != nil {
			return nil, fmt.Errorf("pgstore: search: %w", err)
		}
		for i := range more {
			byID[more[i].id] = &more[i]
		}
	}
	hits := make([]retrieval.Hit, 0, len(fused))
	for _, f := range fused {
		cd := byID[f.ID]
		if cd == nil {
			return nil, fmt.Errorf("pgstore: search: chunk %s vanished", f.ID)
		}
		info := cd.doc.info()
		hits = append(hits, retrieval.Hit{
			Chunk:         cd.chunk.chunk(),
			Document:      info,
			Score:         f.Score,
			VectorRank:    f.VectorRank,
			LexicalRank:   f.LexicalRank,
			VectorScore:   f.VectorScore,
			LexicalScore:  f.LexicalScore,
			ReviewOverdue: info.ReviewOverdue(q.AsOf),
		})
	}
	return hits, nil
}

// fetch reads the chunk and document columns of the given chunks.
func (s *Store) fetch(ctx context.Context, tenant string, ids []string) ([]candidate, error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Release()
	rows, err := c.Query(ctx, s.sql(`SELECT c.chunk_id, `+chunkColumns+`, `+docColumns+`
		FROM {s}.chunks c JOIN {s}.documents d ON d.tenant = c.tenant AND d.id = c.id AND d.version = c.version
		WHERE c.tenant = $1 AND c.chunk_id = ANY($2)`), tenant, ids)
	if err != nil {
		return nil, err
	}
	var out []candidate
	var cd candidate
	dest := append([]any{&cd.id}, cd.chunk.dest()...)
	dest = append(dest, cd.doc.dest()...)
	_, err = pgx.ForEachRow(rows, dest, func() error {
		out = append(out, cd)
		cd = candidate{}
		return nil
	})
	return out, err
}

// explain returns the plan PostgreSQL chooses for q's search statement,
// under the same settings Search uses; options are EXPLAIN's, e.g. "ANALYZE".
func (s *Store) explain(ctx context.Context, q retrieval.Query, options string) (string, error) {
	q, err := q.Normalize(s.opts.Now())
	if err != nil {
		return "", err
	}
	var termIDs []int32
	if q.Mode != retrieval.Vector {
		termIDs = queryTerms(q.Text)
	}
	sp := s.plan(&q, termIDs)
	var plan strings.Builder
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('hnsw.ef_search', $1, true),
				set_config('hnsw.iterative_scan', 'relaxed_order', true),
				set_config('max_parallel_workers_per_gather', '0', true)`,
			strconv.Itoa(max(sp.ef, 1))); err != nil {
			return err
		}
		explain := "EXPLAIN "
		if options != "" {
			explain += "(" + options + ") "
		}
		rows, err := tx.Query(ctx, explain+sp.sql, sp.args...)
		if err != nil {
			return err
		}
		var line string
		_, err = pgx.ForEachRow(rows, []any{&line}, func() error {
			plan.WriteString(line)
			plan.WriteByte('\n')
			return nil
		})
		return err
	})
	return plan.String(), err
}

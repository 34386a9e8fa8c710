package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
	"github.com/tmc/langchaingo/schema"
	"github.com/tmc/langchaingo/vectorstores"
	lcgpg "github.com/tmc/langchaingo/vectorstores/pgvector"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/localembed"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

// pgEnv is the database the PostgreSQL sections use. Every table the run
// makes lives in a schema of its own, named bench_<random>, dropped when the
// run ends (or as soon as the data in it is no longer needed).
type pgEnv struct {
	url   string
	admin *pgxpool.Pool

	mu      sync.Mutex
	schemas map[string]bool
	sets    []*pgSet
}

func openPG(ctx context.Context, url string) (*pgEnv, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error { return pgxvec.RegisterTypes(ctx, c) }
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return &pgEnv{url: url, admin: pool, schemas: map[string]bool{}}, nil
}

// schemaName returns a new schema name, to be dropped by close.
func (p *pgEnv) schemaName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "bench_" + hex.EncodeToString(b[:])
	p.mu.Lock()
	p.schemas[name] = true
	p.mu.Unlock()
	return name
}

func (p *pgEnv) drop(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, err := p.admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
	if err == nil {
		p.mu.Lock()
		delete(p.schemas, name)
		p.mu.Unlock()
	}
	return err
}

// close drops every schema the run made and closes the pool.
func (p *pgEnv) close() error {
	var errs []error
	for _, s := range p.sets {
		s.close()
	}
	p.mu.Lock()
	names := make([]string, 0, len(p.schemas))
	for n := range p.schemas {
		names = append(names, n)
	}
	p.mu.Unlock()
	for _, n := range names {
		if err := p.drop(n); err != nil {
			errs = append(errs, fmt.Errorf("dropping schema %s: %w", n, err))
		}
	}
	p.admin.Close()
	return errors.Join(errs...)
}

func (p *pgEnv) versions(ctx context.Context) string {
	var pg, vec string
	if err := p.admin.QueryRow(ctx, "SELECT current_setting('server_version'), (SELECT extversion FROM pg_extension WHERE extname = 'vector')").Scan(&pg, &vec); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	var mwm, sb string
	_ = p.admin.QueryRow(ctx, "SELECT current_setting('maintenance_work_mem'), current_setting('shared_buffers')").Scan(&mwm, &sb)
	return fmt.Sprintf("PostgreSQL %s, pgvector %s (server maintenance_work_mem %s, shared_buffers %s), on this machine", pg, vec, mwm, sb)
}

// A pgSet is one data set loaded into PostgreSQL by each system.
type pgSet struct {
	label   string
	sh      shape
	c       *corpus
	qs      []query
	real    bool
	bedside *pgstore.Store
	bSchema string
	lcg     *lcgStore // langchaingo without its HNSW option
	lcgHNSW *lcgStore // langchaingo with it
	p       *pgEnv
}

func (s *pgSet) close() {
	if s.bedside != nil {
		s.bedside.Close()
		s.bedside = nil
		_ = s.p.drop(s.bSchema)
	}
	for _, l := range []*lcgStore{s.lcg, s.lcgHNSW} {
		if l != nil {
			l.close()
		}
	}
	s.lcg, s.lcgHNSW = nil, nil
}

// A sqlTracer records statements a pgx connection sends: the last batch,
// and the last plain query whose text match accepts.
type sqlTracer struct {
	match func(sql string) bool

	mu         sync.Mutex
	cur, batch []traced
	query      traced
}

type traced struct {
	sql  string
	args []any
}

func (t *sqlTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if t.match != nil && t.match(d.SQL) {
		t.mu.Lock()
		t.query = traced{d.SQL, d.Args}
		t.mu.Unlock()
	}
	return ctx
}

func (t *sqlTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (t *sqlTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	t.mu.Lock()
	t.cur = nil
	t.mu.Unlock()
	return ctx
}

func (t *sqlTracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	t.mu.Lock()
	t.cur = append(t.cur, traced{d.SQL, d.Args})
	t.mu.Unlock()
}

func (t *sqlTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {
	t.mu.Lock()
	t.batch = t.cur
	t.mu.Unlock()
}

var (
	_ pgx.QueryTracer = (*sqlTracer)(nil)
	_ pgx.BatchTracer = (*sqlTracer)(nil)
)

// loadBedside loads c into a new pgstore schema in Puts of about 2,048
// chunks (retrieval.Library's default PutSize), then calls Optimize, which
// builds the HNSW index and runs VACUUM (ANALYZE).
func (p *pgEnv) loadBedside(ctx context.Context, c *corpus, opts pgstore.Options) (st *pgstore.Store, name string, load, optimize time.Duration, err error) {
	name = p.schemaName()
	opts.Schema, opts.Now = name, now
	st, err = pgstore.New(ctx, p.url, opts)
	if err != nil {
		return nil, name, 0, 0, err
	}
	start := time.Now()
	for _, g := range groups(c.entries, 2048) {
		if err := st.Put(ctx, "", g); err != nil {
			st.Close()
			return nil, name, 0, 0, err
		}
	}
	load = time.Since(start)
	if err := st.Optimize(ctx); err != nil {
		st.Close()
		return nil, name, 0, 0, err
	}
	return st, name, load, time.Since(start) - load, nil
}

// An lcgStore is a langchaingo pgvector store on a connection of its own
// whose search_path puts its tables in a schema of their own. langchaingo
// itself connects with pgx.Connect; the only addition is a tracer, so that
// its search statement can be EXPLAINed.
type lcgStore struct {
	p      *pgEnv
	schema string
	conn   *pgx.Conn
	tracer *sqlTracer
	store  lcgpg.Store
}

func (p *pgEnv) newLCG(ctx context.Context, dim int, hnsw bool) (*lcgStore, error) {
	name := p.schemaName()
	if _, err := p.admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(p.url)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["search_path"] = name + ",public"
	tr := &sqlTracer{match: func(sql string) bool { return strings.Contains(sql, "filtered_embedding_dims") }}
	cfg.Tracer = tr
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts := []lcgpg.Option{
		lcgpg.WithConn(conn),
		lcgpg.WithEmbedder(fixedEmbedder{}),
		lcgpg.WithVectorDimensions(dim),
		lcgpg.WithCollectionName("bench"),
	}
	if hnsw {
		opts = append(opts, lcgpg.WithHNSWIndex(16, 64, "vector_cosine_ops"))
	}
	st, err := lcgpg.New(ctx, opts...)
	if err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return &lcgStore{p: p, schema: name, conn: conn, tracer: tr, store: st}, nil
}

func (l *lcgStore) close() {
	l.conn.Close(context.Background())
	_ = l.p.drop(l.schema)
}

// load adds c's chunks with AddDocuments in batches of about 2,048 chunks,
// the same grouping Bedside's Puts get.
func (l *lcgStore) load(ctx context.Context, c *corpus) (time.Duration, error) {
	start := time.Now()
	for _, g := range groups(c.entries, 2048) {
		var docs []schema.Document
		var vecs [][]float32
		for _, e := range g {
			m := e.Document.Metadata
			for j := range e.Chunks {
				docs = append(docs, schema.Document{
					PageContent: e.Chunks[j].Text,
					Metadata:    map[string]any{"chunk_id": e.Chunks[j].ID, "publisher": m.Publisher, "specialty": m.Specialties[0]},
				})
				vecs = append(vecs, e.Vectors[j])
			}
		}
		if _, err := l.store.AddDocuments(ctx, docs, vectorstores.WithEmbedder(fixedEmbedder{docs: vecs})); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// fixedEmbedder is a langchaingo embedder that returns vectors computed
// beforehand, so that both systems store and search the same vectors and
// embedding costs nothing.
type fixedEmbedder struct {
	docs  [][]float32
	query []float32
}

func (f fixedEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	if len(texts) != len(f.docs) {
		return nil, fmt.Errorf("bench: %d texts for %d prepared vectors", len(texts), len(f.docs))
	}
	return f.docs, nil
}

func (f fixedEmbedder) EmbedQuery(context.Context, string) ([]float32, error) {
	if f.query == nil {
		return nil, errors.New("bench: no prepared query vector")
	}
	return f.query, nil
}

// pgIngest is section 3.
func pgIngest(ctx context.Context, e *env, s *section) error {
	cfg := &e.cfg
	p := e.pg
	t := s.table("", "N × d", "system", "load (wall)", "rows/s", "HNSW build + VACUUM ANALYZE", "time until searchable with HNSW", "Bedside ahead by")
	minRows, minSearchable := 1e18, 1e18
	var rowsNotes, searchNotes []string
	for _, sh := range cfg.pgIngest {
		e.logf("pg ingest: %s", sh)
		mix := newMixture(uint64(sh.dim)+2, sh.dim, clustersFor(sh.n))
		c := syntheticCorpus(e.ts, mix, sh.n, 10, cfg.chunkWords, uint64(sh.n+sh.dim)+2)
		set := &pgSet{label: sh.String() + " clustered", sh: sh, c: c, qs: mixtureQueries(e.ts, mix, cfg.nQueries, 8), p: p}
		p.sets = append(p.sets, set)
		var bl, bo, ll, lh []time.Duration
		for r := range cfg.pgRepeats {
			last := r == cfg.pgRepeats-1
			st, name, load, opt, err := p.loadBedside(ctx, c, pgstore.Options{MaintenanceWorkMem: cfg.pgMaintenanceMem})
			if err != nil {
				return fmt.Errorf("bedside %s: %w", sh, err)
			}
			bl, bo = append(bl, load), append(bo, opt)
			if last {
				set.bedside, set.bSchema = st, name
			} else {
				st.Close()
				if err := p.drop(name); err != nil {
					return err
				}
			}
			e.logf("pg ingest: %s Bedside load %s, optimize %s", sh, secs(load), secs(opt))
			l, err := p.newLCG(ctx, sh.dim, false)
			if err != nil {
				return err
			}
			d, err := l.load(ctx, c)
			if err != nil {
				l.close()
				return fmt.Errorf("langchaingo %s: %w", sh, err)
			}
			ll = append(ll, d)
			if last {
				set.lcg = l
			} else {
				l.close()
			}
			e.logf("pg ingest: %s langchaingo load %s", sh, secs(d))
		}
		for r := range cfg.lcgHNSWRepeats {
			l, err := p.newLCG(ctx, sh.dim, true)
			if err != nil {
				return err
			}
			d, err := l.load(ctx, c)
			if err != nil {
				l.close()
				return fmt.Errorf("langchaingo with HNSW %s: %w", sh, err)
			}
			lh = append(lh, d)
			if r == cfg.lcgHNSWRepeats-1 {
				set.lcgHNSW = l
			} else {
				l.close()
			}
			e.logf("pg ingest: %s langchaingo with HNSW load %s", sh, secs(d))
		}
		var whatIf []string
		if cfg.pgWhatIfMem != "" && cfg.pgMaintenanceMem == "" {
			st, name, load, opt, err := p.loadBedside(ctx, c, pgstore.Options{MaintenanceWorkMem: cfg.pgWhatIfMem})
			if err != nil {
				return fmt.Errorf("bedside %s (what-if): %w", sh, err)
			}
			st.Close()
			if err := p.drop(name); err != nil {
				return err
			}
			whatIf = []string{sh.String(), fmt.Sprintf("what-if: Bedside pgstore with MaintenanceWorkMem %q (n=1)", cfg.pgWhatIfMem),
				secs(load), rate(c.rows(), load), secs(opt), secs(load + opt), ""}
			e.logf("pg ingest: %s Bedside (MaintenanceWorkMem %s) load %s, optimize %s", sh, cfg.pgWhatIfMem, secs(load), secs(opt))
		}
		n := c.rows()
		b, bopt, lc, lhn := medianDur(bl), medianDur(bo), medianDur(ll), medianDur(lh)
		rowsX := lc.Seconds() / b.Seconds()
		t.add(sh.String(), fmt.Sprintf("Bedside pgstore (COPY, then Optimize; n=%d)", len(bl)), secs(b), rate(n, b), secs(bopt), secs(b+bopt), "")
		t.add(sh.String(), fmt.Sprintf("langchaingo AddDocuments, no index (n=%d)", len(ll)), secs(lc), rate(n, lc), "–", "never (no index)",
			"rows/s "+times(rowsX))
		if len(lh) > 0 {
			sx := lhn.Seconds() / (b + bopt).Seconds()
			t.add(sh.String(), fmt.Sprintf("langchaingo AddDocuments, WithHNSWIndex (n=%d)", len(lh)), secs(lhn), rate(n, lhn), "(built before loading)", secs(lhn),
				"searchable "+times(sx)+" sooner")
			minSearchable = min(minSearchable, sx)
			searchNotes = append(searchNotes, fmt.Sprintf("%s: %s", sh, times(sx)))
		}
		if whatIf != nil {
			t.add(whatIf...)
		}
		minRows = min(minRows, rowsX)
		rowsNotes = append(rowsNotes, fmt.Sprintf("%s: %s", sh, times(rowsX)))
	}
	if len(rowsNotes) > 0 {
		e.rep.target("PostgreSQL ingest rows/s vs langchaingo AddDocuments (no index)", "≥ 5×",
			strings.Join(rowsNotes, "; "), minRows >= 5)
	}
	if len(searchNotes) > 0 {
		e.rep.target("PostgreSQL time until searchable with HNSW vs langchaingo WithHNSWIndex", "≥ 8× sooner",
			strings.Join(searchNotes, "; "), minSearchable >= 8)
	}
	s.note("Both load the same chunks and vectors (clustered synthetic vectors, MedQuAD sentences as text) in batches of about 2,048 chunks. Bedside's Put also analyses each chunk for BM25 and stores its lexical row; langchaingo stores text and vector only.")
	s.note("Bedside's time until searchable includes Optimize: building the HNSW index (pgstore's defaults: m=%d, ef_construction=%d; langchaingo's WithHNSWIndex here: m=16, ef_construction=64) and VACUUM (ANALYZE). Its MaintenanceWorkMem option was %s.",
		pgstore.DefaultM, pgstore.DefaultEfConstruction, orDefault(cfg.pgMaintenanceMem, "unset (pgstore's estimate of the graph's size, or the server's setting if larger)"))
	s.note("langchaingo's WithHNSWIndex creates the index before any row is loaded, so every insert updates the graph; without it, its searches scan every row.")
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// medquadSet loads MedQuAD passages, embeds their chunks with the local
// embedder, and loads them into PostgreSQL with Bedside and langchaingo.
func medquadSet(ctx context.Context, e *env, s *section) (*pgSet, error) {
	cfg := &e.cfg
	docs, err := loadMedQuAD(e.medquad, cfg.medquadLimit)
	if err != nil {
		return nil, err
	}
	emb, err := localembed.New(localembed.Options{})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	var embErr error
	c := buildCorpus(docs, emb.Dim(), emb.Model(), func(c *corpus) {
		vecs, err := emb.Embed(ctx, c.text)
		if err != nil {
			embErr = err
			return
		}
		for i, v := range vecs {
			copy(c.row(i), v)
		}
	})
	if embErr != nil {
		return nil, embErr
	}
	embedT := time.Since(start)
	qtext, err := medquadQuestions(e.medquad, docs, cfg.medquadQueries)
	if err != nil {
		return nil, err
	}
	// Questions are embedded the way retrieval.Library embeds a query
	// (localembed's asymmetric EmbedQuery), not as passages.
	qv := make([][]float32, len(qtext))
	for i, q := range qtext {
		if qv[i], err = emb.EmbedQuery(ctx, q); err != nil {
			return nil, err
		}
	}
	set := &pgSet{label: fmt.Sprintf("MedQuAD %s chunks × %d, localembed", count(len(c.ids)), emb.Dim()), sh: shape{len(c.ids), emb.Dim()}, c: c, real: true, p: e.pg}
	for i := range qtext {
		set.qs = append(set.qs, query{qtext[i], qv[i]})
	}
	e.pg.sets = append(e.pg.sets, set)
	st, name, load, opt, err := e.pg.loadBedside(ctx, c, pgstore.Options{MaintenanceWorkMem: cfg.pgMaintenanceMem})
	if err != nil {
		return nil, err
	}
	set.bedside, set.bSchema = st, name
	l, err := e.pg.newLCG(ctx, emb.Dim(), false)
	if err != nil {
		return nil, err
	}
	set.lcg = l
	ld, err := l.load(ctx, c)
	if err != nil {
		return nil, err
	}
	s.note("MedQuAD: %s passages → %s chunks; the local embedder (%s) embedded them in %s; Bedside loaded them in %s and optimized in %s; langchaingo loaded them in %s. Queries: %d MedQuAD questions about the loaded passages.",
		count(len(docs)), count(len(c.ids)), emb.Model(), secs(embedT), secs(load), secs(opt), secs(ld), len(set.qs))
	return set, nil
}

// A pgMode is one kind of search the PostgreSQL comparison times.
type pgMode struct {
	name   string
	mode   retrieval.Mode
	filter filterCase
}

var pgModes = []pgMode{
	{"vector", retrieval.Vector, filterCases[0]},
	{"lexical", retrieval.Lexical, filterCases[0]},
	{"hybrid", retrieval.Hybrid, filterCases[0]},
	{"vector, 10% filter", retrieval.Vector, filterCases[1]},
	{"vector, 1% filter", retrieval.Vector, filterCases[2]},
	{"hybrid, 10% filter", retrieval.Hybrid, filterCases[1]},
	{"hybrid, 1% filter", retrieval.Hybrid, filterCases[2]},
}

func (m pgMode) query(q query) retrieval.Query {
	rq := retrieval.Query{Text: q.text, Mode: m.mode, K: 10, Filter: m.filter.bedside}
	if m.mode != retrieval.Lexical {
		rq.Vector = q.vec
	}
	return rq
}

// pgSearch is section 4.
func pgSearch(ctx context.Context, e *env, s *section) error {
	cfg := &e.cfg
	p := e.pg
	if e.medquad != "" {
		e.logf("pg search: loading MedQuAD")
		if _, err := medquadSet(ctx, e, s); err != nil {
			return fmt.Errorf("medquad: %w", err)
		}
	} else {
		s.note("MedQuAD not found: real-embedding rows are missing from this run.")
	}
	t := s.table("", "data", "system", "query", "p50", "p95", "p99", "recall@10 vs exact", "hits: fewest (expected)", "exact fallbacks", "ratio")
	plans := s.table("Query plans (EXPLAIN ANALYZE of one query, run as each system runs it)", "data", "system", "query", "HNSW index scan executed", "exact-scan subplan", "execution time")
	minX, minRecall := 1e18, 2.0
	var xNotes, recallNotes []string
	hybrid100k := ""
	hnswOK, plansChecked := true, 0
	hybridOK := true
	for _, set := range p.sets {
		if set.bedside == nil {
			continue
		}
		e.logf("pg search: %s", set.label)
		ref, err := filestore.Open("", filestore.Options{Now: now})
		if err != nil {
			return err
		}
		if err := putAll(ctx, ref, set.c.entries); err != nil {
			return err
		}
		qs := set.qs
		p50 := map[string]time.Duration{}
		for _, m := range pgModes {
			f := func(i int) error {
				_, err := set.bedside.Search(ctx, m.query(qs[i%len(qs)]))
				return err
			}
			var rs runs
			for range cfg.repeats {
				if _, err := timed(ctx, budget{Min: 3, Max: 3}, f); err != nil {
					return fmt.Errorf("%s %s: %w", set.label, m.name, err)
				}
				r, err := timed(ctx, cfg.pgBudget, f)
				if err != nil {
					return fmt.Errorf("%s %s: %w", set.label, m.name, err)
				}
				rs = append(rs, r)
			}
			// Recall, hit counts and exact fallbacks over a fixed set of queries.
			before := set.bedside.Stats()
			recall, fewest, want := 0.0, 1<<30, 0
			n := min(len(qs), cfg.recallQueries)
			for i := range n {
				q := m.query(qs[i])
				got, err := set.bedside.Search(ctx, q)
				if err != nil {
					return err
				}
				exact, err := ref.Search(ctx, q)
				if err != nil {
					return err
				}
				ids := map[string]bool{}
				for _, h := range exact {
					ids[h.Chunk.ID] = true
				}
				recall += overlap(ids, hitIDs(got))
				if len(got) < fewest {
					fewest, want = len(got), len(exact)
				}
				if len(got) != len(exact) {
					s.note("%s, %s, query %d: PostgreSQL returned %d hits, the exact reference %d", set.label, m.name, i, len(got), len(exact))
				}
			}
			recall /= float64(n)
			after := set.bedside.Stats()
			fallbacks := fmt.Sprintf("%d/%d", after.ExactScans-before.ExactScans, after.Searches-before.Searches)
			if m.mode == retrieval.Lexical {
				fallbacks = "n/a"
			}
			p50[m.name] = rs.p(50)
			t.add(set.label, "Bedside pgstore", m.name, ms(rs.p(50)), ms(rs.p(95)), ms(rs.p(99)),
				fmt.Sprintf("%.3f", recall), fmt.Sprintf("%d (%d)", fewest, want), fallbacks, "")
			if m.name == "vector" {
				minRecall = min(minRecall, recall)
				recallNotes = append(recallNotes, fmt.Sprintf("%s: %.3f", set.label, recall))
			}
			if m.name == "hybrid" && set.sh.n >= 100_000 && !set.real {
				hybrid100k = fmt.Sprintf("%s at %s", ms(rs.p(50)), set.label)
				hybridOK = hybridOK && rs.p(50) < 15*time.Millisecond
			}
			e.logf("pg search: %s Bedside %s p50 %s recall %.3f", set.label, m.name, ms(rs.p(50)), recall)
		}
		// langchaingo: vector search only (it has no lexical or hybrid search).
		for _, lv := range []struct {
			l    *lcgStore
			name string
		}{{set.lcg, "langchaingo"}, {set.lcgHNSW, "langchaingo (WithHNSWIndex)"}} {
			if lv.l == nil {
				continue
			}
			for _, m := range pgModes {
				if m.mode != retrieval.Vector || (lv.l == set.lcgHNSW && m.filter.name != "none") {
					continue
				}
				search := func(q query) ([]schema.Document, error) {
					opts := []vectorstores.Option{vectorstores.WithEmbedder(fixedEmbedder{query: q.vec})}
					if m.filter.lcg != nil {
						opts = append(opts, vectorstores.WithFilters(m.filter.lcg))
					}
					return lv.l.store.SimilaritySearch(ctx, q.text, 10, opts...)
				}
				f := func(i int) error {
					_, err := search(qs[i%len(qs)])
					return err
				}
				var rs runs
				for range cfg.repeats {
					if _, err := timed(ctx, budget{Min: 1, Max: 1}, f); err != nil {
						return fmt.Errorf("%s %s %s: %w", set.label, lv.name, m.name, err)
					}
					r, err := timed(ctx, cfg.lcgBudget, f)
					if err != nil {
						return fmt.Errorf("%s %s %s: %w", set.label, lv.name, m.name, err)
					}
					rs = append(rs, r)
				}
				recall, fewest, want := 0.0, 1<<30, 0
				n := min(len(qs), cfg.lcgRecallQueries)
				for i := range n {
					docs, err := search(qs[i])
					if err != nil {
						return err
					}
					exact, err := ref.Search(ctx, m.query(qs[i]))
					if err != nil {
						return err
					}
					ids := map[string]bool{}
					for _, h := range exact {
						ids[h.Chunk.ID] = true
					}
					got := make([]string, len(docs))
					for j, d := range docs {
						got[j], _ = d.Metadata["chunk_id"].(string)
					}
					recall += overlap(ids, got)
					if len(docs) < fewest {
						fewest, want = len(docs), len(exact)
					}
				}
				recall /= float64(n)
				x := float64(rs.p(50)) / float64(p50[m.name])
				t.add(set.label, lv.name, m.name, ms(rs.p(50)), ms(rs.p(95)), ms(rs.p(99)),
					fmt.Sprintf("%.3f", recall), fmt.Sprintf("%d (%d)", fewest, want), "n/a",
					"Bedside "+times(x)+" faster")
				if m.name == "vector" && lv.l == set.lcg {
					minX = min(minX, x)
					xNotes = append(xNotes, fmt.Sprintf("%s: %s", set.label, times(x)))
				}
				e.logf("pg search: %s %s %s p50 %s", set.label, lv.name, m.name, ms(rs.p(50)))
			}
		}
		// Plans.
		plansChecked++
		for _, m := range []pgMode{pgModes[0], pgModes[2], pgModes[4]} {
			plan, err := p.explainBedside(ctx, set, m.query(qs[0]), "")
			if err != nil {
				return fmt.Errorf("explain %s %s: %w", set.label, m.name, err)
			}
			pi := parsePlan(plan, "chunks_embedding_hnsw_idx")
			plans.add(set.label, "Bedside pgstore", m.name, yesNo(pi.indexRan), pi.exact, pi.exec)
			e.rep.appendix = append(e.rep.appendix, appendix{fmt.Sprintf("EXPLAIN ANALYZE: Bedside pgstore, %s, %s", set.label, m.name), plan})
			if m.filter.name == "none" && !pi.indexRan {
				hnswOK = false
				s.note("%s, %s: the planner chose not to use the HNSW index (see the plan in the appendix); the plans table also shows the same statement with enable_seqscan = off.", set.label, m.name)
				// What if the planner were told not to scan the table?
				plan, err := p.explainBedside(ctx, set, m.query(qs[0]), "SET LOCAL enable_seqscan = off")
				if err != nil {
					return fmt.Errorf("explain %s %s: %w", set.label, m.name, err)
				}
				pi := parsePlan(plan, "chunks_embedding_hnsw_idx")
				plans.add(set.label, "Bedside pgstore, what-if: SET LOCAL enable_seqscan = off", m.name, yesNo(pi.indexRan), pi.exact, pi.exec)
				e.rep.appendix = append(e.rep.appendix, appendix{fmt.Sprintf("EXPLAIN ANALYZE: Bedside pgstore, %s, %s, with enable_seqscan = off", set.label, m.name), plan})
			}
		}
		for _, l := range []*lcgStore{set.lcg, set.lcgHNSW} {
			if l == nil {
				continue
			}
			plan, err := l.explain(ctx, qs[0])
			if err != nil {
				return fmt.Errorf("explain langchaingo %s: %w", set.label, err)
			}
			pi := parsePlan(plan, "_embedding_hnsw")
			name := "langchaingo"
			if l == set.lcgHNSW {
				name = "langchaingo (WithHNSWIndex)"
			}
			plans.add(set.label, name, "vector", yesNo(pi.indexRan), "(sequential scan of every row)", pi.exec)
			e.rep.appendix = append(e.rep.appendix, appendix{fmt.Sprintf("EXPLAIN ANALYZE: %s, %s, vector", name, set.label), plan})
		}
		ref.Close()
		set.close()
		set.c = nil
		freeMemory()
	}
	if len(xNotes) > 0 {
		e.rep.target("PostgreSQL vector search p50 vs langchaingo SimilaritySearch", "≥ 20× faster", strings.Join(xNotes, "; "), minX >= 20)
	}
	if len(recallNotes) > 0 {
		e.rep.target("PostgreSQL vector recall@10 vs exact (clustered and real data)", "≥ 0.95", strings.Join(recallNotes, "; "), minRecall >= 0.95)
	}
	if plansChecked > 0 {
		e.rep.target("PostgreSQL unfiltered vector and hybrid queries use the HNSW index (EXPLAIN ANALYZE)", "yes, on every data set",
			fmt.Sprintf("%d data sets checked; see the plans table of section 4", plansChecked), hnswOK)
	}
	if hybrid100k != "" {
		e.rep.target("PostgreSQL hybrid p50 at 100k chunks", "< 15 ms", hybrid100k, hybridOK)
	} else {
		e.rep.targetNotMeasured("PostgreSQL hybrid p50 at 100k chunks", "< 15 ms", "no 100k data set in this mode (run without -quick)")
	}
	s.note("Recall@10 compares each PostgreSQL result with the exact answer to the same query from Bedside's embedded store (which ranks identically by contract, and exactly), over %d queries (langchaingo: %d).", cfg.recallQueries, cfg.lcgRecallQueries)
	s.note("\"exact fallbacks\" counts the Bedside searches whose vector leg fell back to an exact scan because the HNSW scan found fewer than k eligible chunks (pgstore.Stats).")
	s.note("langchaingo's SimilaritySearch is given the query vector by its embedder (no embedding cost). Its filters are equality tests on the JSON metadata.")
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

type planInfo struct {
	indexRan bool
	exact    string
	exec     string
}

// vectorLiteral matches a vector constant in a plan.
var vectorLiteral = regexp.MustCompile(`'\[[-0-9.,e]{40,}\]'`)

// shortenPlan replaces vector constants, hundreds of numbers long, by "'[…]'".
func shortenPlan(plan string) string { return vectorLiteral.ReplaceAllString(plan, "'[…]'") }

// parsePlan reads an EXPLAIN ANALYZE text: whether a scan of the named
// index ran, whether pgstore's exact-scan subplan (CTE vexact) scanned the
// table, and the execution time.
func parsePlan(plan, index string) planInfo {
	var pi planInfo
	pi.exact = "not in plan"
	lines := strings.Split(plan, "\n")
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	for i, ln := range lines {
		if strings.Contains(ln, index) && !strings.Contains(ln, "never executed") {
			pi.indexRan = true
		}
		if strings.TrimSpace(ln) == "CTE vexact" {
			pi.exact = "never executed"
			for _, sub := range lines[i+1:] {
				if strings.TrimSpace(sub) != "" && indent(sub) <= indent(ln) {
					break
				}
				if strings.Contains(sub, " on chunks") && !strings.Contains(sub, "never executed") {
					pi.exact = "**executed**"
				}
			}
		}
		if strings.HasPrefix(strings.TrimSpace(ln), "Execution Time:") {
			pi.exec = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ln), "Execution Time:"))
		}
	}
	return pi
}

// explainBedside runs q through a second pgstore on the same schema whose
// pool records the statements it sends, then runs EXPLAIN ANALYZE of the
// search statement under the settings the search sent with it.
func (p *pgEnv) explainBedside(ctx context.Context, set *pgSet, q retrieval.Query, extra string) (string, error) {
	tr := &sqlTracer{}
	cfg, err := pgxpool.ParseConfig(p.url)
	if err != nil {
		return "", err
	}
	cfg.ConnConfig.Tracer = tr
	cfg.MaxConns = 1
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error { return pgxvec.RegisterTypes(ctx, c) }
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer pool.Close()
	st, err := pgstore.NewWithPool(ctx, pool, pgstore.Options{Schema: set.bSchema, Now: now})
	if err != nil {
		return "", err
	}
	defer st.Close()
	if _, err := st.Search(ctx, q); err != nil {
		return "", err
	}
	tr.mu.Lock()
	batch := slices.Clone(tr.batch)
	tr.mu.Unlock()
	var settings, search *traced
	for i := range batch {
		switch {
		case strings.Contains(batch[i].sql, "set_config("):
			settings = &batch[i]
		case strings.HasPrefix(strings.TrimSpace(batch[i].sql), "WITH"):
			search = &batch[i]
		}
	}
	if settings == nil || search == nil {
		return "", fmt.Errorf("did not see the search batch (%d statements)", len(batch))
	}
	var plan strings.Builder
	tx, err := pool.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, settings.sql, settings.args...); err != nil {
		return "", err
	}
	if extra != "" {
		if _, err := tx.Exec(ctx, extra); err != nil {
			return "", err
		}
	}
	rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+search.sql, search.args...)
	if err != nil {
		return "", err
	}
	var line string
	if _, err := pgx.ForEachRow(rows, []any{&line}, func() error {
		plan.WriteString(line + "\n")
		return nil
	}); err != nil {
		return "", err
	}
	return shortenPlan(plan.String()), nil
}

// explain runs one SimilaritySearch, then EXPLAIN ANALYZE of the statement
// langchaingo sent.
func (l *lcgStore) explain(ctx context.Context, q query) (string, error) {
	if _, err := l.store.SimilaritySearch(ctx, q.text, 10, vectorstores.WithEmbedder(fixedEmbedder{query: q.vec})); err != nil {
		return "", err
	}
	l.tracer.mu.Lock()
	st := l.tracer.query
	l.tracer.mu.Unlock()
	if st.sql == "" {
		return "", errors.New("did not see the search statement")
	}
	rows, err := l.conn.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+st.sql, st.args...)
	if err != nil {
		return "", err
	}
	var plan strings.Builder
	var line string
	if _, err := pgx.ForEachRow(rows, []any{&line}, func() error {
		plan.WriteString(line + "\n")
		return nil
	}); err != nil {
		return "", err
	}
	return shortenPlan(plan.String()), nil
}

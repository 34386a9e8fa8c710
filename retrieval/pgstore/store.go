package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"github.com/bedside-ai/bedside/retrieval"
)

// Compile-time checks of the capabilities a Store offers.
var (
	_ retrieval.Store          = (*Store)(nil)
	_ retrieval.EmbeddingCache = (*Store)(nil)
	_ retrieval.Optimizer      = (*Store)(nil)
)

// DefaultSchema is the schema a Store uses when [Options.Schema] is empty.
const DefaultSchema = "bedside"

// Defaults for [Options]. The HNSW settings are above pgvector's own
// (ef_search 40, m 16, ef_construction 64): measured on MedQuAD with the
// local embedder (55,646 chunks, 384 dimensions), vector-leg nDCG@10 on a
// 300-question sample was 0.512 at m 16, ef_construction 64, ef_search 100,
// and 0.629 at m 32, ef_construction 200, ef_search 400, against about
// 0.69 for an exact scan; the index takes about three times as long to
// build.
const (
	DefaultEfSearch       = 400
	DefaultM              = 32
	DefaultEfConstruction = 200
	// MaxIndexDimensions is the largest embedding an HNSW index can hold
	// (pgvector's limit for the vector type). Larger embeddings are searched
	// by exact scans.
	MaxIndexDimensions = 2000
)

// Options configure a [Store]. The zero value is ready to use.
type Options struct {
	// Schema is the PostgreSQL schema that holds the store's tables; default
	// [DefaultSchema]. It is created if missing. Separate schemas are separate
	// stores (tests use one each).
	Schema string
	// Now is the clock; default time.Now. Every governance time (supersession,
	// withdrawal, the default query time) comes from it, never from the
	// database's now().
	Now func() time.Time
	// Logger receives migrations, index builds, BM25 re-weighting and
	// exact-scan fallbacks; default: discard.
	Logger *slog.Logger
	// Dimensions fixes the embedding length. Zero means it is fixed by the
	// first Put that stores a chunk. A value that disagrees with the length
	// already fixed in the schema is an error.
	Dimensions int
	// EfSearch is the least hnsw.ef_search a vector query uses; each query
	// uses the larger of EfSearch and the number of candidates it asks for,
	// capped at 1000. Default [DefaultEfSearch].
	EfSearch int
	// M and EfConstruction are the HNSW build parameters [Store.Optimize]
	// uses; defaults [DefaultM] and [DefaultEfConstruction].
	M, EfConstruction int
	// MaintenanceWorkMem is the maintenance_work_mem (e.g. "1GB") for the
	// HNSW index build in [Store.Optimize]. Default: the server's setting,
	// raised for the build's transaction to an estimate of what the graph
	// needs if that is more (at most [MaxAutoBuildMemory]): a build whose
	// graph does not fit is several times slower (pgvector logs a notice).
	MaintenanceWorkMem string
}

func (o Options) withDefaults() (Options, error) {
	if o.Schema == "" {
		o.Schema = DefaultSchema
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.EfSearch == 0 {
		o.EfSearch = DefaultEfSearch
	}
	if o.M == 0 {
		o.M = DefaultM
	}
	if o.EfConstruction == 0 {
		o.EfConstruction = DefaultEfConstruction
	}
	switch {
	case o.Dimensions < 0 || o.Dimensions > 16000:
		return o, fmt.Errorf("pgstore: options: Dimensions = %d; want 0 to 16000", o.Dimensions)
	case o.EfSearch < 1 || o.EfSearch > 1000:
		return o, fmt.Errorf("pgstore: options: EfSearch = %d; want 1 to 1000", o.EfSearch)
	case o.M < 2 || o.M > 100:
		return o, fmt.Errorf("pgstore: options: M = %d; want 2 to 100", o.M)
	case o.EfConstruction < 2*o.M || o.EfConstruction > 1000:
		return o, fmt.Errorf("pgstore: options: EfConstruction = %d; want %d to 1000", o.EfConstruction, 2*o.M)
	}
	return o, nil
}

// A Store is a [retrieval.Store] in PostgreSQL with pgvector. It also
// implements [retrieval.EmbeddingCache] and [retrieval.Optimizer].
// It is safe for concurrent use, also by several processes sharing a schema.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool
	opts    Options
	log     *slog.Logger
	ids     *strings.Replacer // {s} → schema, {v} → vector extension schema

	dims       atomic.Int64 // fixed embedding length; 0 while unknown
	closed     atomic.Bool
	searches   atomic.Int64
	exactScans atomic.Int64
}

// New connects to the database at connString (a URL or keyword/value string,
// as for [pgxpool.ParseConfig]), migrates the store's schema and returns the
// store. The store owns its pool and closes it in [Store.Close].
func New(ctx context.Context, connString string, opts Options) (*Store, error) {
	if _, err := opts.withDefaults(); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	prev := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if prev != nil {
			if err := prev(ctx, conn); err != nil {
				return err
			}
		}
		return registerTypes(ctx, conn)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s, err := newStore(ctx, pool, true, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// NewWithPool returns a store that uses pool, which the caller owns and must
// close after [Store.Close]. The store registers pgvector's types
// (pgvector-go's pgx codecs) on each connection the first time it uses it, so
// the pool needs no AfterConnect hook; a pool whose AfterConnect already calls
// pgxvec.RegisterTypes works too. Either way the vector extension's schema
// must be on the connections' search_path (public is, by default).
func NewWithPool(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: nil pool")
	}
	return newStore(ctx, pool, false, opts)
}

func newStore(ctx context.Context, pool *pgxpool.Pool, own bool, opts Options) (*Store, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, ownPool: own, opts: opts, log: opts.Logger}
	vecSchema, err := s.migrate(ctx)
	if err != nil {
		return nil, err
	}
	s.ids = strings.NewReplacer(
		"{s}", pgx.Identifier{opts.Schema}.Sanitize(),
		"{v}", pgx.Identifier{vecSchema}.Sanitize(),
	)
	if opts.MaintenanceWorkMem != "" {
		if err := s.checkSetting(ctx, "maintenance_work_mem", opts.MaintenanceWorkMem); err != nil {
			return nil, err
		}
	}
	if err := s.loadDims(ctx); err != nil {
		return nil, err
	}
	if opts.Dimensions > 0 {
		if d := int(s.dims.Load()); d != 0 && d != opts.Dimensions {
			return nil, fmt.Errorf("pgstore: options: Dimensions = %d, but schema %s holds %d-dimensional vectors",
				opts.Dimensions, opts.Schema, d)
		}
		if s.dims.Load() == 0 {
			err := s.inTx(ctx, func(tx pgx.Tx) error { return s.fixDims(ctx, tx, opts.Dimensions) })
			if err != nil {
				return nil, err
			}
			if err := s.loadDims(ctx); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// Close marks the store closed and, if the store made its own pool, closes it.
// It waits for calls in progress to release their connections.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.ownPool {
		s.pool.Close()
	}
	return nil
}

// Stats counts what a store has done since it was opened.
type Stats struct {
	// Searches is the number of queries sent to the database.
	Searches int64
	// ExactScans is the number of those whose vector leg fell back to an
	// exact scan because the approximate (HNSW) scan found fewer candidates
	// than asked for. That happens whenever fewer chunks than asked for are
	// eligible, and under filters so selective that the iterative index scan
	// gives up (hnsw.max_scan_tuples).
	ExactScans int64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{Searches: s.searches.Load(), ExactScans: s.exactScans.Load()}
}

// sql returns the statement text with the schema placeholders replaced by
// quoted identifiers.
func (s *Store) sql(text string) string { return s.ids.Replace(text) }

// registerTypes registers pgvector's codecs on conn.
func registerTypes(ctx context.Context, conn *pgx.Conn) error {
	if err := pgxvec.RegisterTypes(ctx, conn); err != nil {
		return fmt.Errorf("pgstore: registering pgvector types (is the vector extension installed and its schema on search_path?): %w", err)
	}
	return nil
}

// acquire returns a pool connection with pgvector's types registered.
func (s *Store) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	if s.closed.Load() {
		return nil, retrieval.ErrClosed
	}
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	tm := c.Conn().TypeMap()
	_, okv := tm.TypeForName("vector")
	_, oks := tm.TypeForName("sparsevec")
	if !okv || !oks {
		if err := registerTypes(ctx, c.Conn()); err != nil {
			c.Release()
			return nil, err
		}
	}
	return c, nil
}

// inTx runs f in a transaction on a fresh connection, committing if f
// returns nil and rolling back otherwise (including when ctx is cancelled).
func (s *Store) inTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		// Rollback with a live context even if ctx is done, so the connection
		// goes back to the pool clean; a failure here closes it instead.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = tx.Rollback(rctx)
		return err
	}
	return tx.Commit(ctx)
}

// lockKey returns a 64-bit advisory-lock key for the named purpose in this
// store's schema.
func (s *Store) lockKey(purpose, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("bedside/pgstore\x00" + purpose + "\x00" + s.opts.Schema + "\x00" + name))
	return int64(h.Sum64())
}

// lockTenant serialises writers of one tenant until the transaction ends.
func (s *Store) lockTenant(ctx context.Context, tx pgx.Tx, tenant string) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("tenant", tenant))
	return err
}

// checkSetting reports whether the server accepts value for a setting.
func (s *Store) checkSetting(ctx context.Context, name, value string) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", name, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: options: %s = %q: %w", name, value, err)
	}
	return nil
}

// loadDims reads the fixed embedding length, if any.
func (s *Store) loadDims(ctx context.Context) error {
	c, err := s.acquire(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	defer c.Release()
	var d *int32
	if err := c.QueryRow(ctx, s.sql("SELECT dimensions FROM {s}.settings")).Scan(&d); err != nil {
		return fmt.Errorf("pgstore: reading settings: %w", err)
	}
	if d != nil {
		s.dims.Store(int64(*d))
	}
	return nil
}

// fixDims fixes the embedding length at dim if it is not fixed yet (making
// chunks.embedding a vector(dim) column), or checks dim against it. The
// in-memory copy is updated by the caller after commit, via loadDims.
func (s *Store) fixDims(ctx context.Context, tx pgx.Tx, dim int) error {
	var cur *int32
	if err := tx.QueryRow(ctx, s.sql("SELECT dimensions FROM {s}.settings FOR UPDATE")).Scan(&cur); err != nil {
		return fmt.Errorf("pgstore: reading settings: %w", err)
	}
	if cur != nil {
		if int(*cur) != dim {
			return &retrieval.DimensionError{Want: int(*cur), Got: dim}
		}
		return nil
	}
	if _, err := tx.Exec(ctx, s.sql("UPDATE {s}.settings SET dimensions = $1"), dim); err != nil {
		return fmt.Errorf("pgstore: fixing dimensions: %w", err)
	}
	// DDL cannot take parameters; dim is an integer we validated.
	ddl := s.sql("ALTER TABLE {s}.chunks ALTER COLUMN embedding TYPE {v}.vector(" + strconv.Itoa(dim) + ")")
	if _, err := tx.Exec(ctx, ddl); err != nil {
		return fmt.Errorf("pgstore: fixing dimensions: %w", err)
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "pgstore: fixed embedding dimensions",
		slog.String("schema", s.opts.Schema), slog.Int("dimensions", dim))
	return nil
}

// dimensions returns the fixed embedding length, reading it from the
// database if it is not known yet; 0 means nothing has been stored.
func (s *Store) dimensions(ctx context.Context) (int, error) {
	if d := s.dims.Load(); d != 0 {
		return int(d), nil
	}
	if err := s.loadDims(ctx); err != nil {
		return 0, err
	}
	return int(s.dims.Load()), nil
}

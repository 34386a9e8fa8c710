package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// Options configure a [Library]. The zero value is ready to use.
type Options struct {
	// Embedder embeds chunks and queries. Default: the local embedder
	// ([localembed.New] with its defaults), which needs no network.
	Embedder Embedder
	// Chunker splits documents; its zero value uses the defaults.
	Chunker Chunker
	// BatchSize is the number of texts per Embed call; default 256
	// (openaiembed's default request size, so one call is one request).
	BatchSize int
	// Concurrency is the number of Embed calls in flight; default 8. With
	// the default PutSize, one group of chunks is embedded in one round.
	// Remote embedders answer 429 when this is too many for an account's
	// rate limit; openaiembed then waits as the server asks.
	Concurrency int
	// PutSize is the number of chunks written per Store.Put; default 2048.
	// Each Put commits, so an interrupted ingest keeps what was written.
	PutSize int
	// FlushEvery is how often an ingest asks a [Flusher] store to persist;
	// default 30s. Ingest always flushes when it ends.
	FlushEvery time.Duration
	// Logger receives progress and diagnostics; default: discard.
	Logger *slog.Logger
	// Progress, if set, is called after each Put with the running totals.
	Progress func(IngestStats)
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// A Library is guidance made searchable: it chunks, embeds and stores
// documents, and embeds and runs queries, over any [Store].
// It is safe for concurrent use.
type Library struct {
	store Store
	opts  Options
	log   *slog.Logger
}

// New returns a Library over store.
func New(store Store, opts Options) *Library {
	if opts.Embedder == nil {
		opts.Embedder = defaultEmbedder()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.PutSize <= 0 {
		opts.PutSize = 2048
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Library{store: store, opts: opts, log: log}
}

// Store returns the library's store.
func (l *Library) Store() Store { return l.store }

// Embedder returns the library's embedder.
func (l *Library) Embedder() Embedder { return l.opts.Embedder }

// IngestStats counts what an ingest did.
type IngestStats struct {
	Documents int // documents given
	Unchanged int // versions already stored with the same hash: skipped
	Written   int // versions written (new or changed)
	Chunks    int // chunks written
	Embedded  int // texts sent to the embedder
	Cached    int // chunk embeddings reused from the store's cache
	Elapsed   time.Duration
}

// Ingest chunks, embeds and stores docs in tenant. Documents already stored
// with the same hash are skipped, and chunks whose text the store has already
// embedded with the same model are not embedded again, so re-ingesting an
// unchanged corpus calls the embedder zero times.
//
// Every document is checked before anything is written: an invalid document,
// a repeated (id, version) or two approved versions of one id is an error and
// nothing is written. Each document is then written atomically; if ctx is
// cancelled or a write fails, the documents already written stay written and
// the rest are untouched, so calling Ingest again resumes the work.
func (l *Library) Ingest(ctx context.Context, tenant string, docs []*guidance.Document) (IngestStats, error) {
	start := l.opts.Now()
	tenant = TenantOrDefault(tenant)
	stats := IngestStats{Documents: len(docs)}
	if err := checkBatch(docs); err != nil {
		return stats, err
	}

	// Skip versions that are stored unchanged.
	ids := make([]string, 0, len(docs))
	seen := make(map[string]bool)
	for _, d := range docs {
		if !seen[d.ID] {
			seen[d.ID] = true
			ids = append(ids, d.ID)
		}
	}
	stored, err := l.store.Documents(ctx, tenant, ids...)
	if err != nil {
		return stats, fmt.Errorf("ingest: listing stored documents: %w", err)
	}
	have := make(map[string]string, len(stored))
	for _, s := range stored {
		have[s.Key()] = s.Hash
	}
	var todo []*guidance.Document
	for _, d := range docs {
		if h, ok := have[d.Key()]; ok && h == d.Hash() {
			stats.Unchanged++
			continue
		}
		todo = append(todo, d)
	}

	cache, _ := l.store.(EmbeddingCache)
	flusher, _ := l.store.(Flusher)
	lastFlush := l.opts.Now()
	model := l.opts.Embedder.Model()

	// Write in groups of about PutSize chunks.
	for len(todo) > 0 {
		var group []Entry
		n := 0
		for len(todo) > 0 && (len(group) == 0 || n < l.opts.PutSize) {
			d := todo[0]
			todo = todo[1:]
			chunks := l.opts.Chunker.Split(d)
			group = append(group, Entry{Document: d, Chunks: chunks, Model: model})
			n += len(chunks)
		}
		embedded, cached, err := l.embedEntries(ctx, tenant, cache, group)
		stats.Embedded += embedded
		stats.Cached += cached
		if err != nil {
			return stats, err
		}
		if err := l.store.Put(ctx, tenant, group); err != nil {
			return stats, fmt.Errorf("ingest: %w", err)
		}
		stats.Written += len(group)
		stats.Chunks += n
		stats.Elapsed = l.opts.Now().Sub(start)
		l.log.LogAttrs(ctx, slog.LevelDebug, "ingest: wrote documents",
			slog.Int("documents", len(group)), slog.Int("chunks", n), slog.Int("written", stats.Written))
		if l.opts.Progress != nil {
			l.opts.Progress(stats)
		}
		if flusher != nil && l.opts.Now().Sub(lastFlush) >= l.opts.FlushEvery {
			if err := flusher.Flush(ctx); err != nil {
				return stats, fmt.Errorf("ingest: %w", err)
			}
			lastFlush = l.opts.Now()
		}
	}
	if stats.Written > 0 {
		if opt, ok := l.store.(Optimizer); ok {
			if err := opt.Optimize(ctx); err != nil {
				return stats, fmt.Errorf("ingest: optimizing: %w", err)
			}
		}
	}
	if flusher != nil {
		if err := flusher.Flush(ctx); err != nil {
			return stats, fmt.Errorf("ingest: %w", err)
		}
	}
	stats.Elapsed = l.opts.Now().Sub(start)
	return stats, nil
}

// checkBatch validates every document and the batch as a whole.
func checkBatch(docs []*guidance.Document) error {
	var errs []error
	where := func(d *guidance.Document) string {
		if d.Source != "" {
			return d.Source
		}
		return d.Key()
	}
	keys := make(map[string]*guidance.Document)
	approved := make(map[string]*guidance.Document)
	for _, d := range docs {
		if d == nil {
			errs = append(errs, errors.New("ingest: nil document"))
			continue
		}
		if err := d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where(d), err))
			continue
		}
		if prev, ok := keys[d.Key()]; ok {
			errs = append(errs, fmt.Errorf("%s: duplicate %s, also in %s", where(d), d.Key(), where(prev)))
			continue
		}
		keys[d.Key()] = d
		if d.Status == guidance.Approved {
			if prev, ok := approved[d.ID]; ok {
				errs = append(errs, fmt.Errorf("%s: %s and %s are both approved; approve one version at a time",
					where(d), d.Key(), prev.Key()))
				continue
			}
			approved[d.ID] = d
		}
	}
	return errors.Join(errs...)
}

// embedEntries fills in the vectors of group, reusing cached embeddings.
func (l *Library) embedEntries(ctx context.Context, tenant string, cache EmbeddingCache, group []Entry) (embedded, cached int, err error) {
	model := l.opts.Embedder.Model()
	// Unique texts by embed key.
	text := make(map[string]string)
	var keys []string
	for _, e := range group {
		for i := range e.Chunks {
			c := &e.Chunks[i]
			if _, ok := text[c.EmbedKey]; !ok {
				text[c.EmbedKey] = c.IndexText()
				keys = append(keys, c.EmbedKey)
			}
		}
	}
	vecs := make(map[string][]float32, len(keys))
	if cache != nil && len(keys) > 0 {
		got, err := cache.CachedEmbeddings(ctx, tenant, model, keys)
		if err != nil {
			return 0, 0, fmt.Errorf("ingest: embedding cache: %w", err)
		}
		for k, v := range got {
			vecs[k] = v
		}
	}
	var missing []string
	for _, k := range keys {
		if _, ok := vecs[k]; !ok {
			missing = append(missing, k)
		}
	}
	// Embed the missing texts in batches, Concurrency at a time.
	results := make([][]float32, len(missing))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(l.opts.Concurrency)
	for lo := 0; lo < len(missing); lo += l.opts.BatchSize {
		hi := min(lo+l.opts.BatchSize, len(missing))
		g.Go(func() error {
			batch := make([]string, hi-lo)
			for i, k := range missing[lo:hi] {
				batch[i] = text[k]
			}
			out, err := l.opts.Embedder.Embed(gctx, batch)
			if err != nil {
				return fmt.Errorf("ingest: embedding: %w", err)
			}
			if len(out) != len(batch) {
				return fmt.Errorf("ingest: embedder returned %d vectors for %d texts", len(out), len(batch))
			}
			for i, v := range out {
				results[lo+i] = Normalize(v)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return len(missing), len(keys) - len(missing), err
	}
	for i, k := range missing {
		vecs[k] = results[i]
	}
	dim := -1
	for gi := range group {
		e := &group[gi]
		e.Vectors = make([][]float32, len(e.Chunks))
		for i := range e.Chunks {
			v := vecs[e.Chunks[i].EmbedKey]
			if dim < 0 {
				dim = len(v)
			} else if len(v) != dim {
				return len(missing), len(keys) - len(missing), fmt.Errorf("ingest: embedding: %w", &DimensionError{Want: dim, Got: len(v)})
			}
			e.Vectors[i] = v
		}
	}
	return len(missing), len(keys) - len(missing), nil
}

// Search embeds the query text if the mode needs a vector and q.Vector is
// empty, then searches the store.
func (l *Library) Search(ctx context.Context, q Query) ([]Hit, error) {
	if q.Mode != Lexical && len(q.Vector) == 0 && q.Text != "" {
		v, err := l.embedQuery(ctx, q.Text)
		if err != nil {
			return nil, fmt.Errorf("search: embedding query: %w", err)
		}
		q.Vector = v
	}
	return l.store.Search(ctx, q)
}

func (l *Library) embedQuery(ctx context.Context, text string) ([]float32, error) {
	if qe, ok := l.opts.Embedder.(QueryEmbedder); ok {
		v, err := qe.EmbedQuery(ctx, text)
		if err != nil {
			return nil, err
		}
		return Normalize(v), nil
	}
	out, err := l.opts.Embedder.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("embedder returned %d vectors for 1 text", len(out))
	}
	return Normalize(out[0]), nil
}

package filestore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// Compile-time checks of the interfaces the store implements.
var (
	_ retrieval.Store          = (*Store)(nil)
	_ retrieval.EmbeddingCache = (*Store)(nil)
	_ retrieval.Flusher        = (*Store)(nil)
)

// Options configure a [Store]. The zero value is ready to use.
type Options struct {
	// Now returns the current time. It stamps StoredAt, SupersededAt and
	// WithdrawnAt, and is the query time of a query without AsOf.
	// Default: time.Now.
	Now func() time.Time
	// Logger receives debug records of loads, flushes and compactions.
	// Default: discard.
	Logger *slog.Logger
	// Dimension fixes the length of every vector. Zero means the length of
	// the first vectors stored (or of the vectors in the file opened).
	Dimension int
}

// A Store is an embedded [retrieval.Store] that keeps everything in memory
// and persists to a single file. See the package documentation.
type Store struct {
	path string // "" for a memory-only store
	now  func() time.Time
	log  *slog.Logger
	// fingerprint identifies the lexical analyzer this build uses.
	fingerprint uint32

	// flushMu serialises Flush and Close, so that an older snapshot never
	// replaces a newer one on disk. It is taken before mu.
	flushMu sync.Mutex

	mu      sync.RWMutex
	closed  bool
	dim     int // 0 until fixed
	tenants map[string]*tenant
	gen     uint64 // counts mutations; guarded by mu

	// flushed is the gen last written to (or read from) the file.
	flushed atomic.Uint64

	pool sync.Pool // *scratch

	// createTemp makes the temporary file a flush writes; tests replace it
	// to inject failures.
	createTemp func(dir, pattern string) (tempFile, error)
}

// Open returns a store persisted at path. If the file exists it is loaded;
// otherwise the store starts empty and the file is created by the first
// [Store.Flush] (or [Store.Close]). An empty path makes a memory-only store
// whose Flush does nothing.
//
// A file that is truncated, damaged or not a store file is an error
// wrapping [ErrCorrupt] that names the file.
func Open(path string, opts Options) (*Store, error) {
	s := &Store{
		path:        path,
		now:         opts.Now,
		log:         opts.Logger,
		fingerprint: analyzerFingerprint(),
		dim:         opts.Dimension,
		tenants:     make(map[string]*tenant),
		createTemp:  createOSTemp,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.Dimension < 0 {
		return nil, fmt.Errorf("filestore: dimension %d is negative", opts.Dimension)
	}
	s.pool.New = func() any { return new(scratch) }
	if path == "" {
		return s, nil
	}
	if abs, err := filepath.Abs(path); err == nil {
		s.path = abs
	}
	if err := s.load(); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		dir := filepath.Dir(s.path)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("filestore: open %s: directory %s does not exist", path, dir)
		}
		// A new file: the first Flush creates it, even if the store is empty.
		s.gen = 1
	}
	return s, nil
}

// Close writes any pending changes (see [Store.Flush]) and releases the
// store. If that final write fails, Close returns the error and the store
// stays open, so that the caller may retry. Closing a closed store does
// nothing.
func (s *Store) Close() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	if err := s.flushLocked(context.Background()); err != nil {
		return err
	}
	s.closed = true
	s.tenants = nil
	return nil
}

// tenant returns the named tenant, creating it if create is set; nil if it
// does not exist. The caller holds mu (for writing if create is set).
func (s *Store) tenant(name string, create bool) *tenant {
	t := s.tenants[name]
	if t == nil && create {
		t = newTenant(name)
		s.tenants[name] = t
	}
	return t
}

// Put writes each entry's document version, chunks and vectors. Every entry
// is checked and analysed before anything is written: a malformed entry
// writes nothing. Entries are then applied in order, each atomically; if ctx
// is cancelled midway, the entries already applied stay.
func (s *Store) Put(ctx context.Context, tenantName string, entries []retrieval.Entry) error {
	tenantName = retrieval.TenantOrDefault(tenantName)
	if len(entries) == 0 {
		return nil
	}
	preps, err := prepareAll(ctx, entries)
	if err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return retrieval.ErrClosed
	}
	now := s.now()
	var t *tenant
	changed := false
	for _, p := range preps {
		if err = ctx.Err(); err != nil {
			break
		}
		if err = s.fixDimension(p); err != nil {
			break
		}
		if t == nil {
			t = s.tenant(tenantName, true)
		}
		if err = t.canGrow(len(p.chunks)); err != nil {
			break
		}
		if t.put(p, now, s.dim) {
			changed = true
		}
	}
	if changed {
		t.afterWrite(s.dim)
		s.gen++
	}
	return err
}

// prepareAll prepares entries, in parallel when there are several. It
// returns the error of the first bad entry, or ctx's error.
func prepareAll(ctx context.Context, entries []retrieval.Entry) ([]*prepared, error) {
	preps := make([]*prepared, len(entries))
	errs := make([]error, len(entries))
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(entries) {
				return
			}
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			preps[i], errs[i] = prepare(&entries[i], i)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(entries))
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		if preps[i] == nil { // a worker stopped early on ctx
			return nil, ctx.Err()
		}
	}
	return preps, nil
}

// fixDimension checks p's vectors against the store's dimension, fixing the
// dimension if this is the first entry with vectors.
func (s *Store) fixDimension(p *prepared) error {
	if len(p.chunks) == 0 {
		return nil
	}
	if s.dim == 0 {
		s.dim = p.dim
		return nil
	}
	if p.dim != s.dim {
		return fmt.Errorf("filestore: put %s: %w", p.info.Key(), &retrieval.DimensionError{Want: s.dim, Got: p.dim})
	}
	return nil
}

// Delete removes every version of the document and its chunks.
func (s *Store) Delete(ctx context.Context, tenantName, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tenantName = retrieval.TenantOrDefault(tenantName)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return retrieval.ErrClosed
	}
	t := s.tenant(tenantName, false)
	if t == nil || len(t.docs[id]) == 0 {
		return fmt.Errorf("filestore: delete %s: %w", id, retrieval.ErrNotFound)
	}
	t.deleteDoc(id)
	t.afterWrite(s.dim)
	s.gen++
	return nil
}

// SetStatus changes the status of stored versions.
//
// Approving a version sets its ApprovedBy to change.By (if given) and its
// ApprovedAt to change.At (if given, or now if the version has no approval
// time), clears its SupersededAt, and supersedes the document's other
// approved versions from the later of the approval time and the version's
// EffectiveFrom. Withdrawing sets WithdrawnAt to change.At or now, except on
// versions already withdrawn, which keep the earlier of the two times.
func (s *Store) SetStatus(ctx context.Context, tenantName string, c retrieval.StatusChange) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tenantName = retrieval.TenantOrDefault(tenantName)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return retrieval.ErrClosed
	}
	var vs []*version
	t := s.tenant(tenantName, false)
	if t != nil {
		vs = t.docs[c.ID]
	}
	if len(vs) == 0 {
		return fmt.Errorf("filestore: %s: %w", c.ID, retrieval.ErrNotFound)
	}
	if c.Version != "" {
		i := slices.IndexFunc(vs, func(v *version) bool { return v.info.Version == c.Version })
		if i < 0 {
			return fmt.Errorf("filestore: %s@%s: %w", c.ID, c.Version, retrieval.ErrNotFound)
		}
		vs = vs[i : i+1]
	}
	for _, v := range vs {
		if !guidance.CanTransition(v.info.Status, c.Status) {
			return &retrieval.TransitionError{ID: c.ID, Version: v.info.Version, From: v.info.Status, To: c.Status}
		}
	}
	at := utc(c.At)
	if at.IsZero() {
		at = utc(s.now())
	}
	switch c.Status {
	case guidance.Approved:
		v := vs[0]
		m := &v.info.Metadata
		m.Status = guidance.Approved
		if c.By != "" {
			m.ApprovedBy = c.By
		}
		if !c.At.IsZero() || m.ApprovedAt.IsZero() {
			m.ApprovedAt = at
		}
		m.SupersededAt = time.Time{}
		t.supersedeOthers(v, at)
	case guidance.Withdrawn:
		for _, v := range vs {
			m := &v.info.Metadata
			if m.Status == guidance.Withdrawn && !m.WithdrawnAt.IsZero() {
				// Already withdrawn: keep the earlier time, so audits stay true.
				if at.Before(m.WithdrawnAt) {
					m.WithdrawnAt = at
				}
				continue
			}
			m.Status = guidance.Withdrawn
			m.WithdrawnAt = at
		}
	}
	t.invalidate()
	s.gen++
	return nil
}

// Documents lists the tenant's stored versions ordered by ID and then by
// the order they were first stored. If ids is not empty, only those
// documents are listed; IDs not stored are ignored.
func (s *Store) Documents(ctx context.Context, tenantName string, ids ...string) ([]retrieval.DocumentInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tenantName = retrieval.TenantOrDefault(tenantName)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, retrieval.ErrClosed
	}
	t := s.tenant(tenantName, false)
	if t == nil {
		return nil, nil
	}
	if len(ids) == 0 {
		for id := range t.docs {
			ids = append(ids, id)
		}
	} else {
		ids = slices.Clone(ids)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []retrieval.DocumentInfo
	for _, id := range ids {
		for _, v := range t.docs[id] { // in seq order
			out = append(out, cloneInfo(&v.info))
		}
	}
	return out, nil
}

// CachedEmbeddings returns copies of the stored vectors of the tenant's
// chunks whose EmbedKey is in keys and whose entry was stored with model.
func (s *Store) CachedEmbeddings(ctx context.Context, tenantName, model string, keys []string) (map[string][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tenantName = retrieval.TenantOrDefault(tenantName)
	out := make(map[string][]float32)
	lookup := func(t *tenant) {
		rows := make(map[string]uint32)
		for _, k := range keys {
			if row, ok := t.embIdx[embKey{model, k}]; ok {
				rows[k] = row
			}
		}
		block := make([]float32, len(rows)*s.dim) // one allocation for all
		for k, row := range rows {
			v := block[:s.dim:s.dim]
			block = block[s.dim:]
			copy(v, t.vector(int(row), s.dim))
			out[k] = v
		}
	}

	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, retrieval.ErrClosed
	}
	t := s.tenant(tenantName, false)
	if t == nil || len(keys) == 0 {
		s.mu.RUnlock()
		return out, nil
	}
	if t.embIdx != nil {
		lookup(t)
		s.mu.RUnlock()
		return out, nil
	}
	s.mu.RUnlock()

	// Build the index under the write lock, then look up.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, retrieval.ErrClosed
	}
	t = s.tenant(tenantName, false)
	if t == nil {
		return out, nil
	}
	t.buildEmbIdx()
	lookup(t)
	return out, nil
}

// cloneInfo returns a deep copy of info, so callers cannot change the store.
func cloneInfo(info *retrieval.DocumentInfo) retrieval.DocumentInfo {
	c := *info
	c.Specialties = slices.Clone(info.Specialties)
	c.Tags = slices.Clone(info.Tags)
	c.Audience = slices.Clone(info.Audience)
	return c
}

// utc returns t in UTC without a monotonic reading; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// laterOf returns the later of a and b.
func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

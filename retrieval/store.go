package retrieval

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// DefaultTenant is the tenant used when a call names none.
const DefaultTenant = "default"

// TenantOrDefault returns tenant, or [DefaultTenant] if tenant is empty.
func TenantOrDefault(tenant string) string {
	if tenant == "" {
		return DefaultTenant
	}
	return tenant
}

// A Store holds guidance documents, their chunks and the chunks' embeddings,
// partitioned by tenant, and searches them.
//
// # Contract
//
// Every implementation passes the conformance suite in
// [github.com/bedside-ai/bedside/retrieval/retrievaltest], which holds it to
// the following.
//
// Tenants are isolated: no call ever reads or changes another tenant's data.
// An empty tenant means [DefaultTenant].
//
// Governance: Search returns only chunks of versions that are in force at the
// query time ([guidance.Metadata.InForce]); draft, superseded and withdrawn
// versions are never returned. Publishing an approved version supersedes the
// tenant's other approved versions of the same document in the same
// transaction, so a concurrent reader sees the old version or the new one,
// never both and never neither.
//
// Atomicity: each [Entry] is written entirely or not at all, including when
// ctx is cancelled midway; Put of a batch may commit a prefix of its entries.
// Writing an entry whose document hash equals the stored version's changes
// nothing.
//
// Filters are data: filter values are never interpreted as query syntax.
// A filter a store cannot apply is an error, never silently dropped.
//
// Methods are safe for concurrent use.
type Store interface {
	// Put writes each entry's document version, chunks and vectors. An entry
	// for a version already stored replaces it. If the entry's document is
	// approved, the tenant's other approved versions of that document are
	// superseded (their SupersededAt is the later of now and the new version's
	// EffectiveFrom), and a new version without ApprovedAt is recorded as
	// approved now, so that an as-of query for an earlier time still finds
	// the version it replaced.
	Put(ctx context.Context, tenant string, entries []Entry) error

	// Search returns up to q.K hits, best first. It returns fewer than q.K
	// only when fewer chunks are eligible: selective filters never cost results.
	Search(ctx context.Context, q Query) ([]Hit, error)

	// Documents lists the tenant's stored versions, all statuses included,
	// ordered by ID and then by the order they were first stored. If ids is not
	// empty, only those documents are listed.
	Documents(ctx context.Context, tenant string, ids ...string) ([]DocumentInfo, error)

	// SetStatus changes the status of stored versions (see [StatusChange]).
	// It returns an error wrapping [ErrNotFound] if no version matches, and a
	// *[TransitionError] if the change is not allowed
	// ([guidance.CanTransition]).
	SetStatus(ctx context.Context, tenant string, change StatusChange) error

	// Delete removes every version of the document and its chunks.
	// Deleting a missing document returns an error wrapping [ErrNotFound].
	Delete(ctx context.Context, tenant, id string) error

	// Close releases the store's resources, writing any pending state.
	Close() error
}

// An Entry is one document version to store with its chunks and their vectors.
type Entry struct {
	Document *guidance.Document
	// Chunks are the document's chunks, as made by [Chunker.Split].
	Chunks []Chunk
	// Vectors holds one unit-length embedding per chunk, in order; Put
	// rejects an entry with a different number of vectors than chunks.
	Vectors [][]float32
	// Model is the [Embedder.Model] that made Vectors.
	Model string
}

// DocumentInfo describes one stored document version.
type DocumentInfo struct {
	guidance.Metadata
	// Hash is the stored [guidance.Document.Hash].
	Hash string
	// Chunks is the number of chunks stored for this version.
	Chunks int
	// Source is where the document was loaded from.
	Source string
	// StoredAt is when the version was first stored.
	StoredAt time.Time
}

// StatusChange moves stored versions of a document to a new status.
type StatusChange struct {
	// ID is the document's ID. Required.
	ID string
	// Version is the version to change. Empty means every version of the
	// document, which is only allowed for [guidance.Withdrawn].
	Version string
	// Status is the new status: [guidance.Approved] or [guidance.Withdrawn]
	// (superseding happens when another version is approved).
	Status guidance.Status
	// By names who made the change; it is recorded as ApprovedBy on approval.
	By string
	// At is when the change takes effect; zero means now.
	At time.Time
}

// Validate reports whether the change is well formed.
func (c StatusChange) Validate() error {
	if err := guidance.ValidateID(c.ID); err != nil {
		return fmt.Errorf("status change: id: %w", err)
	}
	switch c.Status {
	case guidance.Approved:
		if c.Version == "" {
			return fmt.Errorf("status change: approving %s needs a version", c.ID)
		}
	case guidance.Withdrawn:
	default:
		return fmt.Errorf("status change: cannot set status %q directly (want approved or withdrawn)", c.Status)
	}
	return nil
}

// Errors callers branch on.
var (
	// ErrNotFound is returned when a named document or version is not stored.
	ErrNotFound = errors.New("not found")
	// ErrClosed is returned by calls on a closed store.
	ErrClosed = errors.New("store closed")
)

// A TransitionError reports a status change that the lifecycle forbids.
type TransitionError struct {
	ID, Version string
	From, To    guidance.Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s@%s: cannot change status from %s to %s", e.ID, e.Version, e.From, e.To)
}

// A DimensionError reports a vector whose length does not match the store's
// or the query's.
type DimensionError struct {
	Want, Got int
}

func (e *DimensionError) Error() string {
	return fmt.Sprintf("vector has %d dimensions; want %d", e.Got, e.Want)
}

// Optional capabilities, discovered by type assertion.

// An EmbeddingCache returns embeddings a store already holds, so re-ingesting
// unchanged text embeds nothing. Keys are [Chunk.EmbedKey] values.
type EmbeddingCache interface {
	CachedEmbeddings(ctx context.Context, tenant, model string, keys []string) (map[string][]float32, error)
}

// An Optimizer can do deferred work after a bulk load, such as building a
// vector index or re-weighting lexical statistics. [Library.Ingest] calls it
// after loading.
type Optimizer interface {
	Optimize(ctx context.Context) error
}

// A Flusher persists pending writes. [Library.Ingest] calls it periodically
// so that an interrupted ingest resumes where it stopped.
type Flusher interface {
	Flush(ctx context.Context) error
}

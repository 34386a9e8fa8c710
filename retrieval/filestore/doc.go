// Package filestore is Bedside's embedded [retrieval.Store]: it keeps
// guidance, chunks, embeddings and a BM25 index in memory and persists them
// to a single file. It needs no server, and it is the store the CLI and
// offline mode use when no database URL is given.
//
//	store, err := filestore.Open("guidance.bedside", filestore.Options{})
//	...
//	defer store.Close() // writes pending changes
//	lib := retrieval.New(store, retrieval.Options{Embedder: emb})
//
// An empty path makes a memory-only store. [Store] also implements
// [retrieval.EmbeddingCache] and [retrieval.Flusher].
//
// # Semantics
//
// The store implements the contract of [retrieval.Store] and ranks exactly
// as every other Bedside store (the shared conformance suite in
// retrievaltest checks both):
//
//   - A chunk is eligible if its version is in force at the query's AsOf
//     ([guidance.Metadata.InForce]), matches the filter, and is not past
//     its review date when the query excludes overdue guidance.
//   - The vector leg scores by dot product (cosine, for the unit vectors
//     stores hold); the lexical leg by BM25 (internal/bm25 over the terms of
//     internal/terms), with document frequencies and the chunk count taken
//     over all of the tenant's chunks, whatever their status. Ties go to the
//     smaller chunk ID. Hybrid search fuses each leg's top
//     [retrieval.Depth](K) with [retrieval.Fuse].
//   - A BM25 score is the float32 inner product of the query's IDF weights
//     and the chunk's stored term weights, summed in term-ID order with
//     fused multiply-adds: bit for bit what pgvector's sparsevec inner
//     product computes when pgvector is built for a CPU with FMA (its
//     default on x86-64, and always on arm64), so the PostgreSQL store
//     returns the same scores. Vector scores agree with pgvector's to within
//     float32 rounding (the order of the sums differs).
//   - Putting an approved version supersedes the document's other approved
//     versions from the later of now and its EffectiveFrom; if it supersedes
//     any and has no ApprovedAt, its ApprovedAt becomes now, so that an audit
//     of an earlier moment sees the old version alone.
//   - Each Put is checked whole before anything is written; its entries are
//     then applied in order, each atomically.
//
// # File format
//
// The file is little-endian and has four parts:
//
//	header    64 bytes: magic "BEDSIDE\x1a", format version (1), vector
//	          dimension, the length and CRC-32C of each section, the
//	          analyzer fingerprint, and the header's own CRC-32C
//	metadata  per tenant, varint-encoded: name, BM25 reference length,
//	          document versions (metadata, hash, source, model, row range)
//	          and chunk records (text, offsets, hashes, heading and context,
//	          each stored once per run of equal values)
//	vectors   one raw float32 slab: each tenant's rows in order
//	postings  per tenant: sorted term IDs, offsets, (row, weight) pairs and
//	          term frequencies, as raw 32-bit words
//
// Open checks the magic number, the header checksum, the file's length
// against the header and each section's checksum, and reports a damaged,
// truncated or foreign file as an error wrapping [ErrCorrupt] that names
// the file. The vector and postings sections are read with one read each
// straight into their final slices; metadata strings point into the
// section's buffer rather than being copied.
//
// The analyzer fingerprint identifies the text analysis and BM25 parameters
// of the build that wrote the file. If it differs from this build's, Open
// rebuilds the lexical index from the stored chunk texts and marks the store
// for rewriting.
//
// [Store.Flush] writes a new file beside the old one (a temporary file in
// the same directory), syncs it, renames it over the old file and syncs the
// directory, so a crash at any moment leaves either the old file or the new
// one; a failed flush removes its temporary file and leaves the store
// dirty. Flush writes only if something changed. The file always holds the
// live rows only: deleted rows are dropped and the rest renumbered.
//
// One process at a time may use a store file: two processes flushing the
// same file would each overwrite the other's changes.
//
// # Concurrency
//
// A Store is safe for concurrent use. Searches, Documents and
// CachedEmbeddings share a read lock and run in parallel; Put, Delete and
// SetStatus take the write lock, so a search sees each entry (including the
// versions it supersedes) entirely before or entirely after it is applied.
// Put checks, copies and analyses its entries before taking the lock, in
// parallel across entries, so the lock is held only to link rows into the
// indexes. Flush holds the read lock while it writes the file (writers
// wait, searches do not) and releases it before syncing.
//
// # Performance characteristics
//
// Vectors live in one flat []float32 slab per tenant (row i is chunk i),
// with a document version's rows contiguous. The vector leg is an exact
// scan with AVX2 dot products ([github.com/viterin/vek/vek32]) over the
// rows of eligible versions only, keeping the best K in a small heap: its
// cost is proportional to the rows that pass the filter, plus the versions
// that the filter's most selective field lets through (found with a lazily
// built index of filter values). It reads vectors at about 20–25 GB/s per
// core on an AMD EPYC: about 7 ms per query over 100,000 × 384 dimensions,
// 25 ms over 100,000 × 1536.
//
// The lexical leg keeps, per tenant, an inverted index from term ID to
// (row, weight) postings in row order, with document frequencies kept up
// to date on every write. A query adds up idf·weight over the postings of
// its terms, checking rows against a bitmap of eligible rows, or, when few
// versions are eligible, binary-searching each version's rows instead: about
// 1.2–1.5 ms per query over 100,000 chunks unfiltered. Per-query working memory
// (bitmap, accumulators, heaps) is pooled, so a query allocates only in
// proportion to K and the query text (20–40 allocations).
//
// Writes are dominated by text analysis, which Put does before taking the
// lock and in parallel across a batch's entries: about 17,000 chunks per
// CPU-second. Deleted and replaced chunks are tombstoned and compacted away
// once they exceed a quarter of a tenant's rows. Weights are recomputed
// when the average chunk length drifts by more than 10%, so a bulk load
// re-weights only a logarithmic number of times.
//
// A store of 100,000 chunks of 384 dimensions takes about 370 MB in memory
// and a 366 MB file (154 MB of vectors, 110 MB of metadata and text, 103 MB
// of postings); writing it takes about 0.3–0.5 CPU-seconds and reopening it
// about 0.2–0.4 (most of it the kernel providing fresh memory). Strings
// loaded from a file share one buffer, which stays in memory while any of
// them is in use.
//
// The package benchmarks measure ingest, search (vector, lexical and hybrid,
// at 10,000 and 100,000 chunks of 384 and 1536 dimensions, unfiltered and
// under 10% and 1% filters), flush and reopen.
package filestore

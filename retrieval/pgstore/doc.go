// Package pgstore is Bedside's production [retrieval.Store]: guidance
// documents, chunks, embeddings and BM25 statistics in PostgreSQL with the
// pgvector extension (0.7 or later; 0.8 for iterative index scans), through
// pgx. It also implements [retrieval.EmbeddingCache] and
// [retrieval.Optimizer]. It ranks as the embedded store does, which the
// shared conformance suite in package retrievaltest checks: exactly, except
// that once [Store.Optimize] has built the HNSW index the vector leg is
// approximate (recall@10 about 0.98 in this package's tests; see Search).
//
// It is a package of its own so that importing package retrieval never
// compiles pgx.
//
// [New] opens a store with its own connection pool; [NewWithPool] uses the
// caller's [pgxpool.Pool]. Both migrate the store's schema first.
//
// # Schema
//
// Every table lives in one schema ([Options.Schema], default "bedside"), so
// several stores (or tests) can share a database, and every table has a
// tenant column that every statement filters on:
//
//   - documents: one row per document version (tenant, id, version): the
//     metadata (status, the approval, effect, review, supersession and
//     withdrawal times, publisher, jurisdiction, specialties, tags and
//     audience as arrays, …), the document hash, source, chunk count and
//     when it was first stored.
//   - chunks: one row per chunk (tenant, chunk_id): its text, offsets,
//     heading path, hashes, model and the embedding (a vector(D) column once
//     the dimension D is fixed), with copies of its version's governance and
//     filter columns (status, the times, publisher, jurisdiction,
//     specialties, tags, audience), so that the vector scan filters without a
//     join.
//   - chunk_lex: one row per chunk with its lexical data (term IDs,
//     GIN-indexed; frequencies; length; BM25 weights as a sparsevec) and the
//     same governance and filter columns, so that the lexical scan reads this
//     table alone (see BM25 below). Statements that change a version's
//     metadata update its rows in both tables in the same transaction.
//   - term_stats (document frequency per term) and tenant_stats (chunk count,
//     total length, reference average length) per tenant.
//   - settings (the embedding dimension) and schema_migrations.
//
// IDs use the "C" collation so that they sort bytewise, as Go sorts strings.
// NULL stands for a zero time, and a nil list is kept apart from an empty one.
// Times are stored with PostgreSQL's microsecond precision: governance
// comparisons are exact to the microsecond.
//
// The embedding dimension is fixed by [Options.Dimensions] or by the first
// Put that stores a chunk, which turns the embedding column into vector(D);
// vectors of another length are refused with a *[retrieval.DimensionError].
// The HNSW index on the embeddings (inner product, vector_ip_ops) is built
// by [Store.Optimize], not by Put: building it once after a bulk load is much
// faster than maintaining it during the load. Until it exists, vector
// queries scan exactly. Embeddings longer than [MaxIndexDimensions] are
// never indexed.
//
// # Migrations
//
// Migrations are numbered SQL files embedded in the package, applied in order
// by [New] and [NewWithPool] in one transaction under a transaction-level
// advisory lock, and recorded in schema_migrations. Concurrent starters
// therefore apply each migration once; starting again changes nothing. A
// schema at a version newer than the package knows is refused with a
// *[SchemaVersionError]. If the vector extension is missing, the store tries
// CREATE EXTENSION vector and otherwise fails with [ErrNoVectorExtension].
//
// # Governance in SQL
//
// A chunk is eligible at the query time t iff its version is in force at t
// ([guidance.Metadata.InForce]), matches the filter, and (with
// ExcludeOverdue) is not past its review date. Over the denormalised columns:
//
//	(status = 'approved'
//	  OR (status = 'superseded' AND superseded_at IS NOT NULL)
//	  OR (status = 'withdrawn' AND withdrawn_at IS NOT NULL))
//	AND (approved_at IS NULL OR approved_at <= t)
//	AND (effective_from IS NULL OR effective_from <= t)
//	AND (superseded_at IS NULL OR t < superseded_at)
//	AND (withdrawn_at IS NULL OR t < withdrawn_at)
//
// Filters become publisher = ANY($n), jurisdiction = ANY($n), id = ANY($n),
// specialties && $n, tags && $n and audience && $n. Every value, the tenant
// and the query time are bound parameters; identifiers are quoted with
// [pgx.Identifier.Sanitize]. All times come from [Options.Now], never from
// the database's now().
//
// Writes of a tenant are serialised by a transaction-level advisory lock.
// A Put is one transaction: publishing an approved version supersedes the
// other approved versions of the document in the same transaction, and each
// search is one statement, so a concurrent reader sees the old version or the
// new one, never both and never neither. A Put cancelled or failing midway
// leaves nothing behind.
//
// # Writes
//
// A Put is one transaction under the tenant's advisory lock. Entries whose
// version is stored with the same document hash are skipped (nothing is
// rewritten). The other versions' document rows are upserted in one
// pipelined batch, in order, each approved one superseding the document's
// other approved versions; their chunks are bulk-loaded with COPY into chunks
// and chunk_lex, and the term and tenant statistics updated. Re-putting a
// version with changed content deletes the chunks that changed and keeps
// those whose stored row (text, offsets, heading, vector, model, …) is
// byte-for-byte the same, compared by a digest stored with each chunk.
// Analysis and hashing run in parallel in Go before the transaction begins.
//
// # BM25
//
// The lexical leg implements the shared BM25 (packages internal/terms and
// internal/bm25). At write time each chunk's index text is analysed in Go;
// its term IDs (colliding IDs merged) and frequencies are stored, and its
// weights float32(bm25.Weight(tf, dl, avgdlRef)) become a sparsevec indexed
// by term ID. avgdlRef is the tenant's reference average length: when a Put
// or Delete moves the true average by more than [bm25.Drift], the reference
// becomes the true average and every chunk of the tenant is re-weighted, in
// Go with the same bm25.Weight, a page of chunks at a time.
//
// The weights live in chunk_lex rather than in chunks because re-weighting
// rewrites a row per chunk. Rewriting 20,000 chunk rows took 71 s with the
// HNSW index (every new row version re-enters the index) against 2.4 s
// without it. chunk_lex pages are kept half empty (fillfactor 50), so the
// rewrites are HOT updates that touch no index: re-weighting 20,000 chunks
// with the HNSW index built takes about 1.5 s, all updates HOT.
//
// A query's term IDs are bound as an int4[]; in the same statement, its IDF
// vector is built from term_stats and tenant_stats with bm25.IDF's
// arithmetic in float8, rounded to float4 and cast to a sparsevec. Candidates
// are the eligible chunk_lex rows whose terms overlap the query's
// (terms && $ids, the GIN index); a candidate's score is the inner product of
// the two sparse vectors, -(bm25 <#> query), which pgvector accumulates in
// float32 in term order, as the embedded store does.
//
// # Search
//
// A search is one statement in one round trip: a pipelined batch that begins
// a read-only transaction, sets hnsw.ef_search, hnsw.iterative_scan, a
// custom plan, no parallel workers and float formatting for it
// (set_config(…, true)), runs the statement, and commits.
//
// The vector leg asks the index for the best depth+1 eligible chunks by inner
// product (ORDER BY embedding <#> $q LIMIT depth+1, with
// hnsw.iterative_scan = relaxed_order so that filtered scans keep looking),
// then re-sorts them by exact distance and chunk ID. If the index returned
// fewer than depth+1 (a selective filter, or few eligible chunks), or the
// last two tie (the index cannot order ties by chunk ID), the same statement
// falls back to an exact scan: a subplan guarded by a one-time filter, so it
// costs nothing when it is not needed. [Store.Stats] counts the fallbacks.
// The lexical leg ranks its candidates exactly. Ties are broken by chunk ID
// in both legs.
//
// A hybrid statement returns both legs' candidate lists, ranked, and the
// chunk and document columns of those that can make the top K; Go fuses them
// with [retrieval.Fuse], as every store does. Depth is [retrieval.Depth](K)
// for hybrid search and K otherwise.
//
// # Tuning
//
// ef_search: each vector query uses the larger of [Options.EfSearch]
// (default 100) and its depth, up to pgvector's 1000. Higher is more accurate
// and slower; with iterative scans it bounds the first pass only.
//
// Iterative scans (pgvector 0.8): relaxed_order lets a filtered HNSW scan go
// on past ef_search until it has found enough eligible rows or scanned
// hnsw.max_scan_tuples (a server setting, default 20,000); beyond that the
// exact fallback takes over.
//
// Index builds: [Store.Optimize] builds the HNSW index with [Options.M] and
// [Options.EfConstruction] and then runs VACUUM (ANALYZE): the planner needs
// the statistics after a bulk load, and vacuuming spares the first searches
// from setting every loaded page's hint bits. A graph that does not fit in
// maintenance_work_mem is built several times more slowly (pgvector logs a
// notice), so unless [Options.MaintenanceWorkMem] says otherwise the build
// raises the setting for its own transaction to an estimate of the graph's
// size (at most [MaxAutoBuildMemory]).
// Parallel workers (max_parallel_maintenance_workers) speed it up too. The
// build blocks writers, not readers.
//
// After a bulk load, call [Store.Optimize] ([retrieval.Library.Ingest] does).
package pgstore

// Package retrieval makes approved clinical guidance searchable: it chunks
// guidance documents, embeds the chunks, stores them, and runs hybrid
// (vector + BM25) searches that only ever return guidance in force.
//
// # Data flow
//
// Guidance is read by [github.com/bedside-ai/bedside/retrieval/guidance]
// into [guidance.Document] values. A [Library] splits each document into
// [Chunk] values with a [Chunker], embeds them with an [Embedder] and writes
// them to a [Store]; [Library.Search] embeds a [Query] and asks the store.
//
//	docs, err := guidance.Load("guidance/")
//	store, err := filestore.Open("guidance.store", filestore.Options{})
//	lib := retrieval.New(store, retrieval.Options{})
//	stats, err := lib.Ingest(ctx, "my-trust", docs)
//	hits, err := lib.Search(ctx, retrieval.Query{Tenant: "my-trust", Text: "sepsis antibiotics"})
//
// # Stores
//
// [Store] is the contract; two implementations pass its conformance suite
// ([github.com/bedside-ai/bedside/retrieval/retrievaltest]):
//
//   - [github.com/bedside-ai/bedside/retrieval/filestore], the embedded
//     default: in-process, one file written atomically, SIMD vector scans.
//   - [github.com/bedside-ai/bedside/retrieval/pgstore], PostgreSQL with
//     pgvector: HNSW vector index, BM25 inside the database, one round trip
//     per hybrid query. Importing retrieval alone never compiles pgx.
//
// Optional capabilities are separate interfaces found by type assertion:
// [EmbeddingCache], [Optimizer] and [Flusher].
//
// # Governance
//
// A search returns only chunks of versions in force at the query's AsOf
// time ([guidance.Metadata.InForce]): approved, effective, and neither
// superseded nor withdrawn by then. Draft, superseded and withdrawn guidance
// is never returned. Publishing an approved version supersedes the previous
// one in the same transaction. Guidance past its review date is returned
// with [Hit.ReviewOverdue] set, or left out with [Query.ExcludeOverdue].
// Tenants are isolated in every call.
//
// # Ranking
//
// [Vector] mode ranks by cosine similarity, [Lexical] mode by Okapi BM25
// (the same term analysis and weights in every store), and [Hybrid] mode,
// the default, fuses the two legs' top [Depth](K) candidates with [Fuse]:
// by default [ScoreFusion] (min-max scaled scores weighted [LexicalWeight]
// and [VectorWeight]), or [RankFusion] (reciprocal-rank fusion).
//
// # Embeddings
//
// The default [Embedder] is the local one
// ([github.com/bedside-ai/bedside/retrieval/localembed]): deterministic,
// with no model weights and no network. An OpenAI-compatible embedder is in
// [github.com/bedside-ai/bedside/retrieval/openaiembed]; any function can be
// one with [NewEmbedder]. Stores that implement [EmbeddingCache] let an
// ingest reuse vectors keyed by (model, [Chunk.EmbedKey]), so re-ingesting
// unchanged text embeds nothing.
//
// # Ingest
//
// [Library.Ingest] checks every document first (nothing is written if one
// is invalid), skips versions stored with the same hash, and writes the rest
// in batches, each document atomically: an interrupted ingest keeps what it
// wrote, and running it again resumes.
package retrieval

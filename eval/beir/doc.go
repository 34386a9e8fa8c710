// Package beir reads retrieval benchmarks in the BEIR layout: a corpus of
// passages (corpus.jsonl), questions (queries.jsonl) and relevance judgements
// (qrels/*.tsv). Corpora are read with the guidance loader, so a BEIR corpus
// is ingested like any other guidance.
package beir

// Package localembed is Bedside's default embedder: it turns clinical text
// into vectors with no model weights, no network and no randomness, so that
// a fresh install can search its guidance at once and every machine makes
// the same vectors.
//
// It is the vector leg of hybrid search, fused with BM25 by reciprocal-rank
// fusion, so it is built for what BM25 misses: synonyms, abbreviations and
// lay terms (heart attack, MI and myocardial infarction), British and
// American spellings (hypoglycaemia, hypoglycemia), morphology (diabetic,
// diabetes), misspellings, and phrases. It is not a language model: see
// Limits below.
//
// # Use
//
// [New] returns an [Embedder]; the zero [Options] gives 384 dimensions. An
// Embedder satisfies retrieval.Embedder and retrieval.QueryEmbedder:
// [Embedder.Embed] embeds passages and [Embedder.EmbedQuery] embeds
// questions. The two differ on purpose (see Normalisation), so a question
// must be embedded with EmbedQuery: compared with passage vectors, a
// question embedded with Embed ranks passages almost at random. To compare
// texts of one kind, passage with passage, use [Options.Symmetric], which
// makes both methods return the same plain cosine vectors.
//
// [Embedder.Model] names the scheme and every setting that changes vectors,
// e.g. "bedside-local-v1/384" or "bedside-local-v1/384/symmetric". It changes
// whenever vectors would, so cached vectors are never mixed across schemes.
//
// # How vectors are made
//
// Words. Text is split into words by internal/terms, the analyser that
// BM25 uses: runs of Unicode letters and digits, lower-cased, accents
// removed. Before stemming, British spellings become American (haem→hem,
// -aemia→-emia, oe→e in oedema, oesophagus, oestrogen, diarrhoea and
// dyspnoea, paed→ped, -ise→-ize, -our→-or, -tre→-ter, sulph→sulf and a list
// of whole words), with exceptions so that words such as exercise, promise,
// aerobic and four keep their spelling. Stop words are dropped, and the rest
// stemmed with the Snowball English stemmer.
//
// Word weight. Each word has a weight of 1, or 0.3 if it is one of about
// two hundred very common English words ("use", "include", "people",
// "often"): a fixed stand-in for inverse document frequency, which a model
// without a corpus cannot measure.
//
// Features. A text's features are:
//
//   - unigrams: each word's stem, at the word's weight;
//   - concepts: each entry of a built-in table of about 690 clinical
//     concepts (some 2,900 names: abbreviations, synonyms, lay terms and
//     drug names, e.g. "myocardial infarction|heart attack|=MI|STEMI|…")
//     that the text names, at weight 0.8. Names are matched as sequences of
//     stems, ignoring stop words and case but not crossing punctuation
//     ("short of breath" matches "shortness of breath"); abbreviations that
//     are also English words or other abbreviations when lower-cased (ALL,
//     MI, AIDS, PE) match only as written. A text that names a concept
//     other than by its first name also gets that name's unigrams and
//     bigrams, at the weights above, so "heart attack" shares the words
//     myocardial and infarction with passages that use them;
//   - bigrams: each pair of adjacent words, ignoring stop words between
//     them but not crossing punctuation, at weight 0.8 times the lower of
//     the two word weights;
//   - character n-grams: the 3- to 5-byte n-grams of each word's lower-case
//     American spelling marked at both ends ("<dia", "diab", …), for words
//     that are not numbers, sharing weight 0.8 times the word's weight
//     between them (each n-gram gets 0.8·weight/√count), so that misspelt
//     and inflected words still overlap.
//
// A feature found n times in a text has value w̄·(1 + ln n), where w̄ is the
// mean weight of its occurrences.
//
// Hashing. Each feature is hashed (64-bit FNV-1a of its kind and text, then
// the MurmurHash3 finaliser) into two signed positions of the vector, each
// taking value/√2 with a sign from the hash. Two positions rather than one
// spread the damage a collision does, which measurably helps at 384
// dimensions. Dimension 0 is reserved (see below); features use the rest.
//
// Normalisation. A question (EmbedQuery) is scaled to unit length and has 0
// in dimension 0. A passage (Embed) x is scaled by s/g, where
// g = (1-s)·P + s·|x|, s = 0.6 and P = 17.5 (about |x| for a 200-word
// passage: 17.6 on MedQuAD's, 18.6 on PubMedQA's), and dimension 0 takes
// the rest of its unit length, √(1 − (s·|x|/g)²). A question's inner
// product with a passage is then s·(q·x)/(|q|·g): cosine similarity with its
// bias towards short passages softened, as pivoted document length
// normalisation does (Singhal, Buckley and Mitra, SIGIR 1996). With
// [Options.Symmetric] every text is scaled to unit length and no dimension
// is reserved. A text with no words (empty, or only punctuation) gets a
// fixed unit vector.
//
// Determinism. Hashes are integer arithmetic. Values are summed in float64
// in a fixed order, every product is rounded explicitly so
// that no platform fuses it into a multiply-add, and ln is computed from
// basic operations rather than math.Log, whose last bit may differ between
// platforms; the result is rounded to float32. The same text gives the
// bit-identical vector on every run and machine, and a test pins checksums
// of a few vectors.
//
// # Quality
//
// Measured with the opt-in tests in quality_test.go (BEDSIDE_QUALITY=1 or
// =ablation): MedQuAD (16,407 NIH and CDC guidance passages, 15,812 judged
// questions; each passage embedded as "title\ntext") and PubMedQA question
// → own abstract (1,000 items). Exact inner-product top-10; MRR@10, recall@1 and
// recall@10:
//
//	                                   MedQuAD                PubMedQA
//	                            MRR@10   R@1   R@10     MRR@10   R@1   R@10
//	BM25 (internal/bm25)         0.505  0.328  0.907     0.974  0.963  0.990
//	this package, 384 dims       0.467  0.338  0.753     0.878  0.835  0.955
//	hybrid (RRF k=60), 384       0.521  0.356  0.887     0.946  0.917  0.989
//	this package, 768 dims       0.534  0.398  0.822     0.918  0.886  0.978
//	this package, 1536 dims      0.550  0.412  0.846     0.934  0.909  0.977
//	Options.Symmetric, 384       0.392  0.257  0.699     0.860  0.814  0.943
//
// What each part buys at 384 dimensions, MRR@10 on MedQuAD (PubMedQA):
// unigrams alone with plain cosine 0.270 (0.838); with spelling and
// common-word weights 0.293 (0.839); pivoted normalisation 0.353 (0.850);
// concepts 0.377 (0.872); concept expansion 0.381 (0.855); bigrams 0.441
// (0.844); character n-grams 0.455 (0.873); two hashes per feature 0.467
// (0.878). Bigrams help MedQuAD, whose topics are multi-word names, and
// cost PubMedQA about 0.015; character n-grams help PubMedQA and are
// neutral on MedQuAD, whose questions are spelt correctly, and they let a
// misspelt word find its passage (a test checks 30 misspelt clinical
// words). Down-weighting clinical question words (symptom, treatment,
// cause) as well as common English ones was tried: MedQuAD's MRR fell to
// 0.445, though its recall@10 and PubMedQA's MRR (0.885) rose a little. A
// question embedded with Embed instead of EmbedQuery scores 0.04 (0.09).
//
// MedQuAD's questions are templated and name their topic, and PubMedQA's
// reuse their abstract's words, so lexical search does well on both: they
// are the easy end of retrieval. Equal-weight fusion with a vector leg
// weaker than BM25 lowers PubMedQA's MRR below BM25's alone; more
// dimensions narrow the gap.
//
// # Limits
//
// It matches words, not meaning. Synonyms it knows come from the concept
// table; any other paraphrase ("the heart muscle dies" for infarction) is
// missed. Negation and word order beyond bigrams are ignored: "no chest
// pain" is close to "chest pain". Ambiguous abbreviations (AD, PD, CP, ED,
// ER, IV, RR) are not expanded, and exact-case abbreviations are missed when
// written in lower case ("mi"). English only.
//
// Hashing into few dimensions makes unrelated features share dimensions:
// two unrelated short texts can score ±0.1, and at 384 dimensions a
// misspelt single word finds its word among 30 others 80% of the time (90%
// at 1536).
// More dimensions cost storage and buy quality (the table above). Passage
// vectors from Embed are for ranking against questions from EmbedQuery,
// not for comparing passages with each other; use Options.Symmetric for
// that. Changing the tables or weights changes vectors, and so the version
// in Model.
package localembed

// Package eval measures Bedside as a user meets it: it drives the tutor and
// retrieval over a dataset of questions, scores the answers with
// deterministic checks, and writes reports that gate CI and that a clinical
// safety officer can attach to a hazard log. Runs are offline and
// reproducible: every model and embedding HTTP exchange can be recorded to a
// cassette and replayed byte for byte (package internal/httprr), and a
// replayed run's results and reports are byte-identical from run to run.
//
// Nothing imports eval but cmd/bedside and tests.
//
// # Datasets
//
// A dataset is a JSON Lines file (.jsonl: one object per line) or a YAML
// file (.yaml, .yml: a list of cases, or a mapping whose "cases" holds the
// list). Each case has these fields:
//
//	id                  required; unique, no white space
//	question            required; asked as a learner would ask it
//	answerable          required: true, or false for a question the tutor must refuse
//	reference           a reference answer, shown in reports
//	key_facts           statements a correct answer must contain
//	expected_documents  IDs of the guidance documents that answer the question
//	expected_passages   passages that answer it: "document#Section", or
//	                    {document, section, contains}
//	tags                labels that group cases in reports
//	mode                tutor (the default) or decision-support
//
// A case that must be refused has no key facts or expected sources. Unknown
// fields are errors, and every loading error is a [*FormatError] naming the
// file, the line and the field:
//
//	cases.yaml:12: answerable: want true or false, got a string "yes"
//
// See [LoadCases]. Retrieval benchmarks in the BEIR layout are read by
// package eval/beir and scored by [EvaluateRetrieval].
//
// Grounding pairs, for measuring the grounding checker itself, have the
// fields id, passages (a list), answer (or claim), label (supported,
// unsupported, contradicted, or true/false; optional) and the free-form
// kind, group and split. See [LoadPairs], [EvaluateGrounding] and
// [PubMedQAPairs]; the checker's hard-negative set,
// tutor/grounding/testdata/hard.jsonl, is a pairs file.
//
// # Runs
//
// [Run] asks every case's question with a [tutor.Tutor] (temperature 0 and
// a seed, [DefaultSeed] unless set), with bounded concurrency. Each case's
// [CaseResult] is appended to a JSON Lines results file and synced to disk
// as soon as it is known; a run that finds the file skips the finished
// cases, so a killed run loses nothing, and a crash that tears the last
// line loses only that line. The file's first line, a [RunHeader], records
// the dataset, corpus, model, prompt version, seed and the other settings;
// a file is never resumed with other settings ([MismatchError]). When every
// case has a result the file is rewritten in dataset order, so it does not
// depend on interruptions or concurrency.
//
// A case's status is pass, fail or error. A failure is a quality problem
// the checks found, with reasons such as
//
//	should refuse (the guidance does not cover it) but answered: "…"; cited anaphylaxis-adult
//	should answer but refused (not-covered): the model said the sources do not answer the question
//	sentence 2 is not supported by its cited passages (NumberMismatch: …): "…"
//	key fact missing from the answer: "…"
//	cites none of the expected documents (oxygen-prescribing); cited sepsis-adult
//
// An error is an infrastructure problem (the model, the embedder, the
// network, a replay without the recording) that kept the case from being
// evaluated; errors are kept apart from failures, never counted in the
// metrics, and re-run with [RunOptions.RetryErrors]. Failures are never
// re-run.
//
// With no model, the tutor answers extractively and a run makes no HTTP
// request at all.
//
// # Metrics
//
// [Summarize] turns results into a [Report]. Every rate is a mean with a
// 95% bootstrap interval ([Estimate]); rates pooled over sentences,
// citations or facts resample whole cases ([BootstrapRatio]). A metric that
// applies to no case has n = 0 and mean 0: no figure is ever NaN, refusals
// included. [Metrics] lists them: the refusal confusion matrix and its
// rates, retrieval recall@K, MRR and nDCG@K against the expected documents,
// groundedness of every answer sentence against its cited passages and
// against all retrieved passages (re-checked with package tutor/grounding,
// independently of the tutor's own verification), the share of the model's
// draft the tutor kept, citation precision and recall against the expected
// documents and passages, numeric consistency (every dose, unit and
// frequency of the answer found in the passages it cites, compared by
// amount with package internal/clinical), key-fact recall (each fact
// checked with the grounding checker against the answer text), tokens and
// the recorded model latency. An optional [Judge] asks a language model the
// same groundedness question, reported beside the checker with their raw
// agreement and Cohen's kappa.
//
// # Reports and exit codes
//
// [WriteJSON] writes the report in the versioned schema of SCHEMA.md
// (schema_version [ReportSchemaVersion]); [WriteJUnit] writes JUnit XML
// with one test case per case (failures as <failure type="quality">,
// errors as <error type="infrastructure">) and one per threshold;
// [WriteHTML] writes a self-contained page with inline SVG charts and a
// drill-down of every case; [WriteMarkdown] writes a summary for a pull
// request. [Compare] lists the metrics and cases that regressed between two
// reports. No report contains a wall-clock time.
//
// [Threshold]s gate a run ([ApplyThresholds]); with none, every case must
// pass. The commands that gate exit with
//
//	0  every threshold met                                  [ExitPass]
//	3  a threshold not met: a quality failure               [ExitBelowThreshold]
//	4  an infrastructure error, or an unfinished run        [ExitInfrastructure]
//
// (and, from the command line, 1 when the command cannot run at all, 2 for
// a usage error, 130 when interrupted). An infrastructure error takes
// precedence: a run with errors has no trustworthy figures.
package eval

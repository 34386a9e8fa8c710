// Package quiz writes question banks from approved clinical guidance, checks
// them before anything is exported, and re-checks them when the guidance
// changes.
//
// Every item cites the passage that states its key: the chunk's ID and
// hash, the document version, and the exact quoted sentence with its
// offsets in the document. Every check that rejects or flags an item says
// which rule fired and what text triggered it; nothing is dropped
// silently. The file formats (Moodle XML, GIFT, Aiken, QTI, CSV, JSON) are
// in package format, the HTML review page in package review.
//
// # Generation
//
// A [Generator] writes items from guidance found by a [Retriever] (a
// [*retrieval.Library] is one): every passage of the chosen documents, or
// the passages that best match a topic ([Request]). A request names the
// count, the mix of [Type]s (used in turn), a preferred [Difficulty] and
// the [Bloom] levels to aim for ([DefaultBloom] is above plain recall).
// Only guidance in force at [Options].AsOf is used: drafts, superseded and
// withdrawn versions never are.
//
// Without a model (the default) the generator is rule-based and
// deterministic. It reads each sentence once (a sentence repeated by
// overlapping chunks, or restated in a "Key points" section, is asked about
// once) and turns it into candidate items:
//
//   - doses, volumes, rates, timings, thresholds and scores become closed
//     questions ("What serum potassium defines severe hyperkalaemia?",
//     "If there is no improvement, when should you repeat the intramuscular
//     adrenaline dose?"), never sentences with a blank; the stem never
//     states the key's amount;
//   - a medicine an instruction names becomes "Which medicine should you
//     give …?";
//   - an instruction with a condition becomes a vignette: the condition
//     restated as a finding, the instruction as the key ([Apply]); a
//     threshold condition ("if the serum potassium is below 3.5 mmol/L")
//     gives the case a value that meets it and meets no other threshold on
//     the same measurement in the same document;
//   - a list ("Airway problems include …") becomes a multiple-choice item;
//   - a sentence with an amount or a medicine becomes a true/false
//     statement, true or (in turn) false with one amount or medicine
//     changed;
//   - the question of a single-best-answer item also makes a short-answer
//     item, with the usual spellings of the answer accepted.
//
// Distractors are of the key's kind and drawn from the guidance in force:
// other values with the same unit (from the same document first), the
// usual wrong values (double, half, a decimal slip, the neighbouring usual
// interval: never "1.0 mg", as prescribing rules forbid trailing zeros),
// other medicines of the key's class (a small built-in lexicon of
// classes: those the guidance names first), the instructions the same document gives under a contrasting
// condition (one about the same thing: "intravenous access is available"
// against "there is no intravenous access"), the key instruction with a
// wrong amount, and instructions of guidance on unrelated subjects. Each
// candidate distractor is checked against the cited sentence with the
// grounding checker, and one that it supports is never used. Amount
// options are shown in ascending order; the key's position among them is
// chosen in turn. Items are labelled with the Bloom level they reach and
// an estimated difficulty (how close the nearest distractor is to the
// key); [Result].Notes says when fewer items, or fewer above the Bloom
// target, could be made.
//
// With a model ([Options].Model), each item is written by the model from
// one passage, the passages taken from each document in turn. The passage
// is sent as untrusted data between <source> tags with < > & escaped, and
// the reply must be JSON matching a strict schema ([llm.JSONSchema]). A
// reply that is not valid JSON, breaks the schema, is of the wrong type or
// shape, or quotes text that is not in the passage is sent back with the
// problem up to [Options].Retries times (default 2), then rejected with the
// reason. An item whose key the quoted text does not support, or one of
// whose distractors it does support, is rejected at once.
//
// Finally every item is linted; items with an error finding go to
// [Result].Rejected with their reasons, the rest carry their findings; key
// positions are balanced ([Balance]) and IDs set ([ContentID]).
//
// # Validation
//
// [Linter.Lint] (and [Validate], with the defaults) runs every rule of
// [Rules] on each item and across the bank and returns a [Report]:
//
//   - grounding: each correct option, read with its question, must be
//     supported by the cited text (the title and section path, then the
//     quote), and no incorrect option may be; for a true/false item the
//     statement itself is the claim. Item phrasing ("Which is the most
//     appropriate next step?", "Under the … guidance") is removed from the
//     claim first. A claim is checked as the question sentence with the
//     answer and, for a vignette, as the whole stem with the answer.
//   - structure: one key for single-answer items, five options for a
//     single best answer, True and False for true/false, answers for short
//     answer, a rationale, an explanation for each distractor;
//   - item-writing flaws after the NBME guide: the key is the longest option
//     (by at least 20% and 5 characters), "all/none of the above", a
//     negative question without emphasis (NOT or EXCEPT in capitals or
//     bold is accepted; "not" counts within the first 7 words of the
//     question, after any opening condition), absolute terms in options or
//     true/false statements (always, never, all, none, only), vague
//     frequency terms (often, usually, rarely, sometimes, frequently,
//     occasionally, seldom, commonly, generally, typically), grammatical
//     cues (an "a"/"an" ending the stem; the number of the question's verb
//     agreeing with the key and not with most distractors), a stem word
//     repeated only in the key (a clang association), convergence (the key
//     alone shares the most words with the other options), implausible
//     options (an amount over 50 times from the median, an impossible
//     percentage, a non-answer, an option a quarter of the usual length),
//     duplicate options (the same text, or the same amount in other units),
//     fill-in-the-blank stems (a blank, or no question mark at all),
//     true/false dressed as options, K-type combinations ("A and C", "1, 2
//     and 3", "4 only"), and heterogeneous options (amounts among
//     medicines, instructions among findings, different units);
//   - across the bank: the answer given away by another item's stem (the
//     checker, given the other stem as the passage, supports the item's
//     question with its key), and near-duplicates, within the bank and
//     against an existing bank ([Linter].Existing).
//
// Near-duplicates are found by [Similarity]: the Jaccard index of two
// items' shingles, the analysed words of the stem and key and each pair of
// adjacent words, item phrasing left out, numbers kept. From
// [DefaultDuplicateThreshold] (0.5) two items are near-duplicates:
// rewordings of a question with the same key score above it, while
// different questions about one topic, or the same question with a different
// key value, score below; the largest similarity between two of the 50
// items generated from the example guidance is 0.483.
//
// [KeyPositions] counts where the keys of single-answer items sit and tests
// the spread with Pearson's χ² at 5%; [Balance] moves keys to the least
// used positions, deterministically, keeping the order of the distractors
// and of amounts listed in ascending order.
//
// # Guidance changes
//
// [Check] looks up each cited version through a [DocumentLister] (a
// [retrieval.Store] is one) and the current passages through the
// [Retriever]. It flags a version that was superseded (an error if the
// version in force no longer contains the quoted text; a warning, with the
// citation moved to the new version, if it does), withdrawn, not in force,
// missing or past its review date, and a quote that no longer appears in
// the current text: the cited chunk is matched by ID and hash, and the
// quote is otherwise searched in the document's current passages (white
// space, quotes and dashes normalised), so a passage that merely moved is
// re-cited rather than flagged. [ApplyChecks] records the findings and
// moved citations; [Generator.Regenerate] writes a new item of the same
// type for each stale one from the guidance now in force, or says why it
// cannot (the guidance was withdrawn).
//
// # Measured
//
// On the example guidance (15 approved documents in force; 217 passages),
// offline, on a 2-core machine:
//
//   - 50 items (9 to 11 of each type) are made and none rejected; each
//     cites a passage containing its key and passes every lint rule (no
//     findings); 10 reach Bloom Apply and 9 Understand, 31 are recall; the
//     21 single-answer items have their keys at positions [4 5 4 4 4].
//     Generating them, retrieval and linting included, took 75 to 180 ms
//     (BenchmarkGenerate50; the machine was shared with other jobs, load
//     average 4 to 7), linting a 50-item bank 20 to 40 ms
//     (BenchmarkLint50).
//   - Through the real go-openai client against the fake OpenAI server
//     (TestGenerateLLM50), 50 model-written items are all accepted;
//     malformed JSON is retried and then rejected with the reason, and an
//     item whose key is not in its source is rejected as
//     key-not-supported.
//
// The flaw rules were measured on labelled items written for the purpose
// (TestLintLabelled). On the development set the rules were written
// against (69 items, 55 labelled flaws) precision and recall are both
// 1.000: that figure only shows the rules do what they were made to do. On
// a held-out set written and labelled afterwards and not used to change
// the rules (24 items, 21 labelled flaws) precision is 0.905 (19/21) and
// recall 0.905 (19/21): the misses were a plural cue without a verb ("Which
// medicines commonly cause …?") and an implausible option in words ("No
// cleaning needed"), the false alarms two options of a kind the verb list
// does not know ("Help the patient up", an amount of carbohydrate among
// medicines). Both sets were written by the rules' author, so the figures
// are optimistic for banks written by others.
//
// # Limits
//
//   - The rule-based generator reads sentences with rules, not a parser:
//     it asks about the sentence shapes guidance is usually written in and
//     skips the rest, and its single-fact items are mostly recall (Bloom
//     Remember); vignettes and lists reach Apply and Understand.
//   - A distractor that the cited sentence does not support may still be
//     true in some other context the guidance does not cover. Vignette
//     distractors are restricted to instructions that are wrong in the case
//     (contrasting conditions, a wrong amount) or come from guidance on
//     unrelated subjects, which are safe but can be implausible. An
//     educator must review every item; the review page is made for that.
//   - The grounding checker compares words, numbers and structure (see
//     package grounding): a key worded differently from its source may be
//     rejected, and a distractor that reuses the source's words may be
//     taken as supported and left out.
//   - The lint rules are heuristics; their findings are for a reviewer, and
//     only grounding and structural errors block export.
package quiz

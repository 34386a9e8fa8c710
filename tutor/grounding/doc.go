// Package grounding decides, deterministically and without a model,
// whether the passages an answer cites support each of its claims. It is
// the safety core of Bedside: answers, quiz items and evals all use it.
//
// A [Checker] checks one claim (one answer sentence) against the passages it
// cites and returns a [Result]: a [Verdict], a Score in [0, 1], the
// Evidence (byte spans of the best supporting sentences, so that a citation
// can quote them exactly) and machine-readable [Problem]s explaining an
// unsupported verdict. [Checker.CheckAnswer] checks a whole answer, each
// sentence against its own citations, analysing each passage once.
//
// # Algorithm
//
// The claim and every sentence of every cited passage are analysed by
// package internal/clinical into content words (stems, with British and
// American spellings, irregular forms and a short list of clinical synonyms
// folded together), quantities (number, unit in normal form, bound),
// frequencies, and clauses with their polarity. Words that carry no claim
// content are ignored: stop words, modal and recommendation verbs
// ("should", "recommended"), references to guidance, patients and
// clinicians, answer and report phrasing ("the guidance states", "studies
// show"), hedges, and verbs of giving (whether a thing is given or avoided
// is a matter for the negation check). [Checker.Ignore] adds more.
//
// A window is up to [Checker.Window] consecutive sentences of one passage
// (default 3) whose first and last sentences each add something the
// others lack, so that a window cannot take in an unrelated sentence to
// escape a problem. A claim is Supported when one window passes every
// check:
//
//  1. Coverage: the weighted share of the claim's content words found in
//     the window (drug names, acronyms and codes weigh double) is at least
//     [Checker.Threshold], and every clause of two or more content words
//     has at least half of them (else MissingContent). Words in a question
//     ("whether X helps", "Should I give X?") support nothing.
//  2. Names: every drug name, acronym and code in the claim is in the
//     window (else MissingName), however well the rest is covered.
//  3. Numbers: every number in the claim is in the window with the same
//     amount: 500 mg matches 0.5 g, 1 hour matches 60 minutes; a number
//     without a unit on either side matches by value (else NumberMismatch,
//     or UnitMismatch when the number is there with another unit). Ranges
//     ("94–98%", "94 to 98%", "between 94 and 98%"), decimals (".5"),
//     thousands ("1,000") and number words ("one" to "twenty",
//     "twenty-four") are understood.
//  4. Bounds: a bounded number ("below 92%", "within 1 hour", "at least 5
//     days", "no more than 4 g") must not be bounded the other way in the
//     sentence that best matches the claim; the ends of a range count as
//     bounds (ComparisonMismatch, or FrequencyMismatch for a time).
//  5. Frequencies: every frequency or interval in the claim ("every 4
//     hours", "four-hourly", "q4h", "twice daily", "bd", "tds", "qds",
//     "once", "as required") is in the window (else FrequencyMismatch).
//     One dose per period equals an interval of one period ("once daily"
//     is "every 24 hours"), but two or more per period do not ("twice
//     daily" is not "every 12 hours").
//  6. Polarity: each claim clause is aligned with the window clause that
//     shares most of its content words; their polarities must agree, and
//     so must narrow negations of shared words ("with food" against
//     "without food") (else NegationMismatch). Negation cues include
//     "not", "no", "never", "n't", "avoid", "contraindicated", "withhold",
//     "nil", "lack of", "fail to"; "without", "non-", "absence of" and a
//     "no" after a preposition negate only the next few words. Negations
//     that only bound a quantity ("do not exceed 4 g", "do not give more
//     than 8 tablets") are read as bounds.
//
// The best window is the one with the highest Score; ties go to the
// shorter window, then the earlier passage and sentence. Score is the
// window's coverage multiplied by 1/4 for each kind of problem found, so
// it ranks claims by how well they are supported (for AUROC, for review
// queues) while Verdict stays the decision.
//
// # Verdicts
//
// A claim with no content words, numbers or frequencies ("In summary:",
// "Here is what the guidance says.") is NotAClaim: it is neither supported
// nor unsupported, needs no citation, and has Score 0. A claim that cites
// nothing is Unsupported with a NoCitation problem. Citation markers such
// as "[1]" or "[S2]" in a claim are ignored. A claim longer than
// [MaxClaimBytes] is not checked (TooLong). An Unsupported result always
// has at least one Problem, and a Supported one has none.
//
// # Threshold
//
// [DefaultThreshold] (0.70) was chosen on the development half of the
// project's hard-negative set (testdata/hard.jsonl, split by passage): the
// value on a 0.05 grid with the best F1, ties to the prior 0.75 ("one
// content word in four may be paraphrased"). It beat 0.75 by one example.
// The test half was used only to report the figures below.
//
// # Quality
//
// The hard set is measured by TestQuality (set BEDSIDE_QUALITY=1), and
// both sets by "bedside eval grounding --pairs FILE" (the eval package builds
// the PubMedQA pairs from the shared data). On the test half of the hard set (55
// supported claims, 90 perturbations of them: changed dose, unit,
// frequency, comparison, negation, drug, or an added clause) AUROC is
// 0.913 and F1 0.836 at the default threshold. Every changed dose, unit,
// frequency and comparison was caught; negations, swapped drugs and
// added clauses were caught 9/13, 10/12 and 7/10. On PubMedQA (1,922
// long-answer sentences against their own abstract and against another
// topic's) AUROC is 0.968 with no false support, but only 17% of the
// conclusion sentences are supported by their abstract: conclusions
// generalise and paraphrase, and the checker requires the words to be
// there.
//
// # Limits
//
// The checker compares words, numbers and structure; it does not
// understand text. In particular:
//
//   - Paraphrase and synonyms: "wears off sooner" is not matched with
//     "has a shorter duration of action". Only a short list of clinical
//     synonyms and abbreviations is built in. Such claims come out
//     Unsupported: the checker errs towards rejecting a true claim rather
//     than passing a false one.
//   - Coreference: "it", "both agents", "the dose" are not resolved, and
//     a window holds at most three sentences, so support spread further
//     apart in a passage is not found.
//   - An added claim that reuses the passage's words ("… and oxygen must be
//     humidified" where the passage mentions oxygen) can pass coverage.
//   - Negation is read by clause, with simple scope rules; double
//     negations, negated purposes ("not to address X, to minimise Y") and
//     lists whose negation is carried by an earlier clause can be misread.
//   - Comparisons of meaning beyond bounds ("excluded by imaging" against
//     "imaging shows") are not made.
//
// # Cost
//
// Checking is linear in the length of the passages. On a 2-core machine
// under load, a 25-word claim against a 300-word passage took about 80 µs
// of CPU, of which about 60 µs is the analysis of the passage, done once
// per answer by CheckAnswer; each further claim against analysed passages
// took about 20–25 µs.
package grounding

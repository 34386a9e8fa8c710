// Package clinical recognises what a claim checker must compare exactly in
// clinical English: numbers with their units and bounds, dosing frequencies
// and intervals, negation and clause structure, and the names of drugs.
//
// [Analyze] turns a sentence into a [Text]: its content [Term]s (stemmed
// with package terms after folding British and American spellings,
// irregular forms and a short list of clinical synonyms), its
// [Quantity]s ("500 mg", "94–98%", "0.1 units/kg/h", "below 90 mmHg",
// "twenty-four hours"), its [Frequency]s ("every 4 to 6 hours", "4-hourly",
// "twice daily", "bd", "as required") and its [Clause]s with their
// polarity. [Lex] is the tokenizer underneath, and [Same] compares amounts
// across units ("0.5 g" and "500 mg").
//
// The recognisers are rules, not a parser: they are tuned for the short,
// direct sentences of clinical guidance and answers about it, and they
// prefer to miss a construction rather than misread it.
package clinical

// Package redflag spots red flags — signs of a medical emergency — in a
// learner's question, so that an answer can start with an escalation
// notice before any teaching.
//
//	var d redflag.Detector // the zero value uses the default rules
//	flags := d.Detect("My patient has chest pain radiating to his jaw and is sweaty")
//	answer = redflag.Preamble(flags) + answer
//
// Detection is rule based and deterministic: no model is involved, and the
// same text always gives the same flags. It is a safety net, not a triage
// tool: it is tuned to be conservative (when in doubt, fire) but it cannot
// catch every wording, and it never replaces clinical judgement or local
// escalation policy.
//
// # Rules
//
// [DefaultRules] lists the built-in rules and what fires them: acute
// coronary syndrome, sepsis, anaphylaxis, stroke, suicide and self-harm,
// severe breathing difficulty, meningitis, major bleeding, diabetic
// ketoacidosis, severe hypoglycaemia with reduced consciousness, cauda
// equina syndrome, and pre-eclampsia or chest pain in pregnancy. Each [Rule]
// combines [Concept]s: a condition such as "chest pain AND one of sweating,
// radiation, breathlessness or collapse" holds when the findings lie within
// the rule's Window (40 words by default). A Concept matches phrases (lay and
// clinical wordings, British and American spellings) or readings through a
// [Measure] ("RR 28", "BP 90/60", "sats 88%", "ketones 4.2", "28 breaths a
// minute"). Custom rules are passed to [New]; append them to DefaultRules()
// to keep the defaults.
//
// # Negation
//
// A finding does not count when it is negated within its clause: after "no",
// "not", "denies", "without", "negative for", "free of", "history of",
// "previous", "no longer" and similar cues (up to 8 words before it), or
// before "denied", "resolved", "absent", "none", "5 years ago" and similar
// (up to 3 words after it). The scope ends at a sentence or clause break,
// at words that start a new statement ("but", "is", "has", "he", "now" …),
// and at a comma unless the clause goes on as a list with "or" ("no fever,
// rash or neck stiffness"). Negation words that belong to a finding ("has
// not passed urine", "the rash doesn't fade", "can't breathe") negate
// nothing, and pseudo-negations ("no improvement", "not settling") are
// ignored. Ambiguous phrasing such as "no chest pain, sweaty and clammy" is
// read as positive for sweating: when in doubt, the detector fires.
//
// # Educational questions
//
// Bedside is a tutoring tool, so questions about emergencies are common and
// are not emergencies: "What are the red flags for sepsis?" or "How do I
// recognise sepsis in a confused patient with a respiratory rate of 24?"
// raise no flags. A real person raises flags even inside a question: "My
// patient has a UTI and is confused — what should I do?" does. The rule,
// applied to the whole text:
//
//   - a real person ("my patient", "my husband", "I've got", "I can't
//     breathe", "bed 4", "right now", "what should I do") always counts:
//     flags fire;
//   - otherwise, exam or vignette framing ("most likely diagnosis", "which of
//     the following", "quiz me", "scenario") suppresses flags, even for a
//     described case ("A 60-year-old presents with chest pain and sweating.
//     What is the most likely diagnosis?");
//   - otherwise, a knowledge question ("what are", "how do I", "explain",
//     "signs of", "dose") suppresses flags unless a case is described ("he
//     has", "72-year-old", "presents with", "Mr …");
//   - text with neither kind of cue — a terse note such as "crushing chest
//     pain, sweaty" — fires.
//
// Naming a condition ("heart attack", "sepsis", "stroke", "DKA",
// "anaphylaxis") fires only with a real person or case in the text, using
// the [Presentation] concept. Set [Options].AnyFraming to ignore framing, for
// example to check guidance passages.
//
// # Patterns
//
// Concept phrases are written as patterns: words separated by spaces, each
// word a set of alternatives separated by '|'. An alternative is a lower-case
// word, a prefix ending in '*' (at least three letters: "sweat*" matches
// sweating, sweaty, sweats), '*' for any one word, or '#' for any number. A
// trailing '?' makes a word optional. Text is lower-cased and split into
// words at spaces, hyphens and punctuation ("non-blanching" is "non
// blanching"; "can't" stays one word), and a match never crosses a comma,
// clause or sentence break. Alternatives are single words:
// "short of breath|breathe" is three words whose last may be "breath" or
// "breathe"; write "can't breathe", "unable to breathe" as separate
// patterns, or "can't|unable to? breathe".
//
// # Cost
//
// Detect tokenises the text once and looks phrases up by their first word,
// so its cost grows linearly with the text; a 200-byte question takes a few
// microseconds.
package redflag

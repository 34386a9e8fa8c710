// Package redact removes UK personal data from free text — a learner's
// question, say — before it leaves the process or reaches a log.
//
// A [Redactor] replaces each piece of personal data with a token naming its
// [Kind] and reports where it was as a [Finding] (offsets only, never the
// data, so findings are safe to print and log):
//
//	var red redact.Redactor // the zero value is ready to use
//	res := red.Redact("Mr Jones, NHS number 999 000 0018, asks about sepsis")
//	// res.Text == "Mr [NAME], NHS number [NHS_NUMBER], asks about sepsis"
//
// # What is found
//
//   - [NHSNumber] — ten digits, run together or spaced 3-3-4 with spaces or
//     hyphens. A number is redacted when its modulus 11 check digit is valid
//     and it lies in an issued range: England, Wales and Isle of Man
//     400 000 000–499 999 999 and 600 000 000–799 999 999; Northern Ireland
//     H&C 320 000 000–399 999 999; Scotland's CHI numbers
//     010 101 0000–311 299 9999 (date-based: the first four digits must be a
//     real day and month); and the 999 000 0000–999 999 9999 range reserved
//     for tests. Right after a cue — "NHS", "CHI", "H&C", "health and care",
//     optionally followed by "number", "no", ":" and the like — any ten
//     digits in that layout are redacted, whatever the range and even when
//     the check digit is wrong: the cue says it is a patient's number, and a
//     mistyped one still identifies the patient.
//   - [NINumber] — two prefix letters (first not D, F, I, Q, U or V; second
//     not D, F, I, O, Q, U or V; never BG, GB, NK, KN, TN, NT or ZZ), six
//     digits, a suffix A–D; single spaces between pairs allowed. Without the
//     suffix, only right after "NI", "NINO" or "national insurance".
//   - [Postcode] — the official format (A9, A99, A9A, AA9, AA99 or AA9A, then
//     9AA with the inward code's restricted letters) starting with a real
//     postcode area (so gene names such as CD40LG do not match), with or
//     without the space, upper or lower case but not mixed, plus GIR 0AA.
//     Clinical tokens such as SpO2, T2DM, NEWS2, CO2 or 5mg never fit.
//   - [Phone] — +44, 0044 or a trunk 0 (not 00, 04 or 06), 10 or 11 digits
//     with the trunk 0, in groups of two or more separated by single spaces
//     or hyphens, the first group optionally bracketed: 07700 900123,
//     +44 (0)20 7946 0000, (0161) 496 0000. Short numbers ("call 2222"),
//     doses, times, dates and ratios ("120/80") are never phone numbers.
//   - [Email] — local@domain.tld, with the longest valid domain the text
//     allows.
//   - [DateOfBirth] — a date right after "DOB", "d.o.b.", "date of birth",
//     "birth date" or "born" (with filler such as "on", "in", ":"): numeric
//     (01/02/1960, 1960-02-01), written (3 March 1950, 3rd of March, 1950,
//     March 3, 1950, March 1950) or a year alone ("born in 1950"). Other
//     dates — "review in 2027", "at 14:30 on 12/03/2025" — stay.
//   - [Name] — capitalised words after a title (Mr, Mrs, Ms, Mx, Miss, Dr,
//     Prof …; not MR, MS or DR, which are clinical abbreviations), after
//     "patient" or "pt", or after "called", "named", "known as" or "name
//     is". A stop list of clinical words, drugs and function words keeps
//     "patient Paracetamol" or "called Outreach" intact, and a naming cue
//     right after a word for a thing ("also called", "a drug called", "a
//     sign known as") is ignored. The trade-offs: a name that is also a stop
//     word survives ("Mr Hope" is redacted, "Mr Heart" is not), while an
//     unlisted drug or an eponym after a cue is redacted ("also called
//     Kaposi sarcoma" stays, "what is called Kaposi sarcoma" becomes "what is
//     called [NAME] sarcoma"). Over-redaction is the safe failure. Add local
//     words with [Redactor.StopWords].
//
// Detection is deliberately conservative about clinical text: doses
// ("Give 0.5 mg adrenaline IM"), scores ("NEWS2 score of 7"), observations
// ("BP 90/60", "SpO2 92%"), lab values ("glucose 3.9 mmol/L") and extension
// numbers ("call 2222") pass through unchanged.
//
// # Guarantees
//
// Redact never panics, whatever the input (including invalid UTF-8), and
// runs in time linear in the length of its input: every detector is a
// hand-written scanner with bounded look-ahead, with no regular expressions
// and no backtracking. It is idempotent: redacting redacted text finds
// nothing, because replacement tokens are never matched and a redaction never
// changes how its neighbours are read: every decision looks only at a small,
// fixed neighbourhood, in which a token's brackets count as the letters or
// digits they replaced. Overlapping findings are joined into one, so no
// fragment of personal data survives between them.
//
// # Logging
//
// [Redactor.ReplaceAttr] plugs into [log/slog.HandlerOptions] to redact
// every string a handler writes, and [Redactor.Attr] makes one redacted
// attribute. [Finding] and [Result] implement [log/slog.LogValuer].
package redact

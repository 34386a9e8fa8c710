// Package format writes question banks ([quiz.Bank]) in the file formats
// learning platforms import, and reads back the ones people keep banks in,
// so that existing banks can be linted and de-duplicated.
//
// # Formats
//
// [Encode] and [Decode] work like the encoding packages: pick a [Format]
// (or let [FormatFor] pick one from a file name) and pass a writer or a
// reader.
//
//	MoodleXML  Moodle XML (.xml)                         encode, decode
//	GIFT       Moodle GIFT (.gift)                       encode, decode
//	Aiken      Aiken (.aiken)                            encode, decode
//	QTI21      IMS QTI 2.1 content package (.zip)        encode
//	QTI30      1EdTech QTI 3.0 content package (.zip)    encode
//	CSV        one row per item (.csv)                   encode, decode
//	JSON       Bedside's own, lossless (.json)           encode, decode
//
// Moodle XML, GIFT and Aiken follow Moodle's own importers and exporters
// (question/format/{xml,gift,aiken}/format.php in moodle/moodle, Moodle 4.x,
// and the "Moodle XML format", "GIFT format" and "Aiken format" pages of
// docs.moodle.org); each file's comments name what it follows. QTI follows
// the IMS QTI 2.1 Final specification and its "Simple Items" examples, and
// 1EdTech QTI 3.0 with its purl.imsglobal.org response-processing templates.
//
// # What each format carries
//
// Decode gives back exactly these fields of an item that Encode wrote
// (TestRoundTrip and FuzzRoundTrip check it), and leaves the rest at their
// zero values for the caller to fill in (for example Generator "imported"
// and Created):
//
//	field         JSON  CSV  Moodle XML  GIFT  Aiken  QTI (written only)
//	ID            yes   yes  yes (1)     yes   -      item identifier (2)
//	Type          yes   yes  yes (3)     yes   (4)    interaction kind
//	Stem          yes   yes  yes (5)     yes   (6)    yes
//	Options, key  yes   yes  yes         yes   (6)    yes
//	Explanations  yes   yes  yes         yes   -      scorer rubric
//	Answers       yes   yes  yes (5)     yes   -      yes (mapping)
//	Rationale     yes   yes  yes (7)     yes   -      scorer rubric
//	Citations     yes   yes  yes (7)     yes   -      scorer rubric, shown
//	Difficulty    yes   yes  tag (3)     tag   -      -
//	Bloom         yes   yes  tag (3)     tag   -      -
//	Tags          yes   yes  yes         yes   -      -
//	Topic         yes   yes  category    category -   -
//	Generator     yes   yes  -           -     -      -
//	Created       yes   yes  -           -     -      -
//	Findings      yes   yes  -           -     -      -
//	Bank name     yes   -    category    category -   -
//
// Notes to the table:
//
//  1. Moodle's ID number (idnumber), at most 100 characters.
//  2. The ID if it is an XML name, else a cleaned form of it.
//  3. Moodle has no field for them, so they travel as question tags with a
//     reserved prefix: "type:vignette", "difficulty:hard", "bloom:apply".
//     The item's topic becomes a category below the bank's.
//  4. Aiken reads back single best answer (or true/false when the options
//     are "True" and "False").
//  5. Text is written as HTML (Moodle's html format): line ends become
//     "\n" and leading and trailing white space is dropped, as Moodle
//     trims it. In short answers "*" is written "\*", since Moodle reads a
//     bare "*" as a wildcard.
//  6. Stem and options on one line: every run of white space holding a line
//     break becomes one space.
//  7. The general feedback holds the rationale and then the sources, each
//     with its quote, document, version and section, so an educator sees
//     provenance in Moodle; the whole citation also sits in a data-citation
//     attribute and comes back unchanged.
//
// CSV turns "\r\n" inside a cell into "\n" (encoding/csv does).
//
// # Items a format cannot carry
//
// Nothing is dropped silently. An item a format cannot carry (a
// short-answer or multiple-answer item in Aiken, a tag Moodle would
// rewrite, text with a control character XML cannot hold, an item whose
// findings include an error) makes [Encode] fail with an
// [*UnsupportedError] that lists every such item and why, and nothing is
// written. [EncodeWith] with [EncodeOptions].SkipUnsupported writes the
// rest and lists the ones left out in [Result].Skipped. Decoding works the
// same way for questions Bedside does not model (essay, matching,
// numerical, …), with [DecodeOptions].
//
// # Errors
//
// Malformed input is a [*SyntaxError] whose message names the line (GIFT,
// Aiken, CSV, JSON) or the line and element (Moodle XML):
//
//	gift: line 12: answer block "{" is not closed by "}"
//	aiken: line 7: ANSWER "F" names no option (the question has options A to D)
//	moodle: line 40: <question type="multichoice"> <answer> 3: fraction "x" is not a number
package format

// Package review writes a question bank as one self-contained HTML page for
// an educator to review in a browser or on paper.
//
// # The page
//
// [Write] shows every item with its stem, its options with the key marked
// and each option's explanation, the rationale, the difficulty, Bloom level,
// topic and tags, and its lint and validation findings coloured by
// severity (error red, warning amber, note blue; the item's left border
// takes the colour of its worst finding). Each citation is shown with its
// document, version and section and, when [Options].Passage can look up the
// chunk's text, the whole passage with the quoted span highlighted; a quote
// that cannot be found in its passage is flagged.
//
// The page has no external assets and needs no JavaScript: a few inline
// lines add filters (by worst finding, type and text) when scripts run.
// Print styles keep each item on one page and keep the colours. Every value
// is escaped by html/template, so item text cannot inject markup.
//
// # Browser test
//
// The package's tests render the page in headless Chromium (Debian's
// chromium package; scripts/chromium-setup installs it) and check the
// screenshot and the rendered DOM. They skip when Chromium is absent unless
// BEDSIDE_REQUIRE_BROWSER=1, as in CI.
package review

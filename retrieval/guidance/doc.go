// Package guidance reads clinical guidance documents, with the governance
// metadata that says whether each may be cited, from Markdown, plain text,
// HTML, PDF and BEIR JSONL files.
//
// A [Document] is one version of one guidance document: its [Metadata] (id,
// version, approval status and dates, and descriptive fields), its text
// ([Document.Body]) and that text split into [Section]s by heading. Only
// approved guidance that is in force is ever cited (see [Metadata.InForce]);
// this package reads and checks documents, and the retrieval store decides
// what may be searched.
//
// # Loading
//
// [Load] reads files and directories; [LoadFile] reads one file:
//
//	docs, err := guidance.Load("guidance/")
//
// A directory is walked recursively in lexical order. Hidden files and
// directories (names starting with "."), metadata sidecars and files with
// other extensions are skipped; a [Loader] reports each skipped path to its
// OnSkip hook. A [Loader] also supplies Defaults for metadata that files
// leave out, which is how a corpus without governance metadata is loaded:
//
//	l := &guidance.Loader{
//		Defaults: guidance.Metadata{Status: guidance.Approved, Version: "1"},
//		OnSkip:   func(path, reason string) { log.Printf("skipping %s: %s", path, reason) },
//	}
//	docs, err := l.Load("corpus.jsonl", "guidance/")
//
// The format of a file is chosen by its extension:
//
//	.md .markdown   Markdown with YAML front matter
//	.txt            plain text with YAML front matter
//	.html .htm      HTML with <meta name="bedside:…"> tags
//	.pdf            PDF (metadata from a sidecar)
//	.jsonl          BEIR JSONL: one passage per line
//
// Loading is all or nothing: if any file is bad, Load returns no documents
// and an error that lists every problem in every file (see Errors below).
//
// # Metadata fields
//
// Front matter, sidecars, HTML meta tags and JSONL records all use the same
// snake_case field names:
//
//	id              required; no white space, '@' or '/'; e.g. sepsis-adult
//	title           required (some formats fall back to a heading, see below)
//	version         required; e.g. "3.0" or 2024.1; no white space, '@' or '/'
//	status          required: draft, approved, superseded or withdrawn
//	publisher       the body that issued the guidance
//	approved_by     who approved this version
//	approved_at     date: not in force before this
//	effective_from  date: not in force before this
//	review_due      date: in force after it, but flagged as overdue for review
//	superseded_at   date: no longer in force from this date
//	withdrawn_at    date: no longer in force from this date
//	jurisdiction    where the guidance applies, e.g. England
//	specialties     list, e.g. [acute medicine, emergency medicine]
//	tags            list of free-form labels
//	audience        list, e.g. [nurses, doctors]
//	source_url      where the authoritative copy lives
//	licence         the licence the text is used under
//
// Dates are written YYYY-MM-DD (midnight UTC) or in RFC 3339
// (2025-01-15T09:00:00Z). A list field takes a list or a single value.
// Version numbers keep the text written: version: 3.0 is "3.0", not "3",
// though quoting them is clearer. Status names ignore case. An unknown field
// is an error, so that a misspelt "staus:" cannot pass silently.
//
// # Markdown
//
// A Markdown file may start with YAML front matter between "---" lines
// (the closing line may also be "..."):
//
//	---
//	id: sepsis-adult
//	title: Sepsis in adults
//	publisher: Bedside Example Trust
//	version: "3.0"
//	status: approved
//	approved_by: Deteriorating Patient Group
//	approved_at: 2025-01-15
//	effective_from: 2025-02-01
//	review_due: 2027-02-01
//	specialties: [acute medicine, emergency medicine]
//	tags: [sepsis, deterioration]
//	---
//	# Sepsis in adults
//	...
//
// The body is the file's text after the front matter, exactly as written
// (without a UTF-8 byte-order mark). It is split into sections at ATX
// headings ("# Heading" to "###### Heading") and setext headings (a line
// underlined with "===" or "---"), but not at lines inside fenced code
// blocks (``` or ~~~) or indented code. A section's heading path is the
// chain of headings above it, outermost first: text under "## Treatment"
// inside "# Sepsis" has the path ["Sepsis", "Treatment"]. Text before the
// first heading is a section with an empty path; sections with no text are
// left out. If the front matter has no title, the first level-1 heading is
// the title.
//
// # Plain text
//
// A .txt file may have front matter as in Markdown. Its body is split at
// heading lines: a line that starts a paragraph and is either in capitals
// ("WHEN TO CLEAN HANDS") or a short label ending in a colon ("Red flags:").
// A file without such lines is one section.
//
// # HTML
//
// The body of an HTML file is its visible text. Left out are the content of
// script, style, template, noscript, nav, svg, canvas, iframe, object, embed,
// button and select elements; the page's own header and footer (but not
// those of an article, aside, main or section element, which often hold its
// title); and elements marked hidden, aria-hidden="true" or display:none.
// Paragraphs, list items and other blocks are separated by line breaks; list
// items are marked "- " or "1. ", table cells are separated by " | ". The h1
// to h6 headings divide the text into sections as in Markdown. A document
// that is not UTF-8 is decoded using its declared charset.
//
// Metadata comes from meta tags whose names start with "bedside:", from a
// sidecar, or both:
//
//	<meta name="bedside:id" content="falls-prevention">
//	<meta name="bedside:status" content="approved">
//	<meta name="bedside:audience" content="nurses, physiotherapists">
//
// A list field's content is split at commas; it may also be given in several
// tags. If no title is given, the <title> element is the title, then the
// first h1.
//
// # PDF
//
// The text of each page of a PDF file becomes a section with the heading
// path ["Page N"], and the pages are separated in the body by a blank line.
// Lines of text are separated by line breaks, and spaces are inserted where
// the text moves across a gap. Metadata comes from a sidecar; the title
// falls back to the title in the PDF's document information.
//
// A PDF that cannot be read (corrupt, truncated, encrypted with a password,
// or with no text at all, as a scanned document without OCR) is an error
// naming the file. Malformed input that makes the PDF library panic is
// reported as such an error too.
//
// # JSONL
//
// A .jsonl file is a corpus in the BEIR format that retrieval benchmarks use:
// one JSON object per line, each a passage with an "_id", a "title" and a
// "text", and optionally any metadata field above except id:
//
//	{"_id": "CDC_0000001_1", "title": "Sepsis", "text": "...", "status": "approved", "version": "1"}
//
// Each line is a document whose body is the text, with one section under an
// empty heading path, and whose [Document.Source] is "file.jsonl:LINE". A
// "metadata" object (which BEIR allows) is ignored; any other key is an
// error. A passage with an empty title is titled by the Loader's default
// title or, failing that, by its _id. Blank lines are skipped. The file is
// read as a stream and decoded in parallel; a line may be up to 64 MiB long.
// BEIR corpora carry no governance metadata, so they are usually loaded with
// a [Loader] whose Defaults give a status and a version, or with a sidecar.
//
// # Sidecar files
//
// A file "NAME.meta.yaml" beside a guidance file NAME (for example
// "sepsis.pdf.meta.yaml" beside "sepsis.pdf") is a YAML mapping of metadata
// fields for it:
//
//	id: sepsis-screening
//	title: Sepsis screening in adults
//	version: "1"
//	status: approved
//
// A sidecar works for every format. Its fields override those written in the
// file itself (front matter, meta tags or, for JSONL, every line). Where a
// field is set by neither, a title fallback (first heading, <title>, PDF
// title) applies, and then the Loader's Defaults.
//
// # Errors
//
// Every document is checked with [Document.Validate]. Across the whole of one
// Load call, the same id and version may not be loaded twice, and an id may
// have at most one approved version. Each problem is an *[Error] naming the
// file and, where known, the line and field:
//
//	guidance/sepsis.md:5: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)
//	guidance/sepsis.md:4: staus: unknown field (did you mean "status"?)
//	guidance/b.md:2: id: duplicate id@version sepsis@3, also in guidance/a.md:2
//	corpus.jsonl:7: bad JSON at column 12: invalid character '}' looking for beginning of value
//	scan.pdf: reading PDF: file is encrypted with a password
//
// When several problems are found, the error joins them (see [errors.Join]),
// in file order, at most 10 for one file. Line numbers for YAML syntax errors
// come from the YAML parser and point at, or just before, the mistake.
package guidance

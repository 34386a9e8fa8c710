package guidance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Status is where a guidance document is in its approval lifecycle.
type Status string

// The lifecycle states. Only [Approved] guidance is ever cited, and only
// while it is in force (see [Metadata.InForce]).
const (
	// Draft guidance has not been approved. It is stored but never searchable.
	Draft Status = "draft"
	// Approved guidance has been signed off by its organisation.
	Approved Status = "approved"
	// Superseded guidance has been replaced by a newer approved version.
	Superseded Status = "superseded"
	// Withdrawn guidance must no longer be used.
	Withdrawn Status = "withdrawn"
)

// Statuses lists every valid [Status] in lifecycle order.
var Statuses = []Status{Draft, Approved, Superseded, Withdrawn}

// ParseStatus returns the [Status] named by s, ignoring case and surrounding
// space. An unknown name is an error that lists the valid ones.
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToLower(strings.TrimSpace(s)))
	if st.Valid() {
		return st, nil
	}
	if s == "" {
		return "", fmt.Errorf("missing (want draft, approved, superseded or withdrawn)")
	}
	return "", fmt.Errorf("unknown status %q (want draft, approved, superseded or withdrawn)", s)
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	switch s {
	case Draft, Approved, Superseded, Withdrawn:
		return true
	}
	return false
}

// CanTransition reports whether a document may move from one status to
// another through an explicit status change: a draft or superseded version may
// be approved (re-approving a superseded version reinstates it), and any version
// may be withdrawn. Withdrawal is final: publish a new version instead.
func CanTransition(from, to Status) bool {
	switch to {
	case Approved:
		return from == Draft || from == Superseded || from == Approved
	case Withdrawn:
		return true
	case Superseded:
		return from == Approved || from == Superseded
	}
	return false
}

// Metadata describes one version of a guidance document: everything but its
// text. The zero time means "not set" for every time field.
type Metadata struct {
	// ID names the document across its versions, e.g. "sepsis-adult".
	// It may not be empty or contain white space, '@' or '/'.
	ID string
	// Title is the document's title.
	Title string
	// Publisher is the body that issued the guidance, e.g. "Trust Sepsis Group".
	Publisher string
	// Version names this version, e.g. "3" or "2024.1". Required.
	Version string
	// Status is the version's lifecycle state. Required.
	Status Status
	// ApprovedBy names who approved this version.
	ApprovedBy string
	// ApprovedAt is when this version was approved; it is not in force before then.
	ApprovedAt time.Time
	// EffectiveFrom is when this version comes into force.
	EffectiveFrom time.Time
	// ReviewDue is when this version is due for review. Guidance past its
	// review date is still in force but flagged (see [Metadata.ReviewOverdue]).
	ReviewDue time.Time
	// SupersededAt is when a newer version replaced this one. Stores set it
	// when a newer version is published.
	SupersededAt time.Time
	// WithdrawnAt is when this version was withdrawn.
	WithdrawnAt time.Time
	// Jurisdiction is where the guidance applies, e.g. "England".
	Jurisdiction string
	// Specialties are the clinical specialties the guidance belongs to.
	Specialties []string
	// Tags are free-form labels.
	Tags []string
	// Audience lists who the guidance is for, e.g. "nurses", "foundation doctors".
	Audience []string
	// SourceURL is where the authoritative copy lives.
	SourceURL string
	// Licence is the licence the text is used under.
	Licence string
}

// InForce reports whether this version may be cited at time t: it has been
// approved (it is not a draft), its approval and effective dates have passed,
// and it had not been superseded or withdrawn by t. A version marked superseded
// or withdrawn without a date is never in force.
//
// This is the single definition of governance that every store implements.
func (m *Metadata) InForce(t time.Time) bool {
	switch m.Status {
	case Approved:
	case Superseded:
		if m.SupersededAt.IsZero() {
			return false
		}
	case Withdrawn:
		if m.WithdrawnAt.IsZero() {
			return false
		}
	default:
		return false
	}
	if !m.ApprovedAt.IsZero() && t.Before(m.ApprovedAt) {
		return false
	}
	if !m.EffectiveFrom.IsZero() && t.Before(m.EffectiveFrom) {
		return false
	}
	if !m.SupersededAt.IsZero() && !t.Before(m.SupersededAt) {
		return false
	}
	if !m.WithdrawnAt.IsZero() && !t.Before(m.WithdrawnAt) {
		return false
	}
	return true
}

// ReviewOverdue reports whether the version's review date has passed at t.
func (m *Metadata) ReviewOverdue(t time.Time) bool {
	return !m.ReviewDue.IsZero() && t.After(m.ReviewDue)
}

// Key returns the document's ID and version as "id@version".
func (m *Metadata) Key() string { return m.ID + "@" + m.Version }

// A Section is a run of a document's text under one heading path.
type Section struct {
	// Heading is the path of headings above the text, outermost first,
	// e.g. ["Sepsis", "Treatment", "Antibiotics"]. Text before the first heading
	// has an empty path.
	Heading []string
	// Text is the section's text, without its heading line.
	Text string
	// Offset is the byte offset of Text in [Document.Body]:
	// Body[Offset:Offset+len(Text)] == Text.
	Offset int
}

// A Document is one version of a guidance document with its text.
type Document struct {
	Metadata
	// Body is the document's text as loaded: the Markdown or plain text after
	// any front matter, or the text extracted from HTML or PDF. Offsets in
	// sections, chunks and citations are byte offsets into Body.
	Body string
	// Sections split Body by heading, in order.
	Sections []Section
	// Source says where the document was read from, e.g. "guidance/sepsis.md"
	// or "corpus.jsonl:12". It is informational and not part of [Document.Hash].
	Source string
}

// Hash returns a hex SHA-256 digest of the document's metadata (other than
// the store-maintained SupersededAt and WithdrawnAt) and text. Two documents
// with the same hash are the same version with the same content.
func (d *Document) Hash() string {
	h := sha256.New()
	m := &d.Metadata
	field := func(w io.Writer, s string) {
		io.WriteString(w, strconv.Itoa(len(s)))
		io.WriteString(w, ":")
		io.WriteString(w, s)
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	list := func(l []string) string { return strings.Join(l, "\x1f") }
	for _, s := range []string{
		m.ID, m.Title, m.Publisher, m.Version, string(m.Status), m.ApprovedBy,
		date(m.ApprovedAt), date(m.EffectiveFrom), date(m.ReviewDue), m.Jurisdiction,
		list(m.Specialties), list(m.Tags), list(m.Audience), m.SourceURL, m.Licence,
		d.Body,
	} {
		field(h, s)
	}
	for _, s := range d.Sections {
		field(h, list(s.Heading))
		field(h, strconv.Itoa(s.Offset))
		field(h, strconv.Itoa(len(s.Text)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Validate checks the document's required fields and the consistency of its
// sections with its body. It returns a *[FieldError] naming the first bad field.
func (d *Document) Validate() error {
	if err := ValidateID(d.ID); err != nil {
		return &FieldError{Field: "id", Err: err}
	}
	if strings.TrimSpace(d.Title) == "" {
		return &FieldError{Field: "title", Err: errMissing}
	}
	if strings.TrimSpace(d.Version) == "" {
		return &FieldError{Field: "version", Err: errMissing}
	} else if strings.ContainsAny(d.Version, " \t\r\n@/") {
		return &FieldError{Field: "version", Err: fmt.Errorf("%q contains white space, '@' or '/'", d.Version)}
	}
	if !d.Status.Valid() {
		_, err := ParseStatus(string(d.Status))
		return &FieldError{Field: "status", Err: err}
	}
	if !d.ReviewDue.IsZero() && !d.EffectiveFrom.IsZero() && d.ReviewDue.Before(d.EffectiveFrom) {
		return &FieldError{Field: "review_due", Err: fmt.Errorf("%s is before effective_from %s",
			d.ReviewDue.Format(time.DateOnly), d.EffectiveFrom.Format(time.DateOnly))}
	}
	for i, s := range d.Sections {
		if s.Offset < 0 || s.Offset+len(s.Text) > len(d.Body) || d.Body[s.Offset:s.Offset+len(s.Text)] != s.Text {
			return &FieldError{Field: fmt.Sprintf("sections[%d]", i), Err: fmt.Errorf("text does not match body at offset %d", s.Offset)}
		}
	}
	return nil
}

// ValidateID reports whether id is a usable document ID: not empty, and
// without white space, '@' or '/' (which separate IDs, versions and chunks).
func ValidateID(id string) error {
	if strings.TrimSpace(id) == "" {
		return errMissing
	}
	if strings.ContainsAny(id, " \t\r\n@/") {
		return fmt.Errorf("%q contains white space, '@' or '/'", id)
	}
	return nil
}

package quiz

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// The rules of [Check].
const (
	// RuleSourceMissing: the cited document version is not stored.
	RuleSourceMissing = "source-missing"
	// RuleSourceSuperseded: a newer version replaced the cited one. An
	// error if the newer version no longer states the quoted text, else a
	// warning (and the citation is moved to the new version).
	RuleSourceSuperseded = "source-superseded"
	// RuleSourceWithdrawn: the cited version was withdrawn.
	RuleSourceWithdrawn = "source-withdrawn"
	// RuleSourceNotInForce: the cited version is a draft, or not yet in
	// force.
	RuleSourceNotInForce = "source-not-in-force"
	// RuleSourceReviewOverdue: the cited guidance is past its review date.
	RuleSourceReviewOverdue = "source-review-overdue"
	// RuleQuoteMissing: the quoted text no longer appears in the current
	// text of the cited guidance.
	RuleQuoteMissing = "quote-missing"
	// RuleQuoteMoved: the cited passage changed or moved but still contains
	// the quoted text; the citation is updated.
	RuleQuoteMoved = "quote-moved"
)

// CheckOptions configure [Check]. The zero value checks the default
// tenant's guidance in force now.
type CheckOptions struct {
	// Tenant whose guidance the items cite; empty means the default tenant.
	Tenant string
	// AsOf is the moment to check against; zero means now.
	AsOf time.Time
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// An ItemCheck is what [Check] found about one item.
type ItemCheck struct {
	// Index is the item's position in the bank, and ID its ID.
	Index int
	ID    string
	// Findings are the source findings (rules RuleSource… and RuleQuote…).
	Findings []Finding
	// Stale is set when a finding is an error: the item no longer rests on
	// guidance in force and must be reviewed, regenerated or retired.
	Stale bool
	// Citations holds the item's citations brought up to date (version,
	// chunk, hash and offsets) where the quoted text was found unchanged in
	// the current guidance; nil if no citation changed.
	Citations []Citation
}

// Check re-checks items against the guidance in force: it flags items
// whose cited version was superseded or withdrawn, or whose quoted text no
// longer appears in the current passage (looked up by the chunk's ID and
// hash, then by searching the quote in the current text of the document).
// docs lists stored versions (a [retrieval.Store] does); r retrieves the
// current passages. Check does not modify items; see [ApplyChecks].
func Check(ctx context.Context, docs DocumentLister, r Retriever, items []Item, opts CheckOptions) ([]ItemCheck, error) {
	if docs == nil || r == nil {
		return nil, errors.New("quiz: check needs a document lister and a retriever")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = now()
	}
	// The stored versions of every cited document.
	var ids []string
	seen := make(map[string]bool)
	for _, it := range items {
		for _, c := range it.Citations {
			if c.DocumentID != "" && !seen[c.DocumentID] {
				seen[c.DocumentID] = true
				ids = append(ids, c.DocumentID)
			}
		}
	}
	sort.Strings(ids)
	versions := make(map[string]retrieval.DocumentInfo)
	current := make(map[string]retrieval.DocumentInfo) // by ID: the version in force
	if len(ids) > 0 {
		infos, err := docs.Documents(ctx, opts.Tenant, ids...)
		if err != nil {
			return nil, fmt.Errorf("quiz: listing guidance: %w", err)
		}
		for _, in := range infos {
			versions[in.Key()] = in
			if in.InForce(asOf) {
				current[in.ID] = in
			}
		}
	}
	// The current passages of each document, fetched once.
	chunks := make(map[string][]retrieval.Chunk)
	chunksOf := func(id string) ([]retrieval.Chunk, error) {
		if cs, ok := chunks[id]; ok {
			return cs, nil
		}
		cur, ok := current[id]
		if !ok {
			chunks[id] = nil
			return nil, nil
		}
		hits, err := r.Search(ctx, retrieval.Query{Tenant: opts.Tenant, Text: cur.Title, Mode: retrieval.Vector, K: retrieval.MaxK,
			Filter: retrieval.Filter{DocumentIDs: []string{id}}, AsOf: asOf})
		if err != nil {
			return nil, fmt.Errorf("quiz: retrieving %s: %w", id, err)
		}
		cs := make([]retrieval.Chunk, len(hits))
		for i, h := range hits {
			cs[i] = h.Chunk
		}
		sort.Slice(cs, func(i, j int) bool {
			return cs[i].Start < cs[j].Start || cs[i].Start == cs[j].Start && cs[i].ID < cs[j].ID
		})
		chunks[id] = cs
		return cs, nil
	}

	out := make([]ItemCheck, len(items))
	for i := range items {
		it := &items[i]
		ic := ItemCheck{Index: i, ID: it.ID}
		if ic.ID == "" {
			ic.ID = ContentID(it)
		}
		updated := make([]Citation, len(it.Citations))
		changed := false
		for ci, c := range it.Citations {
			updated[ci] = c
			fs, nc, err := checkCitation(c, versions, current, chunksOf, asOf)
			if err != nil {
				return nil, err
			}
			ic.Findings = append(ic.Findings, fs...)
			if nc != nil {
				updated[ci] = *nc
				changed = true
			}
		}
		if changed {
			ic.Citations = updated
		}
		ic.Stale = hasError(ic.Findings)
		out[i] = ic
	}
	return out, nil
}

// checkCitation checks one citation. It returns the findings and, when the
// quote was found in the current text at another place or version, the
// updated citation.
func checkCitation(c Citation, versions, current map[string]retrieval.DocumentInfo,
	chunksOf func(string) ([]retrieval.Chunk, error), asOf time.Time) ([]Finding, *Citation, error) {
	key := c.DocumentID + "@" + c.Version
	quoteText := c.Quote
	if len(quoteText) > 80 {
		quoteText = quoteText[:77] + "…"
	}
	info, stored := versions[key]
	cur, hasCurrent := current[c.DocumentID]
	// findInCurrent searches the quote in the current version.
	findInCurrent := func() (*Citation, error) {
		if !hasCurrent {
			return nil, nil
		}
		cs, err := chunksOf(c.DocumentID)
		if err != nil {
			return nil, err
		}
		return locateIn(c, cur, cs), nil
	}
	if !stored || !info.InForce(asOf) {
		var f Finding
		switch {
		case !stored:
			f = Finding{Rule: RuleSourceMissing, Severity: Error, Message: fmt.Sprintf("%s is not stored", key), Text: key}
		case info.Status == guidance.Withdrawn || !info.WithdrawnAt.IsZero() && !asOf.Before(info.WithdrawnAt):
			f = Finding{Rule: RuleSourceWithdrawn, Severity: Error, Message: fmt.Sprintf("%s was withdrawn", key), Text: key}
		case info.Status == guidance.Superseded || !info.SupersededAt.IsZero() && !asOf.Before(info.SupersededAt):
			f = Finding{Rule: RuleSourceSuperseded, Severity: Error, Message: fmt.Sprintf("%s was superseded", key), Text: key}
		default:
			f = Finding{Rule: RuleSourceNotInForce, Severity: Error, Message: fmt.Sprintf("%s is %s and not in force", key, info.Status), Text: key}
		}
		if !hasCurrent {
			f.Message += "; no version of the document is in force"
			return []Finding{f}, nil, nil
		}
		nc, err := findInCurrent()
		if err != nil {
			return nil, nil, err
		}
		if nc == nil {
			f.Message += fmt.Sprintf("; the version in force, %s, does not contain the quoted text", cur.Key())
			return []Finding{f, {Rule: RuleQuoteMissing, Severity: Error,
				Message: fmt.Sprintf("the quoted text is not in %s", cur.Key()), Text: quoteText}}, nil, nil
		}
		if f.Rule == RuleSourceSuperseded || f.Rule == RuleSourceMissing {
			// The fact stands in the version in force: move the citation.
			f.Severity = Warning
		}
		f.Message += fmt.Sprintf("; the version in force, %s, still contains the quoted text, and the citation was moved to it", cur.Key())
		return []Finding{f}, nc, nil
	}
	var out []Finding
	if info.ReviewOverdue(asOf) {
		out = append(out, Finding{Rule: RuleSourceReviewOverdue, Severity: Warning,
			Message: fmt.Sprintf("%s was due for review on %s", key, info.ReviewDue.Format(time.DateOnly)), Text: key})
	}
	cs, err := chunksOf(c.DocumentID)
	if err != nil {
		return nil, nil, err
	}
	for _, ch := range cs {
		if ch.ID == c.ChunkID && ch.Hash == c.ChunkHash {
			if c.Start >= ch.Start && c.End <= ch.End && ch.Text[c.Start-ch.Start:c.End-ch.Start] == c.Quote {
				return out, nil, nil // unchanged
			}
		}
	}
	nc := locateIn(c, info, cs)
	if nc == nil {
		return append(out, Finding{Rule: RuleQuoteMissing, Severity: Error,
			Message: fmt.Sprintf("the quoted text no longer appears in %s", key), Text: quoteText}), nil, nil
	}
	return append(out, Finding{Rule: RuleQuoteMoved, Severity: Info,
		Message: fmt.Sprintf("the cited passage changed but still contains the quoted text; the citation now points to %s", nc.ChunkID), Text: nc.ChunkID}), nc, nil
}

// locateIn finds a citation's quote in chunks of a version and returns the
// citation pointing there, or nil.
func locateIn(c Citation, info retrieval.DocumentInfo, cs []retrieval.Chunk) *Citation {
	for _, ch := range cs {
		if ch.Version != info.Version {
			continue
		}
		a, b, ok := locateQuote(ch.Text, c.Quote)
		if !ok {
			continue
		}
		nc := c
		nc.Version = ch.Version
		nc.Title = info.Title
		nc.Section = append([]string(nil), ch.Heading...)
		nc.ChunkID = ch.ID
		nc.ChunkHash = ch.Hash
		nc.Quote = ch.Text[a:b]
		nc.Start = ch.Start + a
		nc.End = ch.Start + b
		return &nc
	}
	return nil
}

// ApplyChecks adds each check's findings to its item (replacing earlier
// source findings) and updates the citations that moved.
func ApplyChecks(items []Item, checks []ItemCheck) {
	for _, ic := range checks {
		if ic.Index < 0 || ic.Index >= len(items) {
			continue
		}
		it := &items[ic.Index]
		var keep []Finding
		for _, f := range it.Findings {
			if !isSourceRule(f.Rule) {
				keep = append(keep, f)
			}
		}
		it.Findings = append(keep, ic.Findings...)
		if ic.Citations != nil {
			it.Citations = append([]Citation(nil), ic.Citations...)
		}
	}
}

func isSourceRule(r string) bool {
	return strings.HasPrefix(r, "source-") || r == RuleQuoteMissing || r == RuleQuoteMoved
}

// A Replacement is a new item written for a stale one.
type Replacement struct {
	// Index is the stale item's position in the bank, and OldID its ID.
	Index int
	OldID string
	// Item is the new item, or nil if none could be made (then Reason says
	// why, e.g. the guidance was withdrawn).
	Item   *Item
	Reason string
	// Rejected holds items written for it that failed validation.
	Rejected []Rejection
}

// Regenerate writes a new item for each stale item of checks, of the same
// type, from the guidance now in force for the same document, choosing the
// passages closest to the old item's question and answer.
func (g *Generator) Regenerate(ctx context.Context, items []Item, checks []ItemCheck) ([]Replacement, error) {
	var out []Replacement
	for _, ic := range checks {
		if !ic.Stale || ic.Index < 0 || ic.Index >= len(items) {
			continue
		}
		old := &items[ic.Index]
		rep := Replacement{Index: ic.Index, OldID: ic.ID}
		var docIDs []string
		for _, c := range old.Citations {
			docIDs = append(docIDs, c.DocumentID)
		}
		topic := old.Stem
		for _, k := range old.Key() {
			topic += " " + old.Options[k].Text
		}
		if len(old.Answers) > 0 {
			topic += " " + old.Answers[0]
		}
		res, err := g.Generate(ctx, Request{DocumentIDs: docIDs, Topic: topic, Count: 1, Types: []Type{old.Type}, K: 10})
		switch {
		case errors.Is(err, ErrNoPassages):
			rep.Reason = "no guidance in force for " + strings.Join(docIDs, ", ") + "; retire the item"
		case err != nil:
			return nil, err
		case len(res.Items) == 0:
			rep.Reason = "no new item could be written: " + strings.Join(res.Notes, "; ")
			rep.Rejected = res.Rejected
		default:
			it := res.Items[0]
			rep.Item = &it
			rep.Rejected = res.Rejected
		}
		out = append(out, rep)
	}
	return out, nil
}

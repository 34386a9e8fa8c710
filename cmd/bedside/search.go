package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
)

func searchCommand() *command {
	return &command{
		name:    "search",
		summary: "search approved, in-force guidance and show ranked passages",
		usage:   "[flags] QUERY",
		run:     runSearch,
	}
}

// queryFlags build a retrieval.Query.
type queryFlags struct {
	mode           string
	k              int
	asOf           string
	excludeOverdue bool
	publishers     stringList
	specialties    stringList
	jurisdictions  stringList
	tags           stringList
	audiences      stringList
	docs           stringList
}

func (q *queryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&q.mode, "mode", "hybrid", "ranking: hybrid, vector or lexical")
	fs.IntVar(&q.k, "k", retrieval.DefaultK, "number of passages")
	fs.StringVar(&q.asOf, "as-of", "", "search the guidance in force on this date (YYYY-MM-DD or RFC 3339), for audits")
	fs.BoolVar(&q.excludeOverdue, "exclude-overdue", false, "leave out guidance past its review date (by default it is flagged)")
	fs.Var(&q.publishers, "publisher", "only guidance from this publisher (repeatable)")
	fs.Var(&q.specialties, "specialty", "only guidance in this specialty (repeatable)")
	fs.Var(&q.jurisdictions, "jurisdiction", "only guidance for this jurisdiction (repeatable)")
	fs.Var(&q.tags, "tag", "only guidance with this tag (repeatable)")
	fs.Var(&q.audiences, "audience", "only guidance for this audience (repeatable)")
	fs.Var(&q.docs, "doc", "only these document IDs (repeatable)")
}

func (q *queryFlags) query(tenant, text string) (retrieval.Query, error) {
	mode, err := retrieval.ParseMode(q.mode)
	if err != nil {
		return retrieval.Query{}, usagef("-mode: %v", err)
	}
	if q.k < 1 || q.k > retrieval.MaxK {
		return retrieval.Query{}, usagef("-k: %d is out of range 1..%d", q.k, retrieval.MaxK)
	}
	asOf, err := parseAsOf(q.asOf)
	if err != nil {
		return retrieval.Query{}, err
	}
	return retrieval.Query{
		Tenant: tenant, Text: text, Mode: mode, K: q.k, AsOf: asOf, ExcludeOverdue: q.excludeOverdue,
		Filter: retrieval.Filter{
			Publishers: q.publishers, Specialties: q.specialties, Jurisdictions: q.jurisdictions,
			Tags: q.tags, Audiences: q.audiences, DocumentIDs: q.docs,
		},
	}, nil
}

// parseAsOf reads an -as-of flag: "" is the zero time (now), anything else
// a date, YYYY-MM-DD or RFC 3339, or a usage error.
func parseAsOf(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("-as-of: %q is not a date (want YYYY-MM-DD or RFC 3339)", s)
	}
	return t, nil
}

func runSearch(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "search", "[flags] QUERY")
	var sf storeFlags
	sf.register(fs, env)
	var qf queryFlags
	qf.register(fs)
	asJSON := fs.Bool("json", false, "print hits as JSON")
	guidanceDir := fs.String("guidance", "", "ingest this file or directory first (unchanged documents are skipped)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(rest, " "))
	if text == "" {
		return usagef("search: give a query")
	}
	q, err := qf.query(sf.tenant, text)
	if err != nil {
		return err
	}
	lib, closeStore, err := sf.openGuidance(ctx, env, *guidanceDir)
	if err != nil {
		return err
	}
	defer closeStore()
	hits, err := lib.Search(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(hits)
	}
	printHits(env.stdout, hits)
	return nil
}

func printHits(w io.Writer, hits []retrieval.Hit) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "No approved, in-force guidance matched.")
		return
	}
	for i, h := range hits {
		heading := h.Chunk.Heading
		if len(heading) > 0 && strings.EqualFold(heading[0], h.Document.Title) {
			heading = heading[1:]
		}
		section := strings.Join(heading, " › ")
		if section == "" {
			section = "(introduction)"
		}
		legs := ""
		if h.VectorRank > 0 || h.LexicalRank > 0 {
			var parts []string
			if h.VectorRank > 0 {
				parts = append(parts, fmt.Sprintf("vector #%d", h.VectorRank))
			}
			if h.LexicalRank > 0 {
				parts = append(parts, fmt.Sprintf("lexical #%d", h.LexicalRank))
			}
			legs = " (" + strings.Join(parts, ", ") + ")"
		}
		fmt.Fprintf(w, "%d. %s v%s › %s — score %.4f%s\n", i+1, h.Document.ID, h.Document.Version, section, h.Score, legs)
		flags := ""
		if h.ReviewOverdue {
			flags = " [REVIEW OVERDUE since " + h.Document.ReviewDue.Format(time.DateOnly) + "]"
		}
		fmt.Fprintf(w, "   %s — %s%s\n", h.Document.Title, or(h.Document.Publisher, "unknown publisher"), flags)
		fmt.Fprintf(w, "   %s\n\n", indent(excerpt(h.Chunk.Text, 300), "   "))
	}
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
	}
	return s[:cut] + " …"
}

func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

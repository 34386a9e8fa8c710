package quiz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/tutor/grounding"
	"github.com/bedside-ai/bedside/tutor/llm"
)

// Defaults for [Options] and [Request].
const (
	DefaultCount   = 10
	MaxCount       = 1000
	DefaultK       = 40
	DefaultRetries = 2
	// DefaultConcurrency is the number of model calls in flight.
	DefaultConcurrency = 4
)

// DefaultTypes is the mix of item types when a request names none: each
// type in turn.
var DefaultTypes = []Type{SingleBestAnswer, Vignette, TrueFalse, ShortAnswer, MultipleChoice}

// DefaultBloom is the Bloom target when a request names none: above plain
// recall.
var DefaultBloom = []Bloom{Understand, Apply, Analyse}

// Options configure a [Generator]. The zero value is ready to use: the
// offline, rule-based generator over the default tenant.
type Options struct {
	// Model writes items. Nil means the offline rule-based generator.
	Model llm.Model
	// Tenant whose guidance to use; empty means the default tenant.
	Tenant string
	// AsOf is the moment whose in-force guidance is used; zero means now.
	AsOf time.Time
	// Checker verifies that each key is supported by its cited passage and
	// that no distractor is; its zero value is the default checker.
	Checker grounding.Checker
	// Retries is how many times a model reply that is not valid JSON, or
	// does not match the item schema, is sent back for correction before
	// the item is rejected. Zero means DefaultRetries; negative means none.
	Retries int
	// Concurrency is the number of model calls in flight; default
	// DefaultConcurrency. The items come back in the same order whatever it
	// is.
	Concurrency int
	// Seed, if set, is sent to models that support reproducible sampling.
	Seed *int
	// Linter checks the items made; its zero value runs every rule.
	Linter Linter
	// Logger receives diagnostics; default: discard.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// A Generator writes quiz items from approved guidance. It is safe for
// concurrent use.
type Generator struct {
	r    Retriever
	opts Options
	log  *slog.Logger
}

// New returns a Generator that finds guidance with r.
func New(r Retriever, opts Options) (*Generator, error) {
	if r == nil {
		return nil, errors.New("quiz: nil retriever")
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := opts.Linter.validate(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Generator{r: r, opts: opts, log: log}, nil
}

// A Request says what items to write.
type Request struct {
	// DocumentIDs restricts the items to these documents.
	DocumentIDs []string
	// Topic, if set, is a query: items are written from the passages that
	// best match it (within DocumentIDs, if given).
	Topic string
	// Filter further restricts the guidance items are written from.
	// Distractors may be drawn from any guidance in force.
	Filter retrieval.Filter
	// Count is how many items to write; default DefaultCount, at most
	// MaxCount.
	Count int
	// Types is the mix of item types, used in turn; a type may be repeated
	// to weight it. Empty means DefaultTypes.
	Types []Type
	// Difficulty, if set, is preferred when choosing what to ask. Items are
	// always labelled with their estimated difficulty.
	Difficulty Difficulty
	// Bloom lists the Bloom levels to aim for; empty means DefaultBloom.
	// Forms of question that reach a target are chosen first. Items are
	// always labelled with the level they reach.
	Bloom []Bloom
	// K is the number of passages a Topic query retrieves; default
	// DefaultK.
	K int
}

// A Rejection is an item that was made but failed validation, or a model
// reply that never became a valid item. Nothing is dropped silently.
type Rejection struct {
	// Item is the rejected item; nil if the reply could not be read as one.
	Item *Item
	// ChunkID is the passage the item was to be written from.
	ChunkID string
	// Reason says why, for people.
	Reason string
	// Findings are the validation findings that rejected it.
	Findings []Finding
	// Attempts is the number of model calls made for it (0 offline).
	Attempts int
	// Reply is the model's last reply, for audit (empty offline).
	Reply string
}

// A Result is the outcome of a generation.
type Result struct {
	// Items are the items made, each carrying its lint findings (none of
	// them an error).
	Items []Item
	// Rejected lists the items that failed validation, with reasons.
	Rejected []Rejection
	// Passages is the number of passages the items were written from.
	Passages int
	// Notes explain a shortfall or a departure from the request: fewer
	// items than asked, a type that could not be made, Bloom targets not
	// reached.
	Notes []string
	// Usage totals the tokens of every model call.
	Usage llm.Usage
}

// slot is one planned item.
type slot struct {
	typ Type
}

// Generate writes req.Count items. Items that fail validation are returned
// in Result.Rejected with their reasons; the others carry their lint
// findings. The error is for failures: retrieval, the model, a cancelled
// ctx, a malformed request.
func (g *Generator) Generate(ctx context.Context, req Request) (*Result, error) {
	req, err := g.normalize(req)
	if err != nil {
		return nil, err
	}
	sources, corpus, err := g.passages(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(sources) == 0 {
		return nil, ErrNoPassages
	}
	slots := make([]slot, req.Count)
	for i := range slots {
		slots[i] = slot{typ: req.Types[i%len(req.Types)]}
	}
	var res *Result
	if g.opts.Model != nil {
		res, err = g.generateLLM(ctx, req, sources, slots)
	} else {
		res, err = g.generateRules(ctx, req, sources, corpus, slots)
	}
	if err != nil {
		return nil, err
	}
	res.Passages = len(sources)
	if err := g.finish(res, req); err != nil {
		return nil, err
	}
	return res, nil
}

func (g *Generator) normalize(req Request) (Request, error) {
	if req.Count == 0 {
		req.Count = DefaultCount
	}
	if req.Count < 0 || req.Count > MaxCount {
		return req, fmt.Errorf("quiz: count %d; want 1 to %d", req.Count, MaxCount)
	}
	if len(req.Types) == 0 {
		req.Types = DefaultTypes
	}
	for _, t := range req.Types {
		if !t.Valid() {
			return req, fmt.Errorf("quiz: unknown item type %q", t)
		}
	}
	switch req.Difficulty {
	case "", Easy, Medium, Hard:
	default:
		return req, fmt.Errorf("quiz: unknown difficulty %q", req.Difficulty)
	}
	if len(req.Bloom) == 0 {
		req.Bloom = DefaultBloom
	}
	for _, b := range req.Bloom {
		if bloomRank(b) < 0 {
			return req, fmt.Errorf("quiz: unknown Bloom level %q", b)
		}
	}
	if req.K == 0 {
		req.K = DefaultK
	}
	if req.K < 0 || req.K > retrieval.MaxK {
		return req, fmt.Errorf("quiz: K = %d; want 1 to %d", req.K, retrieval.MaxK)
	}
	return req, nil
}

// bloomRank orders the Bloom levels; -1 for an unknown level.
func bloomRank(b Bloom) int {
	return slices.Index([]Bloom{Remember, Understand, Apply, Analyse, Evaluate, Create}, b)
}

// passages returns the source passages of a request and the corpus that
// distractors are drawn from (every in-force passage of the tenant).
func (g *Generator) passages(ctx context.Context, req Request) (sources, corpus []*passage, err error) {
	filter := req.Filter
	if len(req.DocumentIDs) > 0 {
		filter.DocumentIDs = req.DocumentIDs
	}
	var hits []retrieval.Hit
	if req.Topic != "" {
		hits, err = g.r.Search(ctx, retrieval.Query{Tenant: g.opts.Tenant, Text: req.Topic, K: req.K, Filter: filter, AsOf: g.opts.AsOf})
	} else {
		// Every passage of the chosen guidance: a vector search returns every
		// eligible chunk when K is large enough; the order is then made
		// independent of the query.
		hits, err = g.r.Search(ctx, retrieval.Query{Tenant: g.opts.Tenant, Text: "clinical guidance", Mode: retrieval.Vector,
			K: retrieval.MaxK, Filter: filter, AsOf: g.opts.AsOf})
		sortHits(hits)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("quiz: retrieving guidance: %w", err)
	}
	for _, h := range hits {
		sources = append(sources, newPassage(h))
	}
	if g.opts.Model != nil {
		return sources, nil, nil
	}
	all, err := g.r.Search(ctx, retrieval.Query{Tenant: g.opts.Tenant, Text: "clinical guidance", Mode: retrieval.Vector,
		K: retrieval.MaxK, AsOf: g.opts.AsOf})
	if err != nil {
		return nil, nil, fmt.Errorf("quiz: retrieving guidance for distractors: %w", err)
	}
	sortHits(all)
	byID := make(map[string]*passage, len(sources))
	for _, p := range sources {
		byID[p.hit.Chunk.ID] = p
	}
	corpus = append(corpus, sources...)
	for _, h := range all {
		if byID[h.Chunk.ID] == nil {
			corpus = append(corpus, newPassage(h))
		}
	}
	return sources, corpus, nil
}

// sortHits orders hits by document, version, section and ordinal.
func sortHits(hits []retrieval.Hit) {
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := &hits[i].Chunk, &hits[j].Chunk
		if a.DocumentID != b.DocumentID {
			return a.DocumentID < b.DocumentID
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		if a.Section != b.Section {
			return a.Section < b.Section
		}
		return a.Ordinal < b.Ordinal
	})
}

// generateRules fills the slots with rule-based items, taking the documents
// in turn so that the items cover the guidance evenly.
func (g *Generator) generateRules(ctx context.Context, req Request, sources, corpus []*passage, slots []slot) (*Result, error) {
	rg := &ruleGen{checker: itemChecker(g.opts.Checker), pool: newPool(corpus)}
	cands := rg.candidates(sources)
	// Documents in the order they first appear among the sources.
	var docs []string
	byDoc := make(map[string][]*candidate)
	for _, c := range cands {
		d := c.p.doc()
		if _, ok := byDoc[d]; !ok {
			docs = append(docs, d)
		}
		byDoc[d] = append(byDoc[d], c)
	}
	for _, d := range docs {
		sort.SliceStable(byDoc[d], func(i, j int) bool {
			return preference(byDoc[d][i], req) < preference(byDoc[d][j], req)
		})
	}
	res := &Result{}
	used := &usedSet{ids: make(map[string]bool)} // sentences already asked about
	dead := make(map[*candidate]bool)
	skipped := make(map[string]int)
	next := 0 // the document whose turn it is
	made := make(map[Type]int)
	missing := make(map[Type]int)
	for _, sl := range slots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		it := g.fill(rg, sl.typ, docs, byDoc, &next, used, dead, skipped)
		if it == nil {
			missing[sl.typ]++
			continue
		}
		made[sl.typ]++
		res.Items = append(res.Items, *it)
	}
	// Fill the shortfall with any type the request allows.
	for _, t := range req.Types {
		for missing[t] > 0 {
			var it *Item
			for _, alt := range req.Types {
				if it = g.fill(rg, alt, docs, byDoc, &next, used, dead, skipped); it != nil {
					made[alt]++
					break
				}
			}
			if it == nil {
				break
			}
			res.Items = append(res.Items, *it)
			missing[t]--
		}
	}
	for _, t := range req.Types {
		if missing[t] > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d %s items could not be made: the selected guidance has no more sentences of a suitable form", missing[t], t))
		}
	}
	if len(skipped) > 0 {
		reasons := make([]string, 0, len(skipped))
		for r := range skipped {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		var parts []string
		for _, r := range reasons {
			parts = append(parts, fmt.Sprintf("%s (%d)", r, skipped[r]))
		}
		g.log.LogAttrs(ctx, slog.LevelDebug, "quiz: candidates skipped", slog.String("reasons", strings.Join(parts, "; ")))
	}
	now := g.opts.Now()
	for i := range res.Items {
		res.Items[i].Created = now
	}
	return res, nil
}

// fill makes one item of type t from the next document that can supply one.
func (g *Generator) fill(rg *ruleGen, t Type, docs []string, byDoc map[string][]*candidate, next *int,
	used *usedSet, dead map[*candidate]bool, skipped map[string]int) *Item {
	for k := 0; k < len(docs); k++ {
		d := docs[(*next+k)%len(docs)]
		for _, c := range byDoc[d] {
			if c.typ != t || dead[c] || used.has(c) {
				continue
			}
			it, err := rg.build(c)
			if err != nil {
				dead[c] = true
				skipped[err.Error()]++
				continue
			}
			used.add(c)
			*next = (*next + k + 1) % len(docs)
			return it
		}
	}
	return nil
}

// usedSet records the sentences asked about, so that no sentence, and no
// sentence that says nearly the same (a "Key points" summary repeating the
// body), is asked about twice.
type usedSet struct {
	ids   map[string]bool
	terms []map[string]bool
}

// sentenceTerms are the words and numbers of a sentence.
func sentenceTerms(s *sentence) map[string]bool {
	out := make(map[string]bool)
	for _, t := range terms.Analyze(s.text) {
		out[t] = true
	}
	return out
}

func (u *usedSet) has(c *candidate) bool {
	if u.ids[c.id] {
		return true
	}
	ts := sentenceTerms(c.s)
	for _, o := range u.terms {
		if jaccard(ts, o) >= 0.5 {
			return true
		}
	}
	return false
}

func (u *usedSet) add(c *candidate) {
	u.ids[c.id] = true
	u.terms = append(u.terms, sentenceTerms(c.s))
}

// preference orders candidates within a document: forms that reach a Bloom
// target first, then the requested difficulty, then the passage order.
func preference(c *candidate, req Request) int {
	p := 0
	if !slices.Contains(req.Bloom, c.bloom) {
		p += 2
	}
	if req.Difficulty != "" {
		switch {
		case req.Difficulty == Hard && (c.form == "threshold" || c.typ == MultipleChoice):
		case req.Difficulty == Easy && c.typ == TrueFalse:
		case req.Difficulty == Medium && (c.typ == ShortAnswer || c.form == "action"):
		default:
			p++
		}
	}
	return p
}

// finish validates the items: those with errors are rejected with their
// findings, the rest carry their findings. Key positions are balanced and
// IDs set.
func (g *Generator) finish(res *Result, req Request) error {
	for i := range res.Items {
		it := &res.Items[i]
		if it.ID == "" {
			it.ID = ContentID(it)
		}
	}
	Balance(res.Items)
	rep, err := g.opts.Linter.Lint(res.Items)
	if err != nil {
		return err
	}
	var kept []Item
	for i, it := range res.Items {
		it.Findings = append(it.Findings, rep.Findings[i]...)
		if hasError(it.Findings) {
			res.Rejected = append(res.Rejected, rejection(it, 0, ""))
			continue
		}
		kept = append(kept, it)
	}
	res.Items = kept
	if len(res.Items) < req.Count {
		res.Notes = append(res.Notes, fmt.Sprintf("made %d of the %d items asked for", len(res.Items), req.Count))
	}
	below := 0
	for _, it := range res.Items {
		if !slices.Contains(req.Bloom, it.Bloom) {
			below++
		}
	}
	if below > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d of %d items are below the Bloom target (%s): single facts make recall items", below, len(res.Items), joinBloom(req.Bloom)))
	}
	return nil
}

// rejection records an item that failed validation.
func rejection(it Item, attempts int, reply string) Rejection {
	var reasons []string
	for _, f := range it.Findings {
		if f.Severity == Error {
			r := f.Rule + ": " + f.Message
			if f.Text != "" {
				r += fmt.Sprintf(" (%q)", f.Text)
			}
			reasons = append(reasons, r)
		}
	}
	chunk := ""
	if len(it.Citations) > 0 {
		chunk = it.Citations[0].ChunkID
	}
	return Rejection{Item: &it, ChunkID: chunk, Reason: strings.Join(reasons, "; "), Findings: it.Findings, Attempts: attempts, Reply: reply}
}

func joinBloom(bs []Bloom) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

package tutor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/internal/version"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/tutor/grounding"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/redact"
	"github.com/bedside-ai/bedside/tutor/redflag"
)

// A Retriever finds approved, in-force guidance passages for a query.
// [*retrieval.Library] is one.
type Retriever interface {
	Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error)
}

// Mode is what the tutor is used for. Each mode has its own intended-use
// statement and disclaimer.
type Mode int

const (
	// Tutoring is education and training: the zero value and the default.
	Tutoring Mode = iota
	// DecisionSupport supports a clinician's decision at the point of care.
	// Its disclaimer cannot be switched off.
	DecisionSupport
)

func (m Mode) String() string {
	switch m {
	case Tutoring:
		return "tutor"
	case DecisionSupport:
		return "decision-support"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode named "tutor" or "decision-support".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "tutor", "tutoring":
		return Tutoring, nil
	case "decision-support":
		return DecisionSupport, nil
	}
	return 0, fmt.Errorf("unknown mode %q (want tutor or decision-support)", s)
}

// The intended-use statements and disclaimers of each mode.
const (
	TutoringIntendedUse = "Education and training for health-care staff, drawn only from your organisation's approved guidance. " +
		"It is not a medical device and must not be used to make decisions about an individual patient's care."
	TutoringDisclaimer         = "For learning only. Always follow your organisation's current approved guidance and seek senior advice about patient care."
	DecisionSupportIntendedUse = "Decision support for registered clinicians: it retrieves and quotes your organisation's approved guidance. " +
		"It does not replace clinical judgement, and the clinician remains responsible for every decision."
	DecisionSupportDisclaimer = "Decision support only: check the quoted guidance in full and apply clinical judgement. " +
		"In an emergency, escalate now (2222 in hospital, 999 elsewhere)."
)

// Defaults for [Options].
const (
	DefaultK            = 6
	DefaultMinSupport   = 0.5
	DefaultMaxSentences = 6
	DefaultExtractive   = 3
)

// Options configure a [Tutor]. The zero value is ready to use: an offline,
// extractive tutor over the default tenant.
type Options struct {
	// Model writes answers. Nil means extractive mode: answers are the most
	// relevant guidance sentences, quoted and cited, with no model at all.
	Model llm.Model
	// Mode is tutoring (the default) or decision support.
	Mode Mode
	// HideDisclaimer leaves the disclaimer out of tutoring answers (for an
	// application that shows it elsewhere). It is an error in
	// DecisionSupport mode, whose disclaimer cannot be switched off.
	HideDisclaimer bool

	// Tenant, Filter, SearchMode, AsOf and ExcludeOverdue shape retrieval.
	Tenant         string
	Filter         retrieval.Filter
	SearchMode     retrieval.Mode
	AsOf           time.Time
	ExcludeOverdue bool
	// K is the number of passages retrieved and given to the model;
	// default [DefaultK].
	K int
	// MinSupport is the least fraction of the question's content words that
	// the retrieved passages must contain for the tutor to answer; below
	// it the question is refused without calling the model. Default
	// [DefaultMinSupport]; set it negative to disable the check.
	MinSupport float64

	// MaxSentences bounds a model answer; default [DefaultMaxSentences].
	MaxSentences int
	// ExtractiveSentences is how many sentences an extractive answer
	// quotes; default [DefaultExtractive].
	ExtractiveSentences int
	// Seed, if set, is sent to providers that support reproducible sampling.
	Seed *int

	// Checker verifies every sentence; its zero value is the default.
	Checker grounding.Checker
	// Redactor removes personal data from questions; zero value is the default.
	Redactor redact.Redactor
	// RedFlags detects red flags in questions; nil means the default rules.
	RedFlags *redflag.Detector
	// Audit, if set, receives one record per answer. An audit failure fails
	// the answer: an unaudited answer is never returned.
	Audit AuditSink
	// Logger receives diagnostics; it is never given question text, only
	// redacted text. Default: discard.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// A Tutor answers questions from approved guidance. It is safe for
// concurrent use.
type Tutor struct {
	r    Retriever
	opts Options
	log  *slog.Logger
}

// New returns a Tutor that retrieves with r.
func New(r Retriever, opts Options) (*Tutor, error) {
	if r == nil {
		return nil, errors.New("tutor: nil retriever")
	}
	switch opts.Mode {
	case Tutoring:
	case DecisionSupport:
		if opts.HideDisclaimer {
			return nil, errors.New("tutor: the decision-support disclaimer cannot be hidden")
		}
	default:
		return nil, fmt.Errorf("tutor: unknown mode %d", int(opts.Mode))
	}
	if opts.K == 0 {
		opts.K = DefaultK
	}
	if opts.K < 0 || opts.K > 50 {
		return nil, fmt.Errorf("tutor: K = %d; want 1 to 50", opts.K)
	}
	if opts.MinSupport == 0 {
		opts.MinSupport = DefaultMinSupport
	}
	if opts.MinSupport > 1 {
		return nil, fmt.Errorf("tutor: MinSupport = %v; want at most 1", opts.MinSupport)
	}
	if opts.MaxSentences <= 0 {
		opts.MaxSentences = DefaultMaxSentences
	}
	if opts.ExtractiveSentences <= 0 {
		opts.ExtractiveSentences = DefaultExtractive
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Tutor{r: r, opts: opts, log: log}, nil
}

// Ask answers question. A question the guidance does not cover is not an
// error: the Answer carries a [Refusal]. Errors are for failures: retrieval,
// the model, or the audit sink.
func (t *Tutor) Ask(ctx context.Context, question string) (*Answer, error) {
	return t.ask(ctx, question, "", nil)
}

// prepared is the state of a question before the model is called.
type prepared struct {
	start    time.Time
	answer   *Answer
	hits     []retrieval.Hit
	refused  bool
	question string // redacted
}

// prepare redacts, checks red flags, retrieves and decides whether to refuse.
// query, if not empty, replaces the redacted question as the retrieval query.
func (t *Tutor) prepare(ctx context.Context, question, query string) (*prepared, error) {
	p := &prepared{start: t.opts.Now()}
	red := t.opts.Redactor.Redact(question)
	p.question = strings.TrimSpace(red.Text)
	a := &Answer{
		Question:    p.question,
		Mode:        t.opts.Mode,
		IntendedUse: TutoringIntendedUse,
		Disclaimer:  TutoringDisclaimer,
	}
	if t.opts.Mode == DecisionSupport {
		a.IntendedUse, a.Disclaimer = DecisionSupportIntendedUse, DecisionSupportDisclaimer
	} else if t.opts.HideDisclaimer {
		a.Disclaimer = ""
	}
	if len(red.Findings) > 0 {
		a.Flags.Redactions = make(map[string]int)
		for _, f := range red.Findings {
			a.Flags.Redactions[f.Kind.String()]++
		}
	}
	a.Flags.RedFlags = t.opts.RedFlags.Detect(p.question)
	a.Notice = redflag.Preamble(a.Flags.RedFlags)
	a.Provenance = Provenance{
		LibraryVersion: version.String(),
		PromptVersion:  PromptVersion,
		Tenant:         retrieval.TenantOrDefault(t.opts.Tenant),
		AsOf:           t.opts.AsOf,
		Model:          "extractive",
	}
	if m, ok := t.opts.Model.(llm.Namer); ok {
		a.Provenance.Model = m.ModelName()
	} else if t.opts.Model != nil {
		a.Provenance.Model = "unnamed"
	}
	p.answer = a
	if p.question == "" {
		p.refuse(EmptyQuestion, "Please ask a question.", "empty question")
		return p, nil
	}
	if query == "" {
		query = p.question
	} else {
		query = t.opts.Redactor.Redact(query).Text
	}
	a.Provenance.Query = query

	hits, err := t.r.Search(ctx, retrieval.Query{
		Tenant: t.opts.Tenant, Text: query, Mode: t.opts.SearchMode, K: t.opts.K,
		Filter: t.opts.Filter, AsOf: t.opts.AsOf, ExcludeOverdue: t.opts.ExcludeOverdue,
	})
	if err != nil {
		return nil, fmt.Errorf("tutor: retrieving guidance: %w", err)
	}
	p.hits = hits
	for _, h := range hits {
		a.Provenance.Retrieved = append(a.Provenance.Retrieved, Retrieved{
			ChunkID: h.Chunk.ID, DocumentID: h.Document.ID, Version: h.Document.Version,
			Score: h.Score, VectorRank: h.VectorRank, LexicalRank: h.LexicalRank,
		})
	}
	if len(hits) == 0 {
		p.refuse(NoGuidance, notCoveredMessage, "no approved, in-force guidance matched")
		return p, nil
	}
	support := Support(query, hits)
	a.Provenance.Support = support
	if t.opts.MinSupport >= 0 && support < t.opts.MinSupport {
		p.refuse(LowSupport, notCoveredMessage,
			fmt.Sprintf("retrieved guidance covers %.0f%% of the question's content words (minimum %.0f%%)", 100*support, 100*t.opts.MinSupport))
	}
	return p, nil
}

const notCoveredMessage = "The approved guidance available to me does not cover this question, so I can't answer it. " +
	"Please check your organisation's guidance directly or ask a senior colleague."

func (p *prepared) refuse(reason RefusalReason, msg, detail string) {
	p.refused = true
	p.answer.Refusal = &Refusal{Reason: reason, Message: msg, Detail: detail}
}

// ask answers question; query and history are set in a conversation.
func (t *Tutor) ask(ctx context.Context, question, query string, history []llm.Message) (*Answer, error) {
	p, err := t.prepare(ctx, question, query)
	if err != nil {
		return nil, err
	}
	if !p.refused {
		if t.opts.Model == nil {
			t.extractive(p)
		} else if err := t.generate(ctx, p, history); err != nil {
			return nil, err
		}
	}
	return t.finish(ctx, p)
}

// finish records flags, latency and the audit record.
func (t *Tutor) finish(ctx context.Context, p *prepared) (*Answer, error) {
	a := p.answer
	a.Provenance.Latency = t.opts.Now().Sub(p.start)
	if a.Refusal != nil {
		a.Text, a.Sentences, a.Citations = "", nil, nil
	}
	t.log.LogAttrs(ctx, slog.LevelInfo, "tutor: answered", slog.Any("answer", a))
	if t.opts.Audit != nil {
		if err := t.opts.Audit.Record(ctx, newAuditRecord(a, t.opts.Now())); err != nil {
			return nil, fmt.Errorf("tutor: audit: %w", err)
		}
	}
	return a, nil
}

// questionFiller are stems of question words that carry no topic.
var questionFiller = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range []string{
		"tell", "explain", "describ", "outlin", "summari", "know", "need", "pleas", "recommend",
		"guidanc", "guidelin", "accord", "say", "said", "state", "give", "best", "way", "use",
		"one", "happen", "mean", "like", "look", "exampl", "differ", "patient", "peopl", "person",
		"adult", "question", "answer", "help", "right", "correct", "appropri", "first", "next",
		"step", "manag", "treat", "treatment", "done", "go", "defin", "definit", "signific",
	} {
		m[w] = true
	}
	return m
}()

// redactionTokenRE matches the redactor's placeholders, which are not words
// of the question.
var redactionTokenRE = regexp.MustCompile(`\[[A-Z_]+\]`)

// clauseRE splits a question into clauses.
var clauseRE = regexp.MustCompile(`[?;:,.!]+\s*|\s+-\s+`)

// Support returns the fraction of query's content words that appear in the
// hits' passages (titles and headings included). A question made of several
// clauses ("Mr X, aged 70: what is ...?") is judged by its best-supported
// clause of at least two content words, or by the whole if that is better.
func Support(query string, hits []retrieval.Hit) float64 {
	query = redactionTokenRE.ReplaceAllString(query, " ")
	have := make(map[string]bool)
	for _, h := range hits {
		for _, term := range terms.Analyze(h.Chunk.IndexText()) {
			have[term] = true
		}
	}
	best := coverage(query, have, 1)
	for _, clause := range clauseRE.Split(query, -1) {
		best = max(best, coverage(clause, have, 2))
	}
	return best
}

// coverage is the fraction of text's content words in have, or 0 if text
// has fewer than least content words.
func coverage(text string, have map[string]bool, least int) float64 {
	want := make(map[string]bool)
	for _, term := range terms.Analyze(text) {
		if !questionFiller[term] {
			want[term] = true
		}
	}
	if len(want) == 0 && least <= 1 {
		for _, term := range terms.Analyze(text) {
			want[term] = true
		}
	}
	if len(want) < least || len(want) == 0 {
		return 0
	}
	found := 0
	for term := range want {
		if have[term] {
			found++
		}
	}
	return float64(found) / float64(len(want))
}

// overdueOf lists the distinct overdue documents among the citations.
func overdueOf(cites []Citation) []string {
	seen := make(map[string]bool)
	var out []string
	for _, c := range cites {
		k := c.DocumentID + "@" + c.Version
		if c.ReviewOverdue && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

package tutor

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/redflag"
)

// An Answer is the tutor's reply to one question: verified sentences, each
// with its citations, or a refusal. Nothing in Text is unverified.
type Answer struct {
	// Question is the question as it was used: with personal data redacted.
	Question string
	// Text is the verified answer, each sentence followed by citation
	// markers such as [1] that index Citations (1-based). Empty when refused.
	Text string
	// Sentences are the verified sentences with their citations.
	Sentences []Sentence
	// Citations are the passages quoted in support, numbered from 1.
	Citations []Citation
	// Refusal is set when the tutor declined to answer; Text is then empty
	// and Refusal.Message says why, in words a learner can read.
	Refusal *Refusal
	// Notice is the escalation notice for red flags found in the question,
	// to be shown before anything else; empty if none.
	Notice string
	// Mode, IntendedUse and Disclaimer describe what the answer is for.
	Mode        Mode
	IntendedUse string
	// Disclaimer is shown with every answer; it is always set in
	// [DecisionSupport] mode.
	Disclaimer string
	Flags      Flags
	Provenance Provenance
	Usage      llm.Usage
}

// A Sentence is one verified sentence of an answer.
type Sentence struct {
	Text string
	// Citations index Answer.Citations (0-based) of the passages that
	// support this sentence.
	Citations []int
	// Score is the grounding checker's support score in [0, 1].
	Score float64
}

// A Citation is a quoted span of approved guidance.
type Citation struct {
	// N is the citation's number in the answer's markers, from 1.
	N          int
	DocumentID string
	Title      string
	Version    string
	Publisher  string
	SourceURL  string
	// Section is the heading path of the quoted passage.
	Section []string
	// ChunkID and ChunkHash identify the passage; the hash lets a reader
	// detect that the guidance text has changed since.
	ChunkID, ChunkHash string
	// Quote is the exact text that supports the sentence: the document's
	// Body[Start:End].
	Quote      string
	Start, End int
	// ReviewOverdue is set when the guidance was past its review date.
	ReviewOverdue bool
}

// RefusalReason says why a question was not answered.
type RefusalReason string

// The reasons for a refusal.
const (
	// NoGuidance: no approved, in-force guidance matched the question.
	NoGuidance RefusalReason = "no-guidance"
	// LowSupport: guidance was found, but too little of the question is
	// covered by it to answer.
	LowSupport RefusalReason = "low-support"
	// NotCovered: the model said the sources do not answer the question.
	NotCovered RefusalReason = "not-covered"
	// Unverified: no sentence of the model's answer could be verified
	// against the passages it cited, even after regenerating once.
	Unverified RefusalReason = "unverified"
	// EmptyQuestion: there was nothing to answer.
	EmptyQuestion RefusalReason = "empty-question"
)

// A Refusal explains why the tutor did not answer.
type Refusal struct {
	Reason RefusalReason
	// Message is for the learner.
	Message string
	// Detail is for logs and audits (never contains the raw question).
	Detail string
}

func (r *Refusal) Error() string { return string(r.Reason) + ": " + r.Detail }

// Flags report conditions a reader should know about.
type Flags struct {
	// ReviewOverdue lists cited documents ("id@version") past their review date.
	ReviewOverdue []string
	// RedFlags found in the question.
	RedFlags []redflag.Flag
	// Extractive is set when the answer was assembled from guidance
	// sentences without a language model.
	Extractive bool
	// Regenerated is set when the model's first answer failed verification
	// and it was asked once more.
	Regenerated bool
	// Removed lists sentences the model wrote that verification removed,
	// from every draft (the first draft's when the answer was regenerated).
	Removed []Removed
	// Redactions counts personal data removed from the question, by kind.
	Redactions map[string]int
	// Sanitized counts links, images or markup removed from the model's text.
	Sanitized int
}

// Removed is a sentence that failed verification.
type Removed struct {
	Text   string
	Reason string
	// Draft is 1 for the model's first draft, 2 for the regenerated one.
	Draft int
}

// Provenance records how an answer was made, for audits and evals.
type Provenance struct {
	// Model names the language model, or "extractive".
	Model string
	// PromptVersion identifies the prompt template (a hash of its text).
	PromptVersion string
	// LibraryVersion is the Bedside version.
	LibraryVersion string
	// Tenant and AsOf say whose guidance, in force when, was searched.
	Tenant string
	AsOf   time.Time
	// Query is the retrieval query (the question, or its rewrite in a
	// conversation).
	Query string
	// Retrieved are the passages given to the model, in rank order.
	Retrieved []Retrieved
	// Support is the fraction of the question's content words found in
	// the retrieved passages.
	Support float64
	// Latency is the time taken to answer.
	Latency time.Duration
}

// Retrieved is one passage the answer was drawn from.
type Retrieved struct {
	ChunkID, DocumentID, Version string
	Score                        float64
	VectorRank, LexicalRank      int
}

// Refused reports whether the tutor declined to answer.
func (a *Answer) Refused() bool { return a.Refusal != nil }

// Render formats the answer for a terminal or plain-text channel: the
// red-flag notice first, the answer (or refusal), the numbered sources
// with their quotes, and the disclaimer.
func (a *Answer) Render() string {
	var b strings.Builder
	if a.Notice != "" {
		b.WriteString(a.Notice)
	}
	if a.Refusal != nil {
		b.WriteString(a.Refusal.Message)
		b.WriteString("\n")
	} else {
		b.WriteString(a.Text)
		b.WriteString("\n")
	}
	if a.Flags.Extractive && a.Refusal == nil {
		b.WriteString("\n(Extractive answer: sentences quoted from approved guidance without a language model.)\n")
	}
	if len(a.Citations) > 0 {
		b.WriteString("\nSources:\n")
		for _, c := range a.Citations {
			fmt.Fprintf(&b, "[%d] %s (%s v%s)", c.N, c.Title, c.DocumentID, c.Version)
			if sec := sectionPath(c.Title, c.Section); sec != "" {
				fmt.Fprintf(&b, " › %s", sec)
			}
			if c.ReviewOverdue {
				b.WriteString(" [review overdue]")
			}
			fmt.Fprintf(&b, "\n    \"%s\"\n", strings.Join(strings.Fields(c.Quote), " "))
		}
	}
	if len(a.Flags.Removed) > 0 {
		fmt.Fprintf(&b, "\n(%d sentence(s) of the model's draft were removed because the cited guidance did not support them.)\n", len(a.Flags.Removed))
	}
	if a.Disclaimer != "" {
		b.WriteString("\n")
		b.WriteString(a.Disclaimer)
		b.WriteString("\n")
	}
	return b.String()
}

// LogValue implements [slog.LogValuer]: the outcome without answer text.
func (a *Answer) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("mode", a.Mode.String()),
		slog.Int("sentences", len(a.Sentences)),
		slog.Int("citations", len(a.Citations)),
		slog.Int("removed", len(a.Flags.Removed)),
		slog.Int("red_flags", len(a.Flags.RedFlags)),
		slog.Bool("extractive", a.Flags.Extractive),
		slog.String("model", a.Provenance.Model),
	}
	if a.Refusal != nil {
		attrs = append(attrs, slog.String("refusal", string(a.Refusal.Reason)))
	}
	return slog.GroupValue(attrs...)
}

// sectionPath joins a heading path for display, leaving out a first heading
// that repeats the document title.
func sectionPath(title string, heading []string) string {
	if len(heading) > 0 && strings.EqualFold(strings.TrimSpace(heading[0]), strings.TrimSpace(title)) {
		heading = heading[1:]
	}
	return strings.Join(heading, " › ")
}

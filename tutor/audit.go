package tutor

import (
	"context"
	"strconv"
	"time"
)

// An AuditSink keeps a record of every answer. Record must be safe for
// concurrent use. The tutor fails an answer whose record cannot be kept.
type AuditSink interface {
	Record(ctx context.Context, r AuditRecord) error
}

// AuditFunc adapts a function to an [AuditSink].
type AuditFunc func(ctx context.Context, r AuditRecord) error

// Record calls f.
func (f AuditFunc) Record(ctx context.Context, r AuditRecord) error { return f(ctx, r) }

// An AuditRecord describes one answer for a clinical-safety audit trail. It
// holds the redacted question, never the raw one.
type AuditRecord struct {
	Time     time.Time `json:"time"`
	Tenant   string    `json:"tenant"`
	Mode     string    `json:"mode"`
	Question string    `json:"question"` // redacted
	Answer   string    `json:"answer"`   // the verified text shown, empty when refused
	Refusal  string    `json:"refusal,omitempty"`
	// Citations name each cited passage as "chunkID#hash[start:end]".
	Citations      []string      `json:"citations"`
	Model          string        `json:"model"`
	PromptVersion  string        `json:"prompt_version"`
	LibraryVersion string        `json:"library_version"`
	PromptTokens   int           `json:"prompt_tokens"`
	OutputTokens   int           `json:"output_tokens"`
	RedFlags       []string      `json:"red_flags,omitempty"`
	Removed        int           `json:"removed"`
	Extractive     bool          `json:"extractive"`
	Latency        time.Duration `json:"latency_ns"`
}

func newAuditRecord(a *Answer, now time.Time) AuditRecord {
	r := AuditRecord{
		Time:           now,
		Tenant:         a.Provenance.Tenant,
		Mode:           a.Mode.String(),
		Question:       a.Question,
		Answer:         a.Text,
		Model:          a.Provenance.Model,
		PromptVersion:  a.Provenance.PromptVersion,
		LibraryVersion: a.Provenance.LibraryVersion,
		PromptTokens:   a.Usage.PromptTokens,
		OutputTokens:   a.Usage.CompletionTokens,
		Removed:        len(a.Flags.Removed),
		Extractive:     a.Flags.Extractive,
		Latency:        a.Provenance.Latency,
	}
	if a.Refusal != nil {
		r.Refusal = string(a.Refusal.Reason)
	}
	for _, c := range a.Citations {
		r.Citations = append(r.Citations, c.ChunkID+"#"+c.ChunkHash[:min(12, len(c.ChunkHash))]+
			"["+strconv.Itoa(c.Start)+":"+strconv.Itoa(c.End)+"]")
	}
	for _, f := range a.Flags.RedFlags {
		r.RedFlags = append(r.RedFlags, f.ID)
	}
	return r
}

package llm

import (
	"context"
	"errors"
)

// A Model answers chat requests. It is the one thing the tutor, the quiz
// generator and the eval judge need from a language model.
//
// Chat sends the conversation in req and returns the model's reply. It
// must:
//
//   - be safe for concurrent use by multiple goroutines;
//   - honour ctx: return promptly, with an error that wraps ctx.Err(), once
//     ctx is done, and set no timeout of its own (the caller's ctx deadline
//     bounds the call, retries included);
//   - own its retries: a failure it returns is final, so callers never loop
//     around Chat (transient failures such as rate limits are retried inside,
//     within ctx's deadline);
//   - reject a request it cannot honour exactly, with an error wrapping
//     [ErrInvalidRequest] or [ErrUnsupported], rather than silently drop a
//     setting;
//   - never modify req.
//
// A Model may also offer [Streamer] and [Namer], found by type assertion.
type Model interface {
	Chat(ctx context.Context, req Request) (*Response, error)
}

// A Streamer is a [Model] that can deliver its reply piece by piece, for
// showing an answer as it is written.
//
// ChatStream sends req and returns once the reply has begun (for an HTTP
// provider: once the response headers have arrived). Failures before that
// point, including rate limits and server errors, are retried inside
// ChatStream as Chat retries them, and a final failure is returned by
// ChatStream. Once ChatStream has returned a [Stream] nothing is retried:
// a reply that breaks off midway ends in a [*StreamError] holding the text
// delivered so far, and no text is ever delivered twice.
//
// The stream lives as long as ctx: cancelling ctx ends it. The caller must
// call [Stream.Close] when done with it, even after an error.
type Streamer interface {
	ChatStream(ctx context.Context, req Request) (Stream, error)
}

// A Namer reports the model it talks to, e.g. "gpt-4o-mini", for provenance
// records: which model wrote an answer, a quiz item or a judgement.
type Namer interface {
	ModelName() string
}

// ChatFunc adapts an ordinary function to the [Model] interface, as
// http.HandlerFunc adapts a function to http.Handler. The function takes on
// Model's contract.
type ChatFunc func(ctx context.Context, req Request) (*Response, error)

// Chat calls f(ctx, req).
func (f ChatFunc) Chat(ctx context.Context, req Request) (*Response, error) { return f(ctx, req) }

var _ Model = ChatFunc(nil)

// Errors that every implementation reports the same way; match them with
// errors.Is.
var (
	// ErrInvalidRequest means a [Request] is malformed whatever the model:
	// no messages, an unknown role, a temperature out of range, a JSON
	// schema that is not a JSON object. See [Request.Validate].
	ErrInvalidRequest = errors.New("llm: invalid request")

	// ErrUnsupported means the request is well formed but this model or
	// adapter cannot honour one of its settings (a JSON schema through an
	// adapter without structured output, say). The setting is never
	// dropped silently.
	ErrUnsupported = errors.New("llm: unsupported request setting")

	// ErrClosed is the error a [Stream] reports, inside a [*StreamError],
	// when Recv is called after (or interrupted by) Close.
	ErrClosed = errors.New("llm: stream closed")
)

// Role says who wrote a [Message].
type Role string

// The roles of a chat.
const (
	RoleSystem    Role = "system"    // instructions: the guidance passages, the rules of the answer
	RoleUser      Role = "user"      // the learner's question, or the task
	RoleAssistant Role = "assistant" // an earlier reply of the model
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleSystem || r == RoleUser || r == RoleAssistant
}

// A Message is one turn of a chat.
type Message struct {
	Role    Role
	Content string
}

// System returns a system message with the given content.
func System(content string) Message { return Message{Role: RoleSystem, Content: content} }

// User returns a user message with the given content.
func User(content string) Message { return Message{Role: RoleUser, Content: content} }

// Assistant returns an assistant message with the given content.
func Assistant(content string) Message { return Message{Role: RoleAssistant, Content: content} }

// Finish reasons commonly found in [Response.FinishReason] and
// [Delta.FinishReason]. Implementations map their provider's own words onto
// these where the meaning is the same and pass others through unchanged.
const (
	FinishStop          = "stop"           // the model ended its reply, or met a stop sequence
	FinishLength        = "length"         // the reply reached MaxTokens or the context limit: it is cut short
	FinishContentFilter = "content_filter" // the provider's content filter withheld some of the reply
)

// A Response is a model's complete reply.
type Response struct {
	// Content is the reply text (JSON text when the request asked for a
	// JSON format).
	Content string

	// Refusal, if not empty, is the model's explanation for declining the
	// request (OpenAI reports refusals of structured-output requests
	// separately from the content). Content is then usually empty.
	Refusal string

	// Model is the model that answered, as the provider reports it (for
	// example "gpt-4o-mini-2024-07-18"); empty if it reports none.
	Model string

	// FinishReason says why the reply ended: [FinishStop], [FinishLength],
	// [FinishContentFilter] or a provider's own reason. Anything but
	// FinishStop means Content may be incomplete.
	FinishReason string

	// Usage counts the tokens the call consumed, as far as the provider
	// reports them.
	Usage Usage
}

// Usage counts tokens. Zero fields mean "not reported".
type Usage struct {
	PromptTokens     int
	CompletionTokens int
	TotalTokens      int
}

// Add returns the field-by-field sum of u and v, for totals over many
// calls:
//
//	total = total.Add(resp.Usage)
func (u Usage) Add(v Usage) Usage {
	return Usage{
		PromptTokens:     u.PromptTokens + v.PromptTokens,
		CompletionTokens: u.CompletionTokens + v.CompletionTokens,
		TotalTokens:      u.TotalTokens + v.TotalTokens,
	}
}

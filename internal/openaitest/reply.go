package openaitest

import (
	"net/http"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// An Endpoint names an API operation, matched on the end of the request
// path so that both "/v1/embeddings" and Azure's
// "/openai/deployments/<name>/embeddings" are Embeddings.
type Endpoint string

// The endpoints the server speaks.
const (
	Embeddings      Endpoint = "embeddings"       // POST .../embeddings
	ChatCompletions Endpoint = "chat/completions" // POST .../chat/completions
	Models          Endpoint = "models"           // GET .../models
)

// A Reply scripts the server's answer to one request. The zero Reply is
// the default answer: deterministic embeddings (see [Vector]), the model
// list, or an empty assistant message. Chat content has no sensible
// default, so a chat request that finds no reply at all (nothing queued for
// it and no [Options.Handler]) fails the test and gets a 500.
//
// Fields are grouped by what they shape; fields that do not apply to the
// request's endpoint are ignored.
type Reply struct {
	// Endpoint restricts the reply to requests for that endpoint. Empty
	// matches the next request of any kind.
	Endpoint Endpoint

	// Status, if 400 or more, makes the reply an OpenAI-style error,
	// {"error":{"message","type","param","code"}}, with the message, type
	// and code given below or typical ones for the status. Other non-zero
	// values replace the status of a normal reply.
	Status       int
	ErrorMessage string
	ErrorType    string
	ErrorCode    string

	// RetryAfter sets a "Retry-After" header in whole seconds, rounded up.
	RetryAfter time.Duration
	// RetryAfterDate sets a "Retry-After" header as an HTTP-date instead.
	RetryAfterDate time.Time
	// Header holds further response headers (say "retry-after-ms" or
	// "x-ratelimit-remaining-requests").
	Header http.Header

	// Body, if set, is written verbatim as the response body (with Status,
	// or 200), replacing whatever the server would have generated.
	Body string
	// Malformed replaces the JSON body with syntactically invalid JSON; in
	// a stream, the chunk after the first is invalid.
	Malformed bool

	// Delay holds back the first byte of the response (added to
	// [Options.Latency]).
	Delay time.Duration
	// Hang never answers: the handler blocks until the client gives up
	// (its context is done) or the server closes, then drops the
	// connection.
	Hang bool
	// Cut drops the connection part-way: a JSON reply after half its body
	// (the client sees an unexpected EOF), a stream after CutAfter
	// "data:" events and without "[DONE]".
	Cut      bool
	CutAfter int

	// Embeddings replaces the generated vectors, one per entry, in order
	// (their number need not match the inputs: that is for testing the
	// client's checks). They are sent in the requested encoding.
	Embeddings [][]float32

	// Content is the assistant message (plain text or JSON text).
	Content string
	// ToolCalls are tool calls the assistant makes.
	ToolCalls []openai.ToolCall
	// FinishReason defaults to "tool_calls" when ToolCalls is set, else
	// "stop".
	FinishReason openai.FinishReason
	// Usage defaults to word counts of the prompt and the reply.
	Usage *openai.Usage
	// Chunks splits Content into these stream deltas; by default Content is
	// split after each space.
	Chunks []string
	// ChunkDelay is the pause between stream events.
	ChunkDelay time.Duration
}

// Times returns n copies of r, for fault sequences:
//
//	srv.Enqueue(openaitest.Times(3, openaitest.Reply{Status: 500})...)
func Times(n int, r Reply) []Reply {
	out := make([]Reply, max(n, 0))
	for i := range out {
		out[i] = r
	}
	return out
}

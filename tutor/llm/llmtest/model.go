package llmtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/bedside-ai/bedside/tutor/llm"
)

// DefaultName is the name a [Model] reports when its Name is empty.
const DefaultName = "llmtest"

var (
	// ErrNoReply is returned by a [Model] asked for more replies than it
	// was scripted with.
	ErrNoReply = errors.New("llmtest: no reply scripted")

	// ErrBroken is the cause inside the [*llm.StreamError] of a stream
	// broken by [Model.BreakAfter].
	ErrBroken = errors.New("llmtest: stream broken as scripted")
)

// Model is a scripted, deterministic [llm.Model] and [llm.Streamer] for
// tests of code that uses a model. It records every request it receives.
//
// Each call (Chat or ChatStream) takes the next of Replies; once they are
// used up (or if there are none) Func answers; failing both, the call fails
// with [ErrNoReply]. Calls validate their request first, as real models do.
//
// Usage counts words: the prompt's words across all messages, the reply's
// words. Streams deliver the reply word by word (each piece a word and the
// white space after it), then a final delta with FinishReason "stop" and
// the usage.
//
// Set the fields before the first call; a Model must not be copied after
// it. Its methods are safe for concurrent use.
type Model struct {
	// Replies are the replies to the first len(Replies) calls, in order.
	Replies []string

	// Func answers calls after Replies are used up. An error it returns is
	// the call's error, unchanged.
	Func func(llm.Request) (string, error)

	// Name is reported by ModelName and in Response.Model. Empty means
	// DefaultName.
	Name string

	// BreakAfter, if positive, makes every stream fail after delivering
	// that many content deltas, with an *llm.StreamError wrapping
	// ErrBroken, as a dropped connection would.
	BreakAfter int

	mu       sync.Mutex
	requests []llm.Request
	served   int
}

var (
	_ llm.Model    = (*Model)(nil)
	_ llm.Streamer = (*Model)(nil)
	_ llm.Namer    = (*Model)(nil)
)

// ModelName returns Name, or DefaultName.
func (m *Model) ModelName() string {
	if m.Name == "" {
		return DefaultName
	}
	return m.Name
}

// Requests returns copies of the valid requests received so far, in the
// order they arrived.
func (m *Model) Requests() []llm.Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]llm.Request, len(m.requests))
	for i, r := range m.requests {
		out[i] = clone(r)
	}
	return out
}

// Calls returns how many valid requests were received.
func (m *Model) Calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.requests)
}

func clone(r llm.Request) llm.Request {
	r.Messages = append([]llm.Message(nil), r.Messages...)
	r.Stop = append([]string(nil), r.Stop...)
	if r.Seed != nil {
		seed := *r.Seed
		r.Seed = &seed
	}
	r.Format.Schema = append([]byte(nil), r.Format.Schema...)
	return r
}

// reply validates req, records it and picks its reply.
func (m *Model) reply(ctx context.Context, req llm.Request) (string, error) {
	if err := req.Validate(); err != nil {
		return "", fmt.Errorf("llmtest: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("llmtest: %w", err)
	}
	m.mu.Lock()
	m.requests = append(m.requests, clone(req))
	n := m.served
	m.served++
	m.mu.Unlock()
	if n < len(m.Replies) {
		return m.Replies[n], nil
	}
	if m.Func != nil {
		return m.Func(clone(req))
	}
	return "", fmt.Errorf("%w for call %d (%d replies scripted)", ErrNoReply, n+1, len(m.Replies))
}

func usage(req llm.Request, reply string) llm.Usage {
	var u llm.Usage
	for _, msg := range req.Messages {
		u.PromptTokens += len(strings.Fields(msg.Content))
	}
	u.CompletionTokens = len(strings.Fields(reply))
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}

// Chat answers with the next scripted reply.
func (m *Model) Chat(ctx context.Context, req llm.Request) (*llm.Response, error) {
	reply, err := m.reply(ctx, req)
	if err != nil {
		return nil, err
	}
	return &llm.Response{
		Content:      reply,
		Model:        m.ModelName(),
		FinishReason: llm.FinishStop,
		Usage:        usage(req, reply),
	}, nil
}

// ChatStream streams the next scripted reply word by word.
func (m *Model) ChatStream(ctx context.Context, req llm.Request) (llm.Stream, error) {
	reply, err := m.reply(ctx, req)
	if err != nil {
		return nil, err
	}
	u := usage(req, reply)
	return &stream{ctx: ctx, pieces: Words(reply), usage: u, breakAfter: m.BreakAfter}, nil
}

// Words splits s into words each followed by the white space after it, so
// that the pieces concatenate to s: "Give  fluids now" becomes
// ["Give  ", "fluids ", "now"]. Leading white space is a piece of its own.
func Words(s string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range s {
		space := unicode.IsSpace(r)
		if inSpace && !space && i > start {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

type stream struct {
	ctx        context.Context
	pieces     []string
	usage      llm.Usage
	breakAfter int

	next    int
	partial strings.Builder
	err     error // sticky: io.EOF or a *llm.StreamError
	closed  atomic.Bool
}

func (s *stream) Recv() (llm.Delta, error) {
	switch {
	case s.err != nil:
		return llm.Delta{}, s.err
	case s.closed.Load():
		return llm.Delta{}, s.fail(llm.ErrClosed)
	case s.ctx.Err() != nil:
		return llm.Delta{}, s.fail(s.ctx.Err())
	case s.breakAfter > 0 && s.next == s.breakAfter && s.next < len(s.pieces):
		return llm.Delta{}, s.fail(ErrBroken)
	case s.next < len(s.pieces):
		p := s.pieces[s.next]
		s.next++
		s.partial.WriteString(p)
		return llm.Delta{Content: p}, nil
	}
	s.err = io.EOF
	u := s.usage
	return llm.Delta{FinishReason: llm.FinishStop, Usage: &u}, nil
}

func (s *stream) fail(cause error) error {
	s.err = &llm.StreamError{Partial: s.partial.String(), Err: cause}
	return s.err
}

func (s *stream) Close() error {
	s.closed.Store(true)
	return nil
}

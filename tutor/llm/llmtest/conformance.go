package llmtest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"sync"
	"testing"

	"github.com/bedside-ai/bedside/tutor/llm"
)

// ConformanceReply is the reply Run asks each model to give.
const ConformanceReply = "Give antibiotics within one hour of recognising sepsis in adults."

// Run checks that an [llm.Model] keeps the package llm contract. newModel
// must return a fresh model whose backend answers every chat request with
// reply, streamed in at least two pieces when the model is an
// [llm.Streamer]. Run calls it once per subtest, with the subtest's t, so
// per-test servers close with the subtest.
//
// Run checks: the reply and finish reason; a consistent Usage; that the
// request is not modified; that malformed requests fail with
// llm.ErrInvalidRequest before anything is sent; that a cancelled ctx fails
// with context.Canceled; concurrent calls; a non-empty ModelName for an
// [llm.Namer]; and, for an [llm.Streamer], the stream contract: deltas that
// concatenate to the reply, a final delta with the finish reason, io.EOF
// for ever after, idempotent Close, and a [*llm.StreamError] holding the
// partial text after Close or a cancelled ctx.
func Run(t *testing.T, newModel func(t *testing.T, reply string) llm.Model) {
	t.Helper()
	reply := ConformanceReply
	t.Run("Chat", func(t *testing.T) {
		m := newModel(t, reply)
		resp, err := m.Chat(t.Context(), request())
		if err != nil {
			t.Fatalf("Chat: %v", err)
		}
		if resp.Content != reply || resp.FinishReason != llm.FinishStop {
			t.Errorf("Chat = %q (finish %q); want %q (finish %q)", resp.Content, resp.FinishReason, reply, llm.FinishStop)
		}
		checkUsage(t, resp.Usage)
	})
	t.Run("RequestUnchanged", func(t *testing.T) {
		m := newModel(t, reply)
		req, want := request(), request()
		if _, err := m.Chat(t.Context(), req); err != nil {
			t.Fatalf("Chat: %v", err)
		}
		if !reflect.DeepEqual(req, want) {
			t.Errorf("Chat modified its request: %+v; want %+v", req, want)
		}
	})
	t.Run("InvalidRequest", func(t *testing.T) {
		m := newModel(t, reply)
		s, streams := m.(llm.Streamer)
		for name, req := range invalidRequests() {
			if _, err := m.Chat(t.Context(), req); !errors.Is(err, llm.ErrInvalidRequest) {
				t.Errorf("Chat(%s) error = %v; want llm.ErrInvalidRequest", name, err)
			}
			if !streams {
				continue
			}
			st, err := s.ChatStream(t.Context(), req)
			if !errors.Is(err, llm.ErrInvalidRequest) {
				t.Errorf("ChatStream(%s) error = %v; want llm.ErrInvalidRequest", name, err)
			}
			if st != nil {
				_ = st.Close()
			}
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		m := newModel(t, reply)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := m.Chat(ctx, request()); !errors.Is(err, context.Canceled) {
			t.Errorf("Chat(cancelled ctx) error = %v; want context.Canceled", err)
		}
		if s, ok := m.(llm.Streamer); ok {
			st, err := s.ChatStream(ctx, request())
			if err == nil {
				_, err = llm.ReadAll(st)
				_ = st.Close()
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("ChatStream(cancelled ctx) error = %v; want context.Canceled", err)
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		m := newModel(t, reply)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				resp, err := m.Chat(t.Context(), request())
				if err == nil && resp.Content != reply {
					err = errors.New("wrong reply " + resp.Content)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent Chat: %v", err)
			}
		}
	})
	t.Run("ModelName", func(t *testing.T) {
		m := newModel(t, reply)
		if n, ok := m.(llm.Namer); ok && n.ModelName() == "" {
			t.Errorf("ModelName() = %q; want a name", n.ModelName())
		}
	})

	t.Run("Stream", func(t *testing.T) {
		s := streamer(t, newModel(t, reply))
		st, err := s.ChatStream(t.Context(), request())
		if err != nil {
			t.Fatalf("ChatStream: %v", err)
		}
		var got string
		var pieces int
		var final llm.Delta
		for {
			d, err := st.Recv()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Recv after %q: %v", got, err)
			}
			if final.FinishReason != "" {
				t.Errorf("Recv returned %+v after the final delta; want io.EOF", d)
			}
			if d.Content != "" {
				pieces++
			}
			got += d.Content
			if d.FinishReason != "" {
				final = d
			}
		}
		if got != reply || pieces < 2 {
			t.Errorf("streamed %q in %d pieces; want %q in 2 or more", got, pieces, reply)
		}
		if final.FinishReason != llm.FinishStop {
			t.Errorf("final delta = %+v; want finish reason %q", final, llm.FinishStop)
		}
		if final.Usage != nil {
			checkUsage(t, *final.Usage)
		}
		for range 2 {
			if d, err := st.Recv(); err != io.EOF {
				t.Errorf("Recv after io.EOF = %+v, %v; want io.EOF again", d, err)
			}
		}
		for range 2 {
			if err := st.Close(); err != nil {
				t.Errorf("Close = %v; want nil", err)
			}
		}
	})
	t.Run("StreamClosedEarly", func(t *testing.T) {
		s := streamer(t, newModel(t, reply))
		st, err := s.ChatStream(t.Context(), request())
		if err != nil {
			t.Fatalf("ChatStream: %v", err)
		}
		first := firstContent(t, st)
		if err := st.Close(); err != nil {
			t.Errorf("Close = %v; want nil", err)
		}
		checkBroken(t, st, first, llm.ErrClosed)
		if err := st.Close(); err != nil {
			t.Errorf("second Close = %v; want nil", err)
		}
	})
	t.Run("StreamCancelled", func(t *testing.T) {
		s := streamer(t, newModel(t, reply))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		st, err := s.ChatStream(ctx, request())
		if err != nil {
			t.Fatalf("ChatStream: %v", err)
		}
		defer st.Close()
		first := firstContent(t, st)
		cancel()
		checkBroken(t, st, first, context.Canceled)
	})
}

func request() llm.Request {
	seed := 7
	return llm.Request{
		Messages: []llm.Message{
			llm.System("Answer from the guidance only."),
			llm.User("When should antibiotics be given in sepsis?"),
		},
		MaxTokens: 200,
		Seed:      &seed,
		Stop:      []string{"\n\n\n"},
	}
}

func invalidRequests() map[string]llm.Request {
	user := []llm.Message{llm.User("When?")}
	return map[string]llm.Request{
		"no messages":      {},
		"unknown role":     {Messages: []llm.Message{{Role: "tool", Content: "x"}}},
		"temperature 2.5":  {Messages: user, Temperature: 2.5},
		"negative top_p":   {Messages: user, TopP: -0.1},
		"negative max":     {Messages: user, MaxTokens: -1},
		"empty stop":       {Messages: user, Stop: []string{""}},
		"schema not JSON":  {Messages: user, Format: llm.JSONSchema("answer", json.RawMessage(`[1,2]`))},
		"schema unnamed":   {Messages: user, Format: llm.JSONSchema("", json.RawMessage(`{"type":"object"}`))},
		"text with schema": {Messages: user, Format: llm.ResponseFormat{Schema: json.RawMessage(`{}`)}},
	}
}

func streamer(t *testing.T, m llm.Model) llm.Streamer {
	t.Helper()
	s, ok := m.(llm.Streamer)
	if !ok {
		t.Skipf("%T is not an llm.Streamer", m)
	}
	return s
}

func checkUsage(t *testing.T, u llm.Usage) {
	t.Helper()
	if u.PromptTokens < 0 || u.CompletionTokens < 0 || u.TotalTokens < 0 ||
		(u.PromptTokens > 0 && u.CompletionTokens > 0 && u.TotalTokens != u.PromptTokens+u.CompletionTokens) {
		t.Errorf("Usage = %+v; want non-negative counts with Total = Prompt + Completion", u)
	}
}

// firstContent receives deltas up to the first with content and returns it.
func firstContent(t *testing.T, st llm.Stream) string {
	t.Helper()
	for {
		d, err := st.Recv()
		if err != nil {
			t.Fatalf("Recv: %v; want a first delta", err)
		}
		if d.Content != "" {
			return d.Content
		}
	}
}

// checkBroken checks that st now fails, and keeps failing, with a
// *llm.StreamError holding partial and wrapping cause.
func checkBroken(t *testing.T, st llm.Stream, partial string, cause error) {
	t.Helper()
	for range 2 {
		d, err := st.Recv()
		var se *llm.StreamError
		if !errors.As(err, &se) || !errors.Is(err, cause) {
			t.Fatalf("Recv = %+v, %v; want an *llm.StreamError wrapping %v", d, err, cause)
		}
		if se.Partial != partial {
			t.Errorf("StreamError.Partial = %q; want %q", se.Partial, partial)
		}
	}
}

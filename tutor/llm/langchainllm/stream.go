package langchainllm

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tmc/langchaingo/llms"

	"github.com/bedside-ai/bedside/tutor/llm"
)

// ChatStream runs the wrapped model's GenerateContent with
// llms.WithStreamingFunc on a goroutine of its own and delivers the chunks
// it passes as deltas. It returns once the first chunk has arrived, or
// with the call's error if the call fails before any chunk, so failures
// before the reply begins come from ChatStream. Once the reply has begun,
// a failure ends the stream with an [*llm.StreamError] holding the text
// delivered so far.
//
// A model that does not stream (it ignores the streaming func) delivers its
// whole reply as one delta. Cancelling ctx or calling Close cancels the
// call; Close waits for GenerateContent to return, so no goroutine
// outlives it (provided the wrapped model honours ctx, as every
// llms.Model must).
func (m *Model) ChatStream(ctx context.Context, req llm.Request) (llm.Stream, error) {
	msgs, opts, err := m.call(req)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("langchainllm: %w", err)
	}
	callCtx, cancel := context.WithCancel(ctx)
	s := &stream{
		ctx:    ctx,
		cancel: cancel,
		events: make(chan event),
		done:   make(chan struct{}),
		model:  m,
	}
	go s.run(callCtx, m.lc, msgs, opts)

	select {
	case ev := <-s.events:
		if ev.final && ev.err != nil {
			cancel()
			<-s.done
			return nil, wrap(ctx, ev.err)
		}
		s.first = &ev
	case <-ctx.Done():
		cancel()
		<-s.done
		return nil, fmt.Errorf("langchainllm: %w", ctx.Err())
	}
	return s, nil
}

// An event is what the call goroutine hands Recv: a chunk of text, or the
// end of the call.
type event struct {
	content string
	final   bool
	resp    *llms.ContentResponse
	err     error
}

type stream struct {
	ctx    context.Context // the caller's
	cancel context.CancelFunc
	events chan event    // unbuffered: the goroutine runs at most one chunk ahead
	done   chan struct{} // closed when the goroutine has returned
	model  *Model

	// Owned by Recv (and ChatStream before it returns).
	first   *event
	pending []llm.Delta
	partial strings.Builder
	err     error // sticky: io.EOF or a *llm.StreamError

	closed    atomic.Bool
	closeOnce sync.Once
}

// run calls GenerateContent and hands each chunk, then the result, to
// Recv. Every send gives up once ctx is done, so run returns promptly
// after Close or the caller's cancellation.
func (s *stream) run(ctx context.Context, lc llms.Model, msgs []llms.MessageContent, opts []llms.CallOption) {
	defer close(s.done)
	send := func(ev event) bool {
		select {
		case s.events <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	onChunk := func(_ context.Context, chunk []byte) error {
		if len(chunk) == 0 {
			return nil
		}
		if !send(event{content: string(chunk)}) {
			return ctx.Err()
		}
		return nil
	}
	resp, err := lc.GenerateContent(ctx, msgs, append(opts, llms.WithStreamingFunc(onChunk))...)
	send(event{final: true, resp: resp, err: err})
}

func (s *stream) Recv() (llm.Delta, error) {
	switch {
	case s.err != nil:
		return llm.Delta{}, s.err
	case len(s.pending) > 0:
		return s.pop(), nil
	case s.closed.Load():
		return llm.Delta{}, s.fail(llm.ErrClosed)
	case s.ctx.Err() != nil:
		return llm.Delta{}, s.fail(s.ctx.Err())
	}
	var ev event
	if s.first != nil {
		ev, s.first = *s.first, nil
	} else {
		select {
		case ev = <-s.events:
		case <-s.done: // the call gave up without a result: Close or ctx
			return llm.Delta{}, s.fail(s.cause(io.ErrUnexpectedEOF))
		}
	}
	if !ev.final {
		s.partial.WriteString(ev.content)
		return llm.Delta{Content: ev.content}, nil
	}
	if ev.err != nil {
		return llm.Delta{}, s.fail(s.cause(ev.err))
	}
	resp, err := s.model.response(ev.resp)
	if err != nil {
		return llm.Delta{}, s.fail(err)
	}
	// A model that streamed nothing, or less than its reply, delivers the
	// rest now.
	if delivered := s.partial.String(); len(resp.Content) > len(delivered) && strings.HasPrefix(resp.Content, delivered) {
		rest := resp.Content[len(delivered):]
		s.partial.WriteString(rest)
		s.pending = append(s.pending, llm.Delta{Content: rest})
	}
	u := resp.Usage
	s.pending = append(s.pending, llm.Delta{FinishReason: resp.FinishReason, Usage: &u})
	return s.pop(), nil
}

// pop returns the next pending delta; after the last, Recv reports io.EOF.
func (s *stream) pop() llm.Delta {
	d := s.pending[0]
	s.pending = s.pending[1:]
	if len(s.pending) == 0 {
		s.err = io.EOF
	}
	return d
}

// cause names why the stream failed: Close, the caller's ctx, or err.
func (s *stream) cause(err error) error {
	switch {
	case s.closed.Load():
		return llm.ErrClosed
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	}
	return err
}

func (s *stream) fail(cause error) error {
	s.err = &llm.StreamError{Partial: s.partial.String(), Err: cause}
	return s.err
}

// Close cancels the call if it is still running and waits for it to end.
func (s *stream) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.cancel()
		<-s.done
	})
	return nil
}

package openaillm

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/tutor/llm"
)

// stream adapts go-openai's chat completion stream to llm.Stream.
//
// The OpenAI protocol ends a reply with a chunk carrying the finish
// reason, then (with stream_options.include_usage) a chunk with the usage
// and no choices, then "data: [DONE]". Recv delivers each non-empty
// content chunk as it comes and folds the finish reason and usage into one
// final delta, read ahead to the end of the stream.
type stream struct {
	ctx context.Context
	s   *openai.ChatCompletionStream

	// Owned by Recv.
	partial strings.Builder
	finish  string
	usage   *llm.Usage
	err     error // sticky: io.EOF or a *llm.StreamError

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

func (s *stream) Recv() (llm.Delta, error) {
	switch {
	case s.err != nil:
		return llm.Delta{}, s.err
	case s.closed.Load():
		return llm.Delta{}, s.fail(llm.ErrClosed)
	case s.ctx.Err() != nil:
		return llm.Delta{}, s.fail(s.ctx.Err())
	}
	for {
		chunk, err := s.s.Recv()
		if err != nil {
			if s.finish != "" {
				// The reply is complete; a failure after the finish
				// reason can cost the usage chunk at most.
				return s.end()
			}
			return llm.Delta{}, s.fail(s.cause(err))
		}
		if chunk.Usage != nil {
			u := usage(*chunk.Usage)
			s.usage = &u
		}
		if len(chunk.Choices) == 0 {
			continue
		}
		c := chunk.Choices[0]
		if c.FinishReason != "" {
			s.finish = string(c.FinishReason)
		}
		if c.Delta.Content != "" || c.Delta.Refusal != "" {
			s.partial.WriteString(c.Delta.Content)
			return llm.Delta{Content: c.Delta.Content, Refusal: c.Delta.Refusal}, nil
		}
	}
}

// cause names why the stream failed before its finish reason.
func (s *stream) cause(err error) error {
	switch {
	case s.closed.Load():
		return llm.ErrClosed
	case s.ctx.Err() != nil && !errors.Is(err, s.ctx.Err()):
		return s.ctx.Err()
	case err == io.EOF:
		// The body ended cleanly but the reply never finished.
		return io.ErrUnexpectedEOF
	}
	return err
}

func (s *stream) end() (llm.Delta, error) {
	s.err = io.EOF
	return llm.Delta{FinishReason: s.finish, Usage: s.usage}, nil
}

func (s *stream) fail(cause error) error {
	s.err = &llm.StreamError{Partial: s.partial.String(), Err: cause}
	return s.err
}

func (s *stream) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.closeErr = s.s.Close()
	})
	return s.closeErr
}

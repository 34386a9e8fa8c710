package tutor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bedside-ai/bedside/tutor/llm"
)

// An AnswerStream delivers a model's answer as it is written, then the
// verified [Answer]. The streamed text is a draft: only the Answer's text
// has been verified, and its Flags say what verification removed.
type AnswerStream struct {
	t      *Tutor
	ctx    context.Context
	p      *prepared
	msgs   []llm.Message
	stream llm.Stream
	draft  strings.Builder
	queue  []string // deltas to hand out before the model's (extractive mode)
	answer *Answer
	err    error
	done   bool
}

// AskStream starts answering question. Read the draft with Recv until it
// returns io.EOF, then take the verified answer from Answer. Refusals and
// extractive answers involve no model: Recv then returns the whole text in
// one delta, or nothing for a refusal.
func (t *Tutor) AskStream(ctx context.Context, question string) (*AnswerStream, error) {
	return t.askStream(ctx, question, "")
}

func (t *Tutor) askStream(ctx context.Context, question, query string) (*AnswerStream, error) {
	p, err := t.prepare(ctx, question, query)
	if err != nil {
		return nil, err
	}
	s := &AnswerStream{t: t, ctx: ctx, p: p}
	if p.refused || t.opts.Model == nil {
		if !p.refused {
			t.extractive(p)
		}
		a, err := t.finish(ctx, p)
		if err != nil {
			return nil, err
		}
		s.answer, s.done = a, true
		if a.Text != "" {
			s.queue = []string{a.Text}
		}
		return s, nil
	}
	s.msgs = buildMessages(p.question, p.hits, t.opts.MaxSentences, nil)
	if st, ok := t.opts.Model.(llm.Streamer); ok {
		stream, err := st.ChatStream(ctx, t.request(s.msgs))
		if err != nil {
			return nil, fmt.Errorf("tutor: model: %w", err)
		}
		s.stream = stream
		return s, nil
	}
	// A model without streaming: one delta with the whole draft.
	resp, err := t.chat(ctx, p, s.msgs)
	if err != nil {
		return nil, err
	}
	s.queue = []string{resp.Content}
	s.draft.WriteString(resp.Content)
	return s, nil
}

// Draft reports whether Recv returns a model's unverified draft. It is false
// for extractive answers and refusals, whose text arrives verified.
func (s *AnswerStream) Draft() bool { return s.t.opts.Model != nil && !s.p.refused }

// Recv returns the next piece of the draft answer, or io.EOF once the
// answer is complete and verified. Any other error ends the stream; if the
// model's stream broke, the error wraps an *llm.StreamError holding the
// partial draft, which is never returned as an answer.
func (s *AnswerStream) Recv() (string, error) {
	if s.err != nil {
		return "", s.err
	}
	if len(s.queue) > 0 {
		d := s.queue[0]
		s.queue = s.queue[1:]
		return d, nil
	}
	if s.done {
		return "", io.EOF
	}
	if s.stream != nil {
		for {
			d, err := s.stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				s.err = fmt.Errorf("tutor: model stream: %w", err)
				s.stream.Close()
				return "", s.err
			}
			if d.Usage != nil {
				s.p.answer.Usage = s.p.answer.Usage.Add(*d.Usage)
			}
			if d.Content != "" {
				s.draft.WriteString(d.Content)
				return d.Content, nil
			}
		}
		s.stream.Close()
	}
	// The draft is complete: verify it (regenerating once if needed).
	if err := s.t.accept(s.ctx, s.p, s.msgs, s.draft.String()); err != nil {
		s.err = err
		return "", err
	}
	a, err := s.t.finish(s.ctx, s.p)
	if err != nil {
		s.err = err
		return "", err
	}
	s.answer, s.done = a, true
	return "", io.EOF
}

// Answer returns the verified answer, reading the rest of the stream first
// if needed.
func (s *AnswerStream) Answer() (*Answer, error) {
	for !s.done {
		if _, err := s.Recv(); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	return s.answer, nil
}

// Close releases the model stream. It is safe to call more than once.
func (s *AnswerStream) Close() error {
	if s.stream != nil {
		return s.stream.Close()
	}
	return nil
}

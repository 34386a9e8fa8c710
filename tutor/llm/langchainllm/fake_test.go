package langchainllm_test

import (
	"context"
	"errors"
	"sync"

	"github.com/tmc/langchaingo/llms"

	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
)

var errBroken = errors.New("fake: connection lost")

// fakeLLM is a hand-written llms.Model. It streams its reply in chunks
// through the streaming func when one is given, and records each call's
// messages and options.
type fakeLLM struct {
	reply      string
	chunks     []string       // nil: the reply's words
	stopReason string         // "" means "stop"
	info       map[string]any // GenerationInfo
	err        error          // fail at once
	failAfter  int            // > 0: fail with errBroken after that many chunks
	holdAfter  int            // > 0: after that many chunks, block until ctx is done; < 0: before any
	noStream   bool           // ignore the streaming func

	mu      sync.Mutex
	calls   []llms.CallOptions
	msgs    [][]llms.MessageContent
	ctxErrs []error // ctx.Err() when each call returned
}

var _ llms.Model = (*fakeLLM)(nil)

func (f *fakeLLM) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (resp *llms.ContentResponse, err error) {
	var opts llms.CallOptions
	for _, o := range options {
		o(&opts)
	}
	f.mu.Lock()
	f.calls = append(f.calls, opts)
	f.msgs = append(f.msgs, msgs)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.ctxErrs = append(f.ctxErrs, ctx.Err())
		f.mu.Unlock()
	}()

	if f.err != nil {
		return nil, f.err
	}
	chunks := f.chunks
	if chunks == nil {
		chunks = llmtest.Words(f.reply)
	}
	if f.holdAfter < 0 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if opts.StreamingFunc != nil && !f.noStream {
		for i, c := range chunks {
			if f.failAfter > 0 && i == f.failAfter {
				return nil, errBroken
			}
			if f.holdAfter > 0 && i == f.holdAfter {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			if err := opts.StreamingFunc(ctx, []byte(c)); err != nil {
				return nil, err
			}
		}
	}
	stop := f.stopReason
	if stop == "" {
		stop = "stop"
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: f.reply, StopReason: stop, GenerationInfo: f.info}}}, nil
}

func (f *fakeLLM) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, f, prompt, options...)
}

func (f *fakeLLM) Calls() []llms.CallOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]llms.CallOptions(nil), f.calls...)
}

func (f *fakeLLM) CtxErrs() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]error(nil), f.ctxErrs...)
}

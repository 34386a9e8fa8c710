package langchainllm_test

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/langchainllm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
)

func newModel(tb testing.TB, f llms.Model, opts langchainllm.Options) *langchainllm.Model {
	tb.Helper()
	m, err := langchainllm.New(f, opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return m
}

func ask(q string) llm.Request {
	return llm.Request{Messages: []llm.Message{llm.System("Answer from the guidance only."), llm.User(q)}}
}

func TestConformance(t *testing.T) {
	llmtest.Run(t, func(t *testing.T, reply string) llm.Model {
		return newModel(t, &fakeLLM{reply: reply, info: map[string]any{"PromptTokens": 12, "CompletionTokens": 10, "TotalTokens": 22}},
			langchainllm.Options{Model: "fake-1"})
	})
}

func TestCallOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts langchainllm.Options
		req  func(*llm.Request)
		want llms.CallOptions
	}{
		{"defaults", langchainllm.Options{}, nil, llms.CallOptions{}},
		{"every setting", langchainllm.Options{Model: "gpt-4o"}, func(r *llm.Request) {
			r.Temperature, r.TopP, r.MaxTokens, r.Seed, r.Stop = 0.3, 0.8, 256, new(11), []string{"END"}
			r.Format = llm.ResponseFormat{Type: llm.FormatJSON}
		}, llms.CallOptions{Model: "gpt-4o", Temperature: 0.3, TopP: 0.8, MaxTokens: 256, Seed: 11, StopWords: []string{"END"}, JSONMode: true}},
		{"unsupported features at their zero values", langchainllm.Options{Unsupported: langchainllm.Temperature | langchainllm.TopP |
			langchainllm.MaxTokens | langchainllm.Seed | langchainllm.Stop | langchainllm.JSONMode}, nil, llms.CallOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeLLM{reply: "ok"}
			m := newModel(t, f, tc.opts)
			req := ask("When?")
			if tc.req != nil {
				tc.req(&req)
			}
			if _, err := m.Chat(t.Context(), req); err != nil {
				t.Fatalf("Chat: %v", err)
			}
			got := f.Calls()[0]
			if got.StreamingFunc != nil {
				t.Errorf("Chat passed a streaming func")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("call options = %+v; want %+v", got, tc.want)
			}
			wantMsgs := []llms.MessageContent{
				llms.TextParts(llms.ChatMessageTypeSystem, "Answer from the guidance only."),
				llms.TextParts(llms.ChatMessageTypeHuman, "When?"),
			}
			if !reflect.DeepEqual(f.msgs[0], wantMsgs) {
				t.Errorf("messages = %+v; want %+v", f.msgs[0], wantMsgs)
			}
		})
	}
}

func TestAssistantRole(t *testing.T) {
	f := &fakeLLM{reply: "ok"}
	m := newModel(t, f, langchainllm.Options{})
	req := llm.Request{Messages: []llm.Message{llm.User("a"), llm.Assistant("b"), llm.User("c")}}
	if _, err := m.Chat(t.Context(), req); err != nil {
		t.Fatalf("Chat: %v", err)
	}
	var roles []llms.ChatMessageType
	for _, mc := range f.msgs[0] {
		roles = append(roles, mc.Role)
	}
	if want := []llms.ChatMessageType{llms.ChatMessageTypeHuman, llms.ChatMessageTypeAI, llms.ChatMessageTypeHuman}; !reflect.DeepEqual(roles, want) {
		t.Errorf("roles = %v; want %v", roles, want)
	}
}

func TestUnsupportedIsAnError(t *testing.T) {
	schema := []byte(`{"type":"object"}`)
	for _, tc := range []struct {
		name        string
		unsupported langchainllm.Feature
		req         func(*llm.Request)
		want        string
	}{
		{"JSON schema", 0, func(r *llm.Request) { r.Format = llm.JSONSchema("answer", schema) }, `FormatJSONSchema "answer"`},
		{"seed 0", 0, func(r *llm.Request) { r.Seed = new(0) }, "Seed 0"},
		{"temperature", langchainllm.Temperature, func(r *llm.Request) { r.Temperature = 0.5 }, "Temperature 0.5"},
		{"top_p", langchainllm.TopP, func(r *llm.Request) { r.TopP = 0.9 }, "TopP 0.9"},
		{"max tokens", langchainllm.MaxTokens, func(r *llm.Request) { r.MaxTokens = 10 }, "MaxTokens 10"},
		{"seed", langchainllm.Seed, func(r *llm.Request) { r.Seed = new(5) }, "Seed"},
		{"stop", langchainllm.Stop, func(r *llm.Request) { r.Stop = []string{"x"} }, "Stop"},
		{"JSON mode", langchainllm.JSONMode, func(r *llm.Request) { r.Format.Type = llm.FormatJSON }, "FormatJSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeLLM{reply: "ok"}
			m := newModel(t, f, langchainllm.Options{Model: "m", Unsupported: tc.unsupported})
			req := ask("q")
			tc.req(&req)
			_, err := m.Chat(t.Context(), req)
			if !errors.Is(err, llm.ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Chat error = %v; want llm.ErrUnsupported naming %q", err, tc.want)
			}
			if _, err := m.ChatStream(t.Context(), req); !errors.Is(err, llm.ErrUnsupported) {
				t.Errorf("ChatStream error = %v; want llm.ErrUnsupported", err)
			}
			if n := len(f.Calls()); n != 0 {
				t.Errorf("model called %d times; want 0", n)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		info map[string]any
		want llm.Usage
	}{
		{"openai, ollama", map[string]any{"PromptTokens": 10, "CompletionTokens": 5, "TotalTokens": 15, "ReasoningTokens": 0}, llm.Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15}},
		{"anthropic", map[string]any{"InputTokens": 7, "OutputTokens": 3, "CacheReadInputTokens": 0}, llm.Usage{PromptTokens: 7, CompletionTokens: 3, TotalTokens: 10}},
		{"googleai int32", map[string]any{"PromptTokens": int32(4), "CompletionTokens": int32(2), "TotalTokens": int32(6)}, llm.Usage{PromptTokens: 4, CompletionTokens: 2, TotalTokens: 6}},
		{"floats from JSON", map[string]any{"PromptTokens": 4.0, "CompletionTokens": 2.0}, llm.Usage{PromptTokens: 4, CompletionTokens: 2, TotalTokens: 6}},
		{"fractional float ignored", map[string]any{"PromptTokens": 4.5}, llm.Usage{}},
		{"none", nil, llm.Usage{}},
		{"wrong types", map[string]any{"PromptTokens": "4"}, llm.Usage{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t, &fakeLLM{reply: "ok", info: tc.info}, langchainllm.Options{})
			resp, err := m.Chat(t.Context(), ask("q"))
			if err != nil || resp.Usage != tc.want {
				t.Errorf("Chat usage = %+v, %v; want %+v", resp.Usage, err, tc.want)
			}
		})
	}
}

func TestFinishReason(t *testing.T) {
	for stop, want := range map[string]string{
		"stop": "stop", "end_turn": "stop", "stop_sequence": "stop", "STOP": "stop",
		"length": "length", "max_tokens": "length", "MAX_TOKENS": "length",
		"content_filter": "content_filter", "SAFETY": "content_filter", "tool_calls": "tool_calls", "RECITATION": "RECITATION",
	} {
		m := newModel(t, &fakeLLM{reply: "ok", stopReason: stop}, langchainllm.Options{})
		resp, err := m.Chat(t.Context(), ask("q"))
		if err != nil || resp.FinishReason != want {
			t.Errorf("stop reason %q: FinishReason = %q, %v; want %q", stop, resp.FinishReason, err, want)
		}
	}
}

func TestChatErrors(t *testing.T) {
	f := &fakeLLM{err: errors.New("API returned unexpected status code: 429")}
	m := newModel(t, f, langchainllm.Options{})
	_, err := m.Chat(t.Context(), ask("q"))
	if !errors.Is(err, f.err) || !strings.HasPrefix(err.Error(), "langchainllm: ") {
		t.Errorf("Chat error = %v; want the model's error with the langchainllm: prefix", err)
	}
	if n := len(f.Calls()); n != 1 {
		t.Errorf("model called %d times; want 1 (the wrapped model owns retries)", n)
	}

	empty := newModel(t, &fakeLLM{}, langchainllm.Options{})
	if resp, err := empty.Chat(t.Context(), ask("q")); err != nil || resp.Content != "" {
		t.Errorf("Chat(empty reply) = %+v, %v; want an empty reply", resp, err)
	}
	noChoices := newModel(t, noChoicesLLM{}, langchainllm.Options{})
	if _, err := noChoices.Chat(t.Context(), ask("q")); !errors.Is(err, langchainllm.ErrNoChoices) {
		t.Errorf("Chat(no choices) error = %v; want ErrNoChoices", err)
	}
}

type noChoicesLLM struct{}

func (noChoicesLLM) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	return &llms.ContentResponse{}, nil
}

func (noChoicesLLM) Call(context.Context, string, ...llms.CallOption) (string, error) { return "", nil }

func TestCtxErrorWrapped(t *testing.T) {
	// A provider that returns its own error when ctx ends still yields an
	// error that errors.Is recognises as the ctx's.
	hang := &fakeLLM{holdAfter: -1}
	m := newModel(t, llmFunc(func(ctx context.Context) error {
		_, _ = hang.GenerateContent(ctx, nil)
		return errors.New("provider: request aborted")
	}), langchainllm.Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := m.Chat(ctx, ask("q"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "request aborted") {
		t.Errorf("Chat error = %v; want context.DeadlineExceeded and the provider's error", err)
	}
}

// llmFunc is an llms.Model whose GenerateContent runs f and fails with its error.
type llmFunc func(ctx context.Context) error

func (f llmFunc) GenerateContent(ctx context.Context, _ []llms.MessageContent, _ ...llms.CallOption) (*llms.ContentResponse, error) {
	return nil, f(ctx)
}

func (f llmFunc) Call(ctx context.Context, _ string, _ ...llms.CallOption) (string, error) {
	return "", f(ctx)
}

func TestStreamBreaksMidway(t *testing.T) {
	openaitest.CheckGoroutines(t)
	f := &fakeLLM{reply: "Give antibiotics within one hour.", failAfter: 2}
	m := newModel(t, f, langchainllm.Options{})
	st, err := m.ChatStream(t.Context(), ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	var got string
	for {
		d, err := st.Recv()
		if err != nil {
			var se *llm.StreamError
			if !errors.As(err, &se) || !errors.Is(err, errBroken) || se.Partial != "Give antibiotics " || got != se.Partial {
				t.Errorf("Recv error = %v (partial %q, delivered %q); want a StreamError after %q wrapping errBroken",
					err, se.Partial, got, "Give antibiotics ")
			}
			break
		}
		got += d.Content
	}
	if n := len(f.Calls()); n != 1 {
		t.Errorf("model called %d times; want 1 (nothing retried once streaming)", n)
	}
}

func TestStreamFailsBeforeContent(t *testing.T) {
	openaitest.CheckGoroutines(t)
	f := &fakeLLM{err: errors.New("API returned unexpected status code: 401")}
	m := newModel(t, f, langchainllm.Options{})
	st, err := m.ChatStream(t.Context(), ask("q"))
	if st != nil || !errors.Is(err, f.err) {
		t.Errorf("ChatStream = %v, %v; want nil and the model's error", st, err)
	}
}

func TestStreamCloseEndsTheCall(t *testing.T) {
	openaitest.CheckGoroutines(t)
	f := &fakeLLM{reply: "Give antibiotics within one hour.", holdAfter: 1}
	m := newModel(t, f, langchainllm.Options{})
	st, err := m.ChatStream(t.Context(), ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	if d, err := st.Recv(); err != nil || d.Content != "Give " {
		t.Fatalf("Recv = %+v, %v; want the first word", d, err)
	}
	// Close from another goroutine while Recv waits.
	closed := make(chan error)
	go func() {
		time.Sleep(20 * time.Millisecond)
		closed <- st.Close()
	}()
	start := time.Now()
	_, err = st.Recv()
	if !errors.Is(err, llm.ErrClosed) {
		t.Errorf("Recv during Close = %v; want llm.ErrClosed", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Recv returned after %v; want promptly after Close", d)
	}
	if errs := f.CtxErrs(); len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("the call ended with ctx errors %v; want it cancelled", errs)
	}
}

func TestStreamCtxEndsTheCall(t *testing.T) {
	openaitest.CheckGoroutines(t) // passes only if the goroutine ends without Close
	f := &fakeLLM{reply: "Give antibiotics within one hour.", holdAfter: 2}
	m := newModel(t, f, langchainllm.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	st, err := m.ChatStream(ctx, ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	for range 2 {
		if _, err := st.Recv(); err != nil {
			t.Fatalf("Recv: %v", err)
		}
	}
	cancel()
	_, err = st.Recv()
	var se *llm.StreamError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) || se.Partial != "Give antibiotics " {
		t.Errorf("Recv after cancel = %v; want a StreamError after %q wrapping context.Canceled", err, "Give antibiotics ")
	}
	// No Close: cancelling ctx alone must end the goroutine.
}

func TestStreamHungModel(t *testing.T) {
	openaitest.CheckGoroutines(t)
	m := newModel(t, &fakeLLM{holdAfter: -1}, langchainllm.Options{})
	start := time.Now() // before the deadline is set, which it is measured against
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	st, err := m.ChatStream(ctx, ask("q"))
	if st != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ChatStream = %v, %v; want nil, context.DeadlineExceeded", st, err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > time.Second {
		t.Errorf("ChatStream returned after %v; want at the 100ms deadline", d)
	}
}

func TestStreamFromNonStreamingModel(t *testing.T) {
	openaitest.CheckGoroutines(t)
	for _, tc := range []struct {
		name   string
		f      *fakeLLM
		deltas []string
	}{
		{"ignores the streaming func", &fakeLLM{reply: "Give fluids now.", noStream: true}, []string{"Give fluids now.", ""}},
		{"streams part of its reply", &fakeLLM{reply: "Give fluids now.", chunks: []string{"Give "}}, []string{"Give ", "fluids now.", ""}},
		{"streams something else", &fakeLLM{reply: "Give fluids now.", chunks: []string{"{\"tool\":1}"}}, []string{"{\"tool\":1}", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t, tc.f, langchainllm.Options{})
			st, err := m.ChatStream(t.Context(), ask("q"))
			if err != nil {
				t.Fatalf("ChatStream: %v", err)
			}
			defer st.Close()
			var got []string
			for {
				d, err := st.Recv()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Recv: %v", err)
				}
				got = append(got, d.Content)
				if d.FinishReason != "" && d.FinishReason != llm.FinishStop {
					t.Errorf("final delta %+v; want finish reason stop", d)
				}
			}
			if !reflect.DeepEqual(got, tc.deltas) {
				t.Errorf("deltas = %q; want %q", got, tc.deltas)
			}
		})
	}
}

func TestStreamPassesStreamingFunc(t *testing.T) {
	f := &fakeLLM{reply: "a b"}
	m := newModel(t, f, langchainllm.Options{Model: "m"})
	st, err := m.ChatStream(t.Context(), ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	if _, err := llm.ReadAll(st); err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if c := f.Calls()[0]; c.StreamingFunc == nil || c.Model != "m" {
		t.Errorf("call options = %+v; want a streaming func and model m", c)
	}
}

func TestNew(t *testing.T) {
	if _, err := langchainllm.New(nil, langchainllm.Options{}); err == nil {
		t.Errorf("New(nil) = nil error; want one")
	}
	if _, err := langchainllm.New(&fakeLLM{}, langchainllm.Options{Unsupported: 1 << 10}); err == nil || !strings.Contains(err.Error(), "0x400") {
		t.Errorf("New(unknown feature) = %v; want an error naming it", err)
	}
	if _, err := langchainllm.New(&fakeLLM{}, langchainllm.Options{Model: " m"}); err == nil {
		t.Errorf("New(spaced model) = nil error; want one")
	}
	for _, tc := range []struct {
		opts langchainllm.Options
		want string
	}{
		{langchainllm.Options{}, "langchaingo/*langchainllm_test.fakeLLM"},
		{langchainllm.Options{Model: "llama3.1:8b"}, "llama3.1:8b"},
	} {
		m := newModel(t, &fakeLLM{reply: "x"}, tc.opts)
		if got := m.ModelName(); got != tc.want {
			t.Errorf("ModelName() with %+v = %q; want %q", tc.opts, got, tc.want)
		}
		resp, _ := m.Chat(t.Context(), ask("q"))
		if resp.Model != tc.opts.Model {
			t.Errorf("Response.Model = %q; want %q", resp.Model, tc.opts.Model)
		}
	}
}

func TestFeatureString(t *testing.T) {
	for f, want := range map[langchainllm.Feature]string{
		0:                 "0",
		langchainllm.TopP: "TopP",
		langchainllm.TopP | langchainllm.JSONMode:                      "TopP|JSONMode",
		langchainllm.Temperature | 1<<8:                                "Temperature|Feature(0x100)",
		langchainllm.MaxTokens | langchainllm.Seed | langchainllm.Stop: "MaxTokens|Seed|Stop",
	} {
		if got := f.String(); got != want {
			t.Errorf("Feature(%d).String() = %q; want %q", uint(f), got, want)
		}
	}
}

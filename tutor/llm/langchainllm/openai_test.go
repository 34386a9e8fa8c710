package langchainllm_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	openai "github.com/sashabaranov/go-openai"
	lcopenai "github.com/tmc/langchaingo/llms/openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/langchainllm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
)

// These tests run langchaingo's own OpenAI client against the fake
// OpenAI server: the adapter over a real langchaingo model, real HTTP, no
// network.

const dummyToken = "sk-langchaingo-dummy"

func langchainOpenAI(tb testing.TB, srv *openaitest.Server, opts langchainllm.Options) *langchainllm.Model {
	tb.Helper()
	lc, err := lcopenai.New(
		lcopenai.WithToken(dummyToken),
		lcopenai.WithBaseURL(srv.URL()),
		lcopenai.WithHTTPClient(srv.Client()),
		lcopenai.WithModel("gpt-4o-mini"),
	)
	if err != nil {
		tb.Fatalf("openai.New: %v", err)
	}
	return newModel(tb, lc, opts)
}

func TestLangchaingoOpenAIConformance(t *testing.T) {
	llmtest.Run(t, func(t *testing.T, reply string) llm.Model {
		srv := openaitest.New(t, openaitest.Options{APIKey: dummyToken, Handler: func(openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: reply}
		}})
		return langchainOpenAI(t, srv, langchainllm.Options{Model: "gpt-4o-mini", Unsupported: langchainllm.TopP})
	})
}

func TestLangchaingoOpenAIWire(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: dummyToken})
	srv.Enqueue(openaitest.Reply{Content: `{"answer":"Within one hour."}`,
		Usage: &openai.Usage{PromptTokens: 30, CompletionTokens: 9, TotalTokens: 39}})
	m := langchainOpenAI(t, srv, langchainllm.Options{Model: "gpt-4o-mini"})
	req := ask("When are antibiotics due? Reply in JSON.")
	req.Seed, req.MaxTokens, req.Stop = new(42), 100, []string{"END"}
	req.Format.Type = llm.FormatJSON
	resp, err := m.Chat(t.Context(), req)
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}
	want := llm.Response{Content: `{"answer":"Within one hour."}`, Model: "gpt-4o-mini", FinishReason: llm.FinishStop,
		Usage: llm.Usage{PromptTokens: 30, CompletionTokens: 9, TotalTokens: 39}}
	if *resp != want {
		t.Errorf("Chat = %+v; want %+v", *resp, want)
	}

	r := srv.Requests()[0]
	if r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer "+dummyToken {
		t.Errorf("request = %s with Authorization %q; want /v1/chat/completions with the token", r.Path, r.Header.Get("Authorization"))
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	for k, want := range map[string]any{
		"model": "gpt-4o-mini", "temperature": 0.0, "seed": 42.0, "max_completion_tokens": 100.0,
		"stop": []any{"END"}, "response_format": map[string]any{"type": "json_object"},
	} {
		if got, ok := body[k]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("body[%q] = %v (present %t); want %v\nbody: %s", k, got, ok, want, r.Body)
		}
	}
}

func TestLangchaingoOpenAIStream(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv := openaitest.New(t, openaitest.Options{APIKey: dummyToken})
	srv.Enqueue(
		openaitest.Reply{Content: "Give antibiotics within one hour.", Usage: &openai.Usage{PromptTokens: 12, CompletionTokens: 6, TotalTokens: 18}},
		openaitest.Reply{Content: "Give antibiotics within one hour.", Cut: true, CutAfter: 3},
	)
	m := langchainOpenAI(t, srv, langchainllm.Options{})

	st, err := m.ChatStream(t.Context(), ask("When?"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	resp, err := llm.ReadAll(st)
	st.Close()
	want := llm.Response{Content: "Give antibiotics within one hour.", FinishReason: llm.FinishStop,
		Usage: llm.Usage{PromptTokens: 12, CompletionTokens: 6, TotalTokens: 18}}
	if err != nil || *resp != want {
		t.Errorf("ReadAll = %+v, %v; want %+v", resp, err, want)
	}
	var body map[string]any
	_ = json.Unmarshal(srv.Requests()[0].Body, &body)
	if body["stream"] != true || !reflect.DeepEqual(body["stream_options"], map[string]any{"include_usage": true}) {
		t.Errorf("stream request body = %s; want stream with include_usage", srv.Requests()[0].Body)
	}

	// The connection drops after "Give antibiotics ".
	st, err = m.ChatStream(t.Context(), ask("When?"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	_, err = llm.ReadAll(st)
	var se *llm.StreamError
	if !errors.As(err, &se) || se.Partial != "Give antibiotics " {
		t.Errorf("ReadAll of a cut stream = %v; want a StreamError after %q", err, "Give antibiotics ")
	}
	if srv.Count() != 2 {
		t.Errorf("requests = %d; want 2", srv.Count())
	}
}

func TestLangchaingoOpenAIErrors(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: dummyToken})
	srv.Enqueue(openaitest.Reply{Status: 429}, openaitest.Reply{Content: "not reached by Chat"})
	m := langchainOpenAI(t, srv, langchainllm.Options{Unsupported: langchainllm.TopP})
	if _, err := m.Chat(t.Context(), ask("q")); err == nil {
		t.Errorf("Chat after a 429 = nil error; want the 429 (langchaingo's client does not retry)")
	}
	if srv.Count() != 1 {
		t.Errorf("requests = %d; want 1", srv.Count())
	}
	req := ask("q")
	req.TopP = 0.9
	if _, err := m.Chat(t.Context(), req); !errors.Is(err, llm.ErrUnsupported) {
		t.Errorf("Chat(TopP) error = %v; want llm.ErrUnsupported (langchaingo's openai drops top_p)", err)
	}
}

package openaillm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf/openaiconftest"
	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/internal/retry/retrytest"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

// client describes the package to the conformance suite.
var client = openaiconftest.Client[openaillm.Config, *openaillm.Model]{
	Prefix:                 "openaillm: ",
	DefaultAzureAPIVersion: openaillm.DefaultAzureAPIVersion,
	Config: func(s openaiconftest.Settings) openaillm.Config {
		c := openaillm.Config{BaseURL: s.BaseURL, Model: s.Model, Azure: (*openaillm.Azure)(s.Azure),
			HTTPClient: s.HTTPClient, Retry: s.Retry}
		c.SetAPIKey(s.APIKey)
		return c
	},
	New: openaillm.New,
	Calls: map[string]func(context.Context, *openaillm.Model) error{
		"Chat": func(ctx context.Context, m *openaillm.Model) error {
			_, err := m.Chat(ctx, ask("q"))
			return err
		},
		"ChatStream": func(ctx context.Context, m *openaillm.Model) error {
			st, err := m.ChatStream(ctx, ask("q"))
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = llm.ReadAll(st)
			return err
		},
	},
}

func TestOpenAIConformance(t *testing.T) { openaiconftest.Run(t, client) }

// setup starts a fake server requiring openaiconftest.APIKey and returns a
// model for it whose retries wait no time (recorded in the Sleeper). edit,
// if not nil, adjusts the config first.
func setup(tb testing.TB, opts openaitest.Options, edit func(*openaillm.Config)) (*openaitest.Server, *openaillm.Model, *retrytest.Sleeper) {
	tb.Helper()
	return openaiconftest.Start(tb, client, opts, edit)
}

func ask(q string) llm.Request {
	return llm.Request{Messages: []llm.Message{llm.System("Answer from the guidance only."), llm.User(q)}}
}

// body decodes a recorded request body into generic JSON.
func body(tb testing.TB, r openaitest.Request) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		tb.Fatalf("request body %s: %v", r.Body, err)
	}
	return m
}

// jsonOf turns a Go value into generic JSON, for comparison with body.
func jsonOf(tb testing.TB, v any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestConformance(t *testing.T) {
	llmtest.Run(t, func(t *testing.T, reply string) llm.Model {
		_, m, _ := setup(t, openaitest.Options{Handler: func(openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: reply}
		}}, nil)
		return m
	})
}

func TestWireFormat(t *testing.T) {
	messages := []map[string]any{
		{"role": "system", "content": "Answer from the guidance only."},
		{"role": "user", "content": "When are antibiotics due?"},
	}
	schema := json.RawMessage(`{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}`)
	for _, tc := range []struct {
		name string
		edit func(*openaillm.Config)
		req  func(*llm.Request)
		want map[string]any
	}{
		{"defaults: temperature 0 is sent", nil, nil,
			map[string]any{"model": "gpt-4o-mini", "messages": messages, "temperature": 0, "stream": false}},
		{"every setting", nil, func(r *llm.Request) {
			r.Temperature, r.TopP, r.MaxTokens, r.Seed, r.Stop = 0.2, 0.9, 300, new(42), []string{"END", "\n\n\n"}
			r.Format = llm.ResponseFormat{Type: llm.FormatJSONSchema, Name: "grounded_answer", Description: "an answer", Schema: schema, Strict: true}
		}, map[string]any{"model": "gpt-4o-mini", "messages": messages, "temperature": 0.2, "top_p": 0.9,
			"max_completion_tokens": 300, "seed": 42, "stop": []string{"END", "\n\n\n"}, "stream": false,
			"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
				"name": "grounded_answer", "description": "an answer", "schema": schema, "strict": true}}}},
		{"json mode, seed 0", nil, func(r *llm.Request) {
			r.Seed, r.Format = new(0), llm.ResponseFormat{Type: llm.FormatJSON}
		}, map[string]any{"model": "gpt-4o-mini", "messages": messages, "temperature": 0, "seed": 0, "stream": false,
			"response_format": map[string]any{"type": "json_object"}}},
		{"schema not strict", nil, func(r *llm.Request) {
			r.Format = llm.ResponseFormat{Type: llm.FormatJSONSchema, Name: "a", Schema: schema}
		}, map[string]any{"model": "gpt-4o-mini", "messages": messages, "temperature": 0, "stream": false,
			"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
				"name": "a", "schema": schema, "strict": false}}}},
		{"legacy max_tokens, other model", func(c *openaillm.Config) {
			c.LegacyMaxTokens, c.Model = true, "llama3.1:8b"
		}, func(r *llm.Request) { r.MaxTokens = 50 },
			map[string]any{"model": "llama3.1:8b", "messages": messages, "temperature": 0, "max_tokens": 50, "stream": false}},
		{"fixed sampling sends no temperature", func(c *openaillm.Config) {
			c.FixedSampling, c.Model = true, "o3-mini"
		}, func(r *llm.Request) { r.MaxTokens = 50 },
			map[string]any{"model": "o3-mini", "messages": messages, "max_completion_tokens": 50, "stream": false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, m, _ := setup(t, openaitest.Options{}, tc.edit)
			srv.Enqueue(openaitest.Reply{Content: `{"answer":"Within one hour."}`,
				Usage: &openai.Usage{PromptTokens: 21, CompletionTokens: 8, TotalTokens: 29}})
			req := ask("When are antibiotics due?")
			if tc.req != nil {
				tc.req(&req)
			}
			resp, err := m.Chat(t.Context(), req)
			if err != nil {
				t.Fatalf("Chat: %v", err)
			}
			want := llm.Response{Content: `{"answer":"Within one hour."}`, Model: tc.want["model"].(string),
				FinishReason: llm.FinishStop, Usage: llm.Usage{PromptTokens: 21, CompletionTokens: 8, TotalTokens: 29}}
			if *resp != want {
				t.Errorf("Chat = %+v; want %+v", *resp, want)
			}

			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d; want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/v1/chat/completions" {
				t.Errorf("request = %s %s; want POST /v1/chat/completions", r.Method, r.Path)
			}
			if got := r.Header.Get("Authorization"); got != "Bearer "+openaiconftest.APIKey {
				t.Errorf("Authorization = %q; want the bearer key", got)
			}
			if got, want := body(t, r), jsonOf(t, tc.want); !reflect.DeepEqual(got, want) {
				t.Errorf("request body = %s\nwant %s", r.Body, mustJSON(tc.want))
			}
		})
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestTemperatureZeroOnTheWire(t *testing.T) {
	// The body go-openai writes, with only "temperature":0 added.
	srv, m, _ := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Content: "ok"})
	if _, err := m.Chat(t.Context(), ask("q")); err != nil {
		t.Fatalf("Chat: %v", err)
	}
	raw := srv.Requests()[0].Body
	if !bytes.HasPrefix(raw, []byte(`{"temperature":0,"model":"gpt-4o-mini",`)) {
		t.Errorf("request body = %s; want it to begin {\"temperature\":0,\"model\":...", raw)
	}
	if n := bytes.Count(raw, []byte(`"temperature"`)); n != 1 {
		t.Errorf("request body has %d temperature keys; want 1", n)
	}
}

func TestStream(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, m, _ := setup(t, openaitest.Options{}, func(c *openaillm.Config) { c.Model = "gpt-4o" })
	srv.Enqueue(openaitest.Reply{Chunks: []string{"Give ", "antibiotics ", "", "within one hour."},
		Usage: &openai.Usage{PromptTokens: 12, CompletionTokens: 6, TotalTokens: 18}})
	req := ask("When?")
	req.Seed = new(1)
	st, err := m.ChatStream(t.Context(), req)
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	var got []llm.Delta
	for {
		d, err := st.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		got = append(got, d)
	}
	want := []llm.Delta{{Content: "Give "}, {Content: "antibiotics "}, {Content: "within one hour."},
		{FinishReason: "stop", Usage: &llm.Usage{PromptTokens: 12, CompletionTokens: 6, TotalTokens: 18}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deltas = %+v; want %+v", got, want)
	}
	b := body(t, srv.Requests()[0])
	if b["stream"] != true || !reflect.DeepEqual(b["stream_options"], map[string]any{"include_usage": true}) ||
		b["temperature"] != 0.0 || b["seed"] != 1.0 || b["model"] != "gpt-4o" {
		t.Errorf("request body = %s; want stream, include_usage, temperature 0, seed 1, gpt-4o", srv.Requests()[0].Body)
	}
}

func TestStreamHangsMidway(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, m, _ := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Content: "Give antibiotics within one hour.", ChunkDelay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	st, err := m.ChatStream(ctx, ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	start := time.Now()
	_, err = llm.ReadAll(st)
	var se *llm.StreamError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) || se.Partial != "" {
		t.Errorf("ReadAll error = %v; want a StreamError with no text, wrapping context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("ReadAll took %v; want it to end at the deadline", d)
	}
}

func TestStreamClosedDuringRecv(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, m, _ := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Content: "Give antibiotics within one hour.", ChunkDelay: 50 * time.Millisecond})
	st, err := m.ChatStream(t.Context(), ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	closed := make(chan error)
	go func() {
		time.Sleep(75 * time.Millisecond) // between the first and second words
		closed <- st.Close()
	}()
	var got string
	start := time.Now()
	for {
		d, err := st.Recv()
		if err != nil {
			var se *llm.StreamError
			if !errors.As(err, &se) || !errors.Is(err, llm.ErrClosed) || se.Partial != got {
				t.Errorf("Recv during Close = %v; want a StreamError wrapping llm.ErrClosed after %q", err, got)
			}
			break
		}
		got += d.Content
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v; want nil", err)
	}
	if d := time.Since(start); d > time.Second || got == "Give antibiotics within one hour." {
		t.Errorf("stream read %q in %v; want it cut short promptly by Close", got, d)
	}
}

func TestStreamCutMidway(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, m, s := setup(t, openaitest.Options{}, nil)
	// Events: role, "Give ", "antibiotics ", then the connection drops.
	srv.Enqueue(openaitest.Reply{Content: "Give antibiotics within one hour.", Cut: true, CutAfter: 3})
	srv.Enqueue(openaitest.Reply{Content: "a replay must never happen"})
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
			if !errors.As(err, &se) {
				t.Fatalf("Recv error = %v (%T); want an *llm.StreamError", err, err)
			}
			if se.Partial != "Give antibiotics " || got != se.Partial {
				t.Errorf("StreamError.Partial = %q, delivered %q; want %q", se.Partial, got, "Give antibiotics ")
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("Recv error = %v; want io.ErrUnexpectedEOF beneath", err)
			}
			if _, again := st.Recv(); again != err {
				t.Errorf("Recv after failure = %v; want the same error %v", again, err)
			}
			break
		}
		got += d.Content
	}
	if srv.Count() != 1 || len(s.Waits()) != 0 {
		t.Errorf("requests, waits = %d, %v; want 1, none (nothing retried once streaming)", srv.Count(), s.Waits())
	}
}

func TestStreamOpenRetried(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, m, s := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: time.Second}, openaitest.Reply{Status: 503},
		openaitest.Reply{Content: "Within one hour."})
	st, err := m.ChatStream(t.Context(), ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	resp, err := llm.ReadAll(st)
	if err != nil || resp.Content != "Within one hour." {
		t.Fatalf("ReadAll = %+v, %v; want the third reply", resp, err)
	}
	if want := []time.Duration{time.Second, time.Second}; srv.Count() != 3 || !reflect.DeepEqual(s.Waits(), want) {
		t.Errorf("requests, waits = %d, %v; want 3, %v (Retry-After, then backoff)", srv.Count(), s.Waits(), want)
	}
}

func TestStreamBadEvents(t *testing.T) {
	chunk := func(content, finish string) string {
		c := openai.ChatCompletionStreamResponse{Model: "m", Choices: []openai.ChatCompletionStreamChoice{
			{Delta: openai.ChatCompletionStreamChoiceDelta{Content: content}, FinishReason: openai.FinishReason(finish)}}}
		return "data: " + string(mustJSON(c)) + "\n\n"
	}
	for _, tc := range []struct {
		name      string
		reply     openaitest.Reply
		want      string // delivered text
		wantErr   error  // nil: the stream ends with io.EOF
		wantFinal string
	}{
		{"malformed chunk", openaitest.Reply{Content: "Give antibiotics now.", Malformed: true}, "", nil, ""},
		{"ends without a finish reason", openaitest.Reply{Body: chunk("Give ", "") + chunk("fluids", "")},
			"Give fluids", io.ErrUnexpectedEOF, ""},
		{"ends without [DONE] after the finish reason", openaitest.Reply{Body: chunk("Give ", "") + chunk("fluids", "length")},
			"Give fluids", nil, "length"},
		{"error event midway", openaitest.Reply{Body: chunk("Give ", "") +
			`data: {"error":{"message":"overloaded","type":"server_error"}}` + "\n\n"}, "Give ", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, m, _ := setup(t, openaitest.Options{}, nil)
			srv.Enqueue(tc.reply)
			st, err := m.ChatStream(t.Context(), ask("q"))
			if err != nil {
				t.Fatalf("ChatStream: %v", err)
			}
			defer st.Close()
			resp, err := llm.ReadAll(st)
			if tc.wantFinal != "" {
				if err != nil || resp.Content != tc.want || resp.FinishReason != tc.wantFinal {
					t.Errorf("ReadAll = %+v, %v; want %q finished by %q", resp, err, tc.want, tc.wantFinal)
				}
				return
			}
			var se *llm.StreamError
			if !errors.As(err, &se) || se.Partial != tc.want {
				t.Fatalf("ReadAll = %+v, %v; want a StreamError after %q", resp, err, tc.want)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("ReadAll error = %v; want %v beneath", err, tc.wantErr)
			}
			if srv.Count() != 1 {
				t.Errorf("requests = %d; want 1", srv.Count())
			}
		})
	}
}

func TestRefusalAndNoChoices(t *testing.T) {
	srv, m, _ := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(
		openaitest.Reply{Body: `{"id":"x","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","refusal":"I can't help with that."},"finish_reason":"stop"}]}`},
		openaitest.Reply{Body: `{"id":"y","model":"gpt-4o-mini","choices":[]}`},
	)
	resp, err := m.Chat(t.Context(), ask("q"))
	if err != nil || resp.Refusal != "I can't help with that." || resp.Content != "" {
		t.Errorf("Chat = %+v, %v; want the refusal and no content", resp, err)
	}
	if _, err := m.Chat(t.Context(), ask("q")); !errors.Is(err, openaillm.ErrNoChoices) {
		t.Errorf("Chat(no choices) error = %v; want ErrNoChoices", err)
	}
}

func TestRequestRejectedBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fixed bool
		req   llm.Request
		want  error
	}{
		{"invalid", false, llm.Request{}, llm.ErrInvalidRequest},
		{"temperature on a fixed-sampling model", true, llm.Request{Messages: ask("q").Messages, Temperature: 0.7}, llm.ErrUnsupported},
		{"top_p on a fixed-sampling model", true, llm.Request{Messages: ask("q").Messages, TopP: 0.5}, llm.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, m, _ := setup(t, openaitest.Options{}, func(c *openaillm.Config) { c.FixedSampling = tc.fixed })
			if _, err := m.Chat(t.Context(), tc.req); !errors.Is(err, tc.want) {
				t.Errorf("Chat error = %v; want %v", err, tc.want)
			}
			if _, err := m.ChatStream(t.Context(), tc.req); !errors.Is(err, tc.want) {
				t.Errorf("ChatStream error = %v; want %v", err, tc.want)
			}
			if srv.Count() != 0 {
				t.Errorf("requests = %d; want 0", srv.Count())
			}
		})
	}
}

func TestCutBodyRetried(t *testing.T) {
	srv, m, s := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Content: "lost", Cut: true}, openaitest.Reply{Content: "Within one hour."})
	resp, err := m.Chat(t.Context(), ask("When?"))
	if err != nil || resp.Content != "Within one hour." {
		t.Fatalf("Chat = %+v, %v; want the second reply", resp, err)
	}
	if want := []time.Duration{retry.DefaultBase}; srv.Count() != 2 || !reflect.DeepEqual(s.Waits(), want) {
		t.Errorf("requests, waits = %d, %v; want 2, %v", srv.Count(), s.Waits(), want)
	}
}

// TestAzureTemperature checks that temperature 0 reaches the Azure
// endpoint too; the conformance suite checks the routing.
func TestAzureTemperature(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: openaiconftest.APIKey})
	srv.Enqueue(openaitest.Reply{Content: "ok"}, openaitest.Reply{Content: "streamed ok"})
	cfg := openaillm.DefaultAzureConfig(openaiconftest.APIKey, srv.RootURL(), "bedside-chat", "gpt-4o")
	cfg.HTTPClient = srv.Client()
	m, err := openaillm.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if resp, err := m.Chat(t.Context(), ask("q")); err != nil || resp.Content != "ok" {
		t.Fatalf("Chat = %+v, %v; want ok", resp, err)
	}
	st, err := m.ChatStream(t.Context(), ask("q"))
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	if resp, err := llm.ReadAll(st); err != nil || resp.Content != "streamed ok" {
		t.Fatalf("ReadAll = %+v, %v; want streamed ok", resp, err)
	}
	for _, r := range srv.Requests() {
		if b := body(t, r); b["temperature"] != 0.0 || !strings.HasPrefix(r.Path, "/openai/deployments/bedside-chat/") {
			t.Errorf("request %s body = %s; want temperature 0 on the deployment", r.Path, r.Body)
		}
	}
}

func TestModelName(t *testing.T) {
	for _, tc := range []struct {
		cfg  openaillm.Config
		want string
	}{
		{openaillm.Config{}, "gpt-4o-mini"},
		{openaillm.Config{Model: "llama3.1:8b", BaseURL: "http://localhost:11434/v1"}, "llama3.1:8b"},
	} {
		m, err := openaillm.New(tc.cfg)
		if err != nil {
			t.Fatalf("New(%v): %v", tc.cfg, err)
		}
		if got := m.ModelName(); got != tc.want {
			t.Errorf("New(%v).ModelName() = %q; want %q", tc.cfg, got, tc.want)
		}
	}
}

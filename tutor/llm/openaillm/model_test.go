package openaillm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

const secretKey = "sk-proj-TOPSECRET-0123456789abcdef"

// sleeper records the waits a retry policy asks for without spending them.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// setup starts a fake server requiring secretKey and returns a model for
// it whose retries sleep instantly (recorded in the sleeper) with the
// largest jitter. edit, if not nil, adjusts the config first.
func setup(tb testing.TB, opts openaitest.Options, edit func(*openaillm.Config)) (*openaitest.Server, *openaillm.Model, *sleeper) {
	tb.Helper()
	opts.APIKey = secretKey
	srv := openaitest.New(tb, opts)
	s := new(sleeper)
	cfg := openaillm.DefaultConfig(secretKey)
	cfg.BaseURL = srv.URL()
	cfg.HTTPClient = srv.Client()
	cfg.Retry.Sleep = s.Sleep
	cfg.Retry.Jitter = func(max time.Duration) time.Duration { return max }
	if edit != nil {
		edit(&cfg)
	}
	m, err := openaillm.New(cfg)
	if err != nil {
		tb.Fatalf("New(%v): %v", cfg, err)
	}
	return srv, m, s
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
			if got := r.Header.Get("Authorization"); got != "Bearer "+secretKey {
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

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply openaitest.Reply
		want  time.Duration
	}{
		{"429 Retry-After seconds", openaitest.Reply{Status: 429, RetryAfter: 2 * time.Second}, 2 * time.Second},
		{"429 retry-after-ms", openaitest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"1500"}}}, 1500 * time.Millisecond},
		{"503 without header", openaitest.Reply{Status: 503}, 500 * time.Millisecond},
		{"408", openaitest.Reply{Status: 408, RetryAfter: time.Second}, time.Second},
		{"409", openaitest.Reply{Status: 409, RetryAfter: time.Second}, time.Second},
		{"body cut midway", openaitest.Reply{Content: "lost", Cut: true}, 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, m, s := setup(t, openaitest.Options{}, nil)
			tc.reply.Endpoint = openaitest.ChatCompletions
			srv.Enqueue(tc.reply, openaitest.Reply{Content: "Within one hour."})
			resp, err := m.Chat(t.Context(), ask("When?"))
			if err != nil || resp.Content != "Within one hour." {
				t.Fatalf("Chat = %+v, %v; want the second reply", resp, err)
			}
			if srv.Count() != 2 {
				t.Errorf("requests = %d; want exactly 2", srv.Count())
			}
			if want := []time.Duration{tc.want}; !reflect.DeepEqual(s.Waits(), want) {
				t.Errorf("waits = %v; want %v", s.Waits(), want)
			}
		})
	}
}

func TestRetryAfterRealClock(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{})
	srv.Enqueue(openaitest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"150"}}}, openaitest.Reply{Content: "ok"})
	m, err := openaillm.New(openaillm.Config{BaseURL: srv.URL(), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	start := time.Now()
	if _, err := m.Chat(t.Context(), ask("q")); err != nil {
		t.Fatalf("Chat: %v", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("Chat took %v; want about the 150ms the server asked for", d)
	}
}

func TestServerErrorsExhaustRetries(t *testing.T) {
	srv, m, s := setup(t, openaitest.Options{}, func(c *openaillm.Config) { c.Retry.MaxAttempts = 3 })
	srv.Enqueue(openaitest.Times(3, openaitest.Reply{Status: 500})...)
	srv.Enqueue(openaitest.Reply{Content: "never reached"})
	_, err := m.Chat(t.Context(), ask("q"))
	var re *retry.Error
	if !errors.As(err, &re) {
		t.Fatalf("Chat error = %v (%T); want a *retry.Error", err, err)
	}
	if re.Attempts != 3 || re.StatusCode != 500 || !errors.Is(err, retry.ErrExhausted) {
		t.Errorf("retry.Error = %+v; want 3 attempts, status 500, ErrExhausted", re)
	}
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 500 {
		t.Errorf("errors.As(%v, *openai.APIError) failed", err)
	}
	if srv.Count() != 3 || len(s.Waits()) != 2 {
		t.Errorf("requests, waits = %d, %v; want 3, 2 waits", srv.Count(), s.Waits())
	}
	if !strings.HasPrefix(err.Error(), "openaillm: ") {
		t.Errorf("Chat error = %q; want the openaillm: prefix", err)
	}
}

func TestClientErrorsNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, m, s := setup(t, openaitest.Options{}, nil)
			srv.Enqueue(openaitest.Times(2, openaitest.Reply{Status: status})...)
			_, err := m.Chat(t.Context(), ask("q"))
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != status {
				t.Fatalf("Chat error = %v; want a %d *openai.APIError", err, status)
			}
			if !errors.Is(err, retry.ErrPermanent) || retry.Retryable(err) {
				t.Errorf("Chat error = %v; want permanent, not retryable", err)
			}
			if srv.Count() != 1 || len(s.Waits()) != 0 {
				t.Errorf("requests, waits = %d, %v; want 1, none", srv.Count(), s.Waits())
			}

			st, err := m.ChatStream(t.Context(), ask("q"))
			if st != nil || !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != status {
				t.Errorf("ChatStream = %v, %v; want nil and a %d", st, err, status)
			}
			if srv.Count() != 2 {
				t.Errorf("requests after ChatStream = %d; want 2 (one each)", srv.Count())
			}
		})
	}
}

func TestRetryAfterBeyondDeadline(t *testing.T) {
	srv, m, s := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: 30 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := m.Chat(ctx, ask("q"))
	if !errors.Is(err, retry.ErrWaitTooLong) {
		t.Errorf("Chat error = %v; want retry.ErrWaitTooLong", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Chat took %v; want it to fail fast", d)
	}
	if srv.Count() != 1 || len(s.Waits()) != 0 {
		t.Errorf("requests, waits = %d, %v; want 1, none", srv.Count(), s.Waits())
	}
}

func TestHungServer(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			openaitest.CheckGoroutines(t)
			srv, m, _ := setup(t, openaitest.Options{Handler: func(openaitest.Request) openaitest.Reply {
				return openaitest.Reply{Hang: true}
			}}, nil)
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			var err error
			if stream {
				var st llm.Stream
				st, err = m.ChatStream(ctx, ask("q"))
				if st != nil {
					t.Errorf("ChatStream returned a stream from a hung server")
					st.Close()
				}
			} else {
				_, err = m.Chat(ctx, ask("q"))
			}
			elapsed := time.Since(start)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v; want context.DeadlineExceeded", err)
			}
			if elapsed < 100*time.Millisecond || elapsed > time.Second {
				t.Errorf("returned after %v; want at the 100ms deadline", elapsed)
			}
			if srv.Count() != 1 {
				t.Errorf("requests = %d; want 1", srv.Count())
			}
		})
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

func TestAzure(t *testing.T) {
	for _, tc := range []struct {
		name        string
		azure       openaillm.Azure
		wantPath    string
		wantVersion string
	}{
		{"deployment", openaillm.Azure{Deployment: "bedside-chat"}, "/openai/deployments/bedside-chat/chat/completions", openaillm.DefaultAzureAPIVersion},
		{"model as deployment", openaillm.Azure{APIVersion: "2025-01-01-preview"}, "/openai/deployments/gpt-4o/chat/completions", "2025-01-01-preview"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t, openaitest.Options{APIKey: secretKey})
			srv.Enqueue(openaitest.Reply{Content: "ok"}, openaitest.Reply{Content: "streamed ok"})
			cfg := openaillm.DefaultAzureConfig(secretKey, srv.RootURL(), tc.azure.Deployment, "gpt-4o")
			cfg.Azure.APIVersion = tc.azure.APIVersion
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
				if r.Path != tc.wantPath || r.Query.Get("api-version") != tc.wantVersion {
					t.Errorf("request = %s?%s; want %s?api-version=%s", r.Path, r.Query.Encode(), tc.wantPath, tc.wantVersion)
				}
				if r.Header.Get("api-key") != secretKey || r.Header.Get("Authorization") != "" {
					t.Errorf("auth headers = api-key %q, Authorization %q; want the key in api-key only",
						r.Header.Get("api-key"), r.Header.Get("Authorization"))
				}
				if b := body(t, r); b["temperature"] != 0.0 || b["model"] != "gpt-4o" {
					t.Errorf("body = %s; want temperature 0 and model gpt-4o", r.Body)
				}
			}
			if m.ModelName() != "gpt-4o" {
				t.Errorf("ModelName() = %q; want gpt-4o", m.ModelName())
			}
		})
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

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  openaillm.Config
		want string
	}{
		{"Azure without endpoint", openaillm.Config{Azure: &openaillm.Azure{}}, "BaseURL"},
		{"bad URL", openaillm.Config{BaseURL: "localhost:11434/v1"}, "BaseURL"},
		{"ftp URL", openaillm.Config{BaseURL: "ftp://example.org/v1"}, "BaseURL"},
		{"bad retry", openaillm.Config{Retry: openaillm.RetryPolicy{MaxAttempts: -1}}, "MaxAttempts"},
		{"spaced model", openaillm.Config{Model: "gpt-4o "}, "Model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := openaillm.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "openaillm: ") {
				t.Errorf("New(%v) = %v, %v; want an openaillm error naming %s", tc.cfg, m, err, tc.want)
			}
		})
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	cfg := openaillm.DefaultConfig(secretKey)
	cfg.BaseURL = "https://user:hunter2@example.org/v1"
	cfg.Azure = &openaillm.Azure{Deployment: "d"}
	m, err := openaillm.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	type wrapper struct {
		Exported   openaillm.Config
		unexported openaillm.Config
		Model      *openaillm.Model
		model      *openaillm.Model
	}
	w := wrapper{cfg, cfg, m, m}
	// check fails if any output shows a secret. The URL's password is
	// redacted too, except where fmt prints a Config held in an unexported
	// field field by field (it cannot call Config's methods there); the key
	// is never shown, even then.
	check := func(values []any, secrets ...string) {
		t.Helper()
		var outputs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			for _, v := range values {
				outputs = append(outputs, fmt.Sprintf(verb, v))
			}
		}
		for _, v := range values {
			outputs = append(outputs, fmt.Sprint(v), fmt.Sprintln(v))
			for _, h := range []func(*bytes.Buffer) slog.Handler{
				func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				var buf bytes.Buffer
				slog.New(h(&buf)).Info("model", "value", v)
				outputs = append(outputs, buf.String())
			}
		}
		for _, out := range outputs {
			for _, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("output contains %q: %s", secret, out)
				}
			}
		}
	}
	check([]any{cfg, &cfg, m, *m, w.Exported, []openaillm.Config{cfg}, map[string]any{"c": cfg}, []*openaillm.Model{m}},
		secretKey, "TOPSECRET", "hunter2")
	check([]any{w, &w}, secretKey, "TOPSECRET")
	if s := cfg.String(); !strings.Contains(s, "[REDACTED]") || !strings.Contains(s, "gpt-4o-mini") {
		t.Errorf("Config.String() = %s; want the model and a redacted key", s)
	}
	if s := (openaillm.Config{}).String(); !strings.Contains(s, `APIKey: ""`) {
		t.Errorf("Config{}.String() = %s; want it to show that no key is set", s)
	}
}

func TestKeyNotInErrors(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: "sk-the-right-one"})
	cfg := openaillm.DefaultConfig(secretKey)
	cfg.BaseURL, cfg.HTTPClient = srv.URL(), srv.Client()
	m, err := openaillm.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = m.Chat(t.Context(), ask("q"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 {
		t.Fatalf("Chat with a wrong key = %v; want a 401", err)
	}
	if out := fmt.Sprintf("%+v", err); strings.Contains(out, secretKey) {
		t.Errorf("error shows the key: %s", out)
	}
}

package openaitest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
)

const testKey = "sk-openaitest-secret"

func newClient(tb testing.TB, opts openaitest.Options) (*openaitest.Server, *openai.Client) {
	tb.Helper()
	srv := openaitest.New(tb, opts)
	return srv, openai.NewClientWithConfig(srv.ClientConfig())
}

func embed(ctx context.Context, c *openai.Client, format openai.EmbeddingEncodingFormat, dims int, input ...string) (openai.EmbeddingResponse, error) {
	return c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input: input, Model: openai.SmallEmbedding3, EncodingFormat: format, Dimensions: dims,
	})
}

func TestEmbeddings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		format   openai.EmbeddingEncodingFormat
		reqDims  int
		wantDims int
	}{
		{"float default dims", openai.EmbeddingEncodingFormatFloat, 0, 24},
		{"base64 default dims", openai.EmbeddingEncodingFormatBase64, 0, 24},
		{"unset format", "", 0, 24},
		{"float with dimensions", openai.EmbeddingEncodingFormatFloat, 7, 7},
		{"base64 with dimensions", openai.EmbeddingEncodingFormatBase64, 512, 512},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newClient(t, openaitest.Options{APIKey: testKey, Dimensions: 24})
			input := []string{"Sepsis in adults", "Give antibiotics within one hour"}
			resp, err := embed(t.Context(), c, tc.format, tc.reqDims, input...)
			if err != nil {
				t.Fatalf("CreateEmbeddings: %v", err)
			}
			if len(resp.Data) != len(input) {
				t.Fatalf("len(Data) = %d; want %d", len(resp.Data), len(input))
			}
			for i, d := range resp.Data {
				if d.Index != i {
					t.Errorf("Data[%d].Index = %d; want %d", i, d.Index, i)
				}
				if want := openaitest.Vector(input[i], tc.wantDims); !reflect.DeepEqual(d.Embedding, want) {
					t.Errorf("Data[%d].Embedding = %v; want Vector(%q, %d) = %v", i, d.Embedding, input[i], tc.wantDims, want)
				}
			}
			if resp.Model != openai.SmallEmbedding3 {
				t.Errorf("Model = %q; want %q", resp.Model, openai.SmallEmbedding3)
			}
			if resp.Usage.PromptTokens != 8 || resp.Usage.TotalTokens != 8 {
				t.Errorf("Usage = %+v; want 8 prompt and total tokens (words)", resp.Usage)
			}

			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("len(Requests()) = %d; want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/v1/embeddings" || r.Endpoint != openaitest.Embeddings {
				t.Errorf("request = %s %s (%q); want POST /v1/embeddings (embeddings)", r.Method, r.Path, r.Endpoint)
			}
			if got, want := r.Header.Get("Authorization"), "Bearer "+testKey; got != want {
				t.Errorf("Authorization = %q; want %q", got, want)
			}
			want := &openaitest.EmbeddingRequest{Input: input, Model: "text-embedding-3-small",
				EncodingFormat: string(tc.format), Dimensions: tc.reqDims}
			if !reflect.DeepEqual(r.Embedding, want) {
				t.Errorf("Embedding = %+v; want %+v", r.Embedding, want)
			}
			if r.Chat != nil {
				t.Errorf("Chat = %+v; want nil", r.Chat)
			}
		})
	}
}

func TestEmbeddingsDefaultDimensions(t *testing.T) {
	_, c := newClient(t, openaitest.Options{})
	resp, err := embed(t.Context(), c, openai.EmbeddingEncodingFormatBase64, 0, "x")
	if err != nil {
		t.Fatalf("CreateEmbeddings: %v", err)
	}
	if got := len(resp.Data[0].Embedding); got != openaitest.DefaultDimensions {
		t.Errorf("len(Embedding) = %d; want %d", got, openaitest.DefaultDimensions)
	}
}

func TestEmbeddingsTooManyInputs(t *testing.T) {
	_, c := newClient(t, openaitest.Options{Dimensions: 2})
	_, err := embed(t.Context(), c, "", 0, make([]string, openaitest.MaxInputs+1)...)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusBadRequest {
		t.Fatalf("CreateEmbeddings(%d inputs) error = %v; want a 400 *openai.APIError", openaitest.MaxInputs+1, err)
	}
}

func TestEmbeddingsScriptedVectors(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{})
	want := [][]float32{{3, 4}, {0.5, -1}, {1}}
	srv.Enqueue(openaitest.Reply{Embeddings: want})
	resp, err := embed(t.Context(), c, openai.EmbeddingEncodingFormatBase64, 0, "a", "b")
	if err != nil {
		t.Fatalf("CreateEmbeddings: %v", err)
	}
	var got [][]float32
	for _, d := range resp.Data {
		got = append(got, d.Embedding)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("embeddings = %v; want %v", got, want)
	}
}

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func TestVector(t *testing.T) {
	a := openaitest.Vector("Sepsis: give antibiotics within one hour", 256)
	if !reflect.DeepEqual(a, openaitest.Vector("Sepsis: give antibiotics within one hour", 256)) {
		t.Errorf("Vector is not deterministic")
	}
	for _, text := range []string{"", "x", "Sepsis: give antibiotics within one hour"} {
		for _, dims := range []int{1, 2, 8, 1536} {
			v := openaitest.Vector(text, dims)
			var sum float64
			for _, x := range v {
				sum += float64(x) * float64(x)
			}
			if len(v) != dims || math.Abs(sum-1) > 1e-5 {
				t.Errorf("Vector(%q, %d): len %d, squared norm %v; want %d, 1", text, dims, len(v), sum, dims)
			}
		}
	}
	related := openaitest.Vector("antibiotics for sepsis", 256)
	unrelated := openaitest.Vector("paediatric asthma inhaler technique", 256)
	if r, u := cosine(a, related), cosine(a, unrelated); r <= u+0.2 {
		t.Errorf("cosine(related) = %.3f, cosine(unrelated) = %.3f; want related clearly higher", r, u)
	}
	if reflect.DeepEqual(openaitest.Vector("a b", 64), openaitest.Vector("b a", 64)) {
		t.Errorf("Vector(%q) = Vector(%q); want distinct texts to differ", "a b", "b a")
	}
}

func chatRequest(content string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: openai.GPT4oMini,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: "Answer from the guidance."},
			{Role: openai.ChatMessageRoleUser, Content: content},
		},
	}
}

func TestChatCompletion(t *testing.T) {
	toolCall := openai.ToolCall{ID: "call_1", Type: openai.ToolTypeFunction,
		Function: openai.FunctionCall{Name: "cite", Arguments: `{"doc":"sepsis-adult"}`}}
	for _, tc := range []struct {
		name       string
		reply      openaitest.Reply
		wantFinish openai.FinishReason
		wantUsage  openai.Usage
	}{
		{
			name:       "content",
			reply:      openaitest.Reply{Content: "Give antibiotics within one hour."},
			wantFinish: openai.FinishReasonStop,
			wantUsage:  openai.Usage{PromptTokens: 9, CompletionTokens: 5, TotalTokens: 14},
		},
		{
			name:       "JSON content and length",
			reply:      openaitest.Reply{Content: `{"answer":"yes"}`, FinishReason: openai.FinishReasonLength},
			wantFinish: openai.FinishReasonLength,
			wantUsage:  openai.Usage{PromptTokens: 9, CompletionTokens: 2, TotalTokens: 11},
		},
		{
			name:       "tool call",
			reply:      openaitest.Reply{ToolCalls: []openai.ToolCall{toolCall}},
			wantFinish: openai.FinishReasonToolCalls,
			wantUsage:  openai.Usage{PromptTokens: 9, CompletionTokens: 4, TotalTokens: 13},
		},
		{
			name:       "explicit usage",
			reply:      openaitest.Reply{Content: "ok", Usage: &openai.Usage{PromptTokens: 100, CompletionTokens: 1, TotalTokens: 101}},
			wantFinish: openai.FinishReasonStop,
			wantUsage:  openai.Usage{PromptTokens: 100, CompletionTokens: 1, TotalTokens: 101},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newClient(t, openaitest.Options{APIKey: testKey})
			srv.Enqueue(tc.reply)
			resp, err := c.CreateChatCompletion(t.Context(), chatRequest("How soon are antibiotics given?"))
			if err != nil {
				t.Fatalf("CreateChatCompletion: %v", err)
			}
			if len(resp.Choices) != 1 {
				t.Fatalf("len(Choices) = %d; want 1", len(resp.Choices))
			}
			ch := resp.Choices[0]
			if ch.Message.Content != tc.reply.Content || ch.Message.Role != openai.ChatMessageRoleAssistant {
				t.Errorf("Message = %+v; want assistant %q", ch.Message, tc.reply.Content)
			}
			if !reflect.DeepEqual(ch.Message.ToolCalls, tc.reply.ToolCalls) {
				t.Errorf("ToolCalls = %+v; want %+v", ch.Message.ToolCalls, tc.reply.ToolCalls)
			}
			if ch.FinishReason != tc.wantFinish {
				t.Errorf("FinishReason = %q; want %q", ch.FinishReason, tc.wantFinish)
			}
			if resp.Usage.PromptTokens != tc.wantUsage.PromptTokens ||
				resp.Usage.CompletionTokens != tc.wantUsage.CompletionTokens ||
				resp.Usage.TotalTokens != tc.wantUsage.TotalTokens {
				t.Errorf("Usage = %+v; want %+v", resp.Usage, tc.wantUsage)
			}
			if resp.Model != openai.GPT4oMini || resp.Object != "chat.completion" {
				t.Errorf("Model, Object = %q, %q; want %q, chat.completion", resp.Model, resp.Object, openai.GPT4oMini)
			}
			r := srv.Requests()[0]
			if r.Chat == nil || len(r.Chat.Messages) != 2 || r.Chat.Messages[1].Content != "How soon are antibiotics given?" {
				t.Errorf("recorded Chat = %+v; want the two messages sent", r.Chat)
			}
		})
	}
}

// recv drains a stream, returning the deltas' content, the tool calls, the
// finish reason, the usage chunk and the error that ended it.
func recv(stream *openai.ChatCompletionStream) (content string, calls []openai.ToolCall, finish openai.FinishReason, usage *openai.Usage, n int, err error) {
	var b strings.Builder
	for {
		var chunk openai.ChatCompletionStreamResponse
		chunk, err = stream.Recv()
		if err != nil {
			return b.String(), calls, finish, usage, n, err
		}
		n++
		if chunk.Usage != nil {
			usage = chunk.Usage
		}
		for _, ch := range chunk.Choices {
			b.WriteString(ch.Delta.Content)
			calls = append(calls, ch.Delta.ToolCalls...)
			if ch.FinishReason != "" {
				finish = ch.FinishReason
			}
		}
	}
}

func TestChatStream(t *testing.T) {
	for _, tc := range []struct {
		name         string
		includeUsage bool
		reply        openaitest.Reply
		wantChunks   int
	}{
		{"no usage", false, openaitest.Reply{Content: "Give antibiotics within one hour."}, 1 + 5 + 1},
		{"usage", true, openaitest.Reply{Content: "Give antibiotics within one hour."}, 1 + 5 + 1 + 1},
		{"explicit chunks", true, openaitest.Reply{Content: "Give antibiotics", Chunks: []string{"Gi", "ve anti", "biotics"}}, 1 + 3 + 1 + 1},
		{"chunk delay", false, openaitest.Reply{Content: "a b", ChunkDelay: time.Millisecond}, 1 + 2 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newClient(t, openaitest.Options{APIKey: testKey})
			srv.Enqueue(tc.reply)
			req := chatRequest("When?")
			if tc.includeUsage {
				req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
			}
			stream, err := c.CreateChatCompletionStream(t.Context(), req)
			if err != nil {
				t.Fatalf("CreateChatCompletionStream: %v", err)
			}
			defer stream.Close()
			content, _, finish, usage, n, err := recv(stream)
			if !errors.Is(err, io.EOF) {
				t.Fatalf("stream ended with %v; want io.EOF", err)
			}
			if content != tc.reply.Content {
				t.Errorf("content = %q; want %q", content, tc.reply.Content)
			}
			if finish != openai.FinishReasonStop {
				t.Errorf("finish = %q; want stop", finish)
			}
			if n != tc.wantChunks {
				t.Errorf("chunks = %d; want %d", n, tc.wantChunks)
			}
			switch {
			case tc.includeUsage && usage == nil:
				t.Errorf("no usage chunk; want one")
			case tc.includeUsage && usage.TotalTokens != usage.PromptTokens+usage.CompletionTokens:
				t.Errorf("usage = %+v; want total = prompt + completion", usage)
			case !tc.includeUsage && usage != nil:
				t.Errorf("usage = %+v; want none", usage)
			}
			if got := srv.Requests()[0].Header.Get("Accept"); got != "text/event-stream" {
				t.Errorf("Accept = %q; want text/event-stream", got)
			}
		})
	}
}

func TestChatStreamToolCalls(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{})
	calls := []openai.ToolCall{
		{ID: "call_1", Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: "cite", Arguments: `{"n":1}`}},
		{ID: "call_2", Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: "cite", Arguments: `{"n":2}`}},
	}
	srv.Enqueue(openaitest.Reply{ToolCalls: calls})
	stream, err := c.CreateChatCompletionStream(t.Context(), chatRequest("cite"))
	if err != nil {
		t.Fatalf("CreateChatCompletionStream: %v", err)
	}
	defer stream.Close()
	_, got, finish, _, _, err := recv(stream)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("stream ended with %v; want io.EOF", err)
	}
	if len(got) != 2 || *got[0].Index != 0 || *got[1].Index != 1 || got[1].Function.Arguments != `{"n":2}` {
		t.Errorf("tool calls = %+v; want %+v with indexes 0 and 1", got, calls)
	}
	if finish != openai.FinishReasonToolCalls {
		t.Errorf("finish = %q; want tool_calls", finish)
	}
}

func TestChatStreamFaults(t *testing.T) {
	for _, tc := range []struct {
		name       string
		reply      openaitest.Reply
		wantChunks int
		wantErr    func(error) bool
	}{
		{"cut after 2", openaitest.Reply{Content: "a b c d", Cut: true, CutAfter: 2}, 2,
			func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"cut before first", openaitest.Reply{Content: "a b", Cut: true}, 0,
			func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"cut before done", openaitest.Reply{Content: "a b", Cut: true, CutAfter: 99}, 4,
			func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"malformed", openaitest.Reply{Content: "a b", Malformed: true}, 1,
			func(err error) bool {
				var se *json.SyntaxError
				return errors.As(err, &se) || strings.Contains(fmt.Sprint(err), "unexpected end of JSON")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newClient(t, openaitest.Options{})
			srv.Enqueue(tc.reply)
			stream, err := c.CreateChatCompletionStream(t.Context(), chatRequest("x"))
			if err != nil {
				t.Fatalf("CreateChatCompletionStream: %v", err)
			}
			defer stream.Close()
			_, _, _, _, n, err := recv(stream)
			if errors.Is(err, io.EOF) || !tc.wantErr(err) {
				t.Errorf("stream ended with %v; want a broken stream", err)
			}
			if n != tc.wantChunks {
				t.Errorf("chunks before the fault = %d; want %d", n, tc.wantChunks)
			}
		})
	}
}

func TestModels(t *testing.T) {
	_, c := newClient(t, openaitest.Options{Models: []string{"m1", "m2"}})
	list, err := c.ListModels(t.Context())
	if err != nil {
		t.Fatalf("ListModels: %v", err)
	}
	var ids []string
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	if want := []string{"m1", "m2"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ListModels IDs = %v; want %v", ids, want)
	}
}

func TestErrorStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, c := newClient(t, openaitest.Options{})
			srv.Enqueue(openaitest.Reply{Status: status, ErrorMessage: "scripted", ErrorType: "test_error", ErrorCode: "test_code"})
			_, err := embed(t.Context(), c, "", 0, "x")
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("CreateEmbeddings error = %v (%T); want *openai.APIError", err, err)
			}
			if apiErr.HTTPStatusCode != status || apiErr.Message != "scripted" || apiErr.Type != "test_error" || apiErr.Code != "test_code" {
				t.Errorf("APIError = %+v; want status %d, message scripted, type test_error, code test_code", apiErr, status)
			}
			_, err = embed(t.Context(), c, "", 0, "x")
			if err != nil {
				t.Errorf("second CreateEmbeddings: %v; want the default reply", err)
			}
		})
	}
}

func TestErrorDefaults(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{})
	srv.Enqueue(openaitest.Reply{Status: 429})
	_, err := embed(t.Context(), c, "", 0, "x")
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "rate_limit_exceeded" || apiErr.Type != "requests" || apiErr.Message == "" {
		t.Errorf("CreateEmbeddings error = %+v; want an OpenAI-style rate limit error", err)
	}
}

func TestRawBodyError(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{})
	srv.Enqueue(openaitest.Reply{Status: 502, Body: "<html>Bad Gateway</html>"})
	_, err := embed(t.Context(), c, "", 0, "x")
	var reqErr *openai.RequestError
	if !errors.As(err, &reqErr) || reqErr.HTTPStatusCode != 502 {
		t.Errorf("CreateEmbeddings error = %v (%T); want a 502 *openai.RequestError", err, err)
	}
}

func TestRetryAfterHeaders(t *testing.T) {
	date := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		reply openaitest.Reply
		want  string
	}{
		{"seconds", openaitest.Reply{Status: 429, RetryAfter: 2 * time.Second}, "2"},
		{"rounded up", openaitest.Reply{Status: 503, RetryAfter: 1500 * time.Millisecond}, "2"},
		{"date", openaitest.Reply{Status: 503, RetryAfterDate: date}, "Wed, 02 Jan 2030 03:04:05 GMT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t, openaitest.Options{})
			srv.Enqueue(tc.reply)
			resp, err := srv.Client().Post(srv.URL()+"/embeddings", "application/json", strings.NewReader(`{"input":"x","model":"m"}`))
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.reply.Status {
				t.Errorf("status = %d; want %d", resp.StatusCode, tc.reply.Status)
			}
			if got := resp.Header.Get("Retry-After"); got != tc.want {
				t.Errorf("Retry-After = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestFaultSequence(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Status: 429})
	srv.Enqueue(openaitest.Times(3, openaitest.Reply{Status: 500})...)
	if got := srv.Pending(); got != 4 {
		t.Errorf("Pending() = %d; want 4", got)
	}
	var statuses []int
	for range 5 {
		_, err := embed(t.Context(), c, "", 0, "x")
		var apiErr *openai.APIError
		switch {
		case err == nil:
			statuses = append(statuses, 200)
		case errors.As(err, &apiErr):
			statuses = append(statuses, apiErr.HTTPStatusCode)
		default:
			t.Fatalf("CreateEmbeddings: %v", err)
		}
	}
	if want := []int{429, 500, 500, 500, 200}; !reflect.DeepEqual(statuses, want) {
		t.Errorf("statuses = %v; want %v", statuses, want)
	}
	if srv.Count() != 5 || srv.Pending() != 0 {
		t.Errorf("Count(), Pending() = %d, %d; want 5, 0", srv.Count(), srv.Pending())
	}
}

func TestEndpointMatching(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Endpoint: openaitest.ChatCompletions, Content: "for chat"})
	if _, err := embed(t.Context(), c, "", 0, "x"); err != nil {
		t.Fatalf("CreateEmbeddings: %v", err)
	}
	if srv.Pending() != 1 {
		t.Fatalf("Pending() = %d after an embeddings request; want the chat reply kept", srv.Pending())
	}
	resp, err := c.CreateChatCompletion(t.Context(), chatRequest("x"))
	if err != nil || resp.Choices[0].Message.Content != "for chat" {
		t.Errorf("CreateChatCompletion = %v, %v; want the chat reply", resp.Choices, err)
	}
}

func TestHandler(t *testing.T) {
	var mu sync.Mutex
	var seen []openaitest.Endpoint
	_, c := newClient(t, openaitest.Options{Dimensions: 4, Handler: func(r openaitest.Request) openaitest.Reply {
		mu.Lock()
		seen = append(seen, r.Endpoint)
		mu.Unlock()
		if r.Chat != nil {
			return openaitest.Reply{Content: "echo: " + r.Chat.Messages[len(r.Chat.Messages)-1].Content}
		}
		return openaitest.Reply{}
	}})
	resp, err := c.CreateChatCompletion(t.Context(), chatRequest("hello"))
	if err != nil || resp.Choices[0].Message.Content != "echo: hello" {
		t.Errorf("CreateChatCompletion = %v, %v; want echo: hello", resp.Choices, err)
	}
	if _, err := embed(t.Context(), c, "", 0, "x"); err != nil {
		t.Errorf("CreateEmbeddings: %v", err)
	}
	if want := []openaitest.Endpoint{openaitest.ChatCompletions, openaitest.Embeddings}; !reflect.DeepEqual(seen, want) {
		t.Errorf("Handler saw %v; want %v", seen, want)
	}
}

// errorTB records Errorf calls instead of failing the test.
type errorTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (tb *errorTB) Errorf(format string, args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.errs = append(tb.errs, fmt.Sprintf(format, args...))
}

func TestUnscriptedChat(t *testing.T) {
	tb := &errorTB{TB: t}
	srv := openaitest.New(tb, openaitest.Options{})
	c := openai.NewClientWithConfig(srv.ClientConfig())
	_, err := c.CreateChatCompletion(t.Context(), chatRequest("x"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 500 || !strings.Contains(apiErr.Message, "no reply scripted") {
		t.Errorf("CreateChatCompletion error = %v; want a 500 saying no reply was scripted", err)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.errs) != 1 {
		t.Errorf("test errors = %q; want one", tb.errs)
	}
}

func TestAuth(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: testKey, Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Status: 500})
	cfg := srv.ClientConfig()
	wrong := openai.DefaultConfig("sk-wrong")
	wrong.BaseURL, wrong.HTTPClient = cfg.BaseURL, cfg.HTTPClient
	_, err := embed(t.Context(), openai.NewClientWithConfig(wrong), "", 0, "x")
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 || apiErr.Code != "invalid_api_key" {
		t.Errorf("CreateEmbeddings with a wrong key: %v; want a 401 invalid_api_key", err)
	}
	if srv.Pending() != 1 {
		t.Errorf("Pending() = %d; want the scripted reply left for an authorised request", srv.Pending())
	}
}

func TestAzure(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: testKey, Dimensions: 4})
	c := openai.NewClientWithConfig(srv.AzureClientConfig())
	if _, err := embed(t.Context(), c, "", 0, "x"); err != nil {
		t.Fatalf("CreateEmbeddings: %v", err)
	}
	r := srv.Requests()[0]
	if r.Path != "/openai/deployments/text-embedding-3-small/embeddings" || r.Query.Get("api-version") == "" {
		t.Errorf("request = %s?%s; want the Azure deployment path with api-version", r.Path, r.Query.Encode())
	}
	if got := r.Header.Get("api-key"); got != testKey {
		t.Errorf("api-key = %q; want %q", got, testKey)
	}
}

func TestUnknownRoute(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{})
	resp, err := srv.Client().Get(srv.URL() + "/files")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /v1/files status = %d; want 404", resp.StatusCode)
	}
}

func TestMalformedJSON(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Malformed: true})
	_, err := embed(t.Context(), c, openai.EmbeddingEncodingFormatBase64, 0, "x")
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("CreateEmbeddings error = %v (%T); want a *json.SyntaxError", err, err)
	}
}

func TestCutBody(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{Dimensions: 64})
	srv.Enqueue(openaitest.Reply{Cut: true})
	_, err := embed(t.Context(), c, "", 0, "x")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("CreateEmbeddings error = %v; want io.ErrUnexpectedEOF", err)
	}
}

func TestDelay(t *testing.T) {
	srv, c := newClient(t, openaitest.Options{Dimensions: 4, Latency: 20 * time.Millisecond})
	srv.Enqueue(openaitest.Reply{Delay: 30 * time.Millisecond})
	start := time.Now()
	if _, err := embed(t.Context(), c, "", 0, "x"); err != nil {
		t.Fatalf("CreateEmbeddings: %v", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("request took %v; want at least 50ms", d)
	}
}

func TestHang(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, c := newClient(t, openaitest.Options{Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Hang: true})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := embed(ctx, c, "", 0, "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("CreateEmbeddings error = %v; want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("hung request returned after %v; want about 50ms", d)
	}
}

func TestCloseReleasesHang(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, c := newClient(t, openaitest.Options{Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Hang: true})
	errc := make(chan error, 1)
	go func() {
		_, err := embed(context.Background(), c, "", 0, "x")
		errc <- err
	}()
	for srv.Count() == 0 {
		time.Sleep(time.Millisecond)
	}
	srv.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Errorf("hung request succeeded after Close; want an error")
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("hung request still blocked 5s after Close")
	}
}

package openaitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultDimensions is the embedding size when neither the request nor
// [Options.Dimensions] names one: that of text-embedding-3-small.
const DefaultDimensions = 1536

// MaxInputs is the most inputs one embeddings request may carry, as on the
// OpenAI API; more get a 400.
const MaxInputs = 2048

// created is the fixed "created" timestamp of every response, so that
// responses are byte-for-byte reproducible.
const created = 1700000000

// Options configures a [Server]. The zero value serves deterministic
// embeddings of [DefaultDimensions], accepts any API key and adds no
// latency.
type Options struct {
	// APIKey, if set, is required on every request, as "Authorization:
	// Bearer <key>" or (Azure) "api-key: <key>"; other requests get a 401
	// and consume no scripted reply. [Server.ClientConfig] uses it.
	APIKey string

	// Dimensions is the embedding size for requests without "dimensions".
	// Zero means DefaultDimensions.
	Dimensions int

	// Latency delays every response, before the first byte.
	Latency time.Duration

	// Handler, if set, scripts replies for requests that find no matching
	// reply in the queue (see [Server.Enqueue]). It may be called from
	// several goroutines at once. A zero Reply means the default response.
	Handler func(Request) Reply

	// Models lists the model IDs served by GET /models. Nil means
	// text-embedding-3-small and gpt-4o-mini.
	Models []string
}

// Request is one request the server received, recorded before it was
// answered.
type Request struct {
	Method   string
	Path     string     // e.g. "/v1/embeddings"
	Query    url.Values // e.g. api-version for Azure
	Header   http.Header
	Body     []byte // the raw body
	Endpoint Endpoint

	// Embedding is the decoded body of an embeddings request, else nil.
	Embedding *EmbeddingRequest
	// Chat is the decoded body of a chat completions request, else nil.
	Chat *openai.ChatCompletionRequest
}

// EmbeddingRequest is the decoded body of POST /embeddings. A lone string
// input is recorded as a one-element Input.
type EmbeddingRequest struct {
	Input          []string
	Model          string
	EncodingFormat string // "", "float" or "base64"
	Dimensions     int
	User           string
}

// Server is an in-process OpenAI-compatible HTTP server. Its methods are
// safe for concurrent use.
type Server struct {
	tb      testing.TB
	opts    Options
	ts      *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu    sync.Mutex
	queue []Reply
	reqs  []Request
}

// New starts a Server and, when tb is not nil, closes it when the test
// ends. tb may be nil (in Example functions); then call [Server.Close].
// Invalid options fail the test (or, with a nil tb, panic).
func New(tb testing.TB, opts Options) *Server {
	if tb != nil {
		tb.Helper()
	}
	if opts.Dimensions < 0 || opts.Latency < 0 {
		msg := fmt.Sprintf("openaitest: invalid Options: Dimensions %d, Latency %v", opts.Dimensions, opts.Latency)
		if tb == nil {
			panic(msg)
		}
		tb.Fatal(msg)
	}
	if opts.Dimensions == 0 {
		opts.Dimensions = DefaultDimensions
	}
	if opts.Models == nil {
		opts.Models = []string{string(openai.SmallEmbedding3), openai.GPT4oMini}
	}
	s := &Server{tb: tb, opts: opts, closing: make(chan struct{})}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// URL returns the API base URL, ending in "/v1", as OpenAI's
// "https://api.openai.com/v1".
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// RootURL returns the server's root URL, the base URL an Azure OpenAI
// client wants (it adds "/openai/deployments/...").
func (s *Server) RootURL() string { return s.ts.URL }

// Client returns an HTTP client for the server. Its idle connections are
// closed by [Server.Close].
func (s *Server) Client() *http.Client { return s.ts.Client() }

// ClientConfig returns a go-openai configuration pointed at the server,
// using [Options.APIKey] and [Server.Client].
func (s *Server) ClientConfig() openai.ClientConfig {
	cfg := openai.DefaultConfig(s.opts.APIKey)
	cfg.BaseURL = s.URL()
	cfg.HTTPClient = s.ts.Client()
	return cfg
}

// AzureClientConfig returns a go-openai Azure OpenAI configuration pointed
// at the server: requests go to /openai/deployments/<model>/... with an
// api-version query and the key in the api-key header.
func (s *Server) AzureClientConfig() openai.ClientConfig {
	cfg := openai.DefaultAzureConfig(s.opts.APIKey, s.RootURL())
	cfg.HTTPClient = s.ts.Client()
	return cfg
}

// Enqueue appends scripted replies. Each request takes the first queued
// reply whose Endpoint matches its own (an empty Endpoint matches any);
// requests that find none are answered by [Options.Handler] or by default.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	s.queue = append(s.queue, replies...)
	s.mu.Unlock()
}

// Pending returns how many enqueued replies are still unused.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Requests returns the requests received so far, in arrival order. The
// caller must not modify them.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Count returns the number of requests received so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// Close releases hung and delayed requests, shuts the server down and
// waits for every handler to return. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.ts.Close()
	})
}

func (s *Server) errorf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Errorf(format, args...)
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	req := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
		Endpoint: endpointOf(r.Method, r.URL.Path),
	}
	decodeErr := decode(&req)

	s.mu.Lock()
	seq := len(s.reqs) + 1
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()

	if !s.authorised(r) {
		writeError(w, Reply{Status: http.StatusUnauthorized})
		return
	}
	if req.Endpoint == "" {
		writeError(w, Reply{Status: http.StatusNotFound,
			ErrorMessage: fmt.Sprintf("openaitest: no route for %s %s", r.Method, r.URL.Path)})
		return
	}
	if decodeErr != nil {
		writeError(w, Reply{Status: http.StatusBadRequest, ErrorMessage: "openaitest: " + decodeErr.Error()})
		return
	}

	reply, scripted := s.next(req)
	if !s.pause(r, s.opts.Latency+reply.Delay) {
		panic(http.ErrAbortHandler)
	}
	if reply.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		panic(http.ErrAbortHandler)
	}

	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if reply.RetryAfter > 0 {
		secs := (reply.RetryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", fmt.Sprint(int64(secs)))
	}
	if !reply.RetryAfterDate.IsZero() {
		w.Header().Set("Retry-After", reply.RetryAfterDate.UTC().Format(http.TimeFormat))
	}

	switch {
	case reply.Body != "":
		status := reply.Status
		if status == 0 {
			status = http.StatusOK
		}
		writeRaw(w, status, "application/json", []byte(reply.Body), reply)
	case reply.Status >= 400:
		writeError(w, reply)
	case req.Endpoint == Embeddings:
		s.serveEmbeddings(w, req, reply)
	case req.Endpoint == ChatCompletions:
		if !scripted {
			msg := fmt.Sprintf("openaitest: no reply scripted for %s %s", r.Method, r.URL.Path)
			s.errorf("%s", msg)
			writeError(w, Reply{Status: http.StatusInternalServerError, ErrorMessage: msg})
			return
		}
		if req.Chat.Stream {
			s.serveChatStream(w, r, req, reply, seq)
		} else {
			s.serveChat(w, req, reply, seq)
		}
	case req.Endpoint == Models:
		s.serveModels(w, reply)
	}
}

func (s *Server) authorised(r *http.Request) bool {
	if s.opts.APIKey == "" {
		return true
	}
	return r.Header.Get("Authorization") == "Bearer "+s.opts.APIKey ||
		r.Header.Get(openai.AzureAPIKeyHeader) == s.opts.APIKey
}

// next takes the reply for req: the first matching queued one, else the
// handler's, else the zero Reply. scripted reports whether either source
// supplied it.
func (s *Server) next(req Request) (Reply, bool) {
	s.mu.Lock()
	for i, r := range s.queue {
		if r.Endpoint == "" || r.Endpoint == req.Endpoint {
			s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
			s.mu.Unlock()
			return r, true
		}
	}
	s.mu.Unlock()
	if s.opts.Handler != nil {
		return s.opts.Handler(req), true
	}
	return Reply{}, false
}

// pause waits for d, reporting false if the client went away or the server
// is closing first.
func (s *Server) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

func endpointOf(method, path string) Endpoint {
	switch {
	case method == http.MethodPost && strings.HasSuffix(path, "/embeddings"):
		return Embeddings
	case method == http.MethodPost && strings.HasSuffix(path, "/chat/completions"):
		return ChatCompletions
	case method == http.MethodGet && strings.HasSuffix(path, "/models"):
		return Models
	}
	return ""
}

func decode(req *Request) error {
	switch req.Endpoint {
	case Embeddings:
		var raw struct {
			Input          json.RawMessage `json:"input"`
			Model          string          `json:"model"`
			EncodingFormat string          `json:"encoding_format"`
			Dimensions     int             `json:"dimensions"`
			User           string          `json:"user"`
		}
		if err := json.Unmarshal(req.Body, &raw); err != nil {
			return fmt.Errorf("embeddings body: %w", err)
		}
		e := &EmbeddingRequest{Model: raw.Model, EncodingFormat: raw.EncodingFormat,
			Dimensions: raw.Dimensions, User: raw.User}
		var one string
		if err := json.Unmarshal(raw.Input, &e.Input); err != nil {
			if err := json.Unmarshal(raw.Input, &one); err != nil {
				return errors.New("embeddings input: want a string or an array of strings")
			}
			e.Input = []string{one}
		}
		req.Embedding = e
	case ChatCompletions:
		var c openai.ChatCompletionRequest
		if err := json.Unmarshal(req.Body, &c); err != nil {
			return fmt.Errorf("chat completions body: %w", err)
		}
		req.Chat = &c
	}
	return nil
}

// writeRaw writes body with status. A reply with Cut set sends the headers
// and half the body, then drops the connection.
func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte, reply Reply) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", contentType)
	}
	if reply.Cut {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any, reply Reply) {
	var buf bytes.Buffer
	if reply.Malformed {
		buf.WriteString(`{"object":"list","data":nope}`)
	} else if err := json.NewEncoder(&buf).Encode(v); err != nil {
		panic(http.ErrAbortHandler)
	}
	writeRaw(w, status, "application/json", buf.Bytes(), reply)
}

// writeError writes an OpenAI-style error body for reply.Status.
func writeError(w http.ResponseWriter, reply Reply) {
	msg, typ, code := defaultError(reply.Status)
	if reply.ErrorMessage != "" {
		msg = reply.ErrorMessage
	}
	if reply.ErrorType != "" {
		typ = reply.ErrorType
	}
	if reply.ErrorCode != "" {
		code = reply.ErrorCode
	}
	type apiError struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	}
	e := apiError{Message: msg, Type: typ}
	if code != "" {
		e.Code = &code
	}
	writeJSON(w, reply.Status, map[string]apiError{"error": e}, reply)
}

func defaultError(status int) (msg, typ, code string) {
	switch status {
	case http.StatusBadRequest:
		return "openaitest: invalid request", "invalid_request_error", ""
	case http.StatusUnauthorized:
		return "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
	case http.StatusForbidden:
		return "You are not allowed to use this model.", "invalid_request_error", "unsupported_country_region_territory"
	case http.StatusNotFound:
		return "The model does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"
	case http.StatusRequestTimeout:
		return "Request timed out.", "timeout", ""
	case http.StatusConflict:
		return "Conflict: please retry.", "conflict", ""
	case http.StatusUnprocessableEntity:
		return "Unprocessable entity.", "invalid_request_error", ""
	case http.StatusTooManyRequests:
		return "Rate limit reached for requests.", "requests", "rate_limit_exceeded"
	case http.StatusServiceUnavailable:
		return "The engine is currently overloaded, please try again later.", "server_error", ""
	}
	if status >= 500 {
		return "The server had an error while processing your request.", "server_error", ""
	}
	return http.StatusText(status), "invalid_request_error", ""
}

func (s *Server) serveModels(w http.ResponseWriter, reply Reply) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range s.opts.Models {
		list.Data = append(list.Data, model{ID: id, Object: "model", Created: created, OwnedBy: "openaitest"})
	}
	writeJSON(w, statusOr200(reply), list, reply)
}

func statusOr200(r Reply) int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}

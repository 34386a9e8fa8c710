package retry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/internal/retry/retrytest"
)

func apiError(status int) error {
	return &openai.APIError{HTTPStatusCode: status, HTTPStatus: http.StatusText(status), Message: "scripted"}
}

func TestDoStatuses(t *testing.T) {
	for _, tc := range []struct {
		status    int
		retryable bool
	}{
		{400, false}, {401, false}, {403, false}, {404, false}, {405, false}, {413, false}, {422, false},
		{408, true}, {409, true}, {429, true},
		{500, true}, {501, false}, {502, true}, {503, true}, {504, true}, {505, false}, {599, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			p, s := retrytest.Instant(retry.Policy{})
			calls := 0
			err := p.Do(t.Context(), func(context.Context) error {
				calls++
				return apiError(tc.status)
			})
			wantCalls, wantReason := 1, retry.ErrPermanent
			if tc.retryable {
				wantCalls, wantReason = retry.DefaultMaxAttempts, retry.ErrExhausted
			}
			if calls != wantCalls {
				t.Errorf("Do(status %d) made %d calls; want %d", tc.status, calls, wantCalls)
			}
			var re *retry.Error
			if !errors.As(err, &re) {
				t.Fatalf("Do(status %d) = %v (%T); want *retry.Error", tc.status, err, err)
			}
			if re.Attempts != wantCalls || re.StatusCode != tc.status || re.Reason != wantReason {
				t.Errorf("Error = %+v; want Attempts %d, StatusCode %d, Reason %v", re, wantCalls, tc.status, wantReason)
			}
			if !errors.Is(err, wantReason) {
				t.Errorf("errors.Is(%v, %v) = false; want true", err, wantReason)
			}
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != tc.status {
				t.Errorf("errors.As(*openai.APIError) failed on %v", err)
			}
			if got := len(s.Waits()); got != wantCalls-1 {
				t.Errorf("waits = %d; want %d", got, wantCalls-1)
			}
			if got := retry.RetryableStatus(tc.status); got != tc.retryable {
				t.Errorf("RetryableStatus(%d) = %v; want %v", tc.status, got, tc.retryable)
			}
		})
	}
}

func TestDoSucceeds(t *testing.T) {
	p, s := retrytest.Instant(retry.Policy{})
	calls := 0
	err := p.Do(t.Context(), func(context.Context) error {
		calls++
		if calls < 3 {
			return apiError(503)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("Do = %v after %d calls; want nil after 3", err, calls)
	}
	if want := []time.Duration{500 * time.Millisecond, time.Second}; !reflect.DeepEqual(s.Waits(), want) {
		t.Errorf("waits = %v; want %v", s.Waits(), want)
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy retry.Policy
		want   []time.Duration
	}{
		{"defaults", retry.Policy{}, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}},
		{"capped", retry.Policy{MaxAttempts: 6, Base: time.Second, Cap: 3 * time.Second},
			[]time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}},
		{"one attempt", retry.Policy{MaxAttempts: 1}, nil},
		{"default cap", retry.Policy{MaxAttempts: 10, Base: 5 * time.Second},
			[]time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 20 * time.Second, 20 * time.Second,
				20 * time.Second, 20 * time.Second, 20 * time.Second, 20 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, s := retrytest.Instant(tc.policy)
			err := p.Do(t.Context(), func(context.Context) error { return apiError(500) })
			if !errors.Is(err, retry.ErrExhausted) {
				t.Errorf("Do = %v; want ErrExhausted", err)
			}
			if got := s.Waits(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("waits = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestBackoffJitter(t *testing.T) {
	p := retry.Policy{Base: 100 * time.Millisecond, Cap: time.Second}
	seen := map[time.Duration]bool{}
	for range 200 {
		for attempt, ceiling := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
			ceiling *= time.Millisecond
			d := p.Backoff(attempt + 1)
			if d < 0 || d > ceiling {
				t.Fatalf("Backoff(%d) = %v; want within [0, %v]", attempt+1, d, ceiling)
			}
			seen[d] = true
		}
	}
	if len(seen) < 100 {
		t.Errorf("Backoff drew %d distinct waits in 1200 draws; want jitter", len(seen))
	}
	p.Jitter = func(time.Duration) time.Duration { return -time.Hour }
	if d := p.Backoff(1); d != 0 {
		t.Errorf("Backoff with a negative Jitter = %v; want 0", d)
	}
}

func TestOnRetry(t *testing.T) {
	type call struct {
		attempt int
		delay   time.Duration
		status  int
	}
	var calls []call
	p, _ := retrytest.Instant(retry.Policy{MaxAttempts: 3, OnRetry: func(attempt int, delay time.Duration, err error) {
		var apiErr *openai.APIError
		errors.As(err, &apiErr)
		calls = append(calls, call{attempt, delay, apiErr.HTTPStatusCode})
	}})
	statuses := []int{503, 429, 500}
	n := 0
	_ = p.Do(t.Context(), func(context.Context) error { n++; return apiError(statuses[n-1]) })
	want := []call{{1, 500 * time.Millisecond, 503}, {2, time.Second, 429}}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("OnRetry calls = %+v; want %+v", calls, want)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		policy retry.Policy
		ok     bool
	}{
		{retry.Policy{}, true},
		{retry.Policy{MaxAttempts: 1, Base: time.Millisecond, Cap: time.Millisecond}, true},
		{retry.Policy{MaxAttempts: -1}, false},
		{retry.Policy{Base: -1}, false},
		{retry.Policy{Cap: -1}, false},
		{retry.Policy{MaxRetryAfter: -1}, false},
		{retry.Policy{Base: time.Minute}, false}, // above the default cap
	} {
		err := tc.policy.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v; want ok %v", tc.policy, err, tc.ok)
		}
		if !tc.ok {
			called := false
			if derr := tc.policy.Do(t.Context(), func(context.Context) error { called = true; return nil }); derr == nil || called {
				t.Errorf("Do with invalid %+v = %v, called %v; want an error and no call", tc.policy, derr, called)
			}
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"canceled", context.Canceled, false},
		{"deadline in url.Error", &url.Error{Op: "Post", URL: "u", Err: context.DeadlineExceeded}, false},
		{"429", apiError(429), true},
		{"400", apiError(400), false},
		{"wrapped 503", fmt.Errorf("embed: %w", apiError(503)), true},
		{"RequestError 502", &openai.RequestError{HTTPStatusCode: 502, Err: errors.New("bad gateway")}, true},
		{"RequestError 404", &openai.RequestError{HTTPStatusCode: 404}, false},
		{"EOF before response", &url.Error{Op: "Post", URL: "u", Err: io.EOF}, true},
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"connection refused", &url.Error{Op: "Post", URL: "u", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"dns not found", &url.Error{Op: "Post", URL: "u", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}, false},
		{"dns timeout", &url.Error{Op: "Post", URL: "u", Err: &net.DNSError{Err: "timeout", IsTimeout: true}}, true},
		{"unsupported scheme", &url.Error{Op: "Post", URL: "u", Err: errors.New(`unsupported protocol scheme "ftp"`)}, false},
		{"malformed JSON", &json.SyntaxError{}, false},
		{"exhausted 500", &retry.Error{Attempts: 4, StatusCode: 500, Reason: retry.ErrExhausted, Last: apiError(500)}, true},
		{"permanent 401", &retry.Error{Attempts: 1, StatusCode: 401, Reason: retry.ErrPermanent, Last: apiError(401)}, false},
		{"cancelled retries", &retry.Error{Attempts: 2, StatusCode: 503, Reason: context.Canceled, Last: apiError(503)}, false},
		{"plain", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := retry.Retryable(tc.err); got != tc.want {
				t.Errorf("Retryable(%v) = %v; want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	last := errors.New("error, status code: 500")
	for _, tc := range []struct {
		err  *retry.Error
		want string
	}{
		{&retry.Error{Attempts: 1, Reason: retry.ErrPermanent, Last: last}, "error, status code: 500"},
		{&retry.Error{Attempts: 3, Reason: retry.ErrPermanent, Last: last}, "retry: attempt 3 failed permanently: error, status code: 500"},
		{&retry.Error{Attempts: 4, Reason: retry.ErrExhausted, Last: last}, "retry: gave up after 4 attempts: error, status code: 500"},
		{&retry.Error{Attempts: 1, Reason: retry.ErrWaitTooLong, Wait: 30 * time.Second, Last: last},
			"retry: gave up after 1 attempt: wait of 30s would pass the deadline: error, status code: 500"},
		{&retry.Error{Attempts: 2, Reason: context.Canceled, Last: last}, "retry: context canceled after 2 attempts: error, status code: 500"},
		{&retry.Error{Attempts: 1, Reason: context.DeadlineExceeded, Last: fmt.Errorf("post: %w", context.DeadlineExceeded)}, "post: context deadline exceeded"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("(%+v).Error() = %q; want %q", tc.err, got, tc.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{http.Header{}, 0, false},
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {" 0 "}}, 0, true},
		{http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond, true},
		{http.Header{"Retry-After": {"-3"}}, 0, false},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{"Retry-After": {"Wed, 02 Jan 2030 03:04:15 GMT"}}, 10 * time.Second, true},
		{http.Header{"Retry-After": {"Wed, 02 Jan 2030 03:04:00 GMT"}}, 0, true}, // in the past
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"1"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After-Ms": {"junk"}, "Retry-After": {"1"}}, time.Second, true},
		{http.Header{"Retry-After": {"1e300"}}, time.Duration(1<<63 - 1), true},
	} {
		got, ok := retry.ParseRetryAfter(tc.header, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%v) = %v, %v; want %v, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

// server returns a fake OpenAI server and a client whose HTTP doer is
// wrapped with retry.Observe.
func server(tb testing.TB) (*openaitest.Server, *openai.Client) {
	tb.Helper()
	srv := openaitest.New(tb, openaitest.Options{Dimensions: 4})
	cfg := srv.ClientConfig()
	cfg.HTTPClient = retry.Observe(srv.Client())
	return srv, openai.NewClientWithConfig(cfg)
}

func embedOp(c *openai.Client) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: []string{"x"}, Model: openai.SmallEmbedding3})
		return err
	}
}

func TestRetryAfterOverHTTP(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		reply openaitest.Reply
		want  time.Duration
	}{
		{"seconds", openaitest.Reply{Status: 429, RetryAfter: 7 * time.Second}, 7 * time.Second},
		{"date", openaitest.Reply{Status: 503, RetryAfterDate: now.Add(3 * time.Second)}, 3 * time.Second},
		{"ms", openaitest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"120"}}}, 120 * time.Millisecond},
		{"none", openaitest.Reply{Status: 429}, 500 * time.Millisecond},
		{"zero", openaitest.Reply{Status: 503, Header: http.Header{"Retry-After": {"0"}}}, 0},
		{"ignored on 200 cut", openaitest.Reply{Cut: true, RetryAfter: 9 * time.Second}, 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := server(t)
			srv.Enqueue(tc.reply)
			p, s := retrytest.Instant(retry.Policy{Now: func() time.Time { return now }})
			if err := p.Do(t.Context(), embedOp(c)); err != nil {
				t.Fatalf("Do: %v", err)
			}
			if srv.Count() != 2 {
				t.Errorf("requests = %d; want 2", srv.Count())
			}
			if want := []time.Duration{tc.want}; !reflect.DeepEqual(s.Waits(), want) {
				t.Errorf("waits = %v; want %v", s.Waits(), want)
			}
		})
	}
}

func TestRetryAfterBeyondDeadline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		policy  retry.Policy
		reply   openaitest.Reply
		want    time.Duration
	}{
		{"Retry-After past deadline", time.Second, retry.Policy{}, openaitest.Reply{Status: 429, RetryAfter: 30 * time.Second}, 30 * time.Second},
		{"Retry-After above MaxRetryAfter", time.Hour, retry.Policy{MaxRetryAfter: 10 * time.Second}, openaitest.Reply{Status: 429, RetryAfter: 11 * time.Second}, 11 * time.Second},
		{"backoff past deadline", 50 * time.Millisecond, retry.Policy{Base: time.Second}, openaitest.Reply{Status: 500}, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := server(t)
			srv.Enqueue(tc.reply)
			ctx, cancel := context.WithTimeout(t.Context(), tc.timeout)
			defer cancel()
			p, s := retrytest.Instant(tc.policy)
			start := time.Now()
			err := p.Do(ctx, embedOp(c))
			if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
				t.Errorf("Do took %v; want it to fail fast", elapsed)
			}
			var re *retry.Error
			if !errors.As(err, &re) || !errors.Is(err, retry.ErrWaitTooLong) {
				t.Fatalf("Do = %v; want a *retry.Error with ErrWaitTooLong", err)
			}
			if re.Attempts != 1 || re.StatusCode != tc.reply.Status || re.Wait != tc.want {
				t.Errorf("Error = %+v; want 1 attempt, status %d, Wait %v", re, tc.reply.Status, tc.want)
			}
			if srv.Count() != 1 || len(s.Waits()) != 0 {
				t.Errorf("requests, waits = %d, %v; want 1, none", srv.Count(), s.Waits())
			}
		})
	}
}

func TestConnectionErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		reply     openaitest.Reply
		wantCalls int
		wantErr   bool
	}{
		{"cut body is retried", openaitest.Reply{Cut: true}, 2, false},
		{"malformed JSON is not", openaitest.Reply{Malformed: true}, 1, true},
		{"raw 502 body is retried", openaitest.Reply{Status: 502, Body: "<html>bad gateway</html>"}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := server(t)
			srv.Enqueue(tc.reply)
			p, _ := retrytest.Instant(retry.Policy{})
			err := p.Do(t.Context(), embedOp(c))
			if (err != nil) != tc.wantErr || srv.Count() != tc.wantCalls {
				t.Errorf("Do = %v after %d requests; want error %v after %d", err, srv.Count(), tc.wantErr, tc.wantCalls)
			}
		})
	}
}

func TestAttemptTimeout(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv := openaitest.New(t, openaitest.Options{Dimensions: 4})
	srv.Enqueue(openaitest.Reply{Hang: true})
	cfg := srv.ClientConfig()
	cfg.HTTPClient = retry.Observe(&http.Client{Transport: srv.Client().Transport, Timeout: 50 * time.Millisecond})
	c := openai.NewClientWithConfig(cfg)
	p, s := retrytest.Instant(retry.Policy{})
	if err := p.Do(t.Context(), embedOp(c)); err != nil {
		t.Fatalf("Do = %v; want the timed-out attempt retried", err)
	}
	if srv.Count() != 2 || len(s.Waits()) != 1 {
		t.Errorf("requests, waits = %d, %v; want 2, one wait", srv.Count(), s.Waits())
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := openai.DefaultConfig("k")
	cfg.BaseURL = "http://" + addr + "/v1"
	cfg.HTTPClient = retry.Observe(&http.Client{})
	c := openai.NewClientWithConfig(cfg)
	p, s := retrytest.Instant(retry.Policy{MaxAttempts: 3})
	err = p.Do(t.Context(), embedOp(c))
	var re *retry.Error
	if !errors.As(err, &re) || re.Attempts != 3 || re.StatusCode != 0 || !errors.Is(err, retry.ErrExhausted) {
		t.Errorf("Do against a closed port = %v; want ErrExhausted after 3 attempts", err)
	}
	if len(s.Waits()) != 2 {
		t.Errorf("waits = %v; want 2", s.Waits())
	}
}

func TestContextDone(t *testing.T) {
	t.Run("deadline during request", func(t *testing.T) {
		openaitest.CheckGoroutines(t)
		srv, c := server(t)
		srv.Enqueue(openaitest.Reply{Hang: true})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := retry.Policy{}.Do(ctx, embedOp(c))
		var re *retry.Error
		if !errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) || re.Attempts != 1 {
			t.Errorf("Do = %v; want context.DeadlineExceeded after 1 attempt", err)
		}
		if srv.Count() != 1 {
			t.Errorf("requests = %d; want 1", srv.Count())
		}
	})
	t.Run("cancel during wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := retry.Policy{OnRetry: func(int, time.Duration, error) { cancel() }}
		calls := 0
		err := p.Do(ctx, func(context.Context) error { calls++; return apiError(503) })
		var re *retry.Error
		if !errors.As(err, &re) || re.Reason != context.Canceled || calls != 1 {
			t.Errorf("Do = %v after %d calls; want Reason context.Canceled after 1", err, calls)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(%v, context.Canceled) = false", err)
		}
	})
	t.Run("real timer wait", func(t *testing.T) {
		p := retry.Policy{Base: 10 * time.Millisecond, Cap: 10 * time.Millisecond,
			Jitter: func(max time.Duration) time.Duration { return max }}
		calls := 0
		start := time.Now()
		err := p.Do(t.Context(), func(context.Context) error {
			calls++
			if calls == 1 {
				return apiError(500)
			}
			return nil
		})
		if err != nil || calls != 2 || time.Since(start) < 10*time.Millisecond {
			t.Errorf("Do = %v after %d calls in %v; want nil after 2 calls and a 10ms wait", err, calls, time.Since(start))
		}
	})
}

func TestStreaming(t *testing.T) {
	t.Run("429 before the stream is retried", func(t *testing.T) {
		srv, c := server(t)
		srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: time.Second}, openaitest.Reply{Content: "one two"})
		p, s := retrytest.Instant(retry.Policy{})
		var stream *openai.ChatCompletionStream
		err := p.Do(t.Context(), func(ctx context.Context) error {
			var err error
			stream, err = c.CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{Model: openai.GPT4oMini,
				Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}})
			return err
		})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer stream.Close()
		var b strings.Builder
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Recv: %v", err)
			}
			if len(chunk.Choices) > 0 {
				b.WriteString(chunk.Choices[0].Delta.Content)
			}
		}
		if b.String() != "one two" || srv.Count() != 2 || !reflect.DeepEqual(s.Waits(), []time.Duration{time.Second}) {
			t.Errorf("stream = %q after %d requests, waits %v; want %q after 2, [1s]", b.String(), srv.Count(), s.Waits(), "one two")
		}
	})
	t.Run("a stream cut midway is not replayed", func(t *testing.T) {
		srv, c := server(t)
		srv.Enqueue(openaitest.Reply{Content: "one two three", Cut: true, CutAfter: 2})
		var stream *openai.ChatCompletionStream
		err := retry.Policy{}.Do(t.Context(), func(ctx context.Context) error {
			var err error
			stream, err = c.CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{Model: openai.GPT4oMini,
				Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}})
			return err
		})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer stream.Close()
		for {
			_, err = stream.Recv()
			if err != nil {
				break
			}
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || srv.Count() != 1 {
			t.Errorf("stream ended with %v after %d requests; want io.ErrUnexpectedEOF after 1", err, srv.Count())
		}
	})
}

func TestObserveOutsideDo(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{})
	srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: time.Second})
	resp, err := retry.Observe(srv.Client()).Do(mustRequest(t, srv.URL()+"/models"))
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("response = %d, Retry-After %q; want 429, 1 passed through", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func mustRequest(tb testing.TB, u string) *http.Request {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, u, nil)
	if err != nil {
		tb.Fatalf("NewRequest: %v", err)
	}
	return req
}

package openaiconftest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf"
	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/internal/retry/retrytest"
)

// Run runs the conformance suite on the client package c describes, each
// check as a subtest of t. Do not call t.Parallel around it: some checks
// look for leaked goroutines.
func Run[C, T any](t *testing.T, c Client[C, T]) {
	if len(c.Calls) == 0 {
		t.Fatal("openaiconftest: Client.Calls is empty")
	}
	s := suite[C, T]{c}
	for _, check := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"Validate", s.validate},
		{"KeyNeverPrinted", s.keyNeverPrinted},
		{"KeyNotInErrors", s.eachCall(s.keyNotInErrors)},
		{"Azure", s.eachCall(s.azure)},
		{"RetryAfter", s.eachCall(s.retryAfter)},
		{"RetryAfterRealClock", s.eachCall(s.retryAfterRealClock)},
		{"ServerErrorsExhaustRetries", s.eachCall(s.serverErrorsExhaustRetries)},
		{"ClientErrorsNotRetried", s.eachCall(s.clientErrorsNotRetried)},
		{"RetryAfterBeyondDeadline", s.eachCall(s.retryAfterBeyondDeadline)},
		{"HungServer", s.eachCall(s.hungServer)},
	} {
		t.Run(check.name, check.run)
	}
}

type suite[C, T any] struct{ c Client[C, T] }

// call is one of Client.Calls.
type call[T any] func(ctx context.Context, client T) error

// eachCall returns a test that runs check once per call, in name order.
func (s suite[C, T]) eachCall(check func(*testing.T, call[T])) func(*testing.T) {
	return func(t *testing.T) {
		for _, name := range slices.Sorted(maps.Keys(s.c.Calls)) {
			t.Run(name, func(t *testing.T) { check(t, s.c.Calls[name]) })
		}
	}
}

// ok answers every request not scripted otherwise.
func ok(openaitest.Request) openaitest.Reply { return openaitest.Reply{Content: "ok"} }

// start is [Start] with small vectors, "ok" for every unscripted reply,
// and edit, if not nil, adjusting the Settings.
func (s suite[C, T]) start(t *testing.T, edit func(*Settings)) (*openaitest.Server, T, *retrytest.Sleeper) {
	t.Helper()
	return start(t, s.c, openaitest.Options{Dimensions: 4, Handler: ok}, edit, nil)
}

func (s suite[C, T]) validate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings Settings
		want     string
	}{
		{"Azure without endpoint", Settings{Azure: &openaiconf.Azure{}}, "BaseURL"},
		{"bad URL", Settings{BaseURL: "localhost:8080/v1"}, "BaseURL"},
		{"ftp URL", Settings{BaseURL: "ftp://example.org/v1"}, "BaseURL"},
		{"bad retry", Settings{Retry: retry.Policy{MaxAttempts: -1}}, "MaxAttempts"},
		{"spaced model", Settings{Model: " model "}, "Model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := s.c.Config(tc.settings)
			client, err := s.c.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), s.c.Prefix) {
				t.Errorf("New(%v) = %v, %v; want an error beginning %q naming %s", cfg, client, err, s.c.Prefix, tc.want)
			}
		})
	}
}

// holder holds a Config and a client in exported and unexported fields,
// which fmt prints differently.
type holder[C, T any] struct {
	Exported   C
	unexported C
	Client     T
	client     T
}

func (s suite[C, T]) keyNeverPrinted(t *testing.T) {
	cfg := s.c.Config(Settings{APIKey: APIKey, BaseURL: "https://user:hunter2@example.org/v1", Azure: &openaiconf.Azure{Deployment: "d"}})
	client, err := s.c.New(cfg)
	if err != nil {
		t.Fatalf("New(%v): %v", cfg, err)
	}
	values := []any{cfg, &cfg, client, []C{cfg}, map[string]any{"c": cfg}, []T{client}}
	if v := reflect.ValueOf(client); v.Kind() == reflect.Pointer {
		values = append(values, v.Elem().Interface())
	}
	h := holder[C, T]{cfg, cfg, client, client}
	checkRedacted(t, append(values, h.Exported), APIKey, "TOPSECRET", "hunter2")
	// fmt prints a Config in an unexported field field by field: it cannot
	// call Config's methods there. The URL's password shows; the key never.
	checkRedacted(t, []any{h, &h}, APIKey, "TOPSECRET")

	if got := fmt.Sprint(s.c.Config(Settings{APIKey: APIKey, Model: "bedside-model"})); !strings.Contains(got, "[REDACTED]") || !strings.Contains(got, "bedside-model") {
		t.Errorf("Config.String() = %s; want the model and a redacted key", got)
	}
	if got := fmt.Sprint(s.c.Config(Settings{})); !strings.Contains(got, `APIKey: ""`) {
		t.Errorf("Config{}.String() = %s; want it to show that no key is set", got)
	}
}

func (s suite[C, T]) keyNotInErrors(t *testing.T, call call[T]) {
	srv := openaitest.New(t, openaitest.Options{APIKey: "sk-the-right-one"})
	client, err := s.c.New(s.c.Config(Settings{APIKey: APIKey, BaseURL: srv.URL(), HTTPClient: srv.Client()}))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	err = call(t.Context(), client)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusUnauthorized {
		t.Fatalf("call with a wrong key = %v; want a 401", err)
	}
	if out := fmt.Sprintf("%+v", err); strings.Contains(out, APIKey) {
		t.Errorf("error shows the key: %s", out)
	}
}

func (s suite[C, T]) azure(t *testing.T, call call[T]) {
	for _, tc := range []struct {
		name        string
		azure       openaiconf.Azure
		wantPath    string
		wantVersion string
	}{
		{"deployment", openaiconf.Azure{Deployment: "bedside-deployment"}, "/openai/deployments/bedside-deployment/", s.c.DefaultAzureAPIVersion},
		{"model as deployment", openaiconf.Azure{APIVersion: "2024-02-01"}, "/openai/deployments/bedside-model/", "2024-02-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t, openaitest.Options{APIKey: APIKey, Dimensions: 4, Handler: ok})
			client, err := s.c.New(s.c.Config(Settings{APIKey: APIKey, BaseURL: srv.RootURL(), Model: "bedside-model",
				Azure: &tc.azure, HTTPClient: srv.Client()}))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := call(t.Context(), client); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d; want 1", len(reqs))
			}
			r := reqs[0]
			if !strings.HasPrefix(r.Path, tc.wantPath) || r.Endpoint == "" || r.Query.Get("api-version") != tc.wantVersion {
				t.Errorf("request = %s?%s; want %s<endpoint>?api-version=%s", r.Path, r.Query.Encode(), tc.wantPath, tc.wantVersion)
			}
			if r.Header.Get("api-key") != APIKey || r.Header.Get("Authorization") != "" {
				t.Errorf("auth headers = api-key %q, Authorization %q; want the key in api-key only",
					r.Header.Get("api-key"), r.Header.Get("Authorization"))
			}
			var body struct{ Model string }
			if err := json.Unmarshal(r.Body, &body); err != nil || body.Model != "bedside-model" {
				t.Errorf("request body = %s; want model bedside-model", r.Body)
			}
		})
	}
}

func (s suite[C, T]) retryAfter(t *testing.T, call call[T]) {
	for _, tc := range []struct {
		name  string
		reply openaitest.Reply
		want  time.Duration
	}{
		{"429 Retry-After seconds", openaitest.Reply{Status: 429, RetryAfter: 2 * time.Second}, 2 * time.Second},
		{"429 retry-after-ms", openaitest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"1500"}}}, 1500 * time.Millisecond},
		{"503 without header", openaitest.Reply{Status: 503}, retry.DefaultBase},
		{"408", openaitest.Reply{Status: 408, RetryAfter: time.Second}, time.Second},
		{"409", openaitest.Reply{Status: 409, RetryAfter: time.Second}, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, client, sleeper := s.start(t, nil)
			srv.Enqueue(tc.reply)
			if err := call(t.Context(), client); err != nil {
				t.Fatalf("call: %v; want the second reply", err)
			}
			if srv.Count() != 2 {
				t.Errorf("requests = %d; want exactly 2", srv.Count())
			}
			if want := []time.Duration{tc.want}; !reflect.DeepEqual(sleeper.Waits(), want) {
				t.Errorf("waits = %v; want %v", sleeper.Waits(), want)
			}
		})
	}
}

func (s suite[C, T]) retryAfterRealClock(t *testing.T, call call[T]) {
	srv := openaitest.New(t, openaitest.Options{Dimensions: 4, Handler: ok})
	srv.Enqueue(openaitest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"150"}}})
	client, err := s.c.New(s.c.Config(Settings{BaseURL: srv.URL(), HTTPClient: srv.Client()}))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	start := time.Now()
	if err := call(t.Context(), client); err != nil {
		t.Fatalf("call: %v", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("call took %v; want about the 150ms the server asked for", d)
	}
}

func (s suite[C, T]) serverErrorsExhaustRetries(t *testing.T, call call[T]) {
	for _, tc := range []struct {
		attempts, want int
	}{{0, retry.DefaultMaxAttempts}, {2, 2}, {1, 1}} {
		t.Run(fmt.Sprintf("MaxAttempts %d", tc.attempts), func(t *testing.T) {
			srv, client, sleeper := s.start(t, func(s *Settings) { s.Retry.MaxAttempts = tc.attempts })
			srv.Enqueue(openaitest.Times(tc.want, openaitest.Reply{Status: 500})...)
			srv.Enqueue(openaitest.Reply{Content: "never reached"})
			err := call(t.Context(), client)
			var re *retry.Error
			if !errors.As(err, &re) {
				t.Fatalf("call error = %v (%T); want a *retry.Error", err, err)
			}
			if re.Attempts != tc.want || re.StatusCode != 500 || !errors.Is(err, retry.ErrExhausted) {
				t.Errorf("retry.Error = %+v; want %d attempts, status 500, ErrExhausted", re, tc.want)
			}
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 500 {
				t.Errorf("errors.As(%v, *openai.APIError) failed", err)
			}
			if srv.Count() != tc.want || len(sleeper.Waits()) != tc.want-1 {
				t.Errorf("requests, waits = %d, %v; want %d, %d", srv.Count(), sleeper.Waits(), tc.want, tc.want-1)
			}
			if !strings.HasPrefix(err.Error(), s.c.Prefix) {
				t.Errorf("call error = %q; want the prefix %q", err, s.c.Prefix)
			}
		})
	}
}

func (s suite[C, T]) clientErrorsNotRetried(t *testing.T, call call[T]) {
	for _, status := range []int{400, 401, 403, 404, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, client, sleeper := s.start(t, nil)
			srv.Enqueue(openaitest.Times(2, openaitest.Reply{Status: status})...)
			err := call(t.Context(), client)
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != status {
				t.Fatalf("call error = %v; want a %d *openai.APIError", err, status)
			}
			if !errors.Is(err, retry.ErrPermanent) || retry.Retryable(err) {
				t.Errorf("call error = %v; want permanent, not retryable", err)
			}
			if srv.Count() != 1 || len(sleeper.Waits()) != 0 {
				t.Errorf("requests, waits = %d, %v; want 1, none", srv.Count(), sleeper.Waits())
			}
		})
	}
}

func (s suite[C, T]) retryAfterBeyondDeadline(t *testing.T, call call[T]) {
	srv, client, sleeper := s.start(t, nil)
	srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: 30 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := call(ctx, client)
	if !errors.Is(err, retry.ErrWaitTooLong) {
		t.Errorf("call error = %v; want retry.ErrWaitTooLong", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("call took %v; want it to fail fast", d)
	}
	if srv.Count() != 1 || len(sleeper.Waits()) != 0 {
		t.Errorf("requests, waits = %d, %v; want 1, none", srv.Count(), sleeper.Waits())
	}
}

func (s suite[C, T]) hungServer(t *testing.T, call call[T]) {
	openaitest.CheckGoroutines(t)
	srv, client, _ := s.start(t, nil)
	srv.Enqueue(openaitest.Reply{Hang: true})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := call(ctx, client)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call error = %v; want context.DeadlineExceeded", err)
	}
	if elapsed < 100*time.Millisecond || elapsed > time.Second {
		t.Errorf("call returned after %v; want at the 100ms deadline", elapsed)
	}
	if srv.Count() != 1 {
		t.Errorf("requests = %d; want 1 (none retried)", srv.Count())
	}
}

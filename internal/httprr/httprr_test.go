package httprr_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/httprr"
	"github.com/bedside-ai/bedside/internal/openaitest"
)

const secretKey = "sk-httprr-very-secret-key"

// offline is a transport that fails the test if anything is sent.
type offline struct{ t testing.TB }

func (o offline) RoundTrip(req *http.Request) (*http.Response, error) {
	o.t.Errorf("network used in replay: %s %s", req.Method, req.URL)
	return nil, errors.New("offline")
}

func openRec(t *testing.T, path string, opts httprr.Options) *httprr.Recorder {
	t.Helper()
	r, err := httprr.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// chatClient returns a go-openai client that sends through rec.
func chatClient(srvURL string, rec *httprr.Recorder) *openai.Client {
	cfg := openai.DefaultConfig(secretKey)
	cfg.BaseURL = srvURL
	cfg.HTTPClient = rec.Client()
	return openai.NewClientWithConfig(cfg)
}

func ask(t *testing.T, c *openai.Client, ctx context.Context, q string) string {
	t.Helper()
	resp, err := c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: "gpt-test", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: q}}, Seed: new(int),
	})
	if err != nil {
		t.Fatalf("CreateChatCompletion(%q): %v", q, err)
	}
	return resp.Choices[0].Message.Content
}

func TestRecordReplay(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{APIKey: secretKey, Dimensions: 8,
		Handler: func(r openaitest.Request) openaitest.Reply {
			if r.Chat != nil {
				return openaitest.Reply{Content: "echo: " + r.Chat.Messages[0].Content}
			}
			return openaitest.Reply{}
		}})
	path := filepath.Join(t.TempDir(), "c.cassette")

	rec := openRec(t, path, httprr.Options{Mode: httprr.Record, Salt: "corpus-1", Transport: srv.Client().Transport})
	c := chatClient(srv.URL(), rec)
	var wg sync.WaitGroup
	for _, q := range []string{"b", "a", "c"} {
		wg.Add(1)
		go func() { defer wg.Done(); ask(t, c, t.Context(), q) }()
	}
	wg.Wait()
	if _, err := c.CreateEmbeddings(t.Context(), openai.EmbeddingRequestStrings{Input: []string{"x y"}, Model: "emb"}); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if st := rec.Stats(); st.Recorded != 4 || st.Sent != 4 {
		t.Errorf("Stats = %+v; want 4 recorded", st)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(first, []byte(secretKey)) || bytes.Contains(first, []byte("Bearer")) {
		t.Errorf("cassette contains the API key:\n%s", first)
	}
	if !bytes.HasPrefix(first, []byte(`{"format":"bedside-httprr/1"}`+"\n")) {
		t.Errorf("cassette header = %q", first[:min(40, len(first))])
	}

	for run := range 2 {
		rep := openRec(t, path, httprr.Options{Salt: "corpus-1", Transport: offline{t}})
		var events []httprr.Event
		var mu sync.Mutex
		ctx := httprr.WithObserver(t.Context(), func(e httprr.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
		c := chatClient("http://unused.invalid/v1", rep)
		for _, q := range []string{"a", "b", "c"} {
			if got := ask(t, c, ctx, q); got != "echo: "+q {
				t.Errorf("run %d: replayed %q; want %q", run, got, "echo: "+q)
			}
		}
		if err := rep.Close(); err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 || !events[0].Replayed || events[0].Status != 200 {
			t.Errorf("run %d: events = %+v; want 3 replayed", run, events)
		}
		again, _ := os.ReadFile(path)
		if !bytes.Equal(first, again) {
			t.Errorf("run %d: replay changed the cassette", run)
		}
	}

	// Re-recording the same requests gives the same bytes.
	rec2 := openRec(t, path, httprr.Options{Mode: httprr.Record, Salt: "corpus-1", Transport: srv.Client().Transport})
	c2 := chatClient(srv.URL(), rec2)
	for _, q := range []string{"c", "a", "b"} {
		ask(t, c2, t.Context(), q)
	}
	rec2.Close()
	if again, _ := os.ReadFile(path); !sameIgnoringElapsed(first, again) {
		t.Errorf("re-recording changed the cassette:\n%s\nthen\n%s", first, again)
	}
}

// sameIgnoringElapsed compares cassettes except for recorded durations and
// the fake server's response IDs, which count its requests.
func sameIgnoringElapsed(a, b []byte) bool {
	id := regexp.MustCompile(`"id":"chatcmpl-openaitest-\d+"`)
	strip := func(b []byte) string {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if i := strings.Index(l, `,"elapsed_ms"`); i >= 0 {
				l = l[:i]
			}
			out = append(out, id.ReplaceAllString(l, ""))
		}
		return strings.Join(out, "\n")
	}
	return strip(a) == strip(b)
}

func TestReplayMissing(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{Handler: func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "ok"}
	}})
	path := filepath.Join(t.TempDir(), "c.cassette")
	rec := openRec(t, path, httprr.Options{Mode: httprr.Record, Salt: "s1", Transport: srv.Client().Transport})
	ask(t, chatClient(srv.URL(), rec), t.Context(), "recorded")
	rec.Close()

	tests := []struct {
		name, salt, question, hint string
	}{
		{"other body", "s1", "never recorded", "other request bodies"},
		{"other salt", "s2", "recorded", `salt "s1", but this run's salt is "s2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := openRec(t, path, httprr.Options{Salt: tt.salt, Transport: offline{t}})
			_, err := chatClient("http://x.invalid/v1", rep).CreateChatCompletion(t.Context(), openai.ChatCompletionRequest{
				Model: "gpt-test", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: tt.question}}, Seed: new(int)})
			var me *httprr.MissingError
			if !errors.As(err, &me) || !errors.Is(err, httprr.ErrMissing) {
				t.Fatalf("replay of an unrecorded request: err = %v; want *MissingError", err)
			}
			msg := err.Error()
			for _, want := range []string{"POST /v1/chat/completions", path, tt.hint} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
	if _, err := httprr.Open(filepath.Join(t.TempDir(), "none"), httprr.Options{}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open(missing file) in replay = %v; want a does-not-exist error", err)
	}
}

func TestFailuresNotRecorded(t *testing.T) {
	srv := openaitest.New(t, openaitest.Options{})
	srv.Enqueue(
		openaitest.Reply{Status: 429},
		openaitest.Reply{Status: 500},
		openaitest.Reply{Status: 400},
		openaitest.Reply{Content: "fine", Cut: true},
		openaitest.Reply{Content: "fine"},
	)
	path := filepath.Join(t.TempDir(), "c.cassette")
	rec := openRec(t, path, httprr.Options{Mode: httprr.RecordMissing, Transport: srv.Client().Transport})
	hc := rec.Client()
	body := `{"model":"m","messages":[{"role":"user","content":"q"}]}`
	var statuses []string
	for range 5 {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL()+"/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			statuses = append(statuses, "error")
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.Status[:3])
	}
	if got := strings.Join(statuses, " "); got != "429 500 400 error 200" {
		t.Errorf("statuses = %s; want 429 500 400 error 200", got)
	}
	if rec.Len() != 1 {
		t.Errorf("recorded %d exchanges; want only the success", rec.Len())
	}
	rec.Close()
	// A sixth identical request is replayed, not sent.
	rep := openRec(t, path, httprr.Options{Transport: offline{t}})
	req, _ := http.NewRequest("POST", "http://elsewhere.invalid/v1/chat/completions", strings.NewReader(body))
	resp, err := rep.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `"content":"fine"`) {
		t.Errorf("replayed body = %s", b)
	}
}

func TestCanonicalKeyAndScrubbing(t *testing.T) {
	var sent []*http.Request
	echo := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent = append(sent, req)
		b, _ := io.ReadAll(req.Body)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Date": {"now"}},
			Body: io.NopCloser(bytes.NewReader(b))}, nil
	})
	path := filepath.Join(t.TempDir(), "c.cassette")
	rec := openRec(t, path, httprr.Options{Mode: httprr.RecordMissing, Transport: echo})
	do := func(url, body string) {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("api-key", "azure-secret-123")
		resp, err := rec.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	do("https://a.example/openai/deployments/d/chat/completions?api-version=1&key=url-secret-456", `{"b":1, "a":[1,2], "k":"azure-secret-123"}`)
	// Same request, other key order, other host, other credentials: replayed.
	do("https://b.example/openai/deployments/d/chat/completions?key=other-secret&api-version=1", `{"a":[1,2],"b":1,"k":"azure-secret-123"}`)
	if len(sent) != 1 {
		t.Errorf("sent %d requests; want 1 (the second is the same request)", len(sent))
	}
	// A changed parameter is a new key.
	do("https://a.example/openai/deployments/d/chat/completions?api-version=2", `{"a":[1,2],"b":1}`)
	if len(sent) != 2 {
		t.Errorf("sent %d requests; want 2", len(sent))
	}
	rec.Close()
	b, _ := os.ReadFile(path)
	for _, secret := range []string{"azure-secret-123", "url-secret-456", "other-secret", "a.example", "Date"} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("cassette contains %q:\n%s", secret, b)
		}
	}
	if !bytes.Contains(b, []byte(`"url":"/openai/deployments/d/chat/completions?api-version=1"`)) {
		t.Errorf("cassette lacks the cleaned URL:\n%s", b)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTornJournal(t *testing.T) {
	n := 0
	tr := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		n++
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}},
			Body: io.NopCloser(strings.NewReader("answer"))}, nil
	})
	path := filepath.Join(t.TempDir(), "c.cassette")
	rec := openRec(t, path, httprr.Options{Mode: httprr.Record, Transport: tr})
	for _, b := range []string{"one", "two"} {
		req, _ := http.NewRequest("POST", "http://x/p", strings.NewReader(b))
		resp, err := rec.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// Simulate a crash: no Close, and a torn line at the end.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"key":"abc","meth`)
	f.Close()

	rep := openRec(t, path, httprr.Options{Transport: offline{t}})
	if rep.Len() != 2 {
		t.Errorf("after a crash the cassette holds %d exchanges; want 2", rep.Len())
	}
	// Recording again repairs the file.
	rec2 := openRec(t, path, httprr.Options{Mode: httprr.RecordMissing, Transport: tr})
	if err := rec2.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "meth\n") || strings.Count(string(b), "\n") != 3 {
		t.Errorf("repaired cassette:\n%s", b)
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range []httprr.Mode{httprr.Replay, httprr.Record, httprr.RecordMissing, httprr.Live} {
		if got, err := httprr.ParseMode(m.String()); err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", m.String(), got, err, m)
		}
	}
	if _, err := httprr.ParseMode("replayy"); err == nil {
		t.Errorf("ParseMode(replayy) succeeded")
	}
}

package openaiembed_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf/openaiconftest"
	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
)

var _ retrieval.Embedder = (*openaiembed.Embedder)(nil)

// client describes the package to the conformance suite.
var client = openaiconftest.Client[openaiembed.Config, *openaiembed.Embedder]{
	Prefix:                 "openaiembed: ",
	DefaultAzureAPIVersion: openaiembed.DefaultAzureAPIVersion,
	Config: func(s openaiconftest.Settings) openaiembed.Config {
		c := openaiembed.Config{BaseURL: s.BaseURL, Model: s.Model, Azure: (*openaiembed.Azure)(s.Azure),
			HTTPClient: s.HTTPClient, Retry: s.Retry}
		c.SetAPIKey(s.APIKey)
		return c
	},
	New: openaiembed.New,
	Calls: map[string]func(context.Context, *openaiembed.Embedder) error{
		"Embed": func(ctx context.Context, e *openaiembed.Embedder) error {
			_, err := e.Embed(ctx, []string{"x"})
			return err
		},
	},
}

func TestConformance(t *testing.T) { openaiconftest.Run(t, client) }

// setup starts a fake server requiring openaiconftest.APIKey and returns an
// embedder for it whose retries wait no time. edit, if not nil, adjusts the
// config first.
func setup(tb testing.TB, opts openaitest.Options, edit func(*openaiembed.Config)) (*openaitest.Server, *openaiembed.Embedder) {
	tb.Helper()
	srv, e, _ := openaiconftest.Start(tb, client, opts, edit)
	return srv, e
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("guidance passage %d about sepsis and fluids", i)
	}
	return out
}

func unit(v []float32) []float32 { return retrieval.Normalize(slices.Clone(v)) }

func near(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return true
}

func TestWireFormat(t *testing.T) {
	for _, tc := range []struct {
		name     string
		encoding openai.EmbeddingEncodingFormat
		dims     int
		wantBody func(input []string) map[string]any
	}{
		{"base64 default", "", 8, func(in []string) map[string]any {
			return map[string]any{"input": in, "model": "text-embedding-3-small", "encoding_format": "base64", "dimensions": 8}
		}},
		{"float", openai.EmbeddingEncodingFormatFloat, 8, func(in []string) map[string]any {
			return map[string]any{"input": in, "model": "text-embedding-3-small", "encoding_format": "float", "dimensions": 8}
		}},
		{"model dimensions", "", 0, func(in []string) map[string]any {
			return map[string]any{"input": in, "model": "text-embedding-3-small", "encoding_format": "base64"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, e := setup(t, openaitest.Options{Dimensions: 12}, func(c *openaiembed.Config) {
				c.Dimensions, c.BatchSize, c.Concurrency, c.Encoding = tc.dims, 2, 1, tc.encoding
			})
			in := []string{"Sepsis in adults", "Give antibiotics within one hour", "Reassess lactate"}
			got, err := e.Embed(t.Context(), in)
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			wantDims := tc.dims
			if wantDims == 0 {
				wantDims = 12
			}
			for i, text := range in {
				if want := unit(openaitest.Vector(text, wantDims)); !near(got[i], want) {
					t.Errorf("Embed(...)[%d] = %v; want %v", i, got[i], want)
				}
			}

			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("requests = %d; want 2 (batches of 2)", len(reqs))
			}
			for i, batch := range [][]string{in[:2], in[2:]} {
				r := reqs[i]
				if r.Method != http.MethodPost || r.Path != "/v1/embeddings" || len(r.Query) != 0 {
					t.Errorf("request %d = %s %s?%s; want POST /v1/embeddings", i, r.Method, r.Path, r.Query.Encode())
				}
				for h, want := range map[string]string{
					"Authorization": "Bearer " + openaiconftest.APIKey,
					"Content-Type":  "application/json",
					"Accept":        "application/json",
				} {
					if got := r.Header.Get(h); got != want {
						t.Errorf("request %d header %s = %q; want %q", i, h, got, want)
					}
				}
				var body map[string]any
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("request %d body %s: %v", i, r.Body, err)
				}
				wantJSON, _ := json.Marshal(tc.wantBody(batch))
				var want map[string]any
				_ = json.Unmarshal(wantJSON, &want)
				if !reflect.DeepEqual(body, want) {
					t.Errorf("request %d body = %s; want %s", i, r.Body, wantJSON)
				}
			}
		})
	}
}

func TestNormalises(t *testing.T) {
	srv, e := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Embeddings: [][]float32{{3, 4}, {0, -2}}})
	got, err := e.Embed(t.Context(), []string{"a", "b"})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if want := [][]float32{{0.6, 0.8}, {0, -1}}; !near(got[0], want[0]) || !near(got[1], want[1]) {
		t.Errorf("Embed = %v; want %v", got, want)
	}
}

func TestOutOfOrderIndexes(t *testing.T) {
	srv, e := setup(t, openaitest.Options{}, nil)
	srv.Enqueue(openaitest.Reply{Body: `{"object":"list","model":"m","data":[` +
		`{"object":"embedding","index":1,"embedding":"` + openaitest.EncodeBase64([]float32{0, 1}) + `"},` +
		`{"object":"embedding","index":0,"embedding":"` + openaitest.EncodeBase64([]float32{1, 0}) + `"}]}`})
	got, err := e.Embed(t.Context(), []string{"first", "second"})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if want := [][]float32{{1, 0}, {0, 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Embed = %v; want %v (placed by index)", got, want)
	}
}

// countingDoer counts requests in flight and remembers the most at once.
type countingDoer struct {
	next     openai.HTTPDoer
	inFlight atomic.Int32
	peak     atomic.Int32
}

func (d *countingDoer) Do(req *http.Request) (*http.Response, error) {
	n := d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	for {
		p := d.peak.Load()
		if n <= p || d.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return d.next.Do(req)
}

func TestBatchingAndOrder(t *testing.T) {
	for _, tc := range []struct {
		n, batch, conc int
		wantRequests   int
	}{
		{103, 10, 4, 11},
		{103, 10, 1, 11},
		{5, 256, 4, 1},
		{64, 8, 16, 8},
	} {
		t.Run(fmt.Sprintf("%d texts by %d, %d at once", tc.n, tc.batch, tc.conc), func(t *testing.T) {
			// Earlier batches answer more slowly, so responses arrive out of order.
			handler := func(r openaitest.Request) openaitest.Reply {
				var first int
				fmt.Sscanf(r.Embedding.Input[0], "guidance passage %d", &first)
				return openaitest.Reply{Delay: time.Duration(tc.n-first) * 100 * time.Microsecond}
			}
			doer := new(countingDoer)
			srv, e := setup(t, openaitest.Options{Dimensions: 16, Handler: handler}, func(c *openaiembed.Config) {
				c.BatchSize, c.Concurrency = tc.batch, tc.conc
				doer.next = c.HTTPClient
				c.HTTPClient = doer
			})
			in := texts(tc.n)
			got, err := e.Embed(t.Context(), in)
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if len(got) != len(in) {
				t.Fatalf("len(Embed) = %d; want %d", len(got), len(in))
			}
			for i, text := range in {
				if want := unit(openaitest.Vector(text, 16)); !near(got[i], want) {
					t.Fatalf("Embed(...)[%d] is not the vector of %q", i, text)
				}
			}
			if srv.Count() != tc.wantRequests {
				t.Errorf("requests = %d; want %d", srv.Count(), tc.wantRequests)
			}
			var sent []string
			for _, r := range srv.Requests() {
				if len(r.Embedding.Input) > tc.batch {
					t.Errorf("a request carried %d inputs; want at most %d", len(r.Embedding.Input), tc.batch)
				}
				sent = append(sent, r.Embedding.Input...)
			}
			slices.Sort(sent)
			want := slices.Clone(in)
			slices.Sort(want)
			if !slices.Equal(sent, want) {
				t.Errorf("inputs sent = %d texts; want each of the %d exactly once", len(sent), len(in))
			}
			if peak := int(doer.peak.Load()); peak > tc.conc {
				t.Errorf("peak requests in flight = %d; want at most %d", peak, tc.conc)
			}
		})
	}
}

func TestConcurrencyIsUsed(t *testing.T) {
	doer := new(countingDoer)
	_, e := setup(t, openaitest.Options{Dimensions: 4, Latency: 20 * time.Millisecond}, func(c *openaiembed.Config) {
		c.BatchSize, c.Concurrency = 1, 4
		doer.next = c.HTTPClient
		c.HTTPClient = doer
	})
	if _, err := e.Embed(t.Context(), texts(8)); err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if peak := doer.peak.Load(); peak < 2 || peak > 4 {
		t.Errorf("peak requests in flight = %d; want 2..4", peak)
	}
}

func TestEmpty(t *testing.T) {
	srv, e := setup(t, openaitest.Options{}, nil)
	for _, in := range [][]string{nil, {}} {
		got, err := e.Embed(t.Context(), in)
		if got != nil || err != nil {
			t.Errorf("Embed(%q) = %v, %v; want nil, nil", in, got, err)
		}
	}
	if srv.Count() != 0 {
		t.Errorf("requests = %d; want 0", srv.Count())
	}
}

func TestHungServer(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, e := setup(t, openaitest.Options{Dimensions: 4, Handler: func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Hang: true}
	}}, func(c *openaiembed.Config) { c.BatchSize = 2 })
	start := time.Now() // before the deadline is set, which it is measured against
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := e.Embed(ctx, texts(20))
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Embed error = %v; want context.DeadlineExceeded", err)
	}
	if elapsed < 100*time.Millisecond || elapsed > time.Second {
		t.Errorf("Embed returned after %v; want at the 100ms deadline", elapsed)
	}
	if n := srv.Count(); n != openaiembed.DefaultConcurrency {
		t.Errorf("requests = %d; want %d (one per worker, none retried)", n, openaiembed.DefaultConcurrency)
	}
}

func TestFirstFailureCancelsTheRest(t *testing.T) {
	openaitest.CheckGoroutines(t)
	srv, e := setup(t, openaitest.Options{Dimensions: 4, Handler: func(r openaitest.Request) openaitest.Reply {
		if r.Embedding.Input[0] == "guidance passage 0 about sepsis and fluids" {
			return openaitest.Reply{Status: 400, Delay: 20 * time.Millisecond}
		}
		return openaitest.Reply{Hang: true}
	}}, func(c *openaiembed.Config) { c.BatchSize = 1 })
	start := time.Now()
	_, err := e.Embed(t.Context(), texts(8))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 {
		t.Errorf("Embed error = %v; want the 400", err)
	}
	if !strings.Contains(err.Error(), "texts 0..0 of 8") {
		t.Errorf("Embed error = %q; want it to name the failed texts", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Embed took %v; want the hung batches cancelled", d)
	}
	if srv.Count() > openaiembed.DefaultConcurrency {
		t.Errorf("requests = %d; want at most %d (no batch sent after the failure)", srv.Count(), openaiembed.DefaultConcurrency)
	}
}

func TestCallerCancelled(t *testing.T) {
	srv, e := setup(t, openaitest.Options{Dimensions: 4}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.Embed(ctx, texts(3))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Embed(cancelled ctx) error = %v; want context.Canceled", err)
	}
	if srv.Count() != 0 {
		t.Errorf("requests = %d; want 0", srv.Count())
	}
}

func TestBadResponses(t *testing.T) {
	b64 := openaitest.EncodeBase64
	body := func(items ...string) string {
		return `{"object":"list","model":"m","data":[` + strings.Join(items, ",") + `]}`
	}
	item := func(i int, v []float32) string {
		return fmt.Sprintf(`{"object":"embedding","index":%d,"embedding":%q}`, i, b64(v))
	}
	for _, tc := range []struct {
		name    string
		dims    int
		batch   int
		replies []openaitest.Reply
		want    string
		wantIs  error
	}{
		{"too few vectors", 0, 0, []openaitest.Reply{{Embeddings: [][]float32{{1, 0}}}}, "1 vectors for 2 texts", nil},
		{"too many vectors", 0, 0, []openaitest.Reply{{Embeddings: [][]float32{{1}, {1}, {1}}}}, "3 vectors for 2 texts", nil},
		{"index out of range", 0, 0, []openaitest.Reply{{Body: body(item(0, []float32{1}), item(2, []float32{1}))}}, "index 2 is outside 0..1", nil},
		{"repeated index", 0, 0, []openaitest.Reply{{Body: body(item(0, []float32{1}), item(0, []float32{1}))}}, "repeats index 0", nil},
		{"empty vector", 0, 0, []openaitest.Reply{{Embeddings: [][]float32{{1}, {}}}}, "empty vector at index 1", nil},
		{"dimensions differ in a batch", 0, 0, []openaitest.Reply{{Embeddings: [][]float32{{1, 0, 0}, {1, 0}}}}, "text 1 has 2, text 0 has 3", openaiembed.ErrDimensionMismatch},
		{"dimensions differ across batches", 0, 1, []openaitest.Reply{{Embeddings: [][]float32{{1, 0, 0}}}, {Embeddings: [][]float32{{1, 0}}}}, "text 1 has 2, text 0 has 3", openaiembed.ErrDimensionMismatch},
		{"not the dimensions asked for", 8, 0, []openaitest.Reply{{Embeddings: [][]float32{{1, 0}, {0, 1}}}}, "got 2, asked for 8", openaiembed.ErrDimensionMismatch},
		{"malformed JSON is not retried", 0, 0, []openaitest.Reply{{Malformed: true}}, "invalid character", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, e := setup(t, openaitest.Options{Dimensions: 4}, func(c *openaiembed.Config) {
				c.Dimensions, c.BatchSize, c.Concurrency = tc.dims, tc.batch, 1
			})
			srv.Enqueue(tc.replies...)
			got, err := e.Embed(t.Context(), []string{"a", "b"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Embed = %v, %v; want an error containing %q", got, err, tc.want)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.wantIs)
			}
			if srv.Count() != len(tc.replies) {
				t.Errorf("requests = %d; want %d", srv.Count(), len(tc.replies))
			}
		})
	}
}

func TestModel(t *testing.T) {
	for _, tc := range []struct {
		cfg  openaiembed.Config
		want string
	}{
		{openaiembed.Config{}, "text-embedding-3-small"},
		{openaiembed.Config{Dimensions: 512}, "text-embedding-3-small/512"},
		{openaiembed.Config{Model: "text-embedding-3-large", Dimensions: 1024}, "text-embedding-3-large/1024"},
		{openaiembed.Config{Model: "nomic-embed-text"}, "nomic-embed-text"},
	} {
		e, err := openaiembed.New(tc.cfg)
		if err != nil {
			t.Fatalf("New(%v): %v", tc.cfg, err)
		}
		if got := e.Model(); got != tc.want {
			t.Errorf("New(%v).Model() = %q; want %q", tc.cfg, got, tc.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  openaiembed.Config
		want string
	}{
		{"negative dimensions", openaiembed.Config{Dimensions: -1}, "Dimensions"},
		{"negative batch", openaiembed.Config{BatchSize: -1}, "BatchSize"},
		{"batch too large", openaiembed.Config{BatchSize: openaiembed.MaxBatchSize + 1}, "BatchSize"},
		{"negative concurrency", openaiembed.Config{Concurrency: -2}, "Concurrency"},
		{"unknown encoding", openaiembed.Config{Encoding: "binary"}, "Encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := openaiembed.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "openaiembed: ") {
				t.Errorf("New(%v) = %v, %v; want an openaiembed error naming %s", tc.cfg, e, err, tc.want)
			}
		})
	}
	if _, err := openaiembed.New(openaiembed.Config{BatchSize: openaiembed.MaxBatchSize, Encoding: openai.EmbeddingEncodingFormatFloat}); err != nil {
		t.Errorf("New(max batch, float) = %v; want nil", err)
	}
}

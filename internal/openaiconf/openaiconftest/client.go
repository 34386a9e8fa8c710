package openaiconftest

import (
	"context"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf"
	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/internal/retry/retrytest"
)

// APIKey is the key the servers of [Start] and [Run] require, and the
// secret [Run] looks for in what a client prints.
const APIKey = "sk-proj-TOPSECRET-0123456789abcdef"

// Settings are the fields every client package's Config has, as a user
// sets them. The zero value is a Config's zero value.
type Settings struct {
	APIKey     string // set with the package's SetAPIKey
	BaseURL    string
	Model      string
	Azure      *openaiconf.Azure
	HTTPClient openai.HTTPDoer
	Retry      retry.Policy
}

// Client describes one client package to [Run] and [Start]: C is its
// Config type and T its client, such as *openaiembed.Embedder.
type Client[C, T any] struct {
	// Prefix begins every error the package returns, as "openaiembed: ".
	Prefix string

	// DefaultAzureAPIVersion is the package's DefaultAzureAPIVersion.
	DefaultAzureAPIVersion string

	// Config returns the package's Config holding s.
	Config func(s Settings) C

	// New is the package's constructor.
	New func(C) (T, error)

	// Calls are the client's ways of making one request, by name (say
	// "Chat" and "ChatStream"); the suite runs its request tests with each.
	// A call must succeed on a reply with Content "ok" (embedding requests
	// ignore Content), reading the whole response, and must return the
	// client's error as it is.
	Calls map[string]func(ctx context.Context, client T) error
}

// Start starts an [openaitest.Server] with opts, requiring [APIKey], and
// returns a client of it made by c from a Config with APIKey, the server's
// URL and HTTP client, and a retry policy whose waits are recorded in the
// returned Sleeper instead of spent, each at its backoff ceiling (see
// [retrytest.Instant]). edit, if not nil, adjusts the Config first. An
// error from New fails tb.
func Start[C, T any](tb testing.TB, c Client[C, T], opts openaitest.Options, edit func(*C)) (*openaitest.Server, T, *retrytest.Sleeper) {
	tb.Helper()
	return start(tb, c, opts, nil, edit)
}

// start is [Start], with editSettings, if not nil, adjusting the Settings
// before the Config is made of them.
func start[C, T any](tb testing.TB, c Client[C, T], opts openaitest.Options, editSettings func(*Settings), edit func(*C)) (*openaitest.Server, T, *retrytest.Sleeper) {
	tb.Helper()
	opts.APIKey = APIKey
	srv := openaitest.New(tb, opts)
	policy, sleeper := retrytest.Instant(retry.Policy{})
	settings := Settings{APIKey: APIKey, BaseURL: srv.URL(), HTTPClient: srv.Client(), Retry: policy}
	if editSettings != nil {
		editSettings(&settings)
	}
	cfg := c.Config(settings)
	if edit != nil {
		edit(&cfg)
	}
	client, err := c.New(cfg)
	if err != nil {
		tb.Fatalf("New(%v): %v", cfg, err)
	}
	return srv, client, sleeper
}

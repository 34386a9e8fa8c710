package openaiembed

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf"
	"github.com/bedside-ai/bedside/internal/retry"
)

// Defaults for the zero [Config].
const (
	DefaultBaseURL         = "https://api.openai.com/v1"
	DefaultModel           = "text-embedding-3-small"
	DefaultBatchSize       = 256
	DefaultConcurrency     = 4
	DefaultAzureAPIVersion = "2024-10-21"
	MaxBatchSize           = 2048 // inputs per request the OpenAI API accepts
)

const (
	encodingFloat  = openai.EmbeddingEncodingFormatFloat
	encodingBase64 = openai.EmbeddingEncodingFormatBase64
)

// RetryPolicy says how the embedder retries failed requests: which
// failures, how many attempts, how long to wait. The zero value retries
// connection errors, 408, 409, 429 and 5xx up to 4 attempts with
// full-jitter backoff from 500ms to 20s, honouring Retry-After.
type RetryPolicy = retry.Policy

// Config configures an [Embedder]. The zero Config, given an API key with
// [DefaultConfig], talks to OpenAI's text-embedding-3-small.
//
// The API key is held unexported and never printed: Config's String,
// Format and LogValue show "[REDACTED]" in its place, and it is stored
// behind a pointer so that even reflection-based printing of a struct that
// embeds a Config shows an address, not the key.
type Config struct {
	key openaiconf.Key

	// BaseURL is the API's base URL, e.g. "http://localhost:11434/v1" for a
	// local OpenAI-compatible server. Empty means DefaultBaseURL. For Azure
	// it is the resource endpoint, "https://NAME.openai.azure.com", and is
	// required.
	BaseURL string

	// Model is the embedding model. Empty means DefaultModel. For Azure it
	// names the model the deployment serves (it keys the embedding cache).
	Model string

	// Dimensions asks the model for shorter vectors (text-embedding-3 and
	// later). Zero means the model's own size. It is part of
	// [Embedder.Model]'s name, since vectors of different sizes never mix.
	Dimensions int

	// BatchSize is the most texts sent in one request. Zero means
	// DefaultBatchSize; at most MaxBatchSize.
	BatchSize int

	// Concurrency is the most batch requests in flight at once. Zero means
	// DefaultConcurrency.
	Concurrency int

	// Encoding is how vectors travel: openai.EmbeddingEncodingFormatBase64
	// (the default when empty: little-endian float32s, about a quarter of
	// the bytes of decimal JSON) or openai.EmbeddingEncodingFormatFloat for
	// compatible servers that lack base64.
	Encoding openai.EmbeddingEncodingFormat

	// Azure, if set, talks to Azure OpenAI instead: requests go to
	// BaseURL/openai/deployments/<deployment>/embeddings with an
	// api-version and the key in the api-key header.
	Azure *Azure

	// HTTPClient sends requests. Nil means a new http.Client without a
	// timeout: bound each call with its ctx.
	HTTPClient openai.HTTPDoer

	// Retry is the retry policy for each batch request.
	Retry RetryPolicy
}

// Azure holds the Azure OpenAI settings of a [Config].
type Azure struct {
	// Deployment is the deployment name. Empty means Config.Model.
	Deployment string
	// APIVersion is the data-plane API version. Empty means
	// DefaultAzureAPIVersion, the first GA version with "dimensions" and
	// "encoding_format".
	APIVersion string
}

// DefaultConfig returns a Config for the OpenAI API that authenticates with
// apiKey. Set its other fields as needed.
func DefaultConfig(apiKey string) Config {
	return Config{key: openaiconf.NewKey(apiKey)}
}

// DefaultAzureConfig returns a Config for an Azure OpenAI resource at
// endpoint ("https://NAME.openai.azure.com") serving model through the
// named deployment, authenticating with apiKey.
func DefaultAzureConfig(apiKey, endpoint, deployment, model string) Config {
	return Config{
		key:     openaiconf.NewKey(apiKey),
		BaseURL: endpoint,
		Model:   model,
		Azure:   &Azure{Deployment: deployment},
	}
}

// SetAPIKey sets the API key; an empty key sends none (for local servers).
func (c *Config) SetAPIKey(key string) { c.key = openaiconf.NewKey(key) }

// conf returns the fields c shares with every OpenAI-compatible client.
func (c Config) conf() openaiconf.Config {
	return openaiconf.Config{
		Key:                    c.key,
		BaseURL:                c.BaseURL,
		DefaultBaseURL:         DefaultBaseURL,
		Model:                  cmp.Or(c.Model, DefaultModel),
		Azure:                  (*openaiconf.Azure)(c.Azure),
		HTTPClient:             c.HTTPClient,
		Retry:                  c.Retry,
		DefaultAzureAPIVersion: DefaultAzureAPIVersion,
	}
}

func (c Config) batchSize() int { return cmp.Or(c.BatchSize, DefaultBatchSize) }

func (c Config) concurrency() int { return cmp.Or(c.Concurrency, DefaultConcurrency) }

func (c Config) encoding() openai.EmbeddingEncodingFormat { return cmp.Or(c.Encoding, encodingBase64) }

// Validate reports the first unusable field.
func (c Config) Validate() error {
	switch {
	case c.Dimensions < 0:
		return fmt.Errorf("openaiembed: Dimensions %d is negative", c.Dimensions)
	case c.BatchSize < 0 || c.BatchSize > MaxBatchSize:
		return fmt.Errorf("openaiembed: BatchSize %d is outside 0..%d", c.BatchSize, MaxBatchSize)
	case c.Concurrency < 0:
		return fmt.Errorf("openaiembed: Concurrency %d is negative", c.Concurrency)
	case c.Encoding != "" && c.Encoding != encodingBase64 && c.Encoding != encodingFloat:
		return fmt.Errorf("openaiembed: Encoding %q is not %q or %q", c.Encoding, encodingBase64, encodingFloat)
	}
	if err := c.conf().Validate(); err != nil {
		return fmt.Errorf("openaiembed: %w", err)
	}
	return nil
}

// String describes c with the API key redacted.
func (c Config) String() string {
	return c.conf().Describe("openaiembed.Config", fmt.Sprintf("Dimensions: %d, BatchSize: %d, Concurrency: %d, Encoding: %q",
		c.Dimensions, c.batchSize(), c.concurrency(), c.encoding()))
}

// Format prints [Config.String] for every verb, %#v and %d included, so no
// formatting of a Config reveals the key.
func (c Config) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, c.String())
}

// LogValue implements slog.LogValuer with the API key redacted.
func (c Config) LogValue() slog.Value {
	return c.conf().LogGroup(
		slog.Int("dimensions", c.Dimensions),
		slog.Int("batch_size", c.batchSize()),
		slog.Int("concurrency", c.concurrency()),
		slog.String("encoding", string(c.encoding())),
	)
}

package openaillm

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
	DefaultModel           = "gpt-4o-mini"
	DefaultAzureAPIVersion = "2024-10-21"
)

// RetryPolicy says how the client retries failed requests: which failures,
// how many attempts, how long to wait. The zero value retries connection
// errors, 408, 409, 429 and 5xx up to 4 attempts with full-jitter backoff
// from 500ms to 20s, honouring Retry-After, and never waits past the ctx
// deadline.
type RetryPolicy = retry.Policy

// Config configures a [Model]. The zero Config, given an API key with
// [DefaultConfig], talks to OpenAI's gpt-4o-mini.
//
// The API key is held unexported and never printed: Config's String,
// Format and LogValue show "[REDACTED]" in its place, and it is stored
// behind a pointer so that even reflection-based printing of a struct that
// embeds a Config shows an address, not the key.
type Config struct {
	key openaiconf.Key

	// BaseURL is the API's base URL. Empty means DefaultBaseURL. Other
	// OpenAI-compatible servers differ only in it, the model name and the
	// key:
	//
	//	Ollama             http://localhost:11434/v1 (any key, or none)
	//	vLLM               http://localhost:8000/v1  (the --api-key, if set)
	//	llama.cpp server   http://localhost:8080/v1  (the --api-key, if set)
	//
	// For Azure it is the resource endpoint, "https://NAME.openai.azure.com",
	// and is required.
	BaseURL string

	// Model is the chat model, e.g. "gpt-4o", "llama3.1:8b" (Ollama) or the
	// model path vLLM serves. Empty means DefaultModel. For Azure it names
	// the model the deployment serves; it is what ModelName reports.
	Model string

	// Azure, if set, talks to Azure OpenAI instead: requests go to
	// BaseURL/openai/deployments/<deployment>/chat/completions with an
	// api-version and the key in the api-key header.
	Azure *Azure

	// HTTPClient sends requests. Nil means a new http.Client without a
	// timeout: bound each call with its ctx.
	HTTPClient openai.HTTPDoer

	// Retry is the retry policy for each call, and for opening each
	// stream.
	Retry RetryPolicy

	// LegacyMaxTokens sends Request.MaxTokens as "max_tokens" instead of
	// "max_completion_tokens". OpenAI has deprecated max_tokens (its
	// reasoning models reject it), but some compatible servers read only
	// max_tokens; a server that ignores max_completion_tokens ignores the
	// cap.
	LegacyMaxTokens bool

	// FixedSampling declares a model that accepts no sampling settings:
	// OpenAI's reasoning models (o1, o3, o4-mini, gpt-5) reject any
	// temperature but the default. Requests then carry no temperature, and
	// a Request with a Temperature or TopP other than 0 fails with
	// llm.ErrUnsupported. Without it, every request carries a temperature,
	// 0 included.
	FixedSampling bool
}

// Azure holds the Azure OpenAI settings of a [Config].
type Azure struct {
	// Deployment is the deployment name. Empty means Config.Model.
	Deployment string
	// APIVersion is the data-plane API version. Empty means
	// DefaultAzureAPIVersion, a GA version with json_schema structured
	// outputs, seed and stream usage.
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

// Validate reports the first unusable field.
func (c Config) Validate() error {
	if err := c.conf().Validate(); err != nil {
		return fmt.Errorf("openaillm: %w", err)
	}
	return nil
}

// String describes c with the API key redacted.
func (c Config) String() string {
	return c.conf().Describe("openaillm.Config",
		fmt.Sprintf("LegacyMaxTokens: %t, FixedSampling: %t", c.LegacyMaxTokens, c.FixedSampling))
}

// Format prints [Config.String] for every verb, %#v and %d included, so no
// formatting of a Config reveals the key.
func (c Config) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, c.String())
}

// LogValue implements slog.LogValuer with the API key redacted.
func (c Config) LogValue() slog.Value {
	return c.conf().LogGroup(
		slog.Bool("legacy_max_tokens", c.LegacyMaxTokens),
		slog.Bool("fixed_sampling", c.FixedSampling),
	)
}

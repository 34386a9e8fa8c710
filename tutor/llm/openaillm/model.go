package openaillm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/tutor/llm"
)

// ErrNoChoices reports a completion response without any choice in it.
var ErrNoChoices = errors.New("openaillm: response has no choices")

// Model is an [llm.Model], [llm.Streamer] and [llm.Namer] for one chat
// model behind an OpenAI-compatible API. It is safe for concurrent use.
type Model struct {
	// create and stream are the go-openai client's methods. Only func
	// values are kept: fmt prints a func as an address, whereas printing
	// a struct that holds a *openai.Client with %s or %q dumps the
	// client, API key and all.
	create func(context.Context, openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
	stream func(context.Context, openai.ChatCompletionRequest) (*openai.ChatCompletionStream, error)

	cfg           Config // for String and LogValue: key replaced by a marker, URL redacted
	model         string
	retry         retry.Policy
	legacyMax     bool
	fixedSampling bool
}

var (
	_ llm.Model      = (*Model)(nil)
	_ llm.Streamer   = (*Model)(nil)
	_ llm.Namer      = (*Model)(nil)
	_ slog.LogValuer = (*Model)(nil)
	_ slog.LogValuer = Config{}
	_ fmt.Formatter  = Config{}
)

// New returns a Model for cfg, or an error naming the first unusable
// field.
func New(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	conf := cfg.conf()
	cc := conf.ClientConfig()
	if !cfg.FixedSampling {
		cc.HTTPClient = zeroTemperature{next: cc.HTTPClient}
	}
	client := openai.NewClientWithConfig(cc)
	m := &Model{
		create:        client.CreateChatCompletion,
		stream:        client.CreateChatCompletionStream,
		model:         conf.Model,
		retry:         cfg.Retry,
		legacyMax:     cfg.LegacyMaxTokens,
		fixedSampling: cfg.FixedSampling,
	}
	cfg.key = cfg.key.Masked()
	cfg.BaseURL = openaiconf.RedactURL(cfg.BaseURL)
	cfg.HTTPClient = nil
	m.cfg = cfg
	return m, nil
}

// ModelName returns the configured model name, for provenance.
func (m *Model) ModelName() string { return m.model }

// String describes the model without its API key.
func (m *Model) String() string {
	return "openaillm.Model{" + m.cfg.String() + "}"
}

// LogValue implements slog.LogValuer, without the API key.
func (m *Model) LogValue() slog.Value { return m.cfg.LogValue() }

// Chat sends req as one chat completion, retried under [Config.Retry],
// and returns the first choice. A failure wraps the provider's error (an
// *openai.APIError, say) and, once the request was sent, a *retry.Error
// saying how many attempts were made and why they stopped.
func (m *Model) Chat(ctx context.Context, req llm.Request) (*llm.Response, error) {
	cr, err := m.request(req)
	if err != nil {
		return nil, err
	}
	var resp openai.ChatCompletionResponse
	err = m.retry.Do(ctx, func(ctx context.Context) error {
		var err error
		resp, err = m.create(ctx, cr)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("openaillm: %w", err)
	}
	if len(resp.Choices) == 0 {
		return nil, ErrNoChoices
	}
	c := resp.Choices[0]
	return &llm.Response{
		Content:      c.Message.Content,
		Refusal:      c.Message.Refusal,
		Model:        resp.Model,
		FinishReason: string(c.FinishReason),
		Usage:        usage(resp.Usage),
	}, nil
}

// ChatStream opens a streamed chat completion, asking for the usage in the
// final chunk. Opening is retried under [Config.Retry] as Chat is, up to
// the response headers; after that nothing is retried (see [llm.Streamer]).
func (m *Model) ChatStream(ctx context.Context, req llm.Request) (llm.Stream, error) {
	cr, err := m.request(req)
	if err != nil {
		return nil, err
	}
	cr.Stream = true
	cr.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	var s *openai.ChatCompletionStream
	err = m.retry.Do(ctx, func(ctx context.Context) error {
		var err error
		s, err = m.stream(ctx, cr)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("openaillm: %w", err)
	}
	return &stream{ctx: ctx, s: s}, nil
}

// request validates req and maps it onto go-openai's request.
func (m *Model) request(req llm.Request) (openai.ChatCompletionRequest, error) {
	if err := req.Validate(); err != nil {
		return openai.ChatCompletionRequest{}, fmt.Errorf("openaillm: %w", err)
	}
	if m.fixedSampling && (req.Temperature != 0 || req.TopP != 0) {
		return openai.ChatCompletionRequest{}, fmt.Errorf(
			"openaillm: %w: Temperature %v, TopP %v: model %q takes no sampling settings (Config.FixedSampling)",
			llm.ErrUnsupported, req.Temperature, req.TopP, m.model)
	}
	cr := openai.ChatCompletionRequest{
		Model:       m.model,
		Messages:    make([]openai.ChatCompletionMessage, len(req.Messages)),
		Temperature: float32(req.Temperature), // 0 is omitted by go-openai and restored by zeroTemperature
		TopP:        float32(req.TopP),        // 0 is omitted: the provider's default
		Stop:        slices.Clone(req.Stop),
	}
	for i, msg := range req.Messages {
		cr.Messages[i] = openai.ChatCompletionMessage{Role: string(msg.Role), Content: msg.Content}
	}
	if req.Seed != nil {
		seed := *req.Seed
		cr.Seed = &seed
	}
	if m.legacyMax {
		cr.MaxTokens = req.MaxTokens
	} else {
		cr.MaxCompletionTokens = req.MaxTokens
	}
	switch f := req.Format; f.Type {
	case llm.FormatJSON:
		cr.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	case llm.FormatJSONSchema:
		cr.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:        f.Name,
				Description: f.Description,
				Schema:      json.RawMessage(slices.Clone(f.Schema)),
				Strict:      f.Strict,
			},
		}
	}
	return cr, nil
}

func usage(u openai.Usage) llm.Usage {
	return llm.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
}

package langchainllm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tmc/langchaingo/llms"

	"github.com/bedside-ai/bedside/tutor/llm"
)

// ErrNoChoices reports a langchaingo response without any choice in it.
var ErrNoChoices = errors.New("langchainllm: response has no choices")

// A Feature is a [llm.Request] setting that not every langchaingo model
// honours. Features combine with |.
type Feature uint

// The settings a wrapped model may be declared to ignore.
const (
	// Temperature: the model fixes its own sampling (OpenAI's reasoning
	// models, for instance, through langchaingo's openai package).
	Temperature Feature = 1 << iota
	// TopP: langchaingo's openai package (v0.1.14) does not send
	// CallOptions.TopP.
	TopP
	MaxTokens
	Seed
	Stop
	// JSONMode: the model has no JSON mode (llms.WithJSONMode).
	JSONMode

	allFeatures = JSONMode<<1 - 1
)

var featureNames = []string{"Temperature", "TopP", "MaxTokens", "Seed", "Stop", "JSONMode"}

// String lists the features in f, e.g. "TopP|Seed".
func (f Feature) String() string {
	var names []string
	for i, name := range featureNames {
		if f&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if rest := f &^ allFeatures; rest != 0 {
		names = append(names, fmt.Sprintf("Feature(%#x)", uint(rest)))
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, "|")
}

// Options configures a [Model]. The zero value passes every setting on and
// names the model by its Go type.
type Options struct {
	// Model, if set, is passed on every call with llms.WithModel (choosing
	// among the models the langchaingo client can reach) and is what
	// ModelName and Response.Model report. Set it to the model the client
	// was built for, so that provenance records name it.
	Model string

	// Unsupported declares the settings the wrapped model ignores. A
	// request that uses one fails with llm.ErrUnsupported instead of
	// having it dropped on the way: a Temperature or TopP other than 0,
	// a MaxTokens above 0, a Seed, Stop sequences, or FormatJSON.
	Unsupported Feature
}

// Model adapts a langchaingo llms.Model to [llm.Model], [llm.Streamer]
// and [llm.Namer]. It is safe for concurrent use if the wrapped model is.
type Model struct {
	lc          llms.Model
	model       string
	name        string
	unsupported Feature
}

var (
	_ llm.Model    = (*Model)(nil)
	_ llm.Streamer = (*Model)(nil)
	_ llm.Namer    = (*Model)(nil)
)

// New returns a Model that sends requests to m.
func New(m llms.Model, opts Options) (*Model, error) {
	if m == nil {
		return nil, errors.New("langchainllm: nil llms.Model")
	}
	if rest := opts.Unsupported &^ allFeatures; rest != 0 {
		return nil, fmt.Errorf("langchainllm: unknown Unsupported features %v", rest)
	}
	if strings.TrimSpace(opts.Model) != opts.Model {
		return nil, fmt.Errorf("langchainllm: Model %q has surrounding space", opts.Model)
	}
	name := opts.Model
	if name == "" {
		name = fmt.Sprintf("langchaingo/%T", m)
	}
	return &Model{lc: m, model: opts.Model, name: name, unsupported: opts.Unsupported}, nil
}

// ModelName returns [Options.Model], or "langchaingo/" and the wrapped
// model's Go type (such as "langchaingo/*openai.LLM") when it is empty.
func (m *Model) ModelName() string { return m.name }

// Chat sends req through the wrapped model's GenerateContent, once: the
// wrapped model owns any retrying.
func (m *Model) Chat(ctx context.Context, req llm.Request) (*llm.Response, error) {
	msgs, opts, err := m.call(req)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("langchainllm: %w", err)
	}
	resp, err := m.lc.GenerateContent(ctx, msgs, opts...)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	return m.response(resp)
}

func (m *Model) response(resp *llms.ContentResponse) (*llm.Response, error) {
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0] == nil {
		return nil, ErrNoChoices
	}
	c := resp.Choices[0]
	return &llm.Response{
		Content:      c.Content,
		Model:        m.model,
		FinishReason: finishReason(c.StopReason),
		Usage:        usage(c.GenerationInfo),
	}, nil
}

// wrap prefixes a provider's error and makes sure it says when ctx ended
// the call (not every langchaingo provider wraps ctx.Err()).
func wrap(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("langchainllm: %w: %w", ctxErr, err)
	}
	return fmt.Errorf("langchainllm: %w", err)
}

// call validates req and maps it onto langchaingo messages and call
// options.
func (m *Model) call(req llm.Request) ([]llms.MessageContent, []llms.CallOption, error) {
	if err := req.Validate(); err != nil {
		return nil, nil, fmt.Errorf("langchainllm: %w", err)
	}
	unsupported := func(detail string) error {
		return fmt.Errorf("langchainllm: %w: %s (%s)", llm.ErrUnsupported, detail, m.name)
	}
	var opts []llms.CallOption
	if m.model != "" {
		opts = append(opts, llms.WithModel(m.model))
	}

	switch {
	case m.unsupported&Temperature == 0:
		opts = append(opts, llms.WithTemperature(req.Temperature)) // 0 included
	case req.Temperature != 0:
		return nil, nil, unsupported(fmt.Sprintf("Temperature %v: the model takes no temperature", req.Temperature))
	}
	if req.TopP > 0 {
		if m.unsupported&TopP != 0 {
			return nil, nil, unsupported(fmt.Sprintf("TopP %v: the model ignores top_p", req.TopP))
		}
		opts = append(opts, llms.WithTopP(req.TopP))
	}
	if req.MaxTokens > 0 {
		if m.unsupported&MaxTokens != 0 {
			return nil, nil, unsupported(fmt.Sprintf("MaxTokens %d: the model ignores a token cap", req.MaxTokens))
		}
		opts = append(opts, llms.WithMaxTokens(req.MaxTokens))
	}
	if req.Seed != nil {
		switch {
		case m.unsupported&Seed != 0:
			return nil, nil, unsupported("Seed: the model ignores seeds")
		case *req.Seed == 0:
			return nil, nil, unsupported("Seed 0: langchaingo reads a zero seed as no seed")
		}
		opts = append(opts, llms.WithSeed(*req.Seed))
	}
	if len(req.Stop) > 0 {
		if m.unsupported&Stop != 0 {
			return nil, nil, unsupported("Stop: the model ignores stop sequences")
		}
		opts = append(opts, llms.WithStopWords(append([]string(nil), req.Stop...)))
	}
	switch req.Format.Type {
	case llm.FormatJSON:
		if m.unsupported&JSONMode != 0 {
			return nil, nil, unsupported("FormatJSON: the model has no JSON mode")
		}
		opts = append(opts, llms.WithJSONMode())
	case llm.FormatJSONSchema:
		return nil, nil, unsupported(fmt.Sprintf(
			"FormatJSONSchema %q: langchaingo has no per-call JSON schema option; use FormatJSON and validate the reply, or package openaillm",
			req.Format.Name))
	}

	msgs := make([]llms.MessageContent, len(req.Messages))
	for i, msg := range req.Messages {
		var role llms.ChatMessageType
		switch msg.Role {
		case llm.RoleSystem:
			role = llms.ChatMessageTypeSystem
		case llm.RoleUser:
			role = llms.ChatMessageTypeHuman
		case llm.RoleAssistant:
			role = llms.ChatMessageTypeAI
		}
		msgs[i] = llms.TextParts(role, msg.Content)
	}
	return msgs, opts, nil
}

// finishReason maps providers' stop reasons onto llm's: "stop" (OpenAI,
// Ollama), "end_turn" and "stop_sequence" (Anthropic), "STOP" (Google)
// become llm.FinishStop; "length", "max_tokens", "MAX_TOKENS" become
// llm.FinishLength; "content_filter" and "SAFETY" become
// llm.FinishContentFilter. Others pass through unchanged.
func finishReason(s string) string {
	switch strings.ToLower(s) {
	case "stop", "end_turn", "stop_sequence":
		return llm.FinishStop
	case "length", "max_tokens":
		return llm.FinishLength
	case "content_filter", "safety":
		return llm.FinishContentFilter
	}
	return s
}

// usage reads token counts from a choice's GenerationInfo. The keys differ
// by provider: PromptTokens, CompletionTokens and TotalTokens (openai,
// ollama, googleai, mistral), or InputTokens and OutputTokens (anthropic,
// bedrock). A missing total is the sum of the other two.
func usage(info map[string]any) llm.Usage {
	first := func(keys ...string) int {
		for _, k := range keys {
			if n, ok := count(info[k]); ok {
				return n
			}
		}
		return 0
	}
	u := llm.Usage{
		PromptTokens:     first("PromptTokens", "InputTokens", "input_tokens", "prompt_tokens"),
		CompletionTokens: first("CompletionTokens", "OutputTokens", "output_tokens", "completion_tokens"),
		TotalTokens:      first("TotalTokens", "total_tokens"),
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	return u
}

// count reads a token count of any numeric type.
func count(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(n), true
	case uint:
		return int(n), true
	case uint32:
		return int(n), true
	case uint64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case float32:
		return int(n), n == float32(int(n))
	}
	return 0, false
}

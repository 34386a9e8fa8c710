package openaiembed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/retrieval"
)

// ErrDimensionMismatch reports vectors of different lengths in one
// result, or of a length other than [Config.Dimensions].
var ErrDimensionMismatch = errors.New("openaiembed: vector dimensions differ")

// Embedder embeds texts through an OpenAI-compatible embeddings API. It is
// safe for concurrent use.
type Embedder struct {
	// create is the go-openai client's CreateEmbeddings. Only a func value
	// is kept: fmt prints a func as an address, whereas printing a struct
	// that holds a *openai.Client with %s or %q dumps the client, API key
	// and all.
	create func(context.Context, openai.EmbeddingRequestConverter) (openai.EmbeddingResponse, error)
	cfg    Config // for String and LogValue: key replaced by a marker, URL redacted
	name   string
	model  openai.EmbeddingModel
	dims   int
	batch  int
	conc   int
	enc    openai.EmbeddingEncodingFormat
	retry  retry.Policy
}

var (
	_ retrieval.Embedder = (*Embedder)(nil)
	_ slog.LogValuer     = (*Embedder)(nil)
	_ slog.LogValuer     = Config{}
	_ fmt.Formatter      = Config{}
)

// New returns an Embedder for cfg, or an error naming the first unusable
// field.
func New(cfg Config) (*Embedder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	conf := cfg.conf()
	e := &Embedder{
		create: openai.NewClientWithConfig(conf.ClientConfig()).CreateEmbeddings,
		model:  openai.EmbeddingModel(conf.Model),
		dims:   cfg.Dimensions,
		batch:  cfg.batchSize(),
		conc:   cfg.concurrency(),
		enc:    cfg.encoding(),
		retry:  cfg.Retry,
	}
	e.name = conf.Model
	if cfg.Dimensions > 0 {
		e.name += "/" + strconv.Itoa(cfg.Dimensions)
	}
	cfg.key = cfg.key.Masked()
	cfg.BaseURL = openaiconf.RedactURL(cfg.BaseURL)
	cfg.HTTPClient = nil
	e.cfg = cfg
	return e, nil
}

// Model names the model and, when set, the dimensions: for example
// "text-embedding-3-small" or "text-embedding-3-small/512".
func (e *Embedder) Model() string { return e.name }

// String describes the embedder without its API key.
func (e *Embedder) String() string {
	return "openaiembed.Embedder{" + e.cfg.String() + "}"
}

// LogValue implements slog.LogValuer, without the API key.
func (e *Embedder) LogValue() slog.Value { return e.cfg.LogValue() }

// Embed returns one unit-length vector per text, in the order of texts. It
// sends texts in batches of [Config.BatchSize], up to [Config.Concurrency]
// at a time, each retried under [Config.Retry]. The first batch to fail
// cancels the rest and its error is returned; it wraps the provider's error
// (an *openai.APIError, say) and, when retries were involved, a
// *retry.Error. An empty texts returns nil without a request.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	out := make([][]float32, len(texts))
	batches := (len(texts) + e.batch - 1) / e.batch

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
		jobs     = make(chan int)
	)
	for range min(e.conc, batches) {
		wg.Go(func() {
			for b := range jobs {
				if err := ctx.Err(); err != nil { // a batch failed or the caller gave up
					once.Do(func() { firstErr = fmt.Errorf("openaiembed: %w", err) })
					continue
				}
				lo := b * e.batch
				hi := min(lo+e.batch, len(texts))
				if err := e.embedBatch(ctx, texts[lo:hi], out[lo:hi]); err != nil {
					once.Do(func() {
						firstErr = fmt.Errorf("openaiembed: texts %d..%d of %d: %w", lo, hi-1, len(texts), err)
						cancel()
					})
				}
			}
		})
	}
	sent := 0
feed:
	for b := range batches {
		select {
		case jobs <- b:
			sent++
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if sent < batches { // the caller's ctx ended before every batch was sent
		return nil, fmt.Errorf("openaiembed: %w", ctx.Err())
	}
	for i, v := range out {
		if len(v) != len(out[0]) {
			return nil, fmt.Errorf("%w: text %d has %d, text 0 has %d", ErrDimensionMismatch, i, len(v), len(out[0]))
		}
	}
	return out, nil
}

// embedBatch embeds texts into dst (of the same length).
func (e *Embedder) embedBatch(ctx context.Context, texts []string, dst [][]float32) error {
	req := openai.EmbeddingRequestStrings{Input: texts, Model: e.model, EncodingFormat: e.enc, Dimensions: e.dims}
	var resp openai.EmbeddingResponse
	err := e.retry.Do(ctx, func(ctx context.Context) error {
		var err error
		resp, err = e.create(ctx, req)
		return err
	})
	if err != nil {
		return err
	}
	if len(resp.Data) != len(texts) {
		return fmt.Errorf("response has %d vectors for %d texts", len(resp.Data), len(texts))
	}
	for _, d := range resp.Data {
		switch {
		case d.Index < 0 || d.Index >= len(texts):
			return fmt.Errorf("response index %d is outside 0..%d", d.Index, len(texts)-1)
		case dst[d.Index] != nil:
			return fmt.Errorf("response repeats index %d", d.Index)
		case len(d.Embedding) == 0:
			return fmt.Errorf("response has an empty vector at index %d", d.Index)
		case e.dims > 0 && len(d.Embedding) != e.dims:
			return fmt.Errorf("%w: got %d, asked for %d", ErrDimensionMismatch, len(d.Embedding), e.dims)
		}
		dst[d.Index] = retrieval.Normalize(d.Embedding)
	}
	return nil
}

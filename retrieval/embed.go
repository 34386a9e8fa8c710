package retrieval

import (
	"context"
	"math"
)

// An Embedder turns texts into vectors.
//
// Embed returns one vector per text, in order, all of the same length.
// Implementations must be safe for concurrent use and must honour ctx;
// they own their retries.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the model and any settings that change its vectors, e.g.
	// "text-embedding-3-small/512". It keys the embedding cache: vectors from
	// different models are never mixed.
	Model() string
}

// A QueryEmbedder embeds queries differently from passages (for models
// trained with "query:" and "passage:" prefixes, say). [Library.Search] uses
// it when the embedder has it.
type QueryEmbedder interface {
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

// EmbedFunc is the one function an embedding provider needs to supply.
type EmbedFunc func(ctx context.Context, texts []string) ([][]float32, error)

// NewEmbedder returns an [Embedder] that calls f and reports model as its name.
func NewEmbedder(model string, f EmbedFunc) Embedder {
	return funcEmbedder{model: model, f: f}
}

type funcEmbedder struct {
	model string
	f     EmbedFunc
}

func (e funcEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return e.f(ctx, texts)
}
func (e funcEmbedder) Model() string { return e.model }

// Normalize scales v to unit length in place and returns it. A zero vector is
// returned unchanged.
func Normalize(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
	return v
}

package retrieval

import (
	"context"
	"errors"
)

// defaultEmbedder is replaced by the local embedder once it lands.
func defaultEmbedder() Embedder {
	return NewEmbedder("none", func(context.Context, []string) ([][]float32, error) {
		return nil, errors.New("no embedder configured")
	})
}

package localembed

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// version names the feature scheme. Bump it whenever a change to the code or
// the tables changes any vector, so that cached vectors of the old scheme
// are never mixed with new ones.
const version = 1

// DefaultDim is the vector length used when [Options.Dim] is zero.
const DefaultDim = 384

// MaxDim is the largest [Options.Dim]: pgvector's limit for a vector column.
const MaxDim = 16000

// Options configures an [Embedder]. The zero value gives the defaults.
type Options struct {
	// Dim is the length of every vector, from 2 to [MaxDim]. Zero means
	// [DefaultDim] (384). More dimensions mean fewer hash collisions and
	// somewhat better ranking at the cost of storage; see the package
	// documentation for measured figures.
	Dim int

	// Symmetric makes Embed return plain cosine vectors, the same as
	// EmbedQuery's, so that any two texts can be compared: passage with
	// passage (to find duplicates, say) as well as question with passage.
	// By default Embed makes passage vectors with pivoted length
	// normalisation, which rank passages for a question embedded with
	// [Embedder.EmbedQuery] better (see the package documentation) but are
	// not meant to be compared with each other.
	Symmetric bool
}

// An Embedder turns texts into vectors with no model weights and no network.
// It satisfies retrieval.Embedder and retrieval.QueryEmbedder: embed
// passages with [Embedder.Embed] and questions with [Embedder.EmbedQuery].
// It is safe for concurrent use.
type Embedder struct {
	cfg   config
	lex   *lexicon
	model string
	pool  sync.Pool // of *featurizer
}

// New returns an Embedder configured by opts. It fails only if an option is
// out of range.
func New(opts Options) (*Embedder, error) {
	dim := opts.Dim
	if dim == 0 {
		dim = DefaultDim
	}
	if dim < 2 || dim > MaxDim {
		return nil, fmt.Errorf("localembed: Dim %d out of range [2, %d]", opts.Dim, MaxDim)
	}
	cfg := defaultConfig(dim)
	if opts.Symmetric {
		cfg.slope = 0
	}
	return newWithConfig(cfg), nil
}

func newWithConfig(cfg config) *Embedder {
	e := &Embedder{cfg: cfg, lex: buildLexicon(), model: cfg.model()}
	e.pool.New = func() any { return newFeaturizer(&e.cfg, e.lex) }
	return e
}

// Model names the scheme and every setting that changes vectors, e.g.
// "bedside-local-v1/384". Vectors from embedders with different Model
// strings must not be compared.
func (e *Embedder) Model() string { return e.model }

// Dim returns the length of the vectors e makes.
func (e *Embedder) Dim() int { return e.cfg.dim }

// minParallel is the batch size from which Embed spreads texts over
// goroutines; smaller batches (a query) are embedded on the caller's.
const minParallel = 16

// Embed returns one unit-length vector of [Embedder.Dim] values per text, in
// order. The same text always gives the bit-identical vector, on every run
// and machine. A text with no words (empty, or only punctuation) gets a
// fixed unit vector shared by all such texts.
//
// Embed spreads a large batch over GOMAXPROCS goroutines. It checks ctx
// between texts and returns ctx's error, wrapped, if ctx ends first.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("localembed: %w", err)
	}
	dim := e.cfg.dim
	backing := make([]float32, len(texts)*dim)
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = backing[i*dim : (i+1)*dim : (i+1)*dim]
	}
	workers := min(runtime.GOMAXPROCS(0), (len(texts)+minParallel-1)/minParallel)
	if workers <= 1 {
		f := e.pool.Get().(*featurizer)
		defer e.pool.Put(f)
		for i, t := range texts {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("localembed: %w", err)
			}
			f.embed(t, out[i], false)
		}
		return out, nil
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := e.pool.Get().(*featurizer)
			defer e.pool.Put(f)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(texts) || ctx.Err() != nil {
					return
				}
				f.embed(texts[i], out[i], false)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("localembed: %w", err)
	}
	return out, nil
}

// EmbedQuery returns the unit-length vector of a question, to be compared
// with passages' vectors from [Embedder.Embed]. It satisfies
// retrieval.QueryEmbedder.
func (e *Embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("localembed: %w", err)
	}
	out := make([]float32, e.cfg.dim)
	f := e.pool.Get().(*featurizer)
	defer e.pool.Put(f)
	f.embed(text, out, true)
	return out, nil
}

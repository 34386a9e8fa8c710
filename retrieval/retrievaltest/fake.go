package retrievaltest

import (
	"context"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
)

// Embedder is a deterministic fake [retrieval.Embedder]: each analysed term
// of a text adds a fixed pseudo-random vector, so texts sharing words are
// close. It counts the texts it embeds. The zero value has 32 dimensions.
type Embedder struct {
	// Dim is the vector length; default 32.
	Dim int
	// Name is the model name; default "retrievaltest-fake".
	Name string

	calls atomic.Int64
	texts atomic.Int64
}

var _ retrieval.Embedder = (*Embedder)(nil)

// Embed returns one unit vector per text.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.calls.Add(1)
	e.texts.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.vector(t)
	}
	return out, nil
}

// Model returns the model name.
func (e *Embedder) Model() string {
	if e.Name == "" {
		return "retrievaltest-fake"
	}
	return e.Name
}

// Calls returns the number of Embed calls so far.
func (e *Embedder) Calls() int { return int(e.calls.Load()) }

// Texts returns the number of texts embedded so far.
func (e *Embedder) Texts() int { return int(e.texts.Load()) }

func (e *Embedder) dim() int {
	if e.Dim <= 0 {
		return 32
	}
	return e.Dim
}

func (e *Embedder) vector(text string) []float32 {
	v := make([]float32, e.dim())
	for _, t := range terms.Analyze(text) {
		h := fnv.New64a()
		h.Write([]byte(t))
		s := h.Sum64()
		for i := range v {
			// xorshift64 stream seeded by the term.
			s ^= s << 13
			s ^= s >> 7
			s ^= s << 17
			v[i] += float32(int64(s%2001)-1000) / 1000
		}
	}
	if len(terms.Analyze(text)) == 0 {
		v[0] = 1
	}
	return retrieval.Normalize(v)
}

// Clock is a settable clock for stores' Now option. The zero value reads
// 2026-01-01T00:00:00Z (see [Clock.Now]).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// base is the zero Clock's time.
var base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		c.t = base
	}
	return c.t
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.Set(c.Now().Add(d))
}

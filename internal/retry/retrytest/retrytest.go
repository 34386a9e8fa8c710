package retrytest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/bedside-ai/bedside/internal/retry"
)

// Sleeper records the waits a [retry.Policy] asks for without spending
// them. Its Sleep is a [retry.Policy.Sleep]. The zero Sleeper is ready to
// use; it is safe for concurrent use.
type Sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep records d and returns at once, with ctx.Err().
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// Waits returns the waits recorded so far, in order.
func (s *Sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// Instant returns p with its sleeps recorded in a new [Sleeper] rather
// than spent, and with the largest jitter, so that each backoff wait is
// its ceiling.
func Instant(p retry.Policy) (retry.Policy, *Sleeper) {
	s := new(Sleeper)
	p.Sleep = s.Sleep
	p.Jitter = func(max time.Duration) time.Duration { return max }
	return p, s
}

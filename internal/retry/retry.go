package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Defaults used by the zero [Policy].
const (
	DefaultMaxAttempts   = 4
	DefaultBase          = 500 * time.Millisecond
	DefaultCap           = 20 * time.Second
	DefaultMaxRetryAfter = time.Minute
)

// Reasons for giving up, found in [Error.Reason] and matched with errors.Is.
var (
	// ErrExhausted means every attempt failed with a retryable error.
	ErrExhausted = errors.New("retry: attempts exhausted")
	// ErrPermanent means the last attempt failed with an error that
	// retrying cannot fix (a 400, 401, 403, 404, 422, a malformed response).
	ErrPermanent = errors.New("retry: error not retryable")
	// ErrWaitTooLong means the wait before the next attempt (the server's
	// Retry-After, or the backoff) would end at or after the context
	// deadline, or the server asked for more than [Policy.MaxRetryAfter].
	// Do returns at once rather than sleeping into a certain failure.
	ErrWaitTooLong = errors.New("retry: wait would pass the deadline")
)

// Policy says how often and how patiently [Policy.Do] retries. The zero
// Policy is ready to use: 4 attempts, full-jitter exponential backoff from
// 500ms capped at 20s, Retry-After honoured up to one minute.
//
// A Policy is a value; it holds no state and may be shared by goroutines
// provided its func fields are safe for concurrent use.
type Policy struct {
	// MaxAttempts is the total number of attempts, the first included.
	// Zero means 4; 1 disables retries. Negative is an error.
	MaxAttempts int

	// Base is the backoff ceiling after the first failure; the ceiling
	// doubles after each further failure up to Cap. The wait is drawn
	// uniformly from [0, ceiling] ("full jitter"). Zero means 500ms.
	Base time.Duration

	// Cap bounds the backoff ceiling. Zero means 20s. It does not bound a
	// server's Retry-After; MaxRetryAfter does.
	Cap time.Duration

	// MaxRetryAfter is the longest Retry-After the policy will honour;
	// a longer one ends the retries with [ErrWaitTooLong]. Zero means 1m.
	MaxRetryAfter time.Duration

	// Jitter returns a random duration in [0, max]. Nil means a uniform
	// draw from math/rand/v2. Tests set it for deterministic waits
	// (func(max time.Duration) time.Duration { return max }).
	Jitter func(max time.Duration) time.Duration

	// Sleep waits for d or until ctx is done, returning ctx.Err() in the
	// latter case. Nil means a timer that respects ctx. Tests set it to
	// record waits without spending them.
	Sleep func(ctx context.Context, d time.Duration) error

	// Now reads the clock, for HTTP-date Retry-After values and for the
	// time left before the ctx deadline. Nil means time.Now.
	Now func() time.Time

	// OnRetry, if set, is called before each wait with the number of the
	// attempt that just failed (1 for the first), the wait chosen and the
	// attempt's error. Use it for logging and metrics. It runs on the
	// goroutine that called Do.
	OnRetry func(attempt int, delay time.Duration, err error)
}

// Validate reports whether p's fields are usable.
func (p Policy) Validate() error {
	switch {
	case p.MaxAttempts < 0:
		return fmt.Errorf("retry: MaxAttempts %d is negative", p.MaxAttempts)
	case p.Base < 0:
		return fmt.Errorf("retry: Base %v is negative", p.Base)
	case p.Cap < 0:
		return fmt.Errorf("retry: Cap %v is negative", p.Cap)
	case p.MaxRetryAfter < 0:
		return fmt.Errorf("retry: MaxRetryAfter %v is negative", p.MaxRetryAfter)
	}
	if base, limit := p.base(), p.cap(); base > limit {
		return fmt.Errorf("retry: Base %v exceeds Cap %v", base, limit)
	}
	return nil
}

func (p Policy) maxAttempts() int {
	if p.MaxAttempts == 0 {
		return DefaultMaxAttempts
	}
	return p.MaxAttempts
}

func (p Policy) base() time.Duration {
	if p.Base == 0 {
		return DefaultBase
	}
	return p.Base
}

func (p Policy) cap() time.Duration {
	if p.Cap == 0 {
		return DefaultCap
	}
	return p.Cap
}

func (p Policy) maxRetryAfter() time.Duration {
	if p.MaxRetryAfter == 0 {
		return DefaultMaxRetryAfter
	}
	return p.MaxRetryAfter
}

func (p Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Backoff returns the wait after the given failed attempt (1 for the first)
// when the server named none: a draw from [0, min(Cap, Base·2^(attempt-1))].
func (p Policy) Backoff(attempt int) time.Duration {
	ceiling, limit := p.base(), p.cap()
	for i := 1; i < attempt && ceiling < limit; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, limit)
	if p.Jitter != nil {
		return min(max(p.Jitter(ceiling), 0), ceiling)
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func (p Policy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Do calls op until it succeeds, fails with an error that is not
// retryable, runs out of attempts, or ctx is done. Each attempt gets a ctx
// derived from ctx only by an attached value (never a new deadline), so a
// stream opened by op outlives Do.
//
// Do returns nil or an [*Error]. An invalid Policy is reported without
// calling op.
func (p Policy) Do(ctx context.Context, op func(ctx context.Context) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	maxAttempts := p.maxAttempts()
	for attempt := 1; ; attempt++ {
		obs := new(observation)
		err := op(withObservation(ctx, obs))
		if err == nil {
			return nil
		}
		status, header := obs.get()
		if s := statusOf(err); s != 0 {
			status = s
		}
		retryAfter, serverSaid := ParseRetryAfter(header, p.now())
		e := &Error{Attempts: attempt, StatusCode: status, RetryAfter: retryAfter, Last: err}
		if ctxErr := ctx.Err(); ctxErr != nil {
			e.Reason = ctxErr
			return e
		}
		// The caller's ctx is alive, so a deadline error here is an
		// attempt's own timeout (http.Client.Timeout, say): worth retrying.
		attemptTimeout := errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
		if !attemptTimeout && !retryable(err, status) {
			e.Reason = ErrPermanent
			return e
		}
		if attempt >= maxAttempts {
			e.Reason = ErrExhausted
			return e
		}

		delay := p.Backoff(attempt)
		if serverSaid {
			delay = retryAfter
			if retryAfter > p.maxRetryAfter() {
				e.Reason, e.Wait = ErrWaitTooLong, delay
				return e
			}
		}
		if deadline, ok := ctx.Deadline(); ok && delay >= deadline.Sub(p.now()) {
			e.Reason, e.Wait = ErrWaitTooLong, delay
			return e
		}
		if p.OnRetry != nil {
			p.OnRetry(attempt, delay, err)
		}
		if err := p.sleep(ctx, delay); err != nil {
			e.Reason = err
			return e
		}
	}
}

// Error reports a failed [Policy.Do]: how many attempts were made, the last
// attempt's error and why Do stopped. errors.Is and errors.As see both
// Last (so an *openai.APIError is still found) and Reason (so
// errors.Is(err, context.DeadlineExceeded) and errors.Is(err, ErrExhausted)
// work).
type Error struct {
	Attempts   int           // attempts made, the first included
	StatusCode int           // HTTP status of the last response; 0 if none arrived
	RetryAfter time.Duration // Retry-After of the last response; 0 if none
	Wait       time.Duration // the refused wait, when Reason is ErrWaitTooLong
	// Reason is ErrExhausted, ErrPermanent, ErrWaitTooLong, or the ctx
	// error (context.Canceled, context.DeadlineExceeded).
	Reason error
	Last   error // the last attempt's error
}

func (e *Error) Error() string {
	last := "<nil>"
	if e.Last != nil {
		last = e.Last.Error()
	}
	switch {
	case e.Attempts <= 1 && (e.Reason == ErrPermanent || errors.Is(e.Last, e.Reason)):
		// Nothing was retried: the attempt's own error says it all.
		return last
	case e.Reason == ErrPermanent:
		return fmt.Sprintf("retry: attempt %d failed permanently: %s", e.Attempts, last)
	case e.Reason == ErrExhausted:
		return fmt.Sprintf("retry: gave up after %s: %s", attempts(e.Attempts), last)
	case e.Reason == ErrWaitTooLong:
		return fmt.Sprintf("retry: gave up after %s: wait of %v would pass the deadline: %s",
			attempts(e.Attempts), e.Wait, last)
	default:
		return fmt.Sprintf("retry: %v after %s: %s", e.Reason, attempts(e.Attempts), last)
	}
}

// Unwrap returns Last and Reason.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Last != nil {
		errs = append(errs, e.Last)
	}
	if e.Reason != nil {
		errs = append(errs, e.Reason)
	}
	return errs
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

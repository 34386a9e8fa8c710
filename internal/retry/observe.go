package retry

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Doer sends an HTTP request and returns its response. *http.Client and
// every openai.HTTPDoer satisfy it.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Observe returns a Doer that sends requests through d and, when a request
// belongs to an attempt of [Policy.Do], tells that attempt the status and
// Retry-After of the response. Clients such as go-openai turn a failed
// response into an error that has lost its headers; wrapping their HTTP
// client with Observe is how Do learns what the server asked for.
//
// Observe changes nothing on the wire and never retries by itself. With a
// nil d it uses http.DefaultClient.
func Observe(d Doer) Doer {
	if d == nil {
		d = http.DefaultClient
	}
	return observer{next: d}
}

type observer struct{ next Doer }

func (o observer) Do(req *http.Request) (*http.Response, error) {
	resp, err := o.next.Do(req)
	if resp != nil {
		if obs, ok := req.Context().Value(observationKey{}).(*observation); ok {
			var h http.Header
			if resp.StatusCode >= 400 {
				h = http.Header{}
				for _, k := range []string{"Retry-After", "Retry-After-Ms"} {
					if v := resp.Header.Values(k); len(v) > 0 {
						h[k] = v
					}
				}
			}
			obs.set(resp.StatusCode, h)
		}
	}
	return resp, err
}

// ParseRetryAfter reads how long a response asks its client to wait. It
// honours, in order, "retry-after-ms" (milliseconds; sent by OpenAI and
// Azure OpenAI) and "Retry-After" as delay-seconds or as an HTTP-date
// (measured from now). A date in the past means no wait. ok is false when
// neither header holds a usable value.
func ParseRetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return durationOf(ms / 1000), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsInf(secs, 0) || math.IsNaN(secs) {
			return 0, false
		}
		return durationOf(secs), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// durationOf converts seconds to a Duration, saturating instead of
// overflowing.
func durationOf(secs float64) time.Duration {
	if secs >= float64(math.MaxInt64)/float64(time.Second) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(secs * float64(time.Second))
}

// An observation is what Observe saw of the last response within one
// attempt: its status and, for a failure, its Retry-After headers (parsed
// by Do with the policy's clock).
type observation struct {
	mu     sync.Mutex
	status int
	header http.Header
}

func (o *observation) set(status int, h http.Header) {
	o.mu.Lock()
	o.status, o.header = status, h
	o.mu.Unlock()
}

func (o *observation) get() (int, http.Header) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.status, o.header
}

type observationKey struct{}

func withObservation(ctx context.Context, o *observation) context.Context {
	return context.WithValue(ctx, observationKey{}, o)
}

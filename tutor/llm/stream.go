package llm

import (
	"fmt"
	"io"
	"strings"
)

// A Stream delivers a reply piece by piece. See [Streamer].
//
// Recv returns the next [Delta]. After the last one it returns io.EOF, and
// keeps returning io.EOF. Any other error is a [*StreamError] and is
// likewise returned again by later calls: the stream never resumes. Recv
// is not safe for concurrent use with itself.
//
// Close releases the stream's resources (the HTTP connection, a
// goroutine). It may be called at any time, more than once, and from
// another goroutine while Recv blocks; Recv then returns a *StreamError
// wrapping [ErrClosed]. Close returns nil unless releasing failed.
type Stream interface {
	Recv() (Delta, error)
	Close() error
}

// A Delta is the next piece of a streamed reply. Concatenating the Content
// of every delta gives the whole reply.
type Delta struct {
	// Content is the next piece of the reply text; it may be empty.
	Content string

	// Refusal is the next piece of a refusal (see [Response.Refusal]).
	Refusal string

	// FinishReason is set on the final delta only; see
	// [Response.FinishReason].
	FinishReason string

	// Usage is set on the final delta when the provider reports it.
	Usage *Usage
}

// A StreamError reports a stream that failed after it began: the
// connection broke, ctx was cancelled, the stream was closed early, or the
// provider sent something unreadable. The reply is incomplete: Partial
// holds the text delivered before the failure, and nothing is retried.
type StreamError struct {
	Partial string // the reply text delivered before the failure
	Err     error  // the cause; errors.Is(err, context.Canceled) and the like see it
}

func (e *StreamError) Error() string {
	return fmt.Sprintf("llm: stream broken after %d bytes of reply: %v", len(e.Partial), e.Err)
}

// Unwrap returns Err.
func (e *StreamError) Unwrap() error { return e.Err }

// ReadAll reads s to its end and returns the whole reply as a [Response]
// (without Model, which streams do not report). It does not close s. A
// stream that fails returns its [*StreamError] and a nil Response.
func ReadAll(s Stream) (*Response, error) {
	var content, refusal strings.Builder
	resp := new(Response)
	for {
		d, err := s.Recv()
		if err == io.EOF {
			resp.Content, resp.Refusal = content.String(), refusal.String()
			return resp, nil
		}
		if err != nil {
			return nil, err
		}
		content.WriteString(d.Content)
		refusal.WriteString(d.Refusal)
		if d.FinishReason != "" {
			resp.FinishReason = d.FinishReason
		}
		if d.Usage != nil {
			resp.Usage = *d.Usage
		}
	}
}

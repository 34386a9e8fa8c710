// Package retry is the one place Bedside decides whether, when and how often
// to repeat a failed call to a model provider. Every component that calls an
// HTTP API (the OpenAI-compatible embedder, the chat client) runs its calls
// through a [Policy] rather than growing a loop of its own.
//
// # Use
//
// Wrap the provider client's HTTP doer with [Observe] once, then run each
// call through [Policy.Do]:
//
//	cfg := openai.DefaultConfig(key)
//	cfg.HTTPClient = retry.Observe(&http.Client{})
//	client := openai.NewClientWithConfig(cfg)
//
//	var resp openai.EmbeddingResponse
//	err := policy.Do(ctx, func(ctx context.Context) error {
//		var err error
//		resp, err = client.CreateEmbeddings(ctx, req)
//		return err
//	})
//
// The op must use the ctx it is given (that is how Observe finds the
// attempt) and must build its request afresh each time.
//
// # What is retried
//
// [Retryable] holds the rules: connection failures and the statuses 408,
// 409, 429 and 5xx (but not 501 or 505) are retried; other 4xx statuses,
// malformed responses and the caller's own cancellation or deadline are
// not. (An attempt's own timeout, such as http.Client.Timeout, is retried
// while the caller's ctx lives.) Waits follow "full jitter" exponential backoff
// (a uniform draw from [0, min(Cap, Base·2^(n-1))] after the n-th failure),
// except that a server's Retry-After (or retry-after-ms) is obeyed exactly.
// Do never sleeps past the ctx deadline: if the wait would end at or after
// it, Do returns at once with [ErrWaitTooLong].
//
// # Errors
//
// A failed Do returns an [*Error] giving the attempts made, the last HTTP
// status and Retry-After, the last error and the [Error.Reason] for stopping
// ([ErrExhausted], [ErrPermanent], [ErrWaitTooLong] or the ctx error). It
// unwraps to both the last error and the reason, so errors.As still finds
// an *openai.APIError and errors.Is(err, context.DeadlineExceeded) holds.
//
// # Why retry around the call and not inside the transport
//
// Retrying inside an http.RoundTripper was considered and rejected:
//
//   - go-openai decodes a failed response into *openai.APIError; a transport
//     that swallowed responses to retry them would either hide the attempt
//     count from callers or replace the provider's error with its own.
//   - Streaming: Do wraps the call that opens a stream, which returns once
//     the response headers arrive. A 429 or 503 before the first byte is
//     retried; once the stream is handed to the caller Do has returned, so a
//     stream that breaks midway is never replayed and no token is delivered
//     twice. A transport would need a separate "bytes delivered" switch.
//   - No request bodies are buffered or rewound: the client builds each
//     attempt's request from its typed arguments.
//
// The transport is still the only place the response headers are visible,
// hence [Observe]: a pass-through [Doer] that records each response's
// status and Retry-After on the attempt found in the request's context.
// Without Observe, Do still classifies errors by the status go-openai
// reports; it just cannot honour Retry-After.
//
// # Testing
//
// [Policy.Jitter], [Policy.Sleep] and [Policy.Now] replace randomness, waiting
// and the clock, so tests of retrying code run instantly and
// deterministically. [Policy.OnRetry] is the hook for logs and metrics.
package retry

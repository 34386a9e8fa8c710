// Package retrytest helps test code that retries under a [retry.Policy]:
// a [Sleeper] records the waits the policy asks for without spending them,
// and [Instant] sets a policy up with one and with the largest jitter, so
// that a test of retrying code runs at once and sees exactly the backoff
// ceilings and the server's Retry-After values:
//
//	policy, sleeper := retrytest.Instant(retry.Policy{})
//	err := policy.Do(ctx, op)
//	got := sleeper.Waits() // e.g. [500ms 1s] after two retryable failures
package retrytest

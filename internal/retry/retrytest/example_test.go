package retrytest_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/internal/retry/retrytest"
)

func ExampleInstant() {
	policy, sleeper := retrytest.Instant(retry.Policy{MaxAttempts: 3})
	attempts := 0
	err := policy.Do(context.Background(), func(context.Context) error {
		attempts++
		return syscall.ECONNRESET // a connection error: retried
	})
	fmt.Println(attempts, "attempts; waits", sleeper.Waits())
	fmt.Println(errors.Is(err, retry.ErrExhausted))
	// Output:
	// 3 attempts; waits [500ms 1s]
	// true
}

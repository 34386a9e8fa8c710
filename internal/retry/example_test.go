package retry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/retry"
)

func ExamplePolicy_Do() {
	p := retry.Policy{
		MaxAttempts: 3,
		Jitter:      func(max time.Duration) time.Duration { return max }, // no randomness, for the example
		Sleep:       func(context.Context, time.Duration) error { return nil },
		OnRetry: func(attempt int, delay time.Duration, err error) {
			fmt.Printf("attempt %d failed (%v); waiting %v\n", attempt, err, delay)
		},
	}
	calls := 0
	err := p.Do(context.Background(), func(ctx context.Context) error {
		calls++
		if calls < 3 {
			return &openai.APIError{HTTPStatusCode: 503, HTTPStatus: "503 Service Unavailable", Message: "overloaded"}
		}
		return nil
	})
	fmt.Println("err:", err)

	err = p.Do(context.Background(), func(ctx context.Context) error {
		return &openai.APIError{HTTPStatusCode: 401, HTTPStatus: "401 Unauthorized", Message: "bad key"}
	})
	var re *retry.Error
	if errors.As(err, &re) {
		fmt.Println("attempts:", re.Attempts, "status:", re.StatusCode, "permanent:", errors.Is(err, retry.ErrPermanent))
	}
	// Output:
	// attempt 1 failed (error, status code: 503, status: 503 Service Unavailable, message: overloaded); waiting 500ms
	// attempt 2 failed (error, status code: 503, status: 503 Service Unavailable, message: overloaded); waiting 1s
	// err: <nil>
	// attempts: 1 status: 401 permanent: true
}

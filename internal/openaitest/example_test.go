package openaitest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
)

func Example() {
	// In a test, pass t instead of nil and the server closes itself.
	srv := openaitest.New(nil, openaitest.Options{APIKey: "sk-test", Dimensions: 8})
	defer srv.Close()
	srv.Enqueue(
		openaitest.Reply{Status: 429, RetryAfter: 2 * time.Second},
		openaitest.Reply{Endpoint: openaitest.ChatCompletions, Content: "Give antibiotics within one hour."},
	)
	client := openai.NewClientWithConfig(srv.ClientConfig())
	ctx := context.Background()
	req := openai.EmbeddingRequestStrings{Input: []string{"sepsis"}, Model: openai.SmallEmbedding3}

	_, err := client.CreateEmbeddings(ctx, req)
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("first:", apiErr.HTTPStatusCode, apiErr.Code)
	}
	resp, err := client.CreateEmbeddings(ctx, req)
	if err == nil {
		fmt.Println("second:", len(resp.Data[0].Embedding), "dimensions")
	}
	chat, err := client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model:    openai.GPT4oMini,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "When?"}},
	})
	if err == nil {
		fmt.Println("chat:", chat.Choices[0].Message.Content, chat.Usage.TotalTokens, "tokens")
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Header.Get("Authorization"))
	}
	// Output:
	// first: 429 rate_limit_exceeded
	// second: 8 dimensions
	// chat: Give antibiotics within one hour. 6 tokens
	// POST /v1/embeddings Bearer sk-test
	// POST /v1/embeddings Bearer sk-test
	// POST /v1/chat/completions Bearer sk-test
}

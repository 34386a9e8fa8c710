package langchainllm_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	lcopenai "github.com/tmc/langchaingo/llms/openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/langchainllm"
)

func Example() {
	// A fake OpenAI server stands in for the provider.
	srv := openaitest.New(nil, openaitest.Options{})
	defer srv.Close()
	srv.Enqueue(
		openaitest.Reply{Content: "Give antibiotics within one hour."},
		openaitest.Reply{Content: "Reassess lactate within two hours."},
	)

	// Any langchaingo llms.Model; here langchaingo's own OpenAI client.
	lc, err := lcopenai.New(lcopenai.WithToken("sk-example"), lcopenai.WithBaseURL(srv.URL()), lcopenai.WithModel("gpt-4o-mini"))
	if err != nil {
		log.Fatal(err)
	}
	model, err := langchainllm.New(lc, langchainllm.Options{
		Model:       "gpt-4o-mini",
		Unsupported: langchainllm.TopP, // langchaingo's openai client drops top_p: refuse it rather than lose it
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	question := []llm.Message{llm.System("Answer from the guidance only."), llm.User("When are antibiotics due?")}

	resp, err := model.Chat(ctx, llm.Request{Messages: question})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Content, resp.FinishReason, resp.Usage.TotalTokens, "tokens")

	stream, err := model.ChatStream(ctx, llm.Request{Messages: question})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	whole, err := llm.ReadAll(stream)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(whole.Content, whole.Usage.TotalTokens, "tokens")

	_, err = model.Chat(ctx, llm.Request{Messages: question, TopP: 0.9})
	fmt.Println("top_p refused:", errors.Is(err, llm.ErrUnsupported))
	_, err = model.Chat(ctx, llm.Request{Messages: question, Format: llm.JSONSchema("answer", []byte(`{"type":"object"}`))})
	fmt.Println("JSON schema refused:", errors.Is(err, llm.ErrUnsupported))
	fmt.Println(model.ModelName())
	// Output:
	// Give antibiotics within one hour. stop 14 tokens
	// Reassess lactate within two hours. 14 tokens
	// top_p refused: true
	// JSON schema refused: true
	// gpt-4o-mini
}

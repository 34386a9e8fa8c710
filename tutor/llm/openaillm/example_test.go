package openaillm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

func Example() {
	// A fake OpenAI server stands in for https://api.openai.com/v1.
	srv := openaitest.New(nil, openaitest.Options{APIKey: "sk-example"})
	defer srv.Close()
	srv.Enqueue(
		openaitest.Reply{Content: `{"answer":"Within one hour of recognition."}`},
		openaitest.Reply{Content: "Give antibiotics within one hour."},
	)

	cfg := openaillm.DefaultConfig("sk-example")
	cfg.BaseURL = srv.URL()
	model, err := openaillm.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	resp, err := model.Chat(ctx, llm.Request{
		Messages: []llm.Message{
			llm.System("Answer only from the guidance passages given. Reply in JSON."),
			llm.User("When should antibiotics be given in suspected sepsis?"),
		},
		Format: llm.JSONSchema("grounded_answer", json.RawMessage(
			`{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}`)),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Content)
	fmt.Println(resp.Model, resp.FinishReason, resp.Usage.TotalTokens, "tokens")

	stream, err := model.ChatStream(ctx, llm.Request{Messages: []llm.Message{llm.User("When?")}})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	whole, err := llm.ReadAll(stream)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(whole.Content, whole.Usage.TotalTokens, "tokens")

	// What reached the wire: temperature 0 is sent, not left to the server.
	var sent struct {
		Temperature    *float64 `json:"temperature"`
		ResponseFormat struct {
			Type string `json:"type"`
		} `json:"response_format"`
	}
	_ = json.Unmarshal(srv.Requests()[0].Body, &sent)
	fmt.Println("temperature:", *sent.Temperature, "format:", sent.ResponseFormat.Type)
	fmt.Println(cfg.LogValue().Group()[1]) // the key is never printed
	// Output:
	// {"answer":"Within one hour of recognition."}
	// gpt-4o-mini stop 24 tokens
	// Give antibiotics within one hour. 6 tokens
	// temperature: 0 format: json_schema
	// api_key=[REDACTED]
}

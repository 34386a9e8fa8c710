package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
)

func Example() {
	// Any llm.Model will do; this one is the scripted fake from llmtest.
	var model llm.Model = &llmtest.Model{Replies: []string{
		`{"answer":"Within one hour.","citations":["sepsis-adult#4"]}`,
		"Give antibiotics within one hour.",
	}}
	ctx := context.Background()

	schema := json.RawMessage(`{"type":"object","properties":{"answer":{"type":"string"},` +
		`"citations":{"type":"array","items":{"type":"string"}}},"required":["answer","citations"],"additionalProperties":false}`)
	resp, err := model.Chat(ctx, llm.Request{
		Messages: []llm.Message{
			llm.System("Answer only from the guidance passages given."),
			llm.User("When should antibiotics be given in suspected sepsis?"),
		},
		Format: llm.JSONSchema("grounded_answer", schema), // Temperature 0: deterministic
	})
	if err != nil {
		log.Fatal(err)
	}
	var answer struct {
		Answer    string
		Citations []string
	}
	if err := json.Unmarshal([]byte(resp.Content), &answer); err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.Answer, answer.Citations)

	// Stream when the model can.
	if s, ok := model.(llm.Streamer); ok {
		stream, err := s.ChatStream(ctx, llm.Request{Messages: []llm.Message{llm.User("When?")}})
		if err != nil {
			log.Fatal(err)
		}
		defer stream.Close()
		for {
			d, err := stream.Recv()
			if err == io.EOF {
				break
			}
			var broken *llm.StreamError
			if errors.As(err, &broken) {
				log.Fatalf("stream broke after %q: %v", broken.Partial, broken.Err)
			}
			fmt.Printf("%q ", d.Content)
			if d.FinishReason != "" {
				fmt.Println(d.FinishReason, d.Usage.TotalTokens, "tokens")
			}
		}
	}
	if n, ok := model.(llm.Namer); ok {
		fmt.Println("answered by", n.ModelName())
	}
	// Output:
	// Within one hour. [sepsis-adult#4]
	// "Give " "antibiotics " "within " "one " "hour." "" stop 6 tokens
	// answered by llmtest
}

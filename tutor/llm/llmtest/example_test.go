package llmtest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
)

func ExampleModel() {
	m := &llmtest.Model{
		Replies: []string{"Give antibiotics within one hour."},
		Func: func(req llm.Request) (string, error) {
			return "You asked: " + req.Messages[len(req.Messages)-1].Content, nil
		},
	}
	ctx := context.Background()

	resp, err := m.Chat(ctx, llm.Request{Messages: []llm.Message{llm.User("When are antibiotics due?")}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Content, resp.Usage.TotalTokens, "tokens")

	stream, err := m.ChatStream(ctx, llm.Request{Messages: []llm.Message{llm.User("Which fluids?")}})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	var pieces []string
	for {
		d, err := stream.Recv()
		if err != nil {
			break // io.EOF
		}
		if d.Content != "" {
			pieces = append(pieces, d.Content)
		}
	}
	fmt.Printf("%q\n", pieces)
	fmt.Println(m.Calls(), "requests; the first asked:", m.Requests()[0].Messages[0].Content)
	// Output:
	// Give antibiotics within one hour. 9 tokens
	// ["You " "asked: " "Which " "fluids?"]
	// 2 requests; the first asked: When are antibiotics due?
}

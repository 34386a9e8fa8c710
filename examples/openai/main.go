// Command openai answers a question from the example guidance with a
// language model behind any OpenAI-compatible endpoint. Every sentence of
// the model's answer is checked against the passage it cites; unsupported
// sentences never reach the output.
//
//	OPENAI_API_KEY=sk-... go run ./openai "How is hyperkalaemia treated?"
//	OPENAI_BASE_URL=http://localhost:11434/v1 MODEL=llama3.1 go run ./openai "..."   # Ollama
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

func main() {
	cfg := openaillm.DefaultConfig(os.Getenv("OPENAI_API_KEY"))
	if u := os.Getenv("OPENAI_BASE_URL"); u != "" {
		cfg.BaseURL = u
	}
	if m := os.Getenv("MODEL"); m != "" {
		cfg.Model = m
	}
	question := strings.Join(os.Args[1:], " ")
	if question == "" {
		question = "How is severe hyperkalaemia treated?"
	}
	if err := run(context.Background(), os.Stdout, cfg, question); err != nil {
		fmt.Fprintln(os.Stderr, "openai:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, cfg openaillm.Config, question string) error {
	if os.Getenv("OPENAI_API_KEY") == "" && os.Getenv("OPENAI_BASE_URL") == "" {
		return errors.New("set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server")
	}
	model, err := openaillm.New(cfg)
	if err != nil {
		return err
	}
	docs, err := guidance.Load("guidance")
	if err != nil {
		return err
	}
	store, err := filestore.Open("", filestore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{})
	if _, err := lib.Ingest(ctx, "", docs); err != nil {
		return err
	}
	t, err := tutor.New(lib, tutor.Options{Model: model})
	if err != nil {
		return err
	}
	// Stream the draft, then print the verified answer.
	s, err := t.AskStream(ctx, question)
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		d, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if s.Draft() {
			fmt.Fprint(os.Stderr, d)
		}
	}
	fmt.Fprintln(os.Stderr)
	a, err := s.Answer()
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, a.Render())
	return err
}

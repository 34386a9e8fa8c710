// Command ask answers one question from the example guidance, offline: an
// in-memory embedded store, the local embedder and extractive answers, with
// no API key, no database and no network.
//
//	go run ./ask "What dose of adrenaline is given IM for anaphylaxis in adults?"
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/tutor"
)

func main() {
	question := strings.Join(os.Args[1:], " ")
	if question == "" {
		question = "What dose of adrenaline is given IM for anaphylaxis in adults?"
	}
	if err := run(context.Background(), os.Stdout, "guidance", question); err != nil {
		fmt.Fprintln(os.Stderr, "ask:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, dir, question string) error {
	// 1. Load approved guidance (Markdown with YAML front matter).
	docs, err := guidance.Load(dir)
	if err != nil {
		return err
	}
	// 2. Index it: an in-memory store ("" means no file) and the default
	//    local embedder.
	store, err := filestore.Open("", filestore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	lib := retrieval.New(store, retrieval.Options{})
	if _, err := lib.Ingest(ctx, "", docs); err != nil {
		return err
	}
	// 3. Ask. Without a model the tutor answers extractively: it quotes the
	//    most relevant approved sentences and cites each one.
	t, err := tutor.New(lib, tutor.Options{})
	if err != nil {
		return err
	}
	a, err := t.Ask(ctx, question)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, a.Render())
	return err
}

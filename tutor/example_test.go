package tutor_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

// library indexes the example guidance in memory with the local embedder.
func library() *retrieval.Library {
	docs, err := guidance.Load("../examples/guidance")
	if err != nil {
		log.Fatal(err)
	}
	store, err := filestore.Open("", filestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	lib := retrieval.New(store, retrieval.Options{})
	if _, err := lib.Ingest(context.Background(), "", docs); err != nil {
		log.Fatal(err)
	}
	return lib
}

// A tutor with no model answers extractively: it quotes and cites the most
// relevant approved sentences.
func Example_extractive() {
	t, err := tutor.New(library(), tutor.Options{})
	if err != nil {
		log.Fatal(err)
	}
	a, err := t.Ask(context.Background(), "How often is IM adrenaline repeated in anaphylaxis?")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Flags.Extractive, a.Provenance.Model)
	for _, c := range a.Citations {
		fmt.Printf("[%d] %s v%s: %s\n", c.N, c.DocumentID, c.Version, c.Quote)
	}
	// Output:
	// true extractive
	// [1] anaphylaxis-adult v1.3: Adult dose: adrenaline 500 micrograms IM, which is 0.5 mL of 1 mg/mL (1:1000), into the anterolateral thigh.
	// [2] anaphylaxis-adult v1.3: Repeat IM adrenaline after 5 minutes if there is no improvement.
	// [3] anaphylaxis-adult v1.3: Refractory anaphylaxis follows 2 doses of IM adrenaline without improvement: get expert help.
}

// A tutor with a language model behind any OpenAI-compatible endpoint.
// Here the endpoint is an in-process test server that answers like a
// model: its first draft states a wrong dose, which verification removes.
func Example_model() {
	srv := openaitest.New(nil, openaitest.Options{Handler: func(r openaitest.Request) openaitest.Reply {
		s := sourceWith(r, "Adult dose: adrenaline 500 micrograms IM")
		return openaitest.Reply{Content: "The adult dose of adrenaline is 500 micrograms IM [" + s + "]. " +
			"It is repeated every 50 minutes [" + s + "]."}
	}})
	defer srv.Close()

	cfg := openaillm.DefaultConfig("sk-example")
	cfg.BaseURL = srv.URL() // e.g. http://localhost:11434/v1 for Ollama
	model, err := openaillm.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	t, err := tutor.New(library(), tutor.Options{Model: model})
	if err != nil {
		log.Fatal(err)
	}
	a, err := t.Ask(context.Background(), "What is the adult dose of IM adrenaline in anaphylaxis?")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Text)
	for _, c := range a.Citations {
		fmt.Printf("[%d] %s v%s › %s\n    %q\n", c.N, c.DocumentID, c.Version, c.Section[len(c.Section)-1], c.Quote)
	}
	for _, r := range a.Flags.Removed {
		fmt.Printf("removed (draft %d): %s — %s\n", r.Draft, r.Text, r.Reason)
	}
	// Output:
	// The adult dose of adrenaline is 500 micrograms IM. [1]
	// [1] anaphylaxis-adult v1.3 › Key points
	//     "Adult dose: adrenaline 500 micrograms IM, which is 0.5 mL of 1 mg/mL (1:1000), into the anterolateral thigh."
	// removed (draft 1): It is repeated every 50 minutes. — FrequencyMismatch: "every 50 minutes" is not in the cited passage
	// removed (draft 2): It is repeated every 50 minutes. — FrequencyMismatch: "every 50 minutes" is not in the cited passage
}

// sourceWith returns the prompt identifier of the retrieved source that
// holds text.
func sourceWith(r openaitest.Request, text string) string {
	user := r.Chat.Messages[len(r.Chat.Messages)-1].Content
	if len(r.Chat.Messages) > 2 { // a regeneration: the sources are in the first user message
		user = r.Chat.Messages[1].Content
	}
	for _, part := range strings.Split(user, "<source id=\"")[1:] {
		id, rest, _ := strings.Cut(part, "\"")
		if strings.Contains(strings.SplitN(rest, "</source>", 2)[0], text) {
			return id
		}
	}
	return "S0"
}

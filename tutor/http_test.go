package tutor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/internal/retry"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

// exampleLibrary ingests the example guidance into an in-memory store.
func exampleLibrary(tb testing.TB) *retrieval.Library {
	tb.Helper()
	docs, err := guidance.Load("../examples/guidance")
	if err != nil {
		tb.Fatal(err)
	}
	store, err := filestore.Open("", filestore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	lib := retrieval.New(store, retrieval.Options{})
	if _, err := lib.Ingest(context.Background(), "", docs); err != nil {
		tb.Fatal(err)
	}
	return lib
}

// serverTutor returns a tutor whose model is the real go-openai client
// talking to an in-process OpenAI-compatible server.
func serverTutor(t *testing.T, lib *retrieval.Library, policy retry.Policy) (*tutor.Tutor, *openaitest.Server) {
	t.Helper()
	srv := openaitest.New(t, openaitest.Options{})
	return tutorFor(t, lib, srv, policy), srv
}

func tutorFor(t *testing.T, lib *retrieval.Library, srv *openaitest.Server, policy retry.Policy) *tutor.Tutor {
	t.Helper()
	cfg := openaillm.DefaultConfig("sk-test")
	cfg.BaseURL = srv.URL()
	cfg.Retry = policy
	m, err := openaillm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tu, err := tutor.New(lib, tutor.Options{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	return tu
}

// sourceHolding returns the prompt's source identifier ("S3") of the
// retrieved passage containing text, read from the chat request.
func sourceHolding(t *testing.T, req openaitest.Request, text string) string {
	t.Helper()
	user := req.Chat.Messages[len(req.Chat.Messages)-1].Content
	for _, part := range strings.Split(user, "<source id=\"")[1:] {
		id, rest, _ := strings.Cut(part, "\"")
		if strings.Contains(strings.SplitN(rest, "</source>", 2)[0], text) {
			return id
		}
	}
	t.Fatalf("no retrieved source holds %q", text)
	return ""
}

const question = "What is the adult dose of IM adrenaline in anaphylaxis?"
const doseFact = "Adult dose: adrenaline 500 micrograms IM"

func TestAskThroughOpenAIClient(t *testing.T) {
	lib := exampleLibrary(t)
	fast := retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}

	t.Run("supported answer with quotes", func(t *testing.T) {
		srv := openaitest.New(t, openaitest.Options{Handler: func(r openaitest.Request) openaitest.Reply {
			// Cite whichever retrieved source holds the dose, as a model would.
			return openaitest.Reply{Content: "The adult dose of adrenaline is 500 micrograms IM [" + sourceHolding(t, r, doseFact) + "]."}
		}})
		tu := tutorFor(t, lib, srv, fast)
		a, err := tu.Ask(context.Background(), question)
		if err != nil {
			t.Fatal(err)
		}
		if a.Refused() || len(a.Citations) != 1 {
			t.Fatalf("answer = %q refusal %+v citations %d", a.Text, a.Refusal, len(a.Citations))
		}
		c := a.Citations[0]
		if c.DocumentID != "anaphylaxis-adult" || c.Version != "1.3" || !strings.Contains(c.Quote, "500 micrograms IM") {
			t.Errorf("citation = %+v; want the anaphylaxis dose sentence", c)
		}
		docs, _ := guidance.Load("../examples/guidance/anaphylaxis-adult.md")
		if got := docs[0].Body[c.Start:c.End]; got != c.Quote {
			t.Errorf("quote offsets [%d:%d] give %q; want %q", c.Start, c.End, got, c.Quote)
		}
		if a.Usage.TotalTokens == 0 || srv.Count() != 1 {
			t.Errorf("usage %+v, requests %d; want usage recorded and one request", a.Usage, srv.Count())
		}
	})

	t.Run("unretrieved citation and wrong dose never shown", func(t *testing.T) {
		tu, srv := serverTutor(t, lib, fast)
		srv.Enqueue(
			openaitest.Reply{Content: "The adult dose of adrenaline is 500 micrograms IM [S99]."},
			openaitest.Reply{Content: "The adult dose of adrenaline is 5 mg IM [S1][S2][S3]."},
		)
		a, err := tu.Ask(context.Background(), question)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Refused() || a.Refusal.Reason != tutor.Unverified || strings.Contains(a.Text, "5 mg") || len(a.Citations) != 0 {
			t.Errorf("answer = %q citations %v refusal %+v; want an unverified refusal", a.Text, a.Citations, a.Refusal)
		}
		if srv.Count() != 2 {
			t.Errorf("requests = %d; want 2 (one regeneration)", srv.Count())
		}
	})

	t.Run("no guidance: no model call", func(t *testing.T) {
		tu, srv := serverTutor(t, lib, fast)
		a, err := tu.Ask(context.Background(), "Who won the football world cup in 1966?")
		if err != nil {
			t.Fatal(err)
		}
		if !a.Refused() || srv.Count() != 0 {
			t.Errorf("refusal %+v after %d requests; want a refusal and no request", a.Refusal, srv.Count())
		}
	})

	t.Run("429 with Retry-After then 200", func(t *testing.T) {
		var waits []time.Duration
		policy := retry.Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
		tu, srv := serverTutor(t, lib, policy)
		srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: 2 * time.Second}, openaitest.Reply{Content: "NOT COVERED"})
		if _, err := tu.Ask(context.Background(), question); err != nil {
			t.Fatal(err)
		}
		if srv.Count() != 2 || len(waits) != 1 || waits[0] != 2*time.Second {
			t.Errorf("requests %d, waits %v; want exactly two requests and one 2s wait", srv.Count(), waits)
		}
	})

	t.Run("500 three times", func(t *testing.T) {
		tu, srv := serverTutor(t, lib, retry.Policy{MaxAttempts: 3, Sleep: fast.Sleep})
		srv.Enqueue(openaitest.Times(3, openaitest.Reply{Status: 500})...)
		_, err := tu.Ask(context.Background(), question)
		var re *retry.Error
		if !errors.As(err, &re) || re.Attempts != 3 || srv.Count() != 3 {
			t.Errorf("err = %v after %d requests; want *retry.Error after 3 attempts", err, srv.Count())
		}
	})

	t.Run("hung server returns at the deadline", func(t *testing.T) {
		openaitest.CheckGoroutines(t)
		tu, srv := serverTutor(t, lib, fast)
		srv.Enqueue(openaitest.Reply{Hang: true})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := tu.Ask(ctx, question)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v; want the deadline", err)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("Ask returned after %v; want about 200ms", el)
		}
	})

	t.Run("stream cut mid-way", func(t *testing.T) {
		tu, srv := serverTutor(t, lib, fast)
		srv.Enqueue(openaitest.Reply{Content: "The adult dose of adrenaline is 500 micrograms IM [S1].", Cut: true, CutAfter: 4})
		s, err := tu.AskStream(context.Background(), question)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var got strings.Builder
		for {
			d, err := s.Recv()
			if err != nil {
				var se *llm.StreamError
				if !errors.As(err, &se) || se.Partial == "" || se.Partial != got.String() {
					t.Errorf("err = %v (partial %q, received %q); want *llm.StreamError with the partial text", err, se.Partial, got.String())
				}
				break
			}
			got.WriteString(d)
		}
		if a, err := s.Answer(); err == nil || a != nil {
			t.Errorf("Answer after a cut stream = %v, %v; want an error", a, err)
		}
	})
}

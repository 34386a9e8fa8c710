package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/openaillm"
)

func askCommand() *command {
	return &command{
		name:    "ask",
		summary: "answer a question from approved guidance, with citations",
		usage:   "[flags] QUESTION",
		run:     runAsk,
	}
}

func chatCommand() *command {
	return &command{
		name:    "chat",
		summary: "ask questions interactively; follow-ups keep the context",
		usage:   "[flags]",
		run:     runChat,
	}
}

// modelFlags choose the language model. Without -model (or $BEDSIDE_MODEL)
// answers are extractive: quoted guidance sentences, no model at all.
type modelFlags struct {
	model   string
	baseURL string
}

func (m *modelFlags) register(fs *flag.FlagSet, env *environment) {
	fs.StringVar(&m.model, "model", env.getenv("BEDSIDE_MODEL"),
		"language model, e.g. gpt-4o-mini, or llama3.1 on Ollama (default $BEDSIDE_MODEL;\nnone: offline extractive answers)")
	fs.StringVar(&m.baseURL, "base-url", env.getenv("OPENAI_BASE_URL"),
		"OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama (default $OPENAI_BASE_URL, else OpenAI);\nthe key comes from $OPENAI_API_KEY")
}

// open returns the model, or nil for extractive mode.
func (m *modelFlags) open(env *environment) (llm.Model, error) {
	if m.model == "" {
		return nil, nil
	}
	key := env.getenv("OPENAI_API_KEY")
	if key == "" && m.baseURL == "" {
		return nil, usagef("-model %s needs $OPENAI_API_KEY, or -base-url for a local server such as Ollama", m.model)
	}
	cfg := openaillm.DefaultConfig(key)
	if m.baseURL != "" {
		cfg.BaseURL = m.baseURL
	}
	cfg.Model = m.model
	return openaillm.New(cfg)
}

// tutorFlags are everything ask and chat share.
type tutorFlags struct {
	store    storeFlags
	query    queryFlags
	model    modelFlags
	mode     string
	guidance string
	asJSON   bool
}

func (tf *tutorFlags) register(fs *flag.FlagSet, env *environment) {
	tf.store.register(fs, env)
	tf.model.register(fs, env)
	fs.StringVar(&tf.mode, "mode", "tutor", "tutor (education) or decision-support")
	fs.StringVar(&tf.guidance, "guidance", env.getenv("BEDSIDE_GUIDANCE"),
		"ingest this guidance file or directory first; unchanged documents are skipped (default $BEDSIDE_GUIDANCE)")
	fs.StringVar(&tf.query.asOf, "as-of", "", "answer from the guidance in force on this date (YYYY-MM-DD), for audits")
	fs.BoolVar(&tf.query.excludeOverdue, "exclude-overdue", false, "leave out guidance past its review date")
	fs.Var(&tf.query.publishers, "publisher", "only guidance from this publisher (repeatable)")
	fs.Var(&tf.query.specialties, "specialty", "only guidance in this specialty (repeatable)")
	fs.Var(&tf.query.tags, "tag", "only guidance with this tag (repeatable)")
	fs.Var(&tf.query.docs, "doc", "only these document IDs (repeatable)")
	fs.BoolVar(&tf.asJSON, "json", false, "print the answer as JSON")
}

// open ingests the guidance if asked and returns a tutor.
func (tf *tutorFlags) open(ctx context.Context, env *environment) (*tutor.Tutor, func() error, error) {
	mode, err := tutor.ParseMode(tf.mode)
	if err != nil {
		return nil, nil, usagef("-mode: %v", err)
	}
	tf.query.mode, tf.query.k = "hybrid", tutor.DefaultK
	q, err := tf.query.query(tf.store.tenant, "")
	if err != nil {
		return nil, nil, err
	}
	model, err := tf.model.open(env)
	if err != nil {
		return nil, nil, err
	}
	lib, closeStore, err := tf.store.openGuidance(ctx, env, tf.guidance)
	if err != nil {
		return nil, nil, err
	}
	t, err := tutor.New(lib, tutor.Options{
		Model: model, Mode: mode, Tenant: tf.store.tenant, Filter: q.Filter, AsOf: q.AsOf,
		ExcludeOverdue: q.ExcludeOverdue,
	})
	if err != nil {
		closeStore()
		return nil, nil, err
	}
	return t, closeStore, nil
}

func runAsk(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "ask", "[flags] QUESTION")
	var tf tutorFlags
	tf.register(fs, env)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(rest, " "))
	if question == "" {
		return usagef("ask: give a question")
	}
	t, closeStore, err := tf.open(ctx, env)
	if err != nil {
		return err
	}
	defer closeStore()
	a, err := answer(ctx, env, t, question, tf.asJSON)
	if err != nil {
		return err
	}
	return printAnswer(env.stdout, a, tf.asJSON)
}

// answer asks, streaming the model's draft to stderr on a terminal.
func answer(ctx context.Context, env *environment, t *tutor.Tutor, question string, quiet bool) (*tutor.Answer, error) {
	s, err := t.AskStream(ctx, question)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	drafted := false
	for {
		d, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if env.interactive && !quiet && s.Draft() {
			if !drafted {
				fmt.Fprint(env.stderr, "\033[2mdraft (unverified): ")
				drafted = true
			}
			fmt.Fprint(env.stderr, d)
		}
	}
	if drafted {
		fmt.Fprint(env.stderr, "\033[0m\n\n")
	}
	return s.Answer()
}

func printAnswer(w io.Writer, a *tutor.Answer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	_, err := io.WriteString(w, a.Render())
	return err
}

func runChat(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "chat", "[flags]")
	var tf tutorFlags
	tf.register(fs, env)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	t, closeStore, err := tf.open(ctx, env)
	if err != nil {
		return err
	}
	defer closeStore()
	conv := t.NewConversation()
	fmt.Fprintln(env.stdout, "Ask about your organisation's approved guidance. Follow-up questions keep the context. Type /quit to leave.")
	in := bufio.NewScanner(env.stdin)
	for {
		fmt.Fprint(env.stdout, "\n> ")
		if !in.Scan() {
			fmt.Fprintln(env.stdout)
			return in.Err()
		}
		q := strings.TrimSpace(in.Text())
		switch q {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		}
		a, err := conv.Ask(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "bedside: %s\n", oneLine(err))
			continue
		}
		if err := printAnswer(env.stdout, a, tf.asJSON); err != nil {
			return err
		}
	}
}

package tutor

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/tutor/llm"
)

// A Conversation is a series of questions where follow-ups may refer back
// ("and in children?"). Each follow-up is rewritten into a standalone
// retrieval query from the history: by the model when there is one, or
// otherwise by carrying over the previous question's content words.
// A Conversation is safe for concurrent use, though turns are serialised.
type Conversation struct {
	t     *Tutor
	mu    sync.Mutex
	turns []turn
}

type turn struct {
	question, query, answer string // all redacted
}

// NewConversation starts a conversation.
func (t *Tutor) NewConversation() *Conversation { return &Conversation{t: t} }

// maxHistory bounds the turns used to rewrite a follow-up.
const maxHistory = 4

// Ask answers the next question of the conversation.
func (c *Conversation) Ask(ctx context.Context, question string) (*Answer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	query, err := c.rewrite(ctx, question)
	if err != nil {
		return nil, err
	}
	a, err := c.t.ask(ctx, question, query, nil)
	if err != nil {
		return nil, err
	}
	c.turns = append(c.turns, turn{question: a.Question, query: a.Provenance.Query, answer: a.Text})
	return a, nil
}

// rewrite returns the retrieval query for a follow-up, or "" for the first
// question.
func (c *Conversation) rewrite(ctx context.Context, question string) (string, error) {
	if len(c.turns) == 0 {
		return "", nil
	}
	q := c.t.opts.Redactor.Redact(question).Text
	hist := c.turns[max(0, len(c.turns)-maxHistory):]
	if c.t.opts.Model == nil {
		// Carry over the last query's content words the follow-up lacks.
		have := make(map[string]bool)
		for _, term := range terms.Analyze(q) {
			have[term] = true
		}
		var extra []string
		for _, tok := range terms.Tokens(hist[len(hist)-1].query) {
			if tok.Term != "" && !have[tok.Term] && !questionFiller[tok.Term] {
				have[tok.Term] = true
				extra = append(extra, tok.Text)
			}
		}
		return strings.TrimSpace(q + " " + strings.Join(extra, " ")), nil
	}
	var b strings.Builder
	for _, t := range hist {
		fmt.Fprintf(&b, "Q: %s\nA: %s\n", t.question, t.answer)
	}
	resp, err := c.t.opts.Model.Chat(ctx, llm.Request{
		Messages: []llm.Message{llm.User(fmt.Sprintf(rewriteTemplate, b.String(), q))},
		Seed:     c.t.opts.Seed,
	})
	if err != nil {
		return "", fmt.Errorf("tutor: rewriting follow-up: %w", err)
	}
	rw := strings.TrimSpace(resp.Content)
	if rw == "" || len(rw) > 4*len(q)+400 {
		return q, nil
	}
	return rw, nil
}

package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

func finishReason(r Reply) openai.FinishReason {
	switch {
	case r.FinishReason != "":
		return r.FinishReason
	case len(r.ToolCalls) > 0:
		return openai.FinishReasonToolCalls
	}
	return openai.FinishReasonStop
}

// usage returns the reply's usage, or word counts of the prompt and reply.
func usage(req *openai.ChatCompletionRequest, r Reply) openai.Usage {
	if r.Usage != nil {
		return *r.Usage
	}
	var u openai.Usage
	for _, m := range req.Messages {
		u.PromptTokens += len(words(m.Content))
		for _, p := range m.MultiContent {
			u.PromptTokens += len(words(p.Text))
		}
	}
	u.CompletionTokens = len(words(r.Content))
	for _, tc := range r.ToolCalls {
		u.CompletionTokens += len(words(tc.Function.Name)) + len(words(tc.Function.Arguments))
	}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}

func (s *Server) serveChat(w http.ResponseWriter, req Request, reply Reply, seq int) {
	resp := openai.ChatCompletionResponse{
		ID:      fmt.Sprintf("chatcmpl-openaitest-%d", seq),
		Object:  "chat.completion",
		Created: created,
		Model:   req.Chat.Model,
		Choices: []openai.ChatCompletionChoice{{
			Index: 0,
			Message: openai.ChatCompletionMessage{
				Role:      openai.ChatMessageRoleAssistant,
				Content:   reply.Content,
				ToolCalls: reply.ToolCalls,
			},
			FinishReason: finishReason(reply),
		}},
		Usage: usage(req.Chat, reply),
	}
	writeJSON(w, statusOr200(reply), resp, reply)
}

// serveChatStream answers with server-sent events as OpenAI does: a role
// chunk, content deltas, tool-call deltas, a chunk with the finish reason,
// a usage chunk if stream_options.include_usage was set, then [DONE].
func (s *Server) serveChatStream(w http.ResponseWriter, r *http.Request, req Request, reply Reply, seq int) {
	id := fmt.Sprintf("chatcmpl-openaitest-%d", seq)
	chunk := func(choices []openai.ChatCompletionStreamChoice, u *openai.Usage) openai.ChatCompletionStreamResponse {
		return openai.ChatCompletionStreamResponse{ID: id, Object: "chat.completion.chunk",
			Created: created, Model: req.Chat.Model, Choices: choices, Usage: u}
	}
	delta := func(d openai.ChatCompletionStreamChoiceDelta) openai.ChatCompletionStreamResponse {
		return chunk([]openai.ChatCompletionStreamChoice{{Index: 0, Delta: d}}, nil)
	}

	events := []openai.ChatCompletionStreamResponse{delta(openai.ChatCompletionStreamChoiceDelta{Role: openai.ChatMessageRoleAssistant})}
	pieces := reply.Chunks
	if pieces == nil && reply.Content != "" {
		pieces = strings.SplitAfter(reply.Content, " ")
	}
	for _, p := range pieces {
		events = append(events, delta(openai.ChatCompletionStreamChoiceDelta{Content: p}))
	}
	for i, tc := range reply.ToolCalls {
		tc.Index = &i
		events = append(events, delta(openai.ChatCompletionStreamChoiceDelta{ToolCalls: []openai.ToolCall{tc}}))
	}
	events = append(events, chunk([]openai.ChatCompletionStreamChoice{{Index: 0, FinishReason: finishReason(reply)}}, nil))
	if req.Chat.StreamOptions != nil && req.Chat.StreamOptions.IncludeUsage {
		u := usage(req.Chat, reply)
		events = append(events, chunk([]openai.ChatCompletionStreamChoice{}, &u))
	}

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	w.WriteHeader(statusOr200(reply))
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	flush()

	var buf bytes.Buffer
	for i, ev := range events {
		if reply.Cut && i >= reply.CutAfter {
			panic(http.ErrAbortHandler)
		}
		if i > 0 && !s.pause(r, reply.ChunkDelay) {
			panic(http.ErrAbortHandler)
		}
		buf.Reset()
		buf.WriteString("data: ")
		if reply.Malformed && i == 1 {
			buf.WriteString(`{"id":"` + id + `","choices":[{` + "\n")
		} else if err := json.NewEncoder(&buf).Encode(ev); err != nil {
			panic(http.ErrAbortHandler)
		}
		buf.WriteString("\n")
		if _, err := w.Write(buf.Bytes()); err != nil {
			return
		}
		flush()
	}
	if reply.Cut {
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write([]byte("data: [DONE]\n\n"))
	flush()
}

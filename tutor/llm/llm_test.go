package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/tutor/llm"
)

func TestValidate(t *testing.T) {
	user := []llm.Message{llm.User("When?")}
	schema := json.RawMessage(`{"type":"object","properties":{"answer":{"type":"string"}}}`)
	for _, tc := range []struct {
		name string
		req  llm.Request
		want string // "" for valid
	}{
		{"minimal", llm.Request{Messages: user}, ""},
		{"every setting", llm.Request{Messages: []llm.Message{llm.System("s"), llm.User("u"), llm.Assistant("a")},
			Temperature: 2, TopP: 1, MaxTokens: 10, Seed: new(0), Stop: []string{"END"}, Format: llm.JSONSchema("a_b-1", schema)}, ""},
		{"json mode", llm.Request{Messages: user, Format: llm.ResponseFormat{Type: llm.FormatJSON}}, ""},
		{"empty content allowed", llm.Request{Messages: []llm.Message{llm.User("")}}, ""},
		{"no messages", llm.Request{}, "no messages"},
		{"unknown role", llm.Request{Messages: []llm.Message{{Role: "tool"}}}, `message 0 has role "tool"`},
		{"empty role", llm.Request{Messages: []llm.Message{llm.User("q"), {Content: "x"}}}, "message 1"},
		{"negative temperature", llm.Request{Messages: user, Temperature: -0.1}, "Temperature -0.1"},
		{"hot temperature", llm.Request{Messages: user, Temperature: 2.01}, "Temperature 2.01"},
		{"NaN temperature", llm.Request{Messages: user, Temperature: math.NaN()}, "Temperature NaN"},
		{"top_p above 1", llm.Request{Messages: user, TopP: 1.5}, "TopP 1.5"},
		{"NaN top_p", llm.Request{Messages: user, TopP: math.NaN()}, "TopP NaN"},
		{"negative max tokens", llm.Request{Messages: user, MaxTokens: -5}, "MaxTokens -5"},
		{"empty stop", llm.Request{Messages: user, Stop: []string{"a", ""}}, "Stop[1]"},
		{"unknown format", llm.Request{Messages: user, Format: llm.ResponseFormat{Type: 9}}, "unknown Format FormatType(9)"},
		{"json mode with schema", llm.Request{Messages: user, Format: llm.ResponseFormat{Type: llm.FormatJSON, Schema: schema}}, "json_object takes no"},
		{"text with name", llm.Request{Messages: user, Format: llm.ResponseFormat{Name: "x"}}, "text takes no"},
		{"schema without name", llm.Request{Messages: user, Format: llm.JSONSchema("", schema)}, `schema name ""`},
		{"schema name with space", llm.Request{Messages: user, Format: llm.JSONSchema("quiz item", schema)}, `"quiz item"`},
		{"schema name too long", llm.Request{Messages: user, Format: llm.JSONSchema(strings.Repeat("a", 65), schema)}, "schema name"},
		{"schema missing", llm.Request{Messages: user, Format: llm.JSONSchema("a", nil)}, "not a JSON object"},
		{"schema an array", llm.Request{Messages: user, Format: llm.JSONSchema("a", json.RawMessage(`[]`))}, "not a JSON object"},
		{"schema malformed", llm.Request{Messages: user, Format: llm.JSONSchema("a", json.RawMessage(`{"type":`))}, "not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tc.want != "" && (!errors.Is(err, llm.ErrInvalidRequest) || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate() = %v; want llm.ErrInvalidRequest mentioning %q", err, tc.want)
			}
		})
	}
}

func TestFormatTypeString(t *testing.T) {
	for ft, want := range map[llm.FormatType]string{
		llm.FormatText: "text", llm.FormatJSON: "json_object", llm.FormatJSONSchema: "json_schema", -1: "FormatType(-1)",
	} {
		if got := ft.String(); got != want {
			t.Errorf("FormatType(%d).String() = %q; want %q", int(ft), got, want)
		}
	}
}

func TestUsageAdd(t *testing.T) {
	var total llm.Usage
	total = total.Add(llm.Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15})
	total = total.Add(llm.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3})
	if want := (llm.Usage{PromptTokens: 11, CompletionTokens: 7, TotalTokens: 18}); total != want {
		t.Errorf("sum = %+v; want %+v", total, want)
	}
}

// deltas is a Stream over fixed deltas, ending with err.
type deltas struct {
	ds  []llm.Delta
	err error
}

func (s *deltas) Recv() (llm.Delta, error) {
	if len(s.ds) == 0 {
		return llm.Delta{}, s.err
	}
	d := s.ds[0]
	s.ds = s.ds[1:]
	return d, nil
}

func (s *deltas) Close() error { return nil }

func TestReadAll(t *testing.T) {
	u := llm.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}
	got, err := llm.ReadAll(&deltas{ds: []llm.Delta{
		{Content: "Within "}, {}, {Content: "one hour."}, {Refusal: ""}, {FinishReason: llm.FinishLength, Usage: &u},
	}, err: io.EOF})
	want := llm.Response{Content: "Within one hour.", FinishReason: llm.FinishLength, Usage: u}
	if err != nil || *got != want {
		t.Errorf("ReadAll = %+v, %v; want %+v, nil", got, err, want)
	}

	broken := &llm.StreamError{Partial: "Within ", Err: io.ErrUnexpectedEOF}
	got, err = llm.ReadAll(&deltas{ds: []llm.Delta{{Content: "Within "}}, err: broken})
	if got != nil || err != broken {
		t.Errorf("ReadAll(broken) = %+v, %v; want nil, %v", got, err, broken)
	}
}

func TestStreamError(t *testing.T) {
	err := error(&llm.StreamError{Partial: "Give anti", Err: context.Canceled})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(%v, context.Canceled) = false", err)
	}
	if got, want := err.Error(), "llm: stream broken after 9 bytes of reply: context canceled"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if strings.Contains(err.Error(), "Give anti") {
		t.Errorf("Error() = %q shows the reply text; it must not", err)
	}
}

func TestChatFunc(t *testing.T) {
	var m llm.Model = llm.ChatFunc(func(_ context.Context, req llm.Request) (*llm.Response, error) {
		return &llm.Response{Content: strings.ToUpper(req.Messages[0].Content)}, nil
	})
	resp, err := m.Chat(t.Context(), llm.Request{Messages: []llm.Message{llm.User("ok")}})
	if err != nil || resp.Content != "OK" {
		t.Errorf("Chat = %+v, %v; want OK", resp, err)
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		msg  llm.Message
		role llm.Role
	}{{llm.System("a"), "system"}, {llm.User("a"), "user"}, {llm.Assistant("a"), "assistant"}} {
		if tc.msg.Role != tc.role || !tc.msg.Role.Valid() || tc.msg.Content != "a" {
			t.Errorf("message %+v; want role %q", tc.msg, tc.role)
		}
	}
	if llm.Role("System").Valid() {
		t.Errorf(`Role("System").Valid() = true; want false (roles are lower case)`)
	}
}

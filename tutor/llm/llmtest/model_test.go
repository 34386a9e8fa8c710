package llmtest_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/bedside-ai/bedside/tutor/llm"
	"github.com/bedside-ai/bedside/tutor/llm/llmtest"
)

func TestConformance(t *testing.T) {
	llmtest.Run(t, func(t *testing.T, reply string) llm.Model {
		return &llmtest.Model{Func: func(llm.Request) (string, error) { return reply, nil }}
	})
}

func TestRepliesThenFunc(t *testing.T) {
	boom := errors.New("boom")
	m := &llmtest.Model{
		Replies: []string{"one", "two"},
		Func: func(req llm.Request) (string, error) {
			if req.Messages[0].Content == "fail" {
				return "", boom
			}
			return "func", nil
		},
	}
	for i, tc := range []struct {
		ask     string
		want    string
		wantErr error
	}{
		{"a", "one", nil},
		{"fail", "two", nil}, // Replies come first, whatever the request
		{"b", "func", nil},
		{"fail", "", boom},
	} {
		resp, err := m.Chat(t.Context(), llm.Request{Messages: []llm.Message{llm.User(tc.ask)}})
		if !errors.Is(err, tc.wantErr) {
			t.Fatalf("call %d: Chat(%q) error = %v; want %v", i, tc.ask, err, tc.wantErr)
		}
		if err == nil && resp.Content != tc.want {
			t.Errorf("call %d: Chat(%q) = %q; want %q", i, tc.ask, resp.Content, tc.want)
		}
	}
	if m.Calls() != 4 {
		t.Errorf("Calls() = %d; want 4", m.Calls())
	}
}

func TestNoReply(t *testing.T) {
	m := &llmtest.Model{Replies: []string{"only"}}
	req := llm.Request{Messages: []llm.Message{llm.User("q")}}
	if _, err := m.Chat(t.Context(), req); err != nil {
		t.Fatalf("first Chat: %v", err)
	}
	if _, err := m.Chat(t.Context(), req); !errors.Is(err, llmtest.ErrNoReply) {
		t.Errorf("second Chat error = %v; want ErrNoReply", err)
	}
	if _, err := m.ChatStream(t.Context(), req); !errors.Is(err, llmtest.ErrNoReply) {
		t.Errorf("ChatStream error = %v; want ErrNoReply", err)
	}
}

func TestRequestsAreCopies(t *testing.T) {
	m := &llmtest.Model{Replies: []string{"x"}}
	seed := 3
	req := llm.Request{Messages: []llm.Message{llm.User("q")}, Seed: &seed, Stop: []string{"END"}, Temperature: 0.5}
	if _, err := m.Chat(t.Context(), req); err != nil {
		t.Fatalf("Chat: %v", err)
	}
	req.Messages[0].Content, seed, req.Stop[0] = "changed", 4, "changed"
	got := m.Requests()[0]
	want := llm.Request{Messages: []llm.Message{llm.User("q")}, Seed: new(3), Stop: []string{"END"}, Temperature: 0.5}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Requests()[0] = %+v; want %+v (as sent, unaffected by later changes)", got, want)
	}
	got.Messages[0].Content = "changed again"
	if m.Requests()[0].Messages[0].Content != "q" {
		t.Errorf("changing a returned request changed the record")
	}
}

func TestBreakAfter(t *testing.T) {
	m := &llmtest.Model{Replies: []string{"Give antibiotics within one hour."}, BreakAfter: 2}
	st, err := m.ChatStream(t.Context(), llm.Request{Messages: []llm.Message{llm.User("q")}})
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	defer st.Close()
	_, err = llm.ReadAll(st)
	var se *llm.StreamError
	if !errors.As(err, &se) || !errors.Is(err, llmtest.ErrBroken) || se.Partial != "Give antibiotics " {
		t.Errorf("ReadAll error = %v (%#v); want a StreamError after %q wrapping ErrBroken", err, se, "Give antibiotics ")
	}
}

func TestInvalidRequestNotRecorded(t *testing.T) {
	m := &llmtest.Model{Replies: []string{"x"}}
	if _, err := m.Chat(context.Background(), llm.Request{}); !errors.Is(err, llm.ErrInvalidRequest) {
		t.Fatalf("Chat(no messages) error = %v; want llm.ErrInvalidRequest", err)
	}
	if m.Calls() != 0 {
		t.Errorf("Calls() = %d; want 0", m.Calls())
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"one", []string{"one"}},
		{"Give  fluids now", []string{"Give  ", "fluids ", "now"}},
		{" lead\ttab\n", []string{" ", "lead\t", "tab\n"}},
		{"naïve café", []string{"naïve ", "café"}},
	} {
		if got := llmtest.Words(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Words(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// Package scripted is the scripted model behind the recorded eval
// cassettes: an [openaitest.Options.Handler] that answers the tutor's chat
// requests with hand-written drafts (examples/eval-ci/scripted-model.yaml)
// and the eval judge's requests with a simple word-and-number rule. It
// exists because there is no real language model in this project's
// environment; the cassettes say so.
package scripted

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/bedside-ai/bedside/internal/openaitest"
)

// A Model holds the scripted drafts, by question.
type Model struct {
	drafts map[string][]string

	mu       sync.Mutex
	problems []string
}

// Load reads a scripted-model file.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Replies []struct {
			Question string   `yaml:"question"`
			Drafts   []string `yaml:"drafts"`
		} `yaml:"replies"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &Model{drafts: make(map[string][]string)}
	for _, r := range f.Replies {
		if len(r.Drafts) == 0 {
			return nil, fmt.Errorf("%s: %q has no drafts", path, r.Question)
		}
		m.drafts[r.Question] = r.Drafts
	}
	return m, nil
}

// Problems lists requests the script could not answer as written (an
// unknown question, a citation placeholder matching no retrieved source).
func (m *Model) Problems() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.problems)
}

func (m *Model) problem(format string, args ...any) {
	m.mu.Lock()
	m.problems = append(m.problems, fmt.Sprintf(format, args...))
	m.mu.Unlock()
}

var (
	sourceRE      = regexp.MustCompile(`(?s)<source id="(S\d+)" document="([^"]*)"[^>]*>\n(.*?)\n</source>`)
	placeholderRE = regexp.MustCompile(`\s*\{([^|{}]+)\|([^{}]+)\}`)
	judgeStmtRE   = regexp.MustCompile(`(?m)^(\d+)\. (.*)$`)
	judgePassRE   = regexp.MustCompile(`(?s)<passage n="\d+">\n(.*?)\n</passage>`)
)

// Handler answers one request of the fake server.
func (m *Model) Handler(req openaitest.Request) openaitest.Reply {
	if req.Chat == nil {
		return openaitest.Reply{} // embeddings: the server's deterministic vectors
	}
	msgs := req.Chat.Messages
	if len(msgs) > 0 && strings.HasPrefix(msgs[0].Content, "You are a strict fact checker") {
		return openaitest.Reply{Content: judge(msgs[len(msgs)-1].Content)}
	}
	if len(msgs) < 2 {
		m.problem("chat request with %d messages", len(msgs))
		return openaitest.Reply{Content: "NOT COVERED"}
	}
	user := msgs[1].Content
	i := strings.LastIndex(user, "\n\nQuestion: ")
	if i < 0 {
		m.problem("chat request without a question")
		return openaitest.Reply{Content: "NOT COVERED"}
	}
	question := unescape(user[i+len("\n\nQuestion: "):])
	drafts, ok := m.drafts[question]
	if !ok {
		m.problem("no scripted reply for %q", question)
		return openaitest.Reply{Content: "NOT COVERED"}
	}
	n := 0
	if len(msgs) > 2 { // the tutor's request to regenerate
		n = min(1, len(drafts)-1)
	}
	return openaitest.Reply{Content: m.resolve(question, drafts[n], user)}
}

// resolve replaces {document|text} placeholders with source identifiers.
func (m *Model) resolve(question, draft, prompt string) string {
	type source struct{ id, doc, text string }
	var sources []source
	for _, s := range sourceRE.FindAllStringSubmatch(prompt, -1) {
		sources = append(sources, source{s[1], unescape(s[2]), unescape(s[3])})
	}
	return placeholderRE.ReplaceAllStringFunc(draft, func(ph string) string {
		p := placeholderRE.FindStringSubmatch(ph)
		doc, text := strings.TrimSpace(p[1]), strings.TrimSpace(p[2])
		for _, s := range sources {
			if s.doc == doc && strings.Contains(norm(s.text), norm(text)) {
				return " [" + s.id + "]"
			}
		}
		m.problem("%q: no retrieved source of %s contains %q", question, doc, text)
		return " [S99]"
	})
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(s)
}

// judge answers the eval judge: a statement is supported when every number
// in it appears in the passages followed by the same word (its unit, say)
// and at least three quarters of its words of four or more letters appear. It is a stand-in for a model, deliberately
// simpler than the grounding checker, so that their agreement means
// something.
func judge(prompt string) string {
	var passages strings.Builder
	for _, p := range judgePassRE.FindAllStringSubmatch(prompt, -1) {
		passages.WriteString(strings.ToLower(unescape(p[1])))
		passages.WriteString("\n")
	}
	text := passages.String()
	words := make(map[string]bool)
	ptoks := tokens(text)
	for i, w := range ptoks {
		words[w] = true
		if i+1 < len(ptoks) {
			words[w+" "+ptoks[i+1]] = true
		}
	}
	stmts := prompt
	if i := strings.Index(prompt, "<statements>"); i >= 0 {
		stmts = prompt[i:]
	}
	type verdict struct {
		N         int  `json:"n"`
		Supported bool `json:"supported"`
	}
	var out struct {
		Verdicts []verdict `json:"verdicts"`
	}
	for _, s := range judgeStmtRE.FindAllStringSubmatch(stmts, -1) {
		var n int
		fmt.Sscan(s[1], &n)
		long, found, numbersOK := 0, 0, true
		stoks := tokens(strings.ToLower(unescape(s[2])))
		for i, w := range stoks {
			if w[0] >= '0' && w[0] <= '9' {
				if i+1 < len(stoks) {
					w += " " + stoks[i+1]
				}
				numbersOK = numbersOK && words[w]
				continue
			}
			if len([]rune(w)) >= 4 {
				long++
				if words[w] {
					found++
				}
			}
		}
		ok := numbersOK && (long == 0 || float64(found) >= 0.75*float64(long))
		out.Verdicts = append(out.Verdicts, verdict{N: n, Supported: ok})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// tokens splits text into words and numbers ("4.0" stays one token).
func tokens(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.'
	}) {
		if w = strings.Trim(w, "."); w != "" {
			out = append(out, w)
		}
	}
	return out
}

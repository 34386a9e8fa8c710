package review

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Options tune [Write]. The zero value works.
type Options struct {
	// Title heads the page. The default is "Question bank review", followed
	// by the bank's name if it has one.
	Title string
	// Passage returns the full text of the guidance chunk with the given ID,
	// so that each source is shown as its whole passage with the quoted span
	// highlighted. When Passage is nil or reports false, the page shows the
	// quote alone. Passage is called once per citation, from the goroutine
	// that calls Write; a lookup that needs a context should capture it.
	Passage func(chunkID string) (text string, ok bool)
	// Generated, when not zero, is printed as the time the page was made.
	// It is left out by default so that the same bank gives the same page.
	Generated time.Time
}

// Write writes one self-contained HTML page reviewing b: every item with
// its stem, options (the key marked), the explanation of each option, the
// rationale, its difficulty, Bloom level and tags, its findings coloured by
// severity, and each source passage with the quoted span highlighted. The
// page needs no other file and no network; a few lines of inline JavaScript
// add filters, and without them every item is shown. It prints cleanly.
//
// All text is escaped by html/template.
func Write(w io.Writer, b quiz.Bank, opts Options) error {
	p := buildPage(b, opts)
	if err := pageTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	return nil
}

type page struct {
	Title     string
	Bank      string
	Generated string
	Items     []itemView
	Total     int
	Errors    int
	Warnings  int
	Infos     int
	Clean     int
	Types     []typeCount
}

type typeCount struct {
	Type  string
	Label string
	N     int
}

type itemView struct {
	N          int
	Anchor     string
	ID         string
	Type       string
	TypeLabel  string
	Difficulty string
	Bloom      string
	Topic      string
	Generator  string
	Created    string
	Tags       []string
	Stem       string
	Options    []optionView
	Answers    []string
	Rationale  string
	Findings   []quiz.Finding
	Worst      string // "error", "warning", "info" or "clean"
	Sources    []sourceView
	Search     string // lower-case text for the search filter
}

type optionView struct {
	Letter      string
	Text        string
	Correct     bool
	Explanation string
}

type sourceView struct {
	Label   string
	ChunkID string
	// The passage in three parts around the highlighted quote. When the
	// quote was not found, Before holds the whole passage.
	Before, Mark, After string
	HasPassage          bool
	Found               bool
	Quote               string
}

var typeLabels = map[quiz.Type]string{
	quiz.SingleBestAnswer: "Single best answer",
	quiz.Vignette:         "Clinical vignette",
	quiz.MultipleChoice:   "Multiple choice",
	quiz.TrueFalse:        "True/false",
	quiz.ShortAnswer:      "Short answer",
}

func typeLabel(t quiz.Type) string {
	if l, ok := typeLabels[t]; ok {
		return l
	}
	if t == "" {
		return "Unknown type"
	}
	return string(t)
}

func buildPage(b quiz.Bank, opts Options) page {
	p := page{Title: opts.Title, Bank: b.Name, Total: len(b.Items)}
	if p.Title == "" {
		p.Title = "Question bank review"
		if b.Name != "" {
			p.Title += ": " + b.Name
		}
	}
	if !opts.Generated.IsZero() {
		p.Generated = opts.Generated.Format("2 January 2006 15:04 MST")
	}
	counts := map[quiz.Type]int{}
	var order []quiz.Type
	for i := range b.Items {
		it := &b.Items[i]
		v := itemView{
			N: i + 1, Anchor: fmt.Sprintf("item-%d", i+1), ID: it.ID, Type: string(it.Type), TypeLabel: typeLabel(it.Type),
			Difficulty: string(it.Difficulty), Bloom: string(it.Bloom), Topic: it.Topic, Generator: it.Generator,
			Tags: it.Tags, Stem: it.Stem, Answers: it.Answers, Rationale: it.Rationale, Findings: it.Findings,
		}
		if !it.Created.IsZero() {
			v.Created = it.Created.UTC().Format("2006-01-02")
		}
		for j, o := range it.Options {
			v.Options = append(v.Options, optionView{Letter: letter(j), Text: o.Text, Correct: o.Correct, Explanation: o.Explanation})
		}
		v.Worst = worst(it.Findings)
		switch v.Worst {
		case "error":
			p.Errors++
		case "warning":
			p.Warnings++
		case "info":
			p.Infos++
		default:
			p.Clean++
		}
		for _, c := range it.Citations {
			v.Sources = append(v.Sources, source(c, opts.Passage))
		}
		var search []string
		search = append(search, it.ID, it.Stem, it.Rationale, it.Topic)
		search = append(search, it.Tags...)
		for _, o := range it.Options {
			search = append(search, o.Text)
		}
		for _, f := range it.Findings {
			search = append(search, f.Rule, f.Message)
		}
		v.Search = strings.ToLower(strings.Join(search, " "))
		if counts[it.Type] == 0 {
			order = append(order, it.Type)
		}
		counts[it.Type]++
		p.Items = append(p.Items, v)
	}
	for _, t := range order {
		p.Types = append(p.Types, typeCount{Type: string(t), Label: typeLabel(t), N: counts[t]})
	}
	return p
}

func letter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprint(i + 1)
}

func worst(fs []quiz.Finding) string {
	w := "clean"
	rank := map[string]int{"clean": 0, "info": 1, "warning": 2, "error": 3}
	for _, f := range fs {
		s := string(f.Severity)
		if _, ok := rank[s]; !ok {
			s = "warning" // an unknown severity is not ignored
		}
		if rank[s] > rank[w] {
			w = s
		}
	}
	return w
}

// source builds the view of one citation: its label and, when the passage
// is known, the passage split around the quote.
func source(c quiz.Citation, passage func(string) (string, bool)) sourceView {
	s := sourceView{Label: citationLabel(c), ChunkID: c.ChunkID, Quote: c.Quote}
	if passage == nil || c.ChunkID == "" {
		return s
	}
	text, ok := passage(c.ChunkID)
	if !ok || text == "" {
		return s
	}
	s.HasPassage = true
	start, end, found := locate(text, c.Quote)
	if !found {
		s.Before = text
		return s
	}
	s.Found = true
	s.Before, s.Mark, s.After = text[:start], text[start:end], text[end:]
	return s
}

// locate finds quote in text: exactly, or else ignoring differences in
// white space (a quote copied across a line break). It returns byte
// offsets into text.
func locate(text, quote string) (int, int, bool) {
	quote = strings.TrimSpace(quote)
	if quote == "" {
		return 0, 0, false
	}
	if i := strings.Index(text, quote); i >= 0 {
		return i, i + len(quote), true
	}
	// Collapse white space in both, remembering where each byte of the
	// collapsed text came from.
	var norm strings.Builder
	var from []int
	space := false
	for i, r := range text {
		if unicode.IsSpace(r) {
			if !space && norm.Len() > 0 {
				norm.WriteByte(' ')
				from = append(from, i)
			}
			space = true
			continue
		}
		space = false
		norm.WriteRune(r)
		for k := 0; k < utf8.RuneLen(r); k++ {
			from = append(from, i+k)
		}
	}
	q := strings.Join(strings.Fields(quote), " ")
	i := strings.Index(norm.String(), q)
	if i < 0 {
		return 0, 0, false
	}
	last := from[i+len(q)-1]
	_, size := utf8.DecodeRuneInString(text[last:])
	return from[i], last + size, true
}

func citationLabel(c quiz.Citation) string {
	var b strings.Builder
	title := c.Title
	if title == "" {
		title = c.DocumentID
	}
	if title == "" {
		title = "Unknown source"
	}
	b.WriteString(title)
	if c.Version != "" {
		b.WriteString(", version " + c.Version)
	}
	if c.Title != "" && c.DocumentID != "" {
		b.WriteString(" (" + c.DocumentID + ")")
	}
	if len(c.Section) > 0 {
		b.WriteString(" › " + strings.Join(c.Section, " › "))
	}
	return b.String()
}

var pageTemplate = template.Must(template.New("review").Parse(pageHTML))

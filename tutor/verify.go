package tutor

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/tutor/grounding"
	"github.com/bedside-ai/bedside/tutor/llm"
)

// verified is a model answer after verification.
type verified struct {
	sentences  []Sentence
	citations  []Citation
	removed    []Removed
	sanitized  int
	notCovered bool
}

var (
	// markerRE matches citation markers: [S1], [S1, S3], [S1][S2], [1].
	markerRE = regexp.MustCompile(`\[\s*S?\d+(?:\s*[,;]\s*S?\d+)*\s*\]`)
	digitsRE = regexp.MustCompile(`\d+`)
	// Markdown and HTML the tutor never shows.
	imageRE   = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	linkRE    = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)`)
	htmlTagRE = regexp.MustCompile(`</?[A-Za-z][^<>]*>`)
	urlRE     = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s<>()\[\]]+|\bwww\.[^\s<>()\[\]]+`)
	headingRE = regexp.MustCompile(`(?m)^\s{0,3}#{1,6}\s+`)
	emphRE    = regexp.MustCompile(`\*\*|__|\x60`)
)

// sanitize removes images, links, HTML and URLs that are not the cited
// sources' own, and markdown emphasis. It returns the text and the number of
// removals.
func sanitize(text string, allowed map[string]bool) (string, int) {
	n := 0
	count := func(re *regexp.Regexp, repl func(string) string) {
		text = re.ReplaceAllStringFunc(text, func(m string) string {
			n++
			return repl(m)
		})
	}
	count(imageRE, func(string) string { return "" })
	count(linkRE, func(m string) string { return linkRE.FindStringSubmatch(m)[1] })
	count(htmlTagRE, func(string) string { return "" })
	text = urlRE.ReplaceAllStringFunc(text, func(u string) string {
		if allowed[strings.TrimRight(u, ".,;:")] {
			return u
		}
		n++
		return ""
	})
	text = headingRE.ReplaceAllString(text, "")
	text = emphRE.ReplaceAllString(text, "")
	return text, n
}

// notCovered reports whether the model declined.
func notCovered(text string) bool {
	t := strings.ToUpper(strings.TrimSpace(text))
	t = strings.Trim(t, ".!\"'` ")
	return t == "NOT COVERED" || strings.HasPrefix(t, "NOT COVERED")
}

// claim is one sentence of a model answer with the sources it cites.
type claim struct {
	text  string
	cites []int // 0-based indexes into hits
	bad   []int // cited source numbers that were not retrieved
}

// parseClaims splits text into sentences and their citation markers.
// Markers standing alone (after a sentence's full stop) belong to the
// sentence before them.
func parseClaims(text string, nsources int) []claim {
	var out []claim
	for _, sp := range sentences.Split(text) {
		var cites, bad []int
		for _, m := range markerRE.FindAllString(sp.Text, -1) {
			for _, d := range digitsRE.FindAllString(m, -1) {
				n, _ := strconv.Atoi(d)
				if n >= 1 && n <= nsources {
					cites = appendUnique(cites, n-1)
				} else {
					bad = appendUnique(bad, n)
				}
			}
		}
		body := strings.TrimSpace(markerRE.ReplaceAllString(sp.Text, ""))
		body = strings.Join(strings.Fields(body), " ")
		// Tidy "fact [S1]." into "fact.".
		body = strings.ReplaceAll(body, " .", ".")
		if strings.Trim(body, ".;:,!? ") == "" {
			if len(out) > 0 {
				last := &out[len(out)-1]
				for _, c := range cites {
					last.cites = appendUnique(last.cites, c)
				}
				last.bad = append(last.bad, bad...)
			}
			continue
		}
		out = append(out, claim{text: body, cites: cites, bad: bad})
	}
	return out
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// verify checks every sentence of a model answer against the passages it
// cites and keeps only the supported ones, with their quotes.
func (t *Tutor) verify(text string, hits []retrieval.Hit) verified {
	var v verified
	allowed := make(map[string]bool)
	for _, h := range hits {
		if h.Document.SourceURL != "" {
			allowed[h.Document.SourceURL] = true
		}
	}
	text, v.sanitized = sanitize(text, allowed)
	if notCovered(text) {
		v.notCovered = true
		return v
	}
	cb := newCitationBuilder(hits)
	passages := make([]string, len(hits))
	for i, h := range hits {
		passages[i] = maskInstructions(h.Chunk.Text)
	}
	claims := parseClaims(text, len(hits))
	checks := make([]grounding.Claim, len(claims))
	for i, c := range claims {
		checks[i] = grounding.Claim{Text: c.text, Cites: c.cites}
	}
	// One call, so each cited passage is analysed once for all sentences.
	results := t.opts.Checker.CheckAnswer(checks, passages)
	for i, c := range claims {
		res := results[i]
		if res.Verdict == grounding.NotAClaim {
			continue // connective filler: nothing to show or to check
		}
		if len(c.cites) == 0 {
			reason := "cites no source"
			if len(c.bad) > 0 {
				reason = fmt.Sprintf("cites %s, which was not retrieved", sourceList(c.bad))
			}
			v.removed = append(v.removed, Removed{Text: c.text, Reason: reason})
			continue
		}
		if res.Verdict != grounding.Supported {
			v.removed = append(v.removed, Removed{Text: c.text, Reason: problems(res)})
			continue
		}
		s := Sentence{Text: c.text, Score: res.Score}
		for _, span := range spansByPassage(res.Evidence) {
			s.Citations = append(s.Citations, cb.cite(span.Passage, span.Start, span.End))
		}
		if len(s.Citations) == 0 { // supported but no evidence span: cite the passages
			for _, hi := range c.cites {
				s.Citations = append(s.Citations, cb.cite(hi, 0, len(hits[hi].Chunk.Text)))
			}
		}
		v.sentences = append(v.sentences, s)
	}
	v.citations = cb.list
	return v
}

func sourceList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = "S" + strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

func problems(r grounding.Result) string {
	parts := make([]string, 0, len(r.Problems))
	for _, p := range r.Problems {
		parts = append(parts, p.String())
	}
	if len(parts) == 0 {
		return "not supported by the cited source"
	}
	return strings.Join(parts, "; ")
}

// spansByPassage merges a window's evidence sentences into one span per passage.
func spansByPassage(ev []grounding.Span) []grounding.Span {
	var out []grounding.Span
	for _, s := range ev {
		if n := len(out); n > 0 && out[n-1].Passage == s.Passage {
			out[n-1].Start = min(out[n-1].Start, s.Start)
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// citationBuilder numbers citations in order of first use.
type citationBuilder struct {
	hits  []retrieval.Hit
	index map[string]int
	list  []Citation
}

func newCitationBuilder(hits []retrieval.Hit) *citationBuilder {
	return &citationBuilder{hits: hits, index: make(map[string]int)}
}

// cite returns the index in the citation list of the span [start, end) of
// hit hi's chunk text.
func (cb *citationBuilder) cite(hi, start, end int) int {
	h := cb.hits[hi]
	key := fmt.Sprintf("%s:%d:%d", h.Chunk.ID, start, end)
	if i, ok := cb.index[key]; ok {
		return i
	}
	i := len(cb.list)
	cb.index[key] = i
	cb.list = append(cb.list, Citation{
		N:             i + 1,
		DocumentID:    h.Document.ID,
		Title:         h.Document.Title,
		Version:       h.Document.Version,
		Publisher:     h.Document.Publisher,
		SourceURL:     h.Document.SourceURL,
		Section:       h.Chunk.Heading,
		ChunkID:       h.Chunk.ID,
		ChunkHash:     h.Chunk.Hash,
		Quote:         h.Chunk.Text[start:end],
		Start:         h.Chunk.Start + start,
		End:           h.Chunk.Start + end,
		ReviewOverdue: h.ReviewOverdue,
	})
	return i
}

// render joins verified sentences with their markers.
func render(ss []Sentence) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(s.Text)
		for _, c := range s.Citations {
			fmt.Fprintf(&b, " [%d]", c+1)
		}
	}
	return b.String()
}

// generate asks the model, verifies the answer, and asks once more if
// verification removed anything.
func (t *Tutor) generate(ctx context.Context, p *prepared, history []llm.Message) error {
	msgs := buildMessages(p.question, p.hits, t.opts.MaxSentences, history)
	resp, err := t.chat(ctx, p, msgs)
	if err != nil {
		return err
	}
	return t.accept(ctx, p, msgs, resp.Content)
}

func (t *Tutor) request(msgs []llm.Message) llm.Request {
	return llm.Request{Messages: msgs, Temperature: 0, Seed: t.opts.Seed}
}

func (t *Tutor) chat(ctx context.Context, p *prepared, msgs []llm.Message) (*llm.Response, error) {
	resp, err := t.opts.Model.Chat(ctx, t.request(msgs))
	if err != nil {
		return nil, fmt.Errorf("tutor: model: %w", err)
	}
	p.answer.Usage = p.answer.Usage.Add(resp.Usage)
	return resp, nil
}

// accept verifies a draft, regenerating once if needed, and fills in the answer.
func (t *Tutor) accept(ctx context.Context, p *prepared, msgs []llm.Message, draft string) error {
	a := p.answer
	v := t.verify(draft, p.hits)
	var removed []Removed
	for _, r := range v.removed {
		r.Draft = 1
		removed = append(removed, r)
	}
	if !v.notCovered && len(v.removed) > 0 {
		var list strings.Builder
		for _, r := range v.removed {
			fmt.Fprintf(&list, "- %q: %s\n", r.Text, r.Reason)
		}
		retry := append(append([]llm.Message(nil), msgs...),
			llm.Assistant(draft), llm.User(fmt.Sprintf(regenerateTemplate, list.String())))
		resp, err := t.chat(ctx, p, retry)
		if err != nil {
			return err
		}
		a.Flags.Regenerated = true
		v2 := t.verify(resp.Content, p.hits)
		for _, r := range v2.removed {
			r.Draft = 2
			removed = append(removed, r)
		}
		if v2.notCovered {
			if len(v.sentences) == 0 {
				p.refuse(NotCovered, notCoveredMessage, "the model said the sources do not answer the question")
				return nil
			}
		} else if len(v2.sentences) >= len(v.sentences) {
			v = v2
		}
	}
	if v.notCovered {
		p.refuse(NotCovered, notCoveredMessage, "the model said the sources do not answer the question")
		return nil
	}
	a.Flags.Removed = removed
	a.Flags.Sanitized = v.sanitized
	if len(v.sentences) == 0 {
		p.refuse(Unverified, "I couldn't produce an answer that the approved guidance supports, so I won't guess. "+
			"Please check your organisation's guidance directly or ask a senior colleague.",
			fmt.Sprintf("%d sentence(s) failed verification", len(v.removed)))
		return nil
	}
	a.Sentences, a.Citations = v.sentences, v.citations
	a.Text = render(v.sentences)
	a.Flags.ReviewOverdue = overdueOf(v.citations)
	return nil
}

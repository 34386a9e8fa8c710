package tutor

import (
	"math"
	"sort"

	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// extractive answers without a model: it quotes the guidance sentences that
// best match the question, each cited to its passage.
func (t *Tutor) extractive(p *prepared) {
	a := p.answer
	a.Flags.Extractive = true
	want := make(map[string]bool)
	for _, term := range terms.Analyze(p.question) {
		want[term] = true
	}
	type cand struct {
		hit, start, end int
		text            string
		terms           map[string]bool
		score           float64
	}
	var cands []cand
	df := make(map[string]int) // sentences containing each question term
	for hi, h := range p.hits {
		for _, sp := range sentences.Split(h.Chunk.Text) {
			if instructionRE.MatchString(sp.Text) {
				continue // never quote text addressed to an AI
			}
			c := cand{hit: hi, start: sp.Start, end: sp.End, text: sp.Text, terms: make(map[string]bool)}
			n := 0
			for _, term := range terms.Analyze(sp.Text) {
				n++
				if want[term] && !c.terms[term] {
					c.terms[term] = true
					df[term]++
				}
			}
			if len(c.terms) == 0 || n < 3 {
				continue
			}
			cands = append(cands, c)
		}
	}
	// Score: question terms matched, rarer ones weighing more, with a mild
	// preference for higher-ranked passages and against long sentences.
	for i := range cands {
		c := &cands[i]
		s := 0.0
		for term := range c.terms {
			w := 1.0
			if questionFiller[term] {
				w = 0.3
			}
			s += w * math.Log(1+float64(len(cands))/float64(df[term]))
		}
		c.score = s * (1 + 0.5/float64(c.hit+1)) / math.Sqrt(1+float64(len(c.text))/200)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })

	var chosen []cand
	for _, c := range cands {
		if len(chosen) == t.opts.ExtractiveSentences {
			break
		}
		dup := false
		for _, o := range chosen {
			if jaccard(c.terms, o.terms) > 0.8 && c.hit != o.hit {
				dup = true
				break
			}
		}
		if !dup {
			chosen = append(chosen, c)
		}
	}
	// Read in passage rank order, then document order.
	sort.SliceStable(chosen, func(i, j int) bool {
		if chosen[i].hit != chosen[j].hit {
			return chosen[i].hit < chosen[j].hit
		}
		return chosen[i].start < chosen[j].start
	})
	cb := newCitationBuilder(p.hits)
	for _, c := range chosen {
		// Quotes are verified like any answer: a sentence must be supported
		// by its own passage (it always is, unless the checker finds it
		// is not a claim at all).
		res := t.opts.Checker.Check(c.text, p.hits[c.hit].Chunk.Text)
		if res.Verdict != grounding.Supported {
			continue
		}
		a.Sentences = append(a.Sentences, Sentence{
			Text:      c.text,
			Citations: []int{cb.cite(c.hit, c.start, c.end)},
			Score:     res.Score,
		})
	}
	if len(a.Sentences) == 0 {
		p.refuse(LowSupport, notCoveredMessage, "no guidance sentence matched the question")
		return
	}
	a.Citations = cb.list
	a.Text = render(a.Sentences)
	a.Flags.ReviewOverdue = overdueOf(a.Citations)
}

func jaccard(a, b map[string]bool) float64 {
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

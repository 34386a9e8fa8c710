package quiz

import (
	"fmt"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/retrieval"
)

// A passage is a retrieved chunk with its sentences analysed.
type passage struct {
	hit   retrieval.Hit
	sents []*sentence
	// topic is a short name of the document's subject for questions:
	// "anaphylaxis", "acute kidney injury (AKI)".
	topic string
	adult bool
}

// newPassage analyses a hit. Headings, quotations and text addressed to an
// AI are left out of its sentences.
func newPassage(h retrieval.Hit) *passage {
	p := &passage{hit: h, topic: topicOf(h.Document.Title)}
	l := strings.ToLower(h.Document.Title + " " + strings.Join(h.Document.Tags, " ") + " " + strings.Join(h.Document.Audience, " "))
	p.adult = strings.Contains(l, "adult")
	for _, sp := range sentences.Split(h.Chunk.Text) {
		t := sp.Text
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, ">") || strings.Contains(t, "**") || injectionLike(t) {
			continue
		}
		if len(t) < 20 || len(t) > 400 {
			continue
		}
		p.sents = append(p.sents, parseSentence(t, sp.Start))
	}
	return p
}

// key identifies a sentence across overlapping chunks: the document
// version and the sentence's offset in the document.
func (p *passage) key(s *sentence) string {
	return fmt.Sprintf("%s@%s:%d", p.hit.Document.ID, p.hit.Document.Version, p.hit.Chunk.Start+s.start)
}

func (p *passage) doc() string { return p.hit.Document.ID }

// topicOf shortens a document title to its subject: the part before a
// colon, without "in adults" and similar qualifiers, lower-cased unless it
// starts with an acronym.
func topicOf(title string) string {
	t := strings.TrimSpace(title)
	if i := strings.Index(t, ":"); i > 0 {
		t = t[:i]
	}
	l := strings.ToLower(t)
	for _, q := range []string{" in adult", " for adult", " in clinical areas", " in hospital", " in children", " for all patients"} {
		if i := strings.Index(l, q); i > 0 {
			t, l = t[:i], l[:i]
		}
	}
	return lowerFirst(strings.TrimSpace(t))
}

// A pool is what distractors are drawn from: the quantities, medicines,
// instructions and lists of the guidance in force.
type pool struct {
	// specialties of each document, for telling related guidance apart.
	specialties map[string][]string
	qtys        []poolQty
	drugs       []poolDrug
	actions     []poolAction
	lists       []poolList
}

type poolQty struct {
	q   qty
	doc string
	sec int
}

type poolDrug struct {
	name string
	doc  string
}

type poolAction struct {
	text     string // the instruction, as an option: "Give glucagon 1 mg intramuscularly"
	doc      string
	sentence string // passage key of its sentence
	cond     bool   // the instruction has a condition of its own
	verb     string
	// condTerms are the content words of its condition.
	condTerms map[string]bool
	// thrSubj and thr describe a condition that is a threshold on a
	// measurement ("the serum potassium is below 3.5 mmol/L").
	thrSubj string
	thr     qty
}

type poolList struct {
	of       string
	items    []string
	doc      string
	sentence string
	drugs    bool
}

// newPool indexes passages. Sentences repeated by overlapping chunks are
// indexed once.
func newPool(ps []*passage) *pool {
	pl := &pool{specialties: make(map[string][]string)}
	seen := make(map[string]bool)
	seenDrug := make(map[string]bool)
	for _, p := range ps {
		pl.specialties[p.doc()] = p.hit.Document.Specialties
		for _, s := range p.sents {
			k := p.key(s)
			if seen[k] {
				continue
			}
			seen[k] = true
			for _, x := range s.quantities() {
				pl.qtys = append(pl.qtys, poolQty{q: x, doc: p.doc(), sec: p.hit.Chunk.Section})
			}
			for _, d := range drugsIn(s.text) {
				if dk := d.name + "\x00" + p.doc(); !seenDrug[dk] {
					seenDrug[dk] = true
					pl.drugs = append(pl.drugs, poolDrug{name: d.name, doc: p.doc()})
				}
			}
			for i := range s.actions {
				a := &s.actions[i]
				if a.negative {
					continue
				}
				t := actionText(s, a)
				if t == "" || len(t) > 160 {
					continue
				}
				c := s.condFor(a)
				pa := poolAction{text: upperFirst(t), doc: p.doc(), sentence: k, cond: !c.empty(), verb: a.verb,
					condTerms: condTerms(s.slice(c))}
				if subj, x, ok := condThreshold(s, c); ok {
					pa.thrSubj, pa.thr = subj, x
				}
				pl.actions = append(pl.actions, pa)
			}
			if of, items, _, ok := listOf(s); ok {
				l := poolList{of: of, items: items, doc: p.doc(), sentence: k}
				n := 0
				for _, it := range items {
					if len(drugsIn(it)) > 0 {
						n++
					}
				}
				l.drugs = n*2 > len(items)
				pl.lists = append(pl.lists, l)
			}
		}
	}
	return pl
}

// condTerms returns the content words of a condition, for telling
// contrasting conditions ("there is no intravenous access" and "intravenous
// access is available") from unrelated ones.
func condTerms(text string) map[string]bool {
	out := make(map[string]bool)
	for _, t := range clinical.Analyze(text).Terms {
		if !genericTerms[t.Stem] {
			out[t.Stem] = true
		}
	}
	return out
}

// genericTerms are words too common in conditions to make two of them
// about the same thing.
var genericTerms = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range []string{"patient", "person", "adult", "there", "need", "needed", "case", "possible", "present", "give", "given"} {
		m[clinical.Stem(w)] = true
	}
	return m
}()

// related reports whether two documents share a specialty (or are one).
func (pl *pool) related(a, b string) bool {
	if a == b {
		return true
	}
	for _, x := range pl.specialties[a] {
		for _, y := range pl.specialties[b] {
			if strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

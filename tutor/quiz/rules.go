package quiz

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// This file is the offline, rule-based generator. It reads the key
// sentences of the source passages (doses, thresholds, timings, medicines,
// instructions with their conditions, lists), turns each into candidate
// items of the types it suits, and builds an item from a candidate by
// choosing distractors of the same kind from the guidance in force. Every
// candidate distractor is checked against the cited sentence: one that the
// sentence supports is never used.

// A candidate is an item waiting for its distractors.
type candidate struct {
	typ   Type
	form  string // "dose", "timing", "threshold", "drug", "action", "list", …
	bloom Bloom
	p     *passage
	s     *sentence
	id    string // the sentence's key

	stem string
	key  string
	q    *qty        // a quantity key
	drug drugMention // the medicine in a drug key (span in key)

	// vignettes
	act     *action
	finding string
	because string // why the key applies ("A serum potassium of 3.1 mmol/L is below 3.5 mmol/L.")

	// lists
	of     string
	items  []string
	plural bool
}

// ruleGen builds items from passages.
type ruleGen struct {
	checker *grounding.Checker
	pool    *pool
	// keyPos rotates the position of the key among numeric options.
	keyPos int
	// tf alternates true and false statements.
	tf int
}

// candidates reads every sentence of the passages once, in order.
func (g *ruleGen) candidates(ps []*passage) []*candidate {
	var out []*candidate
	seen := make(map[string]bool)
	for _, p := range ps {
		for _, s := range p.sents {
			k := p.key(s)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, g.sentenceCandidates(p, s, k)...)
		}
	}
	return out
}

func (g *ruleGen) sentenceCandidates(p *passage, s *sentence, id string) []*candidate {
	var out []*candidate
	if len(s.words) == 0 || pronoun(s.words[0].lower) {
		return nil // "It does not cover …": the reference is lost out of context
	}
	add := func(c *candidate) {
		c.p, c.s, c.id = p, s, id
		out = append(out, c)
	}
	qs := s.quantities()
	for i := range qs {
		x := &qs[i]
		stem, key, ok := quantityQuestion(p, s, x)
		if !ok {
			continue
		}
		add(&candidate{typ: SingleBestAnswer, form: x.kind.String(), bloom: Remember, stem: stem, key: key, q: x})
		add(&candidate{typ: ShortAnswer, form: x.kind.String(), bloom: Remember, stem: stem, key: key, q: x})
	}
	if stem, key, dm, ok := drugQuestion(p, s); ok {
		add(&candidate{typ: SingleBestAnswer, form: "drug", bloom: Remember, stem: stem, key: key, drug: dm})
		add(&candidate{typ: ShortAnswer, form: "drug", bloom: Remember, stem: stem, key: key, drug: dm})
	}
	// Vignettes: a condition restated as a finding, the instruction as the key.
	for i := range s.actions {
		a := &s.actions[i]
		if a.negative {
			continue
		}
		key := upperFirst(actionText(s, a))
		if key == "" || len(key) > 160 {
			continue
		}
		if !vignetteVerbs[a.verb] {
			continue
		}
		if c, ok := g.thresholdVignette(p, s, a, key); ok {
			add(c)
			continue
		}
		if f, ok := findingOf(s, a); ok {
			add(&candidate{typ: Vignette, form: "action", bloom: Apply, key: key, act: a, finding: f})
		}
	}
	if of, items, pl, ok := listOf(s); ok {
		add(&candidate{typ: MultipleChoice, form: "list", bloom: Understand, of: of, items: items, plural: pl})
	}
	// True/false: any sentence with a quantity or a medicine to perturb.
	if len(qs) > 0 || len(drugsIn(s.text)) > 0 {
		if _, ok := statementOf(p, s); ok {
			add(&candidate{typ: TrueFalse, form: "statement", bloom: Remember})
		}
	}
	return out
}

// condThreshold reads a condition that is a threshold on a measurement:
// "the serum potassium is below 3.5 mmol/L". The subject is returned
// without its determiner, lower case.
func condThreshold(s *sentence, c span) (subj string, x qty, ok bool) {
	if c.empty() {
		return "", qty{}, false
	}
	for _, q := range s.quantities() {
		if q.a < c.a || q.b > c.b || (q.kind != qLevel && q.kind != qScore) {
			continue
		}
		subjText := strings.TrimSpace(s.text[c.a:q.a])
		for _, link := range []string{" is", " are", " falls", " rises"} {
			if strings.HasSuffix(subjText, link) {
				subj = strings.TrimSuffix(subjText, link)
				break
			}
		}
		if subj == "" || strings.Contains(subj, "still") || len(strings.Fields(subj)) > 6 || strings.ContainsAny(subj, ",;") {
			return "", qty{}, false
		}
		if !startsWithDeterminer(subj) || pronoun(stripDeterminer(subj)) {
			return "", qty{}, false
		}
		// The rest of the condition must not add another requirement.
		if rest := strings.TrimSpace(s.text[q.b:c.b]); rest != "" {
			return "", qty{}, false
		}
		return strings.ToLower(stripDeterminer(subj)), q, true
	}
	return "", qty{}, false
}

// meets reports whether a value satisfies a threshold.
func meets(x *qty, v float64) bool {
	switch {
	case x.rng:
		return v >= x.lo && v <= x.hi
	case x.bound == clinical.AtMost:
		return v < x.lo || x.lead == "at most" && v == x.lo
	case x.bound == clinical.AtLeast:
		return v > x.lo || v == x.lo && x.lead != "above" && x.lead != "over" && x.lead != "more than"
	}
	return v == x.lo
}

// thresholdVignette makes an application item from an instruction whose
// condition is a threshold: the case gives a value that meets it, and no
// other threshold on the same measurement in the same document.
func (g *ruleGen) thresholdVignette(p *passage, s *sentence, a *action, key string) (*candidate, bool) {
	c := s.condFor(a)
	if s.condCue == "unless" {
		return nil, false
	}
	subj, x, ok := condThreshold(s, c)
	if !ok {
		return nil, false
	}
	v, ok := thresholdValue(&x)
	if !ok || !meets(&x, v) {
		return nil, false
	}
	for _, pa := range g.pool.actions {
		if pa.doc == p.doc() && pa.sentence != p.key(s) && pa.thrSubj == subj && pa.thr.unit == x.unit && meets(&pa.thr, v) {
			return nil, false // the case would meet another instruction's condition too
		}
	}
	core := s.text[x.core.a:x.core.b]
	num := formatValue(v, decimals(core))
	if x.kind == qScore {
		num = formatValue(math.Round(v), 0)
	}
	unit := strings.TrimSpace(unitText(core))
	value := strings.TrimSpace(num + " " + unit)
	if unit == "%" {
		value = num + "%"
	}
	finding := "The " + subj + " is " + value + "."
	because := fmt.Sprintf("A %s of %s is %s, so this instruction applies.", subj, value, lowerFirst(x.text(s)))
	return &candidate{typ: Vignette, form: "threshold", bloom: Apply, key: key, act: a, finding: finding, because: because, q: &x}, true
}

// vignetteVerbs are the instructions that make a "next step" key: not
// "suspect" or "regard", which are about recognition.
var vignetteVerbs = func() map[string]bool {
	m := make(map[string]bool)
	for v := range imperatives {
		m[v] = true
	}
	for _, v := range []string{"suspect", "regard", "recognise", "recognize", "note", "follow", "make", "allow"} {
		delete(m, v)
	}
	return m
}()

// unitText returns the unit part of a quantity phrase: the text after its
// last number.
func unitText(core string) string {
	nums := numberTokens(core)
	if len(nums) == 0 {
		return ""
	}
	return core[nums[len(nums)-1].b:]
}

// errSkip explains why a candidate made no item; it is not a rejection of an
// item, since no item was made.
type errSkip string

func (e errSkip) Error() string { return string(e) }

// build makes an item from a candidate.
func (g *ruleGen) build(c *candidate) (*Item, error) {
	it := &Item{
		Type:      c.typ,
		Bloom:     c.bloom,
		Topic:     c.p.hit.Document.Title,
		Generator: "rule-based",
		Tags:      []string{c.p.doc(), c.form},
		Citations: []Citation{citationOf(c.p, c.s)},
	}
	quote := c.s.text
	it.Rationale = fmt.Sprintf("%s (version %s): “%s”", it.Citations[0].Title, it.Citations[0].Version, quote)
	var err error
	switch c.typ {
	case SingleBestAnswer:
		err = g.buildSBA(c, it)
	case ShortAnswer:
		err = g.buildShort(c, it)
	case Vignette:
		err = g.buildVignette(c, it)
	case TrueFalse:
		err = g.buildTrueFalse(c, it)
	case MultipleChoice:
		err = g.buildList(c, it)
	default:
		err = errSkip("unknown type")
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

// citationOf cites a sentence of a passage.
func citationOf(p *passage, s *sentence) Citation {
	h := p.hit
	start := h.Chunk.Start + s.start
	return Citation{
		DocumentID: h.Document.ID,
		Version:    h.Document.Version,
		Title:      h.Document.Title,
		Section:    append([]string(nil), h.Chunk.Heading...),
		ChunkID:    h.Chunk.ID,
		ChunkHash:  h.Chunk.Hash,
		Quote:      s.text,
		Start:      start,
		End:        start + len(s.text),
	}
}

// rejects reports whether the cited sentence supports an option as the
// answer to the item's question.
func (g *ruleGen) rejects(it *Item, option string) bool {
	ok, _ := supported(g.checker, claims(it, option), []string{citationText(it.Citations[0])})
	return ok
}

// keySupported reports whether the cited sentence supports the key.
func (g *ruleGen) keySupported(it *Item, key string) bool {
	ok, _ := supported(g.checker, claims(it, key), []string{citationText(it.Citations[0])})
	return ok
}

// A choice is a distractor with the explanation of why it is wrong.
type choice struct {
	text, why string
	value     qvalue
}

func (g *ruleGen) buildSBA(c *candidate, it *Item) error {
	it.Stem = c.stem
	if !g.keySupported(it, c.key) {
		return errSkip("key not supported by its sentence")
	}
	var ds []choice
	switch {
	case c.q != nil:
		ds = g.quantityChoices(c, it, 4)
	case c.drug.b > 0:
		ds = g.drugChoices(c, it, c.key, c.drug, 4)
	}
	if len(ds) < 4 {
		return errSkip(fmt.Sprintf("only %d distractors of the same kind", len(ds)))
	}
	it.Options = g.arrange(c, ds)
	it.Difficulty = difficultyOf(c, ds)
	return nil
}

func (g *ruleGen) buildShort(c *candidate, it *Item) error {
	it.Stem = c.stem
	if !g.keySupported(it, c.key) {
		return errSkip("key not supported by its sentence")
	}
	it.Answers = []string{c.key}
	if c.q != nil {
		core := c.s.text[c.q.core.a:c.q.core.b]
		if !strings.EqualFold(core, c.key) && c.q.lead == "" {
			it.Answers = append(it.Answers, core)
		}
		for _, alt := range unitSpellings(core) {
			if !slices.Contains(it.Answers, alt) {
				it.Answers = append(it.Answers, alt)
			}
		}
	} else if c.drug.b > 0 {
		name := c.key[c.drug.a:c.drug.b]
		if !strings.EqualFold(name, c.key) {
			it.Answers = append(it.Answers, upperFirst(name))
		}
	}
	it.Difficulty = Medium
	return nil
}

// unitSpellings returns other usual spellings of a quantity ("500
// micrograms" → "500 mcg").
func unitSpellings(core string) []string {
	var out []string
	for _, pair := range [][2]string{{"micrograms", "mcg"}, {"microgram", "mcg"}, {"mL", "ml"}, {"minutes", "min"}, {"hours", "h"}, {"mmol/L", "mmol/l"}} {
		if strings.Contains(core, pair[0]) {
			out = append(out, strings.Replace(core, pair[0], pair[1], 1))
		}
	}
	return out
}

// arrange orders the options of an item: numeric options ascending (the key
// among them where its value falls), other options with the key at a
// rotating position.
func (g *ruleGen) arrange(c *candidate, ds []choice) []Option {
	keyOpt := Option{Text: c.key, Correct: true, Explanation: "Correct: the guidance states this (" + quoteRef(c.s.text) + ")."}
	opts := []Option{keyOpt}
	for _, d := range ds {
		opts = append(opts, Option{Text: d.text, Explanation: d.why})
	}
	if c.q != nil && c.typ != Vignette {
		vals := map[string]float64{c.key: c.q.lo}
		for _, d := range ds {
			vals[d.text] = d.value.lo
		}
		sort.SliceStable(opts, func(i, j int) bool { return vals[opts[i].Text] < vals[opts[j].Text] })
		return opts
	}
	pos := g.keyPos % len(opts)
	g.keyPos++
	rest := opts[1:]
	out := make([]Option, 0, len(opts))
	out = append(out, rest[:pos]...)
	out = append(out, keyOpt)
	out = append(out, rest[pos:]...)
	return out
}

// quoteRef shortens a quote for an explanation.
func quoteRef(q string) string {
	q = strings.TrimSpace(q)
	if len(q) > 140 {
		cut := strings.LastIndexByte(q[:140], ' ')
		if cut < 70 {
			cut = 140
		}
		q = q[:cut] + " …"
	}
	return "“" + q + "”"
}

// quantityChoices picks n wrong values of the same kind and unit as the key:
// values the guidance uses elsewhere first (the same document, then
// others), then usual perturbations (doubling, halving, a decimal slip, a
// neighbouring interval). It aims the key at a rotating position among the
// ascending options.
func (g *ruleGen) quantityChoices(c *candidate, it *Item, n int) []choice {
	x := c.q
	keyText := c.key
	var cands []qvalue
	origin := make(map[qvalue]string)
	otherPref := 30 // values of other guidance come after the usual perturbations…
	if x.kind == qTime {
		otherPref = 15 // …except times, where other guidance's are the usual ones
	}
	for _, pq := range g.pool.qtys {
		if pq.q.unit.Name != x.unit.Name || pq.q.kind != x.kind || pq.q.rng != x.rng {
			continue
		}
		v := qvalue{lo: pq.q.lo, hi: pq.q.hi, pref: otherPref}
		if pq.doc == c.p.doc() {
			v.pref = 0
			origin[qvalue{lo: v.lo, hi: v.hi}] = "same"
		} else if _, ok := origin[qvalue{lo: v.lo, hi: v.hi}]; !ok {
			origin[qvalue{lo: v.lo, hi: v.hi}] = "other"
		}
		cands = append(cands, v)
	}
	cands = append(cands, perturbations(x)...)
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].pref < cands[j].pref })

	keyV := qvalue{lo: x.lo, hi: x.hi}
	var below, above []choice
	var seen []qvalue
	for _, v := range cands {
		if !distinct(x, v, keyV) || !plausible(x, v) || slices.ContainsFunc(seen, func(s qvalue) bool { return !distinct(x, s, v) }) {
			continue
		}
		if x.rng && (v.hi <= v.lo || overlaps(v, keyV) || slices.ContainsFunc(seen, func(s qvalue) bool { return overlaps(s, v) })) {
			continue
		}
		seen = append(seen, v)
		text, ok := replaceNumbers(keyText, x.rng, v.lo, v.hi, x.kind)
		if !ok || text == keyText {
			continue
		}
		if g.rejects(it, text) {
			continue
		}
		why := fmt.Sprintf("Incorrect: the guidance gives %s, not %s.", lowerFirst(keyText), lowerFirst(text))
		switch origin[qvalue{lo: v.lo, hi: v.hi}] {
		case "same":
			why += " This value appears in the same guidance in another context."
		case "other":
			why += " This value appears in other guidance."
		}
		ch := choice{text: text, why: why, value: v}
		if v.lo < x.lo {
			below = append(below, ch)
		} else {
			above = append(above, ch)
		}
		if len(below) >= n && len(above) >= n {
			break
		}
	}
	// Aim the key at position want (0 to n) among the sorted options.
	want := g.keyPos % (n + 1)
	g.keyPos++
	nb := min(want, len(below))
	na := min(n-nb, len(above))
	nb = min(n-na, len(below))
	out := append([]choice(nil), below[:nb]...)
	out = append(out, above[:na]...)
	return out
}

// drugChoices swaps the medicine in the key for others: of the same class
// named in the guidance, then others of its class, then other medicines
// of the same document.
func (g *ruleGen) drugChoices(c *candidate, it *Item, key string, dm drugMention, n int) []choice {
	var names []string
	add := func(name string) {
		if name != dm.name && !slices.Contains(names, name) && !strings.Contains(strings.ToLower(c.s.text), name) {
			names = append(names, name)
		}
	}
	for _, d := range g.pool.drugs {
		if sameClass(d.name, dm.name) {
			add(d.name)
		}
	}
	for _, cl := range classesOf(dm.name) {
		for _, name := range drugClasses[cl] {
			add(name)
		}
	}
	if len(classesOf(dm.name)) == 0 {
		for _, d := range g.pool.drugs {
			if d.doc == c.p.doc() {
				add(d.name)
			}
		}
	}
	var out []choice
	for _, name := range names {
		if len(out) == n {
			break
		}
		repl := displayName(name)
		text := key[:dm.a] + matchCase(key[dm.a:dm.b], repl) + key[dm.b:]
		if dm.a > 0 {
			text = key[:dm.a] + repl + key[dm.b:]
		}
		if g.rejects(it, text) {
			continue
		}
		out = append(out, choice{text: upperFirst(text),
			why: fmt.Sprintf("Incorrect: the guidance names %s here, not %s.", lowerFirst(key), displayName(name))})
	}
	return out
}

func (g *ruleGen) buildVignette(c *candidate, it *Item) error {
	who := "A patient"
	if c.p.adult {
		who = "An adult inpatient"
	}
	intro := fmt.Sprintf("%s is being cared for under the %s guidance.", who, c.p.topic)
	it.Stem = intro + " " + c.finding + " Which is the most appropriate next step?"
	if !g.keySupported(it, c.key) {
		return errSkip("key not supported by its sentence")
	}
	ds, safe := g.actionChoices(c, it, 4)
	if len(ds) < 4 || safe < 2 {
		return errSkip(fmt.Sprintf("only %d alternative instructions, %d of them from the same guidance", len(ds), safe))
	}
	it.Options = g.arrange(c, ds)
	if c.because != "" {
		it.Rationale += " " + c.because
	}
	it.Difficulty = Medium
	if c.form == "threshold" {
		it.Difficulty = Hard
	}
	return nil
}

// actionChoices picks instructions that are wrong in the case: the
// instructions the same guidance gives under a contrasting condition (one
// about the same thing: "intravenous access is available" against "there is
// no intravenous access"), then the key instruction with a wrong amount,
// then instructions of guidance on unrelated subjects. Instructions of the
// same guidance under unrelated conditions, or under none, and of related
// guidance, are never used: they may be right in the case too. safe counts
// the choices of the first two kinds.
func (g *ruleGen) actionChoices(c *candidate, it *Item, n int) (out []choice, safe int) {
	keyLen := len(c.key)
	seen := map[string]bool{strings.ToLower(c.key): true}
	chosen := []map[string]bool{optionTokens(c.key)}
	// try adds a choice. An instruction from the pool must not be a rewording
	// of the key or of another choice ("Add potassium 40 mmol per litre" and
	// "Give 40 mmol of potassium chloride per litre"); the key with a wrong
	// amount is similar to it on purpose.
	try := func(text, why string, variant bool) {
		if len(out) == n || seen[strings.ToLower(text)] {
			return
		}
		seen[strings.ToLower(text)] = true
		if l := len(text); l < keyLen/3 || l > keyLen*3 {
			return
		}
		toks := optionTokens(text)
		for _, o := range chosen {
			if !variant && jaccard(toks, o) >= 0.5 {
				return
			}
		}
		if g.rejects(it, text) {
			return
		}
		chosen = append(chosen, toks)
		out = append(out, choice{text: text, why: why})
	}
	keyCond := condTerms(c.s.slice(c.s.condFor(c.act)))
	contrasting := func(pa poolAction) bool {
		for t := range pa.condTerms {
			if keyCond[t] {
				return true
			}
		}
		return false
	}
	for _, a := range g.pool.actions {
		if a.doc == c.p.doc() && a.cond && a.sentence != c.id && contrasting(a) && vignetteVerbs[a.verb] {
			try(a.text, "Incorrect: the guidance gives this instruction in a different situation.", false)
		}
	}
	// The key with a wrong amount (at most two such options).
	ks := parseSentence(c.key+".", 0)
	wrong := 0
	for _, x := range ks.quantities() {
		if x.kind == qLevel || x.kind == qScore {
			continue // a product's strength ("glucose 10%") or a threshold: no usual wrong values
		}
		for _, v := range perturbations(&x) {
			if len(out) == n || wrong == 2 {
				break
			}
			if !plausible(&x, v) {
				continue
			}
			kt := x.text(ks)
			rt, ok := replaceNumbers(kt, x.rng, v.lo, v.hi, x.kind)
			if !ok || rt == kt {
				continue
			}
			before := len(out)
			try(c.key[:x.a]+rt+c.key[x.b:], fmt.Sprintf("Incorrect: the instruction is right but the amount is wrong; the guidance says %s.", lowerFirst(kt)), true)
			if len(out) > before {
				wrong++
			}
		}
	}
	safe = len(out)
	if safe < 2 {
		return out, safe
	}
	// Instructions of guidance on other subjects (no specialty in common),
	// closest in length to the key first.
	var others []poolAction
	for _, a := range g.pool.actions {
		if a.doc != c.p.doc() && a.cond && vignetteVerbs[a.verb] && !g.pool.related(a.doc, c.p.doc()) {
			others = append(others, a)
		}
	}
	sort.SliceStable(others, func(i, j int) bool {
		return math.Abs(math.Log(float64(len(others[i].text))/float64(keyLen))) < math.Abs(math.Log(float64(len(others[j].text))/float64(keyLen)))
	})
	for _, a := range rotate(others, 12, c.id) {
		try(a.text, "Incorrect: this instruction belongs to guidance on another subject and does not apply here.", false)
	}
	return out, safe
}

func (g *ruleGen) buildTrueFalse(c *candidate, it *Item) error {
	s := c.s
	truth := g.tf%2 == 0
	stated := s
	why := ""
	if !truth {
		changed, w, ok := g.perturb(c, it)
		if !ok {
			truth = true
		} else {
			stated, why = parseSentence(changed+".", 0), w
		}
	}
	stmt, ok := statementOf(c.p, stated)
	if !ok {
		return errSkip("sentence cannot be stated")
	}
	it.Stem = stmt
	sup, _ := supported(g.checker, claims(it, ""), []string{citationText(it.Citations[0])})
	if sup != truth {
		return errSkip("checker disagrees with the statement's truth")
	}
	g.tf++
	it.Options = []Option{{Text: "True", Correct: truth}, {Text: "False", Correct: !truth}}
	if truth {
		it.Options[0].Explanation = "Correct: the guidance states this (" + quoteRef(s.text) + ")."
		it.Options[1].Explanation = "Incorrect: the statement matches the guidance."
	} else {
		it.Options[0].Explanation = "Incorrect: " + why
		it.Options[1].Explanation = "Correct: " + why + " The guidance says " + quoteRef(s.text) + "."
	}
	it.Difficulty = Easy
	if !truth {
		it.Difficulty = Medium
	}
	return nil
}

// perturb changes one fact of a sentence: a quantity to another plausible
// value, or a medicine to another of its class.
func (g *ruleGen) perturb(c *candidate, it *Item) (string, string, bool) {
	s := c.s
	body := s.text[:s.body.b]
	for _, x := range s.quantities() {
		kt := x.text(s)
		for _, v := range perturbations(&x) {
			if !plausible(&x, v) {
				continue
			}
			rt, ok := replaceNumbers(kt, x.rng, v.lo, v.hi, x.kind)
			if !ok || rt == kt {
				continue
			}
			changed := body[:x.a] + rt + body[x.b:]
			return changed, fmt.Sprintf("the guidance gives %s, not %s.", kt, rt), true
		}
	}
	for _, d := range drugsIn(body) {
		for _, cl := range classesOf(d.name) {
			for _, name := range drugClasses[cl] {
				if name == d.name || strings.Contains(strings.ToLower(body), name) {
					continue
				}
				repl := matchCase(body[d.a:d.b], displayName(name))
				return body[:d.a] + repl + body[d.b:], fmt.Sprintf("the guidance names %s, not %s.", body[d.a:d.b], displayName(name)), true
			}
		}
	}
	return "", "", false
}

func (g *ruleGen) buildList(c *candidate, it *Item) error {
	topic := c.p.topic
	if c.plural {
		it.Stem = fmt.Sprintf("According to the %s guidance, which of the following are %s? Select all that apply.", topic, c.of)
	} else {
		it.Stem = fmt.Sprintf("According to the %s guidance, which of the following does %s include? Select all that apply.", topic, c.of)
	}
	// Two or three keys, chosen from the list by its position.
	nk := 3
	if len(c.items) == 3 || g.keyPos%2 == 1 {
		nk = 2
	}
	keys := make([]string, 0, nk)
	for i := 0; i < len(c.items) && len(keys) < nk; i += max(1, len(c.items)/nk) {
		keys = append(keys, cleanItem(c.items[i]))
	}
	for _, k := range keys {
		if !g.keySupported(it, k) {
			return errSkip("list item not supported by its sentence")
		}
	}
	isDrugList := 0
	for _, k := range keys {
		if len(drugsIn(k)) > 0 {
			isDrugList++
		}
	}
	var ds []choice
	seen := make(map[string]bool)
	for _, k := range c.items {
		seen[strings.ToLower(cleanItem(k))] = true
	}
	try := func(text, why string) {
		if len(ds) == 5-nk || seen[strings.ToLower(text)] {
			return
		}
		seen[strings.ToLower(text)] = true
		if (len(drugsIn(text)) > 0) != (isDrugList*2 > len(keys)) {
			return
		}
		if g.rejects(it, text) {
			return
		}
		ds = append(ds, choice{text: text, why: why})
	}
	for _, l := range g.pool.lists {
		if l.doc == c.p.doc() && l.sentence != c.id {
			for _, x := range l.items {
				try(cleanItem(x), fmt.Sprintf("Incorrect: the guidance lists this among %s, not %s.", l.of, c.of))
			}
		}
	}
	var others []poolList
	for _, l := range g.pool.lists {
		if l.doc != c.p.doc() {
			others = append(others, l)
		}
	}
	for _, l := range rotate(others, len(others), c.id) {
		for _, x := range l.items {
			try(cleanItem(x), fmt.Sprintf("Incorrect: the guidance does not list this among %s.", c.of))
		}
	}
	if len(ds) < 5-nk {
		return errSkip("too few items of other lists")
	}
	var opts []Option
	for _, k := range keys {
		opts = append(opts, Option{Text: k, Correct: true, Explanation: "Correct: the guidance lists it (" + quoteRef(c.s.text) + ")."})
	}
	for _, d := range ds {
		opts = append(opts, Option{Text: d.text, Explanation: d.why})
	}
	// Interleave deterministically so that keys do not sit together.
	sort.SliceStable(opts, func(i, j int) bool { return strings.ToLower(opts[i].Text) < strings.ToLower(opts[j].Text) })
	it.Options = opts
	it.Difficulty = Hard
	g.keyPos++
	return nil
}

// cleanItem writes a list item as an option: without a leading article,
// capitalised.
func cleanItem(s string) string {
	s = strings.TrimSpace(s)
	l := strings.ToLower(s)
	for _, d := range []string{"a ", "an ", "the "} {
		if strings.HasPrefix(l, d) {
			s = s[len(d):]
			break
		}
	}
	return upperFirst(s)
}

// difficultyOf estimates difficulty from how close the distractors are to
// the key: a value within 30% of the key's is hard to tell apart.
func difficultyOf(c *candidate, ds []choice) Difficulty {
	if c.q == nil {
		return Medium
	}
	closest := math.Inf(1)
	for _, d := range ds {
		if d.value.lo > 0 && c.q.lo > 0 {
			closest = math.Min(closest, math.Abs(math.Log(d.value.lo/c.q.lo)))
		}
	}
	switch {
	case closest < math.Log(1.3):
		return Hard
	case closest < math.Log(2.5):
		return Medium
	}
	return Easy
}

// rotate returns the first n elements of xs (or all, if fewer), starting at
// a place chosen by key and wrapping round, followed by the rest: the same
// key always gives the same order, and different items draw different
// distractors from a shared pool.
func rotate[T any](xs []T, n int, key string) []T {
	n = min(n, len(xs))
	if n == 0 {
		return xs
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	k := int(h.Sum32() % uint32(n))
	out := make([]T, 0, len(xs))
	out = append(out, xs[k:n]...)
	out = append(out, xs[:k]...)
	return append(out, xs[n:]...)
}

package quiz

import (
	"math"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/terms"
)

// This file turns a guidance sentence into a closed question: never a
// sentence with a blank (a fill-in-the-blank stem is an item-writing flaw),
// always a question that can be answered with the options covered. Each
// builder handles one shape of sentence and reports false for anything
// else.

// prepositions end a noun phrase.
var prepositions = setOf(`to for with at in into during until after before over by through via from on
	alongside within without under above below per than as against`)

// cleanTail tidies the rest of a clause after a key: brackets that hold a
// number (they would give the answer away) and relative clauses are
// dropped.
func cleanTail(t string) string {
	t = dropNumericBrackets(t)
	for _, cut := range []string{", which", ", because", " because ", ", for example", ", especially", ", such as", ";", " — ", " – "} {
		if i := strings.Index(t, cut); i >= 0 {
			t = t[:i]
		}
	}
	t = strings.Join(strings.Fields(t), " ")
	return strings.Trim(t, " ,")
}

// dropNumericBrackets removes bracketed text that contains a digit.
func dropNumericBrackets(t string) string {
	for {
		i := strings.IndexByte(t, '(')
		if i < 0 {
			return t
		}
		j := strings.IndexByte(t[i:], ')')
		if j < 0 {
			return t
		}
		inner := t[i : i+j+1]
		if !strings.ContainsAny(inner, "0123456789") {
			// Keep it, and look further on.
			rest := dropNumericBrackets(t[i+j+1:])
			return t[:i+j+1] + rest
		}
		t = strings.TrimRight(t[:i], " ") + t[i+j+1:]
	}
}

// actionText is the text of an instruction for an option or a question:
// from its verb to its end, without a trailing explanation.
func actionText(s *sentence, a *action) string {
	return cleanTail(s.text[a.a:a.b])
}

// condPrefix renders the condition governing a as an opening clause, "If
// there is no improvement, ", or "".
func condPrefix(s *sentence, a *action) string {
	c := s.condFor(a)
	if c.empty() {
		return ""
	}
	return upperFirst(s.condCue) + " " + cleanTail(s.slice(c)) + ", "
}

// withCond opens a question with its condition: "If there is no
// improvement, when should you …?".
func withCond(cond, q string) string {
	if cond == "" {
		return q
	}
	return cond + lowerFirst(q)
}

// joinWords joins a verb and its object into "give glucagon intramuscularly".
func joinWords(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// lastWord splits off the last word of s.
func lastWord(s string) (rest, last string) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", s
	}
	return strings.TrimSpace(s[:i]), s[i+1:]
}

// nounFor names what a quantity measures, for "What dose of …".
func nounFor(k qkind) string {
	switch k {
	case qDose:
		return "dose"
	case qVolume:
		return "volume"
	case qRate:
		return "rate"
	}
	return ""
}

// quantityQuestion asks for the quantity x of s. It returns the stem (a
// question) and the key (the quantity phrase as an option).
func quantityQuestion(p *passage, s *sentence, x *qty) (stem, key string, ok bool) {
	key = upperFirst(x.text(s))
	if a := s.actionOf(x.a); a != nil {
		if a.negative {
			return "", "", false
		}
		stem, key, ok = actionQuantity(s, a, x)
	} else if !s.cond.empty() && x.a >= s.cond.a && x.b <= s.cond.b {
		stem, ok = conditionQuantity(s, x)
	} else {
		stem, ok = statementQuantity(p, s, x)
	}
	if !ok {
		return "", "", false
	}
	stem = finishQuestion(p, stem)
	if givesAway(stem, x) || len(stem) > 320 {
		return "", "", false
	}
	return stem, key, true
}

// actionQuantity asks about a quantity inside an instruction.
func actionQuantity(s *sentence, a *action, x *qty) (stem, key string, ok bool) {
	cond := condPrefix(s, a)
	verb := a.verb
	pre := strings.TrimSpace(s.text[a.verbEnd:x.a])
	post := cleanTail(s.text[x.b:a.b])
	key = upperFirst(x.text(s))
	// "… to every patient with a serum potassium of 6.0 mmol/L or more":
	// a threshold that triggers the instruction.
	if strings.HasSuffix(pre, " of") {
		for _, w := range []string{" with a ", " with an "} {
			i := strings.LastIndex(" "+pre, w)
			if i < 0 {
				continue
			}
			np := strings.TrimSuffix(strings.TrimSpace((" " + pre)[i+len(w):]), " of")
			before := strings.TrimSpace((" " + pre)[:i])
			if x.kind != qLevel && x.kind != qScore || len(strings.Fields(np)) > 4 {
				return "", "", false
			}
			return withCond(cond, "At what "+np+" should you "+joinWords(verb, before, post)+"?"), key, true
		}
	}
	switch x.kind {
	case qTime:
		rest, prep := lastWord(pre)
		var wh string
		switch {
		case prep == "for":
			wh, pre = "For how long", rest
		case x.lead == "over" || prep == "over":
			wh = "Over what period"
			if prep == "over" {
				pre = rest
			}
			key = upperFirst(strings.TrimSpace(strings.TrimPrefix(x.text(s), "over")))
		case x.lead == "after" || x.lead == "within" || x.lead == "before" || x.lead == "by" || x.lead == "no later than":
			wh = "When"
		default:
			return "", "", false
		}
		if strings.HasSuffix(pre, " and") || strings.HasSuffix(pre, " or") || pre == "and" || pre == "or" {
			return "", "", false
		}
		if pre == "" && (verb == "observe" || verb == "monitor") {
			pre = "the patient"
		}
		if endsWithPreposition(pre) {
			return "", "", false
		}
		return withCond(cond, wh+" should you "+joinWords(verb, pre, post)+"?"), key, true
	case qDose, qVolume, qRate:
		noun := nounFor(x.kind)
		if x.lead != "" && x.lead != "up to" {
			return "", "", false
		}
		switch {
		case strings.HasSuffix(pre, " of"):
			// "Give a rapid crystalloid bolus of 500 mL …"
			np := strings.TrimSuffix(pre, " of")
			if len(strings.Fields(np)) > 6 || hasDigit(np) {
				return "", "", false
			}
			return withCond(cond, "What "+noun+" of "+np+" should you "+joinWords(verb, post)+"?"), key, true
		case strings.HasPrefix(post, "of "):
			// "Give 10 units of soluble insulin with …"
			np, rest := nounPhrase(post[3:])
			if np == "" || pre != "" {
				return "", "", false
			}
			return withCond(cond, "What "+noun+" of "+np+" should you "+joinWords(verb, rest)+"?"), key, true
		case strings.HasSuffix(pre, " at"):
			// "Give high-flow oxygen at 15 L/min through …"
			np := strings.TrimSuffix(pre, " at")
			if x.kind == qRate && strings.Contains(x.unit.Dim, "V/T") && strings.Contains(strings.ToLower(np), "oxygen") {
				noun = "flow rate"
			}
			return withCond(cond, "At what "+noun+" should you "+joinWords(verb, np, post)+"?"), key, true
		case pre != "" && len(drugsIn(pre)) > 0 && !endsWithPreposition(pre) && len(strings.Fields(pre)) <= 4:
			// "Give glucagon 1 mg intramuscularly"
			return withCond(cond, "What "+noun+" of "+pre+" should you "+joinWords(verb, post)+"?"), key, true
		}
	}
	return "", "", false
}

// conditionQuantity asks for the threshold in an instruction's condition:
// "If the serum potassium is below 3.5 mmol/L, seek senior review."
func conditionQuantity(s *sentence, x *qty) (string, bool) {
	if !s.imperative() {
		return "", false
	}
	a := &s.actions[len(s.actions)-1]
	if s.condFirst {
		a = &s.actions[0]
	}
	if a.negative {
		return "", false
	}
	before := strings.TrimSpace(s.text[s.cond.a:x.a])
	var subj string
	for _, link := range []string{" is still", " are still", " remains", " remain", " is", " are", " falls", " fall", " rises", " rise", " drops"} {
		if strings.HasSuffix(before, link) {
			subj = strings.TrimSpace(strings.TrimSuffix(before, link))
			break
		}
	}
	subj = stripDeterminer(subj)
	if subj == "" || len(strings.Fields(subj)) > 5 || strings.ContainsAny(subj, ",;") || pronoun(subj) {
		return "", false
	}
	act := actionText(s, a)
	if act == "" {
		return "", false
	}
	return "At what " + subj + " should you " + lowerFirst(act) + "?", true
}

// statementQuantity asks about a quantity in a statement (not an
// instruction).
func statementQuantity(p *passage, s *sentence, x *qty) (string, bool) {
	main := s.slice(s.main)
	off := x.a - s.main.a
	if off < 0 || off > len(main) {
		return "", false
	}
	before := strings.TrimSpace(main[:off])
	after := cleanTail(s.text[x.b:s.main.b])
	cond := ""
	if !s.cond.empty() {
		cond = upperFirst(s.condCue) + " " + cleanTail(s.slice(s.cond)) + ", "
	}
	// "Severe hyperkalaemia is a serum potassium of 6.5 mmol/L or more."
	if subj, np, ok := copulaOf(before); ok && after == "" && np != "" {
		if x.kind == qTime {
			return "", false
		}
		return withCond(cond, "What "+np+" defines "+lowerFirst(subj)+"?"), true
	}
	// "A NEWS2 score of 5 or more triggers an urgent response."
	if strings.HasSuffix(before, " of") && startsWithDeterminer(before) && thirdPersonVerb(after) {
		np := stripDeterminer(strings.TrimSuffix(before, " of"))
		if len(strings.Fields(np)) <= 4 {
			return withCond(cond, "What "+np+" "+after+"?"), true
		}
	}
	// "The adult dose is 500 micrograms (0.5 mg) intramuscularly."
	for _, cop := range []string{" is", " are"} {
		if !strings.HasSuffix(before, cop) || x.kind == qTime || x.kind == qLevel {
			continue
		}
		subj := strings.TrimSuffix(before, cop)
		if len(strings.Fields(subj)) > 6 || strings.ContainsAny(subj, ",;") || pronoun(stripDeterminer(subj)) {
			return "", false
		}
		if after != "" && !(len(strings.Fields(after)) == 1 && strings.HasSuffix(after, "ly")) {
			return "", false
		}
		subject := lowerFirst(subj)
		if strings.HasSuffix(subject, "dose") && len(drugsIn(s.text)) == 0 {
			if d := headingDrug(p); d != "" {
				subject += " of " + d
			}
		}
		if after != "" {
			subject += ", given " + after
		}
		return withCond(cond, "What is "+subject+"?"), true
	}
	// "A child aged 6 to 12 years receives 300 micrograms."
	for _, v := range []string{" receives", " needs", " requires"} {
		if strings.HasSuffix(before, v) && (x.kind == qDose || x.kind == qVolume) {
			subj := strings.TrimSuffix(before, v)
			if len(strings.Fields(subj)) > 8 {
				return "", false
			}
			base := strings.TrimSuffix(strings.TrimSpace(v), "s")
			ctx := ""
			if len(drugsIn(s.text)) == 0 {
				if d := headingDrug(p); d != "" {
					ctx = " of " + d
				}
			}
			return withCond(cond, "What dose"+ctx+" does "+lowerFirst(subj)+" "+base+"?"), true
		}
	}
	// "The medical examination should take place within 30 minutes of the fall."
	if x.kind == qTime && (x.lead == "within" || x.lead == "after" || x.lead == "before" || x.lead == "by" || x.lead == "no later than") {
		for _, modal := range []string{" should ", " must "} {
			i := strings.Index(before, modal)
			if i <= 0 {
				continue
			}
			subj, vp := before[:i], strings.TrimSpace(before[i+len(modal):])
			if vp == "" || len(strings.Fields(subj)) > 6 || pronoun(stripDeterminer(subj)) {
				return "", false
			}
			return withCond(cond, "When "+strings.TrimSpace(modal)+" "+lowerFirst(subj)+" "+joinWords(vp, after)+"?"), true
		}
	}
	return "", false
}

// copulaOf reads "SUBJ is (also) a NP of" before a key.
func copulaOf(before string) (subj, np string, ok bool) {
	if !strings.HasSuffix(before, " of") {
		return "", "", false
	}
	b := strings.TrimSuffix(before, " of")
	for _, cop := range []string{" is also ", " are also ", " is ", " are "} {
		i := strings.Index(b, cop)
		if i <= 0 {
			continue
		}
		subj, np = b[:i], stripDeterminer(b[i+len(cop):])
		if len(strings.Fields(subj)) > 6 || len(strings.Fields(np)) > 4 || np == "" || strings.ContainsAny(subj+np, ",;") {
			return "", "", false
		}
		return subj, np, true
	}
	return "", "", false
}

// nounPhrase splits "soluble insulin with 25 g of glucose …" into the noun
// phrase and the rest, at the first preposition, number or comma.
func nounPhrase(t string) (np, rest string) {
	words := strings.Fields(t)
	n := 0
	for n < len(words) {
		w := strings.ToLower(strings.Trim(words[n], ","))
		if prepositions[w] || hasDigit(w) && n > 0 && !strings.HasSuffix(w, "%") || strings.HasSuffix(w, "ly") || w == "and" || w == "or" {
			break
		}
		n++
		if strings.HasSuffix(words[n-1], ",") {
			break
		}
	}
	if n == 0 || n > 5 {
		return "", ""
	}
	np = strings.TrimSuffix(strings.Join(words[:n], " "), ",")
	return np, strings.Join(words[n:], " ")
}

// drugQuestion asks which medicine an instruction or statement names:
// "Give intravenous calcium if the ECG shows changes" → "If the ECG shows
// changes of hyperkalaemia, what should you give?". It returns the stem,
// the key and the drug mention in the key.
func drugQuestion(p *passage, s *sentence) (stem, key string, dm drugMention, ok bool) {
	for i := range s.actions {
		a := &s.actions[i]
		if a.negative || !drugVerbs[a.verb] {
			continue
		}
		obj := strings.TrimSpace(s.text[a.verbEnd:a.b])
		np, rest := nounPhrase(obj)
		if np == "" || startsWithDigit(rest) || len(strings.Fields(np)) > 4 {
			continue
		}
		ds := drugsIn(np)
		if len(ds) != 1 {
			continue
		}
		rest = cleanTail(rest)
		if strings.Contains(strings.ToLower(rest)+" "+strings.ToLower(s.slice(s.condFor(a))), ds[0].name) {
			continue // the question would name the answer
		}
		q := "What should you "
		if ds[0].a == 0 && ds[0].b == len(np) {
			q = "Which medicine should you "
		}
		stem = withCond(condPrefix(s, a), q+joinWords(a.verb, rest)+"?")
		stem = finishQuestion(p, stem)
		key = upperFirst(np)
		return stem, key, ds[0], len(stem) <= 320
	}
	if s.imperative() {
		return "", "", dm, false
	}
	// "Intramuscular adrenaline is the first-line treatment for anaphylaxis."
	main := s.slice(s.main)
	i := strings.Index(main, " is the ")
	if i <= 0 {
		return "", "", dm, false
	}
	subj, comp := main[:i], cleanTail(main[i+len(" is the "):])
	ds := drugsIn(subj)
	if len(ds) != 1 || len(strings.Fields(subj)) > 4 || comp == "" || hasDigit(subj) {
		return "", "", dm, false
	}
	stem = finishQuestion(p, "What is the "+comp+"?")
	return stem, upperFirst(subj), ds[0], true
}

// drugVerbs are instructions whose object may be a medicine.
var drugVerbs = setOf(`give withhold stop use start add prescribe offer continue restart administer avoid`)

// finishQuestion adds the document's topic when the question does not
// already name it ("Under the anaphylaxis guidance, what is …?").
func finishQuestion(p *passage, q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if p.topic == "" || sharesTerm(q, p.topic) {
		return upperFirst(q)
	}
	return "Under the " + p.topic + " guidance, " + lowerFirst(q)
}

// sharesTerm reports whether a and b share an analysed content term.
func sharesTerm(a, b string) bool {
	want := make(map[string]bool)
	for _, t := range terms.Analyze(b) {
		want[t] = true
	}
	for _, t := range terms.Analyze(a) {
		if want[t] {
			return true
		}
	}
	return false
}

// givesAway reports whether the stem states the key's amount.
func givesAway(stem string, x *qty) bool {
	for _, q := range clinical.Analyze(stem).Quantities {
		if q.Unit.IsZero() != x.unit.IsZero() {
			continue
		}
		lo := clinical.Quantity{Value: x.lo, Unit: x.unit}
		hi := clinical.Quantity{Value: x.hi, Unit: x.unit}
		if sameQ(q, lo) || x.rng && sameQ(q, hi) {
			return true
		}
	}
	return false
}

// headingDrug returns the drug phrase of the passage's innermost heading
// ("Intramuscular adrenaline" → "intramuscular adrenaline"), or "".
func headingDrug(p *passage) string {
	h := p.hit.Chunk.Heading
	if len(h) == 0 {
		return ""
	}
	last := h[len(h)-1]
	if len(drugsIn(last)) == 0 || len(strings.Fields(last)) > 4 || strings.ContainsAny(last, ":,") {
		return ""
	}
	return lowerFirst(last)
}

var determiners = []string{"the ", "a ", "an ", "their ", "his ", "her ", "its ", "the patient's ", "a patient's "}

func stripDeterminer(s string) string {
	s = strings.TrimSpace(s)
	l := strings.ToLower(s)
	for _, d := range []string{"the patient's ", "a patient's ", "the ", "a ", "an ", "their ", "his ", "her ", "its "} {
		if strings.HasPrefix(l, d) {
			return strings.TrimSpace(s[len(d):])
		}
	}
	return s
}

func startsWithDeterminer(s string) bool {
	l := strings.ToLower(s)
	for _, d := range determiners {
		if strings.HasPrefix(l, d) {
			return true
		}
	}
	return false
}

// pronoun reports whether s is a bare pronoun (an unresolved reference).
func pronoun(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "it", "they", "this", "these", "that", "those", "them", "he", "she", "both", "either", "each", "one":
		return true
	}
	return false
}

// thirdPersonVerb reports whether s starts with a present-tense verb such
// as "triggers" or "means".
func thirdPersonVerb(s string) bool {
	w, _, _ := strings.Cut(s, " ")
	w = strings.ToLower(w)
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && len(strings.Fields(s)) >= 2
}

func endsWithPreposition(s string) bool {
	_, last := lastWord(s)
	return prepositions[strings.ToLower(last)]
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func startsWithDigit(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// findingOf restates the condition governing a as a finding for a
// vignette: "if there is no intravenous access" → "There is no intravenous
// access." It reports false for conditions that are not whole clauses
// ("if possible", "if hypovolaemic") or that refer back ("if it is still
// low").
func findingOf(s *sentence, a *action) (string, bool) {
	c := s.condFor(a)
	if c.empty() || s.condCue == "unless" {
		return "", false
	}
	text := cleanTail(s.slice(c))
	words := strings.Fields(strings.ToLower(text))
	if len(words) < 3 || len(words) > 25 || pronoun(words[0]) {
		return "", false
	}
	finite := false
	for _, w := range words[1:] {
		if finiteVerbs[strings.Trim(w, ",")] {
			finite = true
			break
		}
	}
	if !finite {
		return "", false
	}
	first := strings.Fields(text)[0]
	if !(words[0] == "there" || startsWithDeterminer(text) || clinical.IsAcronym(first) || words[0] == "no") {
		return "", false
	}
	return upperFirst(text) + ".", true
}

// finiteVerbs mark a condition as a clause.
var finiteVerbs = setOf(`is are was were has have had cannot can does do did shows show becomes become remains
	remain falls fall rises rise persist persists occurs occur responds respond fails fail presents present
	judges judge suspected needs need includes involves involved`)

// statementOf writes a sentence as a statement for a true/false item: an
// instruction becomes "you should …".
func statementOf(p *passage, s *sentence) (string, bool) {
	lead := "According to the " + p.topic + " guidance, "
	if p.topic == "" {
		lead = "According to the guidance, "
	}
	text := s.text[:s.body.b]
	if !s.imperative() {
		return lead + lowerFirst(text) + ".", true
	}
	main := text[s.main.a:s.main.b]
	a := s.actions[0]
	if a.negative {
		if !strings.HasPrefix(strings.ToLower(main), "do not ") {
			return "", false
		}
		main = "not " + main[len("do not "):]
	} else {
		main = lowerFirst(main)
	}
	out := "you should " + main
	if !s.cond.empty() {
		c := upperFirst(s.condCue) + " " + text[s.cond.a:s.cond.b]
		if s.condFirst {
			out = c + ", " + out
		} else {
			out += " " + lowerFirst(c)
		}
	}
	return lead + lowerFirst(out) + ".", true
}

// listOf reads a list in a sentence: "Airway problems include throat and
// tongue swelling, a hoarse voice and stridor." It returns what the list
// is of ("airway problems"), whether that is plural, and the items.
func listOf(s *sentence) (of string, items []string, isPlural bool, ok bool) {
	main := s.slice(s.main)
	var head, list string
	including := false
	switch {
	case strings.Contains(main, ", including "):
		head, list, _ = strings.Cut(main, ", including ")
		including = true
		if s.imperative() {
			if off := s.actions[0].verbEnd - s.main.a; off > 0 && off <= len(head) {
				head = strings.TrimSpace(head[off:])
			}
		}
	case strings.Contains(main, " include "):
		head, list, _ = strings.Cut(main, " include ")
		isPlural = true
	case strings.Contains(main, " includes "):
		head, list, _ = strings.Cut(main, " includes ")
	default:
		return "", nil, false, false
	}
	head = stripDeterminer(head)
	if head == "" || len(strings.Fields(head)) > 6 || strings.ContainsAny(head, ",;:(") || pronoun(head) {
		return "", nil, false, false
	}
	if including {
		// "medicines that raise potassium, including …": the head must name a
		// plural kind of thing.
		first, _, _ := strings.Cut(head, " that ")
		first, _, _ = strings.Cut(first, " which ")
		isPlural = plural(first)
		if !isPlural {
			return "", nil, false, false
		}
	}
	list = dropNumericBrackets(list)
	// The list is "A, B, C and D": the last part with a conjunction ends it
	// (an earlier one is an item such as "flattened or absent P waves";
	// a later part is a tail such as "after any episode of toxicity").
	parts := strings.Split(list, ", ")
	end := -1
	for i := len(parts) - 1; i >= 1; i-- {
		if p := " " + parts[i] + " "; strings.Contains(p, " and ") || strings.Contains(p, " or ") {
			end = i
			break
		}
	}
	if end < 0 {
		return "", nil, false, false
	}
	last := " " + parts[end]
	parts = parts[:end]
	conj := " and "
	if !strings.Contains(last, conj) {
		conj = " or "
	}
	i := strings.LastIndex(last, conj)
	if a := strings.TrimSpace(last[:i]); a != "" {
		parts = append(parts, a)
	}
	parts = append(parts, last[i+len(conj):])
	if len(parts) < 3 {
		return "", nil, false, false
	}
	for _, it := range parts {
		it = strings.TrimSpace(it)
		if it == "" || len(strings.Fields(it)) > 6 || strings.ContainsAny(it, "():;") {
			return "", nil, false, false
		}
		items = append(items, it)
	}
	return lowerFirst(head), items, isPlural, true
}

// thresholdValue returns a value that meets a bounded threshold, for a
// vignette: just below an upper bound, just above a lower one, the middle of
// a range.
func thresholdValue(x *qty) (float64, bool) {
	st := step(x.lo)
	switch {
	case x.rng:
		return math.Round((x.lo+x.hi)/2/(st/2)) * (st / 2), true
	case x.bound == clinical.AtMost:
		return x.lo - st, x.lo-st > 0
	case x.bound == clinical.AtLeast:
		return x.lo + st, true
	}
	return 0, false
}

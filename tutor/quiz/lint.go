package quiz

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// The names of the rules. A [Finding]'s Rule is one of these (or, from
// [Check], one of the source rules).
const (
	// Grounding.
	RuleKeyNotSupported     = "key-not-supported"
	RuleDistractorSupported = "distractor-supported"
	RuleNoCitation          = "no-citation"

	// Structure.
	RuleEmptyStem          = "empty-stem"
	RuleUnknownType        = "unknown-type"
	RuleNoKey              = "no-key"
	RuleSeveralKeys        = "several-keys"
	RuleOptionCount        = "option-count"
	RuleTrueFalseForm      = "true-false-form"
	RuleNoAnswers          = "no-answers"
	RuleMissingRationale   = "missing-rationale"
	RuleMissingExplanation = "missing-explanation"

	// Item-writing flaws (after the NBME item-writing guide).
	RuleLongestOption       = "longest-option-is-key"
	RuleAllNone             = "all-none-of-the-above"
	RuleNegativeStem        = "negative-stem"
	RuleAbsoluteTerms       = "absolute-terms"
	RuleVagueFrequency      = "vague-frequency"
	RuleGrammaticalCue      = "grammatical-cue"
	RuleWordRepeat          = "word-repeat"
	RuleConvergence         = "convergence"
	RuleImplausibleOption   = "implausible-option"
	RuleDuplicateOption     = "duplicate-option"
	RuleFillInBlank         = "fill-in-the-blank"
	RuleTrueFalseOptions    = "true-false-options"
	RuleKType               = "k-type"
	RuleHeterogeneousOption = "heterogeneous-options"

	// Across the bank.
	RuleAnswerGivenAway = "answer-given-away"
	RuleNearDuplicate   = "near-duplicate"
)

// A Rule describes one check of the linter.
type Rule struct {
	Name        string
	Severity    Severity
	Description string
}

// rules lists every rule in the order findings are reported.
var rules = []Rule{
	{RuleEmptyStem, Error, "the item has no stem"},
	{RuleUnknownType, Error, "the item's type is not one of sba, vignette, mcq, truefalse, short"},
	{RuleNoKey, Error, "no option is marked correct"},
	{RuleSeveralKeys, Error, "a single-best-answer or true/false item has more than one correct option"},
	{RuleOptionCount, Warning, "a single-best-answer item does not have five options, or a multiple-choice item has fewer than three"},
	{RuleTrueFalseForm, Error, "a true/false item's options are not exactly True and False"},
	{RuleNoAnswers, Error, "a short-answer item lists no accepted answer"},
	{RuleMissingRationale, Warning, "the item has no rationale"},
	{RuleMissingExplanation, Info, "an incorrect option has no explanation of why it is wrong"},
	{RuleNoCitation, Warning, "the item cites no guidance passage, so its key cannot be checked"},
	{RuleKeyNotSupported, Error, "the cited passage does not support a correct option (with its question)"},
	{RuleDistractorSupported, Error, "the cited passage supports an incorrect option (with its question)"},
	{RuleLongestOption, Warning, "the key is the longest option by a clear margin (longer, more complete answers cue the key)"},
	{RuleAllNone, Warning, "an option is \"all of the above\", \"none of the above\" or similar"},
	{RuleNegativeStem, Warning, "the question is negative (not, except, least, false) without emphasis; write NOT or EXCEPT in capitals, or rephrase"},
	{RuleAbsoluteTerms, Warning, "an option (or a true/false statement) uses an absolute term (always, never, all, none, only), which test-wise candidates read as false"},
	{RuleVagueFrequency, Warning, "the item uses a vague frequency term (often, usually, rarely, sometimes, frequently) that experts interpret differently"},
	{RuleGrammaticalCue, Warning, "an option does not fit the stem grammatically (a/an, singular/plural) while the key does"},
	{RuleWordRepeat, Warning, "a word of the stem is repeated in the key and in no other option (a clang association)"},
	{RuleConvergence, Warning, "the key shares the most words with the other options, so it can be found as their centre"},
	{RuleImplausibleOption, Warning, "an option is implausible: an amount far from the others, or far shorter than them"},
	{RuleDuplicateOption, Error, "two options say the same thing (the same text, or the same amount in different units)"},
	{RuleFillInBlank, Warning, "the stem is a sentence with a blank, or an incomplete statement that the options complete; ask a question instead"},
	{RuleTrueFalseOptions, Warning, "the options are true/false judgements, or the stem asks which statement is true or false (a multiple true/false item in disguise)"},
	{RuleKType, Warning, "an option combines other options (\"A and C\", \"1, 2 and 3\"): a K-type item"},
	{RuleHeterogeneousOption, Warning, "the options are of different kinds (amounts and drugs, instructions and findings, different units)"},
	{RuleAnswerGivenAway, Warning, "another item in the bank states this item's answer in its stem"},
	{RuleNearDuplicate, Warning, "the item nearly duplicates another item of the bank or of the existing bank"},
}

// Rules returns every rule of the linter, in the order its findings are
// reported.
func Rules() []Rule { return slices.Clone(rules) }

func severityOf(rule string) Severity {
	for _, r := range rules {
		if r.Name == rule {
			return r.Severity
		}
	}
	return Warning
}

// DefaultDuplicateThreshold is the similarity (the Jaccard index of two
// items' word and word-pair sets, see [Similarity]) from which two items are
// near-duplicates. At 0.5, rewordings of one question with the same key
// ("What dose of glucagon should you give intramuscularly?" and "Which dose
// of glucagon is given intramuscularly?") are caught, while different
// questions about one sentence, or one question with a different key value,
// stay below it; see TestSimilarity.
const DefaultDuplicateThreshold = 0.5

// A Linter checks items for grounding, structure and item-writing flaws,
// one by one and across the bank. The zero value runs every rule with the
// default checker.
type Linter struct {
	// Checker decides whether a cited passage supports an option; its zero
	// value is the default checker.
	Checker grounding.Checker
	// Disable names rules not to run. An unknown name is an error.
	Disable []string
	// Existing is a bank the items are compared with for near-duplicates
	// (the items are always compared with each other).
	Existing []Item
	// DuplicateThreshold is the similarity from which items are
	// near-duplicates; zero means DefaultDuplicateThreshold.
	DuplicateThreshold float64
}

func (l *Linter) validate() error {
	for _, d := range l.Disable {
		if !slices.ContainsFunc(rules, func(r Rule) bool { return r.Name == d }) {
			return fmt.Errorf("quiz: unknown lint rule %q", d)
		}
	}
	if l.DuplicateThreshold < 0 || l.DuplicateThreshold > 1 {
		return fmt.Errorf("quiz: duplicate threshold %v; want 0 to 1", l.DuplicateThreshold)
	}
	return nil
}

// A Report is the outcome of linting a bank.
type Report struct {
	// Findings holds each item's findings, in the order of the items.
	Findings [][]Finding
	// Duplicates lists the near-duplicate pairs found.
	Duplicates []Duplicate
	// Keys reports how the keys of single-answer items are spread over the
	// option positions.
	Keys KeyBalance
}

// Passed reports whether item i has no error findings.
func (r *Report) Passed(i int) bool { return !hasError(r.Findings[i]) }

// Count returns how many findings each rule produced, most frequent first.
func (r *Report) Count() []RuleCount {
	n := make(map[string]int)
	for _, fs := range r.Findings {
		for _, f := range fs {
			n[f.Rule]++
		}
	}
	out := make([]RuleCount, 0, len(n))
	for rule, c := range n {
		out = append(out, RuleCount{Rule: rule, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// A RuleCount is the number of findings of one rule.
type RuleCount struct {
	Rule  string
	Count int
}

// Apply sets each item's Findings to the report's, keeping findings of
// rules the linter does not run (such as those of [Check]).
func (r *Report) Apply(items []Item) {
	for i := range items {
		var keep []Finding
		for _, f := range items[i].Findings {
			if !slices.ContainsFunc(rules, func(x Rule) bool { return x.Name == f.Rule }) {
				keep = append(keep, f)
			}
		}
		items[i].Findings = append(keep, r.Findings[i]...)
	}
}

// Validate lints items with the default [Linter].
func Validate(items []Item) *Report {
	var l Linter
	rep, _ := l.Lint(items) // the zero Linter is always valid
	return rep
}

// Lint checks every item, and the items against each other and against
// l.Existing. It does not modify the items (see [Report.Apply]). It fails
// only for an invalid Linter.
func (l *Linter) Lint(items []Item) (*Report, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	off := make(map[string]bool)
	for _, d := range l.Disable {
		off[d] = true
	}
	c := itemChecker(l.Checker)
	rep := &Report{Findings: make([][]Finding, len(items))}
	for i := range items {
		rep.Findings[i] = lintItem(c, &items[i])
	}
	for i, f := range givenAway(c, items) {
		rep.Findings[i] = append(rep.Findings[i], f...)
	}
	th := l.DuplicateThreshold
	if th == 0 {
		th = DefaultDuplicateThreshold
	}
	rep.Duplicates = Duplicates(items, l.Existing, th)
	for _, d := range rep.Duplicates {
		other := d.OtherID
		where := "in this bank"
		if d.Existing {
			where = "in the existing bank"
		}
		rep.Findings[d.Index] = append(rep.Findings[d.Index], Finding{Rule: RuleNearDuplicate, Severity: Warning,
			Message: fmt.Sprintf("nearly duplicates item %s %s (similarity %.2f)", other, where, d.Similarity), Text: d.OtherStem})
	}
	rep.Keys = KeyPositions(items)
	for i, fs := range rep.Findings {
		var kept []Finding
		for _, f := range fs {
			if !off[f.Rule] {
				kept = append(kept, f)
			}
		}
		rep.Findings[i] = kept
	}
	return rep, nil
}

// LintItem checks one item on its own (no bank rules).
func (l *Linter) LintItem(it *Item) ([]Finding, error) {
	rep, err := l.Lint([]Item{*it})
	if err != nil {
		return nil, err
	}
	return rep.Findings[0], nil
}

func finding(rule, msg, text string) Finding {
	return Finding{Rule: rule, Severity: severityOf(rule), Message: msg, Text: text}
}

// lintItem runs the rules of one item.
func lintItem(c *grounding.Checker, it *Item) []Finding {
	var out []Finding
	add := func(fs ...Finding) { out = append(out, fs...) }
	add(structure(it)...)
	if hasError(out) {
		return out // the other rules assume a well-formed item
	}
	add(groundingFindings(c, it)...)
	add(longestOption(it)...)
	add(allNone(it)...)
	add(negativeStem(it)...)
	add(absoluteTerms(it)...)
	add(vagueFrequency(it)...)
	add(grammaticalCue(it)...)
	add(wordRepeat(it)...)
	add(convergence(it)...)
	add(implausible(it)...)
	add(duplicateOptions(it)...)
	add(fillInBlank(it)...)
	add(trueFalseOptions(it)...)
	add(kType(it)...)
	add(heterogeneous(it)...)
	return out
}

// hasOptions reports whether the item's type has options to choose from.
func hasOptions(t Type) bool { return t == SingleBestAnswer || t == Vignette || t == MultipleChoice }

func structure(it *Item) []Finding {
	var out []Finding
	if strings.TrimSpace(it.Stem) == "" {
		out = append(out, finding(RuleEmptyStem, "the item has no stem", ""))
	}
	if !it.Type.Valid() {
		return append(out, finding(RuleUnknownType, fmt.Sprintf("unknown item type %q", it.Type), string(it.Type)))
	}
	key := it.Key()
	switch it.Type {
	case SingleBestAnswer, Vignette:
		if len(key) == 0 {
			out = append(out, finding(RuleNoKey, "no option is marked correct", ""))
		} else if len(key) > 1 {
			out = append(out, finding(RuleSeveralKeys, fmt.Sprintf("%d options are marked correct; a single-best-answer item has one", len(key)), it.Options[key[1]].Text))
		}
		if len(it.Options) != 5 {
			out = append(out, finding(RuleOptionCount, fmt.Sprintf("%d options; single-best-answer items have five", len(it.Options)), ""))
		}
	case MultipleChoice:
		if len(key) == 0 {
			out = append(out, finding(RuleNoKey, "no option is marked correct", ""))
		}
		if len(it.Options) < 3 {
			out = append(out, finding(RuleOptionCount, fmt.Sprintf("%d options; a multiple-choice item needs at least three", len(it.Options)), ""))
		}
	case TrueFalse:
		if len(it.Options) != 2 || !strings.EqualFold(it.Options[0].Text, "True") || !strings.EqualFold(it.Options[1].Text, "False") {
			out = append(out, finding(RuleTrueFalseForm, "a true/false item's options must be True and False", optionList(it)))
		} else if len(key) != 1 {
			if len(key) == 0 {
				out = append(out, finding(RuleNoKey, "neither True nor False is marked correct", ""))
			} else {
				out = append(out, finding(RuleSeveralKeys, "both True and False are marked correct", ""))
			}
		}
	case ShortAnswer:
		if len(it.Answers) == 0 || strings.TrimSpace(it.Answers[0]) == "" {
			out = append(out, finding(RuleNoAnswers, "a short-answer item needs at least one accepted answer", ""))
		}
	}
	if strings.TrimSpace(it.Rationale) == "" {
		out = append(out, finding(RuleMissingRationale, "the item has no rationale", ""))
	}
	for _, o := range it.Options {
		if !o.Correct && strings.TrimSpace(o.Explanation) == "" && it.Type != TrueFalse {
			out = append(out, finding(RuleMissingExplanation, "this option has no explanation", o.Text))
		}
	}
	return out
}

func optionList(it *Item) string {
	var s []string
	for _, o := range it.Options {
		s = append(s, o.Text)
	}
	return strings.Join(s, " | ")
}

// singleKey returns the index of the only key of an options item, or -1.
func singleKey(it *Item) int {
	if !hasOptions(it.Type) {
		return -1
	}
	k := it.Key()
	if len(k) != 1 {
		return -1
	}
	return k[0]
}

func runeLen(s string) int { return len([]rune(strings.TrimSpace(s))) }

// longestOption fires when the key is the longest option by at least 20%
// and 5 characters.
func longestOption(it *Item) []Finding {
	k := singleKey(it)
	if k < 0 || len(it.Options) < 3 {
		return nil
	}
	kl, next := runeLen(it.Options[k].Text), 0
	for i, o := range it.Options {
		if i != k {
			next = max(next, runeLen(o.Text))
		}
	}
	if kl >= next+5 && float64(kl) >= 1.2*float64(next) {
		return []Finding{finding(RuleLongestOption, fmt.Sprintf("the key (%d characters) is much longer than every other option (at most %d)", kl, next), it.Options[k].Text)}
	}
	return nil
}

var allNoneRE = regexp.MustCompile(`(?i)^\W*(all|none|both|neither)\s+of\s+(the\s+)?(above|options|following|these|them|answers)\b|^\W*(all|none)\s+of\s+these\b|^\W*(all|none)\s+are\s+(correct|true)\b`)

func allNone(it *Item) []Finding {
	var out []Finding
	for _, o := range it.Options {
		if allNoneRE.MatchString(o.Text) {
			out = append(out, finding(RuleAllNone, "avoid \"all of the above\" and \"none of the above\": they test recognition of a pattern, not knowledge", o.Text))
		}
	}
	return out
}

// question returns the last sentence of a stem that is not an instruction
// such as "Select all that apply.".
func question(stem string) string {
	spans := sentences.Split(strings.TrimSpace(stem))
	for i := len(spans) - 1; i >= 0; i-- {
		t := spans[i].Text
		l := strings.ToLower(t)
		if strings.HasPrefix(l, "select ") || strings.HasPrefix(l, "choose ") || strings.HasPrefix(l, "tick ") || strings.HasPrefix(l, "mark ") {
			continue
		}
		return t
	}
	return strings.TrimSpace(stem)
}

// Negative words that make a question negative wherever they are, and
// those that do so only near its start ("Which of the following is not
// …?"), not in a later clause ("… makes stroke less likely but does not
// exclude it?").
var (
	negativeAnywhere = setOf(`except least incorrect false untrue`)
	negativeEarly    = setOf(`not never cannot no`)
)

// negativeEarlyWords is how far into the question a "not" makes it
// negative.
const negativeEarlyWords = 7

// negativeStem fires on a negative word in the question that is not
// emphasised (in capitals, or marked up in bold or italics). A negation
// inside an opening condition ("If there is no improvement, …") is not a
// negative stem.
func negativeStem(it *Item) []Finding {
	if it.Type == TrueFalse {
		return nil
	}
	q := question(it.Stem)
	body := q
	if l := strings.ToLower(q); strings.HasPrefix(l, "if ") || strings.HasPrefix(l, "when ") || strings.HasPrefix(l, "unless ") {
		if i := strings.Index(q, ","); i > 0 {
			body = q[i+1:]
		}
	}
	n := 0
	for _, t := range clinical.Lex(body) {
		if t.Kind != clinical.Word {
			continue
		}
		n++
		w := t.Text
		lw := strings.ToLower(w)
		neg := negativeAnywhere[lw] || n <= negativeEarlyWords && (negativeEarly[lw] || strings.HasSuffix(lw, "n't"))
		if !neg {
			continue
		}
		if isUpperWord(w) && len(w) > 1 || emphasised(body, t.Start, t.End) {
			continue
		}
		return []Finding{finding(RuleNegativeStem, "the question is negative; emphasise the negative word (NOT, EXCEPT) or ask a positive question", w)}
	}
	return nil
}

func isUpperWord(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// emphasised reports whether text[a:b] is marked up as bold or italic.
func emphasised(text string, a, b int) bool {
	before := strings.ToLower(text[:a])
	after := strings.ToLower(text[b:])
	for _, m := range [][2]string{{"**", "**"}, {"__", "__"}, {"*", "*"}, {"_", "_"}, {"<b>", "</b>"}, {"<strong>", "</strong>"}, {"<em>", "</em>"}, {"<i>", "</i>"}, {"<u>", "</u>"}} {
		if strings.HasSuffix(before, m[0]) && strings.HasPrefix(after, m[1]) {
			return true
		}
	}
	return false
}

var absoluteWords = setOf(`always never all none only`)

// absoluteTerms checks the options (and the statement of a true/false
// item).
func absoluteTerms(it *Item) []Finding {
	var out []Finding
	check := func(text, where string) {
		if allNoneRE.MatchString(text) || kTypeRE.MatchString(strings.TrimSpace(text)) {
			return // reported by all-none-of-the-above or k-type
		}
		for _, t := range clinical.Lex(text) {
			if t.Kind == clinical.Word && absoluteWords[strings.ToLower(t.Text)] {
				out = append(out, finding(RuleAbsoluteTerms, fmt.Sprintf("%s uses the absolute term %q", where, t.Text), t.Text))
				return
			}
		}
	}
	if it.Type == TrueFalse {
		check(it.Stem, "the statement")
		return out
	}
	for _, o := range it.Options {
		check(o.Text, fmt.Sprintf("option %q", o.Text))
	}
	return out
}

var vagueWords = setOf(`often usually rarely sometimes frequently occasionally seldom commonly generally typically`)

func vagueFrequency(it *Item) []Finding {
	texts := []string{it.Stem}
	for _, o := range it.Options {
		texts = append(texts, o.Text)
	}
	texts = append(texts, it.Answers...)
	for _, text := range texts {
		for _, t := range clinical.Lex(text) {
			if t.Kind == clinical.Word && vagueWords[strings.ToLower(t.Text)] {
				return []Finding{finding(RuleVagueFrequency, fmt.Sprintf("%q means different frequencies to different readers; give a number or remove it", t.Text), t.Text)}
			}
		}
	}
	return nil
}

// grammaticalCue checks an indefinite article that ends the stem against
// the options, and the number (singular, plural) of the question's verb
// against the key and the other options.
func grammaticalCue(it *Item) []Finding {
	k := singleKey(it)
	if k < 0 {
		return nil
	}
	var out []Finding
	stem := strings.TrimRight(strings.TrimSpace(it.Stem), " ?:.…_")
	_, last := lastWord(stem)
	if l := strings.ToLower(last); l == "a" || l == "an" {
		fits := func(opt string) bool { return vowelSound(opt) == (l == "an") }
		if fits(it.Options[k].Text) {
			for i, o := range it.Options {
				if i != k && !fits(o.Text) {
					out = append(out, finding(RuleGrammaticalCue, fmt.Sprintf("the stem ends with %q, which does not fit this option but fits the key", last), last+" … "+o.Text))
				}
			}
		}
	}
	m := agreeRE.FindStringSubmatch(question(it.Stem))
	if m == nil {
		return out
	}
	verb := "is"
	if l := strings.ToLower(m[1]); l == "are" || l == "were" {
		verb = "are"
	}
	nouns := 0
	for _, o := range it.Options {
		if k := kindOfOption(o.Text); k == "other" || k == "medicine" {
			nouns++
		}
	}
	if nouns < len(it.Options) {
		return out // number agreement concerns noun phrases, not instructions or amounts
	}
	keyPlural := plural(it.Options[k].Text)
	if (verb == "are") == keyPlural {
		var odds []string
		for i, o := range it.Options {
			if i != k && plural(o.Text) != keyPlural {
				odds = append(odds, o.Text)
			}
		}
		if len(odds) > 0 && len(odds)*2 >= len(it.Options)-1 {
			out = append(out, finding(RuleGrammaticalCue, fmt.Sprintf("the question's verb %q agrees with the key but not with %d other options", m[1], len(odds)), m[1]+" … "+strings.Join(odds, " | ")))
		}
	}
	return out
}

// agreeRE finds the verb whose number the options must agree with: "Which
// medicines are …", "Which of these is …", "Which are …".
var agreeRE = regexp.MustCompile(`(?i)\bwhich(?:\s+of\s+(?:the\s+following|these|them))?(?:\s+[a-z-]+){0,2}?\s+(is|are|was|were)\b`)

// vowelSound reports whether s starts with a vowel sound, roughly.
func vowelSound(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return false
	}
	for _, p := range []string{"uni", "use", "usu", "eu", "one", "once"} {
		if strings.HasPrefix(s, p) {
			return false
		}
	}
	for _, p := range []string{"hour", "honest", "honour", "heir"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	if s[0] >= '0' && s[0] <= '9' {
		return s[0] == '8' || strings.HasPrefix(s, "11") || strings.HasPrefix(s, "18")
	}
	return strings.ContainsRune("aeiou", rune(s[0]))
}

// plural guesses whether an option is a plural noun phrase from its last
// word.
func plural(s string) bool {
	_, last := lastWord(strings.TrimRight(s, ".,;: "))
	l := strings.ToLower(last)
	if len(l) < 4 || hasDigit(l) || isUpperWord(last) {
		return strings.HasSuffix(last, "s") && len(last) > 2 && isUpperWord(last[:len(last)-1])
	}
	if _, ok := unitWords[l]; ok {
		return false
	}
	return strings.HasSuffix(l, "s") && !strings.HasSuffix(l, "ss") && !strings.HasSuffix(l, "us") && !strings.HasSuffix(l, "is") && !strings.HasSuffix(l, "ous")
}

var unitWords = map[string]bool{"minutes": true, "hours": true, "seconds": true, "days": true, "weeks": true, "months": true,
	"years": true, "micrograms": true, "milligrams": true, "grams": true, "units": true, "litres": true, "doses": true}

// contentTerms returns the content words of s (stems, as the clinical
// analyser gives them: no numbers, units or stop words) without item
// phrasing, each with its first spelling.
func contentTerms(s string) map[string]string {
	out := make(map[string]string)
	for _, t := range clinical.Analyze(s).Terms {
		if ignoredTerms[t.Stem] || len(t.Stem) < 3 {
			continue
		}
		if _, ok := out[t.Stem]; !ok {
			out[t.Stem] = s[t.Start:t.End]
		}
	}
	return out
}

// ignoredTerms are the stems of itemWords.
var ignoredTerms = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range itemWords {
		m[clinical.Stem(w)] = true
	}
	return m
}()

// wordRepeat fires when a content word of the stem appears in the key and
// in no other option.
func wordRepeat(it *Item) []Finding {
	k := singleKey(it)
	if k < 0 {
		return nil
	}
	stem := contentTerms(it.Stem)
	key := contentTerms(it.Options[k].Text)
	others := make(map[string]bool)
	for i, o := range it.Options {
		if i != k {
			for t := range contentTerms(o.Text) {
				others[t] = true
			}
		}
	}
	var words []string
	for t, w := range key {
		if _, ok := stem[t]; ok && !others[t] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil
	}
	sort.Strings(words)
	return []Finding{finding(RuleWordRepeat, fmt.Sprintf("the key repeats %q from the stem and no other option does", strings.Join(words, ", ")), strings.Join(words, ", "))}
}

// optionTokens are the words and numbers of an option, for comparing
// options with each other.
func optionTokens(s string) map[string]bool {
	out := make(map[string]bool)
	for _, t := range terms.Analyze(s) {
		out[t] = true
	}
	return out
}

// convergence fires when the key alone shares the most words with the
// other options (each option scores the words it shares with each other
// option).
func convergence(it *Item) []Finding {
	k := singleKey(it)
	if k < 0 || len(it.Options) < 4 {
		return nil
	}
	toks := make([]map[string]bool, len(it.Options))
	for i, o := range it.Options {
		toks[i] = optionTokens(o.Text)
	}
	score := make([]int, len(toks))
	for i := range toks {
		for j := range toks {
			if i == j {
				continue
			}
			for t := range toks[i] {
				if toks[j][t] {
					score[i]++
				}
			}
		}
	}
	for i, s := range score {
		if i != k && s >= score[k] {
			return nil
		}
	}
	if score[k] < 3 {
		return nil
	}
	return []Finding{finding(RuleConvergence, fmt.Sprintf("the key shares more words with the other options (%d) than any other option does", score[k]), it.Options[k].Text)}
}

// optionQuantity returns the single quantity an option states, if the
// option is essentially an amount.
func optionQuantity(s string) (clinical.Quantity, bool) {
	an := clinical.Analyze(s)
	var qs []clinical.Quantity
	for _, q := range an.Quantities {
		if !q.Frequency {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 || len(qs) > 2 || len(an.Terms) > 3 {
		return clinical.Quantity{}, false
	}
	return qs[0], true
}

func implausible(it *Item) []Finding {
	if !hasOptions(it.Type) || len(it.Options) < 3 {
		return nil
	}
	var out []Finding
	// Amounts: compare each with the median of those in the same dimension.
	type qv struct {
		i int
		v float64
	}
	var qs []qv
	dim := ""
	for i, o := range it.Options {
		q, ok := optionQuantity(o.Text)
		if !ok || !strings.HasPrefix(kindOfOption(o.Text), "amount") && kindOfOption(o.Text) != "number" {
			continue
		}
		if q.Unit.Name == "%" && q.Value > 100 || q.Value < 0 {
			out = append(out, finding(RuleImplausibleOption, "this amount is impossible", o.Text))
			continue
		}
		if dim == "" {
			dim = q.Unit.Dim
		}
		if q.Unit.Dim == dim && q.Value > 0 {
			qs = append(qs, qv{i, q.Value * math.Max(q.Unit.Factor, 1e-12)})
		}
	}
	if len(qs) >= 3 {
		vals := make([]float64, len(qs))
		for i, q := range qs {
			vals[i] = q.v
		}
		sort.Float64s(vals)
		med := vals[len(vals)/2]
		for _, q := range qs {
			if r := q.v / med; r > 50 || r < 1.0/50 {
				out = append(out, finding(RuleImplausibleOption, "this amount is far from the others (more than 50 times larger or smaller)", it.Options[q.i].Text))
			}
		}
	}
	// Text: far shorter than the others, or a non-answer.
	lens := make([]int, len(it.Options))
	for i, o := range it.Options {
		lens[i] = runeLen(o.Text)
	}
	sorted := slices.Clone(lens)
	sort.Ints(sorted)
	med := sorted[len(sorted)/2]
	for i, o := range it.Options {
		l := strings.ToLower(strings.Trim(o.Text, " .!"))
		switch {
		case l == "" || l == "i don't know" || l == "don't know" || l == "n/a" || l == "unknown" || l == "pass":
			out = append(out, finding(RuleImplausibleOption, "this option is not an answer", o.Text))
		case med >= 24 && lens[i]*4 < med:
			out = append(out, finding(RuleImplausibleOption, "this option is far shorter than the others", o.Text))
		}
	}
	return out
}

func normOption(s string) string {
	s = strings.ToLower(normSpace(s))
	return strings.TrimRight(s, ".;,!")
}

func duplicateOptions(it *Item) []Finding {
	var out []Finding
	for i := range it.Options {
		for j := 0; j < i; j++ {
			a, b := it.Options[j].Text, it.Options[i].Text
			if normOption(a) == normOption(b) || sameAmounts(a, b) {
				out = append(out, finding(RuleDuplicateOption, fmt.Sprintf("this option says the same as %q", a), b))
				break
			}
		}
	}
	return out
}

// sameAmounts reports whether two options state the same amounts with the
// same bounds and otherwise the same words ("0.5 mg" and "500 micrograms").
func sameAmounts(a, b string) bool {
	qa, qb := clinical.Analyze(a).Quantities, clinical.Analyze(b).Quantities
	if len(qa) == 0 || len(qa) != len(qb) {
		return false
	}
	for i := range qa {
		if qa[i].Bound != qb[i].Bound || !sameQ(qa[i], qb[i]) {
			return false
		}
	}
	return sameWordsBut(a, b)
}

// sameQ reports whether two quantities are the same amount (unitless
// numbers by value).
func sameQ(a, b clinical.Quantity) bool {
	if a.Unit.IsZero() || b.Unit.IsZero() {
		return a.Unit.IsZero() && b.Unit.IsZero() && a.Value == b.Value
	}
	return clinical.Same(a.Value, a.Unit, b.Value, b.Unit)
}

// sameWordsBut reports whether two options have the same words apart from
// their numbers and units.
func sameWordsBut(a, b string) bool {
	strip := func(s string) string {
		var w []string
		for _, t := range clinical.Analyze(s).Terms {
			w = append(w, t.Stem)
		}
		return strings.Join(w, " ")
	}
	return strip(a) == strip(b)
}

var blankRE = regexp.MustCompile(`_{2,}|\.{3,}|…|\(\s*blank\s*\)|\[\s*blank\s*\]|\(\s*\)`)

func fillInBlank(it *Item) []Finding {
	if it.Type == TrueFalse {
		return nil
	}
	if m := blankRE.FindString(it.Stem); m != "" {
		return []Finding{finding(RuleFillInBlank, "the stem has a blank to fill; ask a closed question instead", m)}
	}
	q := strings.TrimSpace(question(it.Stem))
	if q != "" && !strings.Contains(it.Stem, "?") {
		_, last := lastWord(strings.TrimRight(q, ".:"))
		return []Finding{finding(RuleFillInBlank, "the stem does not end with a question: an incomplete statement completed by the options", last)}
	}
	return nil
}

var tfStemRE = regexp.MustCompile(`(?i)\bwhich\b[^?]*\b(is|are)\s+(true|false|correct|incorrect|untrue)\b|\btrue\s+or\s+false\b`)

func trueFalseOptions(it *Item) []Finding {
	if it.Type == TrueFalse || it.Type == ShortAnswer {
		return nil
	}
	n := 0
	for _, o := range it.Options {
		switch strings.ToLower(strings.Trim(o.Text, " .")) {
		case "true", "false", "yes", "no", "correct", "incorrect":
			n++
		}
	}
	if n >= 2 {
		return []Finding{finding(RuleTrueFalseOptions, "the options are true/false judgements; write a true/false item or a question with distinct answers", optionList(it))}
	}
	if m := tfStemRE.FindString(question(it.Stem)); m != "" {
		return []Finding{finding(RuleTrueFalseOptions, "the question asks which statement is true or false: a multiple true/false item; ask about one point instead", m)}
	}
	return nil
}

var kTypeRE = regexp.MustCompile(`(?i)^\W*(both\s+|only\s+|all\s+of\s+)?(\(?[a-e1-5]\)?|i{1,3}|iv|v)((\s*(,|and|&|or|\+)\s*(\(?[a-e1-5]\)?|i{1,3}|iv|v))+(\s+only)?|\s+only)\W*$`)

func kType(it *Item) []Finding {
	var out []Finding
	for _, o := range it.Options {
		if kTypeRE.MatchString(strings.TrimSpace(o.Text)) {
			out = append(out, finding(RuleKType, "this option combines other options: write a single-best-answer item instead", o.Text))
		}
	}
	return out
}

// kindOfOption classifies an option for the heterogeneity rule.
func kindOfOption(s string) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "empty"
	}
	first := strings.ToLower(strings.Trim(words[0], ",."))
	if imperatives[first] || optionVerbs[first] || first == "do" && len(words) > 1 && strings.ToLower(words[1]) == "not" {
		return "instruction"
	}
	if q, ok := optionQuantity(s); ok && (startsWithDigit(s) || leadsWithBound(s)) {
		if q.Unit.IsZero() {
			return "number"
		}
		return "amount (" + q.Unit.Dim + ")"
	}
	if len(drugsIn(s)) > 0 && len(words) <= 5 {
		return "medicine"
	}
	return "other"
}

// leadsWithBound reports whether s opens with a bound word ("Below 92%",
// "After 5 minutes").
func leadsWithBound(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	for _, b := range leads {
		if strings.HasPrefix(l, b+" ") {
			return true
		}
	}
	return false
}

// optionVerbs are further verbs that open an instruction as an option.
var optionVerbs = setOf(`wait stand sit discharge admit book order hold omit decrease reassure explain intubate ventilate
	catheterise cannulate elevate immobilise splint dress irrigate suture drain consult notify scan defer delay proceed
	walk turn lift perform infuse resume restrict encourage`)

// heterogeneous fires on options of a kind that only a minority share:
// amounts among medicines, instructions among findings, different units.
func heterogeneous(it *Item) []Finding {
	if !hasOptions(it.Type) || len(it.Options) < 3 {
		return nil
	}
	kinds := make([]string, len(it.Options))
	count := make(map[string]int)
	for i, o := range it.Options {
		if allNoneRE.MatchString(o.Text) || kTypeRE.MatchString(strings.TrimSpace(o.Text)) {
			continue // reported by their own rules
		}
		kinds[i] = kindOfOption(o.Text)
		count[kinds[i]]++
	}
	if len(count) == 1 {
		return nil
	}
	// "other" mixes with medicines (lists of drugs and drug classes).
	if len(count) == 2 && count["other"] > 0 && count["medicine"] > 0 {
		return nil
	}
	major, best := "", -1
	for k, n := range count {
		if n > best || n == best && k < major {
			major, best = k, n
		}
	}
	var out []Finding
	for i, o := range it.Options {
		if kinds[i] != "" && kinds[i] != major && !(kinds[i] == "other" && major == "medicine" || kinds[i] == "medicine" && major == "other") {
			out = append(out, finding(RuleHeterogeneousOption, fmt.Sprintf("this option is a %s among options that are mostly %s", kinds[i], plain(major)), o.Text))
		}
	}
	return out
}

func plain(kind string) string {
	if strings.HasPrefix(kind, "amount") {
		return "amounts"
	}
	switch kind {
	case "instruction":
		return "instructions"
	case "medicine":
		return "medicines"
	case "number":
		return "numbers"
	}
	return "other text"
}

// givenAway reports items whose answer another item's stem states: the
// grounding checker, given the other stem as the passage, supports the
// item's question with its key.
func givenAway(c *grounding.Checker, items []Item) [][]Finding {
	out := make([][]Finding, len(items))
	// Index the stems by content term to compare only items that share one.
	stemTerms := make([]map[string]string, len(items))
	byTerm := make(map[string][]int)
	for j := range items {
		stemTerms[j] = contentTerms(items[j].Stem)
		for t := range stemTerms[j] {
			byTerm[t] = append(byTerm[t], j)
		}
	}
	var claimList []grounding.Claim
	var owner []int
	for i := range items {
		it := &items[i]
		var keys []string
		switch {
		case it.Type == TrueFalse:
			if k := it.Key(); len(k) == 1 && len(it.Options) == 2 && strings.EqualFold(it.Options[k[0]].Text, "true") {
				keys = []string{""}
			}
		case it.Type == ShortAnswer:
			if len(it.Answers) > 0 {
				keys = []string{it.Answers[0]}
			}
		default:
			for _, k := range it.Key() {
				keys = append(keys, it.Options[k].Text)
			}
		}
		if len(keys) == 0 {
			continue
		}
		// Candidates: items sharing a content word of the key (or, for a
		// statement, of the stem).
		probe := keys[0]
		if probe == "" {
			probe = it.Stem
		}
		cands := make(map[int]bool)
		for t := range contentTerms(probe) {
			for _, j := range byTerm[t] {
				cands[j] = true
			}
		}
		if len(cands) == 0 {
			// A key of numbers only: compare with every stem.
			for j := range items {
				cands[j] = true
			}
		}
		js := make([]int, 0, len(cands))
		for j := range cands {
			if j != i && !(items[j].Type == TrueFalse && !statementTrue(&items[j])) {
				js = append(js, j) // a false statement gives nothing away
			}
		}
		if len(js) == 0 {
			continue
		}
		sort.Ints(js)
		for _, k := range keys {
			cl := claims(it, k)[0] // the question with its answer
			claimList = append(claimList, grounding.Claim{Text: cl, Cites: js})
			owner = append(owner, i)
		}
	}
	// One pass of the checker: each stem is analysed once.
	stems := make([]string, len(items))
	for j := range items {
		stems[j] = items[j].Stem
	}
	for ci, r := range c.CheckAnswer(claimList, stems) {
		i := owner[ci]
		if !r.Supported() || len(out[i]) > 0 || len(r.Evidence) == 0 {
			continue
		}
		other := &items[r.Evidence[0].Passage]
		id := other.ID
		if id == "" {
			id = ContentID(other)
		}
		out[i] = append(out[i], finding(RuleAnswerGivenAway, fmt.Sprintf("the stem of item %s states this item's answer", id), other.Stem))
	}
	return out
}

// statementTrue reports whether a true/false item's statement is true.
func statementTrue(it *Item) bool {
	k := it.Key()
	return len(k) == 1 && k[0] < len(it.Options) && strings.EqualFold(it.Options[k[0]].Text, "true")
}

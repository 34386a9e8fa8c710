package clinical

import (
	"strings"
	"sync"
	"unicode"

	"github.com/bedside-ai/bedside/internal/terms"
)

// Stem returns the normal form of one word for comparing content: the
// [terms] stem after folding British and American spellings ("oedema" and
// "edema", "organise" and "organize"), mapping common irregular forms
// ("given" → "give", "children" → "child") and a small set of clinical
// synonyms and abbreviations ("IV" and "intravenous", "renal" and "kidney",
// "administer" and "give", "acetaminophen" and "paracetamol"). It returns ""
// for a stop word.
func Stem(word string) string {
	w := strings.ToLower(word)
	if terms.IsStopWord(w) {
		return ""
	}
	w = spelling(w)
	if r, ok := irregular[w]; ok {
		w = r
	}
	st := terms.Term(w)
	if st == "" {
		return ""
	}
	if c, ok := synonyms[st]; ok {
		return c
	}
	return st
}

// spelling folds British spellings to one form.
func spelling(w string) string {
	if len(w) < 4 {
		return w
	}
	if strings.Contains(w, "ae") {
		w = strings.ReplaceAll(w, "ae", "e")
	}
	if strings.Contains(w, "oe") {
		w = strings.ReplaceAll(w, "oe", "e")
	}
	if strings.Contains(w, "iz") {
		w = strings.ReplaceAll(w, "iz", "is")
	}
	if strings.Contains(w, "yz") {
		w = strings.ReplaceAll(w, "yz", "ys")
	}
	if strings.Contains(w, "sulph") {
		w = strings.ReplaceAll(w, "sulph", "sulf")
	}
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "our"):
		w = w[:len(w)-3] + "or"
	case len(w) > 4 && strings.HasSuffix(w, "ours"):
		w = w[:len(w)-4] + "ors"
	case len(w) > 4 && strings.HasSuffix(w, "tre"):
		w = w[:len(w)-3] + "ter"
	case len(w) > 4 && strings.HasSuffix(w, "tres"):
		w = w[:len(w)-4] + "ters"
	}
	return w
}

var irregular = map[string]string{
	"given": "give", "gave": "give", "taken": "take", "took": "take", "shown": "show", "showed": "show",
	"found": "find", "seen": "see", "saw": "see", "done": "do", "made": "make", "written": "write",
	"wrote": "write", "chosen": "choose", "known": "know", "knew": "know", "begun": "begin", "began": "begin",
	"drawn": "draw", "drew": "draw", "grown": "grow", "grew": "grow", "risen": "rise", "fallen": "fall",
	"fell": "fall", "held": "hold", "kept": "keep", "led": "lead", "brought": "bring", "bought": "buy",
	"thought": "think", "told": "tell", "felt": "feel", "lost": "lose", "sent": "send", "spent": "spend",
	"met": "meet", "paid": "pay", "bled": "bleed", "fed": "feed", "broken": "break", "broke": "break",
	"frozen": "freeze", "undergone": "undergo", "underwent": "undergo", "arisen": "arise", "arose": "arise",
	"children": "child", "women": "woman", "men": "man", "feet": "foot", "teeth": "tooth", "people": "person",
	"lives": "life", "wives": "wife", "analyses": "analysis", "diagnoses": "diagnosis", "prognoses": "prognosis",
	"crises": "crisis", "criteria": "criterion", "data": "data", "bacteria": "bacterium", "larger": "large",
	"smaller": "small", "higher": "high", "lower": "low", "greater": "great", "longer": "long", "shorter": "short",
}

// synonyms maps stems to a canonical stem. Each group is a word and its
// abbreviations or a clinical word and its lay or foreign equivalent; the
// list is short on purpose (see the package documentation).
var synonyms = func() map[string]string {
	m := make(map[string]string)
	for canon, words := range map[string][]string{
		"intraven":      {"iv", "intraven", "intravenous"},
		"intramuscular": {"im", "intramuscular"},
		"subcutan":      {"sc", "subcut", "subcutan", "sq"},
		"oral":          {"po", "oral", "mouth"},
		"rectal":        {"pr", "rectal"},
		"kidney":        {"renal", "kidney"},
		"liver":         {"hepat", "liver"},
		"heart":         {"cardiac", "heart"},
		"lung":          {"pulmonari", "lung"},
		"child":         {"pediatr", "child", "childhood"},
		"give":          {"give", "administ", "administr", "offer", "provid", "prescrib", "receiv", "deliv", "dose", "dosag", "doser"},
		"start":         {"start", "commenc", "initi", "begin", "initialis"},
		"stop":          {"stop", "discontinu", "ceas", "halt", "ceas"},
		"monitor":       {"monitor", "check", "measur", "observ"},
		"temperatur":    {"temperatur", "temp"},
		"paracetamol":   {"paracetamol", "acetaminophen"},
		"adrenalin":     {"adrenalin", "epinephrin"},
		"noradrenalin":  {"noradrenalin", "norepinephrin"},
		"salbutamol":    {"salbutamol", "albuterol"},
		"furosemid":     {"furosemid", "frusemid"},
		"lidocain":      {"lidocain", "lignocain"},
		"aciclovir":     {"aciclovir", "acyclovir"},
		"amoxicillin":   {"amoxicillin", "amoxycillin"},
		"cefalexin":     {"cefalexin", "cephalexin"},
		"ciclosporin":   {"ciclosporin", "cyclosporin"},
		"glucos":        {"glucos", "dextros"},
	} {
		for _, w := range words {
			m[w] = canon
		}
	}
	return m
}()

// IsDrug reports whether a lower-case word is a drug or medical substance
// name: a listed name, or a word with a stem that international
// nonproprietary names use ("-cillin", "-olol", "-pril", …).
func IsDrug(lower string) bool {
	if drugs[lower] {
		return true
	}
	if len(lower) < 7 {
		return false
	}
	plural := strings.TrimSuffix(lower, "s")
	for _, suf := range drugSuffixes {
		if strings.HasSuffix(lower, suf) || strings.HasSuffix(plural, suf) {
			return true
		}
	}
	return false
}

// wordInfo is what the analyser needs to know about one word, looked up
// once per distinct spelling and cached.
type wordInfo struct {
	lower   string
	stem    string // "" for a stop word
	drug    bool
	acronym bool
	number  float64
	isNum   bool // a number word: "two", "twenty"
	roles   role
	freq    string // frequency key of a word such as "bd", "daily"
	atom    atom   // unit of measure
	isAtom  bool
}

// A role is a set of grammatical roles of a word.
type role uint8

const (
	roleConnective role = 1 << iota
	roleCue
	roleAux
	rolePreposition
)

// words caches *wordInfo by the word as written (or, for a dotted
// abbreviation, by its letters). Readers take the read lock once per text;
// new words are added after, under the write lock. It stops growing at a
// bound, like the stem cache of package terms.
var words = struct {
	sync.RWMutex
	m map[string]*wordInfo
}{m: make(map[string]*wordInfo)}

const maxWords = 1 << 20

// newWordInfo computes the information of a word as written; lower is its
// lower-case form.
func newWordInfo(text, lower string) *wordInfo {
	wi := &wordInfo{lower: lower, stem: Stem(lower), acronym: IsAcronym(text),
		drug: IsDrug(strings.TrimSuffix(strings.TrimSuffix(lower, "'s"), "’s"))}
	wi.number, wi.isNum = numberWords[lower]
	wi.freq = freqWords[lower]
	wi.atom, wi.isAtom = atoms[lower]
	if connectives[lower] {
		wi.roles |= roleConnective
	}
	if negationCues[lower] || isNT(lower) {
		wi.roles |= roleCue
	}
	if auxiliaries[lower] || isNT(lower) {
		wi.roles |= roleAux
	}
	if prepositions[lower] {
		wi.roles |= rolePreposition
	}
	return wi
}

// remember adds new words to the cache.
func remember(pending map[string]*wordInfo) {
	if len(pending) == 0 {
		return
	}
	words.Lock()
	defer words.Unlock()
	for k, wi := range pending {
		if len(words.m) >= maxWords {
			return
		}
		words.m[strings.Clone(k)] = wi
	}
}

var drugSuffixes = []string{
	"cillin", "mycin", "micin", "cycline", "floxacin", "conazole", "prazole", "nidazole", "ovir", "avir",
	"olol", "pril", "sartan", "dipine", "statin", "parin", "xaban", "gatran", "umab", "imab", "zumab", "ximab",
	"tinib", "gliptin", "gliflozin", "glitazone", "formin", "lukast", "olone", "asone", "isone", "sonide",
	"semide", "thiazide", "azepam", "azolam", "curium", "curonium", "profen", "fenac", "oxicam", "coxib",
	"triptan", "setron", "tidine", "oxetine", "pramine", "triptyline", "peridol", "apine", "idone", "amol",
	"orphine", "codone", "tropium", "dronate", "caine", "oquine", "teplase", "phylline", "barbital", "zolamide",
	"penem", "arin", "afil", "terol", "tadine", "nazole", "pamil", "iazem",
}

var drugs = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(`aspirin insulin oxygen glucose dextrose glucagon adrenaline noradrenaline
		epinephrine norepinephrine atropine morphine naloxone digoxin amiodarone adenosine lithium potassium
		sodium magnesium calcium bicarbonate heparin warfarin paracetamol acetaminophen ibuprofen naproxen
		codeine tramadol fentanyl ketamine propofol midazolam lorazepam diazepam haloperidol ondansetron
		metoclopramide cyclizine chlorphenamine hydrocortisone prednisolone prednisone dexamethasone
		salbutamol albuterol ipratropium aminophylline theophylline amoxicillin amoxiclav flucloxacillin
		benzylpenicillin penicillin clarithromycin erythromycin azithromycin doxycycline trimethoprim
		nitrofurantoin ceftriaxone cefuroxime cefalexin metronidazole gentamicin vancomycin meropenem
		piperacillin tazobactam tazocin ciprofloxacin levofloxacin clindamycin rifampicin isoniazid
		furosemide bumetanide spironolactone ramipril lisinopril amlodipine bisoprolol atenolol
		simvastatin atorvastatin clopidogrel ticagrelor apixaban rivaroxaban edoxaban dabigatran enoxaparin
		dalteparin tinzaparin alteplase tenecteplase tranexamic omeprazole lansoprazole metformin gliclazide
		levothyroxine sertraline fluoxetine citalopram amitriptyline gabapentin pregabalin levetiracetam
		phenytoin valproate carbamazepine lamotrigine methotrexate allopurinol colchicine thiamine pabrinex
		glyceryl trinitrate gtn nitroglycerin chlordiazepoxide oxycodone buprenorphine methadone
		diclofenac celecoxib lactulose senna macrogol loperamide chlorhexidine povidone iodine
		mannitol albumin saline hartmann vitamin folic ferrous iron zinc nicotine varenicline clozapine
		olanzapine risperidone quetiapine aripiprazole diamorphine oxytocin misoprostol ergometrine
		terbutaline nifedipine labetalol hydralazine methyldopa magnesium sulfate sulphate ceftazidime
		cefotaxime teicoplanin linezolid co-amoxiclav oseltamivir aciclovir valaciclovir fluconazole
		nystatin clotrimazole hyoscine glycopyrronium cyclophosphamide tacrolimus ciclosporin azathioprine
		mycophenolate rituximab infliximab adalimumab etanercept sumatriptan domperidone prochlorperazine
		levomepromazine dexamfetamine methylphenidate melatonin zopiclone temazepam clonazepam
		salmeterol formoterol tiotropium budesonide beclometasone fluticasone montelukast epoprostenol
		dobutamine dopamine vasopressin terlipressin octreotide desmopressin naltrexone flumazenil
		protamine vitamin phytomenadione idarucizumab andexanet`) {
		m[w] = true
	}
	return m
}()

// IsAcronym reports whether a word as written is an acronym or a code: two
// to five capital letters, optionally followed by a plural "s" ("AKI",
// "NSAIDs"), or a word mixing letters and digits ("SpO2", "NEWS2", "HbA1c").
func IsAcronym(text string) bool {
	letters, upper, digits := 0, 0, 0
	for _, r := range text {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsUpper(r):
			letters++
			upper++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters > 0 && digits > 0 {
		return true
	}
	n := letters
	if strings.HasSuffix(text, "s") && upper == letters-1 {
		n-- // "NSAIDs"
	}
	return upper == n && n >= 2 && n <= 5 && !emphasis[strings.ToLower(text[:n])]
}

// emphasis holds words that writers put in capitals for emphasis.
var emphasis = map[string]bool{
	"always": true, "only": true, "must": true, "note": true, "call": true, "stop": true, "warn": true,
	"alert": true, "now": true, "urgent": true, "first": true, "then": true, "also": true, "give": true,
	"check": true, "and": true, "or": true, "not": true, "never": true, "avoid": true, "all": true, "any": true,
	"ok": true, "yes": true, "do": true, "dont": true, "seek": true, "help": true, "red": true, "flag": true,
	"key": true, "tip": true, "nb": true,
}

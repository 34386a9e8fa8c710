package quiz

import (
	"sort"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
)

// drugClasses groups medicines that are plausible alternatives to each
// other as options: a distractor for a drug key is first sought among the
// drugs of its class that the guidance itself mentions, then among the
// rest of its class. Names are lower case; multi-word names are matched as
// phrases. The list is deliberately small and general.
var drugClasses = map[string][]string{
	"sympathomimetic":     {"adrenaline", "noradrenaline", "dobutamine", "dopamine", "metaraminol", "phenylephrine", "ephedrine", "isoprenaline"},
	"bronchodilator":      {"salbutamol", "terbutaline", "ipratropium bromide", "ipratropium", "aminophylline", "theophylline", "magnesium sulfate", "tiotropium"},
	"corticosteroid":      {"hydrocortisone", "prednisolone", "dexamethasone", "methylprednisolone", "budesonide", "beclometasone", "fluticasone"},
	"antihistamine":       {"chlorphenamine", "cetirizine", "loratadine", "fexofenadine", "promethazine"},
	"opioid":              {"morphine", "diamorphine", "fentanyl", "oxycodone", "codeine", "tramadol", "methadone", "buprenorphine"},
	"antidote":            {"naloxone", "flumazenil", "acetylcysteine", "protamine", "phytomenadione", "idarucizumab", "atropine"},
	"glucose-raising":     {"glucose", "glucagon", "dextrose", "glucose gel", "glucose 10%", "glucose 20%", "glucose 50%"},
	"insulin":             {"soluble insulin", "insulin", "insulin glargine", "insulin aspart", "insulin detemir", "isophane insulin"},
	"electrolyte":         {"calcium gluconate", "calcium chloride", "potassium chloride", "magnesium sulfate", "sodium bicarbonate", "sodium chloride", "potassium phosphate", "calcium", "potassium", "magnesium", "sodium"},
	"intravenous fluid":   {"sodium chloride 0.9%", "hartmann's solution", "glucose 5%", "glucose 10%", "plasma-lyte", "albumin"},
	"anticoagulant":       {"enoxaparin", "dalteparin", "tinzaparin", "heparin", "low molecular weight heparin", "unfractionated heparin", "fondaparinux", "apixaban", "rivaroxaban", "edoxaban", "dabigatran", "warfarin"},
	"antiplatelet":        {"aspirin", "clopidogrel", "ticagrelor", "prasugrel", "dipyridamole"},
	"thrombolytic":        {"alteplase", "tenecteplase", "streptokinase"},
	"antibiotic":          {"amoxicillin", "co-amoxiclav", "flucloxacillin", "benzylpenicillin", "ceftriaxone", "cefuroxime", "piperacillin with tazobactam", "meropenem", "gentamicin", "vancomycin", "clarithromycin", "doxycycline", "metronidazole", "trimethoprim", "nitrofurantoin", "ciprofloxacin"},
	"antiemetic":          {"ondansetron", "cyclizine", "metoclopramide", "prochlorperazine", "domperidone"},
	"benzodiazepine":      {"lorazepam", "diazepam", "midazolam", "chlordiazepoxide", "clonazepam"},
	"analgesic":           {"paracetamol", "ibuprofen", "naproxen", "diclofenac", "codeine"},
	"antidiabetic":        {"metformin", "gliclazide", "sitagliptin", "dapagliflozin", "empagliflozin", "pioglitazone"},
	"antihypertensive":    {"ramipril", "lisinopril", "losartan", "candesartan", "amlodipine", "bisoprolol", "atenolol", "labetalol", "hydralazine"},
	"diuretic":            {"furosemide", "bumetanide", "spironolactone", "eplerenone", "bendroflumethiazide", "indapamide"},
	"drug class":          {"ace inhibitors", "angiotensin receptor blockers", "nsaids", "diuretics", "sglt2 inhibitors", "sulfonylureas", "beta-blockers", "statins", "aminoglycosides", "benzodiazepines", "opioids", "antihistamines", "corticosteroids", "anticoagulants", "antiplatelets", "potassium-sparing diuretics", "proton pump inhibitors"},
	"vitamin":             {"thiamine", "pabrinex", "folic acid", "vitamin b12", "vitamin k"},
	"medical gas":         {"oxygen", "entonox", "heliox"},
	"antiepileptic":       {"levetiracetam", "phenytoin", "sodium valproate", "carbamazepine", "lamotrigine"},
	"potassium binder":    {"sodium zirconium cyclosilicate", "patiromer", "calcium resonium"},
	"antiarrhythmic":      {"amiodarone", "adenosine", "digoxin", "flecainide", "verapamil"},
	"muscle relaxant":     {"suxamethonium", "rocuronium", "atracurium", "vecuronium"},
	"antiviral":           {"aciclovir", "oseltamivir", "valaciclovir"},
	"antifungal":          {"fluconazole", "nystatin", "clotrimazole"},
	"laxative":            {"lactulose", "senna", "macrogol", "docusate"},
	"proton pump inhibit": {"omeprazole", "lansoprazole", "pantoprazole"},
}

// drugIndex maps each lexicon name to its classes, and lists names by
// length, longest first, for phrase matching.
var drugIndex = func() (ix struct {
	class map[string][]string
	names []string
}) {
	ix.class = make(map[string][]string)
	classes := make([]string, 0, len(drugClasses))
	for c := range drugClasses {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		for _, n := range drugClasses[c] {
			if _, ok := ix.class[n]; !ok {
				ix.names = append(ix.names, n)
			}
			ix.class[n] = append(ix.class[n], c)
		}
	}
	sort.SliceStable(ix.names, func(i, j int) bool { return len(ix.names[i]) > len(ix.names[j]) })
	return ix
}()

// A drugMention is a medicine named in a text.
type drugMention struct {
	name string // lower case, as in the lexicon or the word itself
	span        // in the text
}

// byFirstWord indexes the lexicon names by their first word, longest name
// first.
var byFirstWord = func() map[string][]string {
	m := make(map[string][]string)
	for _, n := range drugIndex.names { // longest first
		first, _, _ := strings.Cut(n, " ")
		m[first] = append(m[first], n)
	}
	return m
}()

// drugsIn finds the medicines named in text: lexicon phrases first (longest
// match), then single words that the clinical analyser recognises as drug
// names.
func drugsIn(text string) []drugMention {
	lower := strings.ToLower(text)
	var out []drugMention
	taken := 0 // lexicon matches end here; words before it are taken
	toks := clinical.Lex(text)
	for _, t := range toks {
		if t.Kind != clinical.Word || t.Start < taken {
			continue
		}
		w := lower[t.Start:t.End]
		for _, n := range byFirstWord[w] {
			b := t.Start + len(n)
			if b <= len(lower) && lower[t.Start:b] == n && wordBoundary(lower, t.Start, b) {
				out = append(out, drugMention{name: n, span: span{t.Start, b}})
				taken = b
				break
			}
		}
		if t.Start < taken {
			continue
		}
		if clinical.IsDrug(w) && !notDrugs[w] {
			out = append(out, drugMention{name: w, span: span{t.Start, t.End}})
		}
	}
	return out
}

// notDrugs are words the analyser counts as substances that make poor
// medicine options on their own.
var notDrugs = setOf(`iron zinc vitamin folic ferrous saline sodium potassium calcium magnesium glucose oxygen`)

func wordBoundary(s string, a, b int) bool {
	isWord := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' }
	return (a == 0 || !isWord(s[a-1])) && (b >= len(s) || !isWord(s[b]))
}

// classesOf returns the classes of a lexicon name, or nil.
func classesOf(name string) []string { return drugIndex.class[name] }

// sameClass reports whether two names share a class.
func sameClass(a, b string) bool {
	for _, x := range classesOf(a) {
		for _, y := range classesOf(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

// matchCase writes repl in the case pattern of orig: capitalised if orig
// starts with a capital.
func matchCase(orig, repl string) string {
	if orig != "" && orig[0] >= 'A' && orig[0] <= 'Z' {
		return upperFirst(repl)
	}
	return repl
}

// displayName spells a lexicon name for an option: acronyms such as
// "NSAIDs" and "SGLT2" keep their capitals.
func displayName(name string) string {
	switch name {
	case "nsaids":
		return "NSAIDs"
	case "ace inhibitors":
		return "ACE inhibitors"
	case "sglt2 inhibitors":
		return "SGLT2 inhibitors"
	case "hartmann's solution":
		return "Hartmann's solution"
	case "vitamin b12":
		return "vitamin B12"
	case "vitamin k":
		return "vitamin K"
	case "plasma-lyte":
		return "Plasma-Lyte"
	}
	return name
}

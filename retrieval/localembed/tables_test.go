package localembed

import (
	"math"
	"strings"
	"testing"
)

func TestAmerican(t *testing.T) {
	tests := []struct{ in, want string }{
		// ae → e
		{"haemorrhage", "hemorrhage"},
		{"haematology", "hematology"},
		{"anaemia", "anemia"},
		{"leukaemia", "leukemia"},
		{"hypoglycaemia", "hypoglycemia"},
		{"septicaemia", "septicemia"},
		{"ischaemic", "ischemic"},
		{"paediatric", "pediatric"},
		{"anaesthetic", "anesthetic"},
		{"aetiology", "etiology"},
		{"gynaecology", "gynecology"},
		{"orthopaedic", "orthopedic"},
		{"faeces", "feces"},
		{"caecum", "cecum"},
		{"phaeochromocytoma", "pheochromocytoma"},
		// oe → e
		{"oedema", "edema"},
		{"lymphoedema", "lymphedema"},
		{"oesophagus", "esophagus"},
		{"gastrooesophageal", "gastroesophageal"},
		{"oestrogen", "estrogen"},
		{"foetal", "fetal"},
		{"coeliac", "celiac"},
		{"diarrhoea", "diarrhea"},
		{"dyspnoea", "dyspnea"},
		{"apnoea", "apnea"},
		{"manoeuvre", "maneuver"},
		// -ise → -ize
		{"randomised", "randomized"},
		{"hospitalisation", "hospitalization"},
		{"immunise", "immunize"},
		{"catheterising", "catheterizing"},
		{"metastasised", "metastasized"},
		{"criticise", "criticize"},
		{"organisers", "organizers"},
		// -our → -or, -tre → -ter, sulph → sulf and whole words
		{"tumours", "tumors"},
		{"behavioural", "behavioral"},
		{"discolouration", "discoloration"},
		{"centre", "center"},
		{"millilitres", "milliliters"},
		{"fibre", "fiber"},
		{"sulphate", "sulfate"},
		{"ageing", "aging"},
		{"analysed", "analyzed"},
		{"labelled", "labeled"},
		{"grey", "gray"},
		// Words that must not change.
		{"aerobic", "aerobic"},
		{"anaerobic", "anaerobic"},
		{"aesthetic", "aesthetic"},
		{"vertebrae", "vertebrae"},
		{"larvae", "larvae"},
		{"israel", "israel"},
		{"does", "does"},
		{"shoes", "shoes"},
		{"coenzyme", "coenzyme"},
		{"poems", "poems"},
		{"exercise", "exercise"},
		{"exercising", "exercising"},
		{"promise", "promise"},
		{"compromised", "compromised"},
		{"immunocompromised", "immunocompromised"},
		{"advise", "advise"},
		{"supervised", "supervised"},
		{"bruised", "bruised"},
		{"noise", "noise"},
		{"raised", "raised"},
		{"surprising", "surprising"},
		{"comprises", "comprises"},
		{"otherwise", "otherwise"},
		{"crises", "crises"},
		{"premises", "premises"},
		{"expertise", "expertise"},
		{"four", "four"},
		{"hours", "hours"},
		{"journal", "journal"},
		{"course", "course"},
		{"humoral", "humoral"},
		{"theatre", "theater"},
		{"metre", "meter"},
		{"the", "the"},
		{"ae", "ae"},
		{"HAEM", "HAEM"}, // callers lower-case first
		{"anæmia", "anæmia"},
	}
	for _, tt := range tests {
		if got := american(tt.in); got != tt.want {
			t.Errorf("american(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestLexicon checks the synonym and common-word tables.
func TestLexicon(t *testing.T) {
	lex := buildLexicon()
	if len(lex.conceptHash) != len(concepts) {
		t.Fatalf("compiled %d concepts; want %d", len(lex.conceptHash), len(concepts))
	}
	seen := make(map[uint64]string)
	for id, entry := range concepts {
		names := strings.Split(entry, "|")
		if h := lex.conceptHash[id]; seen[h] != "" {
			t.Errorf("concepts %q and %q share a canonical name", seen[h], entry)
		} else {
			seen[h] = entry
		}
		keys := make(map[string]bool)
		for _, name := range names {
			if name == "" || strings.TrimSpace(name) != name {
				t.Errorf("concept %q: bad name %q", names[0], name)
				continue
			}
			if abbr, ok := strings.CutPrefix(name, "="); ok {
				if strings.ContainsAny(abbr, " -&.") {
					t.Errorf("concept %q: exact-case name %q must be one word", names[0], name)
				}
				keys["="+abbr] = true
				continue
			}
			stems := nameStems(name)
			if len(stems) == 0 {
				t.Errorf("concept %q: name %q has only stop words; mark it with = or drop it", names[0], name)
			}
			if len(stems) > lex.maxLen {
				t.Errorf("concept %q: name %q longer than maxLen %d", names[0], name, lex.maxLen)
			}
			keys[strings.Join(stems, " ")] = true
		}
		if len(keys) < 2 {
			t.Errorf("concept %q: names analyse to %d distinct forms; a concept needs two or more", names[0], len(keys))
		}
	}
	for i, tier := range commonWords {
		for _, w := range tier.words {
			if _, term := normalizeWord(w); term == "" {
				t.Errorf("commonWords[%d]: %q is already a stop word", i, w)
			}
		}
	}
}

// TestConceptMatching checks that names are found in running text:
// phrases through stop words and case, abbreviations only as written.
func TestConceptMatching(t *testing.T) {
	lex := buildLexicon()
	cfg := defaultConfig(DefaultDim)
	f := newFeaturizer(&cfg, lex)
	find := func(text, canonical string) bool {
		f.extract(text)
		want := hashKind(kindConcept, canonical)
		for _, ft := range f.feats {
			if ft.h == want {
				return true
			}
		}
		return false
	}
	tests := []struct {
		text, concept string
		want          bool
	}{
		{"He had a Heart Attack last year.", "myocardial infarction", true},
		{"Previous MI in 2019.", "myocardial infarction", true},
		{"Previous mi in 2019.", "myocardial infarction", false},
		{"Patient is short of breath.", "dyspnoea", true},
		{"Haemorrhagic stroke", "haemorrhagic stroke", true},
		{"Hemorrhagic stroke", "haemorrhagic stroke", true},
		{"Children with ALL need maintenance therapy.", "acute lymphoblastic leukaemia", true},
		{"All children need vaccines.", "acute lymphoblastic leukaemia", false},
		{"The heart. Attack the problem early.", "myocardial infarction", false},
		{"SpO2 of 91% on air", "oxygen saturation", true},
		{"NEWS 2 score of 7", "National Early Warning Score", true},
		{"stage IV cancer", "intravenous", false},
		{"T2DM on metformin", "type 2 diabetes", true},
		{"sugar", "glucose", true},
	}
	for _, tt := range tests {
		if got := find(tt.text, tt.concept); got != tt.want {
			t.Errorf("concept %q found in %q = %t; want %t", tt.concept, tt.text, got, tt.want)
		}
	}
}

func TestDetLog(t *testing.T) {
	for _, x := range []float64{1, 2, 3, 10, 100, 1023, 1024, 5000, 1e6} {
		got := detLog(x)
		want := math.Log(x)
		if d := got - want; d > 1e-12 || d < -1e-12 {
			t.Errorf("detLog(%v) = %v; want %v", x, got, want)
		}
	}
}

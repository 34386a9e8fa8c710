package quiz

import (
	"slices"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/retrieval"
)

// testPassage makes a passage of one sentence.
func testPassage(title, heading, text string) *passage {
	h := retrieval.Hit{Chunk: retrieval.Chunk{ID: "doc@1/0.0", Text: text, Heading: []string{title, heading}}}
	h.Document.ID, h.Document.Version, h.Document.Title = "doc", "1", title
	return newPassage(h)
}

func TestQuantityQuestion(t *testing.T) {
	for _, tc := range []struct {
		title, heading, sentence string
		stem, key                string // "" stem: no question
	}{
		{"Acute hyperkalaemia in adults", "Severity", "Severe hyperkalaemia is a serum potassium of 6.5 mmol/L or more.",
			"What serum potassium defines severe hyperkalaemia?", "6.5 mmol/L or more"},
		{"Anaphylaxis: emergency treatment in adults", "Intramuscular adrenaline", "Repeat the intramuscular adrenaline dose after 5 minutes if there is no improvement.",
			"Under the anaphylaxis guidance, if there is no improvement, when should you repeat the intramuscular adrenaline dose?", "After 5 minutes"},
		{"Anaphylaxis: emergency treatment in adults", "Intramuscular adrenaline", "The adult dose is 500 micrograms (0.5 mg) intramuscularly, which is 0.5 mL of adrenaline 1 mg/mL (1:1000).",
			"Under the anaphylaxis guidance, what is the adult dose, given intramuscularly?", "500 micrograms"},
		{"Acute hyperkalaemia in adults", "Insulin", "Give 10 units of soluble insulin with 25 g of glucose intravenously over 15 minutes.",
			"Under the acute hyperkalaemia guidance, what dose of soluble insulin should you give with 25 g of glucose intravenously over 15 minutes?", "10 units"},
		{"Hypoglycaemia in adults in hospital", "Treatment", "If there is no intravenous access, give glucagon 1 mg intramuscularly.",
			"Under the hypoglycaemia guidance, if there is no intravenous access, what dose of glucagon should you give intramuscularly?", "1 mg"},
		{"Diabetic ketoacidosis (DKA) in adults", "Fluids", "If the serum potassium is below 3.5 mmol/L, seek senior review, because extra potassium will be needed.",
			"Under the diabetic ketoacidosis (DKA) guidance, at what serum potassium should you seek senior review?", "Below 3.5 mmol/L"},
		{"Acute hyperkalaemia in adults", "ECG", "Record a 12-lead ECG in every patient with a serum potassium of 6.0 mmol/L or more.",
			"Under the acute hyperkalaemia guidance, at what serum potassium should you record a 12-lead ECG in every patient?", "6.0 mmol/L or more"},
		{"Emergency and acute oxygen prescribing in adults", "Monitoring", "Check the oxygen saturation within 5 minutes of starting or changing oxygen.",
			"When should you check the oxygen saturation?", "Within 5 minutes of starting or changing oxygen"},
		{"Anaphylaxis: emergency treatment in adults", "Observation", "Observe for at least 6 hours after resolution if 2 doses of intramuscular adrenaline were needed.",
			"Under the anaphylaxis guidance, if 2 doses of intramuscular adrenaline were needed, for how long should you observe the patient?", "At least 6 hours after resolution"},
		{"NEWS2: scoring", "Thresholds", "A NEWS2 score of 5 or more triggers an urgent response.",
			"What NEWS2 score triggers an urgent response?", "5 or more"},
		{"Anaphylaxis: emergency treatment in adults", "Oxygen", "Give high-flow oxygen at 15 L/min through a non-rebreathe reservoir mask as soon as it is available.",
			"Under the anaphylaxis guidance, at what flow rate should you give high-flow oxygen through a non-rebreathe reservoir mask as soon as it is available?", "15 L/min"},
		// No question: a negative instruction, a pronoun subject, nothing to ask.
		{"Anaphylaxis", "x", "Do not give more than 2 doses within 10 minutes.", "", ""},
		{"Anaphylaxis", "x", "It lasts 30 to 60 minutes.", "", ""},
		{"Anaphylaxis", "x", "Call for help early and use the ABCDE approach.", "", ""},
	} {
		t.Run(tc.sentence, func(t *testing.T) {
			p := testPassage(tc.title, tc.heading, tc.sentence)
			if len(p.sents) != 1 {
				t.Fatalf("%d sentences", len(p.sents))
			}
			s := p.sents[0]
			var stem, key string
			for _, x := range s.quantities() {
				if st, k, ok := quantityQuestion(p, s, &x); ok {
					stem, key = st, k
					break
				}
			}
			if stem != tc.stem || key != tc.key {
				t.Errorf("quantityQuestion(%q) = %q, %q; want %q, %q", tc.sentence, stem, key, tc.stem, tc.key)
			}
		})
	}
}

func TestDrugQuestion(t *testing.T) {
	for _, tc := range []struct {
		sentence, stem, key string
	}{
		{"Give acetylcysteine to every patient whose paracetamol concentration is on or above the treatment line.",
			"Under the anaphylaxis, poisoning and hyperkalaemia guidance, which medicine should you give to every patient whose paracetamol concentration is on or above the treatment line?", "Acetylcysteine"},
		{"Give intravenous calcium if the ECG shows changes of hyperkalaemia.",
			"If the ECG shows changes of hyperkalaemia, what should you give?", "Intravenous calcium"},
		{"Intramuscular adrenaline is the first-line treatment for anaphylaxis.",
			"What is the first-line treatment for anaphylaxis?", "Intramuscular adrenaline"},
		{"Give glucagon 1 mg intramuscularly.", "", ""},                  // a dose follows: a dose question instead
		{"Add potassium to the fluids if the potassium is low.", "", ""}, // the question would name the answer
	} {
		p := testPassage("Anaphylaxis, poisoning and hyperkalaemia", "Treatment", tc.sentence)
		stem, key, dm, ok := drugQuestion(p, p.sents[0])
		if !ok {
			stem, key = "", ""
		}
		if stem != tc.stem || key != tc.key {
			t.Errorf("drugQuestion(%q) = %q, %q; want %q, %q", tc.sentence, stem, key, tc.stem, tc.key)
		}
		if ok && !strings.Contains(strings.ToLower(key[dm.a:dm.b]), dm.name) {
			t.Errorf("drugQuestion(%q): mention %+v is not in the key %q", tc.sentence, dm, key)
		}
	}
}

func TestParseSentence(t *testing.T) {
	for _, tc := range []struct {
		text    string
		cond    string
		actions []string
	}{
		{"If there is no intravenous access, give glucagon 1 mg intramuscularly.", "there is no intravenous access", []string{"give glucagon 1 mg intramuscularly"}},
		{"Repeat the dose after 5 minutes if there is no improvement.", "there is no improvement", []string{"Repeat the dose after 5 minutes"}},
		{"Recheck the glucose after 10 minutes and repeat treatment if it is still low.", "it is still low", []string{"Recheck the glucose after 10 minutes", "repeat treatment"}},
		{"Assess the volume status, and correct hypovolaemia.", "", []string{"Assess the volume status", "correct hypovolaemia"}},
		{"Do not delay adrenaline while you establish access.", "", []string{"Do not delay adrenaline while you establish access"}},
		{"Add ipratropium 0.5 mg for severe asthma, or when the response is poor.", "", []string{"Add ipratropium 0.5 mg for severe asthma, or when the response is poor"}},
		{"Severe hyperkalaemia is a medical emergency.", "", nil},
		{"Review of the chart is needed.", "", nil},
	} {
		s := parseSentence(tc.text, 0)
		var acts []string
		for _, a := range s.actions {
			acts = append(acts, s.text[a.a:a.b])
		}
		if got := s.slice(s.cond); got != tc.cond || !slices.Equal(acts, tc.actions) {
			t.Errorf("parseSentence(%q): cond %q, actions %q; want %q, %q", tc.text, got, acts, tc.cond, tc.actions)
		}
	}
}

func TestFindingOf(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"If there is no intravenous access, give glucagon 1 mg intramuscularly.", "There is no intravenous access."},
		{"Start acetylcysteine immediately if the patient has jaundice or hepatic tenderness.", "The patient has jaundice or hepatic tenderness."},
		{"When DKA has resolved and the patient is eating and drinking, restart subcutaneous insulin.", "DKA has resolved and the patient is eating and drinking."},
		{"Perform a bladder scan if urinary retention is possible.", ""}, // not a case finding the stem can state
		{"Give fluids if hypovolaemic.", ""},
		{"Repeat treatment if it is still low.", ""},
	} {
		s := parseSentence(tc.text, 0)
		got := ""
		if len(s.actions) > 0 {
			got, _ = findingOf(s, &s.actions[len(s.actions)-1])
		}
		if got != tc.want {
			t.Errorf("findingOf(%q) = %q; want %q", tc.text, got, tc.want)
		}
	}
}

func TestListOf(t *testing.T) {
	for _, tc := range []struct {
		text, of string
		items    []string
	}{
		{"Airway problems include throat and tongue swelling, a hoarse voice and stridor.", "airway problems", []string{"throat and tongue swelling", "a hoarse voice", "stridor"}},
		{"ECG changes include tall peaked T waves, flattened or absent P waves, a prolonged PR interval and a widened QRS complex.", "ECG changes",
			[]string{"tall peaked T waves", "flattened or absent P waves", "a prolonged PR interval", "a widened QRS complex"}},
		{"Withhold medicines that raise potassium, including ACE inhibitors, spironolactone, trimethoprim and NSAIDs.", "medicines that raise potassium",
			[]string{"ACE inhibitors", "spironolactone", "trimethoprim", "NSAIDs"}},
		{"Review the opioid prescription, including the dose, frequency and formulation, after any episode.", "", nil}, // not a plural kind
		{"Symptoms include pain and swelling.", "", nil},                                                               // two items only
	} {
		of, items, _, ok := listOf(parseSentence(tc.text, 0))
		if !ok {
			of, items = "", nil
		}
		if of != tc.of || !slices.Equal(items, tc.items) {
			t.Errorf("listOf(%q) = %q, %q; want %q, %q", tc.text, of, items, tc.of, tc.items)
		}
	}
}

func TestReplaceNumbers(t *testing.T) {
	for _, tc := range []struct {
		text   string
		rng    bool
		lo, hi float64
		k      qkind
		want   string
	}{
		{"After 5 minutes", false, 1, 1, qTime, "After 1 minute"},
		{"After 1 minute", false, 10, 10, qTime, "After 10 minutes"},
		{"6.5 mmol/L or more", false, 6, 6, qLevel, "6.0 mmol/L or more"},
		{"0.5 mg", false, 1, 1, qDose, "1 mg"},
		{"0.5 mg", false, 0.25, 0.25, qDose, "0.25 mg"},
		{"20 to 30 seconds", true, 40, 60, qTime, "40 to 60 seconds"},
		{"94% to 98%", true, 88, 92, qLevel, "88% to 92%"},
		{"10 units", false, 1, 1, qDose, "1 unit"},
	} {
		got, ok := replaceNumbers(tc.text, tc.rng, tc.lo, tc.hi, tc.k)
		if !ok || got != tc.want {
			t.Errorf("replaceNumbers(%q, %v, %v) = %q, %t; want %q", tc.text, tc.lo, tc.hi, got, ok, tc.want)
		}
	}
	if _, ok := replaceNumbers("no number", false, 1, 1, qDose); ok {
		t.Error("replaceNumbers without a number succeeded")
	}
}

func TestLocateQuote(t *testing.T) {
	text := "Give  glucagon 1 mg\nintramuscularly. Then recheck – after 10 minutes, “as stated”."
	for _, tc := range []struct {
		quote string
		want  string
	}{
		{"Give  glucagon 1 mg", "Give  glucagon 1 mg"},
		{"Give glucagon 1 mg intramuscularly.", "Give  glucagon 1 mg\nintramuscularly."},
		{"recheck - after 10 minutes, \"as stated\".", "recheck – after 10 minutes, “as stated”."},
		{"give insulin", ""},
		{"Give", ""}, // too short to identify a span
	} {
		a, b, ok := locateQuote(text, tc.quote)
		got := ""
		if ok {
			got = text[a:b]
		}
		if got != tc.want {
			t.Errorf("locateQuote(%q) = %q; want %q", tc.quote, got, tc.want)
		}
	}
}

func TestTopicOf(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"Anaphylaxis: emergency treatment in adults", "anaphylaxis"},
		{"Acute kidney injury (AKI) in adults", "acute kidney injury (AKI)"},
		{"NEWS2: scoring, monitoring frequency and escalation in adults", "NEWS2"},
		{"Hand hygiene in clinical areas", "hand hygiene"},
		{"Falls prevention and post-fall care for adult inpatients", "falls prevention and post-fall care"},
	} {
		if got := topicOf(tc.title); got != tc.want {
			t.Errorf("topicOf(%q) = %q; want %q", tc.title, got, tc.want)
		}
	}
}

func TestDrugsIn(t *testing.T) {
	got := drugsIn("Give 30 mL of calcium gluconate 10% or calcium chloride, then salbutamol and NSAIDs are withheld.")
	var names []string
	for _, d := range got {
		names = append(names, d.name)
	}
	want := []string{"calcium gluconate", "calcium chloride", "salbutamol", "nsaids"}
	if !slices.Equal(names, want) {
		t.Errorf("drugsIn = %q; want %q", names, want)
	}
}

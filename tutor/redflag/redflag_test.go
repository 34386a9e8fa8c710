package redflag_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/tutor/redflag"
)

// detectTests lists, for each rule, texts that must fire it and texts that
// must not. want is the full list of rule IDs expected, in rule order.
var detectTests = []struct {
	name string
	text string
	want []string
}{
	// Acute coronary syndrome.
	{"acs radiation", "My patient has chest pain radiating to his left arm.", []string{"acs"}},
	{"acs sweating", "I have central chest pain and I'm really sweaty", []string{"acs"}},
	{"acs clammy lay", "Crushing pain in his chest, grey and clammy.", []string{"acs"}},
	{"acs breathless", "72-year-old man, tight chest and short of breath since 10 minutes", []string{"acs"}},
	{"acs jaw", "pain in the chest going down her left arm", []string{"acs"}},
	{"acs named", "I think my patient is having a heart attack", []string{"acs"}},
	{"acs negated", "No chest pain, sweating or breathlessness.", nil},
	{"acs denies list", "Denies chest pain, sweating or shortness of breath", nil},
	{"acs without", "Chest pain without sweating or breathlessness", nil},
	{"acs chest pain alone", "My patient has had mild chest pain on coughing", nil},
	{"acs resolved", "He had chest pain, now resolved. He is not sweaty.", nil},
	{"acs educational", "What are the red flags for chest pain with sweating?", nil},
	{"acs vignette", "A 60-year-old presents with chest pain and sweating. What is the most likely diagnosis?", nil},
	{"acs history", "History of MI, now here for a dressing change", nil},
	// Sepsis.
	{"sepsis confused", "My patient has a UTI and is now confused.", []string{"sepsis"}},
	{"sepsis rr", "Pneumonia, RR 26, sats 95% on air", []string{"sepsis"}},
	{"sepsis rr words", "He has a chest infection and is breathing at 28 breaths a minute", []string{"sepsis"}},
	{"sepsis bp", "She has cellulitis and her BP is 92/60.", []string{"sepsis"}},
	{"sepsis urine", "Temp 38.9 and he hasn't passed urine since this morning", []string{"sepsis"}},
	{"sepsis mottled", "Feverish and her skin looks mottled", []string{"sepsis"}},
	{"sepsis hr", "On antibiotics for a wound infection, HR 135", []string{"sepsis"}},
	{"sepsis news", "Pyrexial with a NEWS2 score of 7", []string{"sepsis"}},
	{"sepsis lactate", "?sepsis, lactate 4.1", []string{"sepsis"}},
	{"sepsis named", "My patient is septic, what do I do?", []string{"sepsis"}},
	{"sepsis normal obs", "UTI, RR 16, BP 128/76, HR 80, alert", nil},
	{"sepsis not confused", "He has pneumonia but is not confused", nil},
	{"sepsis educational", "What are the red flags for sepsis?", nil},
	{"sepsis educational numbers", "How do I recognise sepsis in a confused patient with a respiratory rate of 24?", nil},
	{"sepsis educational nice", "When should nurses escalate suspected sepsis with a systolic below 90?", nil},
	{"sepsis rash blanches", "Temp 38.2 with a rash that blanches", nil},
	// Anaphylaxis.
	{"anaphylaxis lips", "Lips and tongue swollen after amoxicillin, and she's wheezy", []string{"anaphylaxis"}},
	{"anaphylaxis sting", "Stung by a wasp, now his throat feels tight", []string{"anaphylaxis"}},
	{"anaphylaxis stridor", "allergic reaction, stridor and hives", []string{"anaphylaxis"}},
	{"anaphylaxis named", "My patient is having an anaphylactic reaction", []string{"anaphylaxis"}},
	{"anaphylaxis swelling rash", "Facial swelling and an itchy rash, now struggling to breathe", []string{"anaphylaxis", "breathing"}},
	{"anaphylaxis mild", "Itchy rash after starting co-amoxiclav, no swelling, no wheeze", nil},
	{"anaphylaxis dose question", "What is the adrenaline dose for anaphylaxis in adults?", nil},
	{"anaphylaxis history", "History of anaphylaxis to peanuts, here for a routine review", nil},
	// Stroke.
	{"stroke fast", "Sudden facial droop and slurred speech this morning", []string{"stroke"}},
	{"stroke two", "Her face has dropped on one side and her left arm is weak", []string{"stroke"}},
	{"stroke lay", "my dad can't lift his arm and his words are jumbled", []string{"stroke"}},
	{"stroke onset", "He suddenly couldn't speak properly and can't move his right arm", []string{"stroke"}},
	{"stroke named", "I think she's having a stroke", []string{"stroke"}},
	{"stroke old", "She had a stroke 5 years ago", nil},
	{"stroke history", "History of stroke, on clopidogrel", nil},
	{"stroke educational", "How do I recognise a stroke using FAST?", nil},
	{"stroke negated", "No facial droop, no arm weakness, speech normal", nil},
	// Suicide and self-harm.
	{"self-harm wants to die", "She says she wants to die and has a plan.", []string{"self-harm"}},
	{"self-harm first person", "I want to kill myself", []string{"self-harm"}},
	{"self-harm first person educational", "How do I stop wanting to end my life?", []string{"self-harm"}},
	{"self-harm overdose", "He took an overdose of paracetamol on purpose", []string{"self-harm"}},
	{"self-harm cutting", "my friend has been cutting herself", []string{"self-harm"}},
	{"self-harm does not want to live", "He doesn't want to live any more", []string{"self-harm"}},
	{"self-harm denies", "He denies suicidal thoughts or plans.", nil},
	{"self-harm no thoughts", "No thoughts of self-harm.", nil},
	{"self-harm educational", "What are the risk factors for suicide?", nil},
	// Severe breathing difficulty.
	{"breathing cannot", "He can't breathe!", []string{"breathing"}},
	{"breathing sentences", "Asthma, unable to speak in full sentences", []string{"breathing"}},
	{"breathing sats", "COPD, breathless, sats 86% on air", []string{"breathing"}},
	{"breathing very low sats", "sats 84%", []string{"breathing"}},
	{"breathing rr", "RR 34 and using accessory muscles", []string{"breathing"}},
	{"breathing slow rr", "post-op on morphine, RR 6", []string{"breathing"}},
	{"breathing blue lips", "his lips are blue", []string{"breathing"}},
	{"breathing mild", "Slightly breathless on stairs, sats 97%", nil},
	{"breathing copd target", "COPD, target sats 88 to 92, currently 90", nil},
	{"breathing not", "He is not struggling to breathe", nil},
	// Meningitis.
	{"meningitis rash fever", "Non-blanching rash and fever in my son", []string{"sepsis", "meningitis"}},
	{"meningitis glass test", "the rash doesn't fade with the glass test and he has a stiff neck", []string{"meningitis"}},
	{"meningitis triad", "Headache, fever and neck stiffness", []string{"meningitis"}},
	{"meningitis photophobia", "Stiff neck and the light hurts her eyes", []string{"meningitis"}},
	{"meningitis negated fever", "No fever, but non-blanching rash and neck stiffness.", []string{"meningitis"}},
	{"meningitis blanching", "Rash blanches; no neck stiffness or fever", nil},
	{"meningitis educational", "What are the signs of meningitis in children?", nil},
	// Major bleeding.
	{"bleeding vomiting blood", "He is vomiting blood and feels dizzy", []string{"bleeding"}},
	{"bleeding wont stop", "The wound is bleeding heavily and won't stop", []string{"bleeding"}},
	{"bleeding shock", "PR bleed, BP 84/50, HR 125", []string{"bleeding"}},
	{"bleeding pph", "Postpartum haemorrhage, estimated 1500 ml", []string{"bleeding"}},
	{"bleeding melaena", "Black tarry stools since yesterday", []string{"bleeding"}},
	{"bleeding minor", "Small nosebleed, stopped with pressure, obs normal", nil},
	{"bleeding none", "No bleeding, wound clean and dry", nil},
	// Diabetic ketoacidosis.
	{"dka ketones", "Type 1 diabetic, ketones 4.2, pH 7.1", []string{"dka"}},
	{"dka glucose vomiting", "He has type 1 diabetes, BM 28 and is vomiting", []string{"dka"}},
	{"dka kussmaul", "Diabetic, deep sighing breathing and high ketones", []string{"dka"}},
	{"dka named", "My patient has DKA, what fluids?", []string{"dka"}},
	{"dka low ketones", "Type 1 diabetes, ketones 0.4, glucose 9", nil},
	{"dka educational", "Explain the diagnostic criteria for DKA: ketones 3 or more and pH below 7.3", nil},
	// Severe hypoglycaemia.
	{"hypo drowsy", "BM 2.1 and he is drowsy", []string{"hypoglycaemia"}},
	{"hypo unresponsive", "She is having a hypo and is unresponsive", []string{"hypoglycaemia"}},
	{"hypo fitting", "blood sugar 1.8, now fitting", []string{"hypoglycaemia"}},
	{"hypo alert", "BM 3.5, alert and eating a sandwich", nil},
	{"hypo normal glucose", "Glucose 6.2 and drowsy after sedation", nil},
	// Cauda equina.
	{"cauda saddle", "Back pain with numbness around the bottom", []string{"cauda-equina"}},
	{"cauda bladder", "Sciatica and now can't pee", []string{"cauda-equina"}},
	{"cauda both legs", "Low back pain going down both legs", []string{"cauda-equina"}},
	{"cauda saddle alone", "Saddle anaesthesia since this morning", []string{"cauda-equina"}},
	{"cauda simple", "Lower back pain after lifting, no numbness, passing urine normally", nil},
	{"cauda educational", "What are the red flags for cauda equina syndrome?", nil},
	// Pregnancy.
	{"pregnancy headache bp", "My patient is 32/40 pregnant with a headache and BP 150/100", []string{"pregnancy"}},
	{"pregnancy vision", "34 weeks pregnant, blurred vision and swollen hands", []string{"pregnancy"}},
	{"pregnancy chest pain", "She is pregnant and has chest pain", []string{"pregnancy"}},
	{"pregnancy postnatal", "Postnatal, BP 160/110 and seeing flashing lights", []string{"pregnancy"}},
	{"pregnancy named", "My patient has pre-eclampsia", []string{"pregnancy"}},
	{"pregnancy well", "She is 28 weeks pregnant and well, BP 118/72", nil},
	{"pregnancy educational", "What are the signs of pre-eclampsia?", nil},
	// Texts with nothing to flag.
	{"clinical note", "Give 0.5 mg adrenaline IM. NEWS2 score of 7. BP 90/60.", nil},
	{"empty", "", nil},
	{"question", "How often should I do observations after a blood transfusion?", nil},
}

func TestDetect(t *testing.T) {
	var d redflag.Detector
	for _, tc := range detectTests {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(d.Detect(tc.text))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Detect(%q) = %v; want %v", tc.text, got, tc.want)
			}
		})
	}
}

func ids(flags []redflag.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, f.ID)
	}
	return out
}

func TestEvidence(t *testing.T) {
	text := "My patient has chest pain radiating to his jaw. No sweating."
	flags := (&redflag.Detector{}).Detect(text)
	if len(flags) != 1 {
		t.Fatalf("Detect(%q) = %v; want one flag", text, ids(flags))
	}
	f := flags[0]
	if f.Name == "" || !strings.Contains(f.Notice, "999") {
		t.Errorf("Detect(%q)[0] = %+v; want a name and a notice mentioning 999", text, f)
	}
	var got []string
	for _, e := range f.Evidence {
		got = append(got, e.Concept+"="+text[e.Start:e.End])
	}
	want := []string{"chest-pain=chest pain", "radiation=radiating"}
	if !slices.Equal(got, want) {
		t.Errorf("Detect(%q)[0].Evidence = %v; want %v", text, got, want)
	}
}

func TestAnyFraming(t *testing.T) {
	d, err := redflag.New(redflag.Options{AnyFraming: true})
	if err != nil {
		t.Fatal(err)
	}
	text := "What are the red flags for sepsis? Infection with new confusion or a respiratory rate of 22 or more."
	if got := ids(d.Detect(text)); !slices.Equal(got, []string{"sepsis"}) {
		t.Errorf("New(AnyFraming).Detect(%q) = %v; want [sepsis]", text, got)
	}
	if got := ids((&redflag.Detector{}).Detect(text)); got != nil {
		t.Errorf("Detector{}.Detect(%q) = %v; want nothing for an educational question", text, got)
	}
	// Negation still applies.
	text = "If there is no chest pain, sweating or breathlessness, reassure."
	if got := ids(d.Detect(text)); got != nil {
		t.Errorf("New(AnyFraming).Detect(%q) = %v; want nothing", text, got)
	}
}

func TestCustomRules(t *testing.T) {
	falls := redflag.Rule{
		ID:     "head-injury-anticoagulant",
		Name:   "Head injury on an anticoagulant",
		Notice: "Head injury on an anticoagulant: arrange an urgent CT head per your falls guideline.",
		Concepts: []redflag.Concept{
			{ID: "head-injury", Phrases: []string{"hit|banged|bumped his|her|their|my head", "head injury"}},
			{ID: "anticoagulant", Phrases: []string{"apixaban|rivaroxaban|edoxaban|dabigatran|warfarin", "anticoagula*"}},
		},
		When: [][]redflag.Need{{{Any: []string{"head-injury"}}, {Any: []string{"anticoagulant"}}}},
	}
	d, err := redflag.New(redflag.Options{Rules: append(redflag.DefaultRules(), falls)})
	if err != nil {
		t.Fatalf("New(default + custom) error: %v", err)
	}
	text := "Mrs Jones fell and banged her head; she takes apixaban."
	if got := ids(d.Detect(text)); !slices.Equal(got, []string{"head-injury-anticoagulant"}) {
		t.Errorf("Detect(%q) = %v; want [head-injury-anticoagulant]", text, got)
	}
	only, err := redflag.New(redflag.Options{Rules: []redflag.Rule{falls}})
	if err != nil {
		t.Fatal(err)
	}
	text = "My patient has chest pain and is sweating; she takes warfarin and hit her head."
	if got := ids(only.Detect(text)); !slices.Equal(got, []string{"head-injury-anticoagulant"}) {
		t.Errorf("Detect(%q) with only the custom rule = %v; want [head-injury-anticoagulant]", text, got)
	}
}

func TestMinDistinctConcepts(t *testing.T) {
	rule := redflag.Rule{
		ID: "two-of-three", Notice: "n",
		Concepts: []redflag.Concept{
			{ID: "a", Phrases: []string{"alpha"}}, {ID: "b", Phrases: []string{"beta"}}, {ID: "c", Phrases: []string{"gamma"}},
		},
		When:   [][]redflag.Need{{{Any: []string{"a", "b", "c"}, Min: 2}}},
		Window: 5,
	}
	d, err := redflag.New(redflag.Options{Rules: []redflag.Rule{rule}, AnyFraming: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"alpha alpha alpha", false},
		{"alpha then gamma", true},
		{"alpha one two three four five six gamma", false}, // outside the window
		{"no alpha, beta", false},                          // "no" negates alpha only when the list goes on with "or"
		{"alpha and no beta or gamma", false},
	} {
		if got := len(d.Detect(tc.text)) > 0; got != tc.want {
			t.Errorf("Detect(%q) fired = %v; want %v", tc.text, got, tc.want)
		}
	}
}

func TestMeasures(t *testing.T) {
	rule := redflag.Rule{
		ID: "fast-rr", Notice: "n",
		Concepts: []redflag.Concept{{ID: "rr", Measures: []redflag.Measure{{
			Names: []string{"rr", "resp rate"}, Units: []string{"breaths"}, Cmp: redflag.AtLeast, Value: 25, Min: 1, Max: 80,
		}}}, {ID: "dia", Measures: []redflag.Measure{{
			Names: []string{"bp"}, Second: true, Cmp: redflag.Above, Value: 100,
		}}}},
		When: [][]redflag.Need{{{Any: []string{"rr"}}}, {{Any: []string{"dia"}}}},
	}
	d, err := redflag.New(redflag.Options{Rules: []redflag.Rule{rule}, AnyFraming: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"RR 28", true},
		{"RR: 25", true},
		{"resp rate of 30", true},
		{"resp rate is now 31/min", true},
		{"30 breaths per minute", true},
		{"RR 24", false},
		{"RR 250", false}, // implausible
		{"RR, 28", false},
		{"RR was recorded as normal at 08:00, 28 patients seen", false},
		{"BP 150/110", true},
		{"BP 150/90", false},
		{"BP 150", false},
	} {
		if got := len(d.Detect(tc.text)) > 0; got != tc.want {
			t.Errorf("Detect(%q) fired = %v; want %v", tc.text, got, tc.want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	good := func() redflag.Rule {
		return redflag.Rule{
			ID: "r", Notice: "n",
			Concepts: []redflag.Concept{{ID: "a", Phrases: []string{"alpha"}}},
			When:     [][]redflag.Need{{{Any: []string{"a"}}}},
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(r *redflag.Rule)
		rules func(r redflag.Rule) []redflag.Rule
	}{
		{"no rules", nil, func(redflag.Rule) []redflag.Rule { return []redflag.Rule{} }},
		{"empty id", func(r *redflag.Rule) { r.ID = "" }, nil},
		{"duplicate id", nil, func(r redflag.Rule) []redflag.Rule { return []redflag.Rule{r, r} }},
		{"no notice", func(r *redflag.Rule) { r.Notice = "" }, nil},
		{"no conditions", func(r *redflag.Rule) { r.When = nil }, nil},
		{"empty condition", func(r *redflag.Rule) { r.When = [][]redflag.Need{{}} }, nil},
		{"unknown concept", func(r *redflag.Rule) { r.When = [][]redflag.Need{{{Any: []string{"b"}}}} }, nil},
		{"min too high", func(r *redflag.Rule) { r.When = [][]redflag.Need{{{Any: []string{"a"}, Min: 2}}} }, nil},
		{"negative window", func(r *redflag.Rule) { r.Window = -1 }, nil},
		{"reserved concept", func(r *redflag.Rule) { r.Concepts[0].ID = redflag.Presentation }, nil},
		{"empty concept", func(r *redflag.Rule) { r.Concepts[0].Phrases = nil }, nil},
		{"bad pattern", func(r *redflag.Rule) { r.Concepts[0].Phrases = []string{"a||b"} }, nil},
		{"upper-case pattern", func(r *redflag.Rule) { r.Concepts[0].Phrases = []string{"Alpha"} }, nil},
		{"short prefix", func(r *redflag.Rule) { r.Concepts[0].Phrases = []string{"al*"} }, nil},
		{"optional first word", func(r *redflag.Rule) { r.Concepts[0].Phrases = []string{"alpha? beta"} }, nil},
		{"wildcard first word", func(r *redflag.Rule) { r.Concepts[0].Phrases = []string{"* beta"} }, nil},
		{"bad except", func(r *redflag.Rule) { r.Concepts[0].Except = []string{""} }, nil},
		{"measure without cmp", func(r *redflag.Rule) {
			r.Concepts[0].Measures = []redflag.Measure{{Names: []string{"rr"}}}
		}, nil},
		{"measure without name", func(r *redflag.Rule) {
			r.Concepts[0].Measures = []redflag.Measure{{Cmp: redflag.AtLeast}}
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			if tc.edit != nil {
				tc.edit(&r)
			}
			rules := []redflag.Rule{r}
			if tc.rules != nil {
				rules = tc.rules(r)
			}
			d, err := redflag.New(redflag.Options{Rules: rules})
			var re *redflag.RuleError
			if d != nil || !errors.Is(err, redflag.ErrInvalidRule) || !errors.As(err, &re) {
				t.Errorf("New(%s) = %v, %v; want nil, an error wrapping ErrInvalidRule", tc.name, d, err)
			}
		})
	}
	if _, err := redflag.New(redflag.Options{Rules: []redflag.Rule{good()}}); err != nil {
		t.Errorf("New(good rule) error: %v", err)
	}
}

func TestDefaultRules(t *testing.T) {
	if _, err := redflag.New(redflag.Options{Rules: redflag.DefaultRules()}); err != nil {
		t.Fatalf("New(DefaultRules()) error: %v", err)
	}
	a, b := redflag.DefaultRules(), redflag.DefaultRules()
	a[0].Concepts[0].Phrases[0] = "changed"
	if b[0].Concepts[0].Phrases[0] == "changed" {
		t.Error("DefaultRules() returns shared slices; want a fresh copy each call")
	}
	seen := map[string]bool{}
	for _, r := range b {
		if seen[r.ID] || r.Name == "" || r.Notice == "" {
			t.Errorf("DefaultRules(): rule %q is repeated or lacks a name or notice", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestNilDetector(t *testing.T) {
	var d *redflag.Detector
	text := "My patient can't breathe"
	if got := ids(d.Detect(text)); !slices.Equal(got, []string{"breathing"}) {
		t.Errorf("(*Detector)(nil).Detect(%q) = %v; want [breathing]", text, got)
	}
}

func TestPreamble(t *testing.T) {
	if got := redflag.Preamble(nil); got != "" {
		t.Errorf("Preamble(nil) = %q; want %q", got, "")
	}
	flags := []redflag.Flag{{ID: "a", Notice: "Do A."}, {ID: "b", Notice: "Do B."}}
	if got, want := redflag.Preamble(flags), "Red flag: Do A.\nRed flag: Do B.\n\n"; got != want {
		t.Errorf("Preamble(%v) = %q; want %q", flags, got, want)
	}
}

func TestEvidenceOffsets(t *testing.T) {
	var d redflag.Detector
	for _, tc := range detectTests {
		for _, f := range d.Detect(tc.text) {
			checkEvidence(t, tc.text, f)
		}
	}
}

func checkEvidence(t testing.TB, text string, f redflag.Flag) {
	t.Helper()
	if len(f.Evidence) == 0 {
		t.Errorf("Detect(%q): flag %s has no evidence", text, f.ID)
	}
	last := -1
	for _, e := range f.Evidence {
		if e.Start < 0 || e.End > len(text) || e.Start >= e.End || e.Start < last || e.Concept == "" {
			t.Errorf("Detect(%q): flag %s evidence %+v out of range or order", text, f.ID, e)
		}
		last = e.Start
	}
}

func BenchmarkDetect(b *testing.B) {
	var d redflag.Detector
	for _, bc := range []struct{ name, text string }{
		{"question-200B-flag", "My patient is 72 and has had chest pain for 20 minutes with sweating. BP 90/60, HR 110, SpO2 92% on air, NEWS2 score of 7. What should I do first and when should I call 2222?"},
		{"question-200B-none", "How often should observations be repeated after a blood transfusion, and which observations does our guidance say to record before, during and after each unit is given?"},
		{"question-200B-educational", "What are the red flags for sepsis in adults, and how do I recognise a patient with a respiratory rate of 22 or more, new confusion or a systolic blood pressure of 100?"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				d.Detect(bc.text)
			}
		})
	}
}

func TestConcurrentDetect(t *testing.T) {
	d, err := redflag.New(redflag.Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []string)
	for range 8 {
		go func() {
			var got []string
			for _, tc := range detectTests {
				got = append(got, ids(d.Detect(tc.text))...)
			}
			done <- got
		}()
	}
	first := <-done
	for range 7 {
		if got := <-done; !slices.Equal(got, first) {
			t.Errorf("concurrent Detect results differ: %v vs %v", got, first)
		}
	}
}

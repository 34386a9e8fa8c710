package redact_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bedside-ai/bedside/tutor/redact"
)

// All NHS numbers in these tests are in the 999 000 0000–999 999 9999 test
// range (or deliberately outside any issued range); every other identifier is
// made up or from a range reserved for fiction (Ofcom drama numbers).
var redactTests = []struct{ name, in, want string }{
	// NHS numbers.
	{"nhs spaced", "NHS number 999 000 0018 please", "NHS number [NHS_NUMBER] please"},
	{"nhs run together", "id 9990000026.", "id [NHS_NUMBER]."},
	{"nhs hyphens", "999-000-0034 on the wristband", "[NHS_NUMBER] on the wristband"},
	{"nhs mixed separators", "999 000-0042", "[NHS_NUMBER]"},
	{"nhs in brackets", "(9990000050)", "([NHS_NUMBER])"},
	{"nhs england range", "4010232137 is his number", "[NHS_NUMBER] is his number"},
	{"chi number", "CHI 0101601239", "CHI [NHS_NUMBER]"},
	{"chi without cue", "0101601239", "[NHS_NUMBER]"},
	{"nhs bad check digit", "9990000019", "9990000019"},
	{"nhs check digit ten", "999 123 4560", "999 123 4560"},
	{"nhs valid outside ranges", "ref 5000000005", "ref 5000000005"},
	{"nhs valid outside ranges after cue", "NHS 500 000 0005", "NHS [NHS_NUMBER]"},
	{"nhs invalid after cue", "NHS no: 123 456 7890", "NHS no: [NHS_NUMBER]"},
	{"nhs cue with filler", "his NHS No. is 5000000005", "his NHS No. is [NHS_NUMBER]"},
	{"nhs cue too far", "NHS trust audit found 5000000005", "NHS trust audit found 5000000005"},
	{"nhs eleven digits", "99900000181", "99900000181"},
	{"nhs 3-3-5", "999 000 00181", "999 000 00181"},
	{"nhs decimal", "3.9990000018", "3.9990000018"},
	// National Insurance numbers.
	{"ni run together", "NI: AB123456C", "NI: [NI_NUMBER]"},
	{"ni spaced", "her NINO is AB 12 34 56 C.", "her NINO is [NI_NUMBER]."},
	{"ni lower case", "ab123456d", "[NI_NUMBER]"},
	{"ni no suffix after cue", "National Insurance number AB123456", "National Insurance number [NI_NUMBER]"},
	{"ni no suffix without cue", "batch AB123456", "batch AB123456"},
	{"ni bad first letter", "DA123456C", "DA123456C"},
	{"ni bad second letter", "AO123456C", "AO123456C"},
	{"ni unallocated prefix", "GB123456A", "GB123456A"},
	{"ni temporary prefix", "TN123456A", "TN123456A"},
	{"ni suffix e", "AB123456E", "AB123456E"},
	{"ni seven digits", "AB1234567C", "AB1234567C"},
	{"ni qq specimen", "QQ 12 34 56 C", "QQ 12 34 56 C"},
	// Postcodes.
	{"postcode A9 9AA", "lives at M1 1AE", "lives at [POSTCODE]"},
	{"postcode A99 9AA", "B33 8TH", "[POSTCODE]"},
	{"postcode AA9 9AA", "CR2 6XH.", "[POSTCODE]."},
	{"postcode AA99 9AA", "DN55 1PT", "[POSTCODE]"},
	{"postcode A9A 9AA", "W1A 0AX", "[POSTCODE]"},
	{"postcode AA9A 9AA", "EC1A 1BB", "[POSTCODE]"},
	{"postcode no space", "SW1A1AA", "[POSTCODE]"},
	{"postcode lower", "sw1a 1aa", "[POSTCODE]"},
	{"postcode GIR", "GIR 0AA", "[POSTCODE]"},
	{"postcode mixed case", "B12 2hr", "B12 2hr"},
	{"postcode bad inward letter", "M1 1MG", "M1 1MG"},
	{"postcode bad first letter", "Q1 1AA", "Q1 1AA"},
	{"postcode lower ordinal", "fy1 2nd", "fy1 2nd"},
	{"postcode inside word", "XSW1A 1AA", "XSW1A 1AA"},
	{"spo2", "SpO2 94% on 2L", "SpO2 94% on 2L"},
	{"t2dm", "T2DM on metformin", "T2DM on metformin"},
	{"news2", "NEWS2 5 at 02:00", "NEWS2 5 at 02:00"},
	{"co2", "CO2 retainer, target 88-92%", "CO2 retainer, target 88-92%"},
	{"dose", "5mg stat then 2mg", "5mg stat then 2mg"},
	// Telephone numbers.
	{"mobile", "call me on 07700 900123", "call me on [PHONE]"},
	{"mobile run together", "07700900123", "[PHONE]"},
	{"mobile +44", "+44 7700 900123", "[PHONE]"},
	{"mobile +44 no spaces", "+447700900123.", "[PHONE]."},
	{"mobile 0044", "0044 7700 900123", "[PHONE]"},
	{"landline +44 (0)", "+44 (0)20 7946 0000", "[PHONE]"},
	{"landline london", "020 7946 0000", "[PHONE]"},
	{"landline brackets", "ring (0161) 496 0000 today", "ring [PHONE] today"},
	{"landline hyphens", "0161-496-0000", "[PHONE]"},
	{"landline ten digits", "01632 96012", "[PHONE]"},
	{"freephone", "0808 157 0000", "[PHONE]"},
	{"two phones", "07700 900123 or 07700 900456", "[PHONE] or [PHONE]"},
	{"bleep", "bleep 2222 or 1234", "bleep 2222 or 1234"},
	{"too few digits", "0161 496", "0161 496"},
	{"too many digits", "077009001234", "077009001234"},
	{"06 prefix", "06123 456789", "06123 456789"},
	{"bp", "BP 120/80", "BP 120/80"},
	{"phone after word", "ext07700900123", "ext07700900123"},
	// E-mail.
	{"email", "email john.smith@nhs.net about it", "email [EMAIL] about it"},
	{"email plus", "a.b+ward9@example.co.uk.", "[EMAIL]."},
	{"email in brackets", "(jo@example.org)", "([EMAIL])"},
	{"email no tld", "john@localhost", "john@localhost"},
	{"email numeric tld", "john@example.123", "john@example.123"},
	{"at sign alone", "review @ 14:00", "review @ 14:00"},
	// Dates of birth.
	{"dob slashes", "DOB 01/02/1960", "DOB [DOB]"},
	{"dob colon", "DOB: 1/2/60, weight 70kg", "DOB: [DOB], weight 70kg"},
	{"dob dots", "d.o.b. 01.02.1960", "d.o.b. [DOB]"},
	{"dob lower", "dob 01-02-1960", "dob [DOB]"},
	{"date of birth iso", "date of birth: 1960-02-01", "date of birth: [DOB]"},
	{"born on written", "born on 3 March 1950", "born on [DOB]"},
	{"born ordinal of", "born on the 3rd of March, 1950", "born on the [DOB]"},
	{"born month first", "born March 3, 1950 in Leeds", "born [DOB] in Leeds"},
	{"born month year", "born in Sept 1950", "born in [DOB]"},
	{"born year", "born in 1950", "born in [DOB]"},
	{"born weeks", "born at 32 weeks", "born at 32 weeks"},
	{"born in may", "babies born in May need", "babies born in May need"},
	{"date not after cue", "at 14:30 on 12/03/2025", "at 14:30 on 12/03/2025"},
	{"review date", "review in 2027", "review in 2027"},
	{"second date stays", "DOB 01/01/1950, seen 01/02/2024", "DOB [DOB], seen 01/02/2024"},
	// Names.
	{"title", "Mr Jones is in bay 3", "Mr [NAME] is in bay 3"},
	{"title with full stop", "Dr. Priya Patel said", "Dr. [NAME] said"},
	{"title initials", "Dr J. R. Smith", "Dr [NAME]"},
	{"title all caps name", "Mrs SMITH", "Mrs [NAME]"},
	{"title possessive", "Mrs O'Neill's husband", "Mrs [NAME]'s husband"},
	{"title double barrelled", "Ms Smith-Jones", "Ms [NAME]"},
	{"title lower case", "seen by dr Khan", "seen by dr [NAME]"},
	{"title unicode", "Miss Zoë Brontë", "Miss [NAME]"},
	{"title at most four words", "Mr A B C D Evans", "Mr [NAME] Evans"},
	{"patient", "my patient John Smith has chest pain", "my patient [NAME] has chest pain"},
	{"pt", "pt Ahmed", "pt [NAME]"},
	{"patient comma two words", "my patient, John Smith, is 45", "my patient, [NAME], is 45"},
	{"patient comma one word", "for this patient, Oxygen first", "for this patient, Oxygen first"},
	{"patient drug", "patient Paracetamol overdose", "patient Paracetamol overdose"},
	{"patient pronoun", "the patient He said", "the patient He said"},
	{"patient lower case", "patient john", "patient john"},
	{"called", "a lady called Sarah", "a lady called [NAME]"},
	{"called service", "called Outreach", "called Outreach"},
	{"named", "named Tom", "named [NAME]"},
	{"name is", "her name is Zoë Brontë.", "her name is [NAME]."},
	{"name colon", "Name: Alice Brown", "Name: [NAME]"},
	{"known as", "known as Bob", "known as [NAME]"},
	{"title then cue", "patient Mrs Jones", "patient Mrs [NAME]"},
	{"also called", "also called Kaposi sarcoma", "also called Kaposi sarcoma"},
	{"a drug called", "a drug called Flucytosine", "a drug called Flucytosine"},
	{"it is known as", "It is known as Lynch syndrome", "It is known as Lynch syndrome"},
	{"what is called", "what is called Kaposi sarcoma", "what is called [NAME] sarcoma"},
	{"a lady called", "a lady on my ward called Jane", "a lady on my ward called [NAME]"},
	{"hyphenated term", "called N-acetylcysteine", "called N-acetylcysteine"},
	{"name before number", "Mr Smith-Jones-AB123456C", "Mr [NAME]-[NI_NUMBER]"},
	{"unlisted drug", "patient Flucytosine", "patient [NAME]"},
	{"MR abbreviation", "MR on echo", "MR on echo"},
	{"MS abbreviation", "MS Relapse", "MS Relapse"},
	{"DR abbreviation", "DR Screening", "DR Screening"},
	{"miss lower case", "don't miss Sepsis", "don't miss Sepsis"},
	{"no cue", "John Smith has chest pain", "John Smith has chest pain"},
	// Several kinds together.
	{"mixed", "Mr Jones (DOB 01/02/1960, NHS 999 000 0018) of M1 1AE, tel 07700 900123",
		"Mr [NAME] (DOB [DOB], NHS [NHS_NUMBER]) of [POSTCODE], tel [PHONE]"},
	{"tokens pass through", "Mr [NAME] [NHS_NUMBER] DOB [DOB]", "Mr [NAME] [NHS_NUMBER] DOB [DOB]"},
}

// clinicalText must pass through unchanged.
var clinicalText = []string{
	"Give 0.5 mg adrenaline IM",
	"Give 0.5mg adrenaline IM into the anterolateral thigh",
	"NEWS2 score of 7",
	"BP 90/60",
	"SpO2 92%",
	"glucose 3.9 mmol/L",
	"call 2222",
	"at 14:30 on 12/03/2025",
	"review in 2027",
	"HR 120, RR 24, temp 38.5, GCS 14/15",
	"Hb 85 g/L, CRP 250, lactate 4.1",
	"T2DM, HbA1c 64 mmol/mol, on metformin 500mg BD",
	"Potassium 6.8; ECG shows peaked T waves",
	"Paracetamol 1 g QDS, max 4 g in 24 hours",
	"Enoxaparin 40 mg SC OD from 01/03/2025",
	"Call 999 or 111; out of hours 0300",
	"FEV1 1.2 L, PEFR 150 L/min",
	"NICE NG51 (2016, updated 2024)",
	"Ward 7B, bay 3, bed 12",
	"Dr on call bleeped at 02:15",
	"the patient has sepsis",
	"A 72-year-old man with chest pain",
	"pH 7.1, HCO3 12, ketones 4.2",
	"CO2 4.5 kPa, PaO2 8.1 kPa",
	"Vitamin B12 1mg IM every 3 months",
	"Section 5(2) of the MHA",
	"ISBN 978-0-19-875000-1",
	"",
}

func TestRedact(t *testing.T) {
	var r redact.Redactor
	for _, tc := range redactTests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Redact(tc.in).Text; got != tc.want {
				t.Errorf("Redact(%q).Text = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRedactClinicalText(t *testing.T) {
	var r redact.Redactor
	for _, s := range clinicalText {
		t.Run(s, func(t *testing.T) {
			if res := r.Redact(s); res.Text != s || len(res.Findings) != 0 {
				t.Errorf("Redact(%q) = %q, %v; want it unchanged", s, res.Text, res.Findings)
			}
		})
	}
}

func TestRedactIdempotent(t *testing.T) {
	var r redact.Redactor
	for _, tc := range redactTests {
		once := r.Redact(tc.in).Text
		if twice := r.Redact(once); twice.Text != once || len(twice.Findings) != 0 {
			t.Errorf("Redact(%q) = %q, %v; want %q unchanged", once, twice.Text, twice.Findings, once)
		}
	}
}

func TestFindings(t *testing.T) {
	in := "Mr Jones (DOB 01/02/1960, NHS 999 000 0018) of M1 1AE, tel 07700 900123, jo@example.org, AB123456C"
	want := []redact.Kind{redact.Name, redact.DateOfBirth, redact.NHSNumber, redact.Postcode, redact.Phone, redact.Email, redact.NINumber}
	wantData := []string{"Jones", "01/02/1960", "999 000 0018", "M1 1AE", "07700 900123", "jo@example.org", "AB123456C"}
	res := (&redact.Redactor{}).Redact(in)
	if len(res.Findings) != len(want) {
		t.Fatalf("Redact(%q).Findings = %v; want kinds %v", in, res.Findings, want)
	}
	for i, f := range res.Findings {
		if f.Kind != want[i] || in[f.Start:f.End] != wantData[i] {
			t.Errorf("Redact(%q).Findings[%d] = %v covering %q; want %v covering %q", in, i, f, in[f.Start:f.End], want[i], wantData[i])
		}
	}
}

func TestOverlapsAreJoined(t *testing.T) {
	// The e-mail's local part is a valid NHS number and a name follows a
	// cue inside it: one finding covers them all.
	in := "write to 9990000018.mr.jones@example.org now"
	res := (&redact.Redactor{}).Redact(in)
	want := "write to [EMAIL] now"
	if res.Text != want || len(res.Findings) != 1 {
		t.Errorf("Redact(%q) = %q, %v; want %q with one finding", in, res.Text, res.Findings, want)
	}
}

func TestNilAndZeroRedactor(t *testing.T) {
	var nilR *redact.Redactor
	in := "NHS 999 000 0018"
	if got, want := nilR.String(in), (&redact.Redactor{}).String(in); got != want {
		t.Errorf("(*Redactor)(nil).String(%q) = %q; want %q", in, got, want)
	}
}

func TestStopWords(t *testing.T) {
	r := redact.Redactor{StopWords: []string{"flexiseal"}}
	for _, tc := range []struct{ in, want string }{
		{"patient Flexiseal in situ", "patient Flexiseal in situ"},
		{"patient Jones", "patient [NAME]"},
	} {
		if got := r.String(tc.in); got != tc.want {
			t.Errorf("Redactor{StopWords: %q}.String(%q) = %q; want %q", r.StopWords, tc.in, got, tc.want)
		}
	}
}

func TestKind(t *testing.T) {
	for _, k := range redact.Kinds() {
		name := k.String()
		if name == "" || strings.HasPrefix(name, "Kind(") || k.Token() != "["+name+"]" {
			t.Errorf("Kind(%d): String() = %q, Token() = %q", k, name, k.Token())
		}
		if b, err := k.MarshalText(); err != nil || string(b) != name {
			t.Errorf("Kind(%d).MarshalText() = %q, %v; want %q, nil", k, b, err, name)
		}
	}
	if got := redact.Kind(0).String(); got != "Kind(0)" {
		t.Errorf("Kind(0).String() = %q; want %q", got, "Kind(0)")
	}
}

// TestNothingLeaks prints and logs findings and results every way a caller
// might and checks that no personal data comes out.
func TestNothingLeaks(t *testing.T) {
	secrets := []string{"Jones", "999 000 0018", "07700 900123", "jo@example.org"}
	in := "Mr Jones, NHS 999 000 0018, 07700 900123, jo@example.org"
	res := (&redact.Redactor{}).Redact(in)
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("redacted", "result", res, "findings", res.Findings, "first", res.Findings[0])
	log = slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("redacted", "result", res, "first", res.Findings[0])
	fmt.Fprintf(&buf, "%v %+v %#v %s %v", res.Findings, res.Findings, res.Findings, res.Findings[0], res)
	for _, s := range secrets {
		if strings.Contains(buf.String(), s) {
			t.Errorf("output contains %q:\n%s", s, buf.String())
		}
	}
	if !strings.Contains(buf.String(), `"kind":"NAME"`) {
		t.Errorf("JSON log = %s; want a finding logged as kind NAME", buf.String())
	}
}

func TestReplaceAttr(t *testing.T) {
	var r redact.Redactor
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: r.ReplaceAttr}))
	log.Info("question from Mr Jones", "q", "NHS 999 000 0018 has chest pain", "n", 3, r.Attr("q2", "call 07700 900123"))
	out := buf.String()
	for _, s := range []string{"Jones", "999 000 0018", "07700 900123"} {
		if strings.Contains(out, s) {
			t.Errorf("log output %q contains %q", out, s)
		}
	}
	for _, s := range []string{"[NAME]", "[NHS_NUMBER]", "[PHONE]", "n=3"} {
		if !strings.Contains(out, s) {
			t.Errorf("log output %q; want it to contain %q", out, s)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	var r redact.Redactor
	for _, in := range []string{
		"\xffMr Jones\xfe 999 000 0018\xc3",
		"Mr \xc3\x28Jones",
		"patient Zo\xebe called \xed\xa0\x80",
		strings.Repeat("\xf0\x9f", 100) + "07700 900123",
	} {
		res := r.Redact(in)
		again := r.Redact(res.Text)
		if len(again.Findings) != 0 {
			t.Errorf("Redact(Redact(%q).Text) found %v; want nothing", in, again.Findings)
		}
	}
	// Valid UTF-8 stays valid, with names in any script.
	in := "Mr Ødegård and Dr Ólafsdóttir called Ιωάννης"
	res := r.Redact(in)
	if !utf8.ValidString(res.Text) || res.Text != "Mr [NAME] and Dr [NAME] called [NAME]" {
		t.Errorf("Redact(%q).Text = %q; want %q", in, res.Text, "Mr [NAME] and Dr [NAME] called [NAME]")
	}
}

// adversarial inputs of about n bytes, built to stress each scanner's
// look-ahead: long digit runs, endless near-misses, cue after cue.
func adversarial(n int) map[string]string {
	rep := func(unit string) string { return strings.Repeat(unit, n/len(unit)+1)[:n] }
	return map[string]string{
		"digits":        rep("9"),
		"digit groups":  rep("999 000 "),
		"phone groups":  rep("01 01 "),
		"plus":          rep("+44 "),
		"brackets":      rep("(0"),
		"at signs":      rep("a@"),
		"long local":    rep("a") + "@example.org",
		"domain dots":   "a@" + rep("b."),
		"titles":        rep("Mr "),
		"names":         "Mr " + rep("Aa "),
		"long word":     "Mr A" + rep("a"),
		"cues":          rep("NHS number "),
		"dob cues":      rep("DOB on the "),
		"postcode-like": rep("SW1A 1A"),
		"ni-like":       rep("AB12 34 "),
		"mixed":         rep("Mr Jones DOB 01/02/1960 NHS 999 000 0018 sw1a 1aa 07700 900123 j@x.io "),
		"invalid utf-8": rep("\xff\xc3Mr "),
	}
}

// TestLinearTime checks that redacting 1 MiB costs about as much per byte
// as redacting 32 KiB. A scanner whose work grew with the square of its input
// would be 32 times slower per byte; the test allows a factor of 8 for cache
// effects and noise, and compares the best of several runs, so it does not
// depend on how fast the machine is.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const small, large = 32 << 10, 1 << 20
	smallIn, largeIn := adversarial(small), adversarial(large)
	var r redact.Redactor
	perByte := func(s string) float64 {
		best := time.Duration(0)
		for range 5 {
			start := time.Now()
			r.Redact(s)
			if d := time.Since(start); best == 0 || d < best {
				best = d
			}
		}
		return float64(best) / float64(len(s))
	}
	for name := range largeIn {
		t.Run(name, func(t *testing.T) {
			ps, pl := perByte(smallIn[name]), perByte(largeIn[name])
			t.Logf("%.2f ns/byte at 32 KiB, %.2f ns/byte at 1 MiB", ps, pl)
			if pl > 8*ps+1 {
				t.Errorf("Redact(%s): %.2f ns/byte at 1 MiB vs %.2f ns/byte at 32 KiB; want roughly linear", name, pl, ps)
			}
		})
	}
}

func BenchmarkRedact(b *testing.B) {
	var r redact.Redactor
	for _, bc := range []struct{ name, in string }{
		{"question-200B-clean", "My patient is 72 and has had chest pain for 20 minutes with sweating. BP 90/60, HR 110, SpO2 92% on air, NEWS2 score of 7. What should I do first and when should I call 2222?"},
		{"question-200B-pii", "Mr John Smith (DOB 01/02/1960, NHS 999 000 0018) lives at M1 1AE, mobile 07700 900123. He has chest pain with sweating, BP 90/60. What should I do first, and who do I call?"},
		{"adversarial-1MiB-mixed", adversarial(1 << 20)["mixed"]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				r.Redact(bc.in)
			}
		})
	}
}

func TestBenchmarkInputsAreTypical(t *testing.T) {
	// Keep the "200B" benchmark names honest.
	for _, s := range []string{
		"My patient is 72 and has had chest pain for 20 minutes with sweating. BP 90/60, HR 110, SpO2 92% on air, NEWS2 score of 7. What should I do first and when should I call 2222?",
		"Mr John Smith (DOB 01/02/1960, NHS 999 000 0018) lives at M1 1AE, mobile 07700 900123. He has chest pain with sweating, BP 90/60. What should I do first, and who do I call?",
	} {
		if n := len(s); n < 170 || n > 230 {
			t.Errorf("len(%q) = %d; want about 200", s, n)
		}
	}
}

func TestConcurrentRedact(t *testing.T) {
	r := &redact.Redactor{StopWords: []string{"flexiseal"}}
	done := make(chan string)
	for range 8 {
		go func() {
			var b strings.Builder
			for _, tc := range redactTests {
				b.WriteString(r.Redact(tc.in).Text)
			}
			done <- b.String()
		}()
	}
	first := <-done
	for range 7 {
		if got := <-done; got != first {
			t.Error("concurrent Redact results differ")
		}
	}
}

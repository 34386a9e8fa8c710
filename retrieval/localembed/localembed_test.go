package localembed_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/localembed"
)

var (
	_ retrieval.Embedder      = (*localembed.Embedder)(nil)
	_ retrieval.QueryEmbedder = (*localembed.Embedder)(nil)
)

func newEmbedder(tb testing.TB, opts localembed.Options) *localembed.Embedder {
	tb.Helper()
	e, err := localembed.New(opts)
	if err != nil {
		tb.Fatalf("New(%+v) = %v", opts, err)
	}
	return e
}

func embed(tb testing.TB, e *localembed.Embedder, texts ...string) [][]float32 {
	tb.Helper()
	vs, err := e.Embed(context.Background(), texts)
	if err != nil {
		tb.Fatalf("Embed(%q) = %v", texts, err)
	}
	if len(vs) != len(texts) {
		tb.Fatalf("Embed(%d texts) returned %d vectors", len(texts), len(vs))
	}
	return vs
}

func embedQuery(tb testing.TB, e *localembed.Embedder, text string) []float32 {
	tb.Helper()
	v, err := e.EmbedQuery(context.Background(), text)
	if err != nil {
		tb.Fatalf("EmbedQuery(%q) = %v", text, err)
	}
	return v
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestNew(t *testing.T) {
	tests := []struct {
		opts    localembed.Options
		dim     int
		model   string
		wantErr bool
	}{
		{opts: localembed.Options{}, dim: 384, model: "bedside-local-v1/384"},
		{opts: localembed.Options{Dim: 768}, dim: 768, model: "bedside-local-v1/768"},
		{opts: localembed.Options{Symmetric: true}, dim: 384, model: "bedside-local-v1/384/symmetric"},
		{opts: localembed.Options{Dim: 2}, dim: 2, model: "bedside-local-v1/2"},
		{opts: localembed.Options{Dim: localembed.MaxDim}, dim: localembed.MaxDim, model: fmt.Sprintf("bedside-local-v1/%d", localembed.MaxDim)},
		{opts: localembed.Options{Dim: -1}, wantErr: true},
		{opts: localembed.Options{Dim: 1}, wantErr: true},
		{opts: localembed.Options{Dim: localembed.MaxDim + 1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.opts), func(t *testing.T) {
			e, err := localembed.New(tt.opts)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("New(%+v) = %v, nil; want an error", tt.opts, e.Model())
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%+v) = %v", tt.opts, err)
			}
			if got := e.Model(); got != tt.model {
				t.Errorf("Model() = %q; want %q", got, tt.model)
			}
			if got := e.Dim(); got != tt.dim {
				t.Errorf("Dim() = %d; want %d", got, tt.dim)
			}
			for _, v := range append(embed(t, e, "Sepsis in adults: give antibiotics within one hour."),
				embedQuery(t, e, "sepsis antibiotics")) {
				if len(v) != tt.dim {
					t.Errorf("len(vector) = %d; want %d", len(v), tt.dim)
				}
			}
		})
	}
}

// golden pins the vectors of a few texts, bit for bit. If it fails after a
// deliberate change to features, weights or tables, bump version in
// localembed.go and update the sums: stored vectors of the old scheme must
// not be mixed with new ones.
func TestGolden(t *testing.T) {
	texts := []string{
		"",
		"Sepsis",
		"What are the symptoms of hypoglycaemia in type 2 diabetes (T2DM)?",
		"Acute kidney injury (AKI) is a sudden reduction in kidney function. Check the NEWS2 score, BP and SpO2 every hour; escalate if the patient deteriorates.",
	}
	want := map[string]string{
		"passage/384":           "bfe6386972cca2d8",
		"query/384":             "f1e2b137dcd2032a",
		"passage/384/symmetric": "95394cc914454715",
	}
	got := make(map[string]string)
	for _, sym := range []bool{false, true} {
		e := newEmbedder(t, localembed.Options{Symmetric: sym})
		kind := "passage/384"
		if sym {
			kind += "/symmetric"
		}
		got[kind] = checksum(embed(t, e, texts...))
		if !sym {
			var qs [][]float32
			for _, q := range texts {
				qs = append(qs, embedQuery(t, e, q))
			}
			got["query/384"] = checksum(qs)
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("checksum of %s vectors = %q; want %q", k, got[k], w)
		}
	}
}

func checksum(vs [][]float32) string {
	h := fnv.New64a()
	for _, v := range vs {
		for _, x := range v {
			b := math.Float32bits(x)
			h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)})
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

func TestDeterministic(t *testing.T) {
	texts := []string{
		"Hypertension (high blood pressure) raises the risk of stroke and MI.",
		"Paediatric sepsis: recognise the signs early.",
		"",
		strings.Repeat("Diabetic ketoacidosis needs fluids and insulin. ", 40),
	}
	for _, opts := range []localembed.Options{{}, {Symmetric: true}, {Dim: 1000}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			a := embed(t, newEmbedder(t, opts), texts...)
			e := newEmbedder(t, opts)
			for i, text := range texts {
				b := embed(t, e, text)[0]
				if !sameBits(a[i], b) {
					t.Errorf("Embed(%q) differs between calls", text)
				}
				q1, q2 := embedQuery(t, e, text), embedQuery(t, newEmbedder(t, opts), text)
				if !sameBits(q1, q2) {
					t.Errorf("EmbedQuery(%q) differs between calls", text)
				}
			}
		})
	}
}

func TestUnitLength(t *testing.T) {
	texts := []string{
		"", "?!", "a", "Asthma",
		"What is the outlook for adults with acute lymphoblastic leukaemia?",
		strings.Repeat("Chronic kidney disease is common in older adults with diabetes. ", 200),
	}
	for _, opts := range []localembed.Options{{}, {Symmetric: true}, {Dim: 2}} {
		e := newEmbedder(t, opts)
		for _, text := range texts {
			for kind, v := range map[string][]float32{"Embed": embed(t, e, text)[0], "EmbedQuery": embedQuery(t, e, text)} {
				if n := math.Sqrt(dot(v, v)); math.Abs(n-1) > 1e-5 {
					t.Errorf("%+v: |%s(%.20q)| = %v; want 1", opts, kind, text, n)
				}
			}
		}
	}
}

func TestEmpty(t *testing.T) {
	e := newEmbedder(t, localembed.Options{})
	empty := embed(t, e, "")[0]
	for _, text := range []string{"   ", "?!", "\n\t", "— … —"} {
		if v := embed(t, e, text)[0]; !sameBits(v, empty) {
			t.Errorf("Embed(%q) differs from Embed(\"\"); want the same fixed vector", text)
		}
	}
	vs, err := e.Embed(context.Background(), nil)
	if err != nil || len(vs) != 0 {
		t.Errorf("Embed(nil) = %d vectors, %v; want 0, nil", len(vs), err)
	}
}

// TestSimilar checks that a question is closer to a passage that names its
// subject by a synonym, abbreviation or lay term than to an unrelated one.
func TestSimilar(t *testing.T) {
	tests := []struct{ query, near, far string }{
		{"heart attack", "myocardial infarction", "asthma"},
		{"MI", "myocardial infarction", "multiple sclerosis"},
		{"AKI", "acute kidney injury", "hip fracture"},
		{"high blood pressure", "hypertension", "migraine"},
		{"low blood sugar", "hypoglycaemia", "glaucoma"},
		{"sugar", "glucose", "sodium"},
		{"DVT", "deep vein thrombosis", "urinary tract infection"},
		{"PE", "pulmonary embolism", "cellulitis"},
		{"VTE prophylaxis", "preventing venous thromboembolism", "treating depression"},
		{"SpO2", "oxygen saturation", "blood glucose"},
		{"NEWS2", "National Early Warning Score", "Glasgow Coma Scale"},
		{"shortness of breath", "dyspnoea", "constipation"},
		{"kidney failure", "renal failure", "heart failure"},
		{"stroke", "cerebrovascular accident", "gout"},
		{"T2DM", "type 2 diabetes", "type 1 hypersensitivity"},
		{"DKA", "diabetic ketoacidosis", "alcohol withdrawal"},
		{"COPD", "chronic obstructive pulmonary disease", "coronary artery disease"},
		{"CKD", "chronic kidney disease", "chronic liver disease"},
		{"UTI", "urinary tract infection", "upper respiratory tract infection"},
		{"BP", "blood pressure", "body temperature"},
		{"paracetamol", "acetaminophen", "amoxicillin"},
		{"adrenaline", "epinephrine", "insulin"},
		{"water tablets", "diuretics", "antibiotics"},
		{"blood thinner", "anticoagulant", "antihistamine"},
		{"ALL", "acute lymphoblastic leukemia", "chronic myeloid leukemia"},
		{"kidney", "renal", "hepatic"},
		{"diabetic", "diabetes mellitus", "asthma"},
		{"hypoglycemia", "hypoglycaemic", "anaemia"}, // spelling and morphology
		{"outlook", "prognosis", "diagnosis"},
	}
	for _, opts := range []localembed.Options{{}, {Symmetric: true}} {
		e := newEmbedder(t, opts)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%+v/%s", opts, tt.query), func(t *testing.T) {
				q := embedQuery(t, e, tt.query)
				vs := embed(t, e, tt.near, tt.far)
				near, far := dot(q, vs[0]), dot(q, vs[1])
				if near <= far {
					t.Errorf("sim(%q, %q) = %.3f <= sim(%q, %q) = %.3f; want greater",
						tt.query, tt.near, near, tt.query, tt.far, far)
				}
			})
		}
	}
}

// TestSpelling checks that British and American spellings give the same
// vector.
func TestSpelling(t *testing.T) {
	pairs := [][2]string{
		{"haemorrhage", "hemorrhage"},
		{"hypoglycaemia", "hypoglycemia"},
		{"anaemia and leukaemia", "anemia and leukemia"},
		{"oedema", "edema"},
		{"oesophageal varices", "esophageal varices"},
		{"anaesthesia", "anesthesia"},
		{"paediatric", "pediatric"},
		{"orthopaedic surgery", "orthopedic surgery"},
		{"gynaecology", "gynecology"},
		{"haemoglobin", "hemoglobin"},
		{"diarrhoea", "diarrhea"},
		{"foetal distress", "fetal distress"},
		{"oestrogen", "estrogen"},
		{"coeliac disease", "celiac disease"},
		{"aetiology", "etiology"},
		{"tumour", "tumor"},
		{"behavioural therapy", "behavioral therapy"},
		{"randomised controlled trial", "randomized controlled trial"},
		{"hospitalised patients", "hospitalized patients"},
		{"immunisation", "immunization"},
		{"catheterisation", "catheterization"},
		{"sulphonylurea", "sulfonylurea"},
		{"5 millilitres", "5 milliliters"},
		{"dialysis centre", "dialysis center"},
		{"ageing", "aging"},
		{"analysed", "analyzed"},
	}
	e := newEmbedder(t, localembed.Options{Symmetric: true})
	for _, p := range pairs {
		vs := embed(t, e, p[0], p[1])
		if !sameBits(vs[0], vs[1]) {
			t.Errorf("Embed(%q) != Embed(%q); want the same vector (similarity %.3f)", p[0], p[1], dot(vs[0], vs[1]))
		}
	}
}

func TestBatchMatchesSingle(t *testing.T) {
	e := newEmbedder(t, localembed.Options{})
	var texts []string
	for i := range 100 {
		texts = append(texts, fmt.Sprintf("Passage %d about sepsis, AKI and NEWS2 escalation number %d.", i, i*i))
	}
	batch := embed(t, e, texts...)
	for i, text := range texts {
		if one := embed(t, e, text)[0]; !sameBits(one, batch[i]) {
			t.Errorf("Embed(batch)[%d] differs from Embed(%q)", i, text)
		}
	}
}

func TestConcurrent(t *testing.T) {
	e := newEmbedder(t, localembed.Options{})
	texts := []string{
		"Heart failure with reduced ejection fraction.",
		"Community-acquired pneumonia: CURB-65.",
		"Hypoglycaemia in adults with diabetes.",
		"",
	}
	want := embed(t, e, texts...)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				got, err := e.Embed(context.Background(), texts)
				if err != nil {
					errs <- err.Error()
					return
				}
				for i := range texts {
					if !sameBits(got[i], want[i]) {
						errs <- fmt.Sprintf("goroutine %d: Embed(%q) differs", g, texts[i])
						return
					}
				}
				if _, err := e.EmbedQuery(context.Background(), texts[g%len(texts)]); err != nil {
					errs <- err.Error()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

func TestCancelled(t *testing.T) {
	e := newEmbedder(t, localembed.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Embed(ctx, []string{"sepsis"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Embed(cancelled ctx) = %v; want context.Canceled", err)
	}
	if _, err := e.EmbedQuery(ctx, "sepsis"); !errors.Is(err, context.Canceled) {
		t.Errorf("EmbedQuery(cancelled ctx) = %v; want context.Canceled", err)
	}
	// A batch cancelled while it runs stops between texts.
	texts := make([]string, 5000)
	for i := range texts {
		texts[i] = strings.Repeat("Acute kidney injury and sepsis. ", 50)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go cancel()
	if vs, err := e.Embed(ctx, texts); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Embed(ctx cancelled mid-batch) = %v; want nil or context.Canceled", err)
	} else if err != nil && vs != nil {
		t.Errorf("Embed(ctx cancelled mid-batch) returned vectors with error %v", err)
	}
}

func BenchmarkEmbed(b *testing.B) {
	// Passages of about 200 words, the size of a default chunk.
	base := "Adults with suspected sepsis should be assessed with the NEWS2 score. " +
		"If the score is 5 or more, or any single parameter scores 3, escalate to a clinician " +
		"with competence in assessing acutely ill patients. Take blood cultures, measure lactate " +
		"and start broad-spectrum antibiotics within one hour. Give intravenous fluids if the " +
		"systolic blood pressure is below 90 mmHg or lactate is above 4 mmol/L. Monitor urine " +
		"output, SpO2 and the level of consciousness; consider acute kidney injury (AKI) if " +
		"output falls. Paediatric patients need age-specific thresholds and early senior review. "
	texts := make([]string, 256)
	for i := range texts {
		texts[i] = fmt.Sprintf("Guideline %d section %d\n%s%s", i, i%7, base, base[:len(base)/(1+i%3)])
	}
	var size int64
	for _, t := range texts {
		size += int64(len(t))
	}
	for _, opts := range []localembed.Options{{}, {Dim: 1536}} {
		b.Run(fmt.Sprintf("dim=%d", max(opts.Dim, localembed.DefaultDim)), func(b *testing.B) {
			e := newEmbedder(b, opts)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Embed(context.Background(), texts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("query", func(b *testing.B) {
		e := newEmbedder(b, localembed.Options{})
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.EmbedQuery(context.Background(), "What are the signs of sepsis in adults?"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestTypos checks that character n-grams find a misspelt word among
// others. Single words are the hardest case for hashed features (a word has
// few features, and collisions with unrelated ones are as strong as its
// n-grams), so this asserts a rate rather than every case.
func TestTypos(t *testing.T) {
	typos := [][2]string{
		{"diabetis", "diabetes"}, {"pnuemonia", "pneumonia"}, {"astma", "asthma"},
		{"sepsys", "sepsis"}, {"hypertention", "hypertension"}, {"hypoglycemea", "hypoglycemia"},
		{"anaphylaxsis", "anaphylaxis"}, {"meningitus", "meningitis"}, {"appendisitis", "appendicitis"},
		{"arthritus", "arthritis"}, {"epilepsey", "epilepsy"}, {"bronchitus", "bronchitis"},
		{"cirhosis", "cirrhosis"}, {"dimentia", "dementia"}, {"haemorhage", "haemorrhage"},
		{"osteoperosis", "osteoporosis"}, {"pancreatitus", "pancreatitis"}, {"schizofrenia", "schizophrenia"},
		{"thrombosys", "thrombosis"}, {"tuberclosis", "tuberculosis"}, {"warfarine", "warfarin"},
		{"paracetamole", "paracetamol"}, {"cholesterole", "cholesterol"}, {"gastroenteritus", "gastroenteritis"},
		{"lukemia", "leukemia"}, {"ibuprofin", "ibuprofen"}, {"migrane", "migraine"},
		{"soriasis", "psoriasis"}, {"colonoscapy", "colonoscopy"}, {"endocarditus", "endocarditis"},
	}
	words := make([]string, len(typos))
	for i, p := range typos {
		words[i] = p[1]
	}
	for _, tt := range []struct {
		opts localembed.Options
		min  int // of 30 typos whose word ranks first
	}{
		{localembed.Options{}, 20},
		{localembed.Options{Symmetric: true}, 20},
		{localembed.Options{Dim: 1536}, 26},
	} {
		e := newEmbedder(t, tt.opts)
		vs := embed(t, e, words...)
		found := 0
		var missed []string
		for i, p := range typos {
			q := embedQuery(t, e, p[0])
			best, bestSim := -1, math.Inf(-1)
			for j, v := range vs {
				if s := dot(q, v); s > bestSim {
					best, bestSim = j, s
				}
			}
			if best == i {
				found++
			} else {
				missed = append(missed, p[0]+"→"+words[best])
			}
		}
		t.Logf("%+v: %d of %d typos find their word; missed %v", tt.opts, found, len(typos), missed)
		if found < tt.min {
			t.Errorf("%+v: %d of %d typos find their word; want at least %d", tt.opts, found, len(typos), tt.min)
		}
	}
}

package quiz

import (
	"context"
	"testing"
)

func TestSimilarity(t *testing.T) {
	doses := []string{"150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "5 mg"}
	base := sba("What dose of glucagon should you give intramuscularly?", 1, "0.5 mg", "1 mg", "2 mg", "5 mg", "10 mg")
	for _, tc := range []struct {
		name string
		a, b Item
		dup  bool
	}{
		{"same item", base, base, true},
		{"reworded, same key", base, sba("Which dose of glucagon is given intramuscularly?", 0, "1 mg", "0.25 mg", "3 mg", "6 mg", "12 mg"), true},
		{"reordered options", base, sba("What dose of glucagon should you give intramuscularly?", 0, "1 mg", "0.5 mg", "2 mg", "5 mg", "10 mg"), true},
		{"same threshold asked twice", sba("What serum potassium defines severe hyperkalaemia?", 2, "5.5 mmol/L or more", "6.0 mmol/L or more", "6.5 mmol/L or more", "7.0 mmol/L or more", "7.5 mmol/L or more"),
			sba("Which serum potassium level defines severe hyperkalaemia?", 0, "6.5 mmol/L or more", "5.0 mmol/L or more", "6.0 mmol/L or more", "7.0 mmol/L or more", "8.0 mmol/L or more"), true},
		{"different key value", sba("What serum potassium defines severe hyperkalaemia?", 2, "5.5 mmol/L or more", "6.0 mmol/L or more", "6.5 mmol/L or more", "7.0 mmol/L or more", "7.5 mmol/L or more"),
			sba("What serum potassium defines mild hyperkalaemia?", 0, "5.5 to 5.9 mmol/L", "6.0 to 6.4 mmol/L", "6.5 to 6.9 mmol/L", "5.0 to 5.4 mmol/L", "7.0 to 7.4 mmol/L"), false},
		{"same drug, other question", base, sba("When is glucagon less effective?", 0, "When hypoglycaemia is caused by a sulfonylurea", "After a meal", "In the morning", "With oral glucose", "With insulin"), false},
		{"same topic, other fact", sba("What is the adult dose of intramuscular adrenaline in anaphylaxis?", 2, doses...),
			sba("When should the intramuscular adrenaline dose be repeated if there is no improvement?", 1, "After 1 minute", "After 5 minutes", "After 10 minutes", "After 15 minutes", "After 30 minutes"), false},
		{"unrelated", base, tf("Wash hands with soap and water after caring for a patient with norovirus.", true), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := Similarity(&tc.a, &tc.b)
			if got := sim >= DefaultDuplicateThreshold; got != tc.dup {
				t.Errorf("Similarity(%q, %q) = %.3f; want near-duplicate %t at %.2f", tc.a.Stem, tc.b.Stem, sim, tc.dup, DefaultDuplicateThreshold)
			}
		})
	}
}

// TestSimilarityGeneratedBank checks the threshold against a generated
// bank: no two items written from different sentences are near-duplicates.
func TestSimilarityGeneratedBank(t *testing.T) {
	lib, _ := exampleLibrary(t)
	g := newGenerator(t, lib, Options{})
	res, err := g.Generate(context.Background(), Request{Count: 50})
	if err != nil {
		t.Fatal(err)
	}
	max := 0.0
	for i := range res.Items {
		for j := i + 1; j < len(res.Items); j++ {
			max = maxF(max, Similarity(&res.Items[i], &res.Items[j]))
		}
	}
	t.Logf("largest similarity between two of the %d generated items: %.3f", len(res.Items), max)
	if d := Duplicates(res.Items, nil, 0); len(d) > 0 {
		t.Errorf("generated bank has near-duplicates: %+v", d)
	}
	// Against itself as the existing bank, every item is a duplicate.
	if d := Duplicates(res.Items, res.Items, 0); len(d) != len(res.Items) {
		t.Errorf("Duplicates(bank, bank) found %d; want %d", len(d), len(res.Items))
	}
}

func maxF(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func TestDuplicates(t *testing.T) {
	a := sba("What dose of glucagon should you give intramuscularly?", 1, "0.5 mg", "1 mg", "2 mg", "5 mg", "10 mg")
	a.ID = "q-a"
	b := sba("Which dose of glucagon is given intramuscularly?", 0, "1 mg", "0.25 mg", "3 mg", "6 mg", "12 mg")
	c := tf("Wash hands with soap and water after caring for a patient with norovirus.", true)
	got := Duplicates([]Item{a, c, b}, nil, 0)
	if len(got) != 1 || got[0].Index != 2 || got[0].Other != 0 || got[0].Existing || got[0].OtherID != "q-a" || got[0].OtherStem != a.Stem {
		t.Errorf("Duplicates = %+v; want item 2 against item 0", got)
	}
	got = Duplicates([]Item{c, b}, []Item{a}, 0.5)
	if len(got) != 1 || got[0].Index != 1 || !got[0].Existing || got[0].Other != 0 {
		t.Errorf("Duplicates against existing = %+v; want item 1 against existing item 0", got)
	}
	if got := Duplicates([]Item{a, b}, nil, 0.99); len(got) != 0 {
		t.Errorf("at threshold 0.99: %+v", got)
	}
}

package redflag_test

import (
	"fmt"

	"github.com/bedside-ai/bedside/tutor/redflag"
)

func Example() {
	var d redflag.Detector

	question := "My patient has a UTI and is now confused with a resp rate of 26. What should I do?"
	flags := d.Detect(question)
	for _, f := range flags {
		fmt.Println(f.ID)
		for _, e := range f.Evidence {
			fmt.Printf("  %s: %q\n", e.Concept, question[e.Start:e.End])
		}
	}
	fmt.Print(redflag.Preamble(flags))

	// Educational questions and negated findings raise nothing.
	fmt.Println(len(d.Detect("What are the red flags for sepsis?")))
	fmt.Println(len(d.Detect("He has pneumonia but is not confused; RR 16.")))
	// Output:
	// sepsis
	//   infection: "UTI"
	//   confusion: "confused"
	//   rr-high: "resp rate of 26"
	// Red flag: Possible sepsis: get an urgent senior clinical review now and follow your sepsis pathway; if the person is deteriorating, call 999, or 2222 / your local emergency number in hospital.
	//
	// 0
	// 0
}

func ExampleNew() {
	fall := redflag.Rule{
		ID:     "head-injury-anticoagulant",
		Name:   "Head injury on an anticoagulant",
		Notice: "Head injury on an anticoagulant: follow your falls guideline for an urgent CT head.",
		Concepts: []redflag.Concept{
			{ID: "head-injury", Phrases: []string{"hit|banged|bumped his|her|their head", "head injury"}},
			{ID: "anticoagulant", Phrases: []string{"apixaban|rivaroxaban|edoxaban|dabigatran|warfarin", "anticoagula*"}},
		},
		When: [][]redflag.Need{{{Any: []string{"head-injury"}}, {Any: []string{"anticoagulant"}}}},
	}
	d, err := redflag.New(redflag.Options{Rules: append(redflag.DefaultRules(), fall)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range d.Detect("She fell and banged her head. She takes apixaban.") {
		fmt.Println(f.Name)
	}
	// Output:
	// Head injury on an anticoagulant
}

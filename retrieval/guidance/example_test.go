package guidance_test

import (
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func ExampleLoadFile() {
	docs, err := guidance.LoadFile("testdata/good/sepsis.md")
	if err != nil {
		log.Fatal(err)
	}
	d := docs[0]
	fmt.Println(d.Key(), d.Status, d.Title)
	fmt.Println("in force on 1 June 2025:", d.InForce(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)))
	for _, s := range d.Sections {
		first, _, _ := strings.Cut(s.Text, "\n")
		fmt.Printf("[%s] %s\n", strings.Join(s.Heading, " > "), first)
	}
	// Output:
	// sepsis-adult@3.0 approved Sepsis in adults
	// in force on 1 June 2025: true
	// [] This guideline is an invented example for tests. It is not clinical advice.
	// [Sepsis in adults] Sepsis is life-threatening organ dysfunction caused by a dysregulated host
	// [Sepsis in adults > Recognition] Think "could this be sepsis?" in any adult with signs of infection.
	// [Sepsis in adults > Recognition > Red flags] - Systolic blood pressure 90 mmHg or less
	// [Sepsis in adults > Treatment] Give antibiotics within one hour of recognising high risk.
	// [Sepsis in adults > Fluids] Give a 500 ml crystalloid bolus over less than 15 minutes.
	// [Escalation] Call the critical care outreach team.
}

func ExampleLoader() {
	l := &guidance.Loader{
		// Supply a publisher to files that do not name one.
		Defaults: guidance.Metadata{Publisher: "Bedside Example Trust"},
		OnSkip: func(path, reason string) {
			fmt.Printf("skipped %s: %s\n", path, reason)
		},
	}
	docs, err := l.Load("testdata/good")
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range docs {
		fmt.Printf("%s: %s %s (%s)\n", d.Source, d.Key(), d.Status, d.Publisher)
	}
	// Output:
	// skipped testdata/good/.hidden.md: hidden file
	// skipped testdata/good/notes.docx: unsupported extension .docx
	// skipped testdata/good/orphan.pdf.meta.yaml: sidecar of orphan.pdf, which is not loaded
	// testdata/good/antibiotics.htm: antibiotic-choice@2025.1 draft (Bedside Example Trust)
	// testdata/good/falls.html: falls-prevention@1 approved (Bedside Example Trust)
	// testdata/good/hand-hygiene.txt: hand-hygiene@7 approved (Bedside Example Trust)
	// testdata/good/passages.jsonl:1: p1@1 approved (Bedside Example Trust)
	// testdata/good/passages.jsonl:3: p2@1 approved (Example)
	// testdata/good/passages.jsonl:4: p3@1 draft (Bedside Example Trust)
	// testdata/good/screening.pdf: sepsis-screening@1 approved (Bedside Example Trust)
	// testdata/good/sepsis-v2.md: sepsis-adult@2.1 superseded (Bedside Example Trust)
	// testdata/good/sepsis.md: sepsis-adult@3.0 approved (Bedside Example Trust)
	// testdata/good/sub/pressure-ulcers.markdown: pressure-ulcers@1 approved (Bedside Example Trust)
}

func ExampleError() {
	_, err := guidance.LoadFile("testdata/bad/unknown-status.md")
	fmt.Println(err)
	var ge *guidance.Error
	if errors.As(err, &ge) {
		fmt.Printf("file %s, line %d, field %s\n", ge.File, ge.Line, ge.Field)
	}
	// Output:
	// testdata/bad/unknown-status.md:5: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)
	// file testdata/bad/unknown-status.md, line 5, field status
}

package grounding

import (
	"strings"
	"testing"
)

// benchPassage is a 300-word guidance passage.
const benchPassage = `Adults with suspected sepsis need a structured assessment of their risk of severe illness or death. ` +
	`Use the National Early Warning Score to support clinical judgement, and review the patient within 30 minutes if they meet any high-risk criterion. ` +
	`High-risk criteria include a respiratory rate of 25 breaths per minute or more, a new need for oxygen to keep saturation above 92%, ` +
	`a systolic blood pressure of 90 mmHg or less, a heart rate above 130 beats per minute, and no urine output for 18 hours. ` +
	`Give broad-spectrum antibiotics at the maximum recommended dose within 1 hour of identifying high-risk sepsis. ` +
	`Take blood cultures before giving antibiotics, but do not delay treatment to obtain them. ` +
	`Measure venous lactate; a lactate of 4 mmol/L or more indicates a high risk of death. ` +
	`If the lactate is over 2 mmol/L or the systolic blood pressure is below 90 mmHg, give an intravenous fluid bolus of 500 mL of crystalloid over less than 15 minutes. ` +
	`Reassess the patient after each bolus, and do not give more than 2 litres without senior review. ` +
	`Do not use starch-based solutions or human albumin for initial resuscitation. ` +
	`For pain or fever, paracetamol 1 g can be given every 4 to 6 hours, to a maximum of 4 g in 24 hours; reduce the dose in adults weighing less than 50 kg. ` +
	`Avoid NSAIDs in people with sepsis and acute kidney injury. ` +
	`Monitor the patient at least every 30 minutes until they are stable, and refer to critical care if there is no improvement within 1 hour. ` +
	`Discuss the diagnosis, the treatment plan and the likely course of the illness with the patient and their family or carers. ` +
	`Document the time of recognition, the time antibiotics were given and the source of infection. ` +
	`Review the need for antibiotics every day, and stop them when infection is no longer suspected.`

// benchClaim is a 25-word answer sentence.
const benchClaim = "For adults with high-risk sepsis, broad-spectrum antibiotics should be given at the maximum recommended dose within 1 hour, and blood cultures should be taken first [1]."

func TestBenchSizes(t *testing.T) {
	if n := len(strings.Fields(benchPassage)); n < 290 || n > 320 {
		t.Errorf("benchPassage has %d words; want about 300", n)
	}
	if n := len(strings.Fields(benchClaim)); n < 24 || n > 27 {
		t.Errorf("benchClaim has %d words; want about 25", n)
	}
	var c Checker
	if r := c.Check(benchClaim, benchPassage); !r.Supported() {
		t.Errorf("Check(benchClaim) = %v; want supported", r.Problems)
	}
}

// BenchmarkCheck measures one claim against one passage, including the
// passage's analysis.
func BenchmarkCheck(b *testing.B) {
	var c Checker
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		c.Check(benchClaim, benchPassage)
	}
	reportCPU(b, start)
}

// reportCPU adds the process's CPU time per operation, which a busy
// machine distorts far less than ns/op (wall-clock time).
func reportCPU(b *testing.B, start int64) {
	if end := cpuTime(); start >= 0 && end >= 0 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkCheckAnswer measures a five-sentence answer against three cited
// passages, each analysed once; ns/op is per answer.
func BenchmarkCheckAnswer(b *testing.B) {
	var c Checker
	passages := []string{benchPassage, sepsis, benchPassage[:len(benchPassage)/2]}
	claims := []Claim{
		{Text: benchClaim, Cites: []int{0}},
		{Text: "Paracetamol 1 g can be given every 4–6 hours, up to 4 g in 24 hours.", Cites: []int{0, 1}},
		{Text: "NSAIDs should be avoided in acute kidney injury.", Cites: []int{1}},
		{Text: "Give a 500 mL crystalloid bolus over less than 15 minutes if lactate is over 2 mmol/L.", Cites: []int{0, 2}},
		{Text: "In summary:"},
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		c.CheckAnswer(claims, passages)
	}
	reportCPU(b, start)
}

// BenchmarkCheckAnalysed measures the claim alone against a passage
// analysed beforehand: the cost of each further sentence of an answer in
// CheckAnswer.
func BenchmarkCheckAnalysed(b *testing.B) {
	var c Checker
	docs, idx := []*doc{analyse(benchPassage, 0)}, []int{0}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		c.check(benchClaim, docs, idx)
	}
	reportCPU(b, start)
}

// BenchmarkAnalyse measures the analysis of the 300-word passage alone.
func BenchmarkAnalyse(b *testing.B) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		analyse(benchPassage, 0)
	}
	reportCPU(b, start)
}

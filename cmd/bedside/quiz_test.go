package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/tutor/quiz"
	"github.com/bedside-ai/bedside/tutor/quiz/format"
)

func TestQuizCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"BEDSIDE_STORE": filepath.Join(dir, "g.store")}
	path := func(name string) string { return filepath.Join(dir, name) }

	code, _, errs := runCLI(t, vars, "quiz", "generate", "--guidance", guidanceDir, "-n", "20", "-o", path("bank.json"), "--name", "Example")
	if code != 0 || !strings.Contains(errs, "Made 20 items") || !strings.Contains(errs, "rejected 0") {
		t.Fatalf("quiz generate exit %d:\n%s", code, errs)
	}
	bank := readJSONBank(t, path("bank.json"))
	if len(bank.Items) != 20 || bank.Name != "Example" {
		t.Fatalf("bank has %d items, name %q; want 20 items named Example", len(bank.Items), bank.Name)
	}
	for _, it := range bank.Items {
		if len(it.Citations) == 0 || it.Citations[0].Quote == "" {
			t.Errorf("item %s has no citation", it.ID)
		}
	}

	// JSON on standard output by default, with the topic and type flags.
	code, out, errs := runCLI(t, vars, "quiz", "generate", "--topic", "naloxone opioid toxicity", "-n", "3", "--types", "sba,truefalse", "--doc", "opioid-toxicity-naloxone")
	if code != 0 || !strings.Contains(out, `"Items"`) && !strings.Contains(out, `"items"`) {
		t.Errorf("quiz generate to stdout exit %d: %s\n%s", code, errs, out)
	}

	code, out, _ = runCLI(t, vars, "quiz", "lint", path("bank.json"))
	if code != 0 || !strings.Contains(out, "Items: 20;") || !strings.Contains(out, "with errors") {
		t.Errorf("quiz lint exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, vars, "quiz", "lint", "-rules")
	if code != 0 || !strings.Contains(out, "longest-option-is-key") || !strings.Contains(out, "k-type") {
		t.Errorf("quiz lint -rules exit %d:\n%s", code, out)
	}

	// Export to every format (Aiken carries single-answer items only).
	for _, name := range []string{"bank.xml", "bank.gift", "bank.zip", "bank.qti30.zip", "bank.csv", "out.json"} {
		code, _, errs = runCLI(t, vars, "quiz", "export", path("bank.json"), path(name))
		if code != 0 || !strings.Contains(errs, "Wrote 20 items") {
			t.Errorf("quiz export %s exit %d:\n%s", name, code, errs)
		}
		if st, err := os.Stat(path(name)); err != nil || st.Size() == 0 {
			t.Errorf("quiz export %s wrote nothing: %v", name, err)
		}
	}
	if code, _, errs = runCLI(t, vars, "quiz", "export", path("bank.json"), path("bank.aiken")); code == 0 || !strings.Contains(errs, "aiken cannot carry") {
		t.Errorf("quiz export aiken exit %d; want a refusal naming the items:\n%s", code, errs)
	}
	if _, err := os.Stat(path("bank.aiken")); err == nil {
		t.Error("a refused export left a file behind")
	}
	if code, _, errs = runCLI(t, vars, "quiz", "export", "--skip-unsupported", path("bank.json"), path("bank.aiken")); code != 0 || !strings.Contains(errs, "skipped") {
		t.Errorf("quiz export --skip-unsupported aiken exit %d:\n%s", code, errs)
	}

	// Import a Moodle file back and compare with the bank: all duplicates.
	code, _, errs = runCLI(t, vars, "quiz", "import", path("bank.xml"), "--existing", path("bank.json"), "-o", path("imported.json"))
	if code != 0 || !strings.Contains(errs, "Imported 20 items; 20 near-duplicates") {
		t.Errorf("quiz import exit %d:\n%s", code, errs)
	}
	for _, it := range readJSONBank(t, path("imported.json")).Items {
		if it.Generator == "" || it.Created.IsZero() || it.ID == "" {
			t.Errorf("imported item lacks provenance: %+v", it)
		}
	}

	code, _, errs = runCLI(t, vars, "quiz", "review", path("bank.json"), "-o", path("review.html"))
	page, err := os.ReadFile(path("review.html"))
	if code != 0 || err != nil || !bytes.Contains(page, []byte("<html")) {
		t.Errorf("quiz review exit %d (%v):\n%s", code, err, errs)
	}

	// Guidance changes: withdraw a cited document.
	code, out, _ = runCLI(t, vars, "quiz", "check", path("bank.json"))
	if code != 0 || !strings.Contains(out, "Checked 20 items: 0 rest on guidance no longer in force") {
		t.Errorf("quiz check before changes exit %d:\n%s", code, out)
	}
	cited := bank.Items[0].Citations[0].DocumentID
	if code, _, errs = runCLI(t, vars, "docs", "withdraw", cited); code != 0 {
		t.Fatalf("docs withdraw: %s", errs)
	}
	code, out, errs = runCLI(t, vars, "quiz", "check", path("bank.json"), "-o", path("checked.json"), "-regenerate")
	if code != 1 || !strings.Contains(out, "source-withdrawn") || !strings.Contains(out, "not replaced") || !strings.Contains(errs, "need review") {
		t.Errorf("quiz check after withdrawing %s exit %d:\n%s\n%s", cited, code, out, errs)
	}
	checked := readJSONBank(t, path("checked.json"))
	found := false
	for _, f := range checked.Items[0].Findings {
		found = found || f.Rule == quiz.RuleSourceWithdrawn
	}
	if !found {
		t.Errorf("checked bank item 0 findings %v; want source-withdrawn", checked.Items[0].Findings)
	}

	// A flawed bank fails the lint with exit status 1.
	flawed := quiz.Bank{Items: []quiz.Item{{Type: quiz.SingleBestAnswer, Stem: "Which is not a sign?", Rationale: "r",
		Options: []quiz.Option{{Text: "A"}, {Text: "B"}, {Text: "All of the above"}}}}}
	writeJSONBank(t, path("flawed.json"), flawed)
	code, out, errs = runCLI(t, vars, "quiz", "lint", path("flawed.json"))
	if code != 1 || !strings.Contains(out, "no-key") || !strings.Contains(errs, "1 of 1 items have errors") {
		t.Errorf("quiz lint of a flawed bank exit %d:\n%s\n%s", code, out, errs)
	}
	// Items with errors are not exported to Moodle.
	if code, _, errs = runCLI(t, vars, "quiz", "export", path("flawed.json"), path("flawed.xml")); code == 0 {
		t.Errorf("export of an item with errors succeeded:\n%s", errs)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"quiz", "generate", "--types", "essay"},
		{"quiz", "lint"},
		{"quiz", "lint", "-balance", path("bank.json")},
		{"quiz", "check", path("bank.json"), "-regenerate"},
		{"quiz", "export", path("bank.json")},
		{"quiz", "export", "--format", "docx", path("bank.json"), path("x.docx")},
		{"quiz", "lint", path("bank.txt")},
	} {
		if code, _, errs := runCLI(t, vars, args...); code != 2 {
			t.Errorf("%v exit %d; want 2 (usage):\n%s", args, code, errs)
		}
	}
}

func readJSONBank(t *testing.T, path string) quiz.Bank {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := format.Decode(f, format.JSON)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return b
}

func writeJSONBank(t *testing.T, path string, b quiz.Bank) {
	t.Helper()
	var buf bytes.Buffer
	if err := format.Encode(&buf, format.JSON, b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/internal/pgtest"
)

// runCLI runs the command line with the given environment variables.
func runCLI(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &environment{
		stdin:  strings.NewReader(vars["STDIN"]),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string { return vars[k] },
	}
	code = run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

const guidanceDir = "../../examples/guidance"

func TestAskOfflineEmbedded(t *testing.T) {
	store := filepath.Join(t.TempDir(), "g.store")
	vars := map[string]string{"BEDSIDE_STORE": store}
	code, out, errs := runCLI(t, vars, "ask", "--guidance", guidanceDir, "What dose of adrenaline is given IM for anaphylaxis in adults?")
	if code != 0 {
		t.Fatalf("ask exit %d: %s", code, errs)
	}
	for _, want := range []string{"500 micrograms IM", "[1]", "Sources:", "anaphylaxis-adult v1.3", "Extractive answer", "For learning only"} {
		if !strings.Contains(out, want) {
			t.Errorf("ask output lacks %q:\n%s", want, out)
		}
	}
	// Superseded guidance is never cited.
	code, out, _ = runCLI(t, vars, "ask", "How quickly should antibiotics be given when the NEWS2 score is 5?")
	if code != 0 || strings.Contains(out, "sepsis-adult v2.0") || !strings.Contains(out, "sepsis-adult v3.0") {
		t.Errorf("antibiotics answer (exit %d) cites the superseded version or not the current one:\n%s", code, out)
	}
	// An off-topic question is refused.
	code, out, _ = runCLI(t, vars, "ask", "What is the capital of France?")
	if code != 0 || !strings.Contains(out, "does not cover") {
		t.Errorf("off-topic question (exit %d) was not refused:\n%s", code, out)
	}
	// The store persisted: docs lists the governance states.
	code, out, _ = runCLI(t, vars, "docs", "list")
	if code != 0 {
		t.Fatalf("docs list exit %d", code)
	}
	for _, want := range []string{"sepsis-adult  3.0", "superseded", "withdrawn", "draft", "(overdue)"} {
		if !strings.Contains(strings.Join(strings.Fields(out), "  "), strings.Join(strings.Fields(want), "  ")) && !strings.Contains(out, want) {
			t.Errorf("docs list lacks %q:\n%s", want, out)
		}
	}
}

func TestSearchAndDocsLifecycle(t *testing.T) {
	store := filepath.Join(t.TempDir(), "g.store")
	vars := map[string]string{"BEDSIDE_STORE": store}
	if code, _, errs := runCLI(t, vars, "ingest", guidanceDir); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}
	code, out, _ := runCLI(t, vars, "ingest", guidanceDir)
	if code != 0 || !strings.Contains(out, "0 written, 18 unchanged") || !strings.Contains(out, "0 embedded") {
		t.Errorf("re-ingest output = %q; want everything unchanged and nothing embedded", out)
	}
	code, out, _ = runCLI(t, vars, "search", "-k", "2", "--mode", "lexical", "glucagon dose hypoglycaemia")
	if code != 0 || !strings.Contains(out, "hypoglycaemia-adult") || !strings.Contains(out, "lexical #1") {
		t.Errorf("search output:\n%s", out)
	}
	if code, out, _ = runCLI(t, vars, "docs", "withdraw", "hypoglycaemia-adult"); code != 0 || !strings.Contains(out, "withdrawn") {
		t.Errorf("docs withdraw: exit %d %q", code, out)
	}
	code, out, _ = runCLI(t, vars, "search", "--doc", "hypoglycaemia-adult", "glucagon")
	if code != 0 || !strings.Contains(out, "No approved, in-force guidance matched") {
		t.Errorf("search after withdrawal:\n%s", out)
	}
	if code, _, _ = runCLI(t, vars, "docs", "approve", "delirium-4at", "0.3", "--by", "Older People Group"); code != 0 {
		t.Errorf("docs approve exit %d", code)
	}
	code, out, _ = runCLI(t, vars, "search", "--doc", "delirium-4at", "-k", "1", "delirium assessment")
	if code != 0 || !strings.Contains(out, "delirium-4at") {
		t.Errorf("approved draft is not searchable:\n%s", out)
	}
	if code, _, errs := runCLI(t, vars, "docs", "approve", "hypoglycaemia-adult", "2.0"); code != 1 || !strings.Contains(errs, "cannot change status from withdrawn to approved") {
		t.Errorf("re-approving withdrawn guidance: exit %d, %q", code, errs)
	}
}

func TestErrorsAreOneClearLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.md")
	os.WriteFile(bad, []byte("---\nid: x\nversion: \"1\"\nstatus: aproved\ntitle: X\n---\n# X\n"), 0o644)
	vars := map[string]string{"BEDSIDE_STORE": filepath.Join(dir, "s.store")}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ingest", bad}, 1, `bad.md:4: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)`},
		{[]string{"search"}, 2, "search: give a query"},
		{[]string{"search", "--mode", "semantic", "x"}, 2, `-mode: unknown search mode "semantic"`},
		{[]string{"frobnicate"}, 2, `unknown command "bedside frobnicate"`},
		{[]string{"ask", "--mode", "diagnose", "x"}, 2, `-mode: unknown mode "diagnose"`},
		{[]string{"ask", "--model", "gpt-4o-mini", "x"}, 2, "needs $OPENAI_API_KEY"},
		{[]string{"docs", "delete", "nope"}, 1, "not found"},
	}
	for _, tt := range tests {
		code, _, errs := runCLI(t, vars, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("bedside %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errs, tt.code, tt.want)
		}
		if lines := strings.Count(strings.TrimSpace(errs), "\n"); tt.code == 1 && lines > 0 {
			t.Errorf("bedside %v: error spans %d lines:\n%s", tt.args, lines+1, errs)
		}
	}
}

func TestAskOfflinePostgres(t *testing.T) {
	url := pgtest.URL(t)
	tenant := fmt.Sprintf("cli-test-%d", rand.Uint32())
	vars := map[string]string{"BEDSIDE_STORE": url, "BEDSIDE_TENANT": tenant}
	code, out, errs := runCLI(t, vars, "ask", "--guidance", guidanceDir, "What dose of adrenaline is given IM for anaphylaxis in adults?")
	if code != 0 {
		t.Fatalf("ask on PostgreSQL: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "500 micrograms IM") || !strings.Contains(out, "anaphylaxis-adult v1.3") {
		t.Errorf("ask on PostgreSQL:\n%s", out)
	}
	t.Cleanup(func() {
		ids := []string{}
		_, list, _ := runCLI(t, vars, "docs", "list", "--json")
		for _, line := range strings.Split(list, "\n") {
			if strings.Contains(line, `"ID":`) {
				ids = append(ids, strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), `"ID":`)), `",`))
			}
		}
		for _, id := range ids {
			runCLI(t, vars, "docs", "delete", id)
		}
	})
}

// TestHelpListsFlags checks that every command's -h (and "help <command>")
// prints its usage line once and documents its flags.
func TestHelpListsFlags(t *testing.T) {
	for _, args := range [][]string{
		{"ask", "-h"},
		{"help", "ask"},
		{"eval", "retrieval", "-h"},
		{"quiz", "generate", "--help"},
	} {
		code, out, errs := runCLI(t, nil, args...)
		if code != 0 {
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
		if n := strings.Count(out, "Usage: bedside"); n != 1 {
			t.Errorf("%q: usage printed %d times, want 1:\n%s", args, n, out)
		}
		if !strings.Contains(out, "\n  -") {
			t.Errorf("%q: no flags listed:\n%s", args, out)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/tutor/quiz"
	"github.com/bedside-ai/bedside/tutor/quiz/format"
	"github.com/bedside-ai/bedside/tutor/quiz/review"
)

func quizCommand() *command {
	return &command{
		name:    "quiz",
		summary: "write, lint, check, export, import and review question banks",
		sub: []*command{
			{name: "generate", summary: "write items from approved guidance (offline rules, or a model with -model)", usage: "[flags]", run: runQuizGenerate},
			{name: "lint", summary: "check banks for grounding, structure and item-writing flaws", usage: "[flags] BANK...", run: runQuizLint},
			{name: "check", summary: "flag items whose guidance was superseded, withdrawn or changed; rewrite them", usage: "[flags] BANK", run: runQuizCheck},
			{name: "export", summary: "write a bank as Moodle XML, GIFT, Aiken, QTI, CSV or JSON (linted first)", usage: "[flags] BANK OUT", run: runQuizExport},
			{name: "import", summary: "read banks (Moodle XML, GIFT, Aiken, CSV, JSON) to lint and de-duplicate them", usage: "[flags] FILE...", run: runQuizImport},
			{name: "review", summary: "write a self-contained HTML page for reviewing a bank", usage: "[flags] BANK", run: runQuizReview},
		},
	}
}

// readBank reads a bank in the format its file name says ("-" is JSON on
// standard input).
func readBank(env *environment, path string, skip bool) (quiz.Bank, []format.Skip, error) {
	f, r, err := openIn(env, path)
	if err != nil {
		return quiz.Bank{}, nil, err
	}
	if c, ok := r.(io.Closer); ok && r != env.stdin {
		defer c.Close()
	}
	b, res, err := format.DecodeWith(r, f, format.DecodeOptions{SkipUnsupported: skip})
	if err != nil {
		return quiz.Bank{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, res.Skipped, nil
}

func openIn(env *environment, path string) (format.Format, io.Reader, error) {
	if path == "-" {
		return format.JSON, env.stdin, nil
	}
	f, err := format.FormatFor(path)
	if err != nil {
		return "", nil, usagef("%v", err)
	}
	if !f.CanDecode() {
		return "", nil, usagef("%s: %s files are written, not read", path, f)
	}
	file, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	return f, file, nil
}

// readBanks reads several banks into one.
func readBanks(env *environment, paths []string, skip bool) (quiz.Bank, error) {
	var out quiz.Bank
	for _, p := range paths {
		b, skipped, err := readBank(env, p, skip)
		if err != nil {
			return quiz.Bank{}, err
		}
		for _, s := range skipped {
			fmt.Fprintf(env.stderr, "bedside: %s: skipped %s\n", p, s)
		}
		if out.Name == "" {
			out.Name = b.Name
		}
		out.Items = append(out.Items, b.Items...)
	}
	return out, nil
}

// writeBank writes a bank to path in the format its name says, or as JSON
// to standard output for "" or "-". A file is written whole or not at all.
func writeBank(env *environment, path string, fm format.Format, b quiz.Bank, opts format.EncodeOptions) (format.Result, error) {
	if path == "" || path == "-" {
		if fm == "" {
			fm = format.JSON
		}
		return format.EncodeWith(env.stdout, fm, b, opts)
	}
	if fm == "" {
		var err error
		if fm, err = format.FormatFor(path); err != nil {
			return format.Result{}, usagef("%v", err)
		}
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".bedside-quiz-*")
	if err != nil {
		return format.Result{}, err
	}
	defer os.Remove(tmp.Name())
	res, err := format.EncodeWith(tmp, fm, b, opts)
	if err != nil {
		tmp.Close()
		return res, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return res, err
	}
	if err := tmp.Close(); err != nil {
		return res, err
	}
	return res, os.Rename(tmp.Name(), path)
}

// existingFlag lists banks to compare with for near-duplicates.
func readExisting(env *environment, paths []string) ([]quiz.Item, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	b, err := readBanks(env, paths, true)
	return b.Items, err
}

func parseTypes(s string) ([]quiz.Type, error) {
	var out []quiz.Type
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		t := quiz.Type(p)
		if !t.Valid() {
			return nil, usagef("-types: unknown type %q (want sba, vignette, mcq, truefalse, short)", p)
		}
		out = append(out, t)
	}
	return out, nil
}

func parseBlooms(s string) []quiz.Bloom {
	var out []quiz.Bloom
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, quiz.Bloom(p))
		}
	}
	return out
}

// lintFlags configure the linter.
type lintFlags struct {
	existing  stringList
	disable   stringList
	threshold float64
}

func (l *lintFlags) register(fs *flag.FlagSet) {
	fs.Var(&l.existing, "existing", "an existing bank to check for near-duplicates against (repeatable)")
	fs.Var(&l.disable, "disable", "a lint rule not to run (repeatable; see 'bedside quiz lint -rules')")
	fs.Float64Var(&l.threshold, "duplicate-threshold", quiz.DefaultDuplicateThreshold, "similarity from which two items are near-duplicates (0 to 1)")
}

func (l *lintFlags) linter(env *environment) (quiz.Linter, error) {
	existing, err := readExisting(env, l.existing)
	if err != nil {
		return quiz.Linter{}, err
	}
	lt := quiz.Linter{Disable: l.disable, Existing: existing, DuplicateThreshold: l.threshold}
	if _, err := lt.Lint(nil); err != nil {
		return quiz.Linter{}, usagef("%v", err)
	}
	return lt, nil
}

func runQuizGenerate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "quiz generate", "[flags]")
	var sf storeFlags
	sf.register(fs, env)
	var mf modelFlags
	mf.register(fs, env)
	var lf lintFlags
	lf.register(fs)
	var docs stringList
	fs.Var(&docs, "doc", "write items from this document ID (repeatable; default every document)")
	topic := fs.String("topic", "", "write items from the passages that best match this query")
	count := fs.Int("n", quiz.DefaultCount, "number of items")
	types := fs.String("types", "", "item types, used in turn: sba, vignette, mcq, truefalse, short (default all)")
	difficulty := fs.String("difficulty", "", "preferred difficulty: easy, medium or hard")
	bloom := fs.String("bloom", "", "Bloom levels to aim for, comma-separated (default understand,apply,analyse)")
	k := fs.Int("k", quiz.DefaultK, "passages a -topic query retrieves")
	asOf := fs.String("as-of", "", "use the guidance in force on this date (YYYY-MM-DD)")
	name := fs.String("name", "", "name of the bank (its category in Moodle)")
	out := fs.String("o", "", "write the bank to this file, in the format its extension names (default JSON on standard output)")
	rejected := fs.String("rejected", "", "also write the rejected items, with their findings, to this JSON file")
	seed := fs.Int("seed", -1, "sampling seed sent to the model (default none)")
	guidanceDir := fs.String("guidance", env.getenv("BEDSIDE_GUIDANCE"), "ingest this guidance file or directory first (default $BEDSIDE_GUIDANCE)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("quiz generate: unexpected arguments %q", rest)
	}
	req := quiz.Request{DocumentIDs: docs, Topic: *topic, Count: *count, Difficulty: quiz.Difficulty(*difficulty), Bloom: parseBlooms(*bloom), K: *k}
	if req.Types, err = parseTypes(*types); err != nil {
		return err
	}
	opts := quiz.Options{Tenant: sf.tenant}
	if opts.AsOf, err = parseAsOf(*asOf); err != nil {
		return err
	}
	if *seed >= 0 {
		opts.Seed = seed
	}
	if opts.Linter, err = lf.linter(env); err != nil {
		return err
	}
	if opts.Model, err = mf.open(env); err != nil {
		return err
	}
	lib, closeStore, err := sf.openGuidance(ctx, env, *guidanceDir)
	if err != nil {
		return err
	}
	defer closeStore()
	g, err := quiz.New(lib, opts)
	if err != nil {
		return usagef("%v", err)
	}
	start := time.Now()
	res, err := g.Generate(ctx, req)
	if errors.Is(err, quiz.ErrNoPassages) {
		return fmt.Errorf("%w (ingest guidance with -guidance or 'bedside ingest', and check -doc)", err)
	}
	if err != nil {
		return err
	}
	bank := quiz.Bank{Name: *name, Items: res.Items}
	if _, err := writeBank(env, *out, "", bank, format.EncodeOptions{}); err != nil {
		return err
	}
	if *rejected != "" {
		var rb quiz.Bank
		rb.Name = "rejected"
		for _, r := range res.Rejected {
			if r.Item != nil {
				rb.Items = append(rb.Items, *r.Item)
			}
		}
		if _, err := writeBank(env, *rejected, format.JSON, rb, format.EncodeOptions{}); err != nil {
			return err
		}
	}
	w := env.stderr
	fmt.Fprintf(w, "Made %d items from %d passages in %s; rejected %d.\n", len(res.Items), res.Passages, time.Since(start).Round(time.Millisecond), len(res.Rejected))
	for _, r := range res.Rejected {
		fmt.Fprintf(w, "  rejected (%s): %s\n", or(r.ChunkID, "no passage"), r.Reason)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "Note: %s.\n", n)
	}
	printLintSummary(w, res.Items, quiz.KeyPositions(res.Items))
	if res.Usage.TotalTokens > 0 {
		fmt.Fprintf(w, "Model tokens: %d prompt, %d completion.\n", res.Usage.PromptTokens, res.Usage.CompletionTokens)
	}
	return nil
}

// printLintSummary prints how many items are clean, and the findings by rule.
func printLintSummary(w io.Writer, items []quiz.Item, keys quiz.KeyBalance) {
	errs, warns, clean := 0, 0, 0
	count := make(map[string]int)
	var order []string
	for _, it := range items {
		worst := quiz.Severity("")
		for _, f := range it.Findings {
			if count[f.Rule] == 0 {
				order = append(order, f.Rule)
			}
			count[f.Rule]++
			if f.Severity == quiz.Error || f.Severity == quiz.Warning && worst != quiz.Error {
				worst = f.Severity
			}
		}
		switch worst {
		case quiz.Error:
			errs++
		case quiz.Warning:
			warns++
		case "":
			if len(it.Findings) == 0 {
				clean++
			}
		}
	}
	fmt.Fprintf(w, "Items: %d; %d without findings, %d with warnings, %d with errors.\n", len(items), clean, warns, errs)
	if len(order) > 0 {
		var parts []string
		for _, r := range order {
			parts = append(parts, fmt.Sprintf("%s %d", r, count[r]))
		}
		fmt.Fprintf(w, "Findings: %s.\n", strings.Join(parts, ", "))
	}
	if keys.Items > 0 {
		fmt.Fprintf(w, "Keys of %d %d-option items by position: %v (even: %t).\n", keys.Items, keys.Options, keys.Counts, keys.Even)
	}
}

// printFindings lists the items that have findings.
func printFindings(w io.Writer, items []quiz.Item) {
	for i, it := range items {
		if len(it.Findings) == 0 {
			continue
		}
		id := it.ID
		if id == "" {
			id = quiz.ContentID(&it)
		}
		fmt.Fprintf(w, "%d. %s [%s] %s\n", i+1, id, it.Type, excerpt(it.Stem, 100))
		for _, f := range it.Findings {
			fmt.Fprintf(w, "   %s\n", f)
		}
	}
}

func runQuizLint(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "quiz lint", "[flags] BANK...")
	var lf lintFlags
	lf.register(fs)
	out := fs.String("o", "", "write the bank with its findings (and balanced keys, with -balance) to this file")
	balance := fs.Bool("balance", false, "spread the keys of single-answer items evenly over the positions (written with -o)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	listRules := fs.Bool("rules", false, "list the lint rules and exit")
	skip := fs.Bool("skip-unsupported", false, "leave out questions of kinds Bedside does not model, listing them, instead of failing")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *listRules {
		for _, r := range quiz.Rules() {
			fmt.Fprintf(env.stdout, "%-24s %-8s %s\n", r.Name, r.Severity, r.Description)
		}
		return nil
	}
	if len(rest) == 0 {
		return usagef("quiz lint: give a bank file")
	}
	if *balance && *out == "" {
		return usagef("quiz lint: -balance needs -o to write the balanced bank")
	}
	lt, err := lf.linter(env)
	if err != nil {
		return err
	}
	bank, err := readBanks(env, rest, *skip)
	if err != nil {
		return err
	}
	moved := 0
	if *balance {
		moved, _ = quiz.Balance(bank.Items)
	}
	rep, err := lt.Lint(bank.Items)
	if err != nil {
		return err
	}
	rep.Apply(bank.Items)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printFindings(env.stdout, bank.Items)
		printLintSummary(env.stdout, bank.Items, rep.Keys)
		if *balance {
			fmt.Fprintf(env.stdout, "Balanced the keys of %d items.\n", moved)
		} else if !rep.Keys.Even {
			fmt.Fprintln(env.stdout, "The keys are not spread evenly: run with -balance -o FILE to spread them.")
		}
	}
	if *out != "" {
		if _, err := writeBank(env, *out, "", bank, format.EncodeOptions{}); err != nil {
			return err
		}
	}
	if n := countWithErrors(bank.Items); n > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d items have errors", n, len(bank.Items))}
	}
	return nil
}

func countWithErrors(items []quiz.Item) int {
	n := 0
	for _, it := range items {
		for _, f := range it.Findings {
			if f.Severity == quiz.Error {
				n++
				break
			}
		}
	}
	return n
}

func runQuizCheck(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "quiz check", "[flags] BANK")
	var sf storeFlags
	sf.register(fs, env)
	var mf modelFlags
	mf.register(fs, env)
	asOf := fs.String("as-of", "", "check against the guidance in force on this date (YYYY-MM-DD; default now)")
	out := fs.String("o", "", "write the bank with the findings and updated citations (and new items, with -regenerate) to this file")
	regenerate := fs.Bool("regenerate", false, "write a new item, from the guidance in force, for each item that no longer rests on it (needs -o)")
	guidanceDir := fs.String("guidance", env.getenv("BEDSIDE_GUIDANCE"), "ingest this guidance file or directory first (default $BEDSIDE_GUIDANCE)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("quiz check: give one bank file")
	}
	if *regenerate && *out == "" {
		return usagef("quiz check: -regenerate needs -o to write the new bank")
	}
	var opts quiz.CheckOptions
	opts.Tenant = sf.tenant
	if opts.AsOf, err = parseAsOf(*asOf); err != nil {
		return err
	}
	bank, _, err := readBank(env, rest[0], false)
	if err != nil {
		return err
	}
	model, err := mf.open(env)
	if err != nil {
		return err
	}
	lib, closeStore, err := sf.openGuidance(ctx, env, *guidanceDir)
	if err != nil {
		return err
	}
	defer closeStore()
	checks, err := quiz.Check(ctx, lib.Store(), lib, bank.Items, opts)
	if err != nil {
		return err
	}
	quiz.ApplyChecks(bank.Items, checks)
	stale, moved := 0, 0
	w := env.stdout
	for _, c := range checks {
		if len(c.Findings) == 0 {
			continue
		}
		it := bank.Items[c.Index]
		fmt.Fprintf(w, "%d. %s [%s] %s\n", c.Index+1, c.ID, it.Type, excerpt(it.Stem, 100))
		for _, f := range c.Findings {
			fmt.Fprintf(w, "   %s\n", f)
		}
		if c.Stale {
			stale++
		}
		if c.Citations != nil {
			moved++
		}
	}
	replaced := 0
	if *regenerate && stale > 0 {
		g, err := quiz.New(lib, quiz.Options{Model: model, Tenant: sf.tenant, AsOf: opts.AsOf})
		if err != nil {
			return err
		}
		reps, err := g.Regenerate(ctx, bank.Items, checks)
		if err != nil {
			return err
		}
		for _, r := range reps {
			if r.Item == nil {
				fmt.Fprintf(w, "Item %d (%s) not replaced: %s.\n", r.Index+1, r.OldID, r.Reason)
				continue
			}
			fmt.Fprintf(w, "Item %d (%s) replaced by %s: %s\n", r.Index+1, r.OldID, r.Item.ID, excerpt(r.Item.Stem, 100))
			bank.Items[r.Index] = *r.Item
			replaced++
		}
	}
	fmt.Fprintf(w, "Checked %d items: %d rest on guidance no longer in force or no longer quoted, %d citations updated", len(bank.Items), stale, moved)
	if *regenerate {
		fmt.Fprintf(w, ", %d replaced", replaced)
	}
	fmt.Fprintln(w, ".")
	if *out != "" {
		if _, err := writeBank(env, *out, "", bank, format.EncodeOptions{}); err != nil {
			return err
		}
	}
	if stale > replaced {
		return &exitError{code: 1, err: fmt.Errorf("%d items need review", stale-replaced)}
	}
	return nil
}

// lintForExport runs the linter on a bank before it is written, keeping
// findings of other checks (such as quiz check's).
func lintForExport(items []quiz.Item) *quiz.Report {
	rep := quiz.Validate(items)
	rep.Apply(items)
	return rep
}

func runQuizExport(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "quiz export", "[flags] BANK OUT")
	fm := fs.String("format", "", "output format: moodle, gift, aiken, qti21, qti30, csv or json (default: from OUT's extension)")
	allowErrors := fs.Bool("allow-errors", false, "export items with error findings to formats learners see (by default they are refused)")
	skip := fs.Bool("skip-unsupported", false, "leave out items the format cannot carry, listing them, instead of failing")
	name := fs.String("name", "", "name of the bank (its category in Moodle)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usagef("quiz export: give a bank file and an output file")
	}
	out := format.Format(*fm)
	if out != "" && !out.Valid() {
		return usagef("-format: unknown format %q (want one of %v)", *fm, format.Formats)
	}
	bank, _, err := readBank(env, rest[0], false)
	if err != nil {
		return err
	}
	if *name != "" {
		bank.Name = *name
	}
	lintForExport(bank.Items)
	res, err := writeBank(env, rest[1], out, bank, format.EncodeOptions{AllowErrors: *allowErrors, SkipUnsupported: *skip})
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(env.stderr, "bedside: skipped %s\n", s)
	}
	fmt.Fprintf(env.stderr, "Wrote %d items to %s.\n", res.Items, rest[1])
	printLintSummary(env.stderr, bank.Items, quiz.KeyPositions(bank.Items))
	return nil
}

func runQuizImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "quiz import", "[flags] FILE...")
	var lf lintFlags
	lf.register(fs)
	out := fs.String("o", "", "write the imported, linted bank to this file (default JSON on standard output)")
	skip := fs.Bool("skip-unsupported", false, "leave out questions of kinds Bedside does not model, listing them, instead of failing")
	name := fs.String("name", "", "name of the bank")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("quiz import: give a file to import")
	}
	lt, err := lf.linter(env)
	if err != nil {
		return err
	}
	bank, err := readBanks(env, rest, *skip)
	if err != nil {
		return err
	}
	if *name != "" {
		bank.Name = *name
	}
	now := time.Now().UTC()
	for i := range bank.Items {
		it := &bank.Items[i]
		if it.Generator == "" {
			it.Generator = "imported"
		}
		if it.Created.IsZero() {
			it.Created = now
		}
		if it.ID == "" {
			it.ID = quiz.ContentID(it)
		}
	}
	rep, err := lt.Lint(bank.Items)
	if err != nil {
		return err
	}
	rep.Apply(bank.Items)
	if _, err := writeBank(env, *out, "", bank, format.EncodeOptions{}); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "Imported %d items; %d near-duplicates.\n", len(bank.Items), len(rep.Duplicates))
	printLintSummary(env.stderr, bank.Items, rep.Keys)
	return nil
}

func runQuizReview(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "quiz review", "[flags] BANK")
	var sf storeFlags
	sf.register(fs, env)
	out := fs.String("o", "", "write the page to this file (default standard output)")
	title := fs.String("title", "", "the page's title")
	noPassages := fs.Bool("no-passages", false, "show each quote alone, without looking its passage up in the store")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("quiz review: give one bank file")
	}
	bank, _, err := readBank(env, rest[0], false)
	if err != nil {
		return err
	}
	lintForExport(bank.Items)
	opts := review.Options{Title: *title}
	if !*noPassages {
		lib, closeStore, err := sf.open(ctx, env, retrieval.Options{})
		if err != nil {
			return err
		}
		defer closeStore()
		passages, err := citedPassages(ctx, lib, sf.tenant, bank.Items)
		if err != nil {
			return err
		}
		opts.Passage = func(id string) (string, bool) {
			t, ok := passages[id]
			return t, ok
		}
	}
	if *out == "" || *out == "-" {
		return review.Write(env.stdout, bank, opts)
	}
	if err := writeFile(*out, func(f *os.File) error { return review.Write(f, bank, opts) }); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "Wrote the review page for %d items to %s.\n", len(bank.Items), *out)
	return nil
}

// citedPassages returns the text of each in-force chunk of the documents the
// items cite, by chunk ID.
func citedPassages(ctx context.Context, lib *retrieval.Library, tenant string, items []quiz.Item) (map[string]string, error) {
	var ids []string
	seen := make(map[string]bool)
	for _, it := range items {
		for _, c := range it.Citations {
			if c.DocumentID != "" && !seen[c.DocumentID] {
				seen[c.DocumentID] = true
				ids = append(ids, c.DocumentID)
			}
		}
	}
	out := make(map[string]string)
	if len(ids) == 0 {
		return out, nil
	}
	hits, err := lib.Search(ctx, retrieval.Query{Tenant: tenant, Text: "guidance", Mode: retrieval.Vector, K: retrieval.MaxK,
		Filter: retrieval.Filter{DocumentIDs: ids}})
	if err != nil {
		return nil, fmt.Errorf("looking up cited passages: %w", err)
	}
	for _, h := range hits {
		out[h.Chunk.ID] = h.Chunk.Text
	}
	return out, nil
}

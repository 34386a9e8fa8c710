package main

import (
	"context"
	"fmt"
	"os"

	"github.com/bedside-ai/bedside/eval"
)

func runEvalReport(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval report", "-results results.jsonl [flags]\n\nRebuilds the reports of a run from its results file, without running anything.\n"+evalExitCodes)
	results := fs.String("results", "", "results file written by 'bedside eval run' (required)")
	out := fs.String("out", "eval-out", "directory for report.json, report.html, junit.xml and summary.md")
	var thresholds stringList
	fs.Var(&thresholds, "threshold", "gate, e.g. groundedness_cited>=0.95 (repeatable; default pass_rate>=1)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *results == "" {
		return usagef("eval report: -results is required")
	}
	gates, err := parseThresholds(thresholds)
	if err != nil {
		return usagef("eval report: %v", err)
	}
	h, rs, err := eval.ReadResults(*results)
	if err != nil {
		return err
	}
	return writeReports(env, eval.Summarize(h, rs, gates), *out)
}

func runEvalCompare(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval compare", "BASE.json HEAD.json [flags]\n\nLists the metrics and cases that regressed from the base report to the head report.\n"+
		"Exit codes: 0 no regression (or -fail-on-regression not set); 3 a regression, with -fail-on-regression.")
	tol := fs.Float64("tolerance", eval.DefaultTolerance, "ignore drops in a rate up to this much (0.02 = 2 points)")
	failOn := fs.Bool("fail-on-regression", false, "exit with status 3 if anything regressed")
	jsonOut := fs.String("json", "", "also write the comparison as JSON to this file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("eval compare: give two JSON reports, the base then the head")
	}
	var reps [2]*eval.Report
	for i, p := range pos {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		reps[i], err = eval.ReadReport(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	c := eval.Compare(reps[0], reps[1], *tol)
	if err := c.WriteMarkdown(env.stdout); err != nil {
		return err
	}
	if *jsonOut != "" {
		if err := writeFile(*jsonOut, func(f *os.File) error { return eval.WriteJSON(f, c) }); err != nil {
			return err
		}
	}
	if *failOn && c.Regressions > 0 {
		return &exitError{code: eval.ExitBelowThreshold, err: fmt.Errorf("eval compare: %d regression(s)", c.Regressions)}
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

func runEvalGrounding(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval grounding", "-pairs pairs.jsonl [flags]\n\n"+
		"Scores grounding pairs (passages, answer, optional label) with the deterministic checker and,\n"+
		"where labels exist, reports AUROC, F1 at the threshold, precision, recall and the confusion matrix,\n"+
		"each with a 95% bootstrap interval.")
	var pairsFiles stringList
	fs.Var(&pairsFiles, "pairs", "pairs file, .jsonl or .yaml (repeatable; required)")
	threshold := fs.Float64("threshold", grounding.DefaultThreshold, "checker coverage threshold")
	split := fs.String("split", "", "use only pairs of this split (e.g. test)")
	jsonOut := fs.String("json", "", "also write the full report (every pair's verdict) as JSON to this file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if len(pairsFiles) == 0 {
		return usagef("eval grounding: -pairs is required")
	}
	if *threshold <= 0 || *threshold > 1 {
		return usagef("eval grounding: -threshold %v: want a value in (0, 1]", *threshold)
	}
	pairs, err := eval.LoadPairs(pairsFiles...)
	if err != nil {
		return err
	}
	if *split != "" {
		var keep []eval.Pair
		for _, p := range pairs {
			if p.Split == *split {
				keep = append(keep, p)
			}
		}
		if len(keep) == 0 {
			return usagef("eval grounding: no pair has split %q", *split)
		}
		pairs = keep
	}
	r := eval.EvaluateGrounding(pairs, eval.GroundingOptions{Checker: grounding.Checker{Threshold: *threshold}})
	printGrounding(env.stdout, r)
	if *jsonOut != "" {
		return writeFile(*jsonOut, func(f *os.File) error { return eval.WriteJSON(f, r) })
	}
	return nil
}

func printGrounding(w io.Writer, r *eval.GroundingReport) {
	fmt.Fprintf(w, "Grounding checker at threshold %.2f (window %d): %d pairs, %d labelled (%d supported, %d not), %d with no claim to check.\n\n",
		r.Threshold, r.Window, r.Pairs, r.Labelled, r.Positives, r.Negatives, r.Unscorable)
	if r.Labelled == 0 {
		fmt.Fprintf(w, "No labels: %d of %d scorable pairs found supported.\n", r.Supported, r.Pairs-r.Unscorable)
		return
	}
	row := func(name string, e eval.Estimate) {
		fmt.Fprintf(w, "| %s | %.3f | %.3f–%.3f |\n", name, e.Mean, e.Lo, e.Hi)
	}
	fmt.Fprintln(w, "| measure | value | 95% CI |")
	fmt.Fprintln(w, "|---|---:|---:|")
	row("AUROC", r.AUROC)
	row("F1", r.F1)
	row("precision", r.Precision)
	row("recall", r.Recall)
	row("specificity", r.Specificity)
	row("accuracy", r.Accuracy)
	c := r.Confusion
	fmt.Fprintf(w, "\n| | labelled supported | labelled not |\n|---|---:|---:|\n| found supported | %d (TP) | %d (FP) |\n| found unsupported | %d (FN) | %d (TN) |\n",
		c.TP, c.FP, c.FN, c.TN)
	if len(r.ByKind) > 1 {
		fmt.Fprintln(w, "\n| kind | supported accepted | unsupported caught |\n|---|---:|---:|")
		for _, k := range r.ByKind {
			acc, caught := "", ""
			if k.Positives > 0 {
				acc = fmt.Sprintf("%d/%d", k.Accepted, k.Positives)
			}
			if k.Negatives > 0 {
				caught = fmt.Sprintf("%d/%d", k.Caught, k.Negatives)
			}
			fmt.Fprintf(w, "| %s | %s | %s |\n", or(k.Kind, "(none)"), acc, caught)
		}
	}
}

func runEvalPubMedQAPairs(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval pubmedqa-pairs", "-in pubmedqa_pqal.jsonl -out pairs.jsonl [flags]\n\n"+
		"Builds labelled grounding pairs from PubMedQA (PQA-L): each long-answer sentence against its own\n"+
		"abstract is supported; against the abstract of another item on a different topic it is not.\n"+
		"Write the pairs outside the repository: the data's licence is its own.")
	in := fs.String("in", "", "PubMedQA JSONL file, e.g. /work/shared/data/pubmedqa/pubmedqa_pqal.jsonl (required)")
	out := fs.String("out", "", "pairs file to write (JSONL; required)")
	whole := fs.Bool("whole-answers", false, "one pair per long answer instead of per sentence")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usagef("eval pubmedqa-pairs: -in and -out are required")
	}
	items, err := eval.ReadPubMedQA(*in)
	if err != nil {
		return err
	}
	pairs := eval.PubMedQAPairs(items, eval.PubMedQAOptions{WholeAnswers: *whole})
	if err := writeFile(*out, func(f *os.File) error { return eval.WritePairs(f, pairs) }); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "%d items → %d pairs in %s\n", len(items), len(pairs), *out)
	return nil
}

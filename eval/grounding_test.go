package eval_test

import (
	"os"
	"testing"

	"github.com/bedside-ai/bedside/eval"
)

// hardSet is the grounding checker's hard-negative set, read as a pairs
// file (its "claim" field is accepted for "answer").
const hardSet = "../tutor/grounding/testdata/hard.jsonl"

func TestEvaluateGroundingHardSet(t *testing.T) {
	pairs, err := eval.LoadPairs(hardSet)
	if err != nil {
		t.Fatal(err)
	}
	var test []eval.Pair
	for _, p := range pairs {
		if p.Split == "test" {
			test = append(test, p)
		}
	}
	for name, ps := range map[string][]eval.Pair{"all": pairs, "test": test} {
		r := eval.EvaluateGrounding(ps, eval.GroundingOptions{})
		t.Logf("hard/%s: n=%d AUROC %.3f (%.3f–%.3f) F1 %.3f (%.3f–%.3f) %v", name, r.Labelled,
			r.AUROC.Mean, r.AUROC.Lo, r.AUROC.Hi, r.F1.Mean, r.F1.Lo, r.F1.Hi, r.Confusion)
		if r.Labelled != len(ps) || r.Positives+r.Negatives != r.Labelled || r.Confusion.N() != r.Labelled {
			t.Errorf("hard/%s: counts %+v", name, r)
		}
		if r.AUROC.Mean < 0.85 || r.F1.Mean < 0.75 || !(r.AUROC.Lo <= r.AUROC.Mean && r.AUROC.Mean <= r.AUROC.Hi) {
			t.Errorf("hard/%s: AUROC %+v, F1 %+v; want at least 0.85 and 0.75 (the checker's documented 0.913 / 0.836 on the test half)", name, r.AUROC, r.F1)
		}
		for _, k := range r.ByKind {
			if k.Kind == "dose" && k.Caught != k.Negatives {
				t.Errorf("hard/%s: changed doses caught %d/%d; want all", name, k.Caught, k.Negatives)
			}
		}
	}
}

func TestEvaluateGroundingUnlabelled(t *testing.T) {
	r := eval.EvaluateGrounding([]eval.Pair{
		{ID: "a", Passages: []string{"Give 5 mg of drug X."}, Answer: "Give 5 mg of drug X."},
		{ID: "b", Passages: []string{"Give 5 mg of drug X."}, Answer: "In summary:"},
	}, eval.GroundingOptions{})
	if r.Labelled != 0 || r.Supported != 1 || r.Unscorable != 1 || r.AUROC != (eval.Estimate{}) {
		t.Errorf("EvaluateGrounding(unlabelled) = %+v", r)
	}
}

// TestPubMedQAGrounding builds the PubMedQA pairs from the shared data (never
// copied into the repository) and measures the checker on them. It skips
// when the data is absent.
func TestPubMedQAGrounding(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: 3,846 pairs")
	}
	path := os.Getenv("BEDSIDE_PUBMEDQA")
	if path == "" {
		path = "../../shared/data/pubmedqa/pubmedqa_pqal.jsonl"
	}
	items, err := eval.ReadPubMedQA(path)
	if err != nil {
		t.Skipf("PubMedQA data absent: %v", err)
	}
	pairs := eval.PubMedQAPairs(items, eval.PubMedQAOptions{})
	r := eval.EvaluateGrounding(pairs, eval.GroundingOptions{})
	t.Logf("PubMedQA: %d items, %d pairs (%d unscorable): AUROC %.3f (%.3f–%.3f), F1 %.3f (%.3f–%.3f), precision %.3f, recall %.3f, %v",
		len(items), r.Pairs, r.Unscorable, r.AUROC.Mean, r.AUROC.Lo, r.AUROC.Hi, r.F1.Mean, r.F1.Lo, r.F1.Hi,
		r.Precision.Mean, r.Recall.Mean, r.Confusion)
	if r.Positives != r.Negatives || r.AUROC.Mean < 0.9 || r.Confusion.FP > r.Negatives/100 {
		t.Errorf("PubMedQA: %d positives, %d negatives, AUROC %.3f, %d false supports; want balanced pairs, AUROC ≥ 0.9, almost no false support",
			r.Positives, r.Negatives, r.AUROC.Mean, r.Confusion.FP)
	}
}

package eval

import (
	"math"
	"slices"

	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// GroundingOptions configure [EvaluateGrounding]. The zero value uses the
// default checker.
type GroundingOptions struct {
	// Checker is the checker measured; its zero value is the default
	// (threshold [grounding.DefaultThreshold]).
	Checker grounding.Checker
}

// A GroundingReport measures the grounding checker on labelled pairs.
type GroundingReport struct {
	SchemaVersion int    `json:"schema_version"`
	Kind          string `json:"kind"` // "bedside-eval-grounding"
	// Threshold and Window are the checker's settings.
	Threshold float64 `json:"threshold"`
	Window    int     `json:"window"`
	// Pairs counts every pair; Unscorable those whose answer has no claim
	// to check (every sentence NotAClaim), which are left out of the
	// figures below.
	Pairs      int `json:"pairs"`
	Unscorable int `json:"unscorable"`
	Labelled   int `json:"labelled"`
	Positives  int `json:"positives"`
	Negatives  int `json:"negatives"`
	// Supported counts the scorable pairs the checker found supported,
	// labelled or not.
	Supported int `json:"supported"`
	// AUROC ranks the pairs by score (the lowest sentence score of the
	// answer); the other figures judge the checker's verdict at
	// Threshold. Each has a 95% bootstrap interval over pairs.
	AUROC       Estimate  `json:"auroc"`
	F1          Estimate  `json:"f1"`
	Precision   Estimate  `json:"precision"`
	Recall      Estimate  `json:"recall"`
	Specificity Estimate  `json:"specificity"`
	Accuracy    Estimate  `json:"accuracy"`
	Confusion   Confusion `json:"confusion"`
	// ByKind breaks the labelled pairs down by Pair.Kind, sorted.
	ByKind []KindResult `json:"by_kind,omitempty"`
	// Results holds every pair's outcome, in input order.
	Results []PairResult `json:"results"`
}

// A KindResult counts the checker's correct verdicts on one kind of pair.
type KindResult struct {
	Kind      string `json:"kind"`
	Positives int    `json:"positives"` // labelled supported
	Accepted  int    `json:"accepted"`  // of those, found supported
	Negatives int    `json:"negatives"` // labelled unsupported or contradicted
	Caught    int    `json:"caught"`    // of those, found unsupported
}

// A PairResult is the checker's verdict on one pair.
type PairResult struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind,omitempty"`
	Label     Label             `json:"label,omitempty"`
	Supported bool              `json:"supported"`
	Scorable  bool              `json:"scorable"`
	Score     float64           `json:"score"`
	Sentences []SentenceVerdict `json:"sentences"`
}

// A SentenceVerdict is the checker's verdict on one sentence.
type SentenceVerdict struct {
	Text     string   `json:"text"`
	Verdict  string   `json:"verdict"` // supported, unsupported or not-a-claim
	Score    float64  `json:"score"`
	Problems []string `json:"problems,omitempty"`
}

// GroundingSchemaVersion is the schema_version of a [GroundingReport].
const GroundingSchemaVersion = 1

// CheckAnswer checks every sentence of answer against all the passages and
// returns the verdicts, whether every claim is supported, whether there was
// any claim at all, and the lowest claim score.
func CheckAnswer(c *grounding.Checker, answer string, passages []string) (verdicts []SentenceVerdict, supported, scorable bool, score float64) {
	cites := make([]int, len(passages))
	for i := range cites {
		cites[i] = i
	}
	spans := sentences.Split(answer)
	claims := make([]grounding.Claim, len(spans))
	for i, sp := range spans {
		claims[i] = grounding.Claim{Text: sp.Text, Cites: cites}
	}
	results := c.CheckAnswer(claims, passages)
	supported, score = true, 1
	for i, res := range results {
		v := SentenceVerdict{Text: spans[i].Text, Verdict: res.Verdict.String(), Score: res.Score}
		for _, p := range res.Problems {
			v.Problems = append(v.Problems, p.String())
		}
		verdicts = append(verdicts, v)
		if res.Verdict == grounding.NotAClaim {
			continue
		}
		scorable = true
		supported = supported && res.Supported()
		score = math.Min(score, res.Score)
	}
	if !scorable {
		return verdicts, false, false, 0
	}
	return verdicts, supported, true, score
}

// EvaluateGrounding checks every pair's answer against its passages and,
// over the labelled pairs, measures the checker: AUROC of the scores, and
// F1, precision, recall and accuracy of the verdicts, each with a bootstrap
// interval. Supported is the positive class.
func EvaluateGrounding(pairs []Pair, opts GroundingOptions) *GroundingReport {
	c := opts.Checker
	r := &GroundingReport{
		SchemaVersion: GroundingSchemaVersion, Kind: "bedside-eval-grounding",
		Threshold: c.Threshold, Window: c.Window, Pairs: len(pairs),
	}
	if r.Threshold == 0 {
		r.Threshold = grounding.DefaultThreshold
	}
	if r.Window == 0 {
		r.Window = grounding.DefaultWindow
	}
	var scores []float64
	var labels, preds []bool
	kinds := make(map[string]*KindResult)
	for _, p := range pairs {
		vs, ok, scorable, score := CheckAnswer(&c, p.Answer, p.Passages)
		r.Results = append(r.Results, PairResult{ID: p.ID, Kind: p.Kind, Label: p.Label,
			Supported: ok, Scorable: scorable, Score: score, Sentences: vs})
		if !scorable {
			r.Unscorable++
			continue
		}
		if ok {
			r.Supported++
		}
		if p.Label == Unlabelled {
			continue
		}
		r.Labelled++
		pos := p.Label.Positive()
		if pos {
			r.Positives++
		} else {
			r.Negatives++
		}
		scores, labels, preds = append(scores, score), append(labels, pos), append(preds, ok)
		r.Confusion.Add(ok, pos)
		k := kinds[p.Kind]
		if k == nil {
			k = &KindResult{Kind: p.Kind}
			kinds[p.Kind] = k
		}
		if pos {
			k.Positives++
			if ok {
				k.Accepted++
			}
		} else {
			k.Negatives++
			if !ok {
				k.Caught++
			}
		}
	}
	n := len(scores)
	conf := func(idx []int) Confusion {
		var c Confusion
		for _, i := range idx {
			c.Add(preds[i], labels[i])
		}
		return c
	}
	r.AUROC = BootstrapStat(n, func(idx []int) float64 {
		s := make([]float64, len(idx))
		l := make([]bool, len(idx))
		for j, i := range idx {
			s[j], l[j] = scores[i], labels[i]
		}
		a, ok := AUROC(s, l)
		if !ok {
			return math.NaN()
		}
		return a
	})
	r.F1 = BootstrapStat(n, func(idx []int) float64 { return conf(idx).F1() })
	r.Precision = BootstrapStat(n, func(idx []int) float64 { return conf(idx).Precision() })
	r.Recall = BootstrapStat(n, func(idx []int) float64 { return conf(idx).Recall() })
	r.Specificity = BootstrapStat(n, func(idx []int) float64 { return conf(idx).Specificity() })
	r.Accuracy = BootstrapStat(n, func(idx []int) float64 { return conf(idx).Accuracy() })
	for _, k := range kinds {
		r.ByKind = append(r.ByKind, *k)
	}
	slices.SortFunc(r.ByKind, func(a, b KindResult) int {
		switch {
		case a.Kind < b.Kind:
			return -1
		case a.Kind > b.Kind:
			return 1
		}
		return 0
	})
	return r
}

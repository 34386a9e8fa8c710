package eval

import (
	"fmt"
	"slices"
	"strings"
)

// A MetricInfo describes one metric of a [Report].
type MetricInfo struct {
	Name        string
	Description string
	// LowerIsBetter marks metrics whose rise is a regression.
	LowerIsBetter bool
}

// Metrics lists the metrics of a run [Report], in the order reports show
// them. Every rate is a mean with a 95% bootstrap interval over cases;
// pooled rates (counts of sentences, citations, facts) resample whole
// cases. A metric that applies to no case has n = 0 and mean 0, never NaN.
var Metrics = []MetricInfo{
	{Name: "pass_rate", Description: "cases that passed every check, of those evaluated (errors left out)"},
	{Name: "refusal_accuracy", Description: "cases where the tutor rightly answered or rightly refused"},
	{Name: "answer_rate", Description: "answerable cases that were answered"},
	{Name: "refusal_rate", Description: "cases that should be refused that were refused"},
	{Name: "false_answer_rate", Description: "cases that should be refused but were answered", LowerIsBetter: true},
	{Name: "false_refusal_rate", Description: "answerable cases that were refused", LowerIsBetter: true},
	{Name: "retrieval_recall", Description: "expected documents among the K passages retrieved (recall@K)"},
	{Name: "retrieval_mrr", Description: "reciprocal rank of the first expected document in the retrieved passages"},
	{Name: "retrieval_ndcg", Description: "nDCG@K of the retrieved documents against the expected ones"},
	{Name: "groundedness_cited", Description: "answer sentences supported by the passages they cite (re-checked)"},
	{Name: "groundedness_retrieved", Description: "answer sentences supported by some retrieved passage"},
	{Name: "draft_kept", Description: "sentences of the model's draft that passed the tutor's verification"},
	{Name: "citation_precision", Description: "cited documents that are expected documents"},
	{Name: "citation_recall", Description: "expected documents that are cited"},
	{Name: "passage_precision", Description: "cited passages that are expected passages"},
	{Name: "passage_recall", Description: "expected passages that are cited"},
	{Name: "numeric_consistency", Description: "numbers, units and frequencies in answers found in the passages cited for them"},
	{Name: "key_fact_recall", Description: "key facts supported by the answer text"},
	{Name: "judge_groundedness", Description: "answer and draft sentences the LLM judge found supported by the retrieved passages"},
	{Name: "judge_agreement", Description: "sentences on which the LLM judge and the deterministic checker agree"},
	{Name: "judge_kappa", Description: "Cohen's kappa between the LLM judge and the deterministic checker"},
}

// MetricByName returns the description of the named metric.
func MetricByName(name string) (MetricInfo, bool) {
	for _, m := range Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return MetricInfo{}, false
}

// ReportSchemaVersion is the schema_version of a JSON [Report]; see
// SCHEMA.md.
const ReportSchemaVersion = SchemaVersion

// A Report summarises a run. Its JSON form is documented in SCHEMA.md.
type Report struct {
	SchemaVersion int                 `json:"schema_version"`
	Kind          string              `json:"kind"` // "bedside-eval-run"
	Run           RunHeader           `json:"run"`
	Summary       Summary             `json:"summary"`
	Metrics       map[string]Estimate `json:"metrics"`
	Refusals      RefusalMatrix       `json:"refusals"`
	// JudgeAgreement pools the judge-versus-checker verdicts over cases
	// (checker as "predicted", judge as "label"); nil without a judge.
	JudgeAgreement *Confusion   `json:"judge_agreement,omitempty"`
	Usage          UsageSummary `json:"usage"`
	Latency        Latency      `json:"latency"`
	ByTag          []TagSummary `json:"by_tag,omitempty"`
	Gate           Gate         `json:"gate"`
	Cases          []CaseResult `json:"cases"`
}

// Summary counts cases by outcome. Missing counts cases of the dataset
// with no result (an unfinished run).
type Summary struct {
	Cases   int `json:"cases"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Errors  int `json:"errors"`
	Missing int `json:"missing"`
}

// A RefusalMatrix counts answers and refusals against what was expected.
type RefusalMatrix struct {
	ShouldAnswerAnswered int `json:"should_answer_answered"`
	ShouldAnswerRefused  int `json:"should_answer_refused"`
	ShouldRefuseAnswered int `json:"should_refuse_answered"`
	ShouldRefuseRefused  int `json:"should_refuse_refused"`
}

// UsageSummary totals tokens and HTTP exchanges.
type UsageSummary struct {
	Tutor Usage `json:"tutor"`
	Judge Usage `json:"judge"`
	// MeanTotalTokens is the tutor's mean total tokens per evaluated case.
	MeanTotalTokens float64 `json:"mean_total_tokens"`
	Exchanges       int     `json:"exchanges"`
}

// Latency summarises the per-case time of HTTP exchanges (model,
// embeddings, judge) in milliseconds: recorded times when replayed.
type Latency struct {
	P50MS   int64   `json:"p50_ms"`
	P95MS   int64   `json:"p95_ms"`
	MeanMS  float64 `json:"mean_ms"`
	TotalMS int64   `json:"total_ms"`
}

// A TagSummary counts the outcomes of the cases with one tag.
type TagSummary struct {
	Tag    string `json:"tag"`
	Cases  int    `json:"cases"`
	Passed int    `json:"passed"`
	Failed int    `json:"failed"`
	Errors int    `json:"errors"`
}

// Summarize computes the report of a run from its header and results, and
// applies the thresholds (see [Gate]).
func Summarize(h RunHeader, results []CaseResult, thresholds []Threshold) *Report {
	r := &Report{SchemaVersion: ReportSchemaVersion, Kind: "bedside-eval-run", Run: h,
		Metrics: make(map[string]Estimate), Cases: results}
	r.Summary.Cases = max(h.Cases, len(results))
	r.Summary.Missing = r.Summary.Cases - len(results)
	var evaluated []CaseResult
	tags := make(map[string]*TagSummary)
	var lat []int64
	for _, c := range results {
		switch c.Status {
		case Pass:
			r.Summary.Passed++
		case Fail:
			r.Summary.Failed++
		default:
			r.Summary.Errors++
		}
		for _, t := range c.Tags {
			ts := tags[t]
			if ts == nil {
				ts = &TagSummary{Tag: t}
				tags[t] = ts
			}
			ts.Cases++
			switch c.Status {
			case Pass:
				ts.Passed++
			case Fail:
				ts.Failed++
			default:
				ts.Errors++
			}
		}
		r.Usage.Exchanges += c.Exchanges
		r.Usage.Tutor = r.Usage.Tutor.add(c.Usage)
		r.Usage.Judge = r.Usage.Judge.add(c.JudgeUsage)
		lat = append(lat, c.ModelLatencyMS)
		if c.Status != Error {
			evaluated = append(evaluated, c)
		}
	}
	for _, ts := range tags {
		r.ByTag = append(r.ByTag, *ts)
	}
	slices.SortFunc(r.ByTag, func(a, b TagSummary) int { return strings.Compare(a.Tag, b.Tag) })
	if n := len(evaluated); n > 0 {
		r.Usage.MeanTotalTokens = float64(r.Usage.Tutor.TotalTokens) / float64(n)
	}
	r.Latency = latencyOf(lat)

	// Case-level rates.
	indicator := func(keep func(CaseResult) bool, yes func(CaseResult) bool) Estimate {
		var xs []float64
		for _, c := range evaluated {
			if keep(c) {
				x := 0.0
				if yes(c) {
					x = 1
				}
				xs = append(xs, x)
			}
		}
		return Bootstrap(xs)
	}
	all := func(CaseResult) bool { return true }
	answerable := func(c CaseResult) bool { return c.Answerable }
	refusable := func(c CaseResult) bool { return !c.Answerable }
	answered := func(c CaseResult) bool { return !c.Refused }
	refused := func(c CaseResult) bool { return c.Refused }
	r.Metrics["pass_rate"] = indicator(all, func(c CaseResult) bool { return c.Status == Pass })
	r.Metrics["refusal_accuracy"] = indicator(all, func(c CaseResult) bool { return c.Answerable != c.Refused })
	r.Metrics["answer_rate"] = indicator(answerable, answered)
	r.Metrics["false_refusal_rate"] = indicator(answerable, refused)
	r.Metrics["refusal_rate"] = indicator(refusable, refused)
	r.Metrics["false_answer_rate"] = indicator(refusable, answered)
	for _, c := range evaluated {
		switch {
		case c.Answerable && !c.Refused:
			r.Refusals.ShouldAnswerAnswered++
		case c.Answerable:
			r.Refusals.ShouldAnswerRefused++
		case !c.Refused:
			r.Refusals.ShouldRefuseAnswered++
		default:
			r.Refusals.ShouldRefuseRefused++
		}
	}

	// Retrieval: means over cases with expected documents.
	ret := func(f func(*RetrievalScores) float64) Estimate {
		var xs []float64
		for _, c := range evaluated {
			if c.Scores.Retrieval != nil {
				xs = append(xs, f(c.Scores.Retrieval))
			}
		}
		return Bootstrap(xs)
	}
	r.Metrics["retrieval_recall"] = ret(func(s *RetrievalScores) float64 { return s.Recall })
	r.Metrics["retrieval_mrr"] = ret(func(s *RetrievalScores) float64 { return s.RR })
	r.Metrics["retrieval_ndcg"] = ret(func(s *RetrievalScores) float64 { return s.NDCG })

	// Pooled rates.
	pooled := func(f func(*CaseScores) Ratio) Estimate {
		rs := make([]Ratio, len(evaluated))
		for i := range evaluated {
			rs[i] = f(&evaluated[i].Scores)
		}
		return BootstrapRatio(rs)
	}
	r.Metrics["groundedness_cited"] = pooled(func(s *CaseScores) Ratio { return s.GroundedCited })
	r.Metrics["groundedness_retrieved"] = pooled(func(s *CaseScores) Ratio { return s.GroundedRetrieved })
	r.Metrics["draft_kept"] = pooled(func(s *CaseScores) Ratio { return s.Draft })
	r.Metrics["citation_precision"] = pooled(func(s *CaseScores) Ratio { return s.CitationPrecision })
	r.Metrics["citation_recall"] = pooled(func(s *CaseScores) Ratio { return s.CitationRecall })
	r.Metrics["passage_precision"] = pooled(func(s *CaseScores) Ratio { return s.PassagePrecision })
	r.Metrics["passage_recall"] = pooled(func(s *CaseScores) Ratio { return s.PassageRecall })
	r.Metrics["numeric_consistency"] = pooled(func(s *CaseScores) Ratio { return s.Numbers })
	r.Metrics["key_fact_recall"] = pooled(func(s *CaseScores) Ratio { return s.KeyFacts })
	r.Metrics["judge_groundedness"] = pooled(func(s *CaseScores) Ratio { return s.Judge })
	r.Metrics["judge_agreement"] = pooled(func(s *CaseScores) Ratio {
		if s.JudgeAgreement == nil {
			return Ratio{}
		}
		return Ratio{Num: s.JudgeAgreement.TP + s.JudgeAgreement.TN, Den: s.JudgeAgreement.N()}
	})
	var judged []Confusion
	for _, c := range evaluated {
		if a := c.Scores.JudgeAgreement; a != nil && a.N() > 0 {
			judged = append(judged, *a)
		}
	}
	if h.Judge != "" {
		var total Confusion
		for _, c := range judged {
			total = total.add(c)
		}
		r.JudgeAgreement = &total
	}
	r.Metrics["judge_kappa"] = BootstrapStat(len(judged), func(idx []int) float64 {
		var s Confusion
		for _, i := range idx {
			s = s.add(judged[i])
		}
		return s.Kappa()
	})
	r.Gate = ApplyThresholds(r, thresholds)
	return r
}

func (c Confusion) add(o Confusion) Confusion {
	return Confusion{c.TP + o.TP, c.FP + o.FP, c.FN + o.FN, c.TN + o.TN}
}

func (u Usage) add(o Usage) Usage {
	return Usage{u.PromptTokens + o.PromptTokens, u.CompletionTokens + o.CompletionTokens, u.TotalTokens + o.TotalTokens}
}

func latencyOf(ms []int64) Latency {
	if len(ms) == 0 {
		return Latency{}
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	var total int64
	for _, x := range s {
		total += x
	}
	return Latency{
		P50MS:   s[len(s)/2],
		P95MS:   s[min(len(s)-1, len(s)*95/100)],
		MeanMS:  float64(total) / float64(len(s)),
		TotalMS: total,
	}
}

// Failures returns the cases that failed or errored, in order.
func (r *Report) Failures() []CaseResult {
	var out []CaseResult
	for _, c := range r.Cases {
		if c.Status != Pass {
			out = append(out, c)
		}
	}
	return out
}

// String is a one-line summary.
func (r *Report) String() string {
	return fmt.Sprintf("%d cases: %d passed, %d failed, %d errors; gate %s",
		r.Summary.Cases, r.Summary.Passed, r.Summary.Failed, r.Summary.Errors, r.Gate.Status)
}

package eval

import (
	"fmt"
	"strconv"
	"strings"
)

// Exit codes of "bedside eval" commands that gate, for CI. They are part of
// the documented interface.
const (
	ExitPass           = 0 // every threshold met
	ExitBelowThreshold = 3 // a threshold was not met (a quality failure)
	ExitInfrastructure = 4 // a case could not be evaluated, or the run is unfinished
)

// The gate statuses.
const (
	GatePass           = "pass"
	GateBelowThreshold = "below-threshold"
	GateError          = "infrastructure-error"
)

// A Threshold is a bound on one metric: Metric Op Value, judged on the
// metric's Mean, or on a bound of its interval. It is written
// "groundedness_cited>=0.95", "false_answer_rate<=0" or, to require the
// whole interval to clear the bar, "lo(pass_rate)>=0.8" and
// "hi(false_answer_rate)<=0.1".
type Threshold struct {
	Metric string  `json:"metric"`
	Op     string  `json:"op"` // ">=" or "<="
	Value  float64 `json:"value"`
	// On is "mean" (the default), "lo" or "hi".
	On string `json:"on"`
}

// String formats t as ParseThreshold reads it.
func (t Threshold) String() string {
	name := t.Metric
	if t.On == "lo" || t.On == "hi" {
		name = t.On + "(" + name + ")"
	}
	return name + t.Op + strconv.FormatFloat(t.Value, 'g', -1, 64)
}

// ParseThreshold reads a threshold such as "pass_rate>=0.9" (see
// [Threshold]). The metric must be one of [Metrics].
func ParseThreshold(s string) (Threshold, error) {
	s = strings.TrimSpace(s)
	var t Threshold
	i := strings.IndexAny(s, "<>")
	if i < 0 || i+1 >= len(s) || s[i+1] != '=' {
		return t, fmt.Errorf("threshold %q: want METRIC>=VALUE or METRIC<=VALUE", s)
	}
	name, op, val := strings.TrimSpace(s[:i]), s[i:i+2], strings.TrimSpace(s[i+2:])
	t.Op, t.On = op, "mean"
	for _, b := range []string{"lo", "hi", "mean"} {
		if strings.HasPrefix(name, b+"(") && strings.HasSuffix(name, ")") {
			t.On, name = b, strings.TrimSpace(name[len(b)+1:len(name)-1])
		}
	}
	if _, ok := MetricByName(name); !ok {
		var names []string
		for _, m := range Metrics {
			names = append(names, m.Name)
		}
		return t, fmt.Errorf("threshold %q: unknown metric %q (known: %s)", s, name, strings.Join(names, ", "))
	}
	t.Metric = name
	v, err := strconv.ParseFloat(val, 64)
	if err != nil || v != v {
		return t, fmt.Errorf("threshold %q: %q is not a number", s, val)
	}
	t.Value = v
	return t, nil
}

// DefaultThresholds apply when none are given: every evaluated case must
// pass.
var DefaultThresholds = []Threshold{{Metric: "pass_rate", Op: ">=", Value: 1, On: "mean"}}

// A Gate is the verdict of a run's thresholds.
type Gate struct {
	// Status is "pass", "below-threshold" or "infrastructure-error";
	// ExitCode is the matching exit code (0, 3 or 4). Infrastructure
	// errors take precedence: a run with errors has no trustworthy
	// figures.
	Status     string            `json:"status"`
	ExitCode   int               `json:"exit_code"`
	Thresholds []ThresholdResult `json:"thresholds"`
	// Reasons explain a status other than pass.
	Reasons []string `json:"reasons,omitempty"`
}

// A ThresholdResult is one threshold and whether the run met it.
type ThresholdResult struct {
	Threshold string  `json:"threshold"`
	Value     float64 `json:"value"`
	N         int     `json:"n"`
	Met       bool    `json:"met"`
	// Detail explains an unmet threshold.
	Detail string `json:"detail,omitempty"`
}

// ApplyThresholds judges r against thresholds ([DefaultThresholds] if
// none). A threshold on a metric that applies to no case is not met: a gate
// never passes for want of data.
func ApplyThresholds(r *Report, thresholds []Threshold) Gate {
	if len(thresholds) == 0 {
		thresholds = DefaultThresholds
	}
	g := Gate{Status: GatePass, ExitCode: ExitPass}
	for _, t := range thresholds {
		est := r.Metrics[t.Metric]
		v := est.Mean
		switch t.On {
		case "lo":
			v = est.Lo
		case "hi":
			v = est.Hi
		}
		tr := ThresholdResult{Threshold: t.String(), Value: v, N: est.Sample}
		switch {
		case est.Sample == 0:
			tr.Detail = "no case to measure"
		case t.Op == ">=" && v < t.Value, t.Op == "<=" && v > t.Value:
			tr.Detail = fmt.Sprintf("%s is %.4g (n=%d)", t.Metric, v, est.Sample)
		default:
			tr.Met = true
		}
		if !tr.Met {
			g.Status, g.ExitCode = GateBelowThreshold, ExitBelowThreshold
			g.Reasons = append(g.Reasons, fmt.Sprintf("threshold %s not met: %s", tr.Threshold, tr.Detail))
		}
		g.Thresholds = append(g.Thresholds, tr)
	}
	if r.Summary.Errors > 0 || r.Summary.Missing > 0 {
		g.Status, g.ExitCode = GateError, ExitInfrastructure
		if r.Summary.Errors > 0 {
			g.Reasons = append(g.Reasons, fmt.Sprintf("%d case(s) could not be evaluated (infrastructure errors)", r.Summary.Errors))
		}
		if r.Summary.Missing > 0 {
			g.Reasons = append(g.Reasons, fmt.Sprintf("%d case(s) have no result: the run is unfinished", r.Summary.Missing))
		}
	}
	return g
}

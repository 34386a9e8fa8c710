package eval

import (
	"fmt"
	"io"
	"strings"
)

// A Comparison lists how a run (Head) differs from a baseline (Base).
type Comparison struct {
	Metrics []MetricChange `json:"metrics"`
	// Cases lists cases whose status changed, and cases only in one run.
	Cases []CaseChange `json:"cases"`
	// Regressions counts regressed metrics and cases.
	Regressions int `json:"regressions"`
	// Warnings note differences that make the comparison less direct
	// (another dataset, corpus or model).
	Warnings []string `json:"warnings,omitempty"`
}

// A MetricChange is one metric in both runs.
type MetricChange struct {
	Name  string   `json:"name"`
	Base  Estimate `json:"base"`
	Head  Estimate `json:"head"`
	Delta float64  `json:"delta"`
	// Regressed is set when the metric moved the wrong way by more than
	// the tolerance; Significant when, in addition, the two 95% intervals
	// do not overlap.
	Regressed   bool `json:"regressed"`
	Significant bool `json:"significant"`
}

// A CaseChange is a case whose outcome differs between the runs.
type CaseChange struct {
	ID   string `json:"id"`
	Base Status `json:"base,omitempty"` // empty: not in the base run
	Head Status `json:"head,omitempty"` // empty: not in the head run
	// Regressed is set for pass → fail or error.
	Regressed bool     `json:"regressed"`
	Reasons   []string `json:"reasons,omitempty"` // the head's reasons or error
}

// DefaultTolerance is the drop in a rate that [Compare] ignores.
const DefaultTolerance = 0.0

// Compare compares head with base. A metric regresses when it moves the
// wrong way by more than tolerance (an absolute difference of rates); a
// case regresses when it passed in base and not in head.
func Compare(base, head *Report, tolerance float64) *Comparison {
	c := &Comparison{}
	for _, w := range []struct{ name, a, b string }{
		{"dataset", base.Run.Dataset, head.Run.Dataset}, {"corpus", base.Run.Corpus, head.Run.Corpus},
		{"model", base.Run.Model, head.Run.Model}, {"prompt_version", base.Run.PromptVersion, head.Run.PromptVersion},
	} {
		if w.a != w.b {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s differs: %s → %s", w.name, w.a, w.b))
		}
	}
	for _, m := range Metrics {
		b, h := base.Metrics[m.Name], head.Metrics[m.Name]
		if b.Sample == 0 && h.Sample == 0 {
			continue
		}
		mc := MetricChange{Name: m.Name, Base: b, Head: h, Delta: h.Mean - b.Mean}
		if b.Sample > 0 && h.Sample > 0 {
			if m.LowerIsBetter {
				mc.Regressed = mc.Delta > tolerance+1e-12
				mc.Significant = mc.Regressed && h.Lo > b.Hi
			} else {
				mc.Regressed = -mc.Delta > tolerance+1e-12
				mc.Significant = mc.Regressed && h.Hi < b.Lo
			}
		}
		if mc.Regressed {
			c.Regressions++
		}
		c.Metrics = append(c.Metrics, mc)
	}
	baseBy := make(map[string]CaseResult)
	for _, r := range base.Cases {
		baseBy[r.ID] = r
	}
	headIDs := make(map[string]bool)
	for _, r := range head.Cases {
		headIDs[r.ID] = true
		b, ok := baseBy[r.ID]
		if ok && b.Status == r.Status {
			continue
		}
		cc := CaseChange{ID: r.ID, Head: r.Status, Reasons: r.Reasons}
		if r.Error != "" {
			cc.Reasons = []string{r.Error}
		}
		if ok {
			cc.Base = b.Status
			cc.Regressed = b.Status == Pass
		}
		if cc.Regressed {
			c.Regressions++
		}
		c.Cases = append(c.Cases, cc)
	}
	for _, r := range base.Cases {
		if !headIDs[r.ID] {
			c.Cases = append(c.Cases, CaseChange{ID: r.ID, Base: r.Status})
		}
	}
	return c
}

// WriteMarkdown writes the comparison for a pull request.
func (c *Comparison) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Bedside eval comparison: %d regression(s)\n\n", c.Regressions)
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "> Note: %s\n", w)
	}
	if len(c.Warnings) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("| metric | base | head | change | |\n|---|---|---|---:|---|\n")
	for _, m := range c.Metrics {
		flag := ""
		switch {
		case m.Significant:
			flag = "**regressed** (intervals do not overlap)"
		case m.Regressed:
			flag = "**regressed**"
		}
		change := fmt.Sprintf("%+.1f pts", 100*m.Delta)
		if m.Name == "judge_kappa" {
			change = fmt.Sprintf("%+.3f", m.Delta)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", m.Name, metricValue(m.Name, m.Base), metricValue(m.Name, m.Head), change, flag)
	}
	if len(c.Cases) > 0 {
		b.WriteString("\n| case | base | head | |\n|---|---|---|---|\n")
		for _, cc := range c.Cases {
			flag := ""
			if cc.Regressed {
				flag = "**regressed**: " + mdEscape(strings.Join(cc.Reasons, "; "))
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", cc.ID, orDash(string(cc.Base)), orDash(string(cc.Head)), flag)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

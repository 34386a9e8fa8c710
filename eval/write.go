package eval

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteJSON writes r as indented JSON (see SCHEMA.md). The output depends
// only on r: map keys are sorted and no time of writing is included.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadReport reads a JSON report written by [WriteJSON].
func ReadReport(r io.Reader) (*Report, error) {
	var rep Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("eval: reading report: %w", err)
	}
	if rep.Kind != "bedside-eval-run" {
		return nil, fmt.Errorf("eval: not a run report (kind %q)", rep.Kind)
	}
	if rep.SchemaVersion > ReportSchemaVersion {
		return nil, fmt.Errorf("eval: report schema_version %d is newer than this program's %d", rep.SchemaVersion, ReportSchemaVersion)
	}
	return &rep, nil
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

// metricCell formats an estimate as "87.5% (80.1–93.0%, n=24)".
func metricCell(e Estimate) string {
	if e.Sample == 0 {
		return "n/a (n=0)"
	}
	return fmt.Sprintf("%s (%s–%s, n=%d)", pct(e.Mean), pct(e.Lo), pct(e.Hi), e.Sample)
}

// metricValue formats kappa as a number and rates as percentages.
func metricValue(name string, e Estimate) string {
	if name != "judge_kappa" {
		return metricCell(e)
	}
	if e.Sample == 0 {
		return "n/a (n=0)"
	}
	return fmt.Sprintf("%.3f (%.3f–%.3f, n=%d)", e.Mean, e.Lo, e.Hi, e.Sample)
}

// WriteMarkdown writes a summary of r for a pull request: the gate, the
// metrics with their intervals, the refusal matrix and the failures.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Bedside eval: %s\n\n", strings.ToUpper(r.Gate.Status))
	fmt.Fprintf(&b, "%d cases: **%d passed**, %d failed, %d errors", r.Summary.Cases, r.Summary.Passed, r.Summary.Failed, r.Summary.Errors)
	if r.Summary.Missing > 0 {
		fmt.Fprintf(&b, ", %d without a result", r.Summary.Missing)
	}
	fmt.Fprintf(&b, ". Model `%s`, prompt `%s`, corpus `%s`, dataset `%.12s`.\n\n", r.Run.Model, r.Run.PromptVersion, shortHash(r.Run.Corpus), r.Run.Dataset)
	if len(r.Gate.Thresholds) > 0 {
		b.WriteString("| threshold | value | met |\n|---|---:|:---:|\n")
		for _, t := range r.Gate.Thresholds {
			met := "yes"
			if !t.Met {
				met = "**no**"
			}
			fmt.Fprintf(&b, "| `%s` | %.4g (n=%d) | %s |\n", t.Threshold, t.Value, t.N, met)
		}
		b.WriteString("\n")
	}
	b.WriteString("| metric | mean (95% CI, n) |\n|---|---|\n")
	for _, m := range Metrics {
		e := r.Metrics[m.Name]
		if e.Sample == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s |\n", m.Name, metricValue(m.Name, e))
	}
	rm := r.Refusals
	fmt.Fprintf(&b, "\n| | answered | refused |\n|---|---:|---:|\n| should answer | %d | %d |\n| should refuse | %d | %d |\n",
		rm.ShouldAnswerAnswered, rm.ShouldAnswerRefused, rm.ShouldRefuseAnswered, rm.ShouldRefuseRefused)
	fmt.Fprintf(&b, "\nTokens: %d (mean %.0f per case); HTTP exchanges: %d; model latency p50 %d ms, p95 %d ms.\n",
		r.Usage.Tutor.TotalTokens, r.Usage.MeanTotalTokens, r.Usage.Exchanges, r.Latency.P50MS, r.Latency.P95MS)
	if f := r.Failures(); len(f) > 0 {
		b.WriteString("\n### Failures and errors\n\n")
		for i, c := range f {
			if i == 30 {
				fmt.Fprintf(&b, "- … and %d more\n", len(f)-30)
				break
			}
			if c.Status == Error {
				fmt.Fprintf(&b, "- `%s` **error**: %s\n", c.ID, mdEscape(c.Error))
				continue
			}
			fmt.Fprintf(&b, "- `%s` **fail**: %s\n", c.ID, mdEscape(strings.Join(c.Reasons, "; ")))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func shortHash(s string) string {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// JUnit XML, in the layout of Ant's JUnit task that CI systems read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Package    string          `xml:"package,attr"`
	ID         int             `xml:"id,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out"`
	SystemErr  string          `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(ms int64) string { return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64) }

// WriteJUnit writes r as JUnit XML: a test suite "bedside-eval" with one
// test case per eval case (a quality failure as <failure type="quality">,
// an infrastructure error as <error type="infrastructure">), and a suite
// "bedside-eval-gate" with one test case per threshold. Times are the
// recorded model latencies; the suites' timestamp is the run's as-of date
// (reports carry no wall-clock time, so that replays are byte-identical).
func WriteJUnit(w io.Writer, r *Report) error {
	stamp := "1970-01-01T00:00:00"
	if t, err := time.Parse(time.RFC3339, r.Run.AsOf); err == nil {
		stamp = t.UTC().Format("2006-01-02T15:04:05")
	}
	props := []junitProperty{
		{"schema_version", strconv.Itoa(r.SchemaVersion)}, {"dataset", r.Run.Dataset}, {"corpus", r.Run.Corpus},
		{"model", r.Run.Model}, {"prompt_version", r.Run.PromptVersion}, {"seed", strconv.Itoa(r.Run.Seed)},
		{"as_of", r.Run.AsOf}, {"gate", r.Gate.Status},
	}
	cases := junitSuite{Name: "bedside-eval", Package: "bedside.eval", ID: 0, Timestamp: stamp, Hostname: "localhost", Properties: props}
	var total int64
	for _, c := range r.Cases {
		jc := junitCase{Name: c.ID, Classname: "bedside.eval." + c.Mode, Time: seconds(c.ModelLatencyMS)}
		total += c.ModelLatencyMS
		switch c.Status {
		case Fail:
			cases.Failures++
			jc.Failure = &junitProblem{Message: c.Reasons[0], Type: "quality", Text: caseDetail(c)}
		case Error:
			cases.Errors++
			jc.Error = &junitProblem{Message: c.Error, Type: "infrastructure", Text: c.Error}
		}
		cases.Cases = append(cases.Cases, jc)
	}
	cases.Tests, cases.Time = len(cases.Cases), seconds(total)
	var md strings.Builder
	_ = WriteMarkdown(&md, r)
	cases.SystemOut = md.String()

	gate := junitSuite{Name: "bedside-eval-gate", Package: "bedside.eval", ID: 1, Timestamp: stamp, Hostname: "localhost", Time: "0.000"}
	for _, t := range r.Gate.Thresholds {
		jc := junitCase{Name: t.Threshold, Classname: "bedside.eval.threshold", Time: "0.000"}
		if !t.Met {
			gate.Failures++
			jc.Failure = &junitProblem{Message: "threshold not met: " + t.Detail, Type: "threshold", Text: t.Detail}
		}
		gate.Cases = append(gate.Cases, jc)
	}
	gate.Tests = len(gate.Cases)
	suites := junitSuites{Name: "bedside eval", Suites: []junitSuite{cases, gate},
		Tests: cases.Tests + gate.Tests, Failures: cases.Failures + gate.Failures, Errors: cases.Errors, Time: cases.Time}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseDetail explains a failed case in plain text.
func caseDetail(c CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Question: %s\n", c.Question)
	if c.Refused {
		fmt.Fprintf(&b, "Refused (%s): %s\n", c.RefusalReason, c.RefusalDetail)
	} else {
		fmt.Fprintf(&b, "Answer: %s\n", c.Answer)
	}
	for _, r := range c.Reasons {
		fmt.Fprintf(&b, "- %s\n", r)
	}
	for _, r := range c.Removed {
		fmt.Fprintf(&b, "Removed by verification: %q (%s)\n", r.Text, r.Reason)
	}
	return b.String()
}

package eval

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var reportTemplate string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      pct,
	"metric":   metricValue,
	"join":     strings.Join,
	"add":      func(a, b int) int { return a + b },
	"supclass": sentenceClass,
	"refNums":  func(is []int) string { return citationMarks(is) },
}).Parse(reportTemplate))

// htmlData is what the HTML template sees.
type htmlData struct {
	R       *Report
	Bars    []metricBar
	Chart   chart
	Tags    []tagBar
	TagH    int
	Metrics []MetricInfo
}

// A metricBar is one row of the metrics chart, in SVG coordinates.
type metricBar struct {
	Name, Label, Value string
	Y, W, Lo, Hi       float64
	Mid, Top, Bot      float64
	Worse              bool // a rate where lower is better
	N                  int
}

type chart struct{ Height, Width, Left, Span float64 }

type tagBar struct {
	Tag                 string
	Y                   float64
	PassW, FailW, ErrW  float64
	PassX, FailX, ErrX  float64
	Passed, Failed, Err int
}

// WriteHTML writes r as a self-contained HTML page: the gate, charts of
// the metrics (inline SVG, no scripts or external assets), the refusal
// matrix, and a drill-down of every case with its question, answer,
// citations and the sentences that failed checks highlighted. All text is
// escaped by html/template.
func WriteHTML(w io.Writer, r *Report) error {
	d := htmlData{R: r, Metrics: Metrics}
	const left, span, row = 190.0, 480.0, 22.0
	y := 10.0
	for _, m := range Metrics {
		e := r.Metrics[m.Name]
		if e.Sample == 0 {
			continue
		}
		scale := func(x float64) float64 {
			if m.Name == "judge_kappa" {
				x = (x + 1) / 2 // kappa from −1 to 1
			}
			return left + span*min(1, max(0, x))
		}
		d.Bars = append(d.Bars, metricBar{Name: m.Name, Label: m.Name, Value: metricValue(m.Name, e),
			Y: y, Mid: y + 7.5, Top: y + 3, Bot: y + 12, W: scale(e.Mean) - left, Lo: scale(e.Lo), Hi: scale(e.Hi), Worse: m.LowerIsBetter, N: e.Sample})
		y += row
	}
	d.Chart = chart{Height: y + 20, Width: left + span + 20, Left: left, Span: span}
	ty := 10.0
	for _, t := range r.ByTag {
		n := float64(max(1, t.Cases))
		b := tagBar{Tag: t.Tag, Y: ty, Passed: t.Passed, Failed: t.Failed, Err: t.Errors}
		b.PassX, b.PassW = left, span*float64(t.Passed)/n
		b.FailX, b.FailW = left+b.PassW, span*float64(t.Failed)/n
		b.ErrX, b.ErrW = b.FailX+b.FailW, span*float64(t.Errors)/n
		d.Tags = append(d.Tags, b)
		ty += row
	}
	d.TagH = int(ty + 10)
	return htmlTemplate.Execute(w, d)
}

func sentenceClass(s SentenceResult) string {
	if !s.Cited.Claim() {
		return "filler"
	}
	if s.Cited.Supported() && len(s.Unmatched) == 0 {
		return "ok"
	}
	return "bad"
}

func citationMarks(is []int) string {
	var b strings.Builder
	for _, i := range is {
		fmt.Fprintf(&b, "[%d]", i+1)
	}
	return b.String()
}

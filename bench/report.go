package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// A report is the Markdown the command prints: a header describing the
// machine and the run, one section per comparison, and the targets.
type report struct {
	title    string
	about    []string // "key: value" lines about the run and machine
	sections []*section
	targets  []target
	appendix []appendix
}

// A section is one comparison: its tables and notes.
type section struct {
	title   string
	intro   string
	tables  []*table
	notes   []string
	load    string // load average when the section started and ended
	elapsed time.Duration
	err     error
}

// A table is a Markdown table.
type table struct {
	caption string
	cols    []string
	rows    [][]string
}

func newTable(caption string, cols ...string) *table {
	return &table{caption: caption, cols: cols}
}

func (t *table) add(cells ...string) {
	for len(cells) < len(t.cols) {
		cells = append(cells, "")
	}
	t.rows = append(t.rows, cells)
}

// A target is one of issue 6's goals and how this run measured against it.
type target struct {
	name     string
	want     string
	measured string
	status   string // "met", "missed", "not measured"
}

// An appendix is a long text (a query plan, a profile) shown collapsed.
type appendix struct {
	title, text string
}

func (r *report) section(title, intro string) *section {
	s := &section{title: title, intro: intro}
	r.sections = append(r.sections, s)
	return s
}

func (s *section) table(caption string, cols ...string) *table {
	t := newTable(caption, cols...)
	s.tables = append(s.tables, t)
	return t
}

func (s *section) note(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

func (r *report) target(name, want, measured string, met bool) {
	st := "missed"
	if met {
		st = "met"
	}
	r.targets = append(r.targets, target{name, want, measured, st})
}

func (r *report) targetNotMeasured(name, want, why string) {
	r.targets = append(r.targets, target{name, want, why, "not measured"})
}

// write renders the report as Markdown.
func (r *report) write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.title)
	for _, a := range r.about {
		fmt.Fprintf(&b, "- %s\n", a)
	}
	b.WriteString("\n")
	if len(r.targets) > 0 {
		b.WriteString("## Targets (issue 6)\n\n")
		t := newTable("", "target", "wanted", "measured in this run", "status")
		for _, tg := range r.targets {
			st := tg.status
			switch st {
			case "met":
				st = "**met**"
			case "missed":
				st = "**MISSED**"
			}
			t.add(tg.name, tg.want, tg.measured, st)
		}
		writeTable(&b, t)
	}
	for i, s := range r.sections {
		fmt.Fprintf(&b, "## %d. %s\n\n", i+1, s.title)
		if s.intro != "" {
			fmt.Fprintf(&b, "%s\n\n", s.intro)
		}
		fmt.Fprintf(&b, "_Load average (1/5/15 min) at start → end: %s; section took %s._\n\n", s.load, secs(s.elapsed.Round(time.Millisecond)))
		for _, t := range s.tables {
			writeTable(&b, t)
		}
		if s.err != nil {
			fmt.Fprintf(&b, "**ERROR:** %v\n\n", s.err)
		}
		for _, n := range s.notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
		if len(s.notes) > 0 {
			b.WriteString("\n")
		}
	}
	for _, a := range r.appendix {
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n```\n%s\n```\n\n</details>\n\n", a.title, strings.TrimRight(a.text, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTable(b *strings.Builder, t *table) {
	if t.caption != "" {
		fmt.Fprintf(b, "**%s**\n\n", t.caption)
	}
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", "\\|") + " |")
		}
		b.WriteString("\n")
	}
	row(t.cols)
	b.WriteString("|")
	for range t.cols {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range t.rows {
		row(r)
	}
	b.WriteString("\n")
}

package quiz

import (
	"fmt"
	"time"
)

// Type is the kind of question.
type Type string

// The question types.
const (
	// SingleBestAnswer has a stem and five options, exactly one correct:
	// the UK medical exam standard.
	SingleBestAnswer Type = "sba"
	// Vignette is a single-best-answer item whose stem is a clinical case.
	Vignette Type = "vignette"
	// MultipleChoice has several options, one or more of them correct.
	MultipleChoice Type = "mcq"
	// TrueFalse is a statement that is true or false.
	TrueFalse Type = "truefalse"
	// ShortAnswer expects a short free-text answer; Answers lists the
	// accepted ones.
	ShortAnswer Type = "short"
)

// Types lists every question type.
var Types = []Type{SingleBestAnswer, Vignette, MultipleChoice, TrueFalse, ShortAnswer}

// Valid reports whether t is a defined type.
func (t Type) Valid() bool {
	switch t {
	case SingleBestAnswer, Vignette, MultipleChoice, TrueFalse, ShortAnswer:
		return true
	}
	return false
}

// Difficulty is an item's intended difficulty.
type Difficulty string

// The difficulty levels.
const (
	Easy   Difficulty = "easy"
	Medium Difficulty = "medium"
	Hard   Difficulty = "hard"
)

// Bloom is the item's level in Bloom's taxonomy (revised).
type Bloom string

// The Bloom levels, lowest first. Items should aim above Remember.
const (
	Remember   Bloom = "remember"
	Understand Bloom = "understand"
	Apply      Bloom = "apply"
	Analyse    Bloom = "analyse"
	Evaluate   Bloom = "evaluate"
	Create     Bloom = "create"
)

// An Item is one question with its answer key, rationale and sources.
type Item struct {
	// ID is stable for the item's content: it is derived from the stem,
	// options and key unless set explicitly.
	ID   string
	Type Type
	// Stem is the question (for a vignette, the case and the question).
	Stem string
	// Options are the choices, in display order. True/false items have
	// ["True", "False"]; short-answer items have none.
	Options []Option
	// Answers are accepted answers of a short-answer item.
	Answers []string
	// Rationale explains the key, with the source's facts.
	Rationale string
	// Citations are the passages that support the key.
	Citations  []Citation
	Difficulty Difficulty
	Bloom      Bloom
	Tags       []string
	// Topic is a short label for grouping, such as the document title.
	Topic string
	// Generator names how the item was made: "rule-based", a model's name,
	// or "imported".
	Generator string
	// Created is when the item was generated or imported.
	Created time.Time
	// Findings are lint and validation results; an item exported with
	// findings carries them for the reviewer.
	Findings []Finding
}

// An Option is one choice of an item.
type Option struct {
	Text    string
	Correct bool
	// Explanation says why a distractor is wrong (or the key right).
	Explanation string
}

// A Citation ties an item to the guidance that supports its key.
type Citation struct {
	DocumentID string
	Version    string
	Title      string
	Section    []string
	ChunkID    string
	ChunkHash  string
	// Quote is the exact supporting text: the document's Body[Start:End].
	Quote      string
	Start, End int
}

// Severity says how serious a finding is.
type Severity string

// The severities. Errors block export unless the caller forces it.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// A Finding is one problem found with an item: a lint rule that fired or a
// validation that failed.
type Finding struct {
	// Rule names the check, e.g. "longest-option-is-key", "key-not-supported".
	Rule     string
	Severity Severity
	// Message says what is wrong, for the educator.
	Message string
	// Text is the part of the item that triggered the rule.
	Text string
}

func (f Finding) String() string {
	if f.Text != "" {
		return fmt.Sprintf("%s %s: %s (%q)", f.Severity, f.Rule, f.Message, f.Text)
	}
	return fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Message)
}

// Key returns the indexes of the correct options.
func (it *Item) Key() []int {
	var k []int
	for i, o := range it.Options {
		if o.Correct {
			k = append(k, i)
		}
	}
	return k
}

// A Bank is a set of items, as exported and imported.
type Bank struct {
	// Name names the bank, e.g. the category in Moodle.
	Name  string
	Items []Item
}

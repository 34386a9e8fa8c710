package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// evalConfig is an eval run's settings file (YAML), so that a run can be
// repeated exactly: "bedside eval run -config eval.yaml". Relative paths
// are relative to the file. Flags given on the command line override it.
type evalConfig struct {
	// Dataset files of cases (.jsonl, .yaml).
	Dataset []string `yaml:"dataset"`
	// Guidance is the guidance file or directory evaluated.
	Guidance string `yaml:"guidance"`
	// Cassette records and replays every model and embedding exchange.
	Cassette string `yaml:"cassette"`
	// HTTP is the record/replay mode: replay (default when a cassette is
	// set), record, record-missing or live.
	HTTP string `yaml:"http"`
	// Results is the results file (JSONL); default <out>/results.jsonl.
	Results string `yaml:"results"`
	// Out is the directory for the reports.
	Out string `yaml:"out"`
	// AsOf is the date whose in-force guidance is used (YYYY-MM-DD).
	AsOf string `yaml:"as_of"`
	// Model is the chat model; empty means extractive answers.
	Model string `yaml:"model"`
	// BaseURL is the OpenAI-compatible endpoint of the model and embedder.
	BaseURL string `yaml:"base_url"`
	// Judge is the judge model; empty means no judge.
	Judge string `yaml:"judge"`
	// Embedder is local (default) or openai; EmbedModel and
	// EmbedDimensions configure openai.
	Embedder        string `yaml:"embedder"`
	EmbedModel      string `yaml:"embed_model"`
	EmbedDimensions int    `yaml:"embed_dimensions"`
	// Seed, K and Concurrency configure the run (see eval.RunOptions).
	Seed        *int     `yaml:"seed"`
	K           int      `yaml:"k"`
	Concurrency int      `yaml:"concurrency"`
	Thresholds  []string `yaml:"thresholds"`
}

// loadEvalConfig reads a config file; unknown fields are errors naming
// their line.
func loadEvalConfig(path string) (*evalConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c evalConfig
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range c.Dataset {
		rel(&c.Dataset[i])
	}
	rel(&c.Guidance)
	rel(&c.Cassette)
	rel(&c.Results)
	rel(&c.Out)
	return &c, nil
}

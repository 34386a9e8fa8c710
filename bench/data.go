package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// t0 is the fixed clock of every store in the run, so that governance
// (approval, effect) never depends on the wall clock.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func now() time.Time { return t0 }

// findMedQuAD returns the MedQuAD directory: dir if given, else the first of
// the places the shared data usually is, relative to the bench module.
func findMedQuAD(dir string) string {
	cands := []string{dir}
	if dir == "" {
		cands = []string{"../../shared/data/medquad", "../shared/data/medquad", "/work/shared/data/medquad"}
	}
	for _, c := range cands {
		if _, err := os.Stat(filepath.Join(c, "corpus.jsonl")); err == nil {
			return c
		}
	}
	return ""
}

// A textSource supplies realistic text: sentences of MedQuAD passages for
// synthetic chunks, and MedQuAD questions for queries. Without MedQuAD it
// falls back to Zipf-distributed made-up words.
type textSource struct {
	sentences []string
	questions []string
	medquad   bool
}

func loadTextSource(medquadDir string) (*textSource, error) {
	ts := &textSource{}
	if medquadDir == "" {
		r := rand.New(rand.NewPCG(1, 2))
		vocab := syntheticVocab()
		z := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
		words := func(n int) string {
			w := make([]string, n)
			for i := range w {
				w[i] = vocab[z.Uint64()]
			}
			return strings.Join(w, " ")
		}
		for range 20000 {
			ts.sentences = append(ts.sentences, words(8+r.IntN(20))+".")
		}
		for range 2000 {
			ts.questions = append(ts.questions, "What is "+words(3)+" ?")
		}
		return ts, nil
	}
	ts.medquad = true
	err := readJSONL(filepath.Join(medquadDir, "corpus.jsonl"), func(p beirLine) {
		for _, s := range sentences.Split(p.Text) {
			if len(s.Text) >= 20 {
				ts.sentences = append(ts.sentences, s.Text)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = readJSONL(filepath.Join(medquadDir, "queries.jsonl"), func(p beirLine) {
		ts.questions = append(ts.questions, p.Text)
	})
	return ts, err
}

func syntheticVocab() []string {
	r := rand.New(rand.NewPCG(3, 4))
	syll := []string{"ba", "ce", "di", "fo", "gu", "ha", "ji", "ko", "lu", "ma", "ne", "pi", "ro", "su", "ta", "ve", "wi", "xo", "ya", "ze", "bra", "cle", "dro", "fli", "gra", "pla", "sto", "tri"}
	seen := map[string]bool{}
	var vocab []string
	for len(vocab) < 30000 {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return vocab
}

type beirLine struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

func readJSONL(path string, f func(beirLine)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var p beirLine
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		f(p)
	}
	return sc.Err()
}

// paragraph returns a passage of about words words made of random sentences.
func (ts *textSource) paragraph(r *rand.Rand, words int) string {
	var b strings.Builder
	n := 0
	for n < words {
		s := ts.sentences[r.IntN(len(ts.sentences))]
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
		n += strings.Count(s, " ") + 1
	}
	return b.String()
}

// A mixture draws unit vectors from a Gaussian mixture: a few hundred
// random unit centres; within a cluster a point varies along 16 directions
// of its own (so the data has a low intrinsic dimension, as sentence
// embeddings do) plus a little isotropic noise. Nearest neighbours are then
// well defined, unlike for uniformly random vectors, where every point is
// about equally far from every other and recall@10 means nothing.
type mixture struct {
	dim, clusters int
	centres       [][]float32
	bases         [][]float32 // per cluster: intrinsic × dim
}

const (
	intrinsic   = 16
	spread      = 0.25 // standard deviation along each intrinsic direction
	noiseEnergy = 0.1  // expected squared norm of the isotropic noise
)

func newMixture(seed uint64, dim, clusters int) *mixture {
	r := rand.New(rand.NewPCG(seed, 11))
	m := &mixture{dim: dim, clusters: clusters}
	for range clusters {
		c := make([]float32, dim)
		for i := range c {
			c[i] = float32(r.NormFloat64())
		}
		m.centres = append(m.centres, retrieval.Normalize(c))
		b := make([]float32, intrinsic*dim)
		for j := range intrinsic {
			row := b[j*dim : (j+1)*dim]
			for i := range row {
				row[i] = float32(r.NormFloat64())
			}
			retrieval.Normalize(row)
		}
		m.bases = append(m.bases, b)
	}
	return m
}

// clustersFor returns the number of mixture centres for n points: a few
// hundred, fewer for small sets.
func clustersFor(n int) int { return max(4, min(300, n/100)) }

// sample writes a point of a random cluster into dst.
func (m *mixture) sample(r *rand.Rand, dst []float32) {
	c := r.IntN(m.clusters)
	copy(dst, m.centres[c])
	b := m.bases[c]
	for j := range intrinsic {
		z := float32(r.NormFloat64() * spread)
		row := b[j*m.dim : (j+1)*m.dim]
		for i := range dst {
			dst[i] += z * row[i]
		}
	}
	sigma := math.Sqrt(noiseEnergy / float64(m.dim))
	for i := range dst {
		dst[i] += float32(r.NormFloat64() * sigma)
	}
	retrieval.Normalize(dst)
}

// fill samples len(slab)/dim points into slab, in parallel, deterministically
// for a given seed.
func (m *mixture) fill(seed uint64, slab []float32) {
	rows := len(slab) / m.dim
	const block = 4096
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for lo := 0; lo < rows; lo += block {
		hi := min(lo+block, rows)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := rand.New(rand.NewPCG(seed, uint64(lo)))
			for i := lo; i < hi; i++ {
				m.sample(r, slab[i*m.dim:(i+1)*m.dim])
			}
		})
	}
	wg.Wait()
}

// A corpus is guidance made for a benchmark: documents of up to perDoc
// chunks, each chunk with a vector, all vectors in one slab in row order.
// Document i has publisher "pub-<i%100>" and specialty "spec-<i%10>", so
// the filters of filterCases pass 100%, 10% and 1% of the documents.
type corpus struct {
	dim     int
	entries []retrieval.Entry
	slab    []float32 // row-major; entries' Vectors point into it
	ids     []string  // chunk ID of each row
	text    []string  // index text of each row
	docOf   []int     // document index of each row
	model   string
}

func (c *corpus) rows() int { return len(c.ids) }

func (c *corpus) row(i int) []float32 { return c.slab[i*c.dim : (i+1)*c.dim : (i+1)*c.dim] }

// A filterCase is a metadata filter with the fraction of rows it passes,
// written for each system under test.
type filterCase struct {
	name    string
	frac    float64
	bedside retrieval.Filter
	chromem map[string]string
	lcg     map[string]any
	pass    func(doc int) bool
}

var filterCases = []filterCase{
	{"none", 1, retrieval.Filter{}, nil, nil, func(int) bool { return true }},
	{"10%", 0.1, retrieval.Filter{Specialties: []string{"spec-3"}},
		map[string]string{"specialty": "spec-3"}, map[string]any{"specialty": "spec-3"},
		func(d int) bool { return d%10 == 3 }},
	{"1%", 0.01, retrieval.Filter{Publishers: []string{"pub-07"}},
		map[string]string{"publisher": "pub-07"}, map[string]any{"publisher": "pub-07"},
		func(d int) bool { return d%100 == 7 }},
}

// setFilterMetadata gives document i the metadata filterCases select on.
func setFilterMetadata(d *guidance.Document, i int) {
	d.Publisher = fmt.Sprintf("pub-%02d", i%100)
	d.Specialties = []string{fmt.Sprintf("spec-%d", i%10)}
}

// syntheticCorpus makes about n chunks in documents of perDoc sections of
// about words words each, with vectors from mix.
func syntheticCorpus(ts *textSource, mix *mixture, n, perDoc, words int, seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, 5))
	ndocs := (n + perDoc - 1) / perDoc
	docs := make([]*guidance.Document, ndocs)
	for i := range docs {
		d := &guidance.Document{Metadata: guidance.Metadata{
			ID:      fmt.Sprintf("doc-%06d", i),
			Title:   fmt.Sprintf("Synthetic guidance %d", i),
			Version: "1",
			Status:  guidance.Approved,
		}}
		setFilterMetadata(d, i)
		var body strings.Builder
		secs := min(perDoc, n-i*perDoc)
		for j := range secs {
			if j > 0 {
				body.WriteString("\n\n")
			}
			text := ts.paragraph(r, words)
			d.Sections = append(d.Sections, guidance.Section{Heading: []string{fmt.Sprintf("Part %d", j+1)}, Text: text, Offset: body.Len()})
			body.WriteString(text)
		}
		d.Body = body.String()
		docs[i] = d
	}
	return buildCorpus(docs, mix.dim, "bench-mixture", func(c *corpus) { mix.fill(seed, c.slab) })
}

// buildCorpus chunks docs with the default chunker and fills the vectors.
func buildCorpus(docs []*guidance.Document, dim int, model string, fill func(c *corpus)) *corpus {
	var ck retrieval.Chunker
	c := &corpus{dim: dim, model: model}
	c.entries = make([]retrieval.Entry, len(docs))
	for i, d := range docs {
		chunks := ck.Split(d)
		c.entries[i] = retrieval.Entry{Document: d, Chunks: chunks, Model: model}
		for j := range chunks {
			c.ids = append(c.ids, chunks[j].ID)
			c.text = append(c.text, chunks[j].IndexText())
			c.docOf = append(c.docOf, i)
		}
	}
	c.slab = make([]float32, len(c.ids)*dim)
	fill(c)
	row := 0
	for i := range c.entries {
		e := &c.entries[i]
		e.Vectors = make([][]float32, len(e.Chunks))
		for j := range e.Vectors {
			e.Vectors[j] = c.row(row)
			row++
		}
	}
	return c
}

// groups splits entries into Puts of about size chunks, as
// retrieval.Library does with its default PutSize.
func groups(entries []retrieval.Entry, size int) [][]retrieval.Entry {
	var out [][]retrieval.Entry
	var g []retrieval.Entry
	n := 0
	for _, e := range entries {
		g = append(g, e)
		n += len(e.Chunks)
		if n >= size {
			out = append(out, g)
			g, n = nil, 0
		}
	}
	if len(g) > 0 {
		out = append(out, g)
	}
	return out
}

// A query is a benchmark query: a question and a vector.
type query struct {
	text string
	vec  []float32
}

// mixtureQueries draws n queries: vectors from mix, texts from MedQuAD
// questions.
func mixtureQueries(ts *textSource, mix *mixture, n int, seed uint64) []query {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([]query, n)
	for i := range out {
		v := make([]float32, mix.dim)
		mix.sample(r, v)
		out[i] = query{text: ts.questions[r.IntN(len(ts.questions))], vec: v}
	}
	return out
}

// loadMedQuAD loads up to limit passages (0: all) of the MedQuAD corpus as
// approved guidance, with the filter metadata of setFilterMetadata.
func loadMedQuAD(dir string, limit int) ([]*guidance.Document, error) {
	l := &guidance.Loader{Defaults: guidance.Metadata{Status: guidance.Approved, Version: "1"}}
	docs, err := l.LoadFile(filepath.Join(dir, "corpus.jsonl"))
	if err != nil {
		return nil, err
	}
	if limit > 0 && limit < len(docs) {
		docs = docs[:limit]
	}
	for i, d := range docs {
		setFilterMetadata(d, i)
	}
	return docs, nil
}

// medquadQuestions returns up to limit (0: all) questions whose relevant
// passage is among docs (nil: any), spread evenly over the file.
func medquadQuestions(dir string, docs []*guidance.Document, limit int) ([]string, error) {
	have := make(map[string]bool, len(docs))
	for _, d := range docs {
		have[d.ID] = true
	}
	var qs []string
	err := readJSONL(filepath.Join(dir, "queries.jsonl"), func(p beirLine) {
		// In MedQuAD a question's ID is its passage's ID.
		if docs == nil || have[p.ID] {
			qs = append(qs, p.Text)
		}
	})
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(qs) > limit {
		step := float64(len(qs)) / float64(limit)
		out := make([]string, limit)
		for i := range out {
			out[i] = qs[int(float64(i)*step)]
		}
		qs = out
	}
	return qs, nil
}

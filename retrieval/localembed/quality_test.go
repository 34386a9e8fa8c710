package localembed

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/viterin/vek/vek32"
)

// The quality tests measure retrieval on public data outside the repository
// (see /work/shared/data/README.md). They are opt-in, being slow:
//
//	BEDSIDE_QUALITY=1 go test ./retrieval/localembed -run Quality -v
//
// runs the default settings plus BM25 and hybrid (RRF) baselines;
// BEDSIDE_QUALITY=ablation also runs every variant in qualityVariants
// (filter them with BEDSIDE_QUALITY_VARIANT=regexp). BEDSIDE_DATA overrides
// the data directory, by default ../../../shared/data.

type variant struct {
	name              string
	cfg               config
	queriesAsPassages bool // embed queries with Embed, not EmbedQuery
}

func qualityVariants() []variant {
	d := defaultConfig(DefaultDim)
	with := func(name string, f func(*config)) variant {
		c := d
		f(&c)
		return variant{name: name, cfg: c}
	}
	return []variant{
		{name: "unigrams only, cosine", cfg: config{dim: DefaultDim, unigram: 1}},
		with("unigrams + spelling + common words, cosine", func(c *config) {
			c.concept, c.expand, c.bigram, c.chargram, c.slope, c.hashes = 0, 0, 0, 0, 0, 1
		}),
		with("  + pivoted length normalisation", func(c *config) { c.concept, c.expand, c.bigram, c.chargram, c.hashes = 0, 0, 0, 0, 1 }),
		with("  + concepts", func(c *config) { c.expand, c.bigram, c.chargram, c.hashes = 0, 0, 0, 1 }),
		with("  + concept expansion", func(c *config) { c.bigram, c.chargram, c.hashes = 0, 0, 1 }),
		with("  + bigrams", func(c *config) { c.chargram, c.hashes = 0, 1 }),
		with("  + char n-grams", func(c *config) { c.hashes = 1 }),
		with("  + 2 hashes per feature (= default)", func(c *config) {}),
		with("default - concepts (and expansion)", func(c *config) { c.concept, c.expand = 0, 0 }),
		with("default - concept expansion", func(c *config) { c.expand = 0 }),
		with("default - bigrams", func(c *config) { c.bigram = 0 }),
		with("default - char n-grams", func(c *config) { c.chargram = 0 }),
		with("default - common-word weights", func(c *config) { c.common = 0 }),
		with("default + clinical common words", func(c *config) { c.common = 2 }),
		with("default - spelling", func(c *config) { c.spelling = false }),
		with("default - pivot (Options.Symmetric)", func(c *config) { c.slope = 0 }),
		{name: "default, queries wrongly embedded with Embed", cfg: d, queriesAsPassages: true},
		with("1 hash per feature", func(c *config) { c.hashes = 1 }),
		with("3 hashes per feature", func(c *config) { c.hashes = 3 }),
		with("char n-grams 0.4", func(c *config) { c.chargram = 0.4 }),
		with("char n-grams 3-4", func(c *config) { c.maxN = 4 }),
		with("bigrams 0.5", func(c *config) { c.bigram = 0.5 }),
		with("concepts 0.5", func(c *config) { c.concept = 0.5 }),
		with("concept expansion 0.5", func(c *config) { c.expand = 0.5 }),
		with("slope 0.5", func(c *config) { c.slope = 0.5 }),
		with("slope 0.7", func(c *config) { c.slope = 0.7 }),
		with("dim 768", func(c *config) { c.dim = 768 }),
		with("dim 1536", func(c *config) { c.dim = 1536 }),
	}
}

func qualityMode(t *testing.T) string {
	t.Helper()
	mode := os.Getenv("BEDSIDE_QUALITY")
	if mode == "" {
		t.Skip("set BEDSIDE_QUALITY=1 (or =ablation) to measure retrieval quality")
	}
	return mode
}

func dataDir() string {
	if d := os.Getenv("BEDSIDE_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "data")
}

// A benchmark is a retrieval task: queries, documents and which documents
// answer each query.
type benchmark struct {
	name    string
	docs    []string
	queries []string
	rel     [][]int // rel[q]: indexes of the documents relevant to query q
}

func TestMedquadQuality(t *testing.T) {
	mode := qualityMode(t)
	b, err := loadMedquad(filepath.Join(dataDir(), "medquad"))
	if err != nil {
		t.Skipf("medquad data: %v", err)
	}
	runQuality(t, b, mode)
}

func TestPubMedQAQuality(t *testing.T) {
	mode := qualityMode(t)
	b, err := loadPubMedQA(filepath.Join(dataDir(), "pubmedqa", "pubmedqa_pqal.jsonl"))
	if err != nil {
		t.Skipf("pubmedqa data: %v", err)
	}
	runQuality(t, b, mode)
}

func runQuality(t *testing.T, b *benchmark, mode string) {
	t.Logf("%s: %d documents, %d queries, GOMAXPROCS=%d", b.name, len(b.docs), len(b.queries), runtime.GOMAXPROCS(0))
	t.Logf("%-55s %7s %7s %7s %7s %7s  %s", "variant", "R@1", "R@5", "R@10", "MRR@10", "nDCG10", "embed time")
	vs := []variant{{name: "default (" + defaultConfig(DefaultDim).model() + ")", cfg: defaultConfig(DefaultDim)}}
	if mode == "ablation" {
		vs = qualityVariants()
		if re := os.Getenv("BEDSIDE_QUALITY_VARIANT"); re != "" {
			pat := regexp.MustCompile(re)
			vs = slices.DeleteFunc(vs, func(v variant) bool { return !pat.MatchString(v.name) })
		}
	}
	lexical := bm25Rank(b)
	t.Logf("%-55s %s", "BM25 (internal/bm25, internal/terms)", metrics(lexical, b.rel))
	for _, v := range vs {
		e := newWithConfig(v.cfg)
		start := time.Now()
		dv, err := e.Embed(context.Background(), b.docs)
		if err != nil {
			t.Fatalf("Embed(docs) = %v", err)
		}
		took := time.Since(start)
		qv := e.embedQueries(b.queries)
		if v.queriesAsPassages {
			if qv, err = e.Embed(context.Background(), b.queries); err != nil {
				t.Fatalf("Embed(queries) = %v", err)
			}
		}
		dense := denseRank(dv, qv, 10)
		t.Logf("%-55s %s  %v", v.name, metrics(dense, b.rel), took.Round(time.Millisecond))
		if mode != "ablation" || (v.cfg == defaultConfig(v.cfg.dim) && !v.queriesAsPassages) {
			t.Logf("%-55s %s", "  hybrid: RRF(k=60) of BM25 and "+v.name, metrics(rrf(lexical, dense, 60, 10), b.rel))
		}
	}
}

// metrics formats recall@1/5/10, MRR@10 and nDCG@10 (binary relevance) of
// ranked results.
func metrics(ranked [][]int, rel [][]int) string {
	var r1, r5, r10, mrr, ndcg float64
	for q, top := range ranked {
		relevant := rel[q]
		hits := func(k int) float64 {
			n := 0
			for _, d := range top[:min(k, len(top))] {
				if slices.Contains(relevant, d) {
					n++
				}
			}
			return float64(n) / float64(len(relevant))
		}
		r1 += hits(1)
		r5 += hits(5)
		r10 += hits(10)
		var dcg, idcg float64
		for i, d := range top[:min(10, len(top))] {
			if slices.Contains(relevant, d) {
				if dcg == 0 { // the first relevant hit
					mrr += 1 / float64(i+1)
				}
				dcg += 1 / math.Log2(float64(i+2))
			}
		}
		for i := range min(10, len(relevant)) {
			idcg += 1 / math.Log2(float64(i+2))
		}
		ndcg += dcg / idcg
	}
	n := float64(len(ranked))
	return fmt.Sprintf("%7.4f %7.4f %7.4f %7.4f %7.4f", r1/n, r5/n, r10/n, mrr/n, ndcg/n)
}

// denseRank returns, for each query vector, the indexes of the k documents
// of highest cosine similarity (all vectors have unit length), by exact
// brute-force search.
func denseRank(docs, queries [][]float32, k int) [][]int {
	out := make([][]int, len(queries))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := w; q < len(queries); q += workers {
				out[q] = topK(len(docs), k, func(d int) float64 { return float64(vek32.Dot(queries[q], docs[d])) })
			}
		}()
	}
	wg.Wait()
	return out
}

// topK returns the indexes of the k highest scores among n, best first;
// ties go to the lower index.
func topK(n, k int, score func(int) float64) []int {
	type hit struct {
		i int
		s float64
	}
	var best []hit
	for i := range n {
		s := score(i)
		if len(best) == k && s <= best[k-1].s {
			continue
		}
		p, _ := slices.BinarySearchFunc(best, s, func(h hit, s float64) int { return cmp.Compare(s, h.s) })
		for p < len(best) && best[p].s == s {
			p++
		}
		best = slices.Insert(best, p, hit{i, s})
		if len(best) > k {
			best = best[:k]
		}
	}
	out := make([]int, len(best))
	for j, h := range best {
		out[j] = h.i
	}
	return out
}

// bm25Rank ranks documents for each query with BM25 over the analyser every
// store uses, as the lexical leg of hybrid search does.
func bm25Rank(b *benchmark) [][]int {
	type posting struct {
		doc int
		tf  int
	}
	index := make(map[string][]posting)
	lengths := make([]int, len(b.docs))
	var total int
	for d, text := range b.docs {
		tf, n := terms.Counts(text)
		lengths[d] = n
		total += n
		keys := make([]string, 0, len(tf))
		for k := range tf {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			index[k] = append(index[k], posting{d, tf[k]})
		}
	}
	avg := float64(total) / float64(len(b.docs))
	out := make([][]int, len(b.queries))
	scores := make([]float64, len(b.docs))
	for q, text := range b.queries {
		clear(scores)
		qt, _ := terms.Counts(text)
		for term := range qt {
			ps := index[term]
			idf := bm25.IDF(len(b.docs), len(ps))
			for _, p := range ps {
				scores[p.doc] += idf * bm25.Weight(p.tf, lengths[p.doc], avg)
			}
		}
		out[q] = topK(len(b.docs), 10, func(d int) float64 { return scores[d] })
	}
	return out
}

// rrf fuses two rankings by reciprocal-rank fusion: Σ 1/(c + rank).
func rrf(a, b [][]int, c float64, k int) [][]int {
	out := make([][]int, len(a))
	for q := range a {
		score := make(map[int]float64)
		var order []int
		for _, list := range [][]int{a[q], b[q]} {
			for r, d := range list {
				if _, ok := score[d]; !ok {
					order = append(order, d)
				}
				score[d] += 1 / (c + float64(r+1))
			}
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(score[y], score[x]) })
		out[q] = order[:min(k, len(order))]
	}
	return out
}

func loadMedquad(dir string) (*benchmark, error) {
	b := &benchmark{name: "medquad"}
	docIndex := make(map[string]int)
	err := readJSONL(filepath.Join(dir, "corpus.jsonl"), func(line []byte) error {
		var d struct {
			ID          string `json:"_id"`
			Title, Text string
		}
		if err := json.Unmarshal(line, &d); err != nil {
			return err
		}
		docIndex[d.ID] = len(b.docs)
		b.docs = append(b.docs, d.Title+"\n"+d.Text)
		return nil
	})
	if err != nil {
		return nil, err
	}
	queryIndex := make(map[string]int)
	err = readJSONL(filepath.Join(dir, "queries.jsonl"), func(line []byte) error {
		var q struct {
			ID   string `json:"_id"`
			Text string
		}
		if err := json.Unmarshal(line, &q); err != nil {
			return err
		}
		queryIndex[q.ID] = len(b.queries)
		b.queries = append(b.queries, q.Text)
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.rel = make([][]int, len(b.queries))
	qrels, err := os.ReadFile(filepath.Join(dir, "qrels.tsv"))
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(strings.TrimSpace(string(qrels)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 3 || f[2] == "0" {
			continue
		}
		q, ok1 := queryIndex[f[0]]
		d, ok2 := docIndex[f[1]]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("qrels line %d: unknown id", i+1)
		}
		b.rel[q] = append(b.rel[q], d)
	}
	// Queries without judgements are not scored, as in BEIR. (In the shared
	// copy the 42 renamed "ID#k" queries have no qrels line.)
	var queries []string
	var rel [][]int
	for q, r := range b.rel {
		if len(r) > 0 {
			queries = append(queries, b.queries[q])
			rel = append(rel, r)
		}
	}
	b.queries, b.rel = queries, rel
	return b, nil
}

func loadPubMedQA(path string) (*benchmark, error) {
	b := &benchmark{name: "pubmedqa"}
	err := readJSONL(path, func(line []byte) error {
		var it struct {
			Question string
			Contexts []string
		}
		if err := json.Unmarshal(line, &it); err != nil {
			return err
		}
		b.rel = append(b.rel, []int{len(b.docs)})
		b.docs = append(b.docs, strings.Join(it.Contexts, "\n"))
		b.queries = append(b.queries, it.Question)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func readJSONL(path string, f func([]byte) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	s := bufio.NewScanner(file)
	s.Buffer(make([]byte, 1<<20), 1<<26)
	for s.Scan() {
		if err := f(s.Bytes()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return s.Err()
}

// embedQueries embeds many queries; for tests.
func (e *Embedder) embedQueries(texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newFeaturizer(&e.cfg, e.lex)
			for i := w; i < len(texts); i += workers {
				out[i] = make([]float32, e.cfg.dim)
				f.embed(texts[i], out[i], true)
			}
		}()
	}
	wg.Wait()
	return out
}

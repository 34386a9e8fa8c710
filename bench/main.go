// Command bench measures Bedside's retrieval stores and pipelines side by
// side with chromem-go and langchaingo, on the same data in the same run,
// and prints a Markdown report: absolute figures, ratios, and how each of
// issue 6's targets fared. See README.md.
//
//	go run .                 # the full run (PostgreSQL from BEDSIDE_TEST_DATABASE_URL)
//	go run . -quick          # a smaller run, under about two minutes
//	go run . -out results.md # also write the report to a file
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/viterin/vek"
)

// A shape is a data set size: n vectors of dim dimensions.
type shape struct{ n, dim int }

func (s shape) String() string { return short(s.n) + " × " + strconv.Itoa(s.dim) }

// short formats 10000 as "10k".
func short(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return count(n)
}

// config sizes a run.
type config struct {
	mode    string
	repeats int // repeats of each latency measurement

	bwSlabMB int

	embedded    []shape
	nQueries    int // distinct queries per data set
	queryBudget budget
	qpsBudget   budget
	chunkWords  int // words per synthetic chunk

	persist        []shape
	persistRepeats int

	pgIngest         []shape
	pgRepeats        int
	lcgHNSWRepeats   int
	pgMaintenanceMem string
	pgWhatIfMem      string // an extra Bedside load with this MaintenanceWorkMem
	pgBudget         budget
	lcgBudget        budget
	recallQueries    int
	lcgRecallQueries int
	medquadLimit     int // passages for the real-embedding search; 0: all
	medquadQueries   int

	lexPassages int // 0: all
	lexQueries  int // 0: all
	lexRepeats  int

	embedPassages int
	embedDim      int
	embedRepeats  int
	latencies     []latencyModel

	evalCases   int
	evalLatency time.Duration
	evalConc    int
}

func fullConfig() config {
	return config{
		mode: "full", repeats: 3, bwSlabMB: 1024,
		embedded:    []shape{{10_000, 384}, {10_000, 1536}, {100_000, 384}, {100_000, 1536}},
		nQueries:    200,
		queryBudget: budget{Min: 20, Max: 5000, Time: 1500 * time.Millisecond},
		qpsBudget:   budget{Min: 20, Max: 20000, Time: time.Second},
		chunkWords:  110,

		persist: []shape{{10_000, 384}, {100_000, 384}}, persistRepeats: 3,

		pgIngest: []shape{{20_000, 384}, {100_000, 384}, {10_000, 1536}}, pgRepeats: 3, lcgHNSWRepeats: 1,
		pgBudget:      budget{Min: 50, Max: 3000, Time: 2 * time.Second},
		lcgBudget:     budget{Min: 8, Max: 500, Time: 2 * time.Second},
		recallQueries: 200, lcgRecallQueries: 20,
		medquadQueries: 300,

		lexRepeats: 3,

		embedPassages: 2000, embedDim: 1536, embedRepeats: 3,
		latencies: []latencyModel{
			{"100 ms per request", 100 * time.Millisecond, 0},
			{"50 ms + 0.5 ms per input", 50 * time.Millisecond, 500 * time.Microsecond},
		},

		evalCases: 300, evalLatency: 100 * time.Millisecond, evalConc: 4,
	}
}

// quickConfig is the -quick run: the same code paths on small data.
func quickConfig() config {
	c := fullConfig()
	c.mode, c.repeats, c.bwSlabMB = "quick", 2, 256
	c.embedded = []shape{{10_000, 384}, {10_000, 1536}}
	c.nQueries = 100
	c.queryBudget = budget{Min: 10, Max: 2000, Time: 150 * time.Millisecond}
	c.qpsBudget = budget{Min: 10, Max: 5000, Time: 150 * time.Millisecond}
	c.persist, c.persistRepeats = []shape{{10_000, 384}}, 1
	c.pgIngest, c.pgRepeats = []shape{{5_000, 384}, {1_000, 1536}}, 1
	c.pgWhatIfMem = ""
	c.pgBudget = budget{Min: 20, Max: 500, Time: 200 * time.Millisecond}
	c.lcgBudget = budget{Min: 3, Max: 50, Time: 200 * time.Millisecond}
	c.recallQueries, c.lcgRecallQueries = 50, 5
	c.medquadLimit, c.medquadQueries = 1000, 100
	c.lexQueries, c.lexRepeats = 2000, 1
	c.embedPassages, c.embedRepeats = 250, 1
	c.latencies = c.latencies[:1]
	c.evalCases = 100
	return c
}

// tinyConfig runs every code path in seconds, for the package test.
func tinyConfig() config {
	c := quickConfig()
	c.mode, c.repeats, c.bwSlabMB = "tiny", 1, 16
	c.embedded = []shape{{2_000, 32}}
	c.nQueries = 20
	c.queryBudget = budget{Min: 5, Max: 50, Time: 10 * time.Millisecond}
	c.qpsBudget = budget{Min: 5, Max: 50, Time: 10 * time.Millisecond}
	c.chunkWords = 30
	c.persist = []shape{{1_000, 32}}
	c.pgIngest = []shape{{1_000, 32}, {500, 64}}
	c.pgWhatIfMem = "128MB"
	c.pgBudget = budget{Min: 3, Max: 10, Time: 10 * time.Millisecond}
	c.lcgBudget = budget{Min: 2, Max: 5, Time: 10 * time.Millisecond}
	c.recallQueries, c.lcgRecallQueries = 5, 2
	c.medquadLimit, c.medquadQueries = 200, 10
	c.lexPassages, c.lexQueries = 300, 50
	c.embedPassages, c.embedDim = 30, 64
	c.latencies = []latencyModel{{"5 ms per request", 5 * time.Millisecond, 0}}
	c.evalCases, c.evalLatency = 20, 5*time.Millisecond
	return c
}

// env is what the sections share.
type env struct {
	cfg     config
	logf    func(format string, args ...any)
	rep     *report
	ts      *textSource
	medquad string // MedQuAD directory, or "" if absent
	bw1     float64
	bw2     float64 // measured read bandwidth, bytes/s, 1 and 2 goroutines
	pg      *pgEnv  // nil without a database
}

// sectionNames lists the sections in order, for -only.
var sectionNames = []string{"embedded", "persist", "pgingest", "pgsearch", "lexical", "embed", "eval"}

// options are the command's settings beyond the config.
type options struct {
	dbURL      string
	medquadDir string
	only       map[string]bool // nil: every section
	requireDB  bool
}

// runAll runs the sections and returns the report.
func runAll(ctx context.Context, cfg config, o options, logf func(string, ...any)) (*report, error) {
	start := time.Now()
	startLoad := loadavg()
	rep := &report{title: "Bedside performance: side by side with chromem-go and langchaingo (" + cfg.mode + " run)"}
	e := &env{cfg: cfg, logf: logf, rep: rep}
	e.medquad = findMedQuAD(o.medquadDir)
	ts, err := loadTextSource(e.medquad)
	if err != nil {
		return nil, fmt.Errorf("reading MedQuAD: %w", err)
	}
	e.ts = ts

	logf("measuring memory bandwidth")
	slab := make([]float32, cfg.bwSlabMB<<20/4)
	for i := range slab {
		slab[i] = 1
	}
	e.bw1 = readBandwidth(slab, 1, 5)
	e.bw2 = readBandwidth(slab, 2, 5)
	slab = nil
	freeMemory()

	pgDesc := "not used (no database URL: PostgreSQL sections skipped)"
	if o.dbURL != "" {
		p, err := openPG(ctx, o.dbURL)
		if err != nil {
			if o.requireDB {
				return nil, fmt.Errorf("database: %w", err)
			}
			pgDesc = "unreachable (" + err.Error() + "): PostgreSQL sections skipped"
		} else {
			e.pg = p
			pgDesc = p.versions(ctx)
			defer func() {
				if err := p.close(); err != nil {
					logf("cleanup: %v", err)
				}
			}()
		}
	} else if o.requireDB {
		return nil, errors.New("BEDSIDE_REQUIRE_DB is set but no database URL was given")
	}

	type sec struct {
		name, title, intro string
		run                func(context.Context, *env, *section) error
		needsDB            bool
	}
	all := []sec{
		{"embedded", "Embedded store: exact top-10 vector query",
			"Bedside's filestore (`Store.Search`, vector mode, K=10) against chromem-go's `Collection.QueryEmbedding` and a hand-written SIMD flat-slab scan (vek32.Dot over one contiguous slab, top-10 heap), on the same clustered vectors, unfiltered and with metadata filters passing 10% and 1% of the documents (chromem-go: its `where` filter).",
			embeddedQuery, false},
		{"persist", "Embedded store: ingest, bytes on disk, reopen",
			"Bedside's filestore persisted to one file against chromem-go's persistent DB (`NewPersistentDB`, uncompressed).",
			embeddedPersist, false},
		{"pgingest", "PostgreSQL: ingest and time until searchable with HNSW",
			"Bedside's pgstore (`Put` in groups of ~2,048 chunks, then `Optimize`) against langchaingo's pgvector store (`AddDocuments`), with and without its `WithHNSWIndex` option, on the same chunks and vectors.",
			pgIngest, true},
		{"pgsearch", "PostgreSQL: vector, lexical and hybrid search",
			"Bedside's pgstore (after `Optimize`: HNSW with iterative scans; BM25 as sparsevec) against langchaingo's `SimilaritySearch`, on the data loaded in section 3 (clustered synthetic vectors) and on MedQuAD embedded by Bedside's local embedder. Top-10 latency, recall@10 against an exact scan, hit counts under filters, and each system's query plan.",
			pgSearch, true},
		{"lexical", "Lexical search throughput on MedQuAD",
			"Bedside's filestore in lexical (BM25) mode over the MedQuAD corpus, single-threaded, against a plain in-memory Go BM25 (same analyzer and formulas) and issue 6's Lucene anchor.",
			lexicalSearch, false},
		{"embed", "Embedding pipeline against an OpenAI-compatible server",
			"Bedside's `retrieval.Library.Ingest` with `openaiembed` (concurrent batches, base64 vectors) against langchaingo's OpenAI embedder (`embeddings.NewEmbedder`, sequential batches, float JSON), on the same texts, against internal/openaitest with a fixed response latency.",
			embedPipeline, false},
		{"eval", "Eval harness throughput",
			"The eval runner (`eval.Run`) over cases answered by a fake LLM with a fixed latency: wall time against the ideal N·latency/concurrency, and a re-run that replays everything.",
			evalHarness, false},
	}
	for _, sc := range all {
		if o.only != nil && !o.only[sc.name] {
			continue
		}
		s := rep.section(sc.title, sc.intro)
		if sc.needsDB && e.pg == nil {
			s.note("Skipped: no PostgreSQL (set BEDSIDE_TEST_DATABASE_URL or -db).")
			s.load = loadavg() + " → " + loadavg()
			continue
		}
		logf("section: %s", sc.title)
		l0, t0 := loadavg(), time.Now()
		s.err = sc.run(ctx, e, s)
		s.load, s.elapsed = l0+" → "+loadavg(), time.Since(t0)
		if s.err != nil {
			logf("section %s: %v", sc.name, s.err)
			if ctx.Err() != nil {
				break
			}
		}
		freeMemory()
	}
	host, _ := os.Hostname()
	rep.about = []string{
		"Command: `" + strings.Join(append([]string{"go run ."}, os.Args[1:]...), " ") + "` in bench/ (mode: " + cfg.mode + ")",
		"Date: " + start.UTC().Format(time.RFC3339) + "; whole run took " + secs(time.Since(start).Round(time.Second)),
		"Machine: " + machine() + " (host " + host + ")",
		fmt.Sprintf("Go %s, GOMAXPROCS=%d; vek AVX2 acceleration: %v", runtime.Version(), runtime.GOMAXPROCS(0), vek.Info().Acceleration),
		fmt.Sprintf("Memory read bandwidth measured in this run: %s GB/s (1 goroutine), %s GB/s (2 goroutines)", sig3(e.bw1/1e9), sig3(e.bw2/1e9)),
		"Database: " + pgDesc,
		"Load average (1/5/15 min) at start: " + startLoad + "; at end: " + loadavg() + " (other work shares this machine; each section shows its own)",
		"Latencies: p50/p95/p99 within each repeat, then the median over repeats; ratios compare medians measured side by side in this run.",
	}
	if e.medquad == "" {
		rep.about = append(rep.about, "MedQuAD: not found; synthetic text used and the MedQuAD rows skipped")
	} else {
		rep.about = append(rep.about, "Text and queries: MedQuAD (BEIR) from "+e.medquad)
	}
	return rep, nil
}

// machine describes the CPU and memory from /proc.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, ln := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(ln, "model name") {
				if _, v, ok := strings.Cut(ln, ":"); ok {
					model = strings.TrimSpace(v)
				}
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, ln := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(ln, "MemTotal:") {
				f := strings.Fields(ln)
				if len(f) >= 2 {
					if kb, err := strconv.Atoi(f[1]); err == nil {
						mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
					}
				}
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs%s", model, runtime.NumCPU(), mem)
}

func main() {
	quick := flag.Bool("quick", false, "a smaller run (about two minutes) that exercises every comparison")
	out := flag.String("out", "", "also write the Markdown report to this file")
	db := flag.String("db", os.Getenv("BEDSIDE_TEST_DATABASE_URL"), "PostgreSQL URL (with pgvector); default $BEDSIDE_TEST_DATABASE_URL; empty skips the PostgreSQL sections")
	medquad := flag.String("medquad", "", "MedQuAD BEIR directory (corpus.jsonl, queries.jsonl); default: ../../shared/data/medquad and similar")
	only := flag.String("only", "", "comma-separated sections to run: "+strings.Join(sectionNames, ", ")+" (pgsearch needs pgingest)")
	embedded := flag.String("embedded", "", "override the embedded-store shapes, e.g. 100000x384,10000x1536")
	pgShapes := flag.String("pg", "", "override the PostgreSQL ingest shapes, e.g. 100000x384")
	pgMem := flag.String("pg-maintenance-work-mem", "", "pgstore Options.MaintenanceWorkMem for the HNSW build (default: pgstore's estimate of the graph's size, or the server's setting if larger)")
	pgRepeats := flag.Int("pg-repeats", 0, "repeats of each PostgreSQL load (default 3; 1 in -quick)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()

	cfg := fullConfig()
	if *quick {
		cfg = quickConfig()
	}
	var err error
	if *embedded != "" {
		if cfg.embedded, err = parseShapes(*embedded); err != nil {
			fatal(err)
		}
	}
	if *pgShapes != "" {
		if cfg.pgIngest, err = parseShapes(*pgShapes); err != nil {
			fatal(err)
		}
	}
	cfg.pgMaintenanceMem = *pgMem
	if *pgRepeats > 0 {
		cfg.pgRepeats = *pgRepeats
	}
	o := options{dbURL: *db, medquadDir: *medquad, requireDB: os.Getenv("BEDSIDE_REQUIRE_DB") != ""}
	if *only != "" {
		o.only = map[string]bool{}
		for _, s := range strings.Split(*only, ",") {
			s = strings.TrimSpace(s)
			known := false
			for _, n := range sectionNames {
				known = known || n == s
			}
			if !known {
				fatal(fmt.Errorf("unknown section %q (want one of %s)", s, strings.Join(sectionNames, ", ")))
			}
			o.only[s] = true
		}
		if o.only["pgsearch"] {
			o.only["pgingest"] = true
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "[%6.1fs load %s] %s\n", time.Since(start).Seconds(), loadavg(), fmt.Sprintf(format, args...))
	}
	rep, err := runAll(ctx, cfg, o, logf)
	if err != nil {
		fatal(err)
	}
	if err := rep.write(os.Stdout); err != nil {
		fatal(err)
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fatal(err)
		}
		if err := rep.write(f); err != nil {
			fatal(err)
		}
		if err := f.Close(); err != nil {
			fatal(err)
		}
	}
	failed := false
	for _, s := range rep.sections {
		failed = failed || s.err != nil
	}
	if failed {
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func parseShapes(s string) ([]shape, error) {
	var out []shape
	for _, p := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(p), "x")
		n, err1 := strconv.Atoi(a)
		d, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n <= 0 || d <= 0 {
			return nil, fmt.Errorf("bad shape %q (want NxD, e.g. 100000x384)", p)
		}
		out = append(out, shape{n, d})
	}
	return out, nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

package eval

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bedside-ai/bedside/internal/httprr"
	"github.com/bedside-ai/bedside/internal/version"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// SchemaVersion is the version of the results file and the JSON report
// (see SCHEMA.md). It changes whenever a field changes meaning or is
// removed; added fields do not change it.
const SchemaVersion = 1

// DefaultConcurrency is the default number of cases run at once.
const DefaultConcurrency = 4

// DefaultSeed is the seed sent to the model when RunOptions.Seed is nil.
const DefaultSeed = 7

// RunOptions configure [Run].
type RunOptions struct {
	// Tutor configures the tutor under test; its Mode is set per case, and
	// its Seed defaults to [DefaultSeed]. Tutor.Model nil means extractive
	// answers, with no model at all. Requests are always made at
	// temperature 0.
	Tutor tutor.Options
	// Judge, if set, also judges every answer sentence with a language
	// model, beside the deterministic checker.
	Judge *Judge
	// Checker re-checks every answer sentence, independently of the
	// tutor's own verification; the zero value is the default checker.
	Checker grounding.Checker
	// Results is the results file (JSON Lines), required. One line is
	// appended, and synced to disk, per finished case; a run that finds
	// the file skips the cases already in it, so a killed run loses
	// nothing and resumes where it stopped.
	Results string
	// RetryErrors also re-runs the cases whose result is an
	// infrastructure error. Quality failures are never re-run.
	RetryErrors bool
	// Concurrency bounds the cases in flight; default [DefaultConcurrency].
	Concurrency int
	// Corpus identifies the guidance corpus (see [CorpusHash]); it is
	// recorded in the results header, so that results are never mixed
	// across corpora.
	Corpus string
	// WallClock records each case's wall-clock time. It is off by default
	// because it makes results differ from run to run.
	WallClock bool
	// Progress, if set, is called after each case with the number done
	// (skipped cases included) and the total.
	Progress func(done, total int)
}

// A RunHeader is the first line of a results file: what the results were
// made with. A results file is only resumed by a run with an equal header.
type RunHeader struct {
	Type               string  `json:"type"` // "run"
	SchemaVersion      int     `json:"schema_version"`
	Dataset            string  `json:"dataset"`
	Cases              int     `json:"cases"`
	Corpus             string  `json:"corpus,omitempty"`
	Model              string  `json:"model"`
	PromptVersion      string  `json:"prompt_version"`
	Judge              string  `json:"judge,omitempty"`
	JudgePromptVersion string  `json:"judge_prompt_version,omitempty"`
	Seed               int     `json:"seed"`
	Temperature        float64 `json:"temperature"`
	K                  int     `json:"k"`
	MinSupport         float64 `json:"min_support"`
	MaxSentences       int     `json:"max_sentences"`
	SearchMode         string  `json:"search_mode"`
	Tenant             string  `json:"tenant"`
	AsOf               string  `json:"as_of,omitempty"`
	CheckerThreshold   float64 `json:"checker_threshold"`
	LibraryVersion     string  `json:"library_version"`
}

// A RunResult is the outcome of [Run]: the header and every case's result
// in dataset order.
type RunResult struct {
	Header  RunHeader
	Results []CaseResult
	// Ran counts the cases evaluated by this call; Skipped those found
	// finished in the results file.
	Ran, Skipped int
}

// A MismatchError reports a results file made with other settings than
// the run's.
type MismatchError struct {
	File   string
	Fields []string // "name: file value ≠ run value"
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("eval: %s was made with other settings (%s); use a new results file, or remove it to start again",
		e.File, strings.Join(e.Fields, "; "))
}

// header returns the header of a run of cases with opts (defaults applied).
func header(cases []Case, opts *RunOptions) RunHeader {
	t := opts.Tutor
	h := RunHeader{
		Type: "run", SchemaVersion: SchemaVersion, Dataset: DatasetHash(cases), Cases: len(cases),
		Corpus: opts.Corpus, Model: "extractive", PromptVersion: tutor.PromptVersion,
		Seed: *t.Seed, K: t.K, MinSupport: t.MinSupport, MaxSentences: t.MaxSentences,
		SearchMode: t.SearchMode.String(), Tenant: retrieval.TenantOrDefault(t.Tenant),
		CheckerThreshold: opts.Checker.Threshold, LibraryVersion: version.String(),
	}
	if t.Model != nil {
		h.Model = modelName(t.Model)
	}
	if h.K == 0 {
		h.K = tutor.DefaultK
	}
	if h.MinSupport == 0 {
		h.MinSupport = tutor.DefaultMinSupport
	}
	if h.MaxSentences == 0 {
		h.MaxSentences = tutor.DefaultMaxSentences
	}
	if h.CheckerThreshold == 0 {
		h.CheckerThreshold = grounding.DefaultThreshold
	}
	if !t.AsOf.IsZero() {
		h.AsOf = t.AsOf.UTC().Format(time.RFC3339)
	}
	if opts.Judge != nil {
		h.Judge, h.JudgePromptVersion = modelName(opts.Judge.Model), JudgePromptVersion
	}
	return h
}

func (h RunHeader) diff(o RunHeader) []string {
	var out []string
	a, b := h.fields(), o.fields()
	for _, k := range headerFieldOrder {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s: %s ≠ %s", k, a[k], b[k]))
		}
	}
	return out
}

var headerFieldOrder = []string{"schema_version", "dataset", "cases", "corpus", "model", "prompt_version", "judge",
	"judge_prompt_version", "seed", "temperature", "k", "min_support", "max_sentences", "search_mode", "tenant",
	"as_of", "checker_threshold", "library_version"}

func (h RunHeader) fields() map[string]string {
	b, _ := json.Marshal(h)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	out := make(map[string]string)
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// Run asks the tutor every case's question, scores the answers and appends
// each case's result to the results file as soon as it is known. Cases
// already in the results file are skipped (with RetryErrors, errored ones
// are run again). When every case has a result the file is rewritten in
// dataset order, so a finished results file does not depend on how often
// the run was interrupted.
//
// An infrastructure failure of one case is recorded as that case's error
// and the run goes on; Run itself fails only when it cannot run at all, or
// when ctx is cancelled (the cases then in flight are not recorded, and
// are run by the next call).
func Run(ctx context.Context, r tutor.Retriever, cases []Case, opts RunOptions) (*RunResult, error) {
	if opts.Results == "" {
		return nil, errors.New("eval: RunOptions.Results (the results file) is required")
	}
	if len(cases) == 0 {
		return nil, errors.New("eval: no cases")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Tutor.Seed == nil {
		seed := DefaultSeed
		opts.Tutor.Seed = &seed
	}
	if opts.Judge != nil && opts.Judge.Seed == nil {
		opts.Judge.Seed = opts.Tutor.Seed
	}
	head := header(cases, &opts)
	j, err := openJournal(opts.Results, head)
	if err != nil {
		return nil, err
	}
	defer j.close()

	// Tutors per mode, over a retriever that captures each case's hits.
	capture := &capturingRetriever{r: r}
	tutors := make(map[tutor.Mode]*tutor.Tutor)
	for _, c := range cases {
		if tutors[c.Mode] != nil {
			continue
		}
		to := opts.Tutor
		to.Mode = c.Mode
		t, err := tutor.New(capture, to)
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		tutors[c.Mode] = t
	}

	var todo []int
	skipped := 0
	for i, c := range cases {
		prev, ok := j.results[c.ID]
		if !ok || (opts.RetryErrors && prev.Status == Error) {
			todo = append(todo, i)
		} else {
			skipped++
		}
	}
	var done atomic.Int64
	done.Store(int64(skipped))
	if opts.Progress != nil {
		opts.Progress(skipped, len(cases))
	}

	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(opts.Concurrency, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(todo) || runCtx.Err() != nil {
					return
				}
				c := &cases[todo[k]]
				res, ok := evaluateCase(runCtx, tutors[c.Mode], c, &opts)
				if !ok {
					return // cancelled: not recorded
				}
				if err := j.append(res); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				if d := done.Add(1); opts.Progress != nil {
					opts.Progress(int(d), len(cases))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("eval: run interrupted (finished cases are saved in %s): %w", opts.Results, err)
	}
	out := &RunResult{Header: head, Ran: len(todo), Skipped: skipped}
	for _, c := range cases {
		out.Results = append(out.Results, j.results[c.ID])
	}
	if err := j.compact(out.Results); err != nil {
		return nil, err
	}
	return out, nil
}

// caseState is what one case's context carries.
type caseState struct {
	mu        sync.Mutex
	hits      []retrieval.Hit
	exchanges int
	latency   time.Duration
}

type caseKey struct{}

// capturingRetriever records each case's hits in its caseState.
type capturingRetriever struct{ r tutor.Retriever }

func (c *capturingRetriever) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	hits, err := c.r.Search(ctx, q)
	if st, ok := ctx.Value(caseKey{}).(*caseState); ok && err == nil {
		st.mu.Lock()
		st.hits = hits
		st.mu.Unlock()
	}
	return hits, err
}

// evaluateCase runs one case. ok is false when ctx was cancelled, in which
// case nothing is to be recorded.
func evaluateCase(ctx context.Context, t *tutor.Tutor, c *Case, opts *RunOptions) (CaseResult, bool) {
	st := &caseState{}
	ctx = context.WithValue(ctx, caseKey{}, st)
	ctx = httprr.WithObserver(ctx, func(ev httprr.Event) {
		st.mu.Lock()
		st.exchanges++
		st.latency += ev.Elapsed
		st.mu.Unlock()
	})
	start := time.Now()
	res := newResult(c)
	finish := func() {
		st.mu.Lock()
		res.Exchanges, res.ModelLatencyMS = st.exchanges, st.latency.Milliseconds()
		st.mu.Unlock()
		if opts.WallClock {
			res.WallMS = max(1, time.Since(start).Milliseconds())
		}
	}
	fail := func(err error) (CaseResult, bool) {
		if ctx.Err() != nil {
			return CaseResult{}, false
		}
		res.Status, res.Error = Error, err.Error()
		finish()
		return res, true
	}
	a, err := t.Ask(ctx, c.Question)
	if err != nil {
		return fail(err)
	}
	st.mu.Lock()
	hits := st.hits
	st.mu.Unlock()
	scoreAnswer(&res, c, a, hits, &opts.Checker)
	if opts.Judge != nil {
		if ss := judgeSentences(&res); len(ss) > 0 {
			passages := make([]string, len(hits))
			for i, h := range hits {
				passages[i] = h.Chunk.Text
			}
			jd, err := opts.Judge.Judge(ctx, passages, ss)
			if err != nil {
				return fail(err)
			}
			applyJudgement(&res, jd)
		}
	}
	decide(&res)
	finish()
	return res, true
}

// journal is an open results file.
type journal struct {
	path    string
	head    RunHeader
	mu      sync.Mutex
	f       *os.File
	results map[string]CaseResult
}

// openJournal opens or creates the results file, checks its header against
// head and loads its results. A torn last line (a crash mid-write) is cut
// off; any other bad line is an error.
func openJournal(path string, head RunHeader) (*journal, error) {
	j := &journal{path: path, head: head, results: make(map[string]CaseResult)}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("eval: %w", err)
	}
	good, err := j.load(data)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	if err := f.Truncate(int64(good)); err == nil {
		_, err = f.Seek(int64(good), io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("eval: %w", err)
	}
	j.f = f
	if good == 0 {
		if err := j.writeLine(head); err != nil {
			f.Close()
			return nil, err
		}
	}
	return j, nil
}

// load parses data and returns the length of its good prefix.
func (j *journal) load(data []byte) (int, error) {
	good := 0
	for line := 1; len(data) > 0; line++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return good, nil // torn last line
		}
		text := data[:i]
		data = data[i+1:]
		last := len(data) == 0
		if line == 1 {
			var h RunHeader
			if err := json.Unmarshal(text, &h); err != nil || h.Type != "run" {
				if last && err != nil {
					return 0, nil
				}
				return 0, &FormatError{File: j.path, Line: 1, Err: errors.New("not a results file (no run header)")}
			}
			if d := h.diff(j.head); len(d) > 0 {
				return 0, &MismatchError{File: j.path, Fields: d}
			}
		} else {
			var r CaseResult
			if err := json.Unmarshal(text, &r); err != nil || r.Type != "case" || r.ID == "" {
				if last {
					return good, nil // torn
				}
				return 0, &FormatError{File: j.path, Line: line, Err: fmt.Errorf("bad case result: %v", err)}
			}
			j.results[r.ID] = r // a later line for the same case wins
		}
		good += i + 1
	}
	return good, nil
}

func (j *journal) writeLine(v any) error {
	b, err := marshalLine(v)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("eval: writing %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("eval: syncing %s: %w", j.path, err)
	}
	return nil
}

func (j *journal) append(r CaseResult) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.writeLine(r); err != nil {
		return err
	}
	j.results[r.ID] = r
	return nil
}

// compact rewrites the file with the header and results in order.
func (j *journal) compact(results []CaseResult) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	var buf bytes.Buffer
	for _, v := range append([]any{j.head}, anySlice(results)...) {
		b, err := marshalLine(v)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	if old, err := os.ReadFile(j.path); err == nil && bytes.Equal(old, buf.Bytes()) {
		return nil
	}
	return writeFileAtomic(j.path, buf.Bytes())
}

func (j *journal) close() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
}

func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func marshalLine(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	return buf.Bytes(), nil
}

// writeFileAtomic replaces path with data via a synced temporary file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	werr := tmp.Chmod(0o644)
	if werr == nil {
		_, werr = tmp.Write(data)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("eval: writing %s: %w", path, werr)
	}
	return nil
}

// ReadResults reads a results file: its header and its case results, in
// file order, the last line for each case winning. A torn last line is
// ignored.
func ReadResults(path string) (RunHeader, []CaseResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return RunHeader{}, nil, err
	}
	defer f.Close()
	var h RunHeader
	var order []string
	byID := make(map[string]CaseResult)
	br := bufio.NewReaderSize(f, 1<<16)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		torn := err == io.EOF
		if len(bytes.TrimSpace(b)) > 0 && !torn {
			if line == 1 {
				if jerr := json.Unmarshal(b, &h); jerr != nil || h.Type != "run" {
					return h, nil, &FormatError{File: path, Line: 1, Err: errors.New("not a results file (no run header)")}
				}
				if h.SchemaVersion > SchemaVersion {
					return h, nil, &FormatError{File: path, Line: 1, Field: "schema_version",
						Err: fmt.Errorf("%d is newer than this program's %d", h.SchemaVersion, SchemaVersion)}
				}
			} else {
				var r CaseResult
				if jerr := json.Unmarshal(b, &r); jerr != nil || r.Type != "case" {
					return h, nil, &FormatError{File: path, Line: line, Err: fmt.Errorf("bad case result: %v", jerr)}
				}
				if _, ok := byID[r.ID]; !ok {
					order = append(order, r.ID)
				}
				byID[r.ID] = r
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return h, nil, err
		}
	}
	if h.Type == "" {
		return h, nil, &FormatError{File: path, Err: errors.New("empty results file")}
	}
	out := make([]CaseResult, len(order))
	for i, id := range order {
		out[i] = byID[id]
	}
	return h, out, nil
}

// CorpusHash identifies a guidance corpus: the SHA-256 of its documents'
// keys, content hashes, superseded and withdrawn times, in key order. Use
// it as [RunOptions.Corpus] and as the record/replay salt, so that results
// and recordings made for one corpus are never used for another.
func CorpusHash(docs []*guidance.Document) string {
	lines := make([]string, 0, len(docs))
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, d := range docs {
		lines = append(lines, fmt.Sprintf("%s %s %s %s", d.Key(), d.Hash(), date(d.SupersededAt), date(d.WithdrawnAt)))
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

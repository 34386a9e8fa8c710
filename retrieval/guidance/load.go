package guidance

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// SidecarSuffix ends the name of a metadata sidecar file: the metadata of
// "sepsis.pdf" may be given in "sepsis.pdf.meta.yaml".
const SidecarSuffix = ".meta.yaml"

// maxErrorsPerFile bounds the errors reported for one file; the rest are
// counted in one summary error.
const maxErrorsPerFile = 10

// A Loader reads guidance documents from files and directories. The zero
// value is ready to use. A Loader may be used by several goroutines at once
// if OnSkip may be.
type Loader struct {
	// Defaults supplies each metadata field that a file leaves unset (after
	// its front matter, meta tags, sidecar and title fallbacks), so that a
	// corpus without governance metadata can be loaded as, say, approved
	// version 1. Defaults never override what a file says. A zero field
	// supplies nothing. A bad default (such as an unknown status) makes
	// every load fail. (A JSONL passage with no title, even from Defaults,
	// is titled by its _id.)
	Defaults Metadata

	// OnSkip, if not nil, is called for each file or directory that Load
	// skips while walking a directory (hidden files and directories,
	// unsupported extensions, sidecars whose file is not loaded), with a
	// short reason such as "unsupported extension .docx". It is called
	// from the goroutine that called Load, before any file is read. Files
	// named explicitly are never skipped: an unsupported one is an error.
	OnSkip func(path, reason string)
}

// Load loads the guidance documents in the named files and directories
// with a zero [Loader]. See [Loader.Load].
func Load(paths ...string) ([]*Document, error) {
	var l Loader
	return l.Load(paths...)
}

// LoadFile loads the guidance documents in one file with a zero [Loader].
// See [Loader.LoadFile].
func LoadFile(path string) ([]*Document, error) {
	var l Loader
	return l.LoadFile(path)
}

// LoadFile loads the guidance documents in one file: one document for
// Markdown, text, HTML and PDF files, one per line for JSONL. The format is
// chosen by the file's extension (see the package documentation), and the
// metadata sidecar path+[SidecarSuffix] is read if it exists.
//
// Every document is validated (see [Document.Validate]); an (id, version)
// that occurs twice, or an id with two approved versions, is an error. On any
// error LoadFile returns no documents and an error that joins an *[Error]
// for each problem found.
func (l *Loader) LoadFile(path string) ([]*Document, error) {
	if err := checkDefaults(&l.Defaults); err != nil {
		return nil, fmt.Errorf("guidance: defaults: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, statError(path, err)
	}
	if fi.IsDir() {
		return nil, &Error{File: path, Err: errors.New("is a directory (use Load)")}
	}
	j, err := explicitJob(path)
	if err != nil {
		return nil, err
	}
	return l.run([]job{j})
}

// Load loads the guidance documents in the named files and directories, in
// order. A directory is walked recursively in lexical order, loading every
// file with a supported extension and skipping hidden files and directories
// (names starting with "."), sidecars and other files (reported through
// OnSkip). Symbolic links to files are followed; links to directories are
// skipped. A path named twice is loaded once.
//
// Validation is as for [Loader.LoadFile], across all the files: a
// duplicate (id, version) or a second approved version of an id in another
// file is an error naming both places. On any error Load returns no
// documents and an error that joins an *[Error] for each problem in each
// file, in order (at most 10 for one file; the rest are counted).
func (l *Loader) Load(paths ...string) ([]*Document, error) {
	if err := checkDefaults(&l.Defaults); err != nil {
		return nil, fmt.Errorf("guidance: defaults: %w", err)
	}
	var (
		jobs []job
		seen = map[string]bool{}
	)
	add := func(j job) {
		if j.err == nil {
			key := filepath.Clean(j.path)
			if seen[key] {
				return
			}
			seen[key] = true
		}
		jobs = append(jobs, j)
	}
	for _, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			add(job{path: path, err: statError(path, err)})
			continue
		}
		if !fi.IsDir() {
			j, err := explicitJob(path)
			if err != nil {
				j = job{path: path, err: err}
			}
			add(j)
			continue
		}
		for _, j := range l.walk(path) {
			add(j)
		}
	}
	return l.run(jobs)
}

// A job is one file to load.
type job struct {
	path    string
	format  string // "markdown", "text", "html", "pdf" or "jsonl"
	sidecar string // path of the metadata sidecar, or "" for none
	// probeSidecar: look for path+SidecarSuffix when loading (for files
	// named explicitly; a walk already knows its directory's sidecars).
	probeSidecar bool
	// err, if not nil, is why path cannot be loaded, found before loading.
	err error
}

// formatOf returns the format of a file by its extension, or "".
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return "markdown"
	case ".txt":
		return "text"
	case ".html", ".htm":
		return "html"
	case ".pdf":
		return "pdf"
	case ".jsonl":
		return "jsonl"
	}
	return ""
}

func isSidecar(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), SidecarSuffix)
}

// explicitJob returns the job for a file named by the caller.
func explicitJob(path string) (job, error) {
	if isSidecar(path) {
		return job{}, &Error{File: path, Err: fmt.Errorf("is a metadata sidecar: load %s instead",
			path[:len(path)-len(SidecarSuffix)])}
	}
	f := formatOf(path)
	if f == "" {
		return job{}, &Error{File: path, Err: unsupported(path)}
	}
	return job{path: path, format: f, probeSidecar: true}, nil
}

func unsupported(path string) error {
	ext := filepath.Ext(path)
	if ext == "" {
		return errors.New("unsupported file type: no extension (want .md, .markdown, .txt, .html, .htm, .pdf or .jsonl)")
	}
	return fmt.Errorf("unsupported extension %s (want .md, .markdown, .txt, .html, .htm, .pdf or .jsonl)", ext)
}

// statError converts an error from os.Stat or os.Open into an *Error.
func statError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &Error{File: path, Err: err}
}

// walk lists the files to load under root, reporting skipped ones. An
// error reading a directory is a job that reports it.
func (l *Loader) walk(root string) []job {
	var (
		jobs     []job
		sidecars []string
		loaded   = map[string]int{} // path -> index in jobs
	)
	skip := func(path, reason string) {
		if l.OnSkip != nil {
			l.OnSkip(path, reason)
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			jobs = append(jobs, job{path: path, err: statError(path, err)})
			if d != nil && d.IsDir() && path != root {
				return fs.SkipDir
			}
			return nil
		}
		if path == root {
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") {
			if d.IsDir() {
				skip(path, "hidden directory")
				return fs.SkipDir
			}
			skip(path, "hidden file")
			return nil
		}
		if d.IsDir() {
			return nil
		}
		typ := d.Type()
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(path)
			if err != nil {
				jobs = append(jobs, job{path: path, err: statError(path, err)})
				return nil
			}
			if fi.IsDir() {
				skip(path, "symbolic link to a directory")
				return nil
			}
			typ = fi.Mode().Type()
		}
		if !typ.IsRegular() {
			skip(path, "not a regular file")
			return nil
		}
		if isSidecar(name) {
			sidecars = append(sidecars, path)
			return nil
		}
		if isProjectFile(name) {
			skip(path, "project documentation, not guidance")
			return nil
		}
		f := formatOf(name)
		if f == "" {
			if ext := filepath.Ext(name); ext != "" {
				skip(path, "unsupported extension "+ext)
			} else {
				skip(path, "no extension")
			}
			return nil
		}
		loaded[path] = len(jobs)
		jobs = append(jobs, job{path: path, format: f})
		return nil
	})
	if err != nil {
		jobs = append(jobs, job{path: root, err: statError(root, err)})
	}
	for _, s := range sidecars {
		target := s[:len(s)-len(SidecarSuffix)]
		if i, ok := loaded[target]; ok {
			jobs[i].sidecar = s
		} else {
			skip(s, "sidecar of "+filepath.Base(target)+", which is not loaded")
		}
	}
	return jobs
}

// An entry is one loaded document and where its key fields were set.
type entry struct {
	doc        *Document
	id, status place
	idField    string // "id", or "_id" in JSONL
}

// A result is what loading one file produced.
type result struct {
	entries []*entry
	errs    []error
}

// run loads the jobs in parallel, checks the documents against each other
// and combines the errors.
func (l *Loader) run(jobs []job) ([]*Document, error) {
	results := make([]result, len(jobs))
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i].entries, results[i].errs = l.loadJob(jobs[i])
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	checkAcross(results)
	var errs []error
	n := 0
	for i, r := range results {
		if len(r.errs) > maxErrorsPerFile {
			more := len(r.errs) - maxErrorsPerFile
			r.errs = append(r.errs[:maxErrorsPerFile:maxErrorsPerFile],
				&Error{File: jobs[i].path, Err: fmt.Errorf("%d more errors", more)})
		}
		errs = append(errs, r.errs...)
		n += len(r.entries)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if n == 0 {
		return nil, nil
	}
	docs := make([]*Document, 0, n)
	for _, r := range results {
		for _, e := range r.entries {
			docs = append(docs, e.doc)
		}
	}
	return docs, nil
}

// checkAcross reports duplicate (id, version) pairs and ids with more than
// one approved version, adding each error to the result of the later file.
func checkAcross(results []result) {
	byKey := map[string]*entry{}
	approved := map[string]*entry{}
	for i := range results {
		r := &results[i]
		for _, e := range r.entries {
			d := e.doc
			key := d.Key()
			if prev, ok := byKey[key]; ok {
				r.errs = append(r.errs, &Error{File: e.id.file, Line: e.id.line, Field: e.idField,
					Err: fmt.Errorf("duplicate id@version %s, also in %s", key, prev.id)})
				continue
			}
			byKey[key] = e
			if d.Status != Approved {
				continue
			}
			if prev, ok := approved[d.ID]; ok {
				r.errs = append(r.errs, &Error{File: e.status.file, Line: e.status.line, Field: "status",
					Err: fmt.Errorf("approved %s conflicts with approved %s in %s; only one version may be approved",
						key, prev.doc.Key(), prev.status)})
				continue
			}
			approved[d.ID] = e
		}
	}
}

// loadJob loads the documents in one file.
func (l *Loader) loadJob(j job) ([]*entry, []error) {
	if j.err != nil {
		return nil, []error{j.err}
	}
	side, errs := readSidecar(j)
	if errs != nil {
		return nil, errs
	}
	build := func(p *parsed, line int) (*entry, error) {
		return l.build(j, p, side, line)
	}
	if j.format == "jsonl" {
		f, err := os.Open(j.path)
		if err != nil {
			return nil, []error{statError(j.path, err)}
		}
		defer f.Close()
		return loadJSONL(j.path, f, build)
	}
	data, err := os.ReadFile(j.path)
	if err != nil {
		return nil, []error{statError(j.path, err)}
	}
	var p *parsed
	switch j.format {
	case "markdown":
		p, errs = parseMarkdown(j.path, data)
	case "text":
		p, errs = parseText(j.path, data)
	case "html":
		p, errs = parseHTML(j.path, data)
	case "pdf":
		p, errs = parsePDF(j.path, data)
	}
	if errs != nil {
		return nil, errs
	}
	e, err := build(p, 0)
	if err != nil {
		return nil, appendErrs(nil, err)
	}
	return []*entry{e}, nil
}

// readSidecar reads a job's metadata sidecar, if it has one.
func readSidecar(j job) (*meta, []error) {
	path := j.sidecar
	var data []byte
	if path == "" && j.probeSidecar {
		path = j.path + SidecarSuffix
		var err error
		data, err = os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		} else if err != nil {
			return nil, []error{statError(path, err)}
		}
	} else if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, []error{statError(path, err)}
		}
	} else {
		return nil, nil
	}
	text, err := utf8Text(path, data)
	if err != nil {
		return nil, []error{err}
	}
	mt, errs := decodeYAMLMeta(path, text, "metadata", 1)
	if errs != nil {
		return nil, errs
	}
	return mt, nil
}

// build merges a parsed file's metadata with its sidecar, title fallback and
// the Loader's defaults, and validates the document. line is the JSONL line
// of the record, or 0.
func (l *Loader) build(j job, p *parsed, side *meta, line int) (*entry, error) {
	var mt meta
	if p.meta != nil {
		mt.m = p.meta.m
		mt.places = p.meta.places
	}
	if side != nil {
		mt.override(side)
	}
	if mt.m.Title == "" {
		mt.m.Title = p.title
	}
	mt.fillDefaults(&l.Defaults)
	if mt.m.Title == "" {
		mt.m.Title = p.lastTitle
	}

	src := j.path
	idField := "id"
	if line > 0 {
		src += ":" + strconv.Itoa(line)
		idField = "_id"
	}
	where := func(field string) place {
		if at, ok := mt.places[field]; ok {
			return at
		}
		return place{file: j.path, line: line}
	}
	e := &entry{
		doc:     &Document{Metadata: mt.m, Body: p.body, Sections: p.sections, Source: src},
		id:      where("id"),
		status:  where("status"),
		idField: idField,
	}
	if e.id.file != j.path {
		e.idField = "id" // set by the sidecar
	}
	fieldErr := func(fe *FieldError) error {
		at := where(fe.Field)
		field := fe.Field
		if field == "id" {
			field = e.idField
		}
		return &Error{File: at.file, Line: at.line, Field: field, Err: fe.Err}
	}
	// Report every missing required field at once, then anything else
	// Validate finds.
	var (
		missing []error
		names   []string
	)
	d := e.doc
	for _, f := range [...]struct {
		name  string
		value string
	}{{"id", d.ID}, {"title", d.Title}, {"version", d.Version}, {"status", string(d.Status)}} {
		if strings.TrimSpace(f.value) == "" {
			err := ErrMissing
			if f.name == "status" {
				_, err = ParseStatus("")
			}
			missing = append(missing, fieldErr(&FieldError{Field: f.name, Err: err}))
			names = append(names, f.name)
		}
	}
	if missing != nil && p.meta == nil && side == nil && line == 0 {
		// One error for a file with no metadata at all.
		list := strings.Join(names, ", ")
		if k := len(names); k > 1 {
			list = strings.Join(names[:k-1], ", ") + " and " + names[k-1]
		}
		return nil, &Error{File: j.path, Err: fmt.Errorf("%w: %s (the file has no metadata: %s)", ErrMissing, list, metadataHint(j))}
	}
	if missing != nil {
		return nil, errors.Join(missing...)
	}
	if err := d.Validate(); err != nil {
		var fe *FieldError
		if !errors.As(err, &fe) {
			return nil, &Error{File: j.path, Line: line, Err: err}
		}
		return nil, fieldErr(fe)
	}
	return e, nil
}

// appendErrs appends err to errs, flattening errors joined by errors.Join.
func appendErrs(errs []error, err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return append(errs, j.Unwrap()...)
	}
	return append(errs, err)
}

// metadataHint says where a file of j's format can carry its metadata.
func metadataHint(j job) string {
	side := filepath.Base(j.path) + SidecarSuffix
	switch j.format {
	case "markdown", "text":
		return "add front matter or a sidecar " + side
	case "html":
		return `add <meta name="bedside:…"> tags or a sidecar ` + side
	}
	return "add a sidecar " + side
}

// isProjectFile reports whether name is a repository's own documentation
// (README, LICENSE, CHANGELOG, CONTRIBUTING), which a directory walk skips
// so that a folder of guidance can carry its README. Named explicitly, such
// a file is loaded like any other.
func isProjectFile(name string) bool {
	base := strings.ToUpper(strings.TrimSuffix(name, filepath.Ext(name)))
	switch base {
	case "README", "LICENSE", "LICENCE", "CHANGELOG", "CONTRIBUTING", "NOTICE":
		return true
	}
	return false
}

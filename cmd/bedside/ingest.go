package main

import (
	"context"
	"fmt"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func ingestCommand() *command {
	return &command{
		name:    "ingest",
		summary: "load guidance files or directories into the store",
		usage:   "[flags] PATH...",
		run:     runIngest,
	}
}

func runIngest(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "ingest", "[flags] PATH...")
	var sf storeFlags
	sf.register(fs, env)
	var defaults metadataFlags
	defaults.register(fs)
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("ingest: name at least one file or directory")
	}
	meta, err := defaults.metadata()
	if err != nil {
		return err
	}
	bar := newProgress(env, "ingest")
	lib, closeStore, err := sf.open(ctx, env, retrieval.Options{Progress: bar.ingested})
	if err != nil {
		return err
	}
	defer closeStore()
	st, err := ingestPaths(ctx, env, lib, sf.tenant, meta, paths)
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d documents: %d written, %d unchanged; %d chunks, %d embedded, %d reused from cache (%s) into %s\n",
		st.Documents, st.Written, st.Unchanged, st.Chunks, st.Embedded, st.Cached,
		st.Elapsed.Round(time.Millisecond), sf.describe(env))
	return nil
}

// openGuidance opens the store as [storeFlags.open] does and, if path is
// set, first ingests the guidance file or directory there (unchanged
// documents are skipped). The store is closed again if ingesting fails.
func (f *storeFlags) openGuidance(ctx context.Context, env *environment, path string) (*retrieval.Library, func() error, error) {
	lib, closeStore, err := f.open(ctx, env, retrieval.Options{})
	if err != nil {
		return nil, nil, err
	}
	if path != "" {
		if _, err := ingestPaths(ctx, env, lib, f.tenant, guidance.Metadata{}, []string{path}); err != nil {
			closeStore()
			return nil, nil, err
		}
	}
	return lib, closeStore, nil
}

// ingestPaths loads the files and ingests them.
func ingestPaths(ctx context.Context, env *environment, lib *retrieval.Library, tenant string, defaults guidance.Metadata, paths []string) (retrieval.IngestStats, error) {
	loader := guidance.Loader{
		Defaults: defaults,
		OnSkip: func(path, reason string) {
			fmt.Fprintf(env.stderr, "bedside: skipping %s: %s\n", path, reason)
		},
	}
	docs, err := loader.Load(paths...)
	if err != nil {
		return retrieval.IngestStats{}, err
	}
	return lib.Ingest(ctx, tenant, docs)
}

// metadataFlags supply metadata that bulk corpora (JSONL) may lack.
type metadataFlags struct {
	status, version, publisher, jurisdiction string
}

func (m *metadataFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&m.status, "status", "", "status for documents that give none (draft, approved, superseded, withdrawn)")
	fs.StringVar(&m.version, "version", "", "version for documents that give none")
	fs.StringVar(&m.publisher, "publisher", "", "publisher for documents that give none")
	fs.StringVar(&m.jurisdiction, "jurisdiction", "", "jurisdiction for documents that give none")
}

func (m *metadataFlags) metadata() (guidance.Metadata, error) {
	md := guidance.Metadata{Version: m.version, Publisher: m.publisher, Jurisdiction: m.jurisdiction}
	if m.status != "" {
		st, err := guidance.ParseStatus(m.status)
		if err != nil {
			return md, usagef("-status: %v", err)
		}
		md.Status = st
	}
	return md, nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/filestore"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

// storeFlags choose the store, tenant and embedder. Every command that
// touches guidance registers them.
type storeFlags struct {
	// memoryDefault makes an in-memory store the default (for evals).
	memoryDefault bool

	store    string
	tenant   string
	embedder string
	model    string
	dims     int
	verbose  bool
}

func (f *storeFlags) register(fs *flag.FlagSet, env *environment) {
	if f.memoryDefault {
		fs.StringVar(&f.store, "store", memoryStore,
			"where guidance is kept: "+memoryStore+" (nothing kept), a file path (embedded store) or a postgres:// URL")
	} else {
		fs.StringVar(&f.store, "store", env.getenv("BEDSIDE_STORE"),
			"where guidance is kept: a file path (embedded store) or a postgres:// URL\n(default $BEDSIDE_STORE, else "+defaultStorePath(env)+")")
	}
	fs.StringVar(&f.tenant, "tenant", env.getenv("BEDSIDE_TENANT"), "tenant (organisation) whose guidance to use (default $BEDSIDE_TENANT, else \"default\")")
	fs.StringVar(&f.embedder, "embedder", or(env.getenv("BEDSIDE_EMBEDDER"), "local"),
		"embedder: local (offline, the default) or openai (any OpenAI-compatible endpoint;\nuses $OPENAI_API_KEY and $OPENAI_BASE_URL)")
	fs.StringVar(&f.model, "embed-model", env.getenv("BEDSIDE_EMBED_MODEL"), "embedding model for -embedder openai (default text-embedding-3-small)")
	dims, _ := strconv.Atoi(env.getenv("BEDSIDE_EMBED_DIMENSIONS"))
	fs.IntVar(&f.dims, "embed-dimensions", dims, "embedding dimensions for -embedder openai (0 = the model's default)")
	fs.BoolVar(&f.verbose, "v", false, "log progress details to stderr")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func defaultStorePath(env *environment) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "bedside.store"
	}
	return filepath.Join(dir, "bedside", "guidance.store")
}

// memoryStore names an embedded store that lives only in memory.
const memoryStore = ":memory:"

// isPostgres reports whether the store flag names a database.
func isPostgres(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// describe names the store for messages, without credentials.
func (f *storeFlags) describe(env *environment) string {
	s := f.store
	if s == "" {
		s = defaultStorePath(env)
	}
	if isPostgres(s) {
		return "PostgreSQL store"
	}
	if s == memoryStore {
		return "in-memory embedded store"
	}
	return "embedded store " + s
}

// open opens the store and returns a library over it. opts may set the
// library's hooks; open fills in the embedder and logger.
func (f *storeFlags) open(ctx context.Context, env *environment, opts retrieval.Options) (*retrieval.Library, func() error, error) {
	logger := slog.New(slog.DiscardHandler)
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var store retrieval.Store
	path := f.store
	if path == "" {
		path = defaultStorePath(env)
	}
	if isPostgres(path) {
		s, err := pgstore.New(ctx, path, pgstore.Options{Logger: logger})
		if err != nil {
			return nil, nil, fmt.Errorf("opening PostgreSQL store: %w", err)
		}
		store = s
	} else if path == memoryStore {
		s, err := filestore.Open("", filestore.Options{Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		store = s
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, nil, err
		}
		s, err := filestore.Open(path, filestore.Options{Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		store = s
	}
	opts.Logger = logger
	switch f.embedder {
	case "", "local":
	case "openai":
		key := env.getenv("OPENAI_API_KEY")
		if key == "" && env.getenv("OPENAI_BASE_URL") == "" {
			store.Close()
			return nil, nil, usagef("-embedder openai needs $OPENAI_API_KEY (or $OPENAI_BASE_URL for a local server)")
		}
		cfg := openaiembed.DefaultConfig(key)
		if u := env.getenv("OPENAI_BASE_URL"); u != "" {
			cfg.BaseURL = u
		}
		if f.model != "" {
			cfg.Model = f.model
		}
		cfg.Dimensions = f.dims
		e, err := openaiembed.New(cfg)
		if err != nil {
			store.Close()
			return nil, nil, err
		}
		opts.Embedder = e
	default:
		store.Close()
		return nil, nil, usagef("unknown embedder %q (want local or openai)", f.embedder)
	}
	return retrieval.New(store, opts), store.Close, nil
}

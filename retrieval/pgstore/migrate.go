package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration is one numbered schema change.
type migration struct {
	version int
	name    string // file name, e.g. "0001_init.sql"
	sql     string // with {{schema}} and {{vector}} placeholders
}

// migrations returns the embedded migrations in order. Their versions must be
// 1, 2, 3, … without gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names { // fs.Glob returns names in lexical order
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number and '_'", base)
		}
		if v != len(out)+1 {
			return nil, fmt.Errorf("migration %s: version %d; want %d", base, v, len(out)+1)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	return out, nil
}

// SchemaVersion is the schema version this package migrates to.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// A SchemaVersionError reports a schema migrated by a newer version of this
// package than the one running: the store refuses to use it.
type SchemaVersionError struct {
	Schema    string
	Have, Max int // the schema's version and the newest this package knows
}

func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("pgstore: schema %q is at version %d, newer than this program knows (%d); upgrade the program",
		e.Schema, e.Have, e.Max)
}

// ErrNoVectorExtension is returned by [New] and [NewWithPool] when the
// database has no pgvector extension and it cannot be created.
var ErrNoVectorExtension = errors.New("pgstore: the pgvector extension (vector) is not installed in this database")

// migrate brings the schema up to date and returns the schema that holds
// the vector extension. It runs in one transaction under an advisory lock, so
// concurrent starters apply each migration once; DDL is transactional in
// PostgreSQL, so a failure leaves the schema as it was.
func (s *Store) migrate(ctx context.Context) (vecSchema string, err error) {
	ms, err := migrations()
	if err != nil {
		return "", fmt.Errorf("pgstore: %w", err)
	}
	schema := pgx.Identifier{s.opts.Schema}.Sanitize()
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("migrate", "")); err != nil {
			return err
		}
		vecSchema, err = vectorSchema(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+schema+`.schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL)`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+schema+".schema_migrations").Scan(&have); err != nil {
			return err
		}
		if have > len(ms) {
			return &SchemaVersionError{Schema: s.opts.Schema, Have: have, Max: len(ms)}
		}
		r := strings.NewReplacer("{{schema}}", schema, "{{vector}}", pgx.Identifier{vecSchema}.Sanitize())
		for _, m := range ms[have:] {
			if _, err := tx.Exec(ctx, r.Replace(m.sql)); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO "+schema+".schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.version, m.name, s.opts.Now()); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "pgstore: applied migration",
				slog.String("schema", s.opts.Schema), slog.String("migration", m.name))
		}
		return nil
	})
	if err != nil {
		var ve *SchemaVersionError
		if errors.As(err, &ve) || errors.Is(err, ErrNoVectorExtension) {
			return "", err
		}
		return "", fmt.Errorf("pgstore: migrating schema %q: %w", s.opts.Schema, err)
	}
	return vecSchema, nil
}

// vectorSchema returns the schema of the vector extension, creating the
// extension if it is missing and the role may.
func vectorSchema(ctx context.Context, tx pgx.Tx) (string, error) {
	const q = `SELECT n.nspname, e.extversion FROM pg_extension e
		JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`
	var name, version string
	err := tx.QueryRow(ctx, q).Scan(&name, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		// Try to create it in a savepoint, so that a refusal leaves the
		// transaction usable for a clear error.
		if _, err := tx.Exec(ctx, "SAVEPOINT bedside_vector"); err != nil {
			return "", err
		}
		if _, cerr := tx.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS vector"); cerr != nil {
			if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT bedside_vector"); err != nil {
				return "", err
			}
			return "", fmt.Errorf("%w (CREATE EXTENSION vector: %v)", ErrNoVectorExtension, cerr)
		}
		err = tx.QueryRow(ctx, q).Scan(&name, &version)
	}
	if err != nil {
		return "", err
	}
	if !versionAtLeast(version, 0, 7) {
		return "", fmt.Errorf("%w: version %s is too old; want 0.7.0 or later (0.8.0 for iterative index scans)",
			ErrNoVectorExtension, version)
	}
	return name, nil
}

// versionAtLeast reports whether a "major.minor[.patch]" version is at least
// major.minor.
func versionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

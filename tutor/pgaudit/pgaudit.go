// Package pgaudit keeps the tutor's audit trail in PostgreSQL, in an
// append-only table that the application's database role can insert into
// and nothing else: it cannot read, change or delete what was recorded.
//
// # Setup
//
// An administrator (the table's owner) runs [Setup] once, naming the
// application role; the application then records through a pool that
// connects as that role:
//
//	err := pgaudit.Setup(ctx, adminPool, pgaudit.Options{AppRole: "bedside_app"})
//	sink := pgaudit.New(appPool, pgaudit.Options{})
//	t, err := tutor.New(lib, tutor.Options{Audit: sink})
//
// # Guarantees
//
// The application role holds only INSERT on the table (and USAGE on its
// schema and id sequence). A trigger rejects UPDATE, DELETE and TRUNCATE for
// every role, the owner included, so rows can be removed only by dropping the
// trigger first — an act that itself needs the owner and shows in the
// database's logs. Records hold the redacted question, never the raw one.
package pgaudit

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bedside-ai/bedside/tutor"
)

// DefaultSchema holds the audit table when Options.Schema is empty.
const DefaultSchema = "bedside_audit"

// Options name where the audit table lives.
type Options struct {
	// Schema is the schema of the audit_log table; default [DefaultSchema].
	Schema string
	// AppRole is the role granted INSERT by [Setup]. Required by Setup;
	// ignored by New.
	AppRole string
}

func (o Options) schema() string {
	if o.Schema == "" {
		return DefaultSchema
	}
	return o.Schema
}

// Setup creates the schema, the append-only audit_log table and its guard
// trigger if they do not exist, and grants opts.AppRole INSERT on it and
// nothing else. It is idempotent. Run it as the table's owner.
func Setup(ctx context.Context, admin *pgxpool.Pool, opts Options) error {
	if opts.AppRole == "" {
		return errors.New("pgaudit: setup needs an application role")
	}
	schema := pgx.Identifier{opts.schema()}.Sanitize()
	table := pgx.Identifier{opts.schema(), "audit_log"}.Sanitize()
	seq := pgx.Identifier{opts.schema(), "audit_log_id_seq"}.Sanitize()
	guard := pgx.Identifier{opts.schema(), "audit_log_append_only"}.Sanitize()
	role := pgx.Identifier{opts.AppRole}.Sanitize()
	tx, err := admin.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgaudit: setup: %w", err)
	}
	defer tx.Rollback(ctx)
	// Serialise concurrent setups.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('bedside.pgaudit.setup'))`); err != nil {
		return fmt.Errorf("pgaudit: setup: %w", err)
	}
	stmts := []string{
		`CREATE SCHEMA IF NOT EXISTS ` + schema,
		`CREATE TABLE IF NOT EXISTS ` + table + ` (
			id              bigserial PRIMARY KEY,
			recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
			answered_at     timestamptz NOT NULL,
			tenant          text NOT NULL,
			mode            text NOT NULL,
			question        text NOT NULL,
			answer          text NOT NULL,
			refusal         text,
			citations       text[] NOT NULL,
			model           text NOT NULL,
			prompt_version  text NOT NULL,
			library_version text NOT NULL,
			prompt_tokens   integer NOT NULL,
			output_tokens   integer NOT NULL,
			red_flags       text[] NOT NULL,
			removed         integer NOT NULL,
			extractive      boolean NOT NULL,
			latency_us      bigint NOT NULL
		)`,
		`CREATE OR REPLACE FUNCTION ` + guard + `() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
				USING ERRCODE = 'insufficient_privilege';
		END $$`,
		`DROP TRIGGER IF EXISTS audit_log_append_only ON ` + table,
		`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON ` + table +
			` FOR EACH ROW EXECUTE FUNCTION ` + guard + `()`,
		`DROP TRIGGER IF EXISTS audit_log_no_truncate ON ` + table,
		`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ` + table +
			` FOR EACH STATEMENT EXECUTE FUNCTION ` + guard + `()`,
		`REVOKE ALL ON ` + table + ` FROM PUBLIC`,
		`REVOKE ALL ON ` + table + ` FROM ` + role,
		`GRANT USAGE ON SCHEMA ` + schema + ` TO ` + role,
		`GRANT INSERT ON ` + table + ` TO ` + role,
		`GRANT USAGE ON SEQUENCE ` + seq + ` TO ` + role,
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return fmt.Errorf("pgaudit: setup: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgaudit: setup: %w", err)
	}
	return nil
}

// A Sink records audit records; it satisfies [tutor.AuditSink].
type Sink struct {
	pool  *pgxpool.Pool
	table string
}

var _ tutor.AuditSink = (*Sink)(nil)

// New returns a Sink that inserts through pool, which should connect as the
// application role granted INSERT by [Setup].
func New(pool *pgxpool.Pool, opts Options) *Sink {
	return &Sink{pool: pool, table: pgx.Identifier{opts.schema(), "audit_log"}.Sanitize()}
}

// Record inserts one record.
func (s *Sink) Record(ctx context.Context, r tutor.AuditRecord) error {
	var refusal *string
	if r.Refusal != "" {
		refusal = &r.Refusal
	}
	citations, flags := r.Citations, r.RedFlags
	if citations == nil {
		citations = []string{}
	}
	if flags == nil {
		flags = []string{}
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.table+` (answered_at, tenant, mode, question, answer, refusal,
		citations, model, prompt_version, library_version, prompt_tokens, output_tokens, red_flags,
		removed, extractive, latency_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		r.Time, r.Tenant, r.Mode, r.Question, r.Answer, refusal, citations, r.Model, r.PromptVersion,
		r.LibraryVersion, r.PromptTokens, r.OutputTokens, flags, r.Removed, r.Extractive, r.Latency.Microseconds())
	if err != nil {
		return fmt.Errorf("pgaudit: %w", err)
	}
	return nil
}

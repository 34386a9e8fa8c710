package pgaudit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bedside-ai/bedside/internal/pgtest"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/pgaudit"
)

const appRole = "bedside_app" // created by scripts/pgvector-setup

func pools(t *testing.T) (admin, app *pgxpool.Pool, schema string) {
	t.Helper()
	url := pgtest.URL(t)
	ctx := context.Background()
	var err error
	admin, err = pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.User, cfg.ConnConfig.Password = appRole, appRole
	app, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	schema = fmt.Sprintf("audit_test_%d", rand.Uint32())
	t.Cleanup(func() {
		admin.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
	})
	return admin, app, schema
}

func TestAppendOnlyInsertOnly(t *testing.T) {
	admin, app, schema := pools(t)
	ctx := context.Background()
	opts := pgaudit.Options{Schema: schema, AppRole: appRole}
	if err := pgaudit.Setup(ctx, admin, opts); err != nil {
		t.Fatal(err)
	}
	if err := pgaudit.Setup(ctx, admin, opts); err != nil { // idempotent
		t.Fatalf("second Setup: %v", err)
	}
	sink := pgaudit.New(app, opts)
	rec := tutor.AuditRecord{
		Time: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), Tenant: "trust-a", Mode: "tutor",
		Question: "What is the dose of [DRUG]?", Answer: "Give 0.5 mg. [1]",
		Citations: []string{"anaphylaxis@1/0.0#abc[10:20]"}, Model: "extractive",
		PromptVersion: "tutor-x", LibraryVersion: "v0", Latency: 1500 * time.Microsecond,
	}
	if err := sink.Record(ctx, rec); err != nil {
		t.Fatalf("Record as the application role: %v", err)
	}
	rec.Refusal, rec.Answer, rec.Citations = "no-guidance", "", nil
	if err := sink.Record(ctx, rec); err != nil {
		t.Fatalf("Record of a refusal: %v", err)
	}
	table := schema + ".audit_log"
	for _, stmt := range []string{
		`SELECT count(*) FROM ` + table,
		`UPDATE ` + table + ` SET answer = 'tampered'`,
		`DELETE FROM ` + table,
		`TRUNCATE ` + table,
	} {
		_, err := app.Exec(ctx, stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("application role: %s: err = %v; want permission denied (42501)", stmt, err)
		}
	}
	// Even the owner cannot change or remove records.
	for _, stmt := range []string{`UPDATE ` + table + ` SET answer = 'x'`, `DELETE FROM ` + table, `TRUNCATE ` + table} {
		if _, err := admin.Exec(ctx, stmt); err == nil {
			t.Errorf("owner: %s succeeded; want the append-only trigger to refuse", stmt)
		}
	}
	var n int
	var refusal *string
	if err := admin.QueryRow(ctx, `SELECT count(*), max(refusal) FROM `+table).Scan(&n, &refusal); err != nil {
		t.Fatal(err)
	}
	if n != 2 || refusal == nil || *refusal != "no-guidance" {
		t.Errorf("audit_log has %d rows, refusal %v; want 2 rows and the refusal kept", n, refusal)
	}
}

func TestSetupNeedsRole(t *testing.T) {
	admin, _, schema := pools(t)
	if err := pgaudit.Setup(context.Background(), admin, pgaudit.Options{Schema: schema}); err == nil {
		t.Errorf("Setup without AppRole succeeded")
	}
}

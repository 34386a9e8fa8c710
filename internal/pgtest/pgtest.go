// Package pgtest finds the PostgreSQL database that tests may use.
//
// Tests that need PostgreSQL with pgvector call [URL]. It returns
// $BEDSIDE_TEST_DATABASE_URL; when that is unset the test is skipped, unless
// $BEDSIDE_REQUIRE_DB is set (as .ci/run does), in which case it fails: in CI
// the database tests must run, never silently skip.
package pgtest

import (
	"os"
	"testing"
)

// URL returns the test database URL, or skips (or fails) the test.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("BEDSIDE_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("BEDSIDE_REQUIRE_DB") != "" {
			tb.Fatal("BEDSIDE_REQUIRE_DB is set but BEDSIDE_TEST_DATABASE_URL is empty: database tests must run")
		}
		tb.Skip("BEDSIDE_TEST_DATABASE_URL is not set; skipping PostgreSQL test (run scripts/test to start one)")
	}
	return url
}

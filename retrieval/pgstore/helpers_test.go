package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bedside-ai/bedside/internal/pgtest"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

// testURL returns the test database's URL, skipping the test if none is set
// (see [pgtest.URL]).
func testURL(tb testing.TB) string {
	tb.Helper()
	return pgtest.URL(tb)
}

// testSchema returns a fresh schema name and drops that schema when the test
// ends.
func testSchema(tb testing.TB) string {
	tb.Helper()
	url := testURL(tb)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "pgstore_test_" + hex.EncodeToString(b[:])
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// newTestStore opens a store on a fresh schema, closed when the test ends.
func newTestStore(tb testing.TB, opts pgstore.Options) *pgstore.Store {
	tb.Helper()
	url := testURL(tb)
	if opts.Schema == "" {
		opts.Schema = testSchema(tb)
	}
	s, err := pgstore.New(context.Background(), url, opts)
	if err != nil {
		tb.Fatalf("New(schema %s) = %v", opts.Schema, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// dbConn returns a plain connection to the test database for checks in SQL.
func dbConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// mkDoc builds a document with one section per paragraph.
func mkDoc(id, version string, st guidance.Status, paragraphs ...string) *guidance.Document {
	d := &guidance.Document{Metadata: guidance.Metadata{
		ID: id, Title: "Guidance " + id, Version: version, Status: st,
		Publisher: "Test Trust", Jurisdiction: "England",
	}}
	var b strings.Builder
	for i, p := range paragraphs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		d.Sections = append(d.Sections, guidance.Section{
			Heading: []string{fmt.Sprintf("Part %d", i+1)},
			Text:    p,
			Offset:  b.Len(),
		})
		b.WriteString(p)
	}
	d.Body = b.String()
	return d
}

// mkEntry chunks d and gives each chunk the vector vec returns for it.
func mkEntry(d *guidance.Document, model string, vec func(c *retrieval.Chunk) []float32) retrieval.Entry {
	var ck retrieval.Chunker
	chunks := ck.Split(d)
	vecs := make([][]float32, len(chunks))
	for i := range chunks {
		vecs[i] = vec(&chunks[i])
	}
	return retrieval.Entry{Document: d, Chunks: chunks, Vectors: vecs, Model: model}
}

// randUnit returns a random unit vector, near axis centre if spread is small.
func randUnit(r *mrand.Rand, dim, centre int, spread float32) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64()) * spread
	}
	if centre >= 0 {
		v[centre%dim]++
	}
	return retrieval.Normalize(v)
}

// checkStats verifies that the tenant's lexical statistics agree with its
// chunks: document frequencies, chunk count and total length.
func checkStats(tb testing.TB, conn *pgx.Conn, schema, tenant string) {
	tb.Helper()
	ctx := context.Background()
	s := pgx.Identifier{schema}.Sanitize()
	var bad int
	err := conn.QueryRow(ctx, `SELECT count(*) FROM (
			SELECT t AS term, count(*)::integer AS df FROM `+s+`.chunk_lex, unnest(terms) t WHERE tenant = $1 GROUP BY t
		) want FULL JOIN (SELECT term, df FROM `+s+`.term_stats WHERE tenant = $1) got USING (term)
		WHERE want.df IS DISTINCT FROM got.df`, tenant).Scan(&bad)
	if err != nil {
		tb.Fatal(err)
	}
	if bad != 0 {
		tb.Errorf("tenant %s: %d terms whose stored df differs from the chunks'", tenant, bad)
	}
	var n, total, sn, stotal int64
	err = conn.QueryRow(ctx, `SELECT count(*), coalesce(sum(dl), 0) FROM `+s+`.chunk_lex WHERE tenant = $1`, tenant).Scan(&n, &total)
	if err != nil {
		tb.Fatal(err)
	}
	err = conn.QueryRow(ctx, `SELECT coalesce(max(n_chunks), 0), coalesce(max(total_len), 0) FROM `+s+`.tenant_stats WHERE tenant = $1`, tenant).Scan(&sn, &stotal)
	if err != nil {
		tb.Fatal(err)
	}
	if n != sn || total != stotal {
		tb.Errorf("tenant %s: tenant_stats (n %d, total %d); chunks have (n %d, total %d)", tenant, sn, stotal, n, total)
	}
}

package pgstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
)

// TestOptimizeBuildMemory checks that Optimize raises maintenance_work_mem
// for the HNSW build when the server's setting is too small for the graph,
// keeps it when it is large enough, and uses Options.MaintenanceWorkMem
// when given.
func TestOptimizeBuildMemory(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, server, option, want string
	}{
		{"raised", "1MB", "", "maintenance_work_mem=3MB"},
		{"server's is enough", "64MB", "", "maintenance_work_mem=\"server setting\""},
		{"option", "1MB", "2MB", "maintenance_work_mem=2MB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := pgxpool.ParseConfig(testURL(t))
			if err != nil {
				t.Fatal(err)
			}
			cfg.ConnConfig.RuntimeParams["maintenance_work_mem"] = c.server
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			var logs bytes.Buffer
			s, err := pgstore.NewWithPool(ctx, pool, pgstore.Options{
				Schema:             testSchema(t),
				MaintenanceWorkMem: c.option,
				Logger:             slog.New(slog.NewTextHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// 800 chunks of 384 dimensions: a graph of about 2.7 MB.
			r := mrand.New(mrand.NewPCG(1, 2))
			var entries []retrieval.Entry
			for i := range 800 {
				d := mkDoc(fmt.Sprintf("d%03d", i), "1", guidance.Approved, fmt.Sprintf("Paragraph %d about oxygen.", i))
				entries = append(entries, mkEntry(d, "m", func(*retrieval.Chunk) []float32 { return randUnit(r, 384, i%8, 0.3) }))
			}
			if err := s.Put(ctx, "", entries); err != nil {
				t.Fatal(err)
			}
			if err := s.Optimize(ctx); err != nil {
				t.Fatalf("Optimize = %v", err)
			}
			var line string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "built HNSW index") {
					line = l
				}
			}
			if !strings.Contains(line, c.want) {
				t.Errorf("index build logged %q; want %s", line, c.want)
			}
		})
	}
}

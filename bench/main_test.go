package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// testDB returns the test database URL, or "" to skip the PostgreSQL
// sections; with BEDSIDE_REQUIRE_DB set (as in CI) a missing URL fails.
func testDB(t testing.TB) string {
	t.Helper()
	url := os.Getenv("BEDSIDE_TEST_DATABASE_URL")
	if url == "" && os.Getenv("BEDSIDE_REQUIRE_DB") != "" {
		t.Fatal("BEDSIDE_REQUIRE_DB is set but BEDSIDE_TEST_DATABASE_URL is empty")
	}
	return url
}

// TestReport runs every section of the quick mode's code on tiny data and
// checks that the report has every section and table, no section failed,
// and every target was judged.
func TestReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every comparison on tiny data (about 20 s)")
	}
	url := testDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := runAll(ctx, tinyConfig(), options{dbURL: url, requireDB: url != ""}, t.Logf)
	if err != nil {
		t.Fatalf("runAll = %v", err)
	}
	var b strings.Builder
	if err := rep.write(&b); err != nil {
		t.Fatalf("write = %v", err)
	}
	out := b.String()
	if len(rep.sections) != len(sectionNames) {
		t.Errorf("report has %d sections; want %d", len(rep.sections), len(sectionNames))
	}
	for _, s := range rep.sections {
		if s.err != nil {
			t.Errorf("section %q failed: %v", s.title, s.err)
		}
		if url == "" && strings.HasPrefix(s.title, "PostgreSQL") {
			continue
		}
		if len(s.tables) == 0 || len(s.tables[0].rows) == 0 {
			t.Errorf("section %q has no table rows", s.title)
		}
	}
	for _, want := range []string{"## Targets (issue 6)", "| target | wanted | measured in this run | status |",
		"Bedside filestore", "chromem-go", "SIMD flat-slab floor", "langchaingo"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if url != "" {
		for _, want := range []string{"Bedside pgstore", "langchaingo (WithHNSWIndex)", "recall@10"} {
			if !strings.Contains(out, want) {
				t.Errorf("report lacks %q", want)
			}
		}
	}
	for _, tg := range rep.targets {
		if tg.status == "" || tg.measured == "" {
			t.Errorf("target %q not judged: %+v", tg.name, tg)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

func TestPercentile(t *testing.T) {
	lat := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 5}, {90, 9}, {95, 10}, {99, 10}, {10, 1}} {
		if got := percentile(lat, c.p); got != c.want {
			t.Errorf("percentile(%v, %v) = %v; want %v", lat, c.p, got, c.want)
		}
	}
}

func TestSig3(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{0.3512, "0.351"}, {12.345, "12.3"}, {123.4, "123"}, {1.5, "1.50"}, {0.0123, "0.0123"}, {12345, "12345"}} {
		if got := sig3(c.x); got != c.want {
			t.Errorf("sig3(%v) = %q; want %q", c.x, got, c.want)
		}
	}
}

// TestFloorAgreesWithExact checks the SIMD floor against a plain loop.
func TestFloorAgreesWithExact(t *testing.T) {
	ts, err := loadTextSource("")
	if err != nil {
		t.Fatal(err)
	}
	mix := newMixture(1, 48, 8)
	c := syntheticCorpus(ts, mix, 500, 10, 20, 1)
	q := mixtureQueries(ts, mix, 1, 2)[0]
	for _, f := range filterCases {
		ranges := rangesOf(c, f)
		got := (&slabScan{slab: c.slab, dim: c.dim}).top(q.vec, ranges, 10, nil)
		var all []scored
		for r := range c.rows() {
			if !f.pass(c.docOf[r]) {
				continue
			}
			var s float64
			for i, x := range c.row(r) {
				s += float64(x) * float64(q.vec[i])
			}
			all = append(all, scored{float32(s), int32(r)})
		}
		best := map[int32]bool{}
		for range min(10, len(all)) {
			bi := 0
			for i := range all {
				if all[i].score > all[bi].score {
					bi = i
				}
			}
			best[all[bi].row] = true
			all[bi].score = -2
		}
		if len(got) != len(best) {
			t.Fatalf("filter %s: floor found %d; want %d", f.name, len(got), len(best))
		}
		for _, g := range got {
			if !best[g.row] {
				t.Errorf("filter %s: floor returned row %d, not in the exact top 10", f.name, g.row)
			}
		}
	}
}

package filestore

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

// TestEligibilityCacheFollowsTime checks that unfiltered queries, whose
// eligible rows are cached between governance times, give the reference
// answer at every boundary (and 1ns either side), with query times in
// shuffled and in ascending order, with and without ExcludeOverdue, and
// after writes.
func TestEligibilityCacheFollowsTime(t *testing.T) {
	clock := &retrievaltest.Clock{}
	s := openMem(t, clock.Now)
	ctx := context.Background()
	day := 24 * time.Hour
	text := "sepsis antibiotics within one hour of recognition"
	var docs []*guidance.Document
	var times []time.Time
	for i := range 12 {
		d := testDoc(string(rune('a'+i)), "1", guidance.Approved, text, "fluids and lactate for septic shock")
		off := time.Duration(i) * day
		d.ApprovedAt = t0.Add(off)
		d.EffectiveFrom = t0.Add(off + day/2)
		d.ReviewDue = t0.Add(off + 5*day)
		switch i % 3 {
		case 1:
			d.Status = guidance.Superseded
			d.SupersededAt = t0.Add(off + 3*day)
		case 2:
			d.Status = guidance.Withdrawn
			d.WithdrawnAt = t0.Add(off + 4*day)
		}
		docs = append(docs, d)
		for _, b := range []time.Time{d.ApprovedAt, d.EffectiveFrom, d.ReviewDue, d.SupersededAt, d.WithdrawnAt} {
			if !b.IsZero() {
				times = append(times, b.Add(-time.Nanosecond), b, b.Add(time.Nanosecond))
			}
		}
	}
	put(t, s, "", docs...)
	times = append(times, t0.Add(-day), t0.Add(30*day))
	check := func() {
		t.Helper()
		for _, excl := range []bool{false, true} {
			for _, at := range times {
				q := retrieval.Query{Text: text, Vector: embed(t, text), K: 100, AsOf: at, ExcludeOverdue: excl}
				checkAgainstReference(t, s, q)
			}
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(times), func(i, j int) { times[i], times[j] = times[j], times[i] })
	// Each check starts and ends at probe, when every write below changes
	// the answer: a cache kept across a write would be caught.
	probe := t0.Add(4 * day)
	sorted := slices.SortedFunc(slices.Values(times), time.Time.Compare)
	times = append(append(append([]time.Time{probe}, times...), sorted...), probe)
	check()

	// A write drops the cache: withdraw one version, delete another, add one.
	if err := s.SetStatus(ctx, "", retrieval.StatusChange{ID: "a", Version: "1", Status: guidance.Withdrawn, At: t0.Add(2 * day)}); err != nil {
		t.Fatal(err)
	}
	check()
	if err := s.Delete(ctx, "", "d"); err != nil {
		t.Fatal(err)
	}
	check()
	put(t, s, "", testDoc("z", "1", guidance.Approved, text))
	check()
}

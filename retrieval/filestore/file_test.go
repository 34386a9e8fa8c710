package filestore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

// richStore fills a store with two tenants of varied documents, then
// changes statuses, replaces and deletes versions so that the file holds
// tombstone-free but renumbered rows.
func richStore(t *testing.T, s *Store, clock *retrievaltest.Clock) {
	t.Helper()
	ctx := context.Background()
	d := testDoc("full", "2024.1", guidance.Approved,
		"Adrenaline 0.5 mg intramuscularly for anaphylaxis in adults.",
		"Repeat after 5 minutes if there is no improvement.")
	d.ApprovedBy = "Medicines Committee"
	d.ApprovedAt = t0.Add(-48 * time.Hour)
	d.EffectiveFrom = time.Date(2025, 12, 30, 9, 30, 15, 123456789, time.FixedZone("X", 3600))
	d.ReviewDue = t0.Add(-time.Hour)
	d.Specialties = []string{"emergency medicine", "allergy"}
	d.Tags = []string{} // empty, not nil
	d.Audience = []string{"nurses"}
	d.SourceURL = "https://example.org/anaphylaxis"
	d.Licence = "CC BY 4.0"
	d.Jurisdiction = "England"
	d.Source = "guidance/anaphylaxis.md"
	d.Sections[1].Heading = []string{"Treatment", "Repeat doses"}
	e := entry(t, d)
	e.Chunks[0].Heading = nil
	e.Chunks[0].Context = ""
	if err := s.Put(ctx, "", []retrieval.Entry{e}); err != nil {
		t.Fatal(err)
	}
	put(t, s, "", testDoc("old", "1", guidance.Approved, "Old oxygen advice."))
	clock.Advance(time.Hour)
	put(t, s, "", testDoc("old", "2", guidance.Approved, "New oxygen advice, titrate to 94 percent."))
	put(t, s, "", testDoc("gone", "1", guidance.Approved, "This document is deleted."))
	if err := s.Delete(ctx, "", "gone"); err != nil {
		t.Fatal(err)
	}
	put(t, s, "", testDoc("draft", "1", guidance.Draft, "Draft advice about sepsis and oxygen."))
	put(t, s, "", testDoc("draft", "1", guidance.Draft, "Draft advice about sepsis, replaced."))
	put(t, s, "other tenant", testDoc("full", "1", guidance.Approved, "Another tenant's anaphylaxis text."))
	if err := s.SetStatus(ctx, "other tenant", retrieval.StatusChange{ID: "full", Status: guidance.Withdrawn}); err != nil {
		t.Fatal(err)
	}
	sy := newSynth(11, 32)
	if err := s.Put(ctx, "synthetic", sy.entries(0, 60, 3)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60; i += 4 {
		s.Delete(ctx, "synthetic", fmt.Sprintf("doc%06d", i))
	}
}

// snapshot is everything observable about a store, for comparisons.
type snapshot struct {
	docs  map[string][]retrieval.DocumentInfo
	hits  map[string][]retrieval.Hit
	cache map[string]map[string][]float32
}

func takeSnapshot(t *testing.T, s *Store) snapshot {
	t.Helper()
	ctx := context.Background()
	sn := snapshot{docs: map[string][]retrieval.DocumentInfo{}, hits: map[string][]retrieval.Hit{}, cache: map[string]map[string][]float32{}}
	for _, tenant := range []string{"", "other tenant", "synthetic", "nobody"} {
		docs, err := s.Documents(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		sn.docs[tenant] = docs
		var keys []string
		for _, text := range []string{"anaphylaxis adrenaline", "oxygen advice", "sepsis", newSynth(12, 32).words(3)} {
			for _, m := range []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical} {
				for _, asOf := range []time.Time{{}, t0.Add(-time.Minute), t0.Add(30 * time.Minute)} {
					hits, err := s.Search(ctx, retrieval.Query{Tenant: tenant, Text: text, Vector: embed(t, text), Mode: m, K: 30, AsOf: asOf})
					if err != nil {
						t.Fatal(err)
					}
					sn.hits[fmt.Sprint(tenant, text, m, asOf)] = hits
					for _, h := range hits {
						keys = append(keys, h.Chunk.EmbedKey)
					}
				}
			}
		}
		cache, err := s.CachedEmbeddings(ctx, tenant, "retrievaltest-fake", keys)
		if err != nil {
			t.Fatal(err)
		}
		sn.cache[tenant] = cache
	}
	return sn
}

func TestPersistenceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.bedside")
	clock := &retrievaltest.Clock{}
	s, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	richStore(t, s, clock)
	want := takeSnapshot(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	defer s2.Close()
	checkInvariants(t, s2)
	got := takeSnapshot(t, s2)
	if !reflect.DeepEqual(got.docs, want.docs) {
		t.Errorf("Documents after reopen differ:\n got %+v\nwant %+v", got.docs, want.docs)
	}
	for k, w := range want.hits {
		if g := got.hits[k]; !reflect.DeepEqual(g, w) {
			t.Errorf("Search %s after reopen differs:\n got %+v\nwant %+v", k, g, w)
		}
	}
	if !reflect.DeepEqual(got.cache, want.cache) {
		t.Errorf("CachedEmbeddings after reopen differ")
	}
	// Nil and empty lists and time instants survive.
	docs, _ := s2.Documents(context.Background(), "", "full")
	if docs[0].Tags == nil || len(docs[0].Tags) != 0 {
		t.Errorf("Tags = %#v; want an empty, non-nil list", docs[0].Tags)
	}
	if !docs[0].EffectiveFrom.Equal(time.Date(2025, 12, 30, 9, 30, 15, 123456789, time.FixedZone("X", 3600))) {
		t.Errorf("EffectiveFrom = %v; want 2025-12-30T09:30:15.123456789+01:00", docs[0].EffectiveFrom)
	}
	// Writes after reopening work and persist too.
	put(t, s2, "", testDoc("after", "1", guidance.Approved, "Written after reopening."))
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	s3, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	checkInvariants(t, s3)
	if docs, _ := s3.Documents(context.Background(), "", "after"); len(docs) != 1 {
		t.Errorf("document written after reopening: %d versions; want 1", len(docs))
	}
}

func TestFlushOnlyWhenDirty(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "store.bedside")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A new store creates its file on the first flush, even when empty.
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	fi1, err := os.Stat(path)
	if err != nil {
		t.Fatalf("empty store: Flush did not create the file: %v", err)
	}
	writes := 0
	s.createTemp = func(dir, pattern string) (tempFile, error) {
		writes++
		return os.CreateTemp(dir, pattern)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	put(t, s, "", testDoc("a", "1", guidance.Approved, "Alpha."))
	put(t, s, "", testDoc("a", "1", guidance.Approved, "Alpha.")) // unchanged: not dirty again
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if writes != 1 {
		t.Errorf("flushes wrote the file %d times; want 1 (only after the Put)", writes)
	}
	fi2, _ := os.Stat(path)
	if os.SameFile(fi1, fi2) {
		t.Errorf("file was not replaced by the flush after a Put")
	}
	if fi2.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v; want 0600", fi2.Mode().Perm())
	}
	// A memory-only store's Flush does nothing.
	m := openMem(t, nil)
	put(t, m, "", testDoc("a", "1", guidance.Approved, "Alpha."))
	if err := m.Flush(ctx); err != nil {
		t.Errorf("memory store Flush() = %v; want nil", err)
	}
	// Opening in a missing directory fails at once.
	if _, err := Open(filepath.Join(dir, "missing", "store.bedside"), Options{}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open in a missing directory = %v; want an error", err)
	}
}

// writeStore writes a small store file and returns its path and bytes.
func writeStore(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.bedside")
	clock := &retrievaltest.Clock{}
	s, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	richStore(t, s, clock)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

// sections returns the offsets of the metadata, vector and postings sections.
func sections(b []byte) (meta, vec, post, end int) {
	h := decodeHeader(b)
	meta = headerSize
	vec = meta + int(h.metaLen)
	post = vec + int(h.vecLen)
	end = post + int(h.postLen)
	return
}

// rehead rewrites the header checksum after a deliberate header change.
func rehead(b []byte) {
	binary.LittleEndian.PutUint32(b[60:], crc32.Checksum(b[:60], castagnoli))
}

func TestCorruptFileDetected(t *testing.T) {
	path, good := writeStore(t)
	meta, vec, post, end := sections(good)
	if end != len(good) || vec-meta < 100 || post-vec < 100 || end-post < 100 {
		t.Fatalf("unexpected layout: meta %d vec %d post %d end %d", meta, vec, post, end)
	}
	flip := func(at int) func([]byte) []byte {
		return func(b []byte) []byte { b[at] ^= 0x40; return b }
	}
	cases := []struct {
		name string
		mod  func([]byte) []byte
		want string // after "filestore: <path>: "
	}{
		{"empty", func(b []byte) []byte { return b[:0] }, "corrupt store file: truncated: 0 bytes, shorter than the 64-byte header"},
		{"short header", func(b []byte) []byte { return b[:20] }, "corrupt store file: truncated: 20 bytes, shorter than the 64-byte header"},
		{"not a store", func([]byte) []byte { return []byte("id,title\nsepsis,Sepsis in adults\n" + strings.Repeat("x", 100)) }, "corrupt store file: not a Bedside store file (bad magic number)"},
		{"short non-store", func([]byte) []byte { return []byte("{}") }, "corrupt store file: not a Bedside store file (bad magic number)"},
		{"header bit flip", flip(20), "corrupt store file: header checksum mismatch"},
		{"metadata bit flip", flip(meta + 50), "corrupt store file: checksum mismatch in the metadata section"},
		{"vector bit flip", flip(vec + 77), "corrupt store file: checksum mismatch in the vector section"},
		{"postings bit flip", flip(post + 9), "corrupt store file: checksum mismatch in the postings section"},
		{"truncated in vectors", func(b []byte) []byte { return b[:vec+10] }, fmt.Sprintf("corrupt store file: truncated: %d bytes; the header says %d", vec+10, end)},
		{"last byte missing", func(b []byte) []byte { return b[:end-1] }, fmt.Sprintf("corrupt store file: truncated: %d bytes; the header says %d", end-1, end)},
		{"trailing bytes", func(b []byte) []byte { return append(b, 0, 0, 0) }, "corrupt store file: 3 unexpected bytes after the end"},
		{"future version", func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 2); rehead(b); return b }, "format version 2 is not supported (this build reads version 1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, c.mod(slices.Clone(good)), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, Options{})
			want := "filestore: " + path + ": " + c.want
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded; want %q", c.name, want)
			}
			if err.Error() != want {
				t.Errorf("Open(%s) = %q; want %q", c.name, err, want)
			}
			if isCorrupt := !strings.HasPrefix(c.name, "future"); errors.Is(err, ErrCorrupt) != isCorrupt {
				t.Errorf("errors.Is(Open(%s), ErrCorrupt) = %v; want %v", c.name, !isCorrupt, isCorrupt)
			}
		})
	}
	// The undamaged file opens.
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(undamaged) = %v", err)
	}
	s.Close()
	// A dimension that disagrees with Options.Dimension is refused.
	if _, err := Open(path, Options{Dimension: 64}); err == nil || err.Error() != "filestore: "+path+": vectors have 32 dimensions; Options.Dimension is 64" {
		t.Errorf("Open with Dimension 64 = %v", err)
	}
}

// failingFile is a temporary file whose writes fail after limit bytes, or
// whose Sync fails.
type failingFile struct {
	*os.File
	limit    int
	syncFail bool
}

var errInjected = errors.New("injected write failure")

func (f *failingFile) Write(b []byte) (int, error) {
	if len(b) > f.limit {
		n, _ := f.File.Write(b[:f.limit])
		f.limit = 0
		return n, errInjected
	}
	f.limit -= len(b)
	return f.File.Write(b)
}

func (f *failingFile) Sync() error {
	if f.syncFail {
		return errInjected
	}
	return f.File.Sync()
}

func TestFailedFlushKeepsPreviousFile(t *testing.T) {
	path, good := writeStore(t)
	dir := filepath.Dir(path)
	ctx := context.Background()
	clock := &retrievaltest.Clock{}
	for _, c := range []struct {
		name     string
		limit    int
		syncFail bool
	}{
		{"fails in the header", 10, false},
		{"fails in the metadata", 5000, false},
		{"fails in the vectors", len(good) / 2, false},
		{"fails at the end", len(good) - 100, false},
		{"sync fails", 1 << 30, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Open(path, Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			put(t, s, "", testDoc("new", "1", guidance.Approved, "A change that is never saved."))
			s.createTemp = func(dir, pattern string) (tempFile, error) {
				f, err := os.CreateTemp(dir, pattern)
				return &failingFile{File: f, limit: c.limit, syncFail: c.syncFail}, err
			}
			err = s.Flush(ctx)
			if !errors.Is(err, errInjected) || !strings.HasPrefix(err.Error(), "filestore: flush "+path+": ") {
				t.Errorf("Flush with a failing file = %v; want the injected error", err)
			}
			// Close retries, fails again, and leaves the store open.
			if err := s.Close(); !errors.Is(err, errInjected) {
				t.Errorf("Close with a failing file = %v; want the injected error", err)
			}
			if _, err := s.Documents(ctx, ""); err != nil {
				t.Errorf("store unusable after a failed Close: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, good) {
				t.Errorf("failed flush changed the previous file (%d bytes, was %d; err %v)", len(got), len(good), err)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				var names []string
				for _, e := range ents {
					names = append(names, e.Name())
				}
				t.Errorf("directory holds %v; want only the store file", names)
			}
			// With a working disk the change is saved.
			s.createTemp = createOSTemp
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s2, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if docs, _ := s2.Documents(ctx, "", "new"); len(docs) != 1 {
				t.Errorf("after a successful flush: %d versions of new; want 1", len(docs))
			}
			s2.Close()
			if err := os.WriteFile(path, good, 0o600); err != nil {
				t.Fatal(err)
			}
		})
	}
	// A cancelled context stops a flush the same way.
	s, _ := Open(path, Options{})
	put(t, s, "", testDoc("new", "1", guidance.Approved, "Unsaved."))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Flush(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Flush(cancelled) = %v; want context.Canceled", err)
	}
	// A crash mid-flush leaves a stray temporary file; the store file is intact.
	stray := filepath.Join(dir, ".store.bedside.tmp-123")
	os.WriteFile(stray, good[:len(good)/3], 0o600)
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open beside a stray temporary file = %v", err)
	}
	s2.Close()
	s.Close()
}

func TestAnalyzerChangeRebuildsLexicalIndex(t *testing.T) {
	path, good := writeStore(t)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := takeSnapshot(t, s)
	s.Close()
	b := slices.Clone(good)
	binary.LittleEndian.PutUint32(b[52:], binary.LittleEndian.Uint32(b[52:])+1)
	rehead(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkInvariants(t, s2)
	if s2.gen == s2.flushed.Load() {
		t.Errorf("store with a rebuilt index is not marked for rewriting")
	}
	got := takeSnapshot(t, s2)
	if !reflect.DeepEqual(got.docs, want.docs) {
		t.Errorf("Documents differ after the rebuild")
	}
	// The rebuilt index ranks the same documents; scores may differ only
	// through the reference length, which the rebuild sets exactly.
	for k, w := range want.hits {
		g := got.hits[k]
		if len(g) != len(w) {
			t.Errorf("Search %s: %d hits after the rebuild; want %d", k, len(g), len(w))
		}
	}
}

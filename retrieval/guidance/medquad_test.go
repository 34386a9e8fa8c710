package guidance

import (
	"os"
	"testing"
	"time"
)

// medquadCorpus is the MedQuAD BEIR corpus described in
// /work/shared/data/README.md. Tests that need it skip when it is absent.
const medquadCorpus = "../../../shared/data/medquad/corpus.jsonl"

func medquadPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{medquadCorpus, "/work/shared/data/medquad/corpus.jsonl"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("MedQuAD corpus not found")
	return ""
}

func TestLoadMedQuAD(t *testing.T) {
	path := medquadPath(t)
	l := &Loader{Defaults: Metadata{Status: Approved, Version: "1", Publisher: "NIH"}}
	start := time.Now()
	docs, err := l.LoadFile(path)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("LoadFile(%s): %v", path, err)
	}
	if len(docs) != 16407 {
		t.Fatalf("LoadFile(%s) = %d documents; want 16407", path, len(docs))
	}
	t.Logf("loaded %d documents from %s in %v", len(docs), path, elapsed)
	ids := make(map[string]bool, len(docs))
	for _, d := range docs {
		if ids[d.ID] {
			t.Errorf("duplicate id %s", d.ID)
		}
		ids[d.ID] = true
		if d.Status != Approved || d.Version != "1" || d.Publisher != "NIH" || d.Title == "" {
			t.Errorf("%s: metadata %+v; want the defaults and a title", d.Source, d.Metadata)
		}
		checkSections(t, d)
	}
	if d := docs[0]; d.ID != "CancerGov_0000001_1_1" || d.Title != "Adult Acute Lymphoblastic Leukemia" || d.Source != path+":1" {
		t.Errorf("first document = %s %q from %s; want CancerGov_0000001_1_1 \"Adult Acute Lymphoblastic Leukemia\" from line 1", d.ID, d.Title, d.Source)
	}
}

func BenchmarkLoadMedQuAD(b *testing.B) {
	path := medquadPath(b)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	l := &Loader{Defaults: Metadata{Status: Approved, Version: "1"}}
	for b.Loop() {
		if _, err := l.LoadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

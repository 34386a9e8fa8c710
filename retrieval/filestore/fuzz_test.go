package filestore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// FuzzDecode feeds the section decoder arbitrary metadata and postings, as
// a file with valid checksums but inconsistent content would: it must
// return an error, never panic or index out of range.
func FuzzDecode(f *testing.F) {
	path := filepath.Join(f.TempDir(), "s.bedside")
	s, err := Open(path, Options{})
	if err != nil {
		f.Fatal(err)
	}
	put(f, s, "", testDoc("a", "1", guidance.Approved, "Alpha oxygen.", "Beta sepsis."))
	put(f, s, "t2", testDoc("b", "2", guidance.Draft, "Gamma."))
	if err := s.Flush(context.Background()); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	meta, vec, post, end := sections(b)
	f.Add(b[meta:vec], b[vec:post], b[post:end])
	f.Fuzz(func(t *testing.T, meta, vecBytes, postBytes []byte) {
		vecs := make([]float32, len(vecBytes)/4)
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(vecs))), len(vecs)*4), vecBytes)
		words := make([]uint32, len(postBytes)/4)
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*4), postBytes)
		tenants, err := decodeTenants(meta, vecs, words, 32)
		if err != nil {
			return
		}
		// Whatever decodes must be usable.
		st := &Store{dim: 32, tenants: tenants, now: s.now}
		st.pool.New = func() any { return new(scratch) }
		q := make([]float32, 32)
		q[0] = 1
		for name := range tenants {
			st.Documents(context.Background(), name)
			for _, m := range []retrieval.Mode{retrieval.Hybrid, retrieval.Vector, retrieval.Lexical} {
				st.Search(context.Background(), retrieval.Query{Tenant: name, Text: "alpha oxygen gamma", Vector: q, Mode: m,
					Filter: retrieval.Filter{Publishers: []string{"Test Trust", ""}}})
			}
		}
	})
}

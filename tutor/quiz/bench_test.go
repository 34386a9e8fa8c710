package quiz

import (
	"context"
	"testing"
)

// BenchmarkGenerate50 writes 50 items offline from the example guidance
// (18 documents, 217 passages in force), retrieval included.
func BenchmarkGenerate50(b *testing.B) {
	lib, _ := exampleLibrary(b)
	g := newGenerator(b, lib, Options{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := g.Generate(ctx, Request{Count: 50})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Items) < 48 {
			b.Fatalf("made %d items", len(res.Items))
		}
	}
}

// BenchmarkLint50 lints a bank of 50 generated items, bank rules included.
func BenchmarkLint50(b *testing.B) {
	lib, _ := exampleLibrary(b)
	g := newGenerator(b, lib, Options{})
	res, err := g.Generate(context.Background(), Request{Count: 50})
	if err != nil {
		b.Fatal(err)
	}
	var l Linter
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Lint(res.Items); err != nil {
			b.Fatal(err)
		}
	}
}

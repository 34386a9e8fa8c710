package main

import (
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var b strings.Builder
	if err := run(context.Background(), &b, "../guidance", "What dose of adrenaline is given IM for anaphylaxis in adults?"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"500 micrograms IM", "[1]", "anaphylaxis-adult v1.3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

package quiz

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/bedside-ai/bedside/retrieval"
)

// A Retriever finds approved, in-force guidance passages.
// [*retrieval.Library] is one.
type Retriever interface {
	Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error)
}

// A DocumentLister lists the stored versions of guidance documents, every
// status included. [retrieval.Store] is one (its Documents method).
type DocumentLister interface {
	Documents(ctx context.Context, tenant string, ids ...string) ([]retrieval.DocumentInfo, error)
}

var _ Retriever = (*retrieval.Library)(nil)
var _ DocumentLister = (retrieval.Store)(nil)

// ErrNoPassages is returned by [Generator.Generate] when the request selects
// no approved, in-force guidance.
var ErrNoPassages = errors.New("quiz: no approved, in-force guidance matched the request")

// ContentID returns the stable ID of an item's content: "q-" and 12 hex
// digits of a SHA-256 over its type, stem, options (text and whether each
// is correct) and accepted answers. It does not depend on the order of the
// options, so shuffling or balancing them keeps it; editing the rationale,
// citations or findings does not change it either.
func ContentID(it *Item) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(string(it.Type))
	field(normSpace(it.Stem))
	opts := make([]string, len(it.Options))
	for i, o := range it.Options {
		mark := "0"
		if o.Correct {
			mark = "1"
		}
		opts[i] = mark + normSpace(o.Text)
	}
	sort.Strings(opts)
	for _, o := range opts {
		field(o)
	}
	field("answers")
	for _, a := range it.Answers {
		field(normSpace(a))
	}
	sum := h.Sum(nil)
	return "q-" + hex.EncodeToString(sum[:6])
}

// normSpace collapses runs of white space to one space and trims the ends.
func normSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// hasError reports whether any finding is an error.
func hasError(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

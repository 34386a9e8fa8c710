package pgstore_test

import (
	"testing"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/pgstore"
	"github.com/bedside-ai/bedside/retrieval/retrievaltest"
)

// TestConformance runs the shared store suite, one fresh schema per store.
func TestConformance(t *testing.T) {
	testURL(t)
	retrievaltest.Run(t, func(t *testing.T, o retrievaltest.StoreOptions) retrieval.Store {
		return newTestStore(t, pgstore.Options{Now: o.Now})
	})
}

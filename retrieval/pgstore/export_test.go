package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Explain exposes explain to the tests.
var Explain = (*Store).explain

// SetReweightPage sets the re-weighting page size until the test ends.
func SetReweightPage(tb interface{ Cleanup(func()) }, n int) {
	old := reweightPage
	reweightPage = n
	tb.Cleanup(func() { reweightPage = old })
}

// Reweight re-weights every chunk of the tenant against ref in one transaction.
func Reweight(s *Store, ctx context.Context, tenant string, ref float64) (n int64, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		n, err = s.reweight(ctx, tx, tenant, ref)
		return err
	})
	return n, err
}

package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// docColumns are the documents columns scanDoc reads, for alias d.
const docColumns = `d.id, d.title, d.publisher, d.version, d.status, d.approved_by, d.approved_at,
	d.effective_from, d.review_due, d.superseded_at, d.withdrawn_at, d.jurisdiction, d.specialties,
	d.tags, d.audience, d.source_url, d.licence, d.hash, d.n_chunks, d.source, d.stored_at`

// docRow receives docColumns. Its fields are nullable so that it can also
// receive an outer join's missing row.
type docRow struct {
	id, title, publisher, version, status, approvedBy               pgtype.Text
	approvedAt, effectiveFrom, reviewDue, supersededAt, withdrawnAt pgtype.Timestamptz
	jurisdiction                                                    pgtype.Text
	specialties, tags, audience                                     []string
	sourceURL, licence, hash                                        pgtype.Text
	nChunks                                                         pgtype.Int4
	source                                                          pgtype.Text
	storedAt                                                        pgtype.Timestamptz
}

func (r *docRow) dest() []any {
	return []any{&r.id, &r.title, &r.publisher, &r.version, &r.status, &r.approvedBy, &r.approvedAt,
		&r.effectiveFrom, &r.reviewDue, &r.supersededAt, &r.withdrawnAt, &r.jurisdiction, &r.specialties,
		&r.tags, &r.audience, &r.sourceURL, &r.licence, &r.hash, &r.nChunks, &r.source, &r.storedAt}
}

func (r *docRow) info() retrieval.DocumentInfo {
	return retrieval.DocumentInfo{
		Metadata: guidance.Metadata{
			ID:            r.id.String,
			Title:         r.title.String,
			Publisher:     r.publisher.String,
			Version:       r.version.String,
			Status:        guidance.Status(r.status.String),
			ApprovedBy:    r.approvedBy.String,
			ApprovedAt:    timeOf(r.approvedAt),
			EffectiveFrom: timeOf(r.effectiveFrom),
			ReviewDue:     timeOf(r.reviewDue),
			SupersededAt:  timeOf(r.supersededAt),
			WithdrawnAt:   timeOf(r.withdrawnAt),
			Jurisdiction:  r.jurisdiction.String,
			Specialties:   r.specialties,
			Tags:          r.tags,
			Audience:      r.audience,
			SourceURL:     r.sourceURL.String,
			Licence:       r.licence.String,
		},
		Hash:     r.hash.String,
		Chunks:   int(r.nChunks.Int32),
		Source:   r.source.String,
		StoredAt: timeOf(r.storedAt),
	}
}

// timeOf maps NULL to the zero time, and times to UTC.
func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// Documents lists the tenant's stored versions, all statuses included,
// ordered by ID and then by the order they were first stored.
func (s *Store) Documents(ctx context.Context, tenant string, ids ...string) ([]retrieval.DocumentInfo, error) {
	tenant = retrieval.TenantOrDefault(tenant)
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgstore: documents: %w", err)
	}
	defer c.Release()
	q := "SELECT " + docColumns + " FROM {s}.documents d WHERE d.tenant = $1"
	args := []any{tenant}
	if len(ids) > 0 {
		q += " AND d.id = ANY($2)"
		args = append(args, ids)
	}
	rows, err := c.Query(ctx, s.sql(q+" ORDER BY d.id, d.seq"), args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: documents: %w", err)
	}
	var out []retrieval.DocumentInfo
	var r docRow
	_, err = pgx.ForEachRow(rows, r.dest(), func() error {
		out = append(out, r.info())
		r = docRow{} // never share slices between rows
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: documents: %w", err)
	}
	return out, nil
}

// SetStatus approves or withdraws stored versions, in one transaction that
// also supersedes the other approved versions when one is approved.
func (s *Store) SetStatus(ctx context.Context, tenant string, change retrieval.StatusChange) error {
	tenant = retrieval.TenantOrDefault(tenant)
	if err := change.Validate(); err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	now := s.opts.Now()
	at := change.At
	if at.IsZero() {
		at = now
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := s.lockTenant(ctx, tx, tenant); err != nil {
			return err
		}
		q := "SELECT version, status, effective_from FROM {s}.documents WHERE tenant = $1 AND id = $2"
		args := []any{tenant, change.ID}
		if change.Version != "" {
			q += " AND version = $3"
			args = append(args, change.Version)
		}
		type version struct {
			version, status string
			effectiveFrom   pgtype.Timestamptz
		}
		rows, err := tx.Query(ctx, s.sql(q+" ORDER BY seq FOR UPDATE"), args...)
		if err != nil {
			return err
		}
		vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (version, error) {
			var v version
			err := row.Scan(&v.version, &v.status, &v.effectiveFrom)
			return v, err
		})
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			if change.Version != "" {
				return fmt.Errorf("%s@%s: %w", change.ID, change.Version, retrieval.ErrNotFound)
			}
			return fmt.Errorf("document %q: %w", change.ID, retrieval.ErrNotFound)
		}
		for _, v := range vs {
			if from := guidance.Status(v.status); !guidance.CanTransition(from, change.Status) {
				return &retrieval.TransitionError{ID: change.ID, Version: v.version, From: from, To: change.Status}
			}
		}
		switch change.Status {
		case guidance.Approved:
			v := vs[0]
			// ApprovedAt becomes change.At if given, else stays if set, else now.
			_, err := tx.Exec(ctx, s.sql(`UPDATE {s}.documents SET status = 'approved',
					approved_by = CASE WHEN $4 <> '' THEN $4 ELSE approved_by END,
					approved_at = coalesce($5, approved_at, $6), superseded_at = NULL
				WHERE tenant = $1 AND id = $2 AND version = $3`),
				tenant, change.ID, v.version, change.By, ts(change.At), at)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, s.sql(supersedeSQL), tenant, change.ID, v.version, at, v.effectiveFrom); err != nil {
				return err
			}
		case guidance.Withdrawn:
			// A version withdrawn already keeps its withdrawal time, so that
			// audits of the past stay true.
			q := `UPDATE {s}.documents SET status = 'withdrawn', withdrawn_at = $3
				WHERE tenant = $1 AND id = $2 AND NOT (status = 'withdrawn' AND withdrawn_at IS NOT NULL)`
			args := []any{tenant, change.ID, at}
			if change.Version != "" {
				q += " AND version = $4"
				args = append(args, change.Version)
			}
			if _, err := tx.Exec(ctx, s.sql(q), args...); err != nil {
				return err
			}
		}
		return s.syncChunks(ctx, tx, tenant, []string{change.ID})
	})
	if err != nil {
		var te *retrieval.TransitionError
		if errors.As(err, &te) {
			return err
		}
		return fmt.Errorf("pgstore: set status: %w", err)
	}
	return nil
}

package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/erasure"
	"highvibe/app/tenantdb"
)

// EraseLeadTx masks the person in the queue's stored payloads, in the erasure's transaction:
// finished jobs keep the raw webhook bodies they processed (and data_import_jobs those of the
// time before jobs), which carry the sender's number, name and words. A running job is left
// alone (its worker owns it; its payload was already read).
//
// With a pre-read (PrereadLead) only the jobs it found, the jobs queued since and the jobs
// updated since are tested: a job's payload never changes, its error only when it is updated.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	rows, args, second := `TRUE`, []any(nil), []any{spec}
	if v := s.Seen("jobs"); v != nil {
		rows, args = `(id IN (SELECT value FROM json_each(?3)) OR id > ?4 OR updated_at >= ?5)`, []any{v.IDsJSON(), v.Below, v.At}
		second = append([]any{spec, nil}, args...) // ?2 is unused here
	}
	// Jobs about the person's own conversations: a first name alone is them too.
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET payload = kvkk_scrub(payload, ?1)
		WHERE `+rows+` AND status <> 'running' AND kvkk_has(payload, ?1) AND json_valid(payload)
		AND json_extract(payload, '$.conversation_id') IN (SELECT value FROM json_each(?2))`, append([]any{s.OwnSpec(), s.Conversations()}, args...)...); err != nil {
		return 0, fmt.Errorf("jobs: erase: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET payload = kvkk_scrub(payload, ?1), last_error = kvkk_scrub(last_error, ?1),
		dedupe_key = kvkk_scrub(dedupe_key, ?1)
		WHERE `+rows+` AND status <> 'running' AND kvkk_has(payload || ' ' || last_error || ' ' || coalesce(dedupe_key,''), ?1)`,
		second...)
	if err != nil {
		return 0, fmt.Errorf("jobs: erase: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `UPDATE data_import_jobs SET body = kvkk_scrub(body, ?1), meta = kvkk_scrub(meta, ?1), error = kvkk_scrub(error, ?1)
		WHERE kvkk_has(body, ?1) OR kvkk_has(meta || ' ' || error, ?1)`, spec)
	if err != nil {
		return 0, fmt.Errorf("jobs: erase imports: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

// PrereadLead finds, on a read connection before the erasure's transaction, the jobs that hold
// the person (erasure.Seen), so the transaction does not test every stored webhook body while it
// holds the tenant's writer.
func PrereadLead(ctx context.Context, q erasure.Reader, s *erasure.Subject) error {
	v := &erasure.Seen{At: time.Now().UnixMilli()}
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM jobs`).Scan(&v.Below); err != nil {
		return fmt.Errorf("jobs: erase: %w", err)
	}
	ids, err := tenantdb.IDs(ctx, q, `SELECT id FROM jobs WHERE id <= ?3 AND (kvkk_has(payload || ' ' || last_error || ' ' || coalesce(dedupe_key,''), ?1)
		OR kvkk_has(payload, ?2) AND json_valid(payload) AND json_extract(payload, '$.conversation_id') IN (SELECT value FROM json_each(?4)))`,
		s.Spec(), s.OwnSpec(), v.Below, s.Conversations())
	if err != nil {
		return fmt.Errorf("jobs: erase: %w", err)
	}
	v.IDs = ids
	s.SetSeen("jobs", v)
	return nil
}

package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx masks the person in the queue's stored payloads, in the erasure's transaction:
// finished jobs keep the raw webhook bodies they processed (and data_import_jobs those of the
// time before jobs), which carry the sender's number, name and words. A running job is left
// alone (its worker owns it; its payload was already read).
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	// Jobs about the person's own conversations: a first name alone is them too.
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET payload = kvkk_scrub(payload, ?1)
		WHERE status <> 'running' AND json_valid(payload) AND json_extract(payload, '$.conversation_id') IN (SELECT value FROM json_each(?2))
		AND kvkk_has(payload, ?1)`, s.OwnSpec(), s.Conversations()); err != nil {
		return 0, fmt.Errorf("jobs: erase: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET payload = kvkk_scrub(payload, ?1), last_error = kvkk_scrub(last_error, ?1),
		dedupe_key = kvkk_scrub(dedupe_key, ?1)
		WHERE status <> 'running' AND kvkk_has(payload || ' ' || last_error || ' ' || coalesce(dedupe_key,''), ?1)`, spec)
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

package notify

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx masks the person in the team's notifications (their name or number in a
// notification's words), in the erasure's transaction; the notifications stay, read or not.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	// Notifications about the person's own conversations: a first name alone is them too.
	res, err := tx.ExecContext(ctx, `UPDATE notifications SET params = kvkk_scrub(params, ?2), dedupe_key = kvkk_scrub(dedupe_key, ?2)
		WHERE conversation_id IN (SELECT value FROM json_each(?3)) AND kvkk_has(params || ' ' || dedupe_key, ?2)`, s.Spec(), s.OwnSpec(), s.Conversations())
	if err != nil {
		return 0, fmt.Errorf("notify: erase: %w", err)
	}
	own, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `UPDATE notifications SET params = kvkk_scrub(params, ?1), dedupe_key = kvkk_scrub(dedupe_key, ?1)
		WHERE kvkk_has(params || ' ' || dedupe_key, ?1)`, s.Spec())
	if err != nil {
		return 0, fmt.Errorf("notify: erase: %w", err)
	}
	other, _ := res.RowsAffected()
	return own + other, nil
}

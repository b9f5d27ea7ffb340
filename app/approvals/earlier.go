package approvals

import (
	"context"
	"database/sql"
	"fmt"
)

// DecidedEarlierTx records on an open recommendation a decision a person took at a past moment
// (at, Unix milliseconds): seeded history, where the conversation already holds what followed the
// decision. It has none of Decide's effects (no note, no hook, no handoff change, no action log
// row written now, no draft sent); status is "approved" or "rejected"; false when the
// recommendation was not open.
func DecidedEarlierTx(ctx context.Context, tx *sql.Tx, id int64, status string, actor Actor, reason string, at int64) (bool, error) {
	if status != "approved" && status != "rejected" {
		return false, fmt.Errorf("approvals: decided earlier: unknown status %q", status)
	}
	res, err := tx.ExecContext(ctx, `UPDATE decision_recommendations SET status = ?, decided_by_user_id = ?, decided_by_name = ?,
		decided_at = ?, decision_reason = ?, updated_at = ? WHERE id = ? AND status IN ('draft','pending') AND created_at <= ?`,
		status, nullable(actor.UserID), clip(actor.Name, 200), at, clip(reason, 1000), at, id, at)
	if err != nil {
		return false, writeErr("decide", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

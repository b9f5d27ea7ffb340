package approvals

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/audit"
)

// DecidedEarlierTx records on an open recommendation a decision a person took at a past moment
// (at, Unix milliseconds): seeded history, where the conversation already holds what followed the
// decision. It has none of Decide's effects (no note, no hook, no handoff change, no draft sent);
// its action-log row is the one Decide writes (who, the card, the reason), dated at. Status is
// "approved" or "rejected"; false when the recommendation was not open.
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
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	rec, err := ByID(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "approval_queue", ActionType: "recommendation_" + status,
		Summary: rec.Title + " → " + status, Input: rec.Summary, Output: reason, ModelName: "human-review",
		ActorUserID: actor.UserID, ActorName: actor.Name, ConversationID: rec.ConversationID, At: at,
		Payload: map[string]any{"recommendation_id": rec.ID, "action_type": rec.ActionType, "status": status,
			"reason": reason, "handoff_cleared": false, "recommended_by": rec.ModelName}}); err != nil {
		return false, err
	}
	return true, nil
}

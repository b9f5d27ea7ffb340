package approvals

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx erases the person from the approval queue, in the erasure's transaction: their
// recommendations (decided ones too — the schema lets an erasure through, nothing else) keep their
// kind, status, decision and times, with the drafts' texts emptied and their name, phone and
// e-mail masked in titles and reasons; other recommendations that name them are masked. Their
// open ones are withdrawn (rejected by the system, without a note in the conversation): nothing
// of a person who asked to be forgotten waits for a decision, an empty card counted in the menu.
// It returns how many recommendations were theirs.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	res, err := tx.ExecContext(ctx, `UPDATE decision_recommendations SET draft_reply = '', title = kvkk_scrub(title, ?4),
		summary = kvkk_scrub(summary, ?4), recommended_action = kvkk_scrub(recommended_action, ?4),
		decision_reason = kvkk_scrub(decision_reason, ?4), dedupe_key = kvkk_scrub(dedupe_key, ?1), words = kvkk_scrub(words, ?4)
		WHERE lead_id = ?2 OR conversation_id IN (SELECT value FROM json_each(?3))`, spec, s.LeadID, s.Conversations(), s.OwnSpec())
	if err != nil {
		return 0, fmt.Errorf("approvals: erase: %w", err)
	}
	n, _ := res.RowsAffected()
	rows, err := tx.QueryContext(ctx, `SELECT id FROM decision_recommendations WHERE status IN ('draft','pending')
		AND (lead_id = ?1 OR conversation_id IN (SELECT value FROM json_each(?2))) ORDER BY id`, s.LeadID, s.Conversations())
	if err != nil {
		return 0, fmt.Errorf("approvals: erase: %w", err)
	}
	var open []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("approvals: erase: %w", err)
		}
		open = append(open, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("approvals: erase: %w", err)
	}
	for _, id := range open {
		if err := WithdrawTx(ctx, tx, id, Actor{Name: "system"}); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE decision_recommendations SET title = kvkk_scrub(title, ?1), summary = kvkk_scrub(summary, ?1),
		recommended_action = kvkk_scrub(recommended_action, ?1), draft_reply = kvkk_scrub(draft_reply, ?1),
		decision_reason = kvkk_scrub(decision_reason, ?1), words = kvkk_scrub(words, ?1)
		WHERE kvkk_has(title || ' ' || summary || ' ' || recommended_action || ' ' || draft_reply || ' ' || decision_reason || ' ' || words, ?1)`, spec); err != nil {
		return 0, fmt.Errorf("approvals: erase: %w", err)
	}
	return n, nil
}

package inbox

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/tenantdb"
)

// stageRank orders the lead stages a conversation can move a lead through; won and lost are
// outcomes, not steps, and are handled apart.
var stageRank = map[string]int{"new": 0, "contacted": 1, "qualified": 2, "proposal": 3}

// stageForState is the lead stage a conversation state stands for (won and lost apart).
var stageForState = map[string]string{"contacted": "contacted", "engaged": "contacted", "qualified": "qualified",
	"offer": "proposal", "negotiation": "proposal"}

// followLeadStage moves the conversation's lead to the stage its new state implies, inside the
// caller's transaction, and returns the stage before and after (equal when nothing changed):
//
//   - won: the lead is won;
//   - lost: the lead is lost, but only when none of its other conversations is still open or won
//     (the same person may be buying something else on another channel);
//   - contacted/engaged, qualified, offer/negotiation: the lead moves forward to contacted,
//     qualified or proposal, never backwards, and a won or lost lead keeps its outcome;
//   - new: the lead is left alone.
func followLeadStage(ctx context.Context, tx *sql.Tx, leadID, convID int64, state string) (from, to string, err error) {
	// Every path that sets a conversation's state comes here right after: the rooms that wait on
	// an open conversation (the follow-ups) hear of it in the same transaction.
	if err := runStateHooks(ctx, tx, StateEvent{ConversationID: convID, LeadID: leadID, State: state}); err != nil {
		return "", "", err
	}
	if err := tx.QueryRowContext(ctx, `SELECT stage FROM leads WHERE id = ?`, leadID).Scan(&from); err != nil {
		return "", "", fmt.Errorf("inbox: lead stage: %w", err)
	}
	to = from
	switch state {
	case "won":
		to = "won"
	case "lost":
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE lead_id = ? AND id <> ? AND state <> 'lost'`,
			leadID, convID).Scan(&others); err != nil {
			return "", "", fmt.Errorf("inbox: lead stage: %w", err)
		}
		if others == 0 {
			to = "lost"
		}
	default:
		next, ok := stageForState[state]
		cur, open := stageRank[from]
		if ok && open && stageRank[next] > cur {
			to = next
		}
	}
	if err := writeLeadStage(ctx, tx, leadID, from, to); err != nil {
		return "", "", err
	}
	// The rooms that follow the funnel hear of every conversation state change (OnStageChange):
	// the form, a quote sent or accepted, a card moved on the pipeline board with its conversation.
	if err := tellStageChange(ctx, tx, StageChange{LeadID: leadID, ConversationID: convID, State: state, From: from, To: to}); err != nil {
		return "", "", err
	}
	return from, to, nil
}

// writeLeadStage is the one place a lead's stage is written, whoever moves it (a conversation's
// state on its form, a card on the pipeline board): a room that reacts to a lead becoming won or
// qualified hooks here, inside the same transaction.
func writeLeadStage(ctx context.Context, tx *sql.Tx, leadID int64, from, to string) error {
	if from == to {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE leads SET stage = ?, updated_at = ? WHERE id = ?`, to, tenantdb.Now(), leadID); err != nil {
		return fmt.Errorf("inbox: lead stage: %w", err)
	}
	return nil
}

// stateRank orders the open conversation states, so a move made by another room (a quote sent,
// a quote accepted) only ever goes forward.
var stateRank = map[string]int{"new": 0, "contacted": 1, "engaged": 2, "qualified": 3, "offer": 4, "negotiation": 5, "won": 6}

// AdvanceState moves a conversation forward to state inside the caller's transaction (never back,
// and never out of lost), and its lead's stage along with it (followLeadStage): a sent quote
// makes the conversation "offer" (the lead "proposal"), an accepted one "won". It returns the
// lead's stage before and after.
func AdvanceState(ctx context.Context, tx *sql.Tx, convID int64, state string) (from, to string, err error) {
	var cur string
	var leadID int64
	if err := tx.QueryRowContext(ctx, `SELECT state, lead_id FROM conversations WHERE id = ?`, convID).Scan(&cur, &leadID); err != nil {
		return "", "", fmt.Errorf("inbox: advance state: %w", err)
	}
	next, ok := stateRank[state]
	if !ok || cur == "lost" || stateRank[cur] >= next {
		var stage string
		err := tx.QueryRowContext(ctx, `SELECT stage FROM leads WHERE id = ?`, leadID).Scan(&stage)
		return stage, stage, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET state = ?, updated_at = ? WHERE id = ?`, state, tenantdb.Now(), convID); err != nil {
		return "", "", fmt.Errorf("inbox: advance state: %w", err)
	}
	return followLeadStage(ctx, tx, leadID, convID, state)
}

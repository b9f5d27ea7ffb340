package inbox

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// stateMove is a conversation state the product moved by itself, with the lead's stage before and
// after (followLeadStage), for the action log.
type stateMove struct {
	From, To           string // conversation state
	StageFrom, StageTo string // lead stage
}

// countsAsContact reports whether an outbound message of author kind kind makes a New
// conversation Contacted once it reaches the customer: a reply a person wrote or approved (an
// approved draft goes as the approver's, author "user"), and what the product sends on a
// person's decision (a site visit's confirmation, author "system"). The assistant's own
// automatic answers (a greeting, the after-hours text, a reply in active mode) do not: New means
// that nobody of the team has answered yet, which is what an operator looks for in it.
func countsAsContact(direction, kind string) bool {
	return direction == "outbound" && (kind == "user" || kind == "system")
}

// contactedTx moves conversation convID from New to Contacted, and its lead's stage along
// (followLeadStage: New → Contacted, never backwards), inside the caller's transaction: a reply
// reached the customer. Any state other than New is left as it is (a later one is never moved
// back); nil when nothing moved.
func contactedTx(ctx context.Context, tx *sql.Tx, convID int64) (*stateMove, error) {
	var state string
	var leadID int64
	if err := tx.QueryRowContext(ctx, `SELECT state, lead_id FROM conversations WHERE id = ?`, convID).Scan(&state, &leadID); err != nil {
		return nil, fmt.Errorf("inbox: contacted: %w", err)
	}
	if state != "new" {
		return nil, nil
	}
	r, err := tx.ExecContext(ctx, `UPDATE conversations SET state = 'contacted', updated_at = ? WHERE id = ? AND state = 'new'`, tenantdb.Now(), convID)
	if err != nil {
		return nil, fmt.Errorf("inbox: contacted: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nil, nil
	}
	from, to, err := followLeadStage(ctx, tx, leadID, convID, "contacted")
	if err != nil {
		return nil, err
	}
	return &stateMove{From: "new", To: "contacted", StageFrom: from, StageTo: to}, nil
}

// into adds the move to an action log's before/after values, as a form save records a state.
func (mv *stateMove) into(before, after map[string]any) {
	before["state"], after["state"] = mv.From, mv.To
	if mv.StageFrom != mv.StageTo {
		before["lead_stage"], after["lead_stage"] = mv.StageFrom, mv.StageTo
	}
}

// logContacted writes the action-log row of a move made by a reply that reached the customer on
// its own (delivered by the channel, released from its schedule, sent by the product): action
// conversation_contacted ("Marked Contacted after the first reply"), by the reply's author (the
// one whose reply it was), naming the message and the lead's stage move. A reply saved on the
// conversation form is recorded in that save's one row instead (Update, reason first_reply).
func logContacted(ctx context.Context, tx *sql.Tx, convID, msgID int64, mv *stateMove, actorID int64, actorName string) error {
	before, after := map[string]any{}, map[string]any{}
	mv.into(before, after)
	model := ""
	if actorID > 0 {
		model = "human-review"
	}
	_, err := audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "conversation_contacted",
		Summary: "marked contacted: first reply reached the customer", ModelName: model, ActorUserID: actorID, ActorName: actorName,
		ConversationID: convID, Payload: map[string]any{"conversation_id": convID, "message_id": msgID, "reason": "first_reply",
			"before": before, "after": after}})
	return err
}

// replyReached is told that outbound message msgID reached its customer (delivered by the channel,
// shown in the widget, released from its schedule on a channel that sends nothing): a New
// conversation becomes Contacted when the message counts as contact (countsAsContact), logged.
func replyReached(ctx context.Context, tx *sql.Tx, msgID int64) error {
	m, err := MessageByID(ctx, tx, msgID)
	if err != nil {
		return err
	}
	if !countsAsContact(m.Direction, m.AuthorKind) {
		return nil
	}
	mv, err := contactedTx(ctx, tx, m.ConversationID)
	if err != nil || mv == nil {
		return err
	}
	return logContacted(ctx, tx, m.ConversationID, m.ID, mv, m.AuthorUserID, m.Notes().AuthorName)
}

package visits

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// Model names of the action log and the recommendation: a person's booking, the assistant's.
const (
	modelHuman     = "human-review"
	modelAssistant = "builtin-visits"
)

func modelOf(v *Visit) string {
	if v.ProposedBy == "assistant" {
		return modelAssistant
	}
	return modelHuman
}

// proposeTx puts the visit's date into the approval queue: a date promised to a customer is a
// commitment (action type delivery_date, like a delivery date the assistant was asked for), so
// nothing is confirmed to the customer before a person approves it. The recommendation's title
// and summary are worded in the viewer's language from words.Rec (key visits.rec); its action
// links to the visit. The visit is (back to) proposed with the new recommendation_id, the
// customer's earlier answer cleared; the visit's former recommendation, if it still waits, is
// withdrawn (its date is gone).
func proposeTx(ctx context.Context, tx *sql.Tx, v *Visit, a Actor) error {
	loc, err := hoursdb.Zone(ctx, tx)
	if err != nil {
		return err
	}
	name := ""
	if lead, err := inbox.LeadByID(ctx, tx, v.LeadID); err == nil {
		name = lead.Name
	}
	when := v.Start().In(loc).Format("2006-01-02 15:04")
	conf := 1.0
	if v.ProposedBy == "assistant" {
		conf = 0.6
	}
	now := tenantdb.Now()
	recID, _, err := approvals.Create(ctx, tx, approvals.New{LeadID: v.LeadID, ConversationID: v.ConversationID,
		Title:             fmt.Sprintf("Site visit %s", when),
		Summary:           fmt.Sprintf("%d min at %q for %s; approve to confirm the date to the customer", v.DurationMin, v.Address, name),
		RecommendedAction: fmt.Sprintf("/app/visits/%d/", v.ID),
		Priority:          "high", ActionType: "delivery_date", Confidence: conf, ModelName: modelOf(v),
		DedupeKey: fmt.Sprintf("visit:%d:%d", v.ID, now),
		Words: words.Rec{Key: "visits.rec", At: v.StartsAt,
			SummaryArgs: []any{v.DurationMin, name}}.JSON()})
	if err != nil {
		return err
	}
	if recID == 0 {
		return fmt.Errorf("visits: propose: recommendation for visit %d not created", v.ID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET status = 'proposed', recommendation_id = ?, approved_by_name = '',
		approved_at = NULL, customer_answer = '', customer_answer_at = NULL, updated_at = ? WHERE id = ?`, recID, now, v.ID); err != nil {
		return fmt.Errorf("visits: propose: %w", err)
	}
	// A date replaced by this one is withdrawn from the queue if it still waits there.
	if err := withdrawTx(ctx, tx, v.RecommendationID, a); err != nil {
		return err
	}
	v.Status, v.RecommendationID, v.ApprovedByName, v.ApprovedAt, v.CustomerAnswer, v.CustomerAnswerAt, v.UpdatedAt =
		StatusProposed, recID, "", 0, "", 0, now
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_proposed", Summary: "site visit " + when,
		ModelName: modelOf(v), ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
		Payload: map[string]any{"visit_id": v.ID, "recommendation_id": recID, "starts_at": v.StartsAt, "duration_min": v.DurationMin,
			"assignees": v.Assignees}})
	return err
}

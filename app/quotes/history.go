package quotes

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/audit"
	"highvibe/app/hours/hoursdb"
)

// Historic is a quote sent in the past and brought in with what became of it (the demo's six
// months): approved by By shortly before SentAt, sent at SentAt, accepted at AcceptedAt (0: not
// accepted) with OrderID the order it became. Lines are priced as Save prices them.
type Historic struct {
	LeadID, ConversationID       int64
	Language, Currency, Customer string
	Note, By                     string
	ByUserID                     int64
	Lines                        []Line
	ValidDays                    int
	SentAt, AcceptedAt, OrderID  int64 // Unix ms; AcceptedAt 0: not accepted
}

// InsertHistoryTx stores h as one revision numbered in the series of the year it was sent (so
// history is brought in oldest first), with its lines, inside the caller's transaction, and the
// action-log row its sending wrote, dated then (its acceptance's: LogAcceptedEarlierTx). The conversation is not
// touched: its thread already holds what the sending and the answer said.
func InsertHistoryTx(ctx context.Context, tx *sql.Tx, h Historic) (*Quote, error) {
	loc, err := hoursdb.Zone(ctx, tx)
	if err != nil {
		return nil, err
	}
	sent := time.UnixMilli(h.SentAt).In(loc)
	year := sent.Year()
	seq, err := nextSeq(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	q := &Quote{LeadID: h.LeadID, ConversationID: h.ConversationID, Number: Number(year, seq), Year: year, Seq: seq, Revision: 1,
		Status: "draft", Language: h.Language, Currency: h.Currency, CustomerName: h.Customer, Note: h.Note, Token: newToken(),
		CreatedByName: h.By, ValidUntil: Today(sent.AddDate(0, 0, max(h.ValidDays, 1)), loc), Lines: h.Lines}
	for i := range q.Lines {
		q.Lines[i].Position = i + 1
	}
	q.Totals = Compute(q.Lines)
	if err := insertQuote(ctx, tx, q); err != nil {
		return nil, err
	}
	if err := writeContent(ctx, tx, q); err != nil {
		return nil, err
	}
	created := h.SentAt - (50 * time.Minute).Milliseconds()
	q.ApprovedByName, q.ApprovedAt, q.SentAt, q.CreatedAt, q.UpdatedAt = h.By, h.SentAt-(20*time.Minute).Milliseconds(), h.SentAt, created, h.SentAt
	q.Status = "sent"
	if h.AcceptedAt > 0 {
		q.Status, q.AcceptedAt, q.OrderID, q.UpdatedAt = "accepted", h.AcceptedAt, h.OrderID, h.AcceptedAt
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET status = ?, approved_by_name = ?, approved_at = ?, sent_at = ?, accepted_at = ?,
		order_id = ?, created_at = ?, updated_at = ? WHERE id = ?`, q.Status, q.ApprovedByName, q.ApprovedAt, q.SentAt, nullable(q.AcceptedAt),
		nullable(q.OrderID), q.CreatedAt, q.UpdatedAt, q.ID); err != nil {
		return nil, fmt.Errorf("quotes: history: %w", err)
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_sent", Summary: q.Number,
		ModelName: "human-review", ActorUserID: h.ByUserID, ActorName: h.By, ConversationID: q.ConversationID, At: q.SentAt,
		Payload: map[string]any{"quote_id": q.ID, "number": q.Number, "revision": q.Revision,
			"grand_total": q.Totals.Grand, "currency": q.Currency}}); err != nil {
		return nil, err
	}
	return q, nil
}

// LogAcceptedEarlierTx writes the action-log row of a history quote's acceptance (InsertHistoryTx),
// dated when the customer accepted it; nothing for a quote not accepted.
func LogAcceptedEarlierTx(ctx context.Context, tx *sql.Tx, q *Quote) error {
	if q.AcceptedAt == 0 {
		return nil
	}
	_, err := audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_accepted", Summary: q.Number, Input: q.CustomerName,
		ModelName: "customer", ConversationID: q.ConversationID, At: q.AcceptedAt,
		Payload: map[string]any{"quote_id": q.ID, "number": q.Number, "revision": q.Revision, "order_id": q.OrderID,
			"grand_total": q.Totals.Grand, "currency": q.Currency}})
	return err
}

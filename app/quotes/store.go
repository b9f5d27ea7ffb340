// Package quotes is the written quote (guide: 39-quotes.md): lines from the product catalog and
// free lines, KDV per line, totals in minor units, owner-approved payment and warranty texts, a
// PDF in the customer's language, and a tracking link the customer opens, accepts or asks about.
// A quote with a price leaves only after a person approved it in the approval queue; an approved
// revision is frozen (the schema's triggers refuse changes) and edits make a new revision.
package quotes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// Statuses of a quote revision.
var Statuses = []string{"draft", "pending", "approved", "rejected", "sent", "accepted", "superseded"}

// Quote is one revision of a quote (times Unix ms, money minor units).
type Quote struct {
	ID, LeadID, ConversationID int64
	Number                     string
	Year, Seq, Revision        int
	Status, Language, Currency string
	CustomerName               string
	ValidUntil                 int64
	PaymentSnippet             int64
	PaymentText                string
	WarrantySnippet            int64
	WarrantyText               string
	Note                       string
	Totals                     Totals
	DraftedBy                  string
	RecommendationID           int64
	ApprovedByName             string
	ApprovedAt                 int64
	Token                      string
	SentAt, SentMessageID      int64
	FirstViewedAt              int64
	ViewCount                  int
	AcceptedAt, OrderID        int64
	CreatedByName              string
	CreatedAt, UpdatedAt       int64
	Lines                      []Line
}

// Editable reports whether the revision may still change in place.
func (q *Quote) Editable() bool {
	return q.Status == "draft" || q.Status == "pending" || q.Status == "rejected"
}

// Frozen reports whether a person approved this revision (it never changes again).
func (q *Quote) Frozen() bool { return !q.Editable() }

// Sendable reports whether the revision may go to the customer.
func (q *Quote) Sendable() bool { return q.Status == "approved" || q.Status == "sent" }

// Today is the business's calendar day at now (loc: its time zone) written as validity days are
// stored: that day's UTC midnight in Unix ms.
func Today(now time.Time, loc *time.Location) int64 {
	d := now.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).UnixMilli()
}

// expired reports whether a revision in status, valid until validUntil, is one the customer could
// still accept but whose validity day is over: it holds to the end of that day where the
// business is (today as Today gives it).
func expired(status string, validUntil, today int64) bool {
	return (status == "approved" || status == "sent") && validUntil < today
}

// ExpiredBy reports whether the revision, never accepted, is past its validity day on today
// (Today): the customer can no longer accept it and the business sends a new one.
func (q *Quote) ExpiredBy(today int64) bool { return expired(q.Status, q.ValidUntil, today) }

// Querier is a *sql.DB or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const quoteCols = `id, number, year, seq, revision, lead_id, coalesce(conversation_id,0), status, language, currency, customer_name,
	valid_until, coalesce(payment_snippet,0), payment_text, coalesce(warranty_snippet,0), warranty_text, note,
	subtotal, discount_total, net_total, vat_total, grand_total, drafted_by, coalesce(recommendation_id,0),
	approved_by_name, coalesce(approved_at,0), token, coalesce(sent_at,0), coalesce(sent_message_id,0),
	coalesce(first_viewed_at,0), view_count, coalesce(accepted_at,0), coalesce(order_id,0), created_by_name, created_at, updated_at`

func scanQuote(sc interface{ Scan(...any) error }) (*Quote, error) {
	q := &Quote{}
	err := sc.Scan(&q.ID, &q.Number, &q.Year, &q.Seq, &q.Revision, &q.LeadID, &q.ConversationID, &q.Status, &q.Language, &q.Currency,
		&q.CustomerName, &q.ValidUntil, &q.PaymentSnippet, &q.PaymentText, &q.WarrantySnippet, &q.WarrantyText, &q.Note,
		&q.Totals.Subtotal, &q.Totals.Discount, &q.Totals.Net, &q.Totals.VAT, &q.Totals.Grand, &q.DraftedBy, &q.RecommendationID,
		&q.ApprovedByName, &q.ApprovedAt, &q.Token, &q.SentAt, &q.SentMessageID, &q.FirstViewedAt, &q.ViewCount, &q.AcceptedAt,
		&q.OrderID, &q.CreatedByName, &q.CreatedAt, &q.UpdatedAt)
	return q, err
}

func readQuote(ctx context.Context, q Querier, where string, arg any) (*Quote, error) {
	out, err := scanQuote(q.QueryRowContext(ctx, `SELECT `+quoteCols+` FROM quotes WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("quotes: read: %w", err)
	}
	if out.Lines, err = linesOf(ctx, q, out.ID); err != nil {
		return nil, err
	}
	return out, nil
}

// ByID reads one revision with its lines; tenantdb.ErrNotFound when absent.
func ByID(ctx context.Context, q Querier, id int64) (*Quote, error) {
	return readQuote(ctx, q, `id = ?`, id)
}

// ByToken reads the revision a tracking link names; tenantdb.ErrNotFound when absent.
func ByToken(ctx context.Context, q Querier, token string) (*Quote, error) {
	return readQuote(ctx, q, `token = ?`, token)
}

const lineCols = `id, position, kind, coalesce(product_id,0), name, unit, quantity, unit_price, percent, reason, discount, vat_rate, gross, net, vat`

func linesOf(ctx context.Context, q Querier, quoteID int64) ([]Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lineCols+` FROM quote_lines WHERE quote_id = ? ORDER BY position`, quoteID)
	if err != nil {
		return nil, fmt.Errorf("quotes: lines: %w", err)
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.ID, &l.Position, &l.Kind, &l.ProductID, &l.Name, &l.Unit, &l.Quantity, &l.UnitPrice, &l.Percent,
			&l.Reason, &l.Discount, &l.VATRate, &l.Gross, &l.Net, &l.VAT); err != nil {
			return nil, fmt.Errorf("quotes: lines: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ListItem is one row of the quotes list.
type ListItem struct {
	ID, ConversationID, LeadID int64
	Number                     string
	Revision                   int
	Status, Currency           string
	CustomerName               string
	Grand                      int64
	ViewCount                  int
	ValidUntil, UpdatedAt      int64
	SentMessageID              int64
	Delivery                   string // the delivery status of the message that sent it (the list fills it)
	NoPDF                      string // why that message went without the quote's PDF (a media refusal code; "" = with it)
}

// LinkOnly reports whether the row's last send went as the link alone, without the PDF, and was
// not lost or still waiting (those say so first).
func (it ListItem) LinkOnly() bool {
	return it.NoPDF != "" && it.Status == "sent" && it.Delivery != "failed" && it.Delivery != "queued" && it.Delivery != "handed"
}

// ExpiredBy is Quote.ExpiredBy for a list row.
func (it ListItem) ExpiredBy(today int64) bool { return expired(it.Status, it.ValidUntil, today) }

// List lists the newest revisions of each quote number, newest first; status filters ("" = all).
func List(ctx context.Context, q Querier, status string, limit int) ([]ListItem, error) {
	where, args := `WHERE status <> 'superseded'`, []any{}
	if status != "" {
		where += ` AND status = ?`
		args = append(args, status)
	}
	args = append(args, limit)
	return listItems(ctx, q, "list", where+` ORDER BY updated_at DESC, id DESC LIMIT ?`, args...)
}

// Revisions lists every revision of a quote number, oldest first.
func Revisions(ctx context.Context, q Querier, number string) ([]ListItem, error) {
	return listItems(ctx, q, "revisions", `WHERE number = ? ORDER BY revision`, number)
}

// ForConversation lists the live revisions of a conversation's quotes, newest first.
func ForConversation(ctx context.Context, q Querier, convID int64) ([]ListItem, error) {
	return listItems(ctx, q, "of conversation", `WHERE conversation_id = ? AND status <> 'superseded' ORDER BY id DESC LIMIT 10`, convID)
}

// pendingWithRecommendation lists the revisions waiting for a decision in the approval queue.
func pendingWithRecommendation(ctx context.Context, q Querier) (ids, recs []int64, err error) {
	rows, err := q.QueryContext(ctx, `SELECT id, recommendation_id FROM quotes WHERE status = 'pending' AND recommendation_id IS NOT NULL`)
	if err != nil {
		return nil, nil, fmt.Errorf("quotes: pending: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, rec int64
		if err := rows.Scan(&id, &rec); err != nil {
			return nil, nil, fmt.Errorf("quotes: pending: %w", err)
		}
		ids, recs = append(ids, id), append(recs, rec)
	}
	return ids, recs, rows.Err()
}

// nextSeq is the tenant's next quote number in year (inside the writing transaction).
func nextSeq(ctx context.Context, tx *sql.Tx, year int) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq),0)+1 FROM quotes WHERE year = ?`, year).Scan(&n); err != nil {
		return 0, fmt.Errorf("quotes: number: %w", err)
	}
	return n, nil
}

func nullable(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// insertQuote writes a new revision row (its lines separately) and sets q.ID.
func insertQuote(ctx context.Context, tx *sql.Tx, q *Quote) error {
	now := tenantdb.Now()
	q.CreatedAt, q.UpdatedAt = now, now
	res, err := tx.ExecContext(ctx, `INSERT INTO quotes(number, year, seq, revision, lead_id, conversation_id, status, language, currency,
		customer_name, valid_until, payment_snippet, payment_text, warranty_snippet, warranty_text, note, drafted_by, token, created_by_name,
		created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		q.Number, q.Year, q.Seq, q.Revision, q.LeadID, nullable(q.ConversationID), q.Status, q.Language, q.Currency, q.CustomerName,
		q.ValidUntil, nullable(q.PaymentSnippet), q.PaymentText, nullable(q.WarrantySnippet), q.WarrantyText, q.Note, q.DraftedBy, q.Token,
		q.CreatedByName, now, now)
	if err != nil {
		return fmt.Errorf("quotes: insert: %w", err)
	}
	q.ID, _ = res.LastInsertId()
	return nil
}

// writeContent replaces the revision's lines and priced fields (the triggers refuse it once frozen).
func writeContent(ctx context.Context, tx *sql.Tx, q *Quote) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM quote_lines WHERE quote_id = ?`, q.ID); err != nil {
		return frozenErr("lines", err)
	}
	for i, l := range q.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_lines(quote_id, position, kind, product_id, name, unit, quantity, unit_price,
			percent, reason, discount, vat_rate, gross, net, vat) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			q.ID, i+1, l.Kind, nullable(l.ProductID), l.Name, l.Unit, l.Quantity, l.UnitPrice, l.Percent, l.Reason, l.Discount, l.VATRate,
			l.Gross, l.Net, l.VAT); err != nil {
			return frozenErr("line", err)
		}
	}
	t := q.Totals
	_, err := tx.ExecContext(ctx, `UPDATE quotes SET language=?, currency=?, customer_name=?, valid_until=?, payment_snippet=?, payment_text=?,
		warranty_snippet=?, warranty_text=?, note=?, subtotal=?, discount_total=?, net_total=?, vat_total=?, grand_total=?, updated_at=? WHERE id=?`,
		q.Language, q.Currency, q.CustomerName, q.ValidUntil, nullable(q.PaymentSnippet), q.PaymentText, nullable(q.WarrantySnippet),
		q.WarrantyText, q.Note, t.Subtotal, t.Discount, t.Net, t.VAT, t.Grand, tenantdb.Now(), q.ID)
	return frozenErr("content", err)
}

// setStatus moves a revision from one of from to status (with the columns of sets); false when it
// was in none of them.
func setStatus(ctx context.Context, tx *sql.Tx, id int64, status string, from []string, sets string, args ...any) (bool, error) {
	q := `UPDATE quotes SET status = ?, updated_at = ?`
	if sets != "" {
		q += `, ` + sets
	}
	all := append([]any{status, tenantdb.Now()}, args...)
	q += ` WHERE id = ? AND status IN (`
	all = append(all, id)
	for i, f := range from {
		if i > 0 {
			q += `,`
		}
		q += `?`
		all = append(all, f)
	}
	res, err := tx.ExecContext(ctx, q+`)`, all...)
	if err != nil {
		return false, fmt.Errorf("quotes: status: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// frozenErr words a write the freeze triggers refused as the conflict a person can resolve.
func frozenErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if tenantdb.IsTrigger(err) {
		return ErrFrozen
	}
	return fmt.Errorf("quotes: write %s: %w", op, err)
}

// ConversationQuotes is the conversation page's list of its quotes (inbox.Neighbours.Quotes),
// after the approval queue's decisions are applied.
func ConversationQuotes(ctx context.Context, db *tenantdb.DB, convID int64) ([]inbox.QuoteLink, error) {
	if err := Sync(ctx, db); err != nil {
		return nil, err
	}
	items, err := ForConversation(ctx, db.Read, convID)
	if err != nil {
		return nil, err
	}
	// Marked expired as the quote page and the quotes list mark it: the business's day.
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	today := Today(time.Now(), loc)
	out := make([]inbox.QuoteLink, 0, len(items))
	for _, it := range items {
		out = append(out, inbox.QuoteLink{ID: it.ID, Number: it.Number, Revision: it.Revision, Status: it.Status,
			Total: Major(it.Grand), Currency: it.Currency, Expired: it.ExpiredBy(today)})
	}
	return out, nil
}

// Total is the row's grand total in major units, for the money formatter.
func (it ListItem) Total() float64 { return Major(it.Grand) }

// listItems reads list rows (ListItem) from quotes; tail is the query after FROM quotes (where,
// order, limit) and what names the query in errors.
func listItems(ctx context.Context, q Querier, what, tail string, args ...any) ([]ListItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, coalesce(conversation_id,0), lead_id, number, revision, status, currency, customer_name,
		grand_total, view_count, valid_until, updated_at, coalesce(sent_message_id,0) FROM quotes `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("quotes: %s: %w", what, err)
	}
	defer rows.Close()
	var out []ListItem
	for rows.Next() {
		var it ListItem
		if err := rows.Scan(&it.ID, &it.ConversationID, &it.LeadID, &it.Number, &it.Revision, &it.Status, &it.Currency,
			&it.CustomerName, &it.Grand, &it.ViewCount, &it.ValidUntil, &it.UpdatedAt, &it.SentMessageID); err != nil {
			return nil, fmt.Errorf("quotes: %s: %w", what, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

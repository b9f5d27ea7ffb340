package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"highvibe/app/tenantdb"
)

// Notification is one row of a person's notification centre in one tenant.
type Notification struct {
	ID               int64
	UserID           int64
	Kind             string
	ConversationID   int64
	RecommendationID int64
	Params           Params
	CreatedAt        int64
	ReadAt           int64
	// EmailFailure is why its e-mail could not be sent (FailNoServer, FailSMTP); "" when it was
	// sent, was never due, or is still being tried.
	EmailFailure string
}

// Why a notification e-mail could not be sent.
const (
	FailNoServer = "no_server" // the business has no outgoing mail server or sender address set
	FailSMTP     = "smtp"      // the mail server could not be reached or refused the mail, on the last attempt
)

// Params is what a notification's sentence names.
type Params struct {
	Name   string `json:"name,omitempty"`
	Text   string `json:"text,omitempty"`
	Ticket int64  `json:"ticket,omitempty"` // an MSP ticket's id (sla kinds)
	Reason string `json:"reason,omitempty"` // handoff: the assistant's reason codes ("price, date")
	// Also lists the kinds merged into this notification besides its own (coalesce.go): the same
	// conversation's "new conversation" and "needs a person" under its "approval waiting".
	Also []string `json:"also,omitempty"`
	// Count is how many events of each kind the notification holds, its own included, once a
	// second one was merged in (a later "quote accepted" or another message): the phone's
	// message names the group by it ("3 new: 2 messages, 1 quote accepted"). Empty: one event
	// of the notification's kind and of each kind in Also.
	Count map[string]int `json:"count,omitempty"`
}

// counts is how many events of each kind n holds (Params.Count, or one per kind named).
func (n *Notification) counts() map[string]int {
	return groupCounts(n.Kind, n.Params)
}

func groupCounts(kind string, p Params) map[string]int {
	out := map[string]int{}
	for k, c := range p.Count {
		if c > 0 {
			out[k] = c
		}
	}
	if len(out) == 0 {
		out[kind] = 1
		for _, k := range p.Also {
			out[k] = 1
		}
	}
	return out
}

// Events is how many events the notification holds: 1, or more once others were merged in.
func (n *Notification) Events() int {
	total := 0
	for _, c := range n.counts() {
		total += c
	}
	return total
}

// Unread reports whether the person has not opened it yet.
func (n *Notification) Unread() bool { return n.ReadAt == 0 }

// Href is the page the notification leads to: the conversation, or the approval queue.
func (n *Notification) Href() string {
	switch {
	case n.Kind == KindApproval:
		if n.RecommendationID != 0 {
			id := strconv.FormatInt(n.RecommendationID, 10)
			return "/app/approvals/?rec=" + id + "#rec-" + id
		}
		return "/app/approvals/"
	case n.Kind == KindConversionFailing:
		return "/app/settings/conversions#deliveries"
	case n.Kind == KindEmailReadFailing || n.Kind == KindEmailReadRecovered:
		return "/app/settings/channels#email"
	case n.Params.Ticket != 0:
		return "/app/msp/tickets/" + strconv.FormatInt(n.Params.Ticket, 10) + "/"
	case n.ConversationID != 0:
		return "/app/inbox/" + strconv.FormatInt(n.ConversationID, 10) + "/"
	}
	return "/app/notifications/"
}

// Link is the address that opens the notification from outside the panel (a push message, an
// e-mail, the digest): it names the business it belongs to, because a person who works in several
// opens the panel in whichever they last chose, where the same number is another notification and
// the conversation another customer's. Opening it marks it read and goes on to Href.
func (n *Notification) Link(tenant string) string {
	return "/app/notifications/" + strconv.FormatInt(n.ID, 10) + "?t=" + url.QueryEscape(tenant)
}

const notificationCols = `id, user_id, kind, coalesce(conversation_id, 0), coalesce(recommendation_id, 0), params, created_at, coalesce(read_at, 0),
	coalesce(email_failure, '')`

func scanNotification(sc interface{ Scan(...any) error }) (*Notification, error) {
	var n Notification
	var params string
	if err := sc.Scan(&n.ID, &n.UserID, &n.Kind, &n.ConversationID, &n.RecommendationID, &params, &n.CreatedAt, &n.ReadAt, &n.EmailFailure); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(params), &n.Params) // a damaged row still shows its kind
	return &n, nil
}

func nullable(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// insert writes one person's notification of e; created is false when that person was already
// told of this event (the unique key decides).
func insert(ctx context.Context, tx *sql.Tx, userID int64, e Event, now int64) (id int64, created bool, err error) {
	params, _ := json.Marshal(Params{Name: e.Name, Text: e.Text, Ticket: e.TicketID, Reason: e.Reason})
	err = tx.QueryRowContext(ctx, `INSERT INTO notifications(user_id, kind, conversation_id, recommendation_id, params, dedupe_key, created_at)
		VALUES(?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id`,
		userID, e.Kind, nullable(e.ConversationID), nullable(e.RecommendationID), string(params), e.dedupe(), now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("notify: insert: %w", err)
	}
	return id, true, nil
}

// List returns a person's newest notifications in the tenant (only unread ones when asked).
func List(ctx context.Context, db *tenantdb.DB, userID int64, unreadOnly bool, limit int) ([]*Notification, error) {
	q := `SELECT ` + notificationCols + ` FROM notifications WHERE user_id = ?`
	if unreadOnly {
		q += ` AND read_at IS NULL`
	}
	rows, err := db.Read.QueryContext(ctx, q+` ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: list: %w", err)
	}
	defer rows.Close()
	var out []*Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: list: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadCount is the number on the bell.
func UnreadCount(ctx context.Context, db *tenantdb.DB, userID int64) (int, error) {
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("notify: unread: %w", err)
	}
	return n, nil
}

// ByID reads one notification; ErrNotFound when absent.
func ByID(ctx context.Context, db *tenantdb.DB, id int64) (*Notification, error) {
	n, err := scanNotification(db.Read.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM notifications WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("notify: by id: %w", err)
	}
	return n, nil
}

// MarkRead marks one of the person's notifications read and returns it; another person's
// notification is not found.
func MarkRead(ctx context.Context, db *tenantdb.DB, userID, id int64) (*Notification, error) {
	var n *Notification
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = scanNotification(tx.QueryRowContext(ctx, `UPDATE notifications SET read_at = coalesce(read_at, ?)
			WHERE id = ? AND user_id = ? RETURNING `+notificationCols, tenantdb.Now(), id, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return tenantdb.ErrNotFound
		}
		return err
	})
	if err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
		err = fmt.Errorf("notify: mark read: %w", err)
	}
	return n, err
}

// MarkAllRead marks every unread notification of the person read and says how many there were.
func MarkAllRead(ctx context.Context, db *tenantdb.DB, userID int64) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, tenantdb.Now(), userID)
		if err != nil {
			return err
		}
		n, _ = r.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("notify: mark all read: %w", err)
	}
	return n, nil
}

// markEmailed records that a notification went out by e-mail (alone or in a digest); a failure
// recorded before (a digest that could not be sent yesterday) is over.
func markEmailed(ctx context.Context, db *tenantdb.DB, ids []int64) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET emailed_at = ?, email_failed_at = NULL, email_failure = NULL WHERE id = ?`,
				tenantdb.Now(), id); err != nil {
				return fmt.Errorf("notify: mark e-mailed: %w", err)
			}
		}
		return nil
	})
}

// markEmailFailed records that the e-mail of notifications could not be sent, and why (FailNoServer,
// FailSMTP). The first failure's time stays; the reason is the latest one.
func markEmailFailed(ctx context.Context, db *tenantdb.DB, ids []int64, reason string, at time.Time) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET email_failed_at = coalesce(email_failed_at, ?), email_failure = ?
				WHERE id = ? AND emailed_at IS NULL`, at.UnixMilli(), reason, id); err != nil {
				return fmt.Errorf("notify: mark e-mail failed: %w", err)
			}
		}
		return nil
	})
}

// Unsent is how many of a person's notifications could not be e-mailed for one reason, and since
// when.
type Unsent struct {
	Reason string // FailNoServer, FailSMTP
	Count  int
	Since  time.Time
}

// UnsentEmails counts a person's notifications whose e-mail could not be sent, by reason, since
// the last one that went out: an e-mail that was sent after them shows the problem is over.
func UnsentEmails(ctx context.Context, db *tenantdb.DB, userID int64) ([]Unsent, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT email_failure, count(*), min(email_failed_at) FROM notifications
		WHERE user_id = ?1 AND email_failed_at IS NOT NULL AND emailed_at IS NULL
		  AND email_failed_at > coalesce((SELECT max(emailed_at) FROM notifications WHERE user_id = ?1), 0)
		GROUP BY email_failure ORDER BY email_failure`, userID)
	if err != nil {
		return nil, fmt.Errorf("notify: unsent e-mails: %w", err)
	}
	defer rows.Close()
	var out []Unsent
	for rows.Next() {
		var u Unsent
		var since int64
		if err := rows.Scan(&u.Reason, &u.Count, &since); err != nil {
			return nil, fmt.Errorf("notify: unsent e-mails: %w", err)
		}
		u.Since = time.UnixMilli(since)
		out = append(out, u)
	}
	return out, rows.Err()
}

// digestRows are a person's unread notifications not yet e-mailed, created after since.
func digestRows(ctx context.Context, db *tenantdb.DB, userID, since int64) ([]*Notification, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL AND created_at > ? ORDER BY id LIMIT 200`, userID, since)
	if err != nil {
		return nil, fmt.Errorf("notify: digest: %w", err)
	}
	defer rows.Close()
	var out []*Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: digest: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

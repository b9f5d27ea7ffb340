package visits

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// A member's calendar feed (iCal, RFC 5545): a secret address /ical/<slug>/<token>.ics that the
// phone's own calendar subscribes to. Only the SHA-256 of the token is kept (visit_feeds), so the
// address is shown once, when it is made; making it again replaces it and revoking deletes it —
// the old address answers 404 from then on.

// Feed window: what the phone's calendar gets.
const (
	FeedPast   = 30 * 24 * time.Hour
	FeedFuture = 180 * 24 * time.Hour
)

// FeedEvent is one visit as the feed writes it.
type FeedEvent struct {
	UID         string // stable across edits: the phone replaces the event instead of adding one
	Start       time.Time
	Duration    time.Duration
	Summary     string
	Location    string
	Description string
	URL         string
	Status      string // the visit's status: proposed, confirmed, done, no_show, cancelled
	Updated     time.Time
}

// icalStatus maps a visit's status to the event's STATUS: a proposed date is not yet a
// commitment (TENTATIVE); done and no-show visits happened as planned on the calendar.
func icalStatus(status string) ics.ObjectStatus {
	switch status {
	case "proposed":
		return ics.ObjectStatusTentative
	case "cancelled":
		return ics.ObjectStatusCancelled
	}
	return ics.ObjectStatusConfirmed
}

// EncodeFeed writes the calendar: one VEVENT per visit, times in UTC (the phone shows them in
// its own zone), DTSTAMP now.
func EncodeFeed(w io.Writer, name string, now time.Time, events []FeedEvent) error {
	cal := ics.NewCalendarFor("HighVibe")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range events {
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(now.UTC())
		ev.SetStartAt(e.Start.UTC())
		ev.SetEndAt(e.Start.Add(e.Duration).UTC())
		if !e.Updated.IsZero() {
			ev.SetModifiedAt(e.Updated.UTC())
		}
		ev.SetSummary(icalText(e.Summary))
		if e.Location != "" {
			ev.SetLocation(icalText(e.Location))
		}
		if e.Description != "" {
			ev.SetDescription(icalText(e.Description))
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		ev.SetStatus(icalStatus(e.Status))
	}
	return cal.SerializeTo(w)
}

// icalText is a text value with its line breaks as one "\n" each: the encoder escapes "\n", ";",
// "," and "\" as RFC 5545 (3.3.11) asks, but a carriage return left in an address typed on one
// device would end the property's line early, and the rest of the address would be read as a
// property of its own.
func icalText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// hashToken is what visit_feeds keeps of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Feed is a member's feed as the profile page shows it (the token itself is never kept).
type Feed struct {
	UserID    int64
	CreatedAt int64
}

// FeedOf returns the member's feed; ok false when they have none.
func FeedOf(ctx context.Context, q *sql.DB, userID int64) (Feed, bool, error) {
	f := Feed{UserID: userID}
	err := q.QueryRowContext(ctx, `SELECT created_at FROM visit_feeds WHERE user_id = ?`, userID).Scan(&f.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("visits: feed of %d: %w", userID, err)
	}
	return f, true, nil
}

// MakeFeed creates the member's feed address, or replaces it (the old address stops working at
// once), and returns the new token. It is shown once; only its SHA-256 is stored.
func MakeFeed(ctx context.Context, db *tenantdb.DB, a Actor, now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var had int
		_ = tx.QueryRowContext(ctx, `SELECT count(*) FROM visit_feeds WHERE user_id = ?`, a.UserID).Scan(&had)
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT(user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			a.UserID, hashToken(token), now.UnixMilli()); err != nil {
			return err
		}
		action := "feed_created"
		if had > 0 {
			action = "feed_regenerated"
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: action,
			Summary: "calendar feed address " + strings.TrimPrefix(action, "feed_"), ModelName: "human-review",
			ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"user_id": a.UserID}})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("visits: make feed: %w", err)
	}
	return token, nil
}

// RevokeFeed deletes the member's feed: its address answers 404 from now on.
func RevokeFeed(ctx context.Context, db *tenantdb.DB, a Actor) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM visit_feeds WHERE user_id = ?`, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "feed_revoked", Summary: "calendar feed address revoked",
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"user_id": a.UserID}})
		return err
	})
	if err != nil {
		return fmt.Errorf("visits: revoke feed: %w", err)
	}
	return nil
}

// FeedUser resolves a feed token to its member; an unknown or revoked token is ErrNotFound.
func FeedUser(ctx context.Context, q *sql.DB, token string) (int64, error) {
	if len(token) < 20 || len(token) > 100 {
		return 0, tenantdb.ErrNotFound
	}
	var uid int64
	err := q.QueryRowContext(ctx, `SELECT user_id FROM visit_feeds WHERE token_hash = ?`, hashToken(token)).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, tenantdb.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("visits: feed user: %w", err)
	}
	return uid, nil
}

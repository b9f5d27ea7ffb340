package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"highvibe/app/channels/channel"
	"highvibe/app/hours"
	"highvibe/app/tenantdb"
)

// Prefs are one person's choices: which kinds reach the phone, which come by e-mail (one mail
// each, or one daily digest), where the mail goes, and quiet hours in which phones stay silent.
type Prefs struct {
	Push       map[string]bool
	Email      map[string]bool
	Address    string
	Digest     bool
	QuietStart int // minutes after midnight, in Clock; QuietStart == QuietEnd: no quiet hours
	QuietEnd   int
	// Zone is the IANA name of the person's own time zone, in which their quiet hours and daily
	// digest are read in every business they work in; "" reads them on the clock of the business
	// a notification comes from.
	Zone string
}

// Clock is the zone the person's quiet hours and daily digest are read in: their own when they
// named one, else business, the zone of the business the notification or digest comes from.
func (p Prefs) Clock(business *time.Location) *time.Location {
	if loc := hours.Location(p.Zone); loc != nil {
		return loc
	}
	return business
}

// DefaultPrefs: every kind to the phone, nothing by e-mail, no quiet hours.
func DefaultPrefs() Prefs {
	p := Prefs{Push: map[string]bool{}, Email: map[string]bool{}}
	for _, k := range Kinds {
		p.Push[k] = true
	}
	return p
}

// Quiet reports whether the wall clock of t (in t's own location: pass it in Clock)
// falls in the quiet hours; a period may cross midnight (22:00–07:00).
func (p Prefs) Quiet(t time.Time) bool {
	if p.QuietStart == p.QuietEnd {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if p.QuietStart < p.QuietEnd {
		return m >= p.QuietStart && m < p.QuietEnd
	}
	return m >= p.QuietStart || m < p.QuietEnd
}

// EmailNow reports whether a notification of kind is e-mailed on its own right away.
func (p Prefs) EmailNow(kind string) bool { return p.Address != "" && !p.Digest && p.Email[kind] }

// Validate checks the e-mail address and the quiet hours; every field's problem (field → catalog
// key), so the form marks all of them at once.
func (p Prefs) Validate() map[string]string {
	out := map[string]string{}
	switch {
	case p.Address != "" && !channel.ValidEmail(p.Address):
		out["email"] = channel.EmailProblem(p.Address, "notify.prefs.err.email")
	case (p.Digest || len(p.Email) > 0) && p.Address == "":
		out["email"] = "notify.prefs.err.email_needed"
	}
	if p.QuietStart < 0 || p.QuietStart > 1439 {
		out["quiet_start"] = "notify.prefs.err.quiet"
	}
	if p.QuietEnd < 0 || p.QuietEnd > 1439 {
		out["quiet_end"] = "notify.prefs.err.quiet"
	}
	if p.Zone != "" && hours.Location(p.Zone) == nil {
		out["quiet_zone"] = "notify.prefs.err.zone"
	}
	return out
}

func kindList(m map[string]bool) string {
	var out []string
	for _, k := range Kinds {
		if m[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ",")
}

func kindSet(s string) map[string]bool {
	m := map[string]bool{}
	for k := range strings.SplitSeq(s, ",") {
		if ValidKind(k) {
			m[k] = true
		}
	}
	return m
}

// LoadPrefs reads a person's preferences (the defaults when they never saved any).
func LoadPrefs(ctx context.Context, pdb *tenantdb.DB, userID int64) (Prefs, error) {
	var off, email string
	p := Prefs{}
	err := pdb.Read.QueryRowContext(ctx, `SELECT push_off, email_kinds, email, digest, quiet_start, quiet_end, quiet_zone FROM notify_prefs WHERE user_id = ?`,
		userID).Scan(&off, &email, &p.Address, &p.Digest, &p.QuietStart, &p.QuietEnd, &p.Zone)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPrefs(), nil
	}
	if err != nil {
		return Prefs{}, fmt.Errorf("notify: prefs: %w", err)
	}
	// The phone gets every kind the person did not turn off, so a kind added after they saved
	// reaches it as it reaches everyone who never saved (e-mail stays opt-in: what was ticked).
	p.Push, p.Email = map[string]bool{}, kindSet(email)
	offSet := kindSet(off)
	for _, k := range Kinds {
		p.Push[k] = !offSet[k]
	}
	return p, nil
}

// SavePrefs stores a person's preferences (validated by the caller).
func SavePrefs(ctx context.Context, pdb *tenantdb.DB, userID int64, p Prefs) error {
	return pdb.InTx(ctx, func(tx *sql.Tx) error {
		off := map[string]bool{}
		for _, k := range Kinds {
			off[k] = !p.Push[k]
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO notify_prefs(user_id, push_kinds, push_off, email_kinds, email, digest, quiet_start, quiet_end, quiet_zone, updated_at)
			VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(user_id) DO UPDATE SET push_kinds = excluded.push_kinds, push_off = excluded.push_off,
			email_kinds = excluded.email_kinds, email = excluded.email, digest = excluded.digest, quiet_start = excluded.quiet_start,
			quiet_end = excluded.quiet_end, quiet_zone = excluded.quiet_zone, updated_at = excluded.updated_at`,
			userID, kindList(p.Push), kindList(off), kindList(p.Email), p.Address, p.Digest, p.QuietStart, p.QuietEnd, p.Zone, tenantdb.Now())
		if err != nil {
			return fmt.Errorf("notify: save prefs: %w", err)
		}
		return nil
	})
}

// Subscription is one browser or phone that accepted Web Push for a person.
type Subscription struct {
	ID       int64
	UserID   int64
	Endpoint string
	P256dh   string
	Auth     string
	Label    string
}

// Subscribe stores a browser's push subscription for a person; the same endpoint subscribed
// again (or by another person signing in on that phone) is replaced, never duplicated.
func Subscribe(ctx context.Context, pdb *tenantdb.DB, s Subscription) error {
	return pdb.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO push_subscriptions(user_id, endpoint, p256dh, auth, label, created_at) VALUES(?,?,?,?,?,?)
			ON CONFLICT(endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, label = excluded.label`,
			s.UserID, s.Endpoint, s.P256dh, s.Auth, clip(s.Label, 100), tenantdb.Now())
		if err != nil {
			return fmt.Errorf("notify: subscribe: %w", err)
		}
		return nil
	})
}

// Unsubscribe removes one of the person's subscriptions by its endpoint.
func Unsubscribe(ctx context.Context, pdb *tenantdb.DB, userID int64, endpoint string) error {
	return pdb.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?`, userID, endpoint)
		if err != nil {
			return fmt.Errorf("notify: unsubscribe: %w", err)
		}
		return nil
	})
}

// dropSubscription removes a subscription the push service says is gone (404/410).
func dropSubscription(ctx context.Context, pdb *tenantdb.DB, id int64) error {
	return pdb.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("notify: drop subscription: %w", err)
		}
		return nil
	})
}

// Subscriptions lists the people's subscriptions (all of them when no ids are given... never:
// an empty list answers nothing).
func Subscriptions(ctx context.Context, pdb *tenantdb.DB, userIDs ...int64) ([]Subscription, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(userIDs)), ",")
	args := make([]any, len(userIDs))
	for i, id := range userIDs {
		args[i] = id
	}
	rows, err := pdb.Read.QueryContext(ctx, `SELECT id, user_id, endpoint, p256dh, auth, label FROM push_subscriptions WHERE user_id IN (`+ph+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: subscriptions: %w", err)
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var s Subscription
		if err := rows.Scan(&s.ID, &s.UserID, &s.Endpoint, &s.P256dh, &s.Auth, &s.Label); err != nil {
			return nil, fmt.Errorf("notify: subscriptions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// subscriptionByID reads one subscription; ErrNotFound when it was removed meanwhile.
func subscriptionByID(ctx context.Context, pdb *tenantdb.DB, id int64) (Subscription, error) {
	var s Subscription
	err := pdb.Read.QueryRowContext(ctx, `SELECT id, user_id, endpoint, p256dh, auth, label FROM push_subscriptions WHERE id = ?`, id).
		Scan(&s.ID, &s.UserID, &s.Endpoint, &s.P256dh, &s.Auth, &s.Label)
	if errors.Is(err, sql.ErrNoRows) {
		return s, tenantdb.ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("notify: subscription: %w", err)
	}
	return s, nil
}

// mailAddress is the bare address of "Name <addr>".
func mailAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

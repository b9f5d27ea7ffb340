package platform

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"highvibe/app/tenantdb"
)

// Session is one signed-in browser. The cookie carries a random token; the table keeps only the
// token's hash, so neither platform.db nor a backup of it yields a working cookie.
type Session struct {
	ID       int64 // public handle (revoke buttons); never the token
	UserID   int64
	Username string
	// DisplayName is the name the person goes by ("" when none was given): lists of sessions
	// show it with the login beside it.
	DisplayName string
	CreatedAt   time.Time
	LastSeenAt  time.Time
	UserAgent   string
	IP          string
	Pending2FA  bool   // the password was right, the second factor is still owed
	Data        []byte // the rest of the session (active tenant, one-time messages)
}

// HashToken is how a session token is stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// CreateSession stores a new session for the user under token's hash.
func (s *Service) CreateSession(ctx context.Context, userID int64, token, userAgent, ip string, pending2FA bool, now time.Time) (*Session, error) {
	ms := tenantdb.Millis(now)
	res, err := s.DB.Exec(ctx, `INSERT INTO sessions(token_hash, user_id, created_at, last_seen_at, user_agent, ip, pending_2fa)
		VALUES(?,?,?,?,?,?,?)`, HashToken(token), userID, ms, ms, clip(userAgent, 300), clip(ip, 64), boolInt(pending2FA))
	if err != nil {
		return nil, fmt.Errorf("platform: create session: %w", err)
	}
	id, _ := res.LastInsertId()
	return &Session{ID: id, UserID: userID, CreatedAt: tenantdb.Time(ms), LastSeenAt: tenantdb.Time(ms),
		UserAgent: clip(userAgent, 300), IP: clip(ip, 64), Pending2FA: pending2FA}, nil
}

const sessionSelect = `SELECT s.id, s.user_id, u.username, u.display_name, s.created_at, s.last_seen_at, s.user_agent, s.ip, s.pending_2fa, s.data
	FROM sessions s JOIN users u ON u.id = s.user_id`

func scanSession(sc interface{ Scan(...any) error }) (*Session, error) {
	var ss Session
	var created, seen int64
	if err := sc.Scan(&ss.ID, &ss.UserID, &ss.Username, &ss.DisplayName, &created, &seen, &ss.UserAgent, &ss.IP, &ss.Pending2FA, &ss.Data); err != nil {
		return nil, err
	}
	ss.CreatedAt, ss.LastSeenAt = tenantdb.Time(created), tenantdb.Time(seen)
	return &ss, nil
}

// SessionByToken finds the session a cookie's token names; ErrNotFound when there is none (never
// was, signed out, or revoked).
func (s *Service) SessionByToken(ctx context.Context, token string) (*Session, error) {
	ss, err := scanSession(s.DB.Read.QueryRowContext(ctx, sessionSelect+` WHERE s.token_hash = ?`, HashToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("platform: session: %w", err)
	}
	return ss, nil
}

// TouchSession records that the session was used at now (callers limit this to once a minute).
func (s *Service) TouchSession(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, tenantdb.Millis(now), id); err != nil {
		return fmt.Errorf("platform: touch session: %w", err)
	}
	return nil
}

// SaveSessionData replaces the session's data (active tenant, one-time messages).
func (s *Service) SaveSessionData(ctx context.Context, id int64, data []byte) error {
	if _, err := s.DB.Exec(ctx, `UPDATE sessions SET data = ? WHERE id = ?`, data, id); err != nil {
		return fmt.Errorf("platform: save session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (s *Service) DeleteSession(ctx context.Context, id int64) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("platform: delete session: %w", err)
	}
	return nil
}

// DeleteSessionOf ends one session of the given user; ErrNotFound when the user has no such
// session (so a revoke button cannot reach another user's sessions).
func (s *Service) DeleteSessionOf(ctx context.Context, userID, id int64) error {
	res, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("platform: delete session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// RevokeSessions ends every session of the user and reports how many there were.
func (s *Service) RevokeSessions(ctx context.Context, userID int64) (int, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("platform: revoke sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// SessionCutoffs say which sessions still count: used since IdleSince and created since
// CreatedSince (the idle and absolute limits, worked out by the caller's clock).
type SessionCutoffs struct{ IdleSince, CreatedSince time.Time }

func (s *Service) listSessions(ctx context.Context, where string, cut SessionCutoffs, args ...any) ([]Session, error) {
	return s.listSessionsKeep(ctx, nil, where, cut, args...)
}

// listSessionsKeep lists the live sessions where says, keeping those keep accepts (nil: all) by
// their data; the data is not returned.
func (s *Service) listSessionsKeep(ctx context.Context, keep func(data []byte) bool, where string, cut SessionCutoffs, args ...any) ([]Session, error) {
	q := sessionSelect + ` WHERE ` + where + ` AND s.pending_2fa = 0 AND s.last_seen_at >= ? AND s.created_at >= ?
		ORDER BY u.username, s.last_seen_at DESC`
	args = append(args, tenantdb.Millis(cut.IdleSince), tenantdb.Millis(cut.CreatedSince))
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("platform: sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("platform: sessions: %w", err)
		}
		if keep != nil && !keep(ss.Data) {
			continue
		}
		ss.Data = nil
		out = append(out, *ss)
	}
	return out, rows.Err()
}

// SessionsOfUser lists the user's live sessions, most recently used first.
func (s *Service) SessionsOfUser(ctx context.Context, userID int64, cut SessionCutoffs) ([]Session, error) {
	return s.listSessions(ctx, `s.user_id = ?`, cut, userID)
}

// SessionsInTenant lists, by username, the live sessions of the tenant's members that are in the
// tenant: inTenant says so from a session's data (its active business, which only the session
// store can read). A session is not tied to one business — the switcher moves it between the
// person's businesses — so a member's sessions working in another of their businesses (address,
// browser) are not this tenant's to see.
func (s *Service) SessionsInTenant(ctx context.Context, tenantID int64, inTenant func(data []byte) bool, cut SessionCutoffs) ([]Session, error) {
	return s.listSessionsKeep(ctx, inTenant, `s.user_id IN (SELECT user_id FROM memberships WHERE tenant_id = ?)`, cut, tenantID)
}

// DeleteExpiredSessions removes sessions past either limit (and second-factor steps left
// unfinished since pendingSince); expired rows never open anything, this only keeps the table small.
func (s *Service) DeleteExpiredSessions(ctx context.Context, cut SessionCutoffs, pendingSince time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ? OR (pending_2fa = 1 AND created_at < ?)`,
		tenantdb.Millis(cut.IdleSince), tenantdb.Millis(cut.CreatedSince), tenantdb.Millis(pendingSince))
	if err != nil {
		return 0, fmt.Errorf("platform: expire sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteSessionInTenant ends one session of a member of the tenant that is in the tenant (inTenant
// reads its data, as for SessionsInTenant); ErrNotFound when the session belongs to no member or
// is working in another of the member's businesses (an owner cannot reach other tenants' users,
// nor a member's sessions elsewhere). The session is deleted only as it was read, so a switch to
// another business in between leaves it alone.
func (s *Service) DeleteSessionInTenant(ctx context.Context, tenantID, id int64, inTenant func(data []byte) bool) error {
	var data []byte
	err := s.DB.Read.QueryRowContext(ctx, `SELECT data FROM sessions WHERE id = ? AND user_id IN (SELECT user_id FROM memberships WHERE tenant_id = ?)`,
		id, tenantID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !inTenant(data)) {
		return tenantdb.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("platform: delete session: %w", err)
	}
	res, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE id = ? AND data IS ?`, id, data)
	if err != nil {
		return fmt.Errorf("platform: delete session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

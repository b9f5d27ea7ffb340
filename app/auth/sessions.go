package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// SessionName is the panel session cookie. Its value is a random token and nothing else; the
// session itself (user, times, address, active tenant) lives in platform.db.
const SessionName = "hv_session"

// Session lifetimes: 14 days at most, 12 hours without use.
const (
	DefaultIdle     = 12 * time.Hour
	DefaultAbsolute = 14 * 24 * time.Hour
	// PendingTTL is how long the second-factor step of a sign-in stays open.
	PendingTTL = 5 * time.Minute
	// touchEvery bounds last-seen writes: at most one per session per minute.
	touchEvery = time.Minute
)

// Store keeps panel sessions on the server (a gorilla/sessions Store, so handlers keep using
// *sessions.Session for the active tenant and one-time messages). A session that is not in the
// table — never created, signed out, revoked, expired — is anonymous, whatever cookie came with it.
type Store struct {
	Platform *platform.Service
	Idle     time.Duration // idle limit; DefaultIdle when zero
	Absolute time.Duration // absolute limit; DefaultAbsolute when zero
	// Now is the clock (tests move it forward to prove expiry).
	Now func() time.Time
	// ClientIP and Secure decide the request's address and whether it arrived over TLS (the
	// server's one function for both); nil: the TCP peer, and r.TLS.
	ClientIP func(*http.Request) string
	Secure   func(*http.Request) bool
}

// recordKey keeps the session's row among its Values; it is never encoded into the stored data.
type recordKey struct{}

// Current returns the stored session behind s, or nil for an anonymous one.
func Current(s *sessions.Session) *platform.Session {
	if s == nil {
		return nil
	}
	rec, _ := s.Values[recordKey{}].(*platform.Session)
	return rec
}

// SignedIn returns the user id of a fully signed-in session (password and, when enrolled, the
// second factor), else 0.
func SignedIn(s *sessions.Session) int64 {
	if rec := Current(s); rec != nil && !rec.Pending2FA {
		return rec.UserID
	}
	return 0
}

func (st *Store) now() time.Time {
	if st.Now != nil {
		return st.Now()
	}
	return time.Now()
}

func (st *Store) idle() time.Duration {
	if st.Idle > 0 {
		return st.Idle
	}
	return DefaultIdle
}

func (st *Store) absolute() time.Duration {
	if st.Absolute > 0 {
		return st.Absolute
	}
	return DefaultAbsolute
}

// Cutoffs are the oldest last-use and creation times a live session can have now.
func (st *Store) Cutoffs() platform.SessionCutoffs {
	now := st.now()
	return platform.SessionCutoffs{IdleSince: now.Add(-st.idle()), CreatedSince: now.Add(-st.absolute())}
}

func (st *Store) expired(rec *platform.Session, now time.Time) bool {
	if rec.Pending2FA {
		return now.Sub(rec.CreatedAt) > PendingTTL
	}
	return now.Sub(rec.CreatedAt) >= st.absolute() || now.Sub(rec.LastSeenAt) >= st.idle()
}

func (st *Store) options(r *http.Request) *sessions.Options {
	secure := r.TLS != nil
	if st.Secure != nil {
		secure = st.Secure(r)
	}
	return &sessions.Options{Path: "/", MaxAge: int(st.absolute() / time.Second), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// Get returns the request's session, loading it once per request.
func (st *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session the cookie names. An unknown or expired token gives an anonymous session
// (expired rows are deleted on the way). The last-seen time is written at most once a minute.
func (st *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	s.Options = st.options(r)
	s.IsNew = true
	ck, err := r.Cookie(name)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return s, nil
	}
	ctx := r.Context()
	rec, err := st.Platform.SessionByToken(ctx, ck.Value)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	now := st.now()
	if st.expired(rec, now) {
		return s, st.Platform.DeleteSession(ctx, rec.ID)
	}
	if !rec.Pending2FA && now.Sub(rec.LastSeenAt) >= touchEvery {
		if err := st.Platform.TouchSession(ctx, rec.ID, now); err != nil {
			return s, err
		}
		rec.LastSeenAt = now
	}
	if len(rec.Data) > 0 {
		var vals map[any]any
		if gob.NewDecoder(bytes.NewReader(rec.Data)).Decode(&vals) == nil {
			s.Values = vals
		}
	}
	s.ID, s.IsNew = ck.Value, false
	s.Values[recordKey{}] = rec
	return s, nil
}

// Save stores the session's values with its row. An anonymous session is not stored (no row, no
// cookie); a session whose MaxAge is negative is ended.
func (st *Store) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if s.Options != nil && s.Options.MaxAge < 0 {
		return st.End(w, r, s)
	}
	rec := Current(s)
	if rec == nil {
		return nil
	}
	vals := make(map[any]any, len(s.Values))
	for k, v := range s.Values {
		if _, internal := k.(recordKey); !internal {
			vals[k] = v
		}
	}
	var data []byte
	if len(vals) > 0 {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(vals); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	if bytes.Equal(data, rec.Data) {
		return nil
	}
	if err := st.Platform.SaveSessionData(r.Context(), rec.ID, data); err != nil {
		return err
	}
	rec.Data = data
	return nil
}

// Start begins a new session for the user on s (the request's session): a fresh random token, a
// new row, nothing carried over from before, and the cookie set. pending2FA marks a sign-in whose
// second factor is still owed. The row s had before (a finished second-factor step) is deleted.
func (st *Store) Start(w http.ResponseWriter, r *http.Request, s *sessions.Session, userID int64, pending2FA bool) (*platform.Session, error) {
	ctx := r.Context()
	if old := Current(s); old != nil {
		if err := st.Platform.DeleteSession(ctx, old.ID); err != nil {
			return nil, err
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	ip := ""
	if st.ClientIP != nil {
		ip = st.ClientIP(r)
	}
	now := st.now()
	rec, err := st.Platform.CreateSession(ctx, userID, token, r.UserAgent(), ip, pending2FA, now)
	if err != nil {
		return nil, err
	}
	st.sweep(ctx, now)
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.ID, s.IsNew = token, false
	s.Values[recordKey{}] = rec
	s.Options = st.options(r)
	http.SetCookie(w, sessions.NewCookie(s.Name(), token, s.Options))
	return rec, nil
}

// sweep deletes sessions past their limits so the table stays small (they open nothing anyway).
func (st *Store) sweep(ctx context.Context, now time.Time) {
	cut := st.Cutoffs()
	_, _ = st.Platform.DeleteExpiredSessions(ctx, cut, now.Add(-PendingTTL))
}

// End signs the session out: its row is deleted, so every copy of the cookie stops working, and
// the browser is told to forget the cookie.
func (st *Store) End(w http.ResponseWriter, r *http.Request, s *sessions.Session) error {
	var err error
	if rec := Current(s); rec != nil {
		err = st.Platform.DeleteSession(r.Context(), rec.ID)
	}
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.ID = ""
	opts := *st.options(r)
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(s.Name(), "", &opts))
	return err
}

// InTenant reports whether a stored session's data (platform.Session.Data) has slug as its active
// business — the one its business switcher stands on, where its requests work. A session is not
// bound to one business: it moves between the person's businesses, and is "in" one at a time.
func InTenant(slug string) func(data []byte) bool {
	return func(data []byte) bool {
		if len(data) == 0 || slug == "" {
			return false
		}
		var vals map[any]any
		if gob.NewDecoder(bytes.NewReader(data)).Decode(&vals) != nil {
			return false
		}
		active, _ := vals["tenant"].(string)
		return active == slug
	}
}

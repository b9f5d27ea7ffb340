package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func opensPanel(t *testing.T, c *apptest.Client) bool {
	t.Helper()
	switch r := c.Get("/app/"); r.StatusCode {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		return false
	default:
		t.Fatalf("GET /app/: %d", r.StatusCode)
	}
	return false
}

// lastSeen reads the stored last-seen time of the user's only session.
func lastSeen(t *testing.T, e *apptest.Env, userID int64) int64 {
	t.Helper()
	var ms int64
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT last_seen_at FROM sessions WHERE user_id = ?`, userID).Scan(&ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestSessionIdleAndAbsoluteExpiry: a session unused for 12 h ends; one used every few hours still
// ends 14 days after sign-in; last-seen is written at most once a minute.
func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	clock := &fakeClock{now: time.Now()}
	e.Server.Sessions.Now = clock.Now
	e.Tenant("acme")

	idle := e.User("acme", "olga", "owner")
	if !opensPanel(t, idle) {
		t.Fatal("fresh session refused")
	}
	clock.Add(11*time.Hour + 59*time.Minute)
	if !opensPanel(t, idle) {
		t.Fatal("session refused before 12 h of idleness")
	}
	clock.Add(12*time.Hour + time.Second)
	if opensPanel(t, idle) {
		t.Fatal("session still open after more than 12 h unused")
	}

	busy := e.User("acme", "oscar", "operator")
	seen := lastSeen(t, e, busy.UserID)
	clock.Add(30 * time.Second)
	opensPanel(t, busy)
	if got := lastSeen(t, e, busy.UserID); got != seen {
		t.Fatal("last-seen written twice within a minute")
	}
	clock.Add(31 * time.Second)
	opensPanel(t, busy)
	if got := lastSeen(t, e, busy.UserID); got == seen {
		t.Fatal("last-seen not written after a minute")
	}
	for used := time.Duration(0); used < 14*24*time.Hour-12*time.Hour; used += 11 * time.Hour {
		clock.Add(11 * time.Hour)
		if !opensPanel(t, busy) {
			t.Fatalf("session in daily use refused after %s", used+11*time.Hour)
		}
	}
	// 13 d 18 h in: six more hours is past 14 days but well inside the idle limit.
	clock.Add(6 * time.Hour)
	if opensPanel(t, busy) {
		t.Fatal("session still open more than 14 days after sign-in")
	}
}

// TestUserSessionCommands: `user sessions list` shows a user's live sessions with their address
// and browser; mistakes in the user commands are usage errors (exit 2) that change nothing.
func TestUserSessionCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir})
	e.Tenant("acme")
	c := e.User("acme", "olga", "owner")
	c.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/141.0")
	c.Login("olga", apptest.Password) // signing in again in the same browser replaces its session
	out := mustCLI(t, dir, "", "user", "sessions", "list", "--username", "olga")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(out, "127.0.0.1") || !strings.Contains(out, "Firefox · Windows") {
		t.Fatalf("sessions list:\n%s", out)
	}
	for _, args := range [][]string{
		{"user", "set-password", "--username", "olga"},
		{"user", "set-password", "--username", "nobody", "--password-stdin"},
		{"user", "sessions", "--username", "olga"},
		{"user", "sessions", "revoke"},
		{"user", "reset-2fa", "--username", "nobody"},
	} {
		if code, _, _ := cli(t, dir, "short\n", args...); code != app.ExitUsage {
			t.Fatalf("highvibe %v: exit %d, want %d", args, code, app.ExitUsage)
		}
	}
	if code, _, errs := cli(t, dir, "short\n", "user", "set-password", "--username", "olga", "--password-stdin"); code != app.ExitUsage || !strings.Contains(errs, "password") {
		t.Fatalf("too short a password: exit %d %q", code, errs)
	}
	if !opensPanel(t, c) {
		t.Fatal("a refused command ended a session")
	}
}

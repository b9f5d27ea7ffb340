package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/auth"
)

// binServer is the real binary serving a data directory, for attacks that must cross a process
// boundary (the CLI changing what a running server accepts).
type binServer struct {
	t    *testing.T
	data string
	url  string
}

// startBinary runs setup commands of the real binary against a fresh data directory (a trailing
// "stdin=..." argument is fed to the command), then starts `serve`.
func startBinary(t *testing.T, setup [][]string, serveArgs ...string) *binServer {
	t.Helper()
	b := &binServer{t: t, data: t.TempDir()}
	for _, args := range setup {
		stdin := ""
		if i := len(args) - 1; strings.HasPrefix(args[i], "stdin=") {
			stdin, args = strings.TrimPrefix(args[i], "stdin="), args[:i]
		}
		b.run(stdin, args...)
	}
	b.url = apptest.Serve(t, b.data, nil, serveArgs...).URL
	return b
}

// run runs a CLI command of the binary against the data directory; it must succeed.
func (b *binServer) run(stdin string, args ...string) string {
	b.t.Helper()
	out, errs, code := apptest.CLI(b.t, b.data, stdin, args...)
	if code != 0 {
		b.t.Fatalf("highvibe %v: exit %d: %s", args, code, errs)
	}
	return out
}

// browser is a person's browser: a cookie jar, redirects not followed.
type browser struct {
	b   *binServer
	c   *http.Client
	jar *cookiejar.Jar
}

// browser is a new client. Its 60 s timeout guards against a hang: a burst of password hashes on
// a machine busy with other tests can keep an answer waiting well past what a person would wait.
func (b *binServer) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{b: b, jar: jar, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (br *browser) do(method, path string, form url.Values) (int, string, http.Header) {
	br.b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, br.b.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
	r, err := br.c.Do(req)
	if err != nil {
		br.b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b), r.Header
}

func (br *browser) login(user, pw string) {
	br.b.t.Helper()
	if st, body, _ := br.do("POST", "/login/", url.Values{"username": {user}, "password": {pw}}); st != http.StatusSeeOther {
		br.b.t.Fatalf("login %s: %d %.200s", user, st, body)
	}
}

// cookie is the session cookie the browser holds (what an attacker would copy).
func (br *browser) cookie() string {
	u, _ := url.Parse(br.b.url)
	for _, c := range br.jar.Cookies(u) {
		if c.Name == auth.SessionName {
			return c.Value
		}
	}
	br.b.t.Fatal("no session cookie")
	return ""
}

// copied is another machine using a copy of the cookie.
func (b *binServer) copied(cookie string) *browser {
	br := b.browser()
	u, _ := url.Parse(b.url)
	br.jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionName, Value: cookie, Path: "/"}})
	return br
}

// inPanel reports whether the browser's session opens the panel (dashboard 200) or is sent to
// the sign-in page.
func (br *browser) inPanel() bool {
	br.b.t.Helper()
	st, _, h := br.do("GET", "/app/", nil)
	switch {
	case st == http.StatusOK:
		return true
	case st == http.StatusSeeOther && strings.HasPrefix(h.Get("Location"), "/login/"):
		return false
	}
	br.b.t.Fatalf("GET /app/: unexpected %d %s", st, h.Get("Location"))
	return false
}

// TestSecuritySessionsEndForCopiedCookies: a copy of the session cookie taken before logout, a password change, disabling
// the user or "sign out everywhere" opens nothing afterwards — not a page, not a write. Before the
// fix the cookie was self-contained and kept working for 14 days.
func TestSecuritySessionsEndForCopiedCookies(t *testing.T) {
	t.Parallel()
	pw := "old-password-123"
	b := startBinary(t, [][]string{
		{"tenant", "create", "--slug", "acme", "--name", "Acme", "--locale", "en"},
		{"user", "create", "--username", "olga", "--password-stdin", "--tenant", "acme", "--role", "owner", "stdin=" + pw + "\n"},
		{"user", "create", "--username", "oscar", "--password-stdin", "--tenant", "acme", "--role", "operator", "stdin=" + pw + "\n"},
		{"user", "create", "--username", "tina", "--password-stdin", "--tenant", "acme", "--role", "viewer", "stdin=" + pw + "\n"},
	})

	t.Run("logout", func(t *testing.T) {
		victim := b.browser()
		victim.login("olga", pw)
		thief := b.copied(victim.cookie())
		if !thief.inPanel() {
			t.Fatal("the copied cookie did not work before logout: the test proves nothing")
		}
		if st, _, _ := victim.do("POST", "/logout/", url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("logout: %d", st)
		}
		if thief.inPanel() {
			t.Fatal("a cookie copied before logout still opens the panel")
		}
		st, _, h := thief.do("POST", "/app/settings/profile", url.Values{"name": {"Pwned"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login/") {
			t.Fatalf("write with the copied cookie after logout: %d %s", st, h.Get("Location"))
		}
		if strings.Contains(b.run("", "tenant", "list"), "Pwned") {
			t.Fatal("a write with the copied cookie went through after logout")
		}
	})

	t.Run("password change", func(t *testing.T) {
		victim := b.browser()
		victim.login("oscar", pw)
		thief := b.copied(victim.cookie())
		if !thief.inPanel() {
			t.Fatal("copied cookie did not work before the change")
		}
		out := b.run("new-password-456\n", "user", "set-password", "--username", "oscar", "--password-stdin")
		if !strings.Contains(out, "ended") {
			t.Fatalf("set-password said %q", out)
		}
		if thief.inPanel() || victim.inPanel() {
			t.Fatal("a session from before the password change still opens the panel")
		}
		if st, _, _ := b.browser().do("POST", "/login/", url.Values{"username": {"oscar"}, "password": {pw}}); st != http.StatusUnauthorized {
			t.Fatalf("old password after set-password: %d, want 401", st)
		}
		b.browser().login("oscar", "new-password-456")
	})

	t.Run("sign out everywhere", func(t *testing.T) {
		phone, laptop := b.browser(), b.browser()
		phone.login("tina", pw)
		laptop.login("tina", pw)
		thief := b.copied(phone.cookie())
		if !thief.inPanel() || !laptop.inPanel() {
			t.Fatal("sessions did not work before revoking")
		}
		if out := b.run("", "user", "sessions", "revoke", "--username", "tina"); !strings.HasPrefix(out, "2 sessions") {
			t.Fatalf("revoke said %q, want 2 sessions ended", out)
		}
		if thief.inPanel() || phone.inPanel() || laptop.inPanel() {
			t.Fatal("a session survived `user sessions revoke`")
		}
	})

	t.Run("password change on the profile page", func(t *testing.T) {
		victim := b.browser()
		victim.login("tina", pw)
		thief := b.copied(victim.cookie())
		if !thief.inPanel() {
			t.Fatal("copied cookie did not work before the change")
		}
		st, _, h := victim.do("POST", "/app/profile/password", url.Values{"current_password": {pw},
			"new_password": {"tina-new-pass-1"}, "new_password_again": {"tina-new-pass-1"}})
		if st != http.StatusSeeOther || h.Get("Location") != "/app/profile/" {
			t.Fatalf("change password: %d → %s", st, h.Get("Location"))
		}
		if thief.inPanel() {
			t.Fatal("a cookie copied before the password change still opens the panel")
		}
		if !victim.inPanel() {
			t.Fatal("the browser that changed the password was signed out")
		}
	})

	t.Run("sign out everywhere button", func(t *testing.T) {
		victim, laptop := b.browser(), b.browser()
		victim.login("tina", "tina-new-pass-1")
		laptop.login("tina", "tina-new-pass-1")
		thief := b.copied(victim.cookie())
		if !thief.inPanel() || !laptop.inPanel() {
			t.Fatal("sessions did not work before signing out everywhere")
		}
		if st, _, _ := victim.do("POST", "/app/profile/sessions/revoke", url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("sign out everywhere: %d", st)
		}
		if thief.inPanel() || laptop.inPanel() {
			t.Fatal("a session survived the sign-out-everywhere button")
		}
		if !victim.inPanel() {
			t.Fatal("the browser that pressed the button has no fresh session")
		}
	})

	t.Run("disable", func(t *testing.T) {
		owner, victim := b.browser(), b.browser()
		owner.login("olga", pw)
		victim.login("oscar", "new-password-456")
		thief := b.copied(victim.cookie())
		if !thief.inPanel() {
			t.Fatal("copied cookie did not work before disabling")
		}
		_, body, _ := owner.do("GET", "/app/settings/", nil)
		id := userIDInSettings(t, body, "oscar")
		if st, _, _ := owner.do("POST", "/app/settings/users/"+id+"/disable", url.Values{"disabled": {"true"}}); st != http.StatusSeeOther {
			t.Fatalf("disable: %d", st)
		}
		if thief.inPanel() {
			t.Fatal("a cookie of a disabled user still opens the panel")
		}
		// Re-enabling does not bring the old session back.
		if st, _, _ := owner.do("POST", "/app/settings/users/"+id+"/disable", url.Values{"disabled": {"false"}}); st != http.StatusSeeOther {
			t.Fatalf("enable: %d", st)
		}
		if thief.inPanel() {
			t.Fatal("re-enabling the user revived the old session")
		}
	})
}

// userIDInSettings finds the user id in the settings page's form for username.
func userIDInSettings(t *testing.T, page, username string) string {
	t.Helper()
	i := strings.Index(page, ">"+username+"<")
	if i < 0 {
		t.Fatalf("settings page does not list %s", username)
	}
	rest := page[i:]
	j := strings.Index(rest, "/app/settings/users/")
	if j < 0 {
		t.Fatalf("no user form after %s", username)
	}
	rest = rest[j+len("/app/settings/users/"):]
	return rest[:strings.IndexByte(rest, '/')]
}

// TestSecurityLoginBurstHashesOnlyTheAllowance: 40 guesses at once for one user, the right password among them, get at most the
// burst allowance (5) of password hashes; everything else is refused with 429 before hashing.
// Before the fix all 40 were hashed and the right password got in mid-burst.
func TestSecurityLoginBurstHashesOnlyTheAllowance(t *testing.T) {
	t.Parallel()
	pw := "right-password-1"
	b := startBinary(t, [][]string{
		{"tenant", "create", "--slug", "acme", "--name", "Acme", "--locale", "en"},
		{"user", "create", "--username", "olga", "--password-stdin", "--tenant", "acme", "--role", "owner", "stdin=" + pw + "\n"},
	})
	before := passwordChecks(t, b)
	const n, burst = 40, 5
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		guess := fmt.Sprintf("wrong-%02d", i)
		if i == n/2 {
			guess = pw
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			br := b.browser()
			<-start
			statuses[i], _, _ = br.do("POST", "/login/", url.Values{"username": {"olga"}, "password": {guess}})
		}()
	}
	close(start)
	wg.Wait()
	hashed := passwordChecks(t, b) - before
	answered := 0
	for i, st := range statuses {
		switch st {
		case http.StatusTooManyRequests:
		case http.StatusUnauthorized, http.StatusSeeOther:
			answered++
			if st == http.StatusSeeOther && i != n/2 {
				t.Fatalf("guess %d with a wrong password got in", i)
			}
		default:
			t.Fatalf("guess %d: status %d", i, st)
		}
	}
	t.Logf("40 parallel guesses: %d password hashes, %d answered, %d refused with 429; right password: %d", hashed, answered, n-answered, statuses[n/2])
	if hashed > burst || answered > burst {
		t.Fatalf("%d passwords hashed and %d answered for one user in one burst, allowance is %d", hashed, answered, burst)
	}
	if answered == 0 {
		t.Fatal("no attempt was checked at all")
	}
}

// passwordChecks reads highvibe_login_password_checks_total from /metrics (served to loopback).
func passwordChecks(t *testing.T, b *binServer) int {
	t.Helper()
	r, err := http.Get(b.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "highvibe_login_password_checks_total "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
	}
	t.Fatalf("/metrics has no highvibe_login_password_checks_total:\n%.500s", body)
	return 0
}

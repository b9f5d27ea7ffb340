package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/auth"
)

// enrol runs the profile page's enrolment as a person would: start, read the key under the QR
// code, type the app's code. It returns the secret and the recovery codes shown once.
func enrol(t *testing.T, c *apptest.Client) (string, []string) {
	t.Helper()
	r := c.Post("/app/profile/2fa/start", url.Values{})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("start enrolment: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	src, _ := doc.Find("img.qr").Attr("src")
	if !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatalf("QR code is not an inline PNG: %.60q", src)
	}
	secret := strings.TrimSpace(doc.Find("code.secret").Text())
	if len(secret) < 16 {
		t.Fatalf("no secret shown under the QR code: %q", secret)
	}
	if r := c.Post("/app/profile/2fa/confirm", url.Values{"code": {"000000"}, "current_password": {apptest.Password}}); r.StatusCode != http.StatusUnprocessableEntity &&
		auth.TOTPCode(secret, time.Now()) != "000000" {
		t.Fatalf("wrong first code: %d, want 422", r.StatusCode)
	}
	r = c.Post("/app/profile/2fa/confirm", url.Values{"code": {auth.TOTPCode(secret, time.Now())}, "current_password": {apptest.Password}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("confirm enrolment: %d", r.StatusCode)
	}
	var codes []string
	r.Doc(t).Find("ol.recovery-codes code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
	if len(codes) != auth.RecoveryCodes {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), auth.RecoveryCodes)
	}
	// Shown once: the profile page no longer has them, nor the QR code.
	if p := c.Get("/app/profile/"); strings.Contains(p.Body, codes[0]) || strings.Contains(p.Body, secret) {
		t.Fatal("recovery codes or the secret are shown again after enrolment")
	}
	return secret, codes
}

// passwordStep signs in with the password and expects to be asked for the second factor.
func passwordStep(t *testing.T, e *apptest.Env, username string) *apptest.Client {
	t.Helper()
	c := e.Client()
	r := c.Post("/login/", url.Values{"username": {username}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa") {
		t.Fatalf("password step: %d → %s, want the second step", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.Get("/app/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a half-finished sign-in opened the panel: %d", r.StatusCode)
	}
	if r := c.Get("/login/2fa"); r.StatusCode != http.StatusOK {
		t.Fatalf("second step page: %d", r.StatusCode)
	}
	return c
}

// TestTwoFactorSignIn: enrolment on the profile page, the code asked after the password, a code
// good once, single-use recovery codes, a throttled second step, and the CLI's lost-phone reset.
func TestTwoFactorSignIn(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	olga := e.User("acme", "olga", "owner")
	secret, codes := enrol(t, olga)
	if r := olga.Get("/app/"); r.StatusCode != http.StatusOK {
		t.Fatalf("the enrolling browser was signed out: %d", r.StatusCode)
	}

	// The next step's code is good once; the same code again is a replay.
	code := auth.TOTPCode(secret, time.Now().Add(30*time.Second))
	c := passwordStep(t, e, "olga")
	if r := c.Post("/login/2fa", url.Values{"code": {code}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code: %d", r.StatusCode)
	}
	if r := c.Get("/app/"); r.StatusCode != http.StatusOK {
		t.Fatalf("after the second step: %d", r.StatusCode)
	}
	replay := passwordStep(t, e, "olga")
	if r := replay.Post("/login/2fa", url.Values{"code": {code}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replayed code: %d, want 401", r.StatusCode)
	}
	// A recovery code works once, in any case and with or without its dash.
	if r := replay.Post("/login/2fa", url.Values{"code": {strings.ToUpper(strings.ReplaceAll(codes[0], "-", ""))}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", r.StatusCode)
	}
	again := passwordStep(t, e, "olga")
	if r := again.Post("/login/2fa", url.Values{"code": {codes[0]}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("spent recovery code: %d, want 401", r.StatusCode)
	}
	// Guessing the code is throttled like a password; the half-finished sign-in is dropped.
	var last *apptest.Resp
	for i := 0; i < 6; i++ {
		if last = again.Post("/login/2fa", url.Values{"code": {"12345" + string(rune('0'+i))}}); last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("guessing second-step codes: %d, want 429", last.StatusCode)
	}
	if r := again.Get("/login/2fa"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("throttled second step still open: %d", r.StatusCode)
	}

	// Lost phone: the CLI turns it off and ends every session; the password alone works again.
	mustCLI(t, e.Dir, "", "user", "reset-2fa", "--username", "olga")
	if r := c.Get("/app/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("session survived reset-2fa: %d", r.StatusCode)
	}
	if r := e.Client().Post("/login/", url.Values{"username": {"olga"}, "password": {apptest.Password}}); r.Header.Get("Location") != "/app/" {
		t.Fatalf("password after reset-2fa: %d → %s, want straight into the panel", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestRequire2FA: with require_2fa on, a member without a second factor can only enrol; after
// enrolling the panel opens; the owner turns it on from settings.
func TestRequire2FA(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	oscar := e.User("acme", "oscar", "operator")
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Acme Ltd"}, "require_2fa": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner turning require_2fa on: %d", r.StatusCode)
	}
	for _, p := range []string{"/app/", "/app/inbox/", "/app/settings/"} {
		r := owner.Get(p)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/app/profile/") {
			t.Fatalf("%s without a second factor: %d → %s, want the profile page", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	if r := oscar.Post("/app/inbox/new/", url.Values{"body": {"x"}}); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/app/profile/") {
		t.Fatalf("write without a second factor: %d → %s", r.StatusCode, r.Header.Get("Location"))
	}
	p := oscar.Get("/app/profile/")
	if p.StatusCode != http.StatusOK || p.Doc(t).Find(".flash-error").Length() == 0 {
		t.Fatalf("profile page of a user who must enrol: %d, no banner", p.StatusCode)
	}
	enrol(t, oscar)
	if r := oscar.Get("/app/inbox/"); r.StatusCode != http.StatusOK {
		t.Fatalf("after enrolling: %d", r.StatusCode)
	}
	// And it cannot be turned off while required.
	if r := oscar.Post("/app/profile/2fa/disable", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("disabling while required: %d, want 422", r.StatusCode)
	}
}

// TestSessionListsAndRevoke: the profile lists the user's sessions and ends one; the owner sees
// the tenant's users' sessions in settings and ends one; neither reaches another tenant's users.
func TestSessionListsAndRevoke(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("bravo")
	owner := e.User("acme", "olga", "owner")
	phone := e.User("acme", "oscar", "operator")
	laptop := e.Client()
	laptop.Login("oscar", apptest.Password)
	stranger := e.User("bravo", "bert", "owner")

	rows := func(c *apptest.Client, path string) []string {
		r := c.Get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		var actions []string
		r.Doc(t).Find("#sessions form[action$='/revoke']").Each(func(_ int, s *goquery.Selection) {
			if a, _ := s.Attr("action"); a != "/app/profile/sessions/revoke" {
				actions = append(actions, a)
			}
		})
		return actions
	}
	mine := rows(phone, "/app/profile/")
	if len(mine) != 2 {
		t.Fatalf("oscar's profile lists %d sessions, want 2", len(mine))
	}
	tenant := rows(owner, "/app/settings/")
	if len(tenant) != 3 {
		t.Fatalf("settings list %d sessions of acme's users, want 3 (olga, oscar ×2)", len(tenant))
	}
	// bert (bravo) cannot end acme's sessions from his settings or profile.
	for _, a := range mine {
		id := strings.Split(a, "/")[4]
		if r := stranger.Post("/app/settings/sessions/"+id+"/revoke", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("another tenant's owner ending a session: %d, want 404", r.StatusCode)
		}
		if r := stranger.Post("/app/profile/sessions/"+id+"/revoke", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("another user ending a session from the profile: %d, want 404", r.StatusCode)
		}
	}
	if !opensPanel(t, phone) || !opensPanel(t, laptop) {
		t.Fatal("a refused revoke ended a session")
	}
	// The owner ends one of oscar's sessions; oscar ends the other from his profile.
	if r := owner.Post(strings.Replace(mine[0], "/app/profile/", "/app/settings/", 1), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner revoke: %d", r.StatusCode)
	}
	left := 0
	for _, c := range []*apptest.Client{phone, laptop} {
		if opensPanel(t, c) {
			left++
		}
	}
	if left != 1 {
		t.Fatalf("%d of oscar's sessions open after the owner ended one, want 1", left)
	}
}

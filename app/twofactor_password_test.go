package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/auth"
)

// TestTwoFactorTurnOnAsksForThePassword: turning two-step sign-in on asks for the account's
// password with the first code, as changing the password does. A session alone (a cookie copied
// from a shared computer, a panel left open) could tie the account to the holder's own phone,
// sign its owner out everywhere, and lock them out of their own account.
func TestTwoFactorTurnOnAsksForThePassword(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	thief := e.Client()
	thief.Login("olga", apptest.Password) // stands for a copied session

	r := thief.Post("/app/profile/2fa/start?lang=en", url.Values{})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("start: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	secret := strings.TrimSpace(doc.Find("code.secret").Text())
	if doc.Find(`form[action="/app/profile/2fa/confirm"] input[name="current_password"][type="password"]`).Length() != 1 {
		t.Error("the enrolment form asks for no password")
	}
	for _, pw := range []string{"", "not the password"} {
		r = thief.Post("/app/profile/2fa/confirm?lang=en", url.Values{"code": {auth.TOTPCode(secret, time.Now())}, "current_password": {pw}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "The current password is wrong.") {
			t.Fatalf("turn on with password %q: %d", pw, r.StatusCode)
		}
		if d := r.Doc(t); d.Find("img.qr").Length() != 1 || strings.TrimSpace(d.Find("code.secret").Text()) != secret {
			t.Fatal("the refused form does not keep the same key and QR code to try again")
		}
	}
	var on bool
	_ = e.Server.Mgr.Platform.Read.QueryRow(`SELECT two_factor FROM users WHERE id = ?`, owner.UserID).Scan(&on)
	if on {
		t.Fatal("two-step sign-in turned on without the password")
	}
	if r := owner.Get("/app/"); r.StatusCode != http.StatusOK {
		t.Fatalf("the owner's own session was ended: %d", r.StatusCode)
	}

	// With the password it turns on, as before.
	r = thief.Post("/app/profile/2fa/confirm", url.Values{"code": {auth.TOTPCode(secret, time.Now())}, "current_password": {apptest.Password}})
	if r.StatusCode != http.StatusOK || r.Doc(t).Find("ol.recovery-codes code").Length() != auth.RecoveryCodes {
		t.Fatalf("turn on with the password: %d", r.StatusCode)
	}
}

package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// Turning two-step sign-in off from a second tab after the first already did: the page says it
// is off. It answered 422 with its message next to the code field of a form the page no longer
// shows (two-step sign-in being off), so the person saw the profile again with no word of why,
// and the try counted against the code throttle.
func TestTwoFactorDisableWhenAlreadyOff(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	olga := e.User("acme", "olga", "owner")
	r := olga.Post("/app/profile/2fa/disable", url.Values{"code": {"123456"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/app/profile/") {
		t.Fatalf("disable while off: %d → %q, want back to the profile", r.StatusCode, r.Header.Get("Location"))
	}
	if got := olga.Get("/app/profile/").Doc(t).Find(".flash").Text(); !strings.Contains(got, "İki adımlı giriş kapatıldı") {
		t.Errorf("profile says %q, want that two-step sign-in is off", got)
	}
}

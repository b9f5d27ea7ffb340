package settings_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestUserActionsSayWhatHappened: adding a member, changing a role and disabling or enabling one
// each answered "Saved." (Kaydedildi.), which told the owner neither who nor what: whether the new
// person can sign in now and as what, what a disabled member can still do. The banner now names
// the person and the outcome.
func TestUserActionsSayWhatHappened(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	tr := i18n.For("tr")
	saha := "\u2068saha\u2069" // a name keeps its own direction in the sentence (first-strong isolate)
	banner := func(what string, r *apptest.Resp, want string) {
		t.Helper()
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d", what, r.StatusCode)
		}
		got := strings.Join(strings.Fields(owner.Get("/app/settings/").Doc(t).Find(".flash-ok").Text()), " ")
		if got != want {
			t.Errorf("%s: the banner reads %q, want %q", what, got, want)
		}
	}
	banner("new user", owner.Post("/app/settings/users", url.Values{"username": {"saha"}, "password": {"a long enough password"}, "role": {"operator"}}),
		tr.T("settings.user_created", saha, tr.T("role.operator")))
	var id int64
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT id FROM users WHERE username = 'saha'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	banner("role", owner.Post(fmt.Sprintf("/app/settings/users/%d/role", id), url.Values{"role": {"viewer"}}),
		tr.T("settings.role_changed", saha, tr.T("role.viewer")))
	banner("disable", owner.Post(fmt.Sprintf("/app/settings/users/%d/disable", id), url.Values{"disabled": {"true"}}),
		tr.T("settings.user_disabled", saha))
	banner("enable", owner.Post(fmt.Sprintf("/app/settings/users/%d/disable", id), url.Values{"disabled": {"false"}}),
		tr.T("settings.user_enabled", saha))
}

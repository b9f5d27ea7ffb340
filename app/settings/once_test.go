package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// TestSettingsFormsSendOnce: the new-user and API-key forms carry a one-time token, kept in the
// platform database with the row they make. The same form posted twice (a double tap, a resend
// after a slow network, a reload of the page that showed the key) makes one user and one key;
// the second answer is the first's, with a notice instead of a "name taken" refusal or a second
// key, and the key's secret is not shown again. A refused form keeps its token.
func TestSettingsFormsSendOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	tr := i18n.For("tr")
	count := func(q string) int {
		t.Helper()
		var n int
		if err := e.Server.Mgr.Platform.Read.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	page := owner.Get("/app/settings/").Doc(t)
	for _, action := range []string{"/app/settings/users", "/app/settings/apikeys"} {
		if page.Find(`form[action="`+action+`"] input[name="`+web.OnceField+`"]`).Length() != 1 {
			t.Fatalf("the form posted to %s carries no one-time token", action)
		}
	}

	t.Run("user", func(t *testing.T) {
		users := func() int { return count(`SELECT count(*) FROM users WHERE username = 'umut'`) }
		tok := web.NewOnceToken()
		r := owner.Post("/app/settings/users", url.Values{"username": {"umut"}, "password": {"short"}, "role": {"operator"}, web.OnceField: {tok}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("refused form: %d", r.StatusCode)
		}
		if v, _ := r.Doc(t).Find(`form[action="/app/settings/users"] input[name="` + web.OnceField + `"]`).Attr("value"); v != tok {
			t.Fatalf("the refused form came back with token %q, want the one sent", v)
		}
		if v, _ := r.Doc(t).Find(`form[action="/app/settings/apikeys"] input[name="` + web.OnceField + `"]`).Attr("value"); v == tok {
			t.Fatal("the key form was given the refused user form's token")
		}
		form := url.Values{"username": {"umut"}, "password": {"a long enough password"}, "role": {"operator"}, web.OnceField: {tok}}
		r1 := owner.Post("/app/settings/users", form)
		if r1.StatusCode != http.StatusSeeOther || r1.Header.Get("Location") != "/app/settings/#users" {
			t.Fatalf("first post: %d to %q", r1.StatusCode, r1.Header.Get("Location"))
		}
		owner.Get("/app/settings/") // the first answer's notice is read
		r2 := owner.Post("/app/settings/users", form)
		if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != r1.Header.Get("Location") {
			t.Fatalf("second post: %d to %q, want 303 to %q", r2.StatusCode, r2.Header.Get("Location"), r1.Header.Get("Location"))
		}
		p := owner.Get(r2.Header.Get("Location"))
		if !strings.Contains(p.Body, tr.T("form.already_sent")) {
			t.Errorf("the settings page after the resend does not say the form was already sent: %s", p.Doc(t).Find(".flash").Text())
		}
		if strings.Contains(p.Body, tr.T("settings.username_taken")) {
			t.Error("the resend was refused as a taken name")
		}
		if n := users(); n != 1 {
			t.Fatalf("%d users after one form sent twice, want 1", n)
		}
	})

	t.Run("key", func(t *testing.T) {
		keys := func() int { return count(`SELECT count(*) FROM api_keys WHERE name = 'Muhasebe'`) }
		tok := web.NewOnceToken()
		r := owner.Post("/app/settings/apikeys", url.Values{"name": {"Muhasebe"}, web.OnceField: {tok}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("refused form (no scope): %d", r.StatusCode)
		}
		if v, _ := r.Doc(t).Find(`form[action="/app/settings/apikeys"] input[name="` + web.OnceField + `"]`).Attr("value"); v != tok {
			t.Fatalf("the refused form came back with token %q, want the one sent", v)
		}
		form := url.Values{"name": {"Muhasebe"}, "scope": {"read"}, web.OnceField: {tok}}
		r1 := owner.Post("/app/settings/apikeys", form)
		secret := r1.Doc(t).Find("#new-key").Text()
		if r1.StatusCode != http.StatusOK || !strings.HasPrefix(secret, "hv_") {
			t.Fatalf("first post: %d, key %q", r1.StatusCode, secret)
		}
		// Answered as the first post was, the settings page, saying where the secret was shown
		// that the key was already made.
		p := owner.Post("/app/settings/apikeys", form)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("second post: %d, want the page as the first answer", p.StatusCode)
		}
		if got := p.Doc(t).Find("#keys #key-again").Text(); got != tr.T("settings.key_already_made") {
			t.Errorf("the keys after the resend say %q, want that the key was already made", got)
		}
		if strings.Contains(p.Body, secret) || p.Doc(t).Find("#new-key").Length() != 0 {
			t.Error("the resend showed the key's secret again")
		}
		if n := keys(); n != 1 {
			t.Fatalf("%d keys after one form sent twice, want 1", n)
		}
	})
}

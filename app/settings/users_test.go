package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestCreateUserFieldErrors: a taken username (refused by the platform's UNIQUE index, recognised
// by its result code) and an invalid one come back on the form as field errors in the owner's
// language with 422, and no user is added.
func TestCreateUserFieldErrors(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	users := func() int {
		var n int
		_ = e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*) FROM users`).Scan(&n)
		return n
	}
	before := users()
	tr := i18n.For("tr")
	for _, s := range []struct{ username, key string }{
		{"olga", "settings.username_taken"},
		{"no spaces allowed", "settings.username_invalid"},
	} {
		r := owner.Post("/app/settings/users", url.Values{"username": {s.username}, "password": {"a long enough password"}, "role": {"operator"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: status %d, want 422", s.username, r.StatusCode)
		}
		if want := tr.T(s.key); !strings.Contains(r.Body, want) {
			t.Fatalf("%q: form lacks %q", s.username, want)
		}
		if n := users(); n != before {
			t.Fatalf("%q: users %d → %d", s.username, before, n)
		}
	}
}

// TestSpanishUsernameRuleSaysEntre: a refused username in Spanish read "Use de 2 a 64
// caracteres", a word-for-word range; the form now says it as Spanish does.
func TestSpanishUsernameRuleSaysEntre(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	r := owner.Post("/app/settings/users?lang=es", url.Values{"username": {"con espacios"}, "password": {"a long enough password"}, "role": {"operator"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.StatusCode)
	}
	if !strings.Contains(r.Body, "Use entre 2 y 64 caracteres") {
		t.Errorf("the Spanish form does not say the range as Spanish does:\n%s", r.Doc(t).Find(".field-error, .error").Text())
	}
}

package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestCommonPasswordsRefused: 12345678, "password" and qwerty12 were taken as a business's first
// owner's password, a new user's and a changed one, being eight characters long. A password anyone
// guessing tries first (a small list of the most common, one character repeated, digits counting
// up or down) is refused beside the field in the reader's language, nothing stored, and each form
// says the rule beside its password field before anyone types.
func TestCommonPasswordsRefused(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	stan := e.User("", "stan", "staff")
	users := func() int {
		var n int
		if err := e.Server.Platform.DB.Read.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	errorAt := func(r *apptest.Resp, id string) string {
		return strings.TrimSpace(r.Doc(t).Find("#" + id + " ~ .field-error").Text())
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		want := p.T("validation.password_common")
		// The rule is said beside each field.
		for page, id := range map[string]string{"/app/settings/?lang=" + lang: "new-password-rule", "/app/profile/?lang=" + lang: "new-password-rule"} {
			if got := strings.TrimSpace(owner.Get(page).Doc(t).Find("#" + id).Text()); got != p.T("validation.password_rule", 8) {
				t.Errorf("%s: the rule beside the password reads %q", page, got)
			}
		}
		if got := strings.TrimSpace(stan.Get("/staff/tenants/acme/?lang=" + lang).Doc(t).Find("#member-password-rule").Text()); got != p.T("validation.password_rule", 8) {
			t.Errorf("%s: the staff console's rule reads %q", lang, got)
		}
		for _, pw := range []string{"12345678", "password", "Password", "qwerty12", "11111111", "98765432", "galatasaray", "abcabcabc"} {
			before := users()
			// A user invited by the owner.
			r := owner.Post("/app/settings/users?lang="+lang, url.Values{"username": {"yeni"}, "password": {pw}, "role": {"operator"}})
			if r.StatusCode != http.StatusUnprocessableEntity || errorAt(r, "new-password") != want {
				t.Errorf("%s: a new user with %q: %d %q", lang, pw, r.StatusCode, errorAt(r, "new-password"))
			}
			// A business's first owner, made in the staff console.
			r = stan.Post("/staff/tenants/acme/members?lang="+lang, url.Values{"username": {"ayse"}, "role": {"owner"}, "password": {pw}})
			if r.StatusCode != http.StatusUnprocessableEntity || errorAt(r, "member-password") != want {
				t.Errorf("%s: a first owner with %q: %d %q", lang, pw, r.StatusCode, errorAt(r, "member-password"))
			}
			if n := users(); n != before {
				t.Fatalf("%s: %q made a user", lang, pw)
			}
			// A changed password.
			r = owner.Post("/app/profile/password?lang="+lang, url.Values{"current_password": {apptest.Password}, "new_password": {pw}, "new_password_again": {pw}})
			if r.StatusCode != http.StatusUnprocessableEntity || errorAt(r, "new-password") != want {
				t.Errorf("%s: a changed password %q: %d %q", lang, pw, r.StatusCode, errorAt(r, "new-password"))
			}
		}
	}
	// The old password still signs in; a password that is no common one is taken.
	fresh := e.Client()
	fresh.Login("olga", apptest.Password)
	if r := owner.Post("/app/settings/users", url.Values{"username": {"yeni"}, "password": {"kiremit-avlu-1987"}, "role": {"operator"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a good password was refused: %d", r.StatusCode)
	}
}

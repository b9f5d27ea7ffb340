package app_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestLanguageChoiceSetsOneCookie: choosing a language with ?lang= on a tenant's page answers with
// one Set-Cookie for it (the language is chosen again once the tenant is known, which set the
// same cookie a second time), on public and signed-in pages alike, and none once it is remembered.
func TestLanguageChoiceSetsOneCookie(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	count := func(r *apptest.Resp) int {
		n := 0
		for _, v := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(v, "hv_lang=") {
				n++
			}
		}
		return n
	}
	for _, p := range []string{"/app/?lang=ar", "/customers/?lang=en", "/app/settings/?lang=de"} {
		r := owner.Get(p)
		if r.StatusCode != http.StatusOK || count(r) != 1 {
			t.Errorf("%s: %d, %d language cookies: %q", p, r.StatusCode, count(r), r.Header.Values("Set-Cookie"))
		}
		if again := owner.Get(p); count(again) != 0 {
			t.Errorf("%s again: %d language cookies, want none (it is remembered)", p, count(again))
		}
	}
	if r := e.Client().Get("/guide?lang=tr"); count(r) != 1 {
		t.Errorf("the guide: %d language cookies", count(r))
	}
}

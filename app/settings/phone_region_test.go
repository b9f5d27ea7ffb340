package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestProfilePhoneRegion: the settings page offers the country numbers written without a country
// code are read in, named in the reader's language with its calling code, Turkey until the owner
// picks another; a country the panel does not offer is refused by name in the owner's language
// and nothing of the form is stored.
func TestProfilePhoneRegion(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	stored := func() (name, region string) {
		_ = e.Server.Mgr.Platform.Read.QueryRow(`SELECT name FROM tenants WHERE slug = 'acme'`).Scan(&name)
		_ = e.Server.Mgr.Platform.Read.QueryRow(`SELECT s.value FROM tenant_settings s JOIN tenants t ON t.id = s.tenant_id
			WHERE t.slug = 'acme' AND s.key = 'phone_region'`).Scan(&region)
		return
	}
	doc := owner.Get("/app/settings/?lang=tr").Doc(t)
	if v := strings.TrimSpace(doc.Find(`#phone_region option[selected]`).Text()); v != "Türkiye (\u2066+90\u2069)" {
		t.Errorf("selected country %q, want Türkiye", v)
	}
	if doc.Find(`#phone_region option[value=DE]`).Text() != "Almanya (\u2066+49\u2069)" {
		t.Errorf("Germany offered as %q", doc.Find(`#phone_region option[value=DE]`).Text())
	}
	if h := doc.Find(`#phone_region-hint`).Text(); !strings.Contains(h, "Ülke kodu olmadan yazılan") {
		t.Errorf("hint %q", h)
	}
	for _, c := range []struct{ typed, lang, want string }{
		{"XX", "tr", "“XX” sunulan ülkelerden biri değil"},
		{"Germany", "en", "“Germany” is not one of the countries offered"},
		{"zz", "ar", "«\u2066zz\u2069» ليس من البلدان المعروضة"},
	} {
		r := owner.Post("/app/settings/profile?lang="+c.lang, url.Values{"name": {"Yeni Ad"}, "phone_region": {c.typed}, "currency": {"TRY"},
			"primary_locale": {"tr"}, "niche": {"parke_tas"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d, want 422", c.typed, r.StatusCode)
		}
		doc := r.Doc(t)
		if msg := doc.Find(`#phone_region ~ .field-error`).Text(); !strings.Contains(msg, c.want) || doc.Find(`#phone_region[aria-invalid]`).Length() != 1 {
			t.Errorf("%s: the form says %q, want %q", c.typed, msg, c.want)
		}
		if name, region := stored(); name != "Acme Ltd" || region != "" {
			t.Fatalf("%s: stored %q %q", c.typed, name, region)
		}
	}
	if r := owner.Post("/app/settings/profile", url.Values{"phone_region": {"de"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("de: %d", r.StatusCode)
	}
	if _, region := stored(); region != "DE" {
		t.Fatalf("stored %q, want DE", region)
	}
	if v, _ := owner.Get("/app/settings/").Doc(t).Find(`#phone_region option[selected]`).Attr("value"); v != "DE" {
		t.Errorf("the page shows %q after the save", v)
	}
}

package crm_test

import (
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestCustomerNumberShownInTheBusinessCountry: a German business's customer typed as
// 0212 3456789 (Solingen) was shown and dialled as the Istanbul number +90 212 345 67 89, read by
// the Turkish rule; the list and the customer's page now show it as Germans write it
// (+49 212 3456789) and dial +492123456789. A Turkish business's same digits read as before,
// byte for byte.
func TestCustomerNumberShownInTheBusinessCountry(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for _, c := range []struct{ slug, region, shown, dial string }{
		{"berlin", "DE", "+49 212 3456789", "tel:+492123456789"},
		{"izmir", "TR", "+90 212 345 67 89", "tel:+902123456789"},
	} {
		e.Tenant(c.slug)
		e.Set(c.slug, map[string]string{"phone_region": c.region, "modules": "default"})
		owner := e.User(c.slug, "o-"+c.slug, "owner")
		if r := owner.Post("/customers/new", url.Values{"name": {"Kunde"}, "phone": {"0212 345 67 89"}}); r.StatusCode != 303 {
			t.Fatalf("%s: create customer: %d %.300s", c.slug, r.StatusCode, r.Body)
		}
		for _, page := range []string{"/customers/?lang=de", "/customers/?lang=tr", "/customers/?lang=ar"} {
			link := owner.Get(page).Doc(t).Find(`#records a[href^="tel:"]`)
			if got, href := strings.TrimSpace(link.Text()), link.AttrOr("href", ""); got != c.shown || href != c.dial {
				t.Errorf("%s %s: the number reads %q and dials %q, want %q and %q", c.slug, page, got, href, c.shown, c.dial)
			}
		}
	}
}

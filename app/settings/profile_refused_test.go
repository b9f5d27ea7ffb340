package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A refused profile save comes back with its boxes as the owner left them: an unticked box (chat
// widget off, say) used to come back ticked from the stored setting, so correcting the field that
// was refused and saving again turned the widget back on. Nothing of the refused save is stored.
func TestProfileRefusedKeepsBoxesAsSent(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	r := owner.Post("/app/settings/profile", url.Values{"name": {""}, "greeting": {"Merhaba"}, "currency": {"TRY"}, "primary_locale": {"tr"},
		"niche": {"parke_tas"}, "landing_enabled": {"true"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused save: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if doc.Find("#profile .flash-error").Length() != 1 {
		t.Error("the refused profile does not say its fields need correcting")
	}
	for box, want := range map[string]bool{"chat_widget_enabled": false, "consent_required": false, "landing_enabled": true} {
		in := doc.Find(`input[type=checkbox][name=` + box + `]`)
		if in.Length() != 1 {
			t.Fatalf("%s not on the form", box)
		}
		if _, ticked := in.Attr("checked"); ticked != want {
			t.Errorf("%s ticked %v, want %v as sent", box, ticked, want)
		}
	}
	var n int
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*) FROM tenants WHERE slug = 'acme' AND name = ''`).Scan(&n); err != nil || n != 0 {
		t.Errorf("refused name stored (%d, %v)", n, err)
	}
}

// The business's currency is a real ISO 4217 code in use: "ABC", "XYZ", the "no currency" code
// and the old Turkish lira are refused by name in the owner's language, with the typed fields
// kept and nothing of the form stored; "eur" is EUR.
func TestProfileCurrencyIsARealOne(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	stored := func() (name, cur string) {
		if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT name, currency FROM tenants WHERE slug = 'acme'`).Scan(&name, &cur); err != nil {
			t.Fatal(err)
		}
		return
	}
	name0, _ := stored()
	for _, c := range []struct{ typed, lang, want string }{
		{"ABC", "tr", "“ABC” kullanımda olan bir para birimi kodu değil"},
		{"XYZ", "en", "“XYZ” is not a currency code in use"},
		{"XXX", "en", "“XXX” is not a currency code in use"},
		{"TRL", "tr", "“TRL” kullanımda olan bir para birimi kodu değil"},
		{"abc", "ar", "«\u2066abc\u2069» ليس رمز عملة متداولة"},
	} {
		r := owner.Post("/app/settings/profile?lang="+c.lang, url.Values{"name": {"Yeni Ad"}, "greeting": {"Merhaba"}, "currency": {c.typed},
			"primary_locale": {"tr"}, "niche": {"parke_tas"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d, want 422", c.typed, r.StatusCode)
		}
		doc := r.Doc(t)
		if msg := doc.Find(`#currency ~ .field-error, #currency-error`).Text(); !strings.Contains(msg, c.want) || doc.Find(`#currency[aria-invalid]`).Length() != 1 {
			t.Errorf("%s: the form says %q, want %q", c.typed, msg, c.want)
		}
		if v, _ := doc.Find(`#name`).Attr("value"); v != "Yeni Ad" {
			t.Errorf("%s: the typed name not kept: %q", c.typed, v)
		}
		if v, _ := doc.Find(`#currency`).Attr("value"); v != c.typed {
			t.Errorf("the typed currency not kept: %q, want %q", v, c.typed)
		}
		if name, cur := stored(); name != name0 || cur != "TRY" {
			t.Fatalf("%s: stored %q %q", c.typed, name, cur)
		}
	}
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Yeni Ad"}, "greeting": {"Merhaba"}, "currency": {"eur"},
		"primary_locale": {"tr"}, "niche": {"parke_tas"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("eur: %d %s", r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
	if name, cur := stored(); name != "Yeni Ad" || cur != "EUR" {
		t.Fatalf("stored %q %q, want EUR", name, cur)
	}
}

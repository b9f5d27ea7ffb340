package settings_test

import (
	"net/http"
	"net/url"
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

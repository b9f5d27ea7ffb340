package notify_test

import (
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/notify"
)

// The SLA kinds (MSP tickets) are on the preferences only in a business with the msp module on;
// saving the form in a business without it keeps what the person chose for them elsewhere.
func TestSLAKindsOnlyWithMSP(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	msp := e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	c := e.User("acme", "oscar", "owner")
	if err := e.Server.Platform.SetMembership(t.Context(), c.UserID, msp.ID, "operator"); err != nil {
		t.Fatal(err)
	}
	sla := func(slug string) int {
		t.Helper()
		if slug != "" {
			if r := c.Post("/app/switch/", url.Values{"tenant": {slug}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("switch to %s: %d", slug, r.StatusCode)
			}
		}
		r := c.Get("/app/notifications/settings")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("prefs: %d", r.StatusCode)
		}
		d := r.Doc(t)
		if d.Find(`input[name="push_`+notify.KindNewConversation+`"]`).Length() != 1 {
			t.Fatal("the page lacks the core kinds")
		}
		return d.Find(`input[name="push_` + notify.KindSLASoon + `"], input[name="push_` + notify.KindSLABreach + `"]`).Length()
	}
	if n := sla("acme"); n != 0 {
		t.Fatalf("a business without msp shows %d SLA kinds", n)
	}
	if n := sla("bilisim"); n != 2 {
		t.Fatalf("a business with msp shows %d SLA kinds, want 2", n)
	}
	// In the MSP business: SLA breaches to the phone, SLA warnings not.
	form := url.Values{"push_" + notify.KindNewConversation: {"1"}, "push_" + notify.KindSLABreach: {"1"}}
	if r := c.Post("/app/notifications/settings", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", r.StatusCode, r.Body)
	}
	// In the other business the form has no SLA kinds: saving it keeps them as they were.
	sla("acme")
	if r := c.Post("/app/notifications/settings", url.Values{"push_" + notify.KindMention: {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	p, err := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, c.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Push[notify.KindSLABreach] || p.Push[notify.KindSLASoon] || !p.Push[notify.KindMention] || p.Push[notify.KindNewConversation] {
		t.Fatalf("prefs after saving without the SLA kinds: %+v", p.Push)
	}
}

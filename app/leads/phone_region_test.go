package leads_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
	"highvibe/app/phone"
)

// TestPhoneRegionReadsLocalNumbers: every number written without a country code was read as
// Turkish, so a German business's customer typed on the lead page as 0170 1234567 became
// +901701234567, a number no one has, and the inbox search by 01701234567 found nothing it should.
// A business set to Germany on the settings page now stores +491701234567 and finds the lead by
// 01701234567 in the inbox and the leads list; a Turkish business reads numbers as it always did.
func TestPhoneRegionReadsLocalNumbers(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	ctx := context.Background()
	svc := &inbox.Service{Channels: channels.Registry()}
	for _, c := range []struct{ slug, region, typed, want string }{
		{"berlin", "de", "0170 1234567", "+491701234567"},
		{"acme", "", "0170 1234567", "+901701234567"}, // Turkey: 11 digits with a 0, as always
		{"izmir", "", "0532 123 45 67", "+905321234567"},
	} {
		e.Tenant(c.slug, "parke_tas", "tr")
		e.Set(c.slug, map[string]string{"modules": "sales"})
		owner := e.User(c.slug, "owner-"+c.slug, "owner")
		if c.region != "" { // the owner picks the country on the settings page ("de" is DE)
			if r := owner.Post("/app/settings/profile", url.Values{"phone_region": {c.region}}); r.StatusCode != 303 {
				t.Fatalf("%s: settings %d %.300s", c.slug, r.StatusCode, r.Body)
			}
		}
		db := e.DB(c.slug)
		res, err := svc.Ingest(ctx, c.slug, db, inbox.Inbound{Channel: "webchat", ExternalID: "w1", Name: "Jonas Weber", Body: "Hallo"})
		if err != nil {
			t.Fatal(err)
		}
		if r := owner.Post(fmt.Sprintf("/app/leads/%d/phone", res.LeadID), url.Values{"lead_phone": {c.typed}}); r.StatusCode != 303 {
			t.Fatalf("%s: save %q: %d %.300s", c.slug, c.typed, r.StatusCode, r.Body)
		}
		var e164 string
		if err := db.Read.QueryRow(`SELECT phone_e164 FROM leads WHERE id = ?`, res.LeadID).Scan(&e164); err != nil || e164 != c.want {
			t.Errorf("%s: %q stored as %q (%v), want %q", c.slug, c.typed, e164, err, c.want)
		}
		inInbox := func(q string) bool {
			return owner.Get("/app/inbox/?q="+url.QueryEscape(q)).Doc(t).Find(fmt.Sprintf(`.inbox-row[data-conversation-id="%d"]`, res.ConversationID)).Length() == 1
		}
		inLeads := func(q string) bool {
			return owner.Get("/app/leads/?q="+url.QueryEscape(q)).Doc(t).Find(fmt.Sprintf(`a[href="/app/leads/%d/"]`, res.LeadID)).Length() > 0
		}
		q := phone.Digits(c.typed)
		if !inInbox(q) {
			t.Errorf("%s: the inbox search by %s does not find the conversation", c.slug, q)
		}
		if !inLeads(q) {
			t.Errorf("%s: the leads search by %s does not find the lead", c.slug, q)
		}
		if inInbox("0999 8887766") || inLeads("0999 8887766") {
			t.Errorf("%s: a search by another number finds the lead", c.slug)
		}
	}
}

package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// TestKVKKEraseTakesFormerPhoneAndEmail: a number or address corrected on the lead page stays in
// the action log's row of the change (before and after). Erasing the person masked only the
// lead's present number and address, so the one it had before stayed in the log. The erasure now
// takes the lead's former numbers and addresses from those rows as the person's too.
func TestKVKKEraseTakesFormerPhoneAndEmail(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "k1", Name: "Nevzat Tarhan",
		Phone: "0544 777 88 99", Email: "nevzat.eski@example.com", Body: "Salon parkesi için fiyat rica ediyorum."})
	if err != nil {
		t.Fatal(err)
	}
	owner := e.User("acme", "olga", "owner")
	lead := fmt.Sprintf("/app/leads/%d/", res.LeadID)
	if r := owner.Post(lead+"phone", url.Values{"lead_phone": {"0544 111 22 33"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("phone: %d", r.StatusCode)
	}
	if r := owner.Post(lead+"email", url.Values{"lead_email": {"nevzat@example.com"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("e-mail: %d", r.StatusCode)
	}
	settle(t, db)
	if hits := findEverywhere(t, db.Read, []string{"5447778899", "nevzat.eski@example.com"}); len(hits) == 0 {
		t.Fatal("the former number and address are not in the log: nothing to test")
	}
	if r := owner.Post(fmt.Sprintf("/app/kvkk/leads/%d/erase", res.LeadID), url.Values{"reason": {"istedi"}, "confirm": {"ERASE"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d %s", r.StatusCode, r.Body)
	}
	if hits := findEverywhere(t, db.Read, []string{"5447778899", "0544 777 88 99", "nevzat.eski@example.com", "5441112233", "nevzat@example.com"}); len(hits) > 0 {
		t.Errorf("still there after the erasure:\n%s", strings.Join(hits, "\n"))
	}
}

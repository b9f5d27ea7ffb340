package approvals_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSendAfterAColleagueCorrectedTheDraft: two operators on one draft. Ayla corrects the price
// in the queue and approves it; Berk, whose conversation tab still shows the assistant's words,
// presses "Approve and send" there. The customer gets the corrected price or nothing from
// Berk's press: his stale text is not sent over the approved one, and the page he gets says a
// colleague decided it, showing the approved words.
func TestSendAfterAColleagueCorrectedTheDraft(t *testing.T) {
	f := setup(t)
	ayla := f.e.User("acme", "ayla", "operator")
	berk := f.e.User("acme", "berk", "operator")
	original := "Metrekaresi 1.450 TRY, yarın teslim."
	corrected := "Metrekaresi 1.350 TRY, yarın teslim."
	id := f.rec(t, "pricing", original)
	conv := fmt.Sprintf("/app/inbox/%d/", f.conv)
	if r := ayla.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"draft": {corrected}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve with the corrected price: %d", r.StatusCode)
	}
	r := berk.Post(fmt.Sprintf("/app/approvals/%d/send", id), url.Values{"body": {original}, "next": {conv}})
	var stale, right int
	db := f.e.DB("acme").Read
	_ = db.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound' AND body = ?`, original).Scan(&stale)
	_ = db.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound' AND body = ?`, corrected).Scan(&right)
	if stale != 0 {
		t.Fatalf("the price Ayla corrected went to the customer from Berk's stale tab (%d message, status %d)", stale, r.StatusCode)
	}
	if right != 0 {
		t.Fatalf("Berk's press sent Ayla's words he never saw")
	}
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("Berk's stale send: %d, want 409", r.StatusCode)
	}
	if !strings.Contains(r.Body, "1.350 TRY") || !strings.Contains(r.Body, "ayla") {
		t.Errorf("the conflict page does not show who approved what: %s", r.Doc(t).Find("main").Text())
	}
	// The approved words can still be sent from there, once.
	if r := berk.Post(fmt.Sprintf("/app/approvals/%d/send", id), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sending the approved draft: %d", r.StatusCode)
	}
	_ = db.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound' AND body = ?`, corrected).Scan(&right)
	if right != 1 {
		t.Fatalf("the approved draft was sent %d times, want 1", right)
	}
}

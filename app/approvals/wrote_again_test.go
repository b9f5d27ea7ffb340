package approvals_test

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

// TestApprovingADraftTheCustomerOvertook: the customer asked a price, the assistant drafted it,
// and while the draft waited the customer wrote again ("forget it, 80 m² after all"). The queue
// card shows that newer message, and an approval pressed on a page that had not shown it is
// refused in the card (htmx) or on the queue (plain form), the newer message beside the draft,
// nothing approved; pressed again from the card that showed it, it is approved.
func TestApprovingADraftTheCustomerOvertook(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	db := f.e.DB("acme")
	id := f.rec(t, "pricing", "50 m² için metrekaresi 1.450 TRY.")
	plain := f.rec(t, "delivery_date", "Yarın teslim edebiliriz.")
	// The customer's first message came two minutes ago, the drafts a minute later, before the
	// customer's next one.
	if _, err := db.Write.Exec(`UPDATE messages SET created_at = created_at - 120000 WHERE conversation_id = ?`, f.conv); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE decision_recommendations SET created_at = created_at - 60000 WHERE id IN (?, ?)`, id, plain); err != nil {
		t.Fatal(err)
	}
	seen := func(doc string) string {
		t.Helper()
		p := op.Get("/app/approvals/")
		v, ok := p.Doc(t).Find(fmt.Sprintf("#rec-%s input[name=seen]", doc)).Attr("value")
		if !ok {
			t.Fatalf("the card of recommendation %s carries no seen message", doc)
		}
		return v
	}
	before := seen(fmt.Sprint(id))
	if p := op.Get("/app/approvals/"); strings.Contains(p.Body, "data-wrote-again") {
		t.Fatal("the queue says the customer wrote again before they did")
	}

	svc := &inbox.Service{Channels: channels.Registry()}
	later := "Vazgeçtim, 80 m² olacak aslında."
	if _, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Deniz", Body: later}); err != nil {
		t.Fatal(err)
	}
	p := op.Get("/app/approvals/")
	if n := p.Doc(t).Find(fmt.Sprintf(`[data-group="%d"] [data-wrote-again]`, f.conv)).Length(); n != 1 || !strings.Contains(p.Body, later) {
		t.Errorf("the queue does not show that the customer wrote again after the draft (%d notices)", n)
	}

	htmx := func(path string, form url.Values) *apptest.Resp {
		req, _ := http.NewRequest("POST", f.e.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		return op.Do(req)
	}
	approve := fmt.Sprintf("/app/approvals/%d/approve", id)
	r := htmx(approve, url.Values{"draft": {"50 m² için metrekaresi 1.450 TRY."}, "seen": {before}})
	if st, _, _ := f.status(t, id); st != "pending" {
		t.Fatalf("a draft the customer overtook was %s from a page that had not shown their message (%d)", st, r.StatusCode)
	}
	card := r.Doc(t).Find(fmt.Sprintf("#rec-%d", id))
	if card.Length() != 1 || card.Find("[data-wrote-again]").Length() != 1 || !strings.Contains(card.Text(), later) || card.Find(".field-error").Length() != 1 {
		t.Fatalf("the refused card does not show the customer's newer message and why: %d %q", r.StatusCode, card.Text())
	}
	now, _ := card.Find("input[name=seen]").Attr("value")
	if now == before || now == "" {
		t.Fatalf("the refused card still carries the message seen before (%q)", now)
	}
	if r := htmx(approve, url.Values{"draft": {"80 m² için metrekaresi 1.450 TRY."}, "seen": {now}}); r.StatusCode != http.StatusOK {
		t.Fatalf("approving from the card that showed the message: %d", r.StatusCode)
	}
	if st, _, _ := f.status(t, id); st != "approved" {
		t.Fatalf("approving from the card that showed the message: %s", st)
	}

	// A plain form (no scripts) comes back to the queue with the same words, nothing approved.
	r = op.Post(fmt.Sprintf("/app/approvals/%d/approve", plain), url.Values{"draft": {"Yarın teslim edebiliriz."}, "seen": {before}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/app/approvals/" {
		t.Fatalf("plain approval of an overtaken draft: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if st, _, _ := f.status(t, plain); st != "pending" {
		t.Fatalf("plain approval of an overtaken draft: %s", st)
	}
	if p := op.Get("/app/approvals/"); !strings.Contains(p.Doc(t).Find(".flash").Text(), "Nothing was approved") && !strings.Contains(p.Doc(t).Find(".flash").Text(), "onaylanmadı") {
		t.Errorf("the queue does not say why nothing was approved: %q", p.Doc(t).Find(".flash").Text())
	}
}

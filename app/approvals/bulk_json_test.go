package approvals_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/channels"
	"highvibe/app/channels/email"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestBulkDecisionOverJSONNamesEachItem: a program deciding a selection through the panel's bulk
// address with Accept: application/json learned nothing of the items that did not go (it got the
// queue's redirect, the banner meant for a person). It now gets, when some were refused, a 409
// problem in its language whose items say, per recommendation, which was approved and which was
// refused, with a code and the reason (already decided, the customer cannot be reached, the
// customer wrote again); the ones approved stay approved, the refused ones as they were. When all
// went, 200 with the same items. A reason too long refuses the whole selection before any decision.
func TestBulkDecisionOverJSONNamesEachItem(t *testing.T) {
	f := setup(t)
	f.e.Set("acme", map[string]string{email.SetSMTPHost: "127.0.0.1", email.SetFrom: "Acme Parke <info@acme.test>"})
	db := f.e.DB("acme")
	ctx := context.Background()
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "email", ExternalID: "<root-bulk@customer.test>", Name: "Deniz Mail", Body: "Fiyat?"})
	if err != nil {
		t.Fatal(err)
	}
	var mail int64
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		mail, _, err = approvals.Create(ctx, tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat", Priority: "high",
			ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: "t:bulk-mail"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fine := f.rec(t, "stock", "")
	decided := f.rec(t, "lead_generation", "")
	if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: decided, Verb: "reject"}); err != nil {
		t.Fatal(err)
	}
	op := f.e.User("acme", "ayla", "operator")
	op.Header = http.Header{"Accept": {"application/json"}}
	type item struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Items  []item `json:"items"`
	}
	r := op.Post("/app/approvals/bulk?lang=tr", url.Values{"verb": {"approve"}, "id": {fmt.Sprint(fine), fmt.Sprint(decided), fmt.Sprint(mail)}})
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || r.StatusCode != http.StatusConflict {
		t.Fatalf("bulk over JSON with refusals: %d %.300s, want 409 problem details", r.StatusCode, r.Body)
	}
	tr := i18n.For("tr")
	if p.Code != "bulk_refused" || p.Title != tr.T("approvals.bulk_title_some") || !strings.Contains(r.Header.Get("Content-Type"), "application/problem+json") ||
		!strings.Contains(p.Detail, tr.Plural("approvals.bulk_done.approved", 1)) {
		t.Errorf("problem %+v, want code bulk_refused titled %q saying one approved", p, tr.T("approvals.bulk_title_some"))
	}
	got := map[int64]item{}
	for _, it := range p.Items {
		got[it.ID] = it
	}
	if it := got[fine]; it.Status != "approved" || it.Code != "" {
		t.Errorf("the one that could go: %+v, want approved", it)
	}
	if it := got[decided]; it.Status != "refused" || it.Code != "already_decided" || it.Detail != tr.T("approvals.conflict_body") {
		t.Errorf("the one decided before: %+v, want refused, already_decided, in Turkish", it)
	}
	if it := got[mail]; it.Status != "refused" || it.Code != "cannot_reach_no_address" || !strings.Contains(it.Detail, tr.T("approvals.reach.no_address")) {
		t.Errorf("the e-mail draft without an address: %+v, want refused, cannot_reach_no_address, saying why in Turkish", it)
	}
	for id, want := range map[int64]string{fine: "approved", decided: "rejected", mail: "pending"} {
		if st, _, _ := f.status(t, id); st != want {
			t.Errorf("recommendation %d is %s after the call, want %s", id, st, want)
		}
	}

	// All of it goes: 200 with each item.
	other := f.rec(t, "pricing", "")
	r = op.Post("/app/approvals/bulk?lang=en", url.Values{"verb": {"reject"}, "id": {fmt.Sprint(other), fmt.Sprint(mail)}})
	var ok struct {
		Decided int    `json:"decided"`
		Items   []item `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.Body), &ok); err != nil || r.StatusCode != http.StatusOK || ok.Decided != 2 || len(ok.Items) != 2 ||
		ok.Items[0].Status != "rejected" || ok.Items[1].Status != "rejected" {
		t.Errorf("bulk rejection of two: %d %.300s, want 200 with both rejected", r.StatusCode, r.Body)
	}

	// A reason too long: nothing decided, the field named.
	last := f.rec(t, "delivery_date", "")
	r = op.Post("/app/approvals/bulk?lang=en", url.Values{"verb": {"reject"}, "id": {fmt.Sprint(last)}, "reason": {strings.Repeat("a", 1001)}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"reason"`) {
		t.Errorf("bulk with a reason too long: %d %.300s, want 422 naming the reason", r.StatusCode, r.Body)
	}
	if st, _, _ := f.status(t, last); st != "pending" {
		t.Errorf("after a refused bulk call the recommendation is %s, want pending", st)
	}
}

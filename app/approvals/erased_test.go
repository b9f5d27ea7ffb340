package approvals_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"context"
	"highvibe/app/approvals"
)

// TestErasedPersonLeavesNothingToDecide: the owner erases a customer (KVKK) whose price draft
// still waits. The draft lost its words and the customer asked to be forgotten, so nothing of
// theirs waits for a decision any more: the recommendation is withdrawn (rejected, by the
// system, with no note in the conversation), it leaves the queue and the menu count, and a
// stale Approve press meets the decision instead of approving an empty card.
func TestErasedPersonLeavesNothingToDecide(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	id := f.rec(t, "pricing", "Deniz Hanım, metrekaresi 1.450 TRY.")
	var lead int64
	if err := f.e.DB("acme").Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, f.conv).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	if n, _ := approvals.PendingCount(context.Background(), f.e.DB("acme")); n != 1 {
		t.Fatalf("pending before the erasure: %d", n)
	}
	if r := owner.Post(fmt.Sprintf("/app/kvkk/leads/%d/erase", lead), url.Values{"reason": {"istedi"}, "confirm": {"ERASE"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d", r.StatusCode)
	}
	if st, by, _ := f.status(t, id); st != "rejected" || by != "system" {
		t.Fatalf("the erased person's draft is %s (by %q), want rejected by the system", st, by)
	}
	if n, _ := approvals.PendingCount(context.Background(), f.e.DB("acme")); n != 0 {
		t.Errorf("the menu still counts %d waiting after the erasure", n)
	}
	if p := owner.Get("/app/approvals/"); p.Doc(t).Find(fmt.Sprintf("#rec-%d", id)).Length() != 0 {
		t.Error("the erased person's recommendation is still in the queue")
	}
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"draft": {"Metrekaresi 1.450 TRY."}}); r.StatusCode != http.StatusConflict {
		t.Errorf("approving it from a stale page: %d, want 409", r.StatusCode)
	}
	var notes, out int
	db := f.e.DB("acme").Read
	_ = db.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'system'`, f.conv).Scan(&notes)
	_ = db.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, f.conv).Scan(&out)
	if notes != 0 || out != 0 {
		t.Errorf("the erased conversation got %d notes and %d replies", notes, out)
	}
}

package approvals_test

import (
	"context"
	"errors"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/fault"
)

// TestDecidedTriggerIsAConflict: on a real tenant file, the trigger that keeps a decided
// recommendation immutable is recognised by its extended result code and becomes a conflict
// with the "changed in the meantime" message — whatever the trigger's text says; any other
// failed write stays an internal error.
func TestDecidedTriggerIsAConflict(t *testing.T) {
	f := setup(t)
	id := f.rec(t, "stock", "")
	if _, _, err := approvals.Decide(context.Background(), f.e.DB("acme"), approvals.Decision{ID: id, Verb: "reject"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.e.DB("acme").Write.Exec(`UPDATE decision_recommendations SET title = 'changed' WHERE id = ?`, id)
	if err == nil {
		t.Fatal("the trigger let a decided recommendation change")
	}
	got := approvals.WriteErr("decide", err)
	if fault.KindOf(got) != fault.KindConflict {
		t.Fatalf("trigger error %v became kind %v, want conflict", err, fault.KindOf(got))
	}
	if key, _ := fault.KeyOf(got); key != "approvals.conflict_body" {
		t.Fatalf("key %q", key)
	}
	if !errors.Is(got, err) {
		t.Fatal("the cause must stay in the chain for the log")
	}
	other := approvals.WriteErr("decide", errors.New("disk I/O error"))
	if fault.KindOf(other) != fault.KindInternal {
		t.Fatalf("a non-constraint error became %v", fault.KindOf(other))
	}
	if st, _, _ := f.status(t, id); st != "rejected" {
		t.Fatalf("status %q after the refused update", st)
	}
}

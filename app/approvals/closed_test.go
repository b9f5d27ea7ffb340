package approvals_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/i18n"
)

// TestDraftOnAClosedSale: a price draft waiting on a conversation already marked lost (or won) was
// marked only by a small state badge in the group's heading, easy to miss when approving a card
// further down. The draft's own card now says the sale is closed and to approve only if the reply
// should still go out, in the reader's language; approving stays possible (a lost customer may
// come back, a won one ask the price of an extra).
func TestDraftOnAClosedSale(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	draft := "50 m² için metrekaresi 1.450 TRY."
	id := f.rec(t, "pricing", draft)
	note := fmt.Sprintf("#rec-%d [data-closed-note]", id)
	if n := op.Get("/app/approvals/").Doc(t).Find(note).Length(); n != 0 {
		t.Fatal("an open conversation's draft says the sale is closed")
	}
	if _, err := f.e.DB("acme").Write.Exec(`UPDATE conversations SET state = 'lost' WHERE id = ?`, f.conv); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		got := strings.TrimSpace(op.Get("/app/approvals/?lang=" + lang).Doc(t).Find(note).Text())
		if want := i18n.For(lang).T("approvals.closed_draft.lost"); got != want {
			t.Errorf("%s: the draft of a lost sale says %q, want %q", lang, got, want)
		}
	}
	seen, _ := op.Get("/app/approvals/").Doc(t).Find(fmt.Sprintf("#rec-%d input[name=seen]", id)).Attr("value")
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"draft": {draft}, "seen": {seen}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approving the draft of a lost sale: %d", r.StatusCode)
	}
	if st, _, _ := f.status(t, id); st != "approved" {
		t.Fatalf("the draft of a lost sale is %s after Approve, want approved", st)
	}
}

package approvals_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/channels"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// overtake makes the customer's messages so far and the drafts of ids older (the drafts written a
// minute after the message behind them), then has the customer write again now.
func (f *fixture) overtake(t *testing.T, body string, ids ...int64) {
	t.Helper()
	db := f.e.DB("acme")
	if _, err := db.Write.Exec(`UPDATE messages SET created_at = created_at - 120000 WHERE conversation_id = ?`, f.conv); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := db.Write.Exec(`UPDATE decision_recommendations SET created_at = created_at - 60000 WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	}
	f.write(t, body)
}

// write is the customer writing on the fixture's web chat.
func (f *fixture) write(t *testing.T, body string) {
	t.Helper()
	svc := &inbox.Service{Channels: channels.Registry()}
	if _, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Deniz", Body: body}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) outbound(t *testing.T, body string) int {
	t.Helper()
	var n int
	_ = f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body = ?`, f.conv, body).Scan(&n)
	return n
}

// TestOvertakenDraftFromTheConversation: the conversation page's draft box "Approve and send" on
// a draft the customer overtook ("never mind, 80 m² after all") from a page drawn before their
// message approves and sends nothing: back on the conversation, the banner says why in the
// reader's language, the draft is marked as overtaken and the newer message stands above it;
// pressed from that page, it goes.
func TestOvertakenDraftFromTheConversation(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	draft := "50 m² için metrekaresi 1.450 TRY."
	id := f.rec(t, "pricing", draft)
	conv := fmt.Sprintf("/app/inbox/%d/", f.conv)
	seenOn := func() string {
		t.Helper()
		v, ok := op.Get(conv).Doc(t).Find(fmt.Sprintf(`input[name=seen][form="draft-form-%d"]`, id)).Attr("value")
		if !ok {
			t.Fatal("the draft box carries no seen message")
		}
		return v
	}
	before := seenOn()
	if strings.Contains(op.Get(conv).Body, "data-wrote-again") {
		t.Fatal("the draft is marked overtaken before the customer wrote again")
	}
	later := "Vazgeçtim, 80 m² olacak aslında."
	f.overtake(t, later, id)

	for _, form := range []url.Values{
		{"body": {draft}, "next": {conv}, "seen": {before}}, // the page drawn before the message
		{"body": {draft}, "next": {conv}},                   // a post that does not say what it showed
	} {
		r := op.Post(fmt.Sprintf("/app/approvals/%d/send", id), form)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != conv {
			t.Fatalf("send of an overtaken draft: %d to %q, want 303 back to the conversation", r.StatusCode, r.Header.Get("Location"))
		}
		if st, _, _ := f.status(t, id); st != "pending" || f.outbound(t, draft) != 0 {
			t.Fatalf("a draft the customer overtook was %s and sent %d times from a page that had not shown their message", st, f.outbound(t, draft))
		}
		for _, lang := range []string{"tr", "en", "ar"} {
			if lang != "tr" {
				op.Post(fmt.Sprintf("/app/approvals/%d/send", id), form)
			}
			p := op.Get(conv + "?lang=" + lang)
			if got, want := p.Doc(t).Find(".flash").Text(), i18n.For(lang).T("approvals.wrote_again_send"); !strings.Contains(got, want) {
				t.Errorf("%s: the conversation says %q, want %q", lang, got, want)
			}
			item := p.Doc(t).Find(fmt.Sprintf(`#draft-form-%d`, id)).Closest("li")
			if item.Find("[data-wrote-again]").Length() != 1 || !strings.Contains(item.Prev().Text(), later) {
				t.Errorf("%s: the draft is not marked overtaken below the customer's newer message", lang)
			}
		}
	}

	now := seenOn()
	if now == before {
		t.Fatalf("the page after the message still carries the message seen before (%s)", now)
	}
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/send", id), url.Values{"body": {"80 m² için metrekaresi 1.400 TRY."}, "next": {conv}, "seen": {now}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send from the page that showed the message: %d", r.StatusCode)
	}
	if st, _, _ := f.status(t, id); st != "approved" || f.outbound(t, "80 m² için metrekaresi 1.400 TRY.") != 1 {
		t.Fatalf("send from the page that showed the message: %s", st)
	}
}

// TestOvertakenApprovedDraftFromLatestDecisions: a draft approved this morning and sent hours
// later with "Send draft to customer" under Latest decisions, after the customer wrote again, is
// not sent from a page that had not shown that message; the latest decisions show it with the
// approved reply, and Send pressed there sends it.
func TestOvertakenApprovedDraftFromLatestDecisions(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	draft := "50 m² için metrekaresi 1.450 TRY."
	id := f.rec(t, "pricing", draft)
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"draft": {draft}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	row := func() (string, bool) {
		t.Helper()
		tr := op.Get("/app/approvals/").Doc(t).Find(fmt.Sprintf("#decided-%d", id))
		if tr.Find("form[action$=send]").Length() != 1 {
			t.Fatal("the latest decisions offer no Send for the approved draft")
		}
		seen, _ := tr.Find("input[name=seen]").Attr("value")
		return seen, tr.Find("[data-wrote-again]").Length() == 1
	}
	before, marked := row()
	if marked {
		t.Fatal("the latest decisions say the customer wrote again before they did")
	}
	// The customer writes after the approval (at least a millisecond later: a decided
	// recommendation cannot be changed, its time included).
	later := "Vazgeçtim, 80 m² olacak aslında."
	f.write(t, later)
	if _, err := f.e.DB("acme").Write.Exec(`UPDATE messages SET created_at = max(created_at, (SELECT decided_at + 1 FROM decision_recommendations WHERE id = ?))
		WHERE body = ?`, id, later); err != nil {
		t.Fatal(err)
	}

	for _, form := range []url.Values{{"seen": {before}}, nil} {
		r := op.Post(fmt.Sprintf("/app/approvals/%d/send", id), form)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/app/approvals/" {
			t.Fatalf("send over a newer message: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		if f.outbound(t, draft) != 0 {
			t.Fatal("the approved reply was sent over a message the page had not shown")
		}
		p := op.Get("/app/approvals/?lang=en")
		if got, want := p.Doc(t).Find(".flash").Text(), i18n.For("en").T("approvals.wrote_again_approved"); !strings.Contains(got, want) {
			t.Errorf("the queue says %q, want %q", got, want)
		}
		if tr := p.Doc(t).Find(fmt.Sprintf("#decided-%d", id)); !strings.Contains(tr.Text(), later) ||
			!strings.Contains(tr.Text(), i18n.For("en").T("approvals.wrote_again_after_approval")) {
			t.Errorf("the latest decisions do not show the customer's newer message: %q", tr.Text())
		}
	}
	now, marked := row()
	if !marked || now == before {
		t.Fatalf("the row after the message: marked %v, seen %s (was %s)", marked, now, before)
	}
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/send", id), url.Values{"seen": {now}}); r.StatusCode != http.StatusSeeOther || f.outbound(t, draft) != 1 {
		t.Fatalf("send from the row that showed the message: %d, sent %d", r.StatusCode, f.outbound(t, draft))
	}
}

// TestOvertakenDraftInABulkApproval: "Approve selected" approves the others and leaves a draft
// the customer wrote again after waiting, naming its customer; an approval by the panel's
// address without the page's seen message answers 409 and approves nothing either.
func TestOvertakenDraftInABulkApproval(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	overtaken := f.rec(t, "pricing", "50 m² için metrekaresi 1.450 TRY.")
	f.overtake(t, "Vazgeçtim, 80 m² olacak aslında.", overtaken)
	// Another customer whose draft is the latest word.
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v2", Name: "Selin", Body: "Yarın teslim olur mu?"})
	if err != nil {
		t.Fatal(err)
	}
	first := f.conv
	f.conv = res.ConversationID
	plain := f.rec(t, "delivery_date", "Yarın teslim edebiliriz.")
	stock := f.rec(t, "stock", "")
	f.conv = first

	req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/approvals/%d/approve", overtaken), strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Origin", f.e.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := op.Do(req); r.StatusCode != http.StatusConflict {
		t.Errorf("an approval by address of an overtaken draft: %d, want 409: %.300s", r.StatusCode, r.Body)
	}
	if st, _, _ := f.status(t, overtaken); st != "pending" {
		t.Fatalf("an approval by address approved an overtaken draft: %s", st)
	}

	r := op.Post("/app/approvals/bulk", url.Values{"verb": {"approve"}, "id": {fmt.Sprint(overtaken), fmt.Sprint(plain), fmt.Sprint(stock)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk approve: %d", r.StatusCode)
	}
	for id, want := range map[int64]string{overtaken: "pending", plain: "approved", stock: "approved"} {
		if st, _, _ := f.status(t, id); st != want {
			t.Errorf("recommendation %d is %s after the bulk approval, want %s", id, st, want)
		}
	}
	flash := op.Get("/app/approvals/?lang=tr").Doc(t).Find(".flash").Text()
	if !strings.Contains(flash, strings.SplitN(i18n.For("tr").T("approvals.bulk_wrote_again"), "%", 2)[0]) || !strings.Contains(flash, "Deniz") || strings.Contains(flash, "Selin") {
		t.Errorf("the bulk banner does not name the customer who wrote again: %q", flash)
	}
	if !strings.Contains(flash, i18n.For("tr").Plural("approvals.bulk_done.approved", 2)) {
		t.Errorf("the bulk banner does not count the two approved: %q", flash)
	}
	if _, _, err := approvals.Decide(context.Background(), f.e.DB("acme"), approvals.Decision{ID: overtaken, Verb: "approve", Guard: true}); err == nil {
		t.Error("a guarded approval without a seen message approved an overtaken draft")
	}
}

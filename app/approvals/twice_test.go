package approvals_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/i18n"
)

// TestDraftSentTwiceLandsOnTheConversation: "Approve and send" on the conversation page posted
// twice (a double tap, a second tab, a resend), the queue's Send posted again, and Approve on a
// draft already sent send one message; each later post leads to the conversation (303, or
// HX-Redirect for htmx) where the reply is, with the notice that the form was already sent, not
// the 409 conflict page.
func TestDraftSentTwiceLandsOnTheConversation(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	conv := fmt.Sprintf("/app/inbox/%d/", f.conv)
	sent := func(body string) int {
		t.Helper()
		var n int
		_ = f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound' AND author_kind = 'user' AND body = ?`, body).Scan(&n)
		return n
	}
	again := func(t *testing.T, what, path string, form url.Values) {
		t.Helper()
		r := owner.Post(path, form)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != conv {
			t.Fatalf("%s again: %d to %q, want 303 to %s", what, r.StatusCode, r.Header.Get("Location"), conv)
		}
		p := owner.Get(conv)
		lang, _ := p.Doc(t).Find("html").Attr("lang")
		if notice := i18n.For(lang).T("form.already_sent"); !strings.Contains(p.Body, notice) {
			t.Errorf("%s again: the conversation does not say it was already sent: %q", what, p.Doc(t).Find(".flash").Text())
		}
		plain := owner.Header
		owner.Header = http.Header{"Hx-Request": {"true"}}
		for k, v := range plain {
			owner.Header[k] = v
		}
		r = owner.Post(path, form)
		owner.Header = plain
		if r.StatusCode >= 300 || r.Header.Get("HX-Redirect") != conv {
			t.Fatalf("%s again (htmx): %d, HX-Redirect %q, want %s", what, r.StatusCode, r.Header.Get("HX-Redirect"), conv)
		}
		owner.Get(conv) // the htmx answer's notice is read
	}

	t.Run("approve and send", func(t *testing.T) {
		draft := "Metrekaresi 1.450 TRY, yarın teslim."
		id := f.rec(t, "pricing", draft)
		path := fmt.Sprintf("/app/approvals/%d/send", id)
		form := url.Values{"body": {draft}, "next": {conv}}
		if r := owner.Post(path, form); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != conv {
			t.Fatalf("approve and send: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		owner.Get(conv)
		again(t, "approve and send", path, form)
		if n := sent(draft); n != 1 {
			t.Fatalf("%d messages sent, want 1", n)
		}
	})

	t.Run("queue", func(t *testing.T) {
		draft := "Stokta 40 m² var."
		id := f.rec(t, "stock", draft)
		owner.Post(fmt.Sprintf("/app/approvals/%d/approve", id), nil)
		if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send", id), nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", r.StatusCode)
		}
		owner.Get("/app/approvals/")
		again(t, "send", fmt.Sprintf("/app/approvals/%d/send", id), nil)
		again(t, "approve", fmt.Sprintf("/app/approvals/%d/approve", id), nil)
		if n := sent(draft); n != 1 {
			t.Fatalf("%d messages sent, want 1", n)
		}
	})
}

// TestQueueCardDecidedMeanwhile: a card of the queue (htmx) approved or rejected after it was
// decided — a double tap, or a colleague first — becomes the decision that stands, with who made
// it, instead of a 409 htmx would not show (the card stayed as it was, its buttons doing nothing);
// the stored decision is the first one. A plain post still gets the conflict page.
func TestQueueCardDecidedMeanwhile(t *testing.T) {
	f := setup(t)
	olga := f.e.User("acme", "olga", "operator")
	owner := f.e.User("acme", "talha", "owner")
	id := f.rec(t, "stock", "")
	if r := olga.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"reason": {"stokta var"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	owner.Header = http.Header{"Hx-Request": {"true"}}
	r := owner.Post(fmt.Sprintf("/app/approvals/%d/reject?lang=en", id), nil)
	owner.Header = http.Header{}
	doc := r.Doc(t)
	card := doc.Find(fmt.Sprintf("li.rec-decided#rec-%d[data-status=approved]", id))
	if r.StatusCode != http.StatusOK || card.Length() != 1 || !strings.Contains(card.Text(), "olga") || !strings.Contains(card.Text(), "stokta var") ||
		doc.Find("button").Length() != 0 {
		t.Fatalf("the card decided meanwhile: %d %.400s", r.StatusCode, r.Body)
	}
	if st, by, _ := f.status(t, id); st != "approved" || by != "olga" {
		t.Errorf("stored decision %s by %s, want olga's approval", st, by)
	}
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/reject", id), nil); r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "olga") {
		t.Errorf("plain post: %d, want the 409 page naming who decided", r.StatusCode)
	}
}

// TestDraftSentBlank: the conversation page's draft box emptied but for spaces (the browser's
// "required" lets them through) and sent: nothing is approved or sent, and the conversation
// comes back saying to write the reply or reject it, the draft still waiting there. It was
// answered 409 "Changed meanwhile: only an approved recommendation … can be sent", though
// nothing had changed.
func TestDraftSentBlank(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	conv := fmt.Sprintf("/app/inbox/%d/", f.conv)
	id := f.rec(t, "pricing", "Metrekaresi 1.450 TRY.")
	r := owner.Post(fmt.Sprintf("/app/approvals/%d/send?lang=tr", id), url.Values{"body": {"  \r\n "}, "next": {conv}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != conv {
		t.Fatalf("blank draft: %d to %q, want 303 back to %s", r.StatusCode, r.Header.Get("Location"), conv)
	}
	doc := owner.Get(conv).Doc(t)
	if got := doc.Find(".flash").Text(); !strings.Contains(got, i18n.For("tr").T("approvals.draft_empty")) {
		t.Errorf("the conversation says %q, want %q", got, i18n.For("tr").T("approvals.draft_empty"))
	}
	if doc.Find(fmt.Sprintf(`form[data-draft-id="%d"]`, id)).Length() != 1 {
		t.Error("the draft no longer waits on the conversation page")
	}
	var status string
	var sent int
	_ = f.e.DB("acme").Read.QueryRow(`SELECT status, (SELECT count(*) FROM messages WHERE direction = 'outbound') FROM decision_recommendations WHERE id = ?`, id).Scan(&status, &sent)
	if status != "pending" || sent != 0 {
		t.Errorf("after a blank send: status %q, %d messages sent; want pending and none", status, sent)
	}
}

// TestDecidedReasonHeading: the latest decisions name their reason column "Gerekçe", a heading
// over reasons already given, not the form's "Gerekçe (isteğe bağlı)" (optional).
func TestDecidedReasonHeading(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	id := f.rec(t, "stock", "")
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"reason": {"stokta var"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	doc := owner.Get("/app/approvals/?lang=tr").Doc(t)
	head := strings.TrimSpace(doc.Find("#decided-table thead th").Eq(3).Text())
	label, _ := doc.Find("#decided-table tbody td").Eq(3).Attr("data-label")
	if head != "Gerekçe" || label != "Gerekçe" {
		t.Errorf("the decisions' reason column is headed %q and labelled %q, want Gerekçe", head, label)
	}
}

package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
)

type fixture struct {
	e    *apptest.Env
	conv int64
}

func setup(t *testing.T) *fixture {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	// WhatsApp's sending set up: without it approving a WhatsApp draft is refused (reach_test.go).
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Deniz", Body: "stok var mı?"})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{e: e, conv: res.ConversationID}
}

func (f *fixture) rec(t *testing.T, typ, draft string) int64 {
	t.Helper()
	var id int64
	err := f.e.DB("acme").InTx(context.Background(), func(tx *sql.Tx) error {
		on := true
		if err := inbox.ApplyTriage(context.Background(), tx, f.conv, inbox.Triage{Handoff: &on, HandoffReason: "stock"}); err != nil {
			return err
		}
		var err error
		id, _, err = approvals.Create(context.Background(), tx, approvals.New{ConversationID: f.conv, Title: "Check " + typ, Priority: "high",
			ActionType: typ, Confidence: 0.8, ModelName: "builtin-2", DraftReply: draft, DedupeKey: "t:" + typ})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) status(t *testing.T, id int64) (status, by, reason string) {
	t.Helper()
	_ = f.e.DB("acme").Read.QueryRow(`SELECT status, decided_by_name, decision_reason FROM decision_recommendations WHERE id = ?`, id).Scan(&status, &by, &reason)
	return
}

func TestDecisions(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	viewer := f.e.User("acme", "vera", "viewer")
	stock := f.rec(t, "stock", "")
	lead := f.rec(t, "lead_generation", "")

	scenarios := []struct {
		name   string
		c      *apptest.Client
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"viewer cannot approve", viewer, fmt.Sprintf("/app/approvals/%d/approve", stock), nil, http.StatusForbidden, "pending"},
		{"execute needs lead_generation", op, fmt.Sprintf("/app/approvals/%d/execute", stock), nil, http.StatusUnprocessableEntity, "pending"},
		{"approve", op, fmt.Sprintf("/app/approvals/%d/approve", stock), url.Values{"reason": {"900 m² in the yard"}}, http.StatusSeeOther, "approved"},
		{"second click is 409", op, fmt.Sprintf("/app/approvals/%d/reject", stock), nil, http.StatusConflict, "approved"},
		{"execute lead generation", op, fmt.Sprintf("/app/approvals/%d/execute", lead), nil, http.StatusSeeOther, "executed"},
		{"unknown id", op, "/app/approvals/9999/approve", nil, http.StatusNotFound, ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r := s.c.Post(s.path, s.form)
			if r.StatusCode != s.status {
				t.Fatalf("status %d, want %d: %.300s", r.StatusCode, s.status, r.Body)
			}
			if s.status == http.StatusConflict && !strings.Contains(r.Body, "olga") {
				t.Errorf("409 page does not explain who decided")
			}
		})
	}
	st, by, reason := f.status(t, stock)
	if st != "approved" || by != "olga" || reason != "900 m² in the yard" {
		t.Errorf("stored decision %s %s %s", st, by, reason)
	}
	if st, _, _ := f.status(t, lead); st != "executed" {
		t.Errorf("lead rec %s", st)
	}
	c, _ := inbox.ConversationByID(context.Background(), f.e.DB("acme").Read, f.conv)
	if c.HandoffRequired {
		t.Error("handoff not cleared by the stock decision")
	}
	var sys, logs int
	db := f.e.DB("acme").Read
	_ = db.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'system'`, f.conv).Scan(&sys)
	_ = db.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'approval_queue'`).Scan(&logs)
	if sys != 2 || logs != 2 {
		t.Errorf("system messages %d, approval logs %d (want 2, 2)", sys, logs)
	}
	// The database itself refuses to change a decided recommendation.
	if _, err := f.e.DB("acme").Write.Exec(`UPDATE decision_recommendations SET status = 'pending' WHERE id = ?`, stock); err == nil {
		t.Error("trigger did not refuse")
	}
}

func TestQueuePageAndSendDraft(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	low := f.rec(t, "follow_up", "")
	price := f.rec(t, "pricing", "200 m² için malzeme bütçesi yaklaşık 304.500 – 399.600 TRY aralığındadır.")
	_, _ = f.e.DB("acme").Write.Exec(`UPDATE decision_recommendations SET priority = 'low' WHERE id = ?`, low)

	doc := owner.Get("/app/approvals/").Doc(t)
	ids := doc.Find("#pending [data-rec-id]").Map(func(_ int, s *goquery.Selection) string { v, _ := s.Attr("data-rec-id"); return v })
	if len(ids) != 2 || ids[0] != fmt.Sprint(price) {
		t.Fatalf("queue order %v (want pricing first)", ids)
	}
	if doc.Find("#handoffs a[href='/app/inbox/"+fmt.Sprint(f.conv)+"/']").Length() != 1 {
		t.Error("handoff conversation not listed")
	}
	// Sending needs approval first.
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send", price), nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("send before approval: %d", r.StatusCode)
	}
	owner.Post(fmt.Sprintf("/app/approvals/%d/approve", price), nil)
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send", price), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %.300s", r.StatusCode, r.Body)
	}
	// A second send sends nothing: it leads to the conversation (TestDraftSentTwiceLandsOnTheConversation).
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send", price), nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/app/inbox/%d/", f.conv) {
		t.Fatalf("second send: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	var n int
	_ = f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound' AND author_kind = 'user' AND body LIKE '%304.500%'`).Scan(&n)
	if n != 1 {
		t.Errorf("sent drafts %d", n)
	}
	if c, err := approvals.PendingCount(context.Background(), f.e.DB("acme")); err != nil || c != 1 {
		t.Errorf("pending count %d %v", c, err)
	}
	if list, _ := approvals.Newest(context.Background(), f.e.DB("acme"), 5); len(list) != 2 {
		t.Errorf("newest %d", len(list))
	}
}

// TestQueueHandoffsShowTheNewest: under the queue, the page lists the five newest conversations
// waiting for a person and links to the inbox's handoff filter for all of them (the rows cost a
// phone's first second; the inbox is where the whole list lives).
func TestQueueHandoffsShowTheNewest(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	svc := &inbox.Service{Channels: channels.Registry()}
	flag := func(n int) {
		for i := range n {
			res, err := svc.Ingest(context.Background(), "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: fmt.Sprintf("h%d", i), Name: fmt.Sprintf("Müşteri %d", i), Body: "hasar var"})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.DB("acme").InTx(context.Background(), func(tx *sql.Tx) error {
				on := true
				return inbox.ApplyTriage(context.Background(), tx, res.ConversationID, inbox.Triage{Handoff: &on, HandoffReason: "damage"})
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	flag(5)
	doc := op.Get("/app/approvals/").Doc(t)
	if n := doc.Find("#handoffs tbody tr").Length(); n != 5 || doc.Find("[data-all-handoffs]").Length() != 0 {
		t.Fatalf("five waiting: %d rows, link %d (want 5 rows and no link)", n, doc.Find("[data-all-handoffs]").Length())
	}
	flag(7) // external ids h0…h6: h0–h4 are the same visitors again, h5 and h6 are new
	var waiting int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM conversations WHERE handoff_required = 1`).Scan(&waiting)
	doc = op.Get("/app/approvals/?lang=tr").Doc(t)
	if n := doc.Find("#handoffs tbody tr").Length(); n != 5 {
		t.Errorf("%d waiting: %d rows, want 5", waiting, n)
	}
	link := doc.Find("[data-all-handoffs]")
	if href, _ := link.Attr("href"); href != "/app/inbox/?handoff=1" || !strings.Contains(link.Text(), fmt.Sprint(waiting)) || !strings.Contains(link.Text(), "gelen kutusunda") {
		t.Errorf("link %q → %q, want the inbox's handoff filter and %d in Turkish", link.Text(), href, waiting)
	}
	if waiting != 7 {
		t.Errorf("%d conversations waiting, want 7", waiting)
	}
}

// TestApproveEmptiedDraftIsRefused: a draft emptied in the queue and approved is refused with a
// message in the person's language, and nothing is decided (it was approved with the assistant's
// draft, the words just deleted ready to be sent). The box is required on the page, Reject is not
// held by it, and a rejection with the box emptied still rejects.
func TestApproveEmptiedDraftIsRefused(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	id := f.rec(t, "pricing", "120 m² için yaklaşık 150.000 TRY")
	path := fmt.Sprintf("/app/approvals/%d/", id)
	doc := op.Get("/app/approvals/?lang=tr").Doc(t)
	card := doc.Find(fmt.Sprintf("#rec-%d", id))
	if _, ok := card.Find("textarea[name=draft]").Attr("required"); !ok {
		t.Error("the draft box is not required")
	}
	if _, ok := card.Find("[data-reject]").Attr("formnovalidate"); !ok {
		t.Error("Reject is held by the required draft box")
	}
	for _, draft := range []string{"", "  \n "} {
		r := op.Post(path+"approve?lang=tr", url.Values{"draft": {draft}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("draft %q approved: %d, want 422", draft, r.StatusCode)
		}
		if !strings.Contains(r.Body, "Gönderilecek yanıtı yazın") {
			t.Errorf("draft %q: the answer does not say why: %.300s", draft, r.Body)
		}
	}
	// From the queue's card (htmx), the card comes back with the message at the box and the box
	// as typed, where the person pressed the button.
	req, _ := http.NewRequest("POST", f.e.URL+path+"approve?lang=tr", strings.NewReader(url.Values{"draft": {"  \n "}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	r := op.Do(req)
	cardDoc := r.Doc(t)
	if got := cardDoc.Find(fmt.Sprintf("#rec-%d .field-error", id)).Text(); r.StatusCode != http.StatusOK || !strings.Contains(got, "Gönderilecek yanıtı yazın") {
		t.Errorf("htmx card answer %d, message at the box %q: %.300s", r.StatusCode, got, r.Body)
	}
	if got := cardDoc.Find("textarea[name=draft]").Text(); got != "  \n " {
		t.Errorf("the box came back as %q, not as typed", got)
	}
	var text string
	_ = f.e.DB("acme").Read.QueryRow(`SELECT draft_reply FROM decision_recommendations WHERE id = ?`, id).Scan(&text)
	if st, _, _ := f.status(t, id); st != "pending" || text != "120 m² için yaklaşık 150.000 TRY" {
		t.Errorf("after refused approvals: %s, draft %q", st, text)
	}
	if r := op.Post(path+"reject", url.Values{"draft": {""}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("reject with the box emptied: %d", r.StatusCode)
	}
	if st, _, _ := f.status(t, id); st != "rejected" {
		t.Errorf("after reject: %s", st)
	}
}

package msp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"highvibe/app/ai"
	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/msp"
)

// waitFor polls cond (a read of the tenant's database) until it holds; the deadline is a bound
// for a broken runner only.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s never happened", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The must-show path of the assistant's ticket triage over WhatsApp: a customer writes that the
// whole office is down; the operator opens a ticket from the conversation with their own guess
// (P3, other). The ticket page shows the assistant's proposal (network, P1) with the customer's
// words as reasons; the operator applies it with one click. The reply draft waits in the approval
// queue and nothing reaches WhatsApp before a person approves it; the approved (edited) draft goes
// out as the ticket's public reply to the same number, on the timeline, marked sent in the queue.
// A later customer message gets a new proposal once, and the new draft waits again.
func TestTicketTriageOverWhatsApp(t *testing.T) {
	t.Parallel()
	const secret = "triage-app-secret"
	g := newGraph(t)
	e := apptest.New(t)
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "sales,msp", "whatsapp_app_secret": secret, "whatsapp_api_base": g.srv.URL + "/v21.0",
		"whatsapp_access_token": "EAAG-test-token", "whatsapp_phone_number_id": "106540352242922"})
	key := e.APIKey("bilisim", "whatsapp_webhook")
	db := e.DB("bilisim")
	post := func(wamid, text string) {
		body := waText("905321112233", wamid, text)
		r := e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), map[string]string{"X-Api-Key": key,
			"X-Hub-Signature-256": whatsapp.Sign([]byte(body), secret)})
		if r.StatusCode != 200 {
			t.Fatalf("webhook: %d %s", r.StatusCode, r.Body)
		}
	}
	post("wamid.T1", "Ofiste kimse internete bağlanamıyor, tüm sistem durdu, acil bakar mısınız")
	var convID int64
	waitFor(t, "the message reaching the inbox", func() bool {
		_ = db.Read.QueryRow(`SELECT coalesce(max(id),0) FROM conversations`).Scan(&convID)
		return convID != 0
	})
	// The message's own work (its processing and the assistant's triage, a retry after a failed
	// first try included) is over before the ticket exists: a triage that ran late would read the
	// message as one on the ticket and propose for it.
	apptest.Settle(t, db)

	op := e.User("bilisim", "ayse", "operator")
	res := op.Post("/app/msp/tickets/new", url.Values{"conversation_id": {fmt.Sprint(convID)},
		"subject": {"Ofiste kimse internete bağlanamıyor, tüm sistem durdu"}, "priority": {"p3"}, "category": {"other"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	page := regexp.MustCompile(`^/app/msp/tickets/(\d+)/$`).FindString(res.Header.Get("Location"))
	doc := op.Get(page).Doc(t)
	card := doc.Find("#proposal")
	if card.Length() != 1 {
		t.Fatal("the ticket page shows no proposal")
	}
	cat, _ := card.Find("[data-proposed-category]").Attr("data-proposed-category")
	prio, _ := card.Find("[data-proposed-priority]").Attr("data-proposed-priority")
	if cat != "network" || prio != "p1" {
		t.Fatalf("proposed %s %s, want network p1", cat, prio)
	}
	text := card.Text()
	for _, want := range []string{"Asistanın önerisi", "Ağ", "Gerekçe:", "şu an:", "onay kuyruğu"} {
		if !strings.Contains(text, want) {
			t.Errorf("the proposal card lacks %q: %s", want, text)
		}
	}
	if !regexp.MustCompile(`“(kimse|tüm sistem|internete|durdu|Ofiste|tüm|sistem|bağlanamıyor|acil)[^”]*”`).MatchString(text) {
		t.Errorf("the reasons are not the customer's words: %s", text)
	}
	if card.Find("form[action$='/apply'] button").Length() != 1 || card.Find("form[action$='/dismiss'] button").Length() != 1 {
		t.Fatal("no apply / dismiss buttons for the operator")
	}
	if v := e.User("bilisim", "veli", "viewer").Get(page).Doc(t).Find("#proposal"); v.Length() != 1 || v.Find("form").Length() != 0 {
		t.Fatal("a viewer must see the proposal without the buttons")
	}

	// The draft waits; nothing went out.
	var recID int64
	var draft, status string
	if err := db.Read.QueryRow(`SELECT id, draft_reply, status FROM decision_recommendations WHERE model_name = 'builtin-3-tickets'
		AND action_type = 'follow_up'`).Scan(&recID, &draft, &status); err != nil {
		t.Fatal(err)
	}
	if status != "pending" || !strings.Contains(draft, "T-000001") || !strings.HasPrefix(draft, "Merhaba") {
		t.Fatalf("draft %q status %s", draft, status)
	}
	replies := func() (n int) {
		_ = db.Read.QueryRow(`SELECT count(*) FROM msp_ticket_events WHERE kind = 'reply'`).Scan(&n)
		return n
	}
	if replies() != 0 {
		t.Fatal("a reply went out before approval")
	}

	// One click applies the proposal: the ticket is network P1, under the operator's name.
	action, _ := card.Find("form[action$='/apply']").Attr("action")
	if res := op.Post(action, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", res.StatusCode, res.Body)
	}
	tk, err := msp.TicketByID(context.Background(), db.Read, 1)
	if err != nil || tk.Category != "network" || tk.Priority != "p1" {
		t.Fatalf("after apply: %+v %v", tk, err)
	}
	doc = op.Get(page).Doc(t)
	if doc.Find(`#timeline [data-event="priority"]`).Length() != 1 || doc.Find("#proposal [data-proposal-decided]").Length() != 1 {
		t.Fatalf("timeline / card after apply: %s", doc.Find("#proposal").Text())
	}
	if res := op.Post(action, nil); res.StatusCode != http.StatusConflict {
		t.Fatalf("a second apply: %d, want 409", res.StatusCode)
	}
	g.mu.Lock()
	for _, m := range g.sent {
		if strings.Contains(fmt.Sprint(m["text"]), "T-000001") {
			t.Fatalf("the draft reached WhatsApp before approval: %v", m)
		}
	}
	g.mu.Unlock()

	// Approved with an edit, the draft goes out on the ticket's WhatsApp conversation.
	edited := draft + " Teşekkürler."
	if res := op.Post(fmt.Sprintf("/app/approvals/%d/approve", recID), url.Values{"draft": {edited}}); res.StatusCode >= 400 {
		t.Fatalf("approve: %d %s", res.StatusCode, res.Body)
	}
	var sent map[string]any
	for sent == nil {
		select {
		case <-g.got:
		case <-time.After(60 * time.Second): // a bound for a broken runner only
			t.Fatal("the approved reply never reached the WhatsApp Cloud API")
		}
		g.mu.Lock()
		for _, m := range g.sent {
			if strings.Contains(fmt.Sprint(m["text"]), "T-000001") {
				sent = m
			}
		}
		g.mu.Unlock()
	}
	if sent["to"] != "905321112233" || !strings.Contains(fmt.Sprint(sent["text"]), "Teşekkürler.") {
		t.Fatalf("sent: %v", sent)
	}
	if replies() != 1 {
		t.Fatal("the approved draft is not the ticket's public reply")
	}
	var sentID int64
	if err := db.Read.QueryRow(`SELECT coalesce(sent_message_id,0) FROM decision_recommendations WHERE id = ?`, recID).Scan(&sentID); err != nil || sentID == 0 {
		t.Fatalf("the recommendation is not marked sent: %v", err)
	}
	doc = op.Get(page).Doc(t)
	if st, _ := doc.Find("#proposal [data-reply-state]").Attr("data-reply-state"); st != "approved" || doc.Find("#ticket-status").Text() != "Açık" {
		t.Fatalf("reply state %q, status %q", st, doc.Find("#ticket-status").Text())
	}

	// A later customer message: one new proposal for it, and a new draft that waits.
	post("wamid.T2", "Şimdi sunucudaki dosyalar da açılmıyor, fidye notu var")
	var msgProposals int
	waitFor(t, "a proposal on the customer's later message", func() bool {
		_ = db.Read.QueryRow(`SELECT count(*) FROM msp_ticket_proposals WHERE message_id IS NOT NULL`).Scan(&msgProposals)
		return msgProposals > 0
	})
	apptest.Settle(t, db)
	var open, newDrafts int
	_ = db.Read.QueryRow(`SELECT count(*) FROM msp_ticket_proposals WHERE status = 'open'`).Scan(&open)
	_ = db.Read.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE model_name = 'builtin-3-tickets' AND status = 'pending'
		AND action_type = 'follow_up'`).Scan(&newDrafts)
	if msgProposals != 1 || open != 1 || newDrafts != 1 || replies() != 1 {
		t.Fatalf("after the later message: %d message proposals, %d open, %d pending drafts, %d replies", msgProposals, open, newDrafts, replies())
	}
	// The same message read again (a retried job) proposes nothing more.
	var msgID int64
	_ = db.Read.QueryRow(`SELECT message_id FROM msp_ticket_proposals WHERE message_id IS NOT NULL`).Scan(&msgID)
	if err := msp.TriageMessage(context.Background(), db, convID, msgID, "fidye"); err != nil {
		t.Fatal(err)
	}
	_ = db.Read.QueryRow(`SELECT count(*) FROM msp_ticket_proposals WHERE message_id IS NOT NULL`).Scan(&msgProposals)
	if msgProposals != 1 {
		t.Fatalf("a retried message proposed %d times", msgProposals)
	}
}

// A ticket without a conversation still gets a proposal (a request for next week reads as
// software P4) but no reply draft, since nobody could receive it; dismissing leaves the ticket
// as it was and the card says who dismissed it.
func TestTicketTriageWithoutConversation(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	db := e.DB("bilisim")
	ctx := context.Background()
	tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Could you install Zoom on my laptop next week?"}, msp.Actor{Name: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := msp.LatestProposal(ctx, db.Read, tk.ID)
	if err != nil || p == nil || p.Category != "software" || p.Priority != "p4" || p.ReplyRecID != 0 || len(p.CategoryWhy) == 0 {
		t.Fatalf("proposal %+v %v", p, err)
	}
	var recs int
	_ = db.Read.QueryRow(`SELECT count(*) FROM decision_recommendations`).Scan(&recs)
	if recs != 0 {
		t.Fatalf("%d recommendations for a ticket nobody can be answered on", recs)
	}
	op := e.User("bilisim", "op", "operator")
	page := fmt.Sprintf("/app/msp/tickets/%d/", tk.ID)
	if res := op.Post(fmt.Sprintf("%sproposal/%d/dismiss", page, p.ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", res.StatusCode)
	}
	if tk2, _ := msp.TicketByID(ctx, db.Read, tk.ID); tk2.Category != "other" || tk2.Priority != "p3" {
		t.Fatalf("dismiss changed the ticket: %+v", tk2)
	}
	if !strings.Contains(op.Get(page).Doc(t).Find("#proposal").Text(), "Dismissed by op") {
		t.Fatal("the card does not say who dismissed it")
	}
}

// A customer who asks for someone to come and for a price gets a reply draft that promises
// neither; the visit and the price wait as their own recommendations. Rejecting the draft, or
// approving the visit or the price, sends nothing to the customer.
func TestTicketTriageCommitmentsWait(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	db := e.DB("bilisim")
	ctx := context.Background()
	now := time.Now().UnixMilli()
	r, err := db.Write.Exec(`INSERT INTO leads(name, source, created_at, updated_at) VALUES('Selin', 'whatsapp', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	lead, _ := r.LastInsertId()
	r, err = db.Write.Exec(`INSERT INTO conversations(lead_id, channel, last_message_at, created_at, updated_at) VALUES(?, 'whatsapp', ?, ?, ?)`, lead, now, now, now)
	if err != nil {
		t.Fatal(err)
	}
	conv, _ := r.LastInsertId()
	tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Printer broken", ConversationID: conv,
		Description: "The office printer prints blank pages. Can you send a technician tomorrow, and how much would that cost?"}, msp.Actor{Name: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := msp.LatestProposal(ctx, db.Read, tk.ID)
	if err != nil || p.Category != "printing" || p.ReplyRecID == 0 || p.VisitRecID == 0 || p.PriceRecID == 0 {
		t.Fatalf("proposal %+v %v", p, err)
	}
	kinds := map[int64]string{}
	rows, err := db.Read.Query(`SELECT id, action_type, status, draft_reply, title, lead_id FROM decision_recommendations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, leadID int64
		var kind, status, draft, title string
		if err := rows.Scan(&id, &kind, &status, &draft, &title, &leadID); err != nil {
			t.Fatal(err)
		}
		kinds[id] = kind
		if status != "pending" || leadID != lead || !strings.Contains(title, "T-000001") {
			t.Errorf("%s: status %s lead %d title %q", kind, status, leadID, title)
		}
		if kind == "follow_up" && (!ai.SafeToSend(draft) || regexp.MustCompile(`(?i)tomorrow|\d+ ?(TL|EUR|USD|₺)|price`).MatchString(draft)) {
			t.Errorf("the draft commits the business: %q", draft)
		}
		if kind != "follow_up" && draft != "" {
			t.Errorf("%s carries a draft to send: %q", kind, draft)
		}
	}
	rows.Close()
	if kinds[p.ReplyRecID] != "follow_up" || kinds[p.VisitRecID] != "delivery_date" || kinds[p.PriceRecID] != "pricing" || len(kinds) != 3 {
		t.Fatalf("recommendations %v", kinds)
	}
	for _, d := range []approvals.Decision{{ID: p.ReplyRecID, Verb: "reject"}, {ID: p.VisitRecID, Verb: "approve"}, {ID: p.PriceRecID, Verb: "approve"}} {
		d.Actor = approvals.Actor{Name: "ops"}
		if _, _, err := approvals.Decide(ctx, db, d); err != nil {
			t.Fatal(err)
		}
	}
	var out, replies int
	_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound'`).Scan(&out)
	_ = db.Read.QueryRow(`SELECT count(*) FROM msp_ticket_events WHERE kind = 'reply'`).Scan(&replies)
	if out != 0 || replies != 0 {
		t.Fatalf("%d messages and %d ticket replies went out", out, replies)
	}
}

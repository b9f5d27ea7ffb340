package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app"
)

// TestDemoMSPTicketsFromConversations: in the IT provider's demo, tickets that came by WhatsApp,
// e-mail or the web chat have the conversation they came from, with its messages — the
// customer's first message, the technician's public replies on the same channel — and the
// conversation's lead as the requester; the ticket page and the conversation page link each other.
func TestDemoMSPTicketsFromConversations(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	ctx := context.Background()
	db := e.DB(app.DemoMSPSlug)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	all, linked := count(`SELECT count(*) FROM msp_tickets`), count(`SELECT count(*) FROM msp_tickets WHERE conversation_id IS NOT NULL`)
	if linked*100 < all*40 || linked == all {
		t.Errorf("%d of %d tickets came from a conversation; want about six in ten", linked, all)
	}
	for _, ch := range []string{"whatsapp", "email", "webchat"} {
		if n := count(`SELECT count(*) FROM msp_tickets t JOIN conversations c ON c.id = t.conversation_id WHERE c.channel = ?`, ch); n == 0 {
			t.Errorf("no ticket came by %s", ch)
		}
	}
	if n := count(`SELECT count(*) FROM msp_tickets t JOIN conversations c ON c.id = t.conversation_id
		WHERE t.lead_id IS NOT c.lead_id OR c.customer_id IS NULL`); n != 0 {
		t.Errorf("%d tickets whose requester is not their conversation's lead (or no customer)", n)
	}
	if n := count(`SELECT count(*) FROM msp_tickets t WHERE t.conversation_id IS NOT NULL AND (
		(SELECT count(*) FROM messages m WHERE m.conversation_id = t.conversation_id AND m.direction = 'inbound') = 0 OR
		(SELECT count(*) FROM messages m WHERE m.conversation_id = t.conversation_id AND m.direction = 'outbound') <
		(SELECT count(*) FROM msp_ticket_events v WHERE v.ticket_id = t.id AND v.kind = 'reply'))`); n != 0 {
		t.Errorf("%d linked tickets without the customer's message or with fewer replies in the conversation than on the ticket", n)
	}
	var tid, conv int64
	var subject string
	if err := db.Read.QueryRowContext(ctx, `SELECT t.id, t.conversation_id, t.subject FROM msp_tickets t JOIN conversations c ON c.id = t.conversation_id
		WHERE c.channel = 'whatsapp' ORDER BY t.id DESC LIMIT 1`).Scan(&tid, &conv, &subject); err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	c.Login(app.DemoUser, pw)
	if r := c.Post("/app/switch/", url.Values{"tenant": {app.DemoMSPSlug}}); r.StatusCode != 303 {
		t.Fatalf("switch: %d", r.StatusCode)
	}
	tp := c.Get("/app/msp/tickets/" + strconv.FormatInt(tid, 10) + "/?lang=tr")
	if a := tp.Doc(t).Find("[data-conversation]"); a.Length() != 1 || !strings.Contains(a.Text(), "WhatsApp") {
		t.Fatalf("the ticket page does not link its WhatsApp conversation: %q", a.Text())
	}
	cp := c.Get("/app/inbox/" + strconv.FormatInt(conv, 10) + "/?lang=tr")
	if cp.StatusCode != 200 || cp.Doc(t).Find(`#tickets [data-ticket="`+strconv.FormatInt(tid, 10)+`"]`).Length() != 1 {
		t.Fatalf("the conversation page does not list its ticket: %d", cp.StatusCode)
	}

	// A ticket that came by e-mail was opened — and given to the technician — by a member of the
	// team: the timeline once named the client's contact (a lawyer, at the law office) as the one
	// who opened the ticket and assigned it. The contact is its requester, not an actor.
	if n := count(`SELECT count(*) FROM msp_ticket_events v JOIN msp_tickets t ON t.id = v.ticket_id
		WHERE v.kind IN ('created', 'assigned') AND v.actor_name IS NOT ?`, app.DemoUserName); n != 0 {
		t.Errorf("%d opened or assigned lines name someone other than the technician", n)
	}
	var mail int64
	if err := db.Read.QueryRowContext(ctx, `SELECT t.id FROM msp_tickets t JOIN conversations c ON c.id = t.conversation_id
		JOIN msp_clients k ON k.id = t.client_id WHERE c.channel = 'email' AND k.contact_name LIKE 'Av. %' ORDER BY t.id DESC LIMIT 1`).Scan(&mail); err != nil {
		t.Fatal(err)
	}
	md := c.Get("/app/msp/tickets/" + strconv.FormatInt(mail, 10) + "/?lang=tr").Doc(t)
	for _, ev := range []string{"created", "assigned"} {
		if who := md.Find(`#timeline [data-event="` + ev + `"] .tl-meta bdi`).Text(); who != app.DemoUserName {
			t.Errorf("the e-mail ticket's %s line names %q", ev, who)
		}
	}
}

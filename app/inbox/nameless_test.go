package inbox_test

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/inbox"
)

// TestANamelessLeadIsNamedByItsNumber: a WhatsApp customer whose profile gave no name is listed
// in the inbox by their number, but the conversation opened from that row was headed "Bilinmeyen
// gönderen" (unknown sender), as was the page that books their site visit; both now name them
// by the number the list shows, written as people write it. A web chat visitor who gave nothing is still the unknown sender.
func TestANamelessLeadIsNamedByItsNumber(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	wa := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905551234567", Phone: "+90 555 123 45 67", Body: "Otopark için andezit, keşfe gelir misiniz?"})
	conv := strconv.FormatInt(wa.ConversationID, 10)

	if row := c.Get("/app/inbox/?lang=tr").Doc(t).Find(`a[href="/app/inbox/` + conv + `/"]`).First().Text(); !strings.Contains(row, "+90 555 123 45 67") {
		t.Fatalf("the inbox row reads %q", row)
	}
	doc := c.Get("/app/inbox/" + conv + "/?lang=tr").Doc(t)
	if h := doc.Find("h1.page-title").Text(); !strings.Contains(h, "+90 555 123 45 67") || strings.Contains(h, "Bilinmeyen") {
		t.Errorf("the conversation is headed %q", h)
	}
	if title := doc.Find("title").Text(); !strings.Contains(title, "+90 555 123 45 67") {
		t.Errorf("the conversation's tab reads %q", title)
	}
	book := c.Get("/app/visits/book?conversation_id=" + conv + "&lang=tr").Doc(t)
	if h := book.Find("h1.page-title").Text(); !strings.Contains(h, "+90 555 123 45 67") {
		t.Errorf("the booking page is headed %q", h)
	}

	anon := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-anon", Body: "Merhaba"})
	if h := c.Get("/app/inbox/" + strconv.FormatInt(anon.ConversationID, 10) + "/?lang=tr").Doc(t).Find("h1.page-title").Text(); !strings.Contains(h, "Bilinmeyen gönderen") {
		t.Errorf("a visitor who gave nothing is headed %q", h)
	}
}

// TestANamelessCustomerIsNamedAlikeEverywhere: a WhatsApp customer whose profile gave no name was
// "+90 555 123 45 67" in the inbox list but "#340" (the conversation's number) in the inbox's
// "Latest messages", on the dashboard, in the approval queue's table of conversations waiting for
// a person, and "unnamed customer" on the queue's card of its draft. Each now names them by the
// number as people write it, one left-to-right piece on an Arabic page; a customer who gave only
// an e-mail address is named by it.
func TestANamelessCustomerIsNamedAlikeEverywhere(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	wa := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905551234567", Phone: "+905551234567", Body: "Otopark için andezit, keşfe gelir misiniz?"})
	mail := ingest(t, e, "acme", inbox.Inbound{Channel: "email", ExternalID: "<a1@example.com>", Email: "ayse@example.com", Body: "Teklif rica ederim."})
	if _, err := db.Exec(t.Context(), `UPDATE conversations SET handoff_required = 1, handoff_reason = 'customer_request' WHERE id IN (?, ?)`, wa.ConversationID, mail.ConversationID); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(t.Context(), func(tx *sql.Tx) error {
		_, _, err := approvals.Create(t.Context(), tx, approvals.New{ConversationID: wa.ConversationID, Title: "Fiyat", Priority: "high",
			ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: "t:nameless"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const shown = "+90 555 123 45 67"
	link := func(id int64) string { return `a[href="/app/inbox/` + strconv.FormatInt(id, 10) + `/"]` }
	for _, lang := range []string{"tr", "ar"} {
		places := map[string]*goquery.Selection{}
		inboxDoc := c.Get("/app/inbox/?lang=" + lang).Doc(t)
		places["inbox latest messages"] = inboxDoc.Find("ul.recent " + link(wa.ConversationID)).First()
		places["dashboard"] = c.Get("/app/?lang=" + lang).Doc(t).Find("#recent-table " + link(wa.ConversationID)).First()
		queue := c.Get("/app/approvals/?lang=" + lang).Doc(t)
		places["approvals handoffs"] = queue.Find("#handoff-table " + link(wa.ConversationID)).First()
		places["approvals card"] = queue.Find(".rec-group h3 " + link(wa.ConversationID)).First()
		for where, a := range places {
			if a.Length() == 0 {
				t.Errorf("%s, %s: no link to the conversation", lang, where)
				continue
			}
			if got := strings.TrimSpace(a.Text()); got != shown {
				t.Errorf("%s, %s: the customer is named %q, want %q", lang, where, got, shown)
			}
			if dir, _ := a.Find("bdi").Attr("dir"); dir != "ltr" {
				t.Errorf("%s, %s: the number is not one left-to-right piece (dir=%q)", lang, where, dir)
			}
		}
		if got := strings.TrimSpace(inboxDoc.Find("ul.recent " + link(mail.ConversationID)).First().Text()); got != "ayse@example.com" {
			t.Errorf("%s: a customer who gave only an e-mail is named %q in the latest messages", lang, got)
		}
		if got := strings.TrimSpace(queue.Find("#handoff-table " + link(mail.ConversationID)).First().Text()); got != "ayse@example.com" {
			t.Errorf("%s: a customer who gave only an e-mail is named %q in the queue", lang, got)
		}
	}
}

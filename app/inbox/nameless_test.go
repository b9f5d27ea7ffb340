package inbox_test

import (
	"strconv"
	"strings"
	"testing"

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

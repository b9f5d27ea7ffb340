package inbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/inbox"
)

// TestActionLogSaysFirstReplyMadeContacted: the action log showed the automatic New → Contacted
// move only as "Conversation updated", with nothing about why or what else moved. A reply the
// channel sent later is now its own row, "Marked Contacted after the first reply", by the reply's
// author, naming the message and the lead's stage move; a reply saved on the form says the same
// in its save's row, with the reply it added. Both read so in the viewer's language.
func TestActionLogSaysFirstReplyMadeContacted(t *testing.T) {
	e := newEnv(t)
	db := e.DB("acme")
	ctx := context.Background()
	op := e.User("acme", "olga", "operator")
	owner := e.User("acme", "oya", "owner")

	web := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-log", Name: "Ece", Body: "Parke fiyatı?"}).ConversationID
	if r := op.Post(fmt.Sprintf("/app/inbox/%d/", web), url.Values{"body": {"Merhaba, ölçü alalım mı?"}, "direction": {"outbound"}}); r.StatusCode >= 400 {
		t.Fatalf("reply: %d", r.StatusCode)
	}
	wa := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110011", Phone: "+905321110011", Name: "Can", Body: "Merhaba"}).ConversationID
	if r := op.Post(fmt.Sprintf("/app/inbox/%d/", wa), url.Values{"body": {"Merhaba, nasıl yardımcı olalım?"}, "direction": {"outbound"}}); r.StatusCode >= 400 {
		t.Fatalf("reply: %d", r.StatusCode)
	}
	var msg int64
	_ = db.Read.QueryRow(`SELECT max(id) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, wa).Scan(&msg)
	if err := db.InTx(ctx, func(tx *sql.Tx) error { return inbox.SetDelivery(ctx, tx, msg, "wamid.x", "sent", "") }); err != nil {
		t.Fatal(err)
	}

	row := func(doc *goquery.Document, conv int64, action string) (who, summary string) {
		t.Helper()
		var found *goquery.Selection
		doc.Find("tr.log-row").EachWithBreak(func(_ int, tr *goquery.Selection) bool {
			if strings.Contains(tr.Find(`td a[href^="/app/inbox/"]`).AttrOr("href", ""), fmt.Sprintf("/%d/", conv)) &&
				strings.TrimSpace(tr.Find("td.cell-title").Text()) == action {
				found = tr
				return false
			}
			return true
		})
		if found == nil {
			t.Fatalf("no log row %q of conversation %d in:\n%s", action, conv, doc.Find("#log-rows").Text())
		}
		tds := found.Find("td")
		return strings.TrimSpace(tds.Eq(4).Text()), strings.Join(strings.Fields(found.Find("td.cell-head").Text()), " ")
	}
	for _, sc := range []struct {
		lang, marked, updated, lead, reply, message string
	}{
		{"en", "Marked Contacted after the first reply", "Conversation updated", "Lead: New → Contacted", "Reply added", fmt.Sprintf("Message #%d", msg)},
		{"tr", "İlk yanıttan sonra «İletişime geçildi» olarak işaretlendi", "Konuşma güncellendi", "Aday: Yeni → İletişime geçildi", "", ""},
	} {
		doc := owner.Get("/app/logs/?provider=conversation_inbox&lang=" + sc.lang).Doc(t)
		who, summary := row(doc, wa, sc.marked)
		if who != "olga" || !strings.Contains(summary, sc.lead) || (sc.message != "" && !strings.Contains(summary, sc.message)) {
			t.Errorf("%s: the WhatsApp reply's move reads by %q: %q, want by olga with %q and %q", sc.lang, who, summary, sc.lead, sc.message)
		}
		who, summary = row(doc, web, sc.updated)
		if who != "olga" || !strings.Contains(summary, sc.marked) || !strings.Contains(summary, sc.lead) || !strings.Contains(summary, sc.reply) {
			t.Errorf("%s: the form save with the first reply reads by %q: %q, want by olga with %q, %q and %q", sc.lang, who, summary, sc.marked, sc.lead, sc.reply)
		}
	}
}

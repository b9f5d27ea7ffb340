package api_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// An outbound message the integration API logs records what the business already said from its
// own systems (an e-mail sent from its mailbox): it is stored without a delivery status and no
// delivery job is queued for it, on a WhatsApp conversation inside the reply window and on an
// e-mail conversation alike, so the customer does not get it a second time. The conversation
// page says it was logged and not sent, in the reader's language; an inbound one still goes the
// customer's way.
func TestAPILoggedOutboundMessageIsNotSentToTheCustomer(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	imp := e.APIKey("acme", "import")
	db := e.DB("acme")
	owner := e.User("acme", "osman", "owner")
	c := e.APIClient()
	for _, in := range []inbox.Inbound{
		{Channel: "whatsapp", ExternalID: "905321234567", ProviderMessageID: "wamid.1", Phone: "+905321234567", Name: "Ayşe", Body: "stok var mı?"},
		{Channel: "email", ExternalID: "ayse@example.com", ProviderMessageID: "<m1@example.com>", Email: "ayse@example.com", Name: "Ayşe", Body: "Fiyat alabilir miyim?"},
	} {
		res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", db, in)
		if err != nil {
			t.Fatal(err)
		}
		text := "Teklifi e-postayla gönderdik (" + in.Channel + ")."
		r, err := c.Call("POST", fmt.Sprintf("/api/v1/conversations/%d/messages", res.ConversationID), imp, "application/json",
			`{"direction":"outbound","author":"Muhasebe","text":"`+text+`"}`)
		noReqErr(t, "log outbound", err)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %d %s", in.Channel, r.StatusCode, r.Body)
		}
		var id int64
		var status sql.NullString
		if err := db.Read.QueryRow(`SELECT id, delivery_status FROM messages WHERE conversation_id = ? AND body = ?`, res.ConversationID, text).Scan(&id, &status); err != nil {
			t.Fatalf("%s: the logged message: %v", in.Channel, err)
		}
		if status.Valid {
			t.Errorf("%s: logged message has delivery status %q, want none (recorded, not sent)", in.Channel, status.String)
		}
		var jobs int
		if err := db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = ? AND json_extract(payload, '$.message_id') = ?`, inbox.JobDeliver, id).Scan(&jobs); err != nil {
			t.Fatal(err)
		}
		if jobs != 0 {
			t.Errorf("%s: %d delivery jobs queued for a logged message, want 0", in.Channel, jobs)
		}
		page := owner.Get(fmt.Sprintf("/app/inbox/%d/?lang=tr", res.ConversationID))
		doc := page.Doc(t)
		msg := doc.Find(fmt.Sprintf("#m%d", id))
		if note := strings.TrimSpace(msg.Find("[data-logged]").Text()); !strings.Contains(note, "HighVibe bunu müşteriye göndermedi") {
			t.Errorf("%s: conversation page note on the logged message %q, want the Turkish 'not sent' note", in.Channel, note)
		}
		if msg.Find(".ticks").Length() != 0 {
			t.Errorf("%s: the logged message shows delivery ticks", in.Channel)
		}
	}
}

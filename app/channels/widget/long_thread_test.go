package widget_test

import (
	"fmt"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// A returning visitor whose conversation is longer than one answer sees its newest messages when
// the widget opens: it listed the thread's first 200, and the visitor's own last question appeared
// only after a poll per 200 messages.
func TestWidgetOpensALongThreadOnItsNewestMessages(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	c := e.Client()
	r := c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"m1","name":"Ayşe","lang":"tr"}`), map[string]string{"Origin": "https://example.org"})
	if r.StatusCode != 201 {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	first := decode(t, r)
	tok := first["token"].(string)
	db := e.DB("acme")
	var ext string
	if err := db.Read.QueryRow(`SELECT external_id FROM conversations WHERE id = ?`, int64(first["conversation_id"].(float64))).Scan(&ext); err != nil {
		t.Fatal(err)
	}
	err := e.Handlers.InboxService.IngestBatch(t.Context(), "acme", db, func(b *inbox.Batch) error {
		for i := 2; i <= 250; i++ {
			if _, err := b.Ingest(inbox.Inbound{Channel: "webchat", ExternalID: ext, ProviderMessageID: fmt.Sprintf("c%d", i), Body: fmt.Sprintf("m%d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r = c.Get("/widget/api/acme/messages?token=" + tok + "&after=0")
	if r.StatusCode != 200 {
		t.Fatalf("list: %d %s", r.StatusCode, r.Body)
	}
	ms := decode(t, r)["messages"].([]any)
	if len(ms) != 200 || ms[0].(map[string]any)["text"] != "m51" || ms[199].(map[string]any)["text"] != "m250" {
		t.Fatalf("the widget opens on %d messages, %v … %v; want m51 … m250", len(ms), ms[0].(map[string]any)["text"], ms[len(ms)-1].(map[string]any)["text"])
	}
}

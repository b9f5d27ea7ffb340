package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/api"
	"highvibe/app/inbox"
)

// A conversation longer than one answer gives its NEWEST messages (oldest first) and a next_cursor
// that reads the ones before, back to the first. It gave the thread's first 5,000, so an
// integration reading a regular customer's conversation never saw what they wrote last.
func TestConversationAnswersItsNewestMessages(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true}) // the assistant's replies would join the thread
	e.Tenant("acme")
	key := e.APIKey("acme", "read")
	const total = api.MessagesPage + 3
	var conv int64
	err := e.Handlers.InboxService.IngestBatch(context.Background(), "acme", e.DB("acme"), func(b *inbox.Batch) error {
		for i := 1; i <= total; i++ {
			res, err := b.Ingest(inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567",
				ProviderMessageID: fmt.Sprintf("wamid.long%d", i), Body: fmt.Sprintf("m%d", i)})
			if err != nil {
				return err
			}
			conv = res.ConversationID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	c.Header.Set("Authorization", "Bearer "+key)
	path := fmt.Sprintf("/api/v1/conversations/%d", conv)
	r := c.Get(path)
	d := decodeInto[api.ConversationDetail](t, r)
	if n := len(d.Messages); r.StatusCode != http.StatusOK || n != api.MessagesPage || d.Messages[0].Text != "m4" || d.Messages[n-1].Text != fmt.Sprintf("m%d", total) || d.NextCursor == nil {
		t.Fatalf("first answer: %d, %d messages %q … %q, next_cursor %v", r.StatusCode, len(d.Messages), d.Messages[0].Text, d.Messages[len(d.Messages)-1].Text, d.NextCursor)
	}
	r = c.Get(path + "?cursor=" + *d.NextCursor)
	d = decodeInto[api.ConversationDetail](t, r)
	if r.StatusCode != http.StatusOK || len(d.Messages) != 3 || d.Messages[0].Text != "m1" || d.Messages[2].Text != "m3" || d.NextCursor != nil {
		t.Fatalf("earlier answer: %d %+v next_cursor %v", r.StatusCode, d.Messages, d.NextCursor)
	}
	for _, bad := range []string{"x", "0", "-2"} {
		if r := c.Get(path + "?cursor=" + bad); r.StatusCode != http.StatusBadRequest || problem(t, r).Code != "bad_query" {
			t.Errorf("cursor=%s: %d %s", bad, r.StatusCode, r.Body)
		}
	}
}

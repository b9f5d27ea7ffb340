package whatsapp_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestLateDeliveryConversationStartsWithItsMessage: a new conversation was created at the moment
// it was stored while its first message kept the time the customer sent it, so a delivery
// WhatsApp made days late (it retries) showed, in the API and on the page, a conversation created
// after its own last message. A conversation now starts when its first message was sent; a time
// from before 2020 or in the future is the sender's clock being wrong, and it starts when stored.
func TestLateDeliveryConversationStartsWithItsMessage(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	read := f.e.APIKey("acme", "read")
	before := time.Now().Truncate(time.Second)
	scenarios := []struct {
		name, from string
		sent       time.Time
		wantSent   bool // created_at is the message's time (else the time it was stored)
	}{
		{"three days late", "905321110001", before.Add(-72 * time.Hour), true},
		{"a clock from 2019", "905321110002", time.Date(2019, 6, 1, 9, 0, 0, 0, time.UTC), false},
		{"a clock a day ahead", "905321110003", before.Add(24 * time.Hour), false},
	}
	for i, s := range scenarios {
		msg := fmt.Sprintf(`{"from":%q,"id":"wamid.late%d","timestamp":"%d","type":"text","text":{"body":"Merhaba, fiyat alabilir miyim?"}}`, s.from, i, s.sent.Unix())
		if r := f.post(payload(msg), nil); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: webhook %d %s", s.name, r.StatusCode, r.Body)
		}
	}
	f.settle(t)
	after := time.Now()
	for _, s := range scenarios {
		var id int64
		if err := f.e.DB("acme").Read.QueryRow(`SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone_e164 = ?`, "+"+s.from).Scan(&id); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		req, _ := http.NewRequest("GET", f.e.URL+"/api/v1/conversations/"+strconv.FormatInt(id, 10), nil)
		req.Header.Set("X-Api-Key", read)
		r := f.e.Client().Do(req)
		var d struct {
			CreatedAt string `json:"created_at"`
			Messages  []struct {
				Direction string `json:"direction"`
				CreatedAt string `json:"created_at"`
			} `json:"messages"` // the assistant's answer may be there too
		}
		if err := json.Unmarshal([]byte(r.Body), &d); err != nil || r.StatusCode != http.StatusOK {
			t.Fatalf("%s: API %d %v %s", s.name, r.StatusCode, err, r.Body)
		}
		sent := ""
		for _, m := range d.Messages {
			if m.Direction == "inbound" {
				sent = m.CreatedAt // the customer's one message
			}
		}
		created, err1 := time.Parse(time.RFC3339, d.CreatedAt)
		first, err2 := time.Parse(time.RFC3339, sent)
		if err1 != nil || err2 != nil || !first.Equal(s.sent) {
			t.Fatalf("%s: created %q, the customer's message %q (sent %s)", s.name, d.CreatedAt, sent, s.sent.UTC().Format(time.RFC3339))
		}
		switch {
		case s.wantSent && !created.Equal(first):
			t.Errorf("%s: the conversation was created %s, its first message sent %s: want the message's time", s.name, d.CreatedAt, sent)
		case !s.wantSent && (created.Before(before) || created.After(after)):
			t.Errorf("%s: the conversation was created %s, want the time it was stored (the sender's clock says %s)", s.name, d.CreatedAt, sent)
		}
	}
}

package widget_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// TestWidgetShowsAScheduledReplyWhenItGoesOut: the operator schedules a reply, the visitor writes
// again before it goes out (their message gets a higher id), and the widget, which asks for what
// came after the last message it has, still receives the reply when it is sent; a reload lists it
// after the visitor's message it followed.
func TestWidgetShowsAScheduledReplyWhenItGoesOut(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	c := e.Client()
	post := func(body string) map[string]any {
		t.Helper()
		r := c.PostJSON("/widget/api/acme/messages", []byte(body), map[string]string{"Origin": "https://example.org"})
		if r.StatusCode != 201 {
			t.Fatalf("post %s: %d %s", body, r.StatusCode, r.Body)
		}
		return decode(t, r)
	}
	first := post(`{"text":"Bahçe için kilit parke fiyatı?","name":"Ayşe","lang":"tr"}`)
	tok := first["token"].(string)
	convID := int64(first["conversation_id"].(float64))
	db := e.DB("acme")
	reply := inboxOutgoing("Günaydın Ayşe, sabah keşfe gelebiliriz.")
	reply.ScheduledAt = time.Now().Add(1200 * time.Millisecond)
	if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, convID, reply, ""); err != nil {
		t.Fatal(err)
	}
	post(`{"text":"Cevap bekliyorum","token":"` + tok + `","lang":"tr"}`)

	list := func(after int64) []map[string]any {
		t.Helper()
		r := c.Get("/widget/api/acme/messages?token=" + tok + "&after=" + itoa(after))
		if r.StatusCode != 200 {
			t.Fatalf("list: %d %s", r.StatusCode, r.Body)
		}
		var out []map[string]any
		for _, x := range decode(t, r)["messages"].([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	// The widget as it stands before the reply goes out: the last id it has.
	var last int64
	for _, m := range list(0) {
		if strings.Contains(m["text"].(string), "sabah keşfe") {
			t.Fatal("the scheduled reply is shown before its time")
		}
		if id := int64(m["id"].(float64)); id > last {
			last = id
		}
	}
	apptest.Await(t, db, "the scheduled reply to go out", func() bool {
		var st string
		_ = db.Read.QueryRow(`SELECT coalesce(delivery_status,'') FROM messages WHERE body LIKE '%sabah keşfe%'`).Scan(&st)
		return st == "sent"
	})
	seen := false
	for _, m := range list(last) {
		seen = seen || strings.Contains(m["text"].(string), "sabah keşfe")
	}
	if !seen {
		t.Fatal("the widget never receives the scheduled reply: it asks for ids after the visitor's later message")
	}
	order := []string{}
	for _, m := range list(0) {
		switch {
		case strings.Contains(m["text"].(string), "Cevap bekliyorum"):
			order = append(order, "visitor")
		case strings.Contains(m["text"].(string), "sabah keşfe"):
			order = append(order, "reply")
		}
	}
	if strings.Join(order, ",") != "visitor,reply" {
		t.Errorf("after a reload the thread reads %v, not in the order it was sent", order)
	}
}

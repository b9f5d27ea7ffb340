package inbox_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/ai"
	"highvibe/app/hours"
	"highvibe/app/inbox"
)

// TestLeadPanelNoteAndScheduleAsTheIssueAsks covers points of the operator's day (issue 12) that
// only a browser session checked by eye: the lead panel offers the phone as a tel: link and a
// WhatsApp (wa.me) link with copy buttons, and shows the assistant's review with its quality
// score; an internal note is marked as one and never queued for delivery; a scheduled reply's
// banner says "Zamanlandı" with its time, once.
func TestLeadPanelNoteAndScheduleAsTheIssueAsks(t *testing.T) {
	e := newEnv(t)
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	c := e.User("acme", "olga", "operator")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+90 532 123 45 67",
		Name: "Ali Yılmaz", Email: "ali@example.com", Body: "Merhaba, mutfak dolabı fiyatı nedir?"})
	db := e.DB("acme")
	if err := ai.Review(context.Background(), db, res.ConversationID); err != nil {
		t.Fatal(err)
	}
	var quality int
	if err := db.Read.QueryRow(`SELECT review_quality FROM conversations WHERE id = ?`, res.ConversationID).Scan(&quality); err != nil {
		t.Fatal(err)
	}
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"

	doc := c.Get(path + "?lang=tr").Doc(t)
	if href, _ := doc.Find("#lead-phone").Attr("href"); href != "tel:+905321234567" {
		t.Errorf("phone link %q, want tel:+905321234567", href)
	}
	if doc.Find(`a[href="https://wa.me/905321234567"]`).Length() != 1 {
		t.Error("no WhatsApp (wa.me) link for the lead's phone")
	}
	for _, target := range []string{"#lead-phone", "#lead-email"} {
		if doc.Find(`button[data-copy="`+target+`"]`).Length() != 1 {
			t.Errorf("no copy button for %s", target)
		}
	}
	review := doc.Find("#ai-review")
	if review.Length() != 1 || !strings.Contains(review.Text(), fmt.Sprintf("%d/100", quality)) {
		t.Errorf("the assistant's review (quality %d) is not on the page: %q", quality, strings.Join(strings.Fields(review.Text()), " "))
	}

	// An internal note: marked as a note on the page, stored as a system message, never delivered.
	if r := c.Post(path, url.Values{"body": {"Fiyatı yarın teyit et"}, "direction": {"system"}}); r.StatusCode != 303 {
		t.Fatalf("note: %d %.300s", r.StatusCode, r.Body)
	}
	var noteID int64
	var direction string
	if err := db.Read.QueryRow(`SELECT id, direction FROM messages WHERE body = 'Fiyatı yarın teyit et'`).Scan(&noteID, &direction); err != nil {
		t.Fatal(err)
	}
	var jobs int
	_ = db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'deliver_message' AND json_extract(payload, '$.message_id') = ?`, noteID).Scan(&jobs)
	if direction != "system" || jobs != 0 {
		t.Errorf("the note is stored as %s with %d delivery jobs, want system and none", direction, jobs)
	}
	doc = c.Get(path + "?lang=tr").Doc(t)
	if got := doc.Find(".flashes .flash").Text(); got != "Not eklendi." {
		t.Errorf("banner after the note %q", got)
	}
	note := doc.Find(fmt.Sprintf("#m%d", noteID))
	if !note.HasClass("msg-note") || !strings.Contains(note.Find(".msg-label").Text(), "müşteriye") {
		t.Errorf("the note is not marked as an internal note: class %q, label %q", note.AttrOr("class", ""), note.Find(".msg-label").Text())
	}

	// A scheduled reply: the banner says it was scheduled, with the time, on the next page only
	// (within WhatsApp's 24-hour window: a later time is refused).
	sendAt := time.Now().Add(3 * time.Hour).In(hours.DefaultLocation()) // the business's clock
	if r := c.Post(path, url.Values{"body": {"Yarın sabah arıyoruz"}, "direction": {"outbound"}, "send_at": {sendAt.Format("2006-01-02T15:04")}}); r.StatusCode != 303 {
		t.Fatalf("schedule: %d %.300s", r.StatusCode, r.Body)
	}
	got := c.Get(path + "?lang=tr").Doc(t).Find(".flashes .flash").Text()
	if !strings.HasPrefix(got, "Zamanlandı: ") || !strings.Contains(got, sendAt.Format("2006")) || !strings.Contains(got, sendAt.Format("15:04")) {
		t.Errorf("banner after scheduling %q, want Zamanlandı: and the time chosen (%s)", got, sendAt.Format("15:04"))
	}
	if got := c.Get(path + "?lang=tr").Doc(t).Find(".flashes .flash").Text(); got != "" {
		t.Errorf("the banner came back on the next page: %q", got)
	}
}

package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/media/mediatest"
)

// A phone camera's 9 MB photo sent from the composer is held to the limit of the conversation's
// channel, as each channel declares it in the registry: WhatsApp's 5 MB refuses it (413, the
// reason naming 5 MB, nothing kept), the chat widget and e-mail, which have no limit of their
// own, send it. Before, WhatsApp's 5 MB held on every channel. The attach form's hint names the
// channel's limit.
func TestComposerPhotoHeldToItsChannelsLimit(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "en")
	op := e.User("acme", "ayse", "operator")
	// WhatsApp and e-mail sending set up: on a channel that cannot send, a file is refused before
	// its size is looked at.
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055",
		"email_smtp_host": "smtp.example.com", "email_from": "info@example.com"})
	photo := mediatest.JPEG(1200, 900)
	photo = append(photo, bytes.Repeat([]byte{0xA5}, 9<<20-len(photo))...)
	ingest := func(in inbox.Inbound) int64 {
		t.Helper()
		res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), in)
		if err != nil {
			t.Fatal(err)
		}
		return res.ConversationID
	}
	_, web := widgetThread(t, e, "acme", "Merhaba, salonun fotoğrafını atar mısınız?")
	wa := ingest(inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe", Body: "Fotoğraf?", At: time.Now()})
	mail := ingest(inbox.Inbound{Channel: "email", ExternalID: "<a1@example.com>", Email: "deniz@example.com", Name: "Deniz", Body: "Photo please", At: time.Now()})
	stored := func(conv int64) int {
		return countRows(t, e, "acme", fmt.Sprintf("SELECT COUNT(*) FROM attachments WHERE conversation_id = %d AND kind = 'image' AND status = 'stored'", conv))
	}
	for _, c := range []struct {
		name    string
		conv    int64
		sent    bool
		photoMB string
	}{{"webchat", web, true, "15 MB"}, {"whatsapp", wa, false, "5 MB"}, {"email", mail, true, "15 MB"}} {
		page := op.Get(fmt.Sprintf("/app/inbox/%d/", c.conv))
		if hint := page.Doc(t).Find("#attach-hint").Text(); !strings.Contains(hint, "up to "+c.photoMB) {
			t.Errorf("%s: the attach hint says %q, want photos up to %s", c.name, hint, c.photoMB)
		}
		r := postFile(op, fmt.Sprintf("/app/inbox/%d/attach", c.conv), "IMG_4711.jpg", photo, map[string]string{"body": "Salon"})
		if c.sent {
			if r.StatusCode != http.StatusSeeOther || stored(c.conv) != 1 {
				t.Errorf("%s: a 9 MB photo: %d, %d stored, want sent\n%.600s", c.name, r.StatusCode, stored(c.conv), r.Doc(t).Find("#attach-error").Text())
			}
			continue
		}
		if r.StatusCode != http.StatusRequestEntityTooLarge || stored(c.conv) != 0 {
			t.Errorf("%s: a 9 MB photo: %d, %d stored, want 413 and none", c.name, r.StatusCode, stored(c.conv))
		}
		if msg := r.Doc(t).Find("#attach-error").Text(); !strings.Contains(msg, c.photoMB) {
			t.Errorf("%s: the refusal says %q, want the channel's %s", c.name, msg, c.photoMB)
		}
	}
}

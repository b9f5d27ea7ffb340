package inbox_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// TestBrowserTemplateOutsideTheWindow: an operator opens a WhatsApp conversation whose customer
// last wrote 30 hours ago, sees that the window is closed, sends the follow-up template with a
// value from the composer (htmx, no reload), and once it is delivered the open conversation says
// it went as the approved template; the page fits a phone.
func TestBrowserTemplateOutsideTheWindow(t *testing.T) {
	var mu sync.Mutex
	var sent []string
	cloud := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent = append(sent, string(b))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.TPL1"}]}`)
	}))
	t.Cleanup(cloud.Close)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	const slug = "acme"
	e.Tenant(slug)
	e.Set(slug, map[string]string{"whatsapp_api_base": cloud.URL, "whatsapp_access_token": "EAAG-test", "whatsapp_phone_number_id": "1065",
		"whatsapp_template_follow_up": "takip", "whatsapp_template_follow_up_lang": "tr"})
	e.User(slug, "olga", "operator")
	db := e.DB(slug)
	res, err := e.Handlers.InboxService.Ingest(t.Context(), slug, db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905551110001",
		Phone: "+90 555 111 00 01", Name: "Ayşe Kaya", Body: "Teklifi düşüneceğim.", At: time.Now().Add(-30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	self := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)

	b := newBrowser(t, e.URL)
	b.do("laptop size", chromedp.EmulateViewport(1366, 900))
	b.login("olga")
	b.open(self)
	b.waitStream()
	if got := b.eval(`document.querySelector('#window-closed h2').textContent`); got != "WhatsApp's 24-hour window is closed" {
		t.Fatalf("notice %q", got)
	}
	b.eval(`window.__noReload = 1; 'ok'`)
	b.do("send the follow-up template", chromedp.Click(`.template-send summary`), chromedp.WaitVisible(`#tpl-p1`),
		chromedp.SetValue(`#tpl-purpose`, "follow_up"), chromedp.SendKeys(`#tpl-p1`, "Ayşe Hanım"), chromedp.Click(`.template-form button[type=submit]`))
	b.waitFor("the template message in the timeline", `document.querySelector('#timeline').textContent.includes('Follow-up (approved template takip): Ayşe Hanım')`, 5*time.Second)
	b.waitFor("the status line", `document.querySelector('#composer-status').textContent.includes('Template queued for sending.')`, 2*time.Second)
	if b.eval(`String(window.__noReload)`) != "1" {
		t.Error("the page reloaded instead of updating in place")
	}

	var msgID int64
	if err := db.Read.QueryRow(`SELECT id FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, res.ConversationID).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]int64{"message_id": msgID})
	if err := e.Handlers.Channels.Deliverer.Handle(t.Context(), &jobs.Job{Kind: channels.JobDeliver, Payload: payload, Tenant: slug, DB: db, Attempt: 1, MaxTries: 3}); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the sent-as-template line, live", `document.querySelector('#timeline').textContent.includes('Sent as the approved WhatsApp template: takip')`, 5*time.Second)
	mu.Lock()
	got := strings.Join(sent, "\n")
	mu.Unlock()
	if !strings.Contains(got, `"type":"template"`) || !strings.Contains(got, `"name":"takip"`) || !strings.Contains(got, `"text":"Ayşe Hanım"`) {
		t.Errorf("the Cloud API received %s", got)
	}

	b.do("phone size", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.open(self)
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the conversation is %s px wide on a 390 px phone", w)
	}
}

package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/web"
)

// TestConversationCannotSend: on a Telegram conversation while Telegram sending is not set up (no
// bot token), a typed reply was queued and failed at once, the page saying "Queued for sending"
// under its red "Not sent", and Try again queued it to fail again, saying nothing. The page now
// says so above the composer (with the way to Settings → Channels for who may go there), the
// composer opens as an internal note, a reply is refused at once with the reason in the reader's
// language and nothing is stored, a note still goes in, and Try again on an earlier failed reply
// answers with the reason. Once the token is saved, all of it is gone.
func TestConversationCannotSend(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1"})
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "oya", "operator")
	db := e.DB("acme")
	svc := e.Handlers.InboxService
	res, err := svc.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: "91", Name: "Ayşe", Body: "Bahçe için taş lazım"})
	if err != nil {
		t.Fatal(err)
	}
	conv := res.ConversationID
	page := fmt.Sprintf("/app/inbox/%d/", conv)
	failed, err := svc.AddMessage(t.Context(), "acme", db, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", Body: "Yarın arıyoruz"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE messages SET delivery_status = 'failed', delivery_error = 'not sent — no Telegram bot token configured' WHERE id = ?`, failed); err != nil {
		t.Fatal(err)
	}
	outbound := func() (n int) {
		t.Helper()
		if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	doc := op.Get(page + "?lang=tr").Doc(t)
	if got := strings.TrimSpace(doc.Find("#cannot-send-title").Text()); got != "Telegram gönderimi ayarlı değil" {
		t.Errorf("operator: the banner's title is %q", got)
	}
	if doc.Find(`#cannot-send a[href^="/app/settings/channels"]`).Length() != 0 || !strings.Contains(doc.Find("#cannot-send").Text(), "İşletme sahibinden") {
		t.Errorf("operator: the banner links to settings they cannot open, or does not say whom to ask: %q", doc.Find("#cannot-send").Text())
	}
	if v, _ := doc.Find(`#direction option[selected]`).Attr("value"); v != "system" {
		t.Errorf("the composer opens as %q, want an internal note", v)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		d := owner.Get(page + "?lang=" + lang).Doc(t)
		if href, _ := d.Find(`#cannot-send a`).Attr("href"); href != "/app/settings/channels#telegram_bot_token" {
			t.Errorf("%s: owner's banner links to %q", lang, href)
		}
		want := i18n.For(lang).T("inbox.error.cannot_send", i18n.For(lang).T("inbox.channel.telegram"))
		for _, htmx := range []bool{false, true} {
			r := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"outbound"}, "body": {"Yarın arıyoruz"}, web.OnceField: {web.NewOnceToken()}}, htmx)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s htmx=%v: a reply answered %d, want 422", lang, htmx, r.StatusCode)
			}
			if got := r.Doc(t).Text(); !strings.Contains(got, want) || strings.Contains(got, i18n.For(lang).T("inbox.done.queued")) {
				t.Errorf("%s htmx=%v: the answer says %q", lang, htmx, got)
			}
		}
		// Try again on the earlier failed reply: the reason, beside it; the message stays failed.
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s%smessages/%d/retry?lang=%s", e.URL, page, failed, lang), nil)
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "timeline")
		r := op.Do(req)
		if r.StatusCode != http.StatusUnprocessableEntity || r.Header.Get("HX-Retarget") != fmt.Sprintf("#retry-status-%d", failed) || !strings.Contains(r.Body, want) {
			t.Errorf("%s: Try again answered %d %q %.300s", lang, r.StatusCode, r.Header.Get("HX-Retarget"), r.Body)
		}
	}
	if r := op.Post(fmt.Sprintf("%smessages/%d/retry?lang=tr", page, failed), nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("Try again without script: %d", r.StatusCode)
	} else if got := op.Get(r.Header.Get("Location")).Doc(t).Find(".flash").Text(); !strings.Contains(got, "gönderimi ayarlı değil, yanıt müşteriye ulaşamaz") {
		t.Errorf("Try again without script: the banner says %q", got)
	}
	var st string
	_ = db.Read.QueryRow(`SELECT delivery_status FROM messages WHERE id = ?`, failed).Scan(&st)
	if st != "failed" || outbound() != 1 {
		t.Errorf("after the refusals: the failed reply is %q and %d replies are stored, want failed and 1", st, outbound())
	}
	if r := composerPost(e, op, page+"?lang=tr", url.Values{"direction": {"system"}, "body": {"Müşteriyi telefonla ara"}, web.OnceField: {web.NewOnceToken()}}, false); r.StatusCode != http.StatusSeeOther {
		t.Errorf("an internal note answered %d", r.StatusCode)
	}

	e.Set("acme", map[string]string{"telegram_bot_token": "123456789:AAHdef_ghi-jklmnopqrstuvwxyz012"})
	doc = op.Get(page + "?lang=tr").Doc(t)
	if doc.Find("#cannot-send").Length() != 0 {
		t.Error("the banner stays after the bot token is saved")
	}
	if r := composerPost(e, op, page+"?lang=tr", url.Values{"direction": {"outbound"}, "body": {"Yarın arıyoruz"}, web.OnceField: {web.NewOnceToken()}}, false); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a reply with Telegram set up answered %d", r.StatusCode)
	}
	if outbound() != 2 {
		t.Errorf("%d replies stored, want 2", outbound())
	}
}

// TestConversationNotSetUpIsOneNotice: a WhatsApp conversation whose 24-hour window had closed,
// while the business's WhatsApp sending was not set up, showed two notices above the messages
// ("WhatsApp sending is not set up" and "WhatsApp's 24-hour window is closed", with its template
// advice): on a phone they filled the screen before the conversation. Nothing reaches the
// customer until sending is set up, so that is now the one notice, with the owner's link to the
// settings and the operator told whom to ask; the window's notice comes once WhatsApp is set up.
func TestConversationNotSetUpIsOneNotice(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "oya", "operator")
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110044",
		Name: "Gülşen Aktaş", Body: "Fiyat alabilir miyim?", At: time.Now().Add(-30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
	notices := func(d *goquery.Document) []string {
		var ids []string
		d.Find("#conversation .window-closed").Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("id", "")) })
		return ids
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		d := owner.Get(page + "?lang=" + lang).Doc(t)
		if got := notices(d); fmt.Sprint(got) != "[cannot-send]" {
			t.Errorf("%s: the owner's conversation shows the notices %v, want only the one saying sending is not set up", lang, got)
		}
		if a := d.Find("#cannot-send a"); a.AttrOr("href", "") != "/app/settings/channels#whatsapp_access_token" || strings.TrimSpace(a.Text()) != p.T("inbox.cannot_send.setup") {
			t.Errorf("%s: the owner's notice links %q (%q), want the WhatsApp settings", lang, a.AttrOr("href", ""), a.Text())
		}
		if got := strings.TrimSpace(d.Find("#cannot-send-title").Text()); got != p.T("inbox.cannot_send.title", p.T("inbox.channel.whatsapp")) {
			t.Errorf("%s: the notice is titled %q", lang, got)
		}
		d = op.Get(page + "?lang=" + lang).Doc(t)
		if got := notices(d); fmt.Sprint(got) != "[cannot-send]" {
			t.Errorf("%s: the operator's conversation shows the notices %v", lang, got)
		}
		if d.Find("#cannot-send a").Length() != 0 || !strings.Contains(d.Find("#cannot-send").Text(), p.T("inbox.cannot_send.ask")) {
			t.Errorf("%s: the operator's notice does not say whom to ask: %q", lang, strings.TrimSpace(d.Find("#cannot-send").Text()))
		}
	}
	// Set up: the window's own notice, with its advice, takes the place.
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	if got := notices(owner.Get(page + "?lang=tr").Doc(t)); fmt.Sprint(got) != "[window-closed]" {
		t.Errorf("with WhatsApp set up the conversation shows %v, want the closed window's notice", got)
	}
}

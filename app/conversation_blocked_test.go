package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/media/mediatest"
	"highvibe/app/web"
)

// TestConversationBlockedRefusesReplies: a Telegram customer who blocked the bot cannot be
// reached — a reply was queued and failed later, while the operator believed it sent. The
// conversation now says so above the composer in the reader's language (since when), the
// composer opens as an internal note, and a reply or a file posted anyway is refused with what to
// do instead; nothing is stored. A note still goes in, and after the customer unblocks the bot a
// reply is taken again.
func TestConversationBlockedRefusesReplies(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1", "telegram_bot_token": "123456789:AAHdef_ghi-jklmnopqrstuvwxyz012"})
	op := e.User("acme", "oya", "operator")
	db := e.DB("acme")
	hook := e.Client()
	post := func(body string) {
		t.Helper()
		if r := hook.PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
			t.Fatalf("update: %d %s", r.StatusCode, r.Body)
		}
	}
	member := func(id int64, from, to string) string {
		return fmt.Sprintf(`{"update_id":%d,"my_chat_member":{"chat":{"id":91,"type":"private","first_name":"Ayşe"},"from":{"id":91,"is_bot":false,"first_name":"Ayşe"},"date":1735689900,
			"old_chat_member":{"user":{"id":7000001,"is_bot":true,"first_name":"Osman Taş"},"status":%q},"new_chat_member":{"user":{"id":7000001,"is_bot":true,"first_name":"Osman Taş"},"status":%q}}}`, id, from, to)
	}
	post(`{"update_id":900,"message":{"message_id":900,"from":{"id":91,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":91,"type":"private"},"date":1735689600,"text":"Bahçe için 120 m² taş lazım"}}`)
	var conv int64
	if err := db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'upd:900'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/app/inbox/%d/", conv)
	replies := func() int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if doc := op.Get(page + "?lang=tr").Doc(t); doc.Find("#blocked").Length() != 0 {
		t.Fatal("the blocked banner shows before any block")
	}
	post(member(901, "member", "kicked"))

	doc := op.Get(page + "?lang=tr").Doc(t)
	if got := strings.TrimSpace(doc.Find("#blocked-title").Text()); got != "Müşteri Telegram'da botu engelledi" {
		t.Errorf("the banner's title is %q", got)
	}
	if !strings.Contains(doc.Find("#blocked").Text(), "tarihinden beri Telegram botun bu müşteriye yazmasına izin vermiyor") {
		t.Errorf("the banner says %q", doc.Find("#blocked").Text())
	}
	if v, _ := doc.Find(`#direction option[selected]`).Attr("value"); v != "system" {
		t.Errorf("the composer opens as %q after the block, want an internal note", v)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		want, _, _ := strings.Cut(i18n.For(lang).T("inbox.error.blocked", "\x00"), "\x00") // up to the date
		r := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"outbound"}, "body": {"Yarın arıyoruz"}, web.OnceField: {web.NewOnceToken()}}, false)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a reply to a customer who blocked the bot answered %d, want 422", lang, r.StatusCode)
		}
		if got := r.Doc(t).Find(`#composer-status`).Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the composer says %q", lang, got)
		}
	}
	f := postFile(op, page+"attach?lang=tr", "plan.pdf", mediatest.PDF(), map[string]string{"body": "Plan"})
	if f.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(f.Doc(t).Text(), "bu müşteri") {
		t.Errorf("a file to a customer who blocked the bot: %d %.300s", f.StatusCode, f.Body)
	}
	if n := replies(); n != 0 {
		t.Fatalf("refused replies stored %d messages", n)
	}
	if r := composerPost(e, op, page, url.Values{"direction": {"system"}, "body": {"Telefonla aranacak"}}, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a note after the block answered %d", r.StatusCode)
	}

	post(member(902, "kicked", "member"))
	if doc := op.Get(page + "?lang=tr").Doc(t); doc.Find("#blocked").Length() != 0 {
		t.Error("the blocked banner still shows after the unblock")
	}
	if r := composerPost(e, op, page, url.Values{"direction": {"outbound"}, "body": {"Merhaba, yarın arıyoruz"}}, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a reply after the unblock answered %d: %.300s", r.StatusCode, r.Body)
	}
	if n := replies(); n != 1 {
		t.Errorf("after the unblock %d replies are stored, want 1", n)
	}
}

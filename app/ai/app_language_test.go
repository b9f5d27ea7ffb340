package ai_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// tgFrom is a Telegram update carrying a text message from a customer whose Telegram app is set
// to lang (from.language_code).
func tgFrom(id, chat int64, lang, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Ivan","language_code":%q},"chat":{"id":%d,"type":"private"},"date":1735689600,"text":%q}}`,
		id, id, chat, lang, chat, text)
}

// TestTelegramGreetingInTheAppsLanguage: a customer whose Telegram app is in Russian who taps
// Start was greeted in the business's Turkish. The greeting now goes in their app's language when
// the catalogs have it (German), in English when they do not (Russian), in Turkish for a Turkish
// app. A short "ok" that does not tell a language is answered by the builtin texts in English for
// the Russian app (the builtin texts are Turkish and English); a customer who wrote Turkish is
// answered in Turkish whatever their app says.
func TestTelegramGreetingInTheAppsLanguage(t *testing.T) {
	e := setup(t)
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1", "telegram_api_base": "http://127.0.0.1:1"})
	post := func(body string) int64 {
		t.Helper()
		if r := e.Client().PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
			t.Fatalf("telegram: %d %s", r.StatusCode, r.Body)
		}
		settle(t, e, "ai_triage")
		return one[int64](t, e, `SELECT conversation_id FROM messages WHERE direction = 'inbound' ORDER BY id DESC LIMIT 1`)
	}
	greeting := func(lang string) string { return i18n.For(lang).T("widget.default_greeting", "Acme Ltd") }
	for i, c := range []struct{ app, want string }{{"ru", "en"}, {"de", "de"}, {"tr", "tr"}, {"uk", "en"}} {
		conv := post(tgFrom(int64(800+i), int64(80+i), c.app, "/start"))
		if sent := outbound(t, e, conv); len(sent) != 1 || sent[0] != greeting(c.want) {
			t.Errorf("app in %q: greeted %q, want %q", c.app, sent, greeting(c.want))
		}
	}

	// The Russian app's customer then writes "ok": too little to tell, answered in English.
	conv := post(tgFrom(810, 80, "ru", "ok"))
	if sent := outbound(t, e, conv); len(sent) != 2 || turkish(sent[1]) {
		t.Errorf("a Russian app's \"ok\" was answered %q, want English", sent)
	}
	if l := one[string](t, e, `SELECT language FROM conversations WHERE id = ?`, conv); l != "en" {
		t.Errorf("the conversation's language is %q, want en", l)
	}
	// A customer who writes Turkish from a Russian app is answered in Turkish.
	tr := post(tgFrom(820, 90, "ru", "Merhaba, bahçe için gri granit küp taş hakkında bilgi almak istiyorum"))
	post(tgFrom(821, 90, "ru", "ok"))
	sent := outbound(t, e, tr)
	if len(sent) == 0 || !turkish(strings.Join(sent, " ")) {
		t.Errorf("a customer writing Turkish from a Russian app was answered %q, want Turkish", sent)
	}
	for _, s := range sent {
		if strings.HasPrefix(s, "Thank you") {
			t.Errorf("a customer writing Turkish got an English reply: %q", s)
		}
	}
}

// TestAfterHoursAckInTheAppsLanguage: outside business hours the acknowledgement of a message that
// does not tell a language (a Start, "ok") goes in the language of the customer's messenger app:
// German for a German app (the acknowledgement is in all six catalogs), English for a Russian one;
// a customer who wrote Turkish before is acknowledged in Turkish.
func TestAfterHoursAckInTheAppsLanguage(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	ctx := context.Background()
	db := e.DB("acme")
	writes := func(from, app, text, at string) []string {
		t.Helper()
		res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: from, Body: text,
			ProviderMessageID: from + at + text, Notes: map[string]string{inbox.NoteLanguage: app}})
		if err != nil {
			t.Fatal(err)
		}
		when, _ := time.ParseInLocation("2006-01-02 15:04", at, istanbul)
		if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, when.UnixMilli(), res.MessageID); err != nil {
			t.Fatal(err)
		}
		before := outbound(t, e, res.ConversationID)
		e.Handlers.Assistant.Now = func() time.Time { return when.Add(3 * time.Second) }
		defer func() { e.Handlers.Assistant.Now = nil }()
		if _, err := e.Handlers.Assistant.Triage(ctx, "acme", db, res.ConversationID, res.MessageID); err != nil {
			t.Fatal(err)
		}
		return outbound(t, e, res.ConversationID)[len(before):]
	}
	ack := func(lang string) string {
		p := i18n.For(lang)
		return p.T("hours.ack.default", p.T("hours.when.weekday", hours.DayInSentence(p.Lang, p.T, time.Monday), hours.ClockFrom(p.Lang, "09:00")))
	}
	for _, c := range []struct{ from, app, text, want string }{
		{"de1", "de", "[start]", "de"}, {"ru1", "ru", "[start]", "en"}, {"ru2", "ru", "ok", "en"}, {"fr1", "fr", "👍", "fr"},
	} {
		if sent := writes(c.from, c.app, c.text, "2026-12-04 20:15"); len(sent) != 1 || sent[0] != ack(c.want) {
			t.Errorf("%s (app %s) %q: acknowledged %q, want %q", c.from, c.app, c.text, sent, ack(c.want))
		}
	}
	// Turkish written in opening hours, then "ok" at night from the same Russian app: Turkish.
	writes("ru3", "ru", "Merhaba, bahçe için taş döşetmek istiyorum, bilgi alabilir miyim?", "2026-12-04 11:00")
	if sent := writes("ru3", "ru", "ok", "2026-12-04 21:00"); len(sent) != 1 || sent[0] != ack("tr") {
		t.Errorf("a customer who wrote Turkish: acknowledged %q, want %q", sent, ack("tr"))
	}
}

// TestModelPromptNamesTheLanguage: a configured model was told to answer "in the customer's
// language" without being told which whenever the customer wrote neither Turkish nor English.
// The prompt now names the language the product knows — from the customer's words (German), or
// from their Telegram app's language when their words are in a script it does not name
// (Russian) — and still tells the model that prices, payment terms, warranties and dates are a
// person's to approve.
func TestModelPromptNamesTheLanguage(t *testing.T) {
	e, fm := withModel(t, `{"handoff":true,"urgency_band":"mid","intents":["price"],"language":"tr"}`)
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1", "telegram_api_base": "http://127.0.0.1:1"})
	prompt := func(from int) string {
		t.Helper()
		all := fm.sent()
		for _, p := range strings.Split(all[from:], "\n") {
			if strings.Contains(p, "Suggested reply:") {
				return p
			}
		}
		t.Fatalf("the model was not asked for a reply: %s", all[from:])
		return ""
	}
	for _, c := range []struct {
		name, want string
		send       func()
	}{
		{"German words", "Answer in German.", func() { post(t, e, "Hallo, was kostet Granit für unseren Garten? Wir brauchen ein Angebot.") }},
		{"Turkish words", "Answer in Turkish.", func() { post(t, e, "Merhaba, bahçe için gri granit hakkında bilgi almak istiyorum") }},
		{"Russian app, Cyrillic words", "Answer in Russian.", func() {
			body := tgFrom(900, 95, "ru", "Здравствуйте! Сколько стоит гранитная брусчатка для двора?")
			if r := e.Client().PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
				t.Fatalf("telegram: %d %s", r.StatusCode, r.Body)
			}
			settle(t, e, "ai_triage")
		}},
	} {
		from := len(fm.sent())
		c.send()
		p := prompt(from)
		if !strings.Contains(p, c.want) || strings.Contains(p, "the customer's language") {
			t.Errorf("%s: the prompt says %q, want %q", c.name, p, c.want)
		}
		if !strings.Contains(p, "Never state prices, payment terms, warranties or dates; a person approves those.") {
			t.Errorf("%s: the prompt lost the rule that commitments go to a person: %q", c.name, p)
		}
	}
}

package ai_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// tgText is a Telegram update carrying a text message from chat.
func tgText(id, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":%d,"type":"private"},"date":1735689600,"text":%q}}`,
		id, id, chat, chat, text)
}

// TestStartCodeIsNotTheCustomersWords: a Telegram customer who opened the bot from a link with a
// code (t.me/bot?start=bahar_kampanya) has the opening in their conversation ("[start:
// bahar_kampanya]", which the page says as "Opened the chat from a link with the code …"). The
// code is where they came from, not something they wrote: a configured model was handed
// "(earlier) [start: bahar_kampanya]" with the customer's next message, and asked to draft a
// reply to the opening itself ("Suggest a draft" on that chat) it was shown the code as the
// customer's words. Now no text a model is given carries it, a draft for the opening is the
// greeting, and the operator still sees where the customer came from.
func TestStartCodeIsNotTheCustomersWords(t *testing.T) {
	e, fm := withModel(t, `{"handoff":true,"urgency_band":"mid","intents":["price"],"language":"tr"}`)
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1", "telegram_api_base": "http://127.0.0.1:1"})
	owner := e.User("acme", "talha", "owner")
	post := func(body string) {
		t.Helper()
		if r := e.Client().PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
			t.Fatalf("telegram: %d %s", r.StatusCode, r.Body)
		}
		settle(t, e, "telegram_process", "ai_triage")
	}
	post(tgText(700, 71, "/start bahar_kampanya"))
	post(tgText(701, 71, "Merhaba, bahçe için 200 m² gri granit ne kadar tutar?"))
	conv := one[int64](t, e, `SELECT id FROM conversations WHERE channel = 'telegram' AND external_id = '71'`)
	sent := fm.sent()
	if !strings.Contains(sent, "gri granit") {
		t.Fatalf("the model was not asked about the customer's message: %s", sent)
	}
	if strings.Contains(sent, "bahar_kampanya") || strings.Contains(sent, "[start") || strings.Contains(sent, "/start") {
		t.Errorf("the model was shown the link's code as the customer's words:\n%s", sent)
	}
	// The operator still sees where the customer came from.
	doc := owner.Get(fmt.Sprintf("/app/inbox/%d/?lang=en", conv)).Doc(t)
	if line := doc.Find("#timeline").Text(); !strings.Contains(line, "Opened the chat from a link with the code") || !strings.Contains(line, "bahar_kampanya") {
		t.Errorf("the conversation no longer says where the customer came from: %q", strings.Join(strings.Fields(line), " "))
	}

	// A chat that is only the opening: asked for a draft, the assistant drafts the greeting, and
	// no model reads the code.
	post(tgText(702, 72, "/start yaz_indirimi"))
	only := one[int64](t, e, `SELECT id FROM conversations WHERE channel = 'telegram' AND external_id = '72'`)
	owner.Header.Set("HX-Request", "true")
	r := owner.Post(fmt.Sprintf("/app/inbox/%d/suggest", only), url.Values{})
	if r.StatusCode != 200 {
		t.Fatalf("suggest: %d %.300s", r.StatusCode, r.Body)
	}
	if strings.Contains(fm.sent(), "yaz_indirimi") {
		t.Errorf("asked for a draft, the model was shown the link's code: %s", fm.sent())
	}
	if draft := r.Doc(t).Find("textarea#body").Text(); draft != "Merhaba! Acme Ltd olarak size nasıl yardımcı olabiliriz?" {
		t.Errorf("the draft for a chat that was only opened is %q, want the greeting", draft)
	}

	// A message that is only a start command with a code, as the chat widget takes whatever is
	// typed: not read as the customer's words (it was triaged as an English date question —
	// handed off, a delivery-date recommendation queued, the model shown the code).
	web := widgetPost(t, e, map[string]any{"text": "/start bahar_kampanya", "name": "Deniz", "consent": true}).ConversationID
	settle(t, e, "ai_triage")
	recs := one[int](t, e, `SELECT count(*) FROM decision_recommendations WHERE conversation_id = ?`, web)
	hand := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, web)
	if recs != 0 || hand != 0 || strings.Contains(fm.sent(), "bahar_kampanya") {
		t.Errorf("a message that is only /start CODE was read as the customer's words: recommendations %d, handoff %d, model shown the code %v",
			recs, hand, strings.Contains(fm.sent(), "bahar_kampanya"))
	}
}

package telegram_test

import (
	"fmt"
	"sync"
	"testing"

	"highvibe/app/apptest"
)

func update(id int64, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":42,"is_bot":false,"first_name":"Ayşe","last_name":"Kaya"},"chat":{"id":%d,"type":"private"},"date":1735689600,"text":%q}}`, id, id, chat, text)
}

func TestTelegramWebhook(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	post := func(body, secret string) int {
		h := map[string]string{}
		if secret != "" {
			h["X-Telegram-Bot-Api-Secret-Token"] = secret
		}
		return c.PostJSON("/api/webhooks/telegram/acme/", []byte(body), h).StatusCode
	}
	if s := post(update(1, 5, "x"), "anything"); s != 403 {
		t.Fatalf("no secret configured: %d", s)
	}
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1"})
	if s := post(update(1, 5, "x"), "wrong"); s != 403 {
		t.Fatalf("wrong secret: %d", s)
	}
	if s := c.PostJSON("/api/webhooks/telegram/nope/", []byte(update(1, 5, "x")), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}).StatusCode; s != 404 {
		t.Fatalf("unknown tenant: %d", s)
	}
	if s := post(`{"update_id":`, "tg_secret-1"); s != 400 {
		t.Fatalf("malformed: %d", s)
	}
	const chat = -1001234567890123 // beyond 32 bits
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if s := post(update(900000001, chat, "Merhaba, 200 m² granit 🌿"), "tg_secret-1"); s != 200 {
				t.Errorf("update: %d", s)
			}
		})
	}
	wg.Wait()
	photo := `{"update_id":900000002,"message":{"message_id":7,"chat":{"id":-1001234567890123,"type":"group"},"date":1735689601,"photo":[{"file_id":"a"}],"caption":"bahçe fotoğrafı"}}`
	edit := `{"update_id":900000003,"edited_message":{"message_id":7,"chat":{"id":-1001234567890123},"date":1735689601,"edit_date":1735689700,"text":"edited"}}`
	for _, b := range []string{photo, edit} {
		if s := post(b, "tg_secret-1"); s != 200 {
			t.Fatalf("%s: %d", b, s)
		}
	}
	db := e.DB("acme")
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'inbound'`).Scan(&n)
	if n != 2 {
		t.Fatalf("messages = %d, want 2 (dedupe by update_id, edits ignored)", n)
	}
	var ext, body string
	_ = db.Read.QueryRow(`SELECT c.external_id, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.provider_message_id = 'upd:900000002'`).Scan(&ext, &body)
	if ext != "-1001234567890123" || body != "bahçe fotoğrafı" {
		t.Fatalf("chat id %q body %q", ext, body)
	}
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations WHERE channel = 'telegram'`).Scan(&n)
	if n != 1 {
		t.Fatalf("conversations = %d", n)
	}
}

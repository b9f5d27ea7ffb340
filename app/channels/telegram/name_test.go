package telegram_test

import (
	"testing"

	"highvibe/app/apptest"
)

// TestTelegramNameIsOneLineOfText: a Telegram name carrying a right-to-left override and a new
// line (anyone can set one) is stored as one line of plain text: the override turned the rest of
// the panel's line around where the name is shown.
func TestTelegramNameIsOneLineOfText(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1"})
	body := `{"update_id":7001,"message":{"message_id":1,"from":{"id":42,"is_bot":false,"first_name":"Ayşe\u202e","last_name":"Kaya\nIBAN\u2068 TR12"},"chat":{"id":42,"type":"private"},"date":1735689600,"text":"Merhaba"}}`
	if r := e.Client().PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
		t.Fatalf("update: %d %s", r.StatusCode, r.Body)
	}
	var name string
	if err := e.DB("acme").Read.QueryRow(`SELECT name FROM leads`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "Ayşe Kaya IBAN TR12" {
		t.Errorf("the lead's name is stored as %q", name)
	}
}

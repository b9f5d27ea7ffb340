package whatsapp_test

import (
	"encoding/json"
	"testing"
)

// TestWhatsAppProfileNameIsOneLineOfText: a WhatsApp profile name carrying a right-to-left
// override, an isolate and a new line (anyone can set one) is stored as one line of plain text,
// as the chat widget's and Telegram's names are: the override stayed open where the inbox shows
// the name inside a line of its own words and turned the rest of that line around. An Arabic name
// keeps its letters.
func TestWhatsAppProfileNameIsOneLineOfText(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	send := func(waID, wamid, name string) {
		t.Helper()
		n, _ := json.Marshal(name)
		body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":` + string(n) + `},"wa_id":"` + waID + `"}],
"messages":[` + textMsg(waID, wamid, "Merhaba") + `]},"field":"messages"}]}]}`
		if r := f.post(body, nil); r.StatusCode != 200 {
			t.Fatalf("webhook: %d %s", r.StatusCode, r.Body)
		}
	}
	send("905321112233", "wamid.N1", "Ayşe Kaya \u202eIBAN\u2068 TR12\n0006")
	send("905329998877", "wamid.N2", "ليلى \u202bحسن")
	f.settle(t)
	for phone, want := range map[string]string{"+905321112233": "Ayşe Kaya IBAN TR12 0006", "+905329998877": "ليلى حسن"} {
		var got string
		if err := f.e.DB("acme").Read.QueryRow(`SELECT name FROM leads WHERE phone_e164 = ?`, phone).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: the lead's name is stored as %q, want %q", phone, got, want)
		}
	}
}

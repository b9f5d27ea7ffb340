package whatsapp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"contacts":[{"profile":{"name":"A"},"wa_id":"905321234567"}],"messages":[{"from":"905321234567","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"Merhaba 👋"}}]}}]}]}`))
	f.Add([]byte(`{"object":"x","entry":[{"changes":[{"value":{"statuses":[{"id":"wamid.2","status":"failed","errors":[{"code":131047,"title":"Re-engagement"}]}]}}]}]}`))
	f.Add([]byte(`{"object":"x","entry":[{"changes":[{"value":{"messages":[{"from":"1","id":"r","type":"reaction","reaction":{"message_id":"wamid.1","emoji":"👍"}},{"from":"1","id":"l","type":"location","location":{"latitude":1.5,"longitude":-2}},{"from":"1","id":"u","type":"sticker"}]}}]}]}`))
	f.Add([]byte(`{"object":null,"entry":null}`))
	f.Add([]byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		batch, err := Parse(b)
		if err != nil {
			if ParseEnvelope(b) == nil {
				t.Fatalf("Parse failed but envelope ok: %v", err)
			}
			return
		}
		for _, m := range batch.Messages {
			if m.ID == "" || m.From == "" || strings.TrimSpace(m.Body) == "" && m.Kind != "text" {
				t.Fatalf("message without key or readable body: %+v", m)
			}
			if utf8.RuneCountInString(m.Body) > MaxTextRunes+200 {
				t.Fatalf("body too long: %d", len(m.Body))
			}
		}
		for _, r := range batch.Reactions {
			if r.TargetID == "" {
				t.Fatal("reaction without target")
			}
		}
	})
}

func TestTruncateRunes(t *testing.T) {
	s := strings.Repeat("ğ", MaxTextRunes+10)
	if got := truncateRunes(s, MaxTextRunes); utf8.RuneCountInString(got) != MaxTextRunes || !utf8.ValidString(got) {
		t.Fatal("truncate broke runes")
	}
	if got := truncateRunes("abc", 5); got != "abc" {
		t.Fatal(got)
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := Sign(body, "k")
	if !ValidSignature(body, sig, "k") || ValidSignature(body, sig, "x") || ValidSignature([]byte(`{"a":2}`), sig, "k") || ValidSignature(body, "sha256=zz", "k") || ValidSignature(body, "", "k") {
		t.Fatal("signature check wrong")
	}
}

package ai_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"highvibe/app/ai"
	"highvibe/app/apptest"
)

// replies are the assistant's messages of a conversation, oldest first.
func replies(t *testing.T, e *apptest.Env, conv int64) []string {
	t.Helper()
	rows, err := e.DB("acme").Read.Query(`SELECT body FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND author_kind = 'ai' ORDER BY id`, conv)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// chat is one visitor writing several messages in the chat widget, each answered before the next.
func chat(t *testing.T, e *apptest.Env, lang string, texts ...string) int64 {
	t.Helper()
	first := widgetPost(t, e, map[string]any{"text": texts[0], "name": "Deniz", "consent": true, "lang": lang})
	for _, text := range texts[1:] {
		widgetPost(t, e, map[string]any{"token": first.Token, "text": text, "lang": lang})
	}
	return first.ConversationID
}

// The builtin assistant read only the customer's messages, so it did not know what it had asked:
// a visitor who said hello and then wrote again got the same two questions word for word, and one
// who answered "how many m²?" with "yaklaşık 150" was asked "how many m²?" again. Now it reads the
// conversation with its own replies: no question is asked twice, and the number answering the area
// question is the area (the price question after it is estimated for 150 m²).
func TestAssistantAsksNoQuestionTwice(t *testing.T) {
	e := setup(t)
	for _, c := range []struct {
		lang  string
		texts []string
	}{
		{"tr", []string{"Merhaba", "Bahçe için bakıyoruz.", "Henüz karar vermedik.", "Tamam."}},
		{"en", []string{"Hello", "We are looking at the garden.", "Not decided yet.", "ok"}},
		{"tr", []string{"Merhaba, bahçeye gri granit düşünüyoruz.", "yaklaşık 150", "Fiyat ne olur?"}},
	} {
		conv := chat(t, e, c.lang, c.texts...)
		got := replies(t, e, conv)
		if len(got) != len(c.texts) {
			t.Fatalf("%v: %d replies, want one per message: %q", c.texts, len(got), got)
		}
		seen := map[string]int{}
		for i, r := range got {
			for _, q := range strings.SplitAfter(r, "?") {
				q = strings.TrimSpace(q)
				if !strings.HasSuffix(q, "?") {
					continue
				}
				if j, ok := seen[q]; ok {
					t.Errorf("%v: reply %d asks again what reply %d asked: %q\nreplies: %q", c.texts, i+1, j+1, q, got)
				}
				seen[q] = i
			}
			if i > 0 && r == got[i-1] {
				t.Errorf("%v: reply %d repeats the one before word for word: %q", c.texts, i+1, r)
			}
		}
		if c.texts[1] == "yaklaşık 150" {
			if strings.Contains(got[1]+got[2], "kaç m²") {
				t.Errorf("asked the area again after the customer answered it: %q", got)
			}
			words := one[string](t, e, `SELECT words FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'pricing'`, conv)
			if !strings.Contains(words, `"area":150`) || !strings.Contains(words, `"case":"estimate"`) {
				t.Errorf("the price question is not estimated for the 150 m² the customer answered: %s", words)
			}
		}
	}
}

// A customer naming a day for the visit ("Perşembe öğleden sonra uygun") was answered as if they had
// said nothing: "we have your message, someone will check this". A date waits for a person, and
// the reply now says so in the customer's language: a colleague will confirm the date. It names no
// date itself, and the date waits in the approval queue.
func TestNamedDateWaitsForAColleague(t *testing.T) {
	e := setup(t)
	for _, c := range []struct {
		lang, first, date, want string
	}{
		{"tr", "Merhaba, 120 m² gri granit küp taş düşünüyoruz.", "Perşembe öğleden sonra uygun.", "Ekibimizden bir yetkili tarihi kontrol edip size teyit edecek."},
		{"en", "Hi, we need 120 m² of granite cobbles for a garden.", "Thursday morning works.", "A colleague will check the date and confirm it with you."},
		// Asked for a visit first, then naming the day: the second reply does not repeat the
		// first word for word, and still says the date waits for a colleague.
		{"tr", "Merhaba, 120 m² granit için keşfe ne zaman gelebilirsiniz?", "Cuma sabah olur.", "Bunu da not aldık; tarihi ekibimizden bir yetkili size teyit edecek."},
		{"en", "Hi, when could someone come and measure 120 m² for granite cobbles?", "Friday morning is fine.", "Noted as well; a colleague will confirm the date with you."},
	} {
		conv := chat(t, e, c.lang, c.first, c.date)
		got := replies(t, e, conv)
		if len(got) != 2 || !strings.Contains(got[1], c.want) {
			t.Fatalf("%s: the reply to %q does not say a colleague confirms the date: %q", c.lang, c.date, got)
		}
		noAmounts(t, got)
		for _, day := range []string{"Perşembe", "Thursday", "Cuma", "Friday"} {
			if strings.Contains(got[1], day) {
				t.Errorf("%s: the reply names the day itself: %q", c.lang, got[1])
			}
		}
		if n := one[int](t, e, `SELECT count(*) FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'delivery_date' AND status = 'pending'`, conv); n != 1 {
			t.Errorf("%s: the date does not wait in the approval queue (%d pending)", c.lang, n)
		}
	}
}

// A configured model was asked for the reply with the customer's new message only, and for the
// triage with the customer's earlier messages only: it could not see what the business had already
// asked. It now gets the conversation in its roles: the customer's messages as "user", the
// business's replies as "assistant" (and, for the triage, each marked with who wrote it).
func TestModelSeesTheConversationInItsRoles(t *testing.T) {
	e, fm := withModel(t, `{"handoff":false,"urgency_band":"low","intents":["info"],"language":"tr"}`)
	conv := chat(t, e, "tr", "Merhaba, bahçe için taş bakıyoruz.", "yaklaşık 150")
	if got := replies(t, e, conv); len(got) != 2 {
		t.Fatalf("replies %q", got)
	}
	fm.mu.Lock()
	reqs := slices.Clone(fm.requests)
	fm.mu.Unlock()
	var reply, triage []ai.ChatMessage
	for _, r := range reqs {
		if r[len(r)-1].Content != "yaklaşık 150" {
			continue
		}
		if strings.Contains(r[0].Content, "urgency_band") {
			triage = r
		} else {
			reply = r
		}
	}
	roles := func(ms []ai.ChatMessage) string {
		var b strings.Builder
		for _, m := range ms[1:] {
			fmt.Fprintf(&b, "%s: %s\n", m.Role, m.Content)
		}
		return b.String()
	}
	if want := "user: Merhaba, bahçe için taş bakıyoruz.\nassistant: Merhaba, mesajınız için teşekkürler.\nuser: yaklaşık 150\n"; reply == nil || roles(reply) != want {
		t.Errorf("the reply request carries\n%s\nwant\n%s", roles(reply), want)
	}
	if want := "user: (earlier, customer) Merhaba, bahçe için taş bakıyoruz.\nuser: (earlier, business) Merhaba, mesajınız için teşekkürler.\nuser: yaklaşık 150\n"; triage == nil || roles(triage) != want {
		t.Errorf("the triage request carries\n%s\nwant\n%s", roles(triage), want)
	}
}

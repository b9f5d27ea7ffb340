package ai_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/i18n"
)

// turkish says a text carries the builtin engine's Turkish words (a product's name may be Turkish
// in any language).
func turkish(s string) bool {
	for _, w := range []string{"Teşekkür", "Müşteri", "Fiyat talebi", "Yaklaşık", "mesajınızı", "devralması", "Malzeme"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// TestRussianCustomerIsNotAnsweredInTurkish: a customer of a Turkish business who writes Russian
// got the builtin Turkish reply ("Teşekkürler, mesajınızı aldık…"): builtin-3 knows Turkish,
// English and Arabic and read Cyrillic as Turkish. The builtin has no Russian texts, so such a
// customer is answered in English; the engine cannot read them, so a person takes over as for any
// language it does not read, and the drafts wait in the approval queue in English. A Turkish
// customer is answered in Turkish as before (German, French, Spanish and Arabic customers: see
// TestCustomerAnsweredInTheirLanguage).
func TestRussianCustomerIsNotAnsweredInTurkish(t *testing.T) {
	e := setup(t)
	for _, c := range []struct{ name, text string }{
		{"Russian", "Здравствуйте! Сколько стоит гранитная брусчатка для двора, примерно 200 м2?"},
	} {
		conv := widgetPost(t, e, map[string]any{"text": c.text, "name": c.name, "consent": true}).ConversationID
		sent := outbound(t, e, conv)
		if len(sent) != 1 || turkish(sent[0]) || !strings.HasPrefix(sent[0], "Thank you") {
			t.Errorf("%s: the assistant replied %q, want its English reply", c.name, sent)
		}
		if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 1 {
			t.Errorf("%s: not handed to a person, though the assistant cannot read the message", c.name)
		}
		if l := one[string](t, e, `SELECT language FROM conversations WHERE id = ?`, conv); l != "other" {
			t.Errorf("%s: the conversation's language is %q, want other", c.name, l)
		}
		drafts := one[string](t, e, `SELECT coalesce(group_concat(title || ' ' || summary || ' ' || draft_reply, ' | '), '') FROM decision_recommendations WHERE conversation_id = ?`, conv)
		if drafts == "" || turkish(drafts) {
			t.Errorf("%s: the approval queue holds %q, want its drafts in English", c.name, drafts)
		}
	}
	conv := widgetPost(t, e, map[string]any{"text": "Merhaba, bahçe için 200 m² gri granit ne kadar tutar?", "name": "Ayşe", "consent": true}).ConversationID
	if sent := outbound(t, e, conv); len(sent) != 1 || !strings.HasPrefix(sent[0], "Teşekkürler") {
		t.Errorf("Turkish: the assistant replied %q, want its Turkish reply", sent)
	}
}

// english says a text carries the builtin engine's English words.
func english(s string) bool {
	for _, w := range []string{"Thank you", "Roughly", "Which stone", "colleague", "material budget", "Hello"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// TestCustomerAnsweredInTheirLanguage: a customer of a Turkish business writing German, French,
// Spanish or Arabic got the builtin's reply, and the price draft waiting in the approval queue,
// in English. Each is now answered in their own language: the holding line and the clarifying
// questions the conversation has not asked, the draft with the material budget written as their
// language writes numbers. Their message still goes to a person (the engine does not read it).
// A customer whose words tell no language (an emoji) is answered in the business's language.
func TestCustomerAnsweredInTheirLanguage(t *testing.T) {
	e := setup(t)
	for _, c := range []struct{ lang, text, reply, question, draft string }{
		{"de", "Hallo, was kostet Granit für unseren Garten, etwa 200 m2? Wir brauchen ein Angebot.", "Vielen Dank, wir haben Ihre Nachricht erhalten.", "Unterbau", "Für 200 m² liegt das Materialbudget bei etwa "},
		{"fr", "Bonjour, combien coûte le granit pour notre jardin de 200 m2 ? Merci", "Merci, nous avons bien reçu votre message.", "sous-couche", "Pour 200 m², le budget matériaux est d'environ "},
		{"es", "Hola, ¿cuánto cuesta el granito para un jardín de 200 m2? Gracias", "Gracias, hemos recibido su mensaje.", "base preparada", "Para 200 m², el presupuesto de material es de aproximadamente "},
		{"ar", "مرحبا، كم سعر الجرانيت لحديقة مساحتها 200 m2؟ شكرا", "شكرًا لكم، وصلتنا رسالتكم.", "طبقة أساس", "لمساحة 200 م²، تبلغ ميزانية المواد نحو "},
	} {
		conv := widgetPost(t, e, map[string]any{"text": c.text, "name": "Kunde " + c.lang, "consent": true}).ConversationID
		sent := outbound(t, e, conv)
		if len(sent) != 1 || !strings.HasPrefix(sent[0], c.reply) || !strings.Contains(sent[0], c.question) || english(sent[0]) || turkish(sent[0]) {
			t.Errorf("%s: the assistant replied %q, want %q and a question in %s", c.lang, sent, c.reply, c.lang)
		}
		if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 1 {
			t.Errorf("%s: not handed to a person", c.lang)
		}
		draft := one[string](t, e, `SELECT coalesce(max(draft_reply), '') FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'pricing'`, conv)
		if !strings.HasPrefix(draft, c.draft) || english(draft) {
			t.Errorf("%s: the price draft reads %q, want it to start %q", c.lang, draft, c.draft)
		}
	}
	de := one[string](t, e, `SELECT draft_reply FROM decision_recommendations WHERE action_type = 'pricing' AND draft_reply LIKE 'Für %' LIMIT 1`)
	if !strings.Contains(de, ".") || strings.Contains(de, ",0") {
		t.Errorf("the German draft's amounts: %q, want thousands with a point", de)
	}

	// Words that tell no language: the business's.
	e.Set("acme", map[string]string{"primary_locale": "de"})
	conv := widgetPost(t, e, map[string]any{"text": "👍", "name": "Jonas", "consent": true}).ConversationID
	if sent := outbound(t, e, conv); len(sent) != 1 || english(sent[0]) || turkish(sent[0]) || !strings.Contains(sent[0], "Vielen Dank") {
		t.Errorf("an emoji to a German business was answered %q, want German", sent)
	}
}

// TestAfterHoursAckInTheCustomersLanguage: outside business hours the acknowledgement (in all
// six catalogs) goes in the language the customer writes when it is one of the panel's, and in
// English when they clearly write another (Russian); both got the business's Turkish.
func TestAfterHoursAckInTheCustomersLanguage(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	for _, c := range []struct{ from, text, lang string }{
		{"ru1", "Здравствуйте, нужна брусчатка для двора, сколько стоит?", "en"},
		{"de1", "Hallo, was kostet Granit für unseren Garten? Wir brauchen ein Angebot.", "de"},
		{"fr1", "Bonjour, je voudrais un devis pour des pavés dans mon jardin, merci.", "fr"},
		{"es1", "Hola, necesito un presupuesto para el jardín, ¿cuánto cuesta?", "es"},
		{"ar1", "مرحبا، أريد عرض سعر لحجر الجرانيت للحديقة", "ar"},
		{"tr1", "Merhaba, bahçe için begonit döşetmek istiyorum.", "tr"},
	} {
		p := i18n.For(c.lang)
		want := p.T("hours.ack.default", p.T("hours.when.weekday", hours.DayInSentence(p.Lang, p.T, time.Monday), hours.ClockFrom(p.Lang, "09:00")))
		if _, sent := customerWrites(t, e, "webchat", c.from, c.text, "2026-12-04 20:15"); len(sent) != 1 || sent[0] != want {
			t.Errorf("%s: acknowledged %q, want %q", c.from, sent, want)
		}
	}
}

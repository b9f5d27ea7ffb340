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
// got the builtin Turkish reply ("Teşekkürler, mesajınızı aldık…"), as did one writing Spanish:
// builtin-3 knows Turkish, English and Arabic and read Cyrillic as Turkish. The builtin texts are
// Turkish and English, so such a customer is answered in English; the engine cannot read them,
// so a person takes over as for any language it does not read, and the drafts wait in the
// approval queue in English. A Turkish customer is answered in Turkish as before.
func TestRussianCustomerIsNotAnsweredInTurkish(t *testing.T) {
	e := setup(t)
	for _, c := range []struct{ name, text string }{
		{"Russian", "Здравствуйте! Сколько стоит гранитная брусчатка для двора, примерно 200 м2?"},
		{"Spanish", "Hola, ¿cuánto cuesta el granito para un jardín de 200 m2? Gracias"},
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

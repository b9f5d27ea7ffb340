package notify_test

import (
	"html"
	"strings"
	"testing"
)

// TestHandoffNotificationSaysWhy: a plain price question made the bell say "John Smith bir
// kişiyle görüşmek istiyor (devir)", blaming the customer for asking for a person when it was
// the assistant handing the question over. The line now says a person is needed and why.
func TestHandoffNotificationSaysWhy(t *testing.T) {
	tm := newTeam(t)
	tm.ingest(t, "acme", "v-john", "John Smith", "Hello, I need a quote for 50 m2 of laminate flooring, what is the price per m2?")
	settle(t, tm.e, "acme")
	for lang, want := range map[string]string{
		"tr": "için bir kişi gerekiyor (devir): ",
		"en": "needs a person (handoff): ",
	} {
		page := html.UnescapeString(tm.olga.Get("/app/notifications/?lang=" + lang).Body)
		if !strings.Contains(page, want) || strings.Contains(page, "bir kişiyle görüşmek istiyor (devir)") {
			t.Errorf("%s: the bell list does not say %q with the reason:\n%s", lang, want, page[strings.Index(page, "<main"):])
		}
	}
	page := html.UnescapeString(tm.olga.Get("/app/notifications/?lang=tr").Body)
	if !strings.Contains(page, "fiyat istiyor") {
		t.Errorf("the handoff does not name the price question as its reason")
	}
}

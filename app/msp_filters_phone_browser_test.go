package app_test

import (
	"testing"

	"highvibe/app"
)

// TestBrowserMSPTicketFiltersReadWholeOnPhone: on a 390×844 phone, in each of the six panel
// languages, the MSP tickets list's filters show their whole chosen option. The status filter's
// default stood in half a row and read "Hâlâ açık (çözüle…" in Turkish, cut in every language.
func TestBrowserMSPTicketFiltersReadWholeOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	allModules(b.e, app.DemoSlug)
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
		b.open("/app/msp/tickets/?lang=" + lang)
		if n := b.eval(`document.querySelectorAll('.msp-filters select#status').length`); n != 1 {
			t.Fatalf("%s: %v status filters on the tickets list", lang, n)
		}
		if cut := b.str(cutChoices); cut != "" {
			t.Errorf("tickets list in %s at 390 px: cut choices: %s", lang, cut)
		}
		checkFits(t, b)
	}
}

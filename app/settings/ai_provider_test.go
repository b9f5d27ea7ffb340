package settings_test

import (
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestAIProviderInWords: the settings page's assistant card names the provider in the reader's
// words, the ones the staff console's choice uses ("Yerleşik asistan (ağ yok)"), not the code it
// is stored with ("builtin").
func TestAIProviderInWords(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, lang := range []string{"tr", "en", "ar"} {
		w := i18n.For(lang)
		doc := owner.Get("/app/settings/?lang=" + lang).Doc(t)
		dd := doc.Find(`#ai dl dd`).First()
		if dd.Length() != 1 {
			t.Fatalf("%s: no assistant card on the settings page", lang)
		}
		if got, want := strings.TrimSpace(dd.Text()), w.T("staff.provider.builtin"); got != want {
			t.Errorf("%s: the provider reads %q, want %q", lang, got, want)
		}
	}
}

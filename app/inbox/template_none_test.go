package inbox_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestTemplatesEmptySaysWhatTheyAreFor: with no reply template yet the templates page says so and
// where operators will find one once added ("Insert a template…" in a conversation), in the
// reader's language; it said only "Nothing here yet."
func TestTemplatesEmptySaysWhatTheyAreFor(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, lang := range []string{"tr", "en", "ar"} {
		w := i18n.For(lang)
		doc := owner.Get("/app/settings/templates?lang=" + lang).Doc(t)
		var ps []string
		doc.Find(`main .empty p`).Each(func(_ int, p *goquery.Selection) { ps = append(ps, strings.TrimSpace(p.Text())) })
		empty := strings.Join(ps, " ")
		if want := w.T("inbox.templates.none") + " " + w.T("inbox.templates.none_hint"); empty != want {
			t.Errorf("%s: the empty templates page says %q, want %q", lang, empty, want)
		}
		if !strings.Contains(empty, w.T("inbox.form.template")) {
			t.Errorf("%s: %q does not name the composer's %q", lang, empty, w.T("inbox.form.template"))
		}
	}
}

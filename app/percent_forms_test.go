package app_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app"
)

// percentForm is how each panel language writes a percentage, as i18n.Printer.Percent does:
// "88%" (en, ar), "%88" (tr), "88 %" with a no-break space (de, fr, es). bad finds the other forms:
// a space before the sign, the sign on the wrong side.
var percentForm = map[string]struct{ good, bad *regexp.Regexp }{
	"en": {regexp.MustCompile(`\d%`), regexp.MustCompile(`\d[ \x{00a0}]%|%\d`)},
	"ar": {regexp.MustCompile(`\d%`), regexp.MustCompile(`\d[ \x{00a0}]%|%\d|٪`)},
	"tr": {regexp.MustCompile(`%\d`), regexp.MustCompile(`\d[ \x{00a0}]?%`)},
	"de": {regexp.MustCompile(`\d\x{00a0}%`), regexp.MustCompile(`\d ?%|%\d`)},
	"fr": {regexp.MustCompile(`\d\x{00a0}%`), regexp.MustCompile(`\d ?%|%\d`)},
	"es": {regexp.MustCompile(`\d\x{00a0}%`), regexp.MustCompile(`\d ?%|%\d`)},
}

// TestPercentagesOneFormPerLanguage: on the KPI and dashboard pages of both demo businesses (and
// the IT provider's ticket list and approval queue, whose SLA clocks and warnings say how much of
// a target is used), every percentage the product writes has its language's one form — Arabic
// "24%" like "88%", never "24 %" beside it. Text people typed (translate="no") is left out.
func TestPercentagesOneFormPerLanguage(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	c := e.Client()
	c.Login(app.DemoUser, pw)
	text := func(path string) string {
		t.Helper()
		r := c.Get(path)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		main := r.Doc(t).Find("main")
		main.Find(`[translate="no"], script, style`).Remove()
		var b strings.Builder
		b.WriteString(main.Text())
		main.Find("[title], [aria-label]").Each(func(_ int, s *goquery.Selection) {
			for _, a := range []string{"title", "aria-label"} {
				if v, ok := s.Attr(a); ok {
					b.WriteString("\n" + v)
				}
			}
		})
		// Invisible direction marks do not change the form.
		return strings.NewReplacer("\u2066", "", "\u2069", "", "\u200f", "", "\u200e", "").Replace(b.String())
	}
	check := func(tenant string, pages []string) {
		seen := map[string]int{}
		for lang, form := range percentForm {
			for _, p := range pages {
				s := text(p + "?lang=" + lang)
				if m := form.bad.FindAllString(s, 3); m != nil {
					i := form.bad.FindStringIndex(s)
					t.Errorf("%s %s %s: percentages in another form %q: …%s…", tenant, p, lang, m, s[max(0, i[0]-60):min(len(s), i[1]+20)])
				}
				seen[lang] += len(form.good.FindAllString(s, -1))
			}
		}
		for lang, n := range seen {
			if n == 0 {
				t.Errorf("%s %s: no percentage found on %v (the test looks at nothing)", tenant, lang, pages)
			}
		}
	}
	check(app.DemoSlug, []string{"/app/", "/app/analytics/"})
	if r := c.Post("/app/switch/", url.Values{"tenant": {app.DemoMSPSlug}}); r.StatusCode != 303 {
		t.Fatalf("switch: %d", r.StatusCode)
	}
	check(app.DemoMSPSlug, []string{"/app/", "/app/analytics/", "/app/msp/tickets/", "/app/approvals/"})
}

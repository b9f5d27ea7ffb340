package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestSettingsLinksItsPages: the settings page links every settings page of its own, the reply
// templates too, named as their pages are, and each link opens (the templates page was reachable
// only by typing its address, though the guide sends owners there).
func TestSettingsLinksItsPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "cicekci")
	owner := e.User("acme", "olga", "owner")
	doc := owner.Get("/app/settings/?lang=tr").Doc(t)
	links := map[string]string{}
	doc.Find(".page-head .page-actions a").Each(func(_ int, a *goquery.Selection) {
		links[a.AttrOr("href", "")] = strings.TrimSpace(a.Text())
	})
	for href, want := range map[string]string{
		"/app/settings/channels":  "Kanallar: sohbet penceresi, WhatsApp, Telegram, e-posta",
		"/app/settings/hours":     "Çalışma saatleri",
		"/app/settings/templates": "Yanıt şablonları",
	} {
		if got, ok := links[href]; !ok {
			t.Errorf("the settings page does not link %s (links: %v)", href, links)
		} else if got != want {
			t.Errorf("link to %s reads %q, want %q", href, got, want)
		}
		if r := owner.Get(href + "?lang=tr"); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", href, r.StatusCode)
		}
	}
}

// TestSettingsChannelsLinkNamesEmail: the settings page's link to the channels page names the
// channels set up there, e-mail included, in every panel language (it read "widget, WhatsApp,
// Telegram" while the page also holds the mailbox, so an owner looking for e-mail did not find it).
func TestSettingsChannelsLinkNamesEmail(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "cicekci")
	owner := e.User("acme", "olga", "owner")
	for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
		page := owner.Get("/app/settings/channels?lang=" + lang).Doc(t)
		h := page.Find("section#email h2").Clone()
		h.Find(".badge").Remove()
		email := strings.TrimSpace(h.Text())
		if email == "" {
			t.Fatalf("%s: the channels page has no e-mail section", lang)
		}
		link := strings.TrimSpace(owner.Get("/app/settings/?lang=" + lang).Doc(t).Find(`.page-actions a[href="/app/settings/channels"]`).Text())
		if !strings.Contains(strings.ToLower(link), strings.ToLower(email)) {
			t.Errorf("%s: the link to the channels page reads %q, which does not name its %q section", lang, link, email)
		}
	}
}

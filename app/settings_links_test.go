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
		"/app/settings/channels":  "Kanallar: sohbet penceresi, WhatsApp, Telegram",
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

package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestChannelsPageGuideLinkIsGeneral: the channels page's own Guide link (at the top of the page
// and in the menu) opened the WhatsApp page of the guide, though the page sets up every channel
// and each channel's section links its own guide page. It opens the guide's troubleshooting page,
// whose "Conversations and channels" part covers every channel and links each one's page.
func TestChannelsPageGuideLinkIsGeneral(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "cicekci")
	owner := e.User("acme", "olga", "owner")
	for lang, heading := range map[string]string{"en": "Conversations and channels", "tr": "Konuşmalar ve kanallar"} {
		doc := owner.Get("/app/settings/channels?lang=" + lang).Doc(t)
		for _, sel := range []string{".page-head .page-actions a[href^='/guide']", "nav a.nav-link[href^='/guide']"} {
			a := doc.Find(sel)
			if a.Length() != 1 {
				t.Fatalf("%s: %d links %s", lang, a.Length(), sel)
			}
			if href := a.AttrOr("href", ""); href != "/guide/troubleshooting" {
				t.Errorf("%s: %s leads to %s, want /guide/troubleshooting", lang, sel, href)
			}
		}
		r := owner.Get("/guide/troubleshooting?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: the guide page: %d", lang, r.StatusCode)
		}
		found := false
		r.Doc(t).Find("h2").Each(func(_ int, h *goquery.Selection) { found = found || strings.TrimSpace(h.Text()) == heading })
		if !found {
			t.Errorf("%s: the guide page has no part %q", lang, heading)
		}
	}
}

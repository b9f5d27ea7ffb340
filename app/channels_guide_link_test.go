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
// and each channel's section links its own guide page. It opens the guide's troubleshooting page
// at its "Conversations and channels" part, which covers every channel and links each one's page —
// the Turkish part ("Konuşmalar ve kanallar") for a Turkish reader, the English one for the others.
func TestChannelsPageGuideLinkIsGeneral(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "cicekci")
	owner := e.User("acme", "olga", "owner")
	parts := []struct{ lang, guide, href, heading string }{
		{"en", "en", "/guide/troubleshooting#conversations-and-channels", "Conversations and channels"},
		{"tr", "tr", "/guide/troubleshooting#konusmalar-ve-kanallar", "Konuşmalar ve kanallar"},
		{"de", "en", "/guide/troubleshooting#conversations-and-channels", "Conversations and channels"},
		{"ar", "en", "/guide/troubleshooting#conversations-and-channels", "Conversations and channels"},
	}
	for _, p := range parts {
		lang := p.lang
		doc := owner.Get("/app/settings/channels?lang=" + lang).Doc(t)
		for _, sel := range []string{".page-head .page-actions a[href^='/guide']", "nav a.nav-link[href^='/guide']"} {
			a := doc.Find(sel)
			if a.Length() != 1 {
				t.Fatalf("%s: %d links %s", lang, a.Length(), sel)
			}
			if href := a.AttrOr("href", ""); href != p.href {
				t.Errorf("%s: %s leads to %s, want %s", lang, sel, href, p.href)
			}
		}
		// The link opens the guide in the reader's guide language, where its part is that heading.
		page, id, _ := strings.Cut(p.href, "#")
		r := owner.Get(page + "?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: the guide page: %d", lang, r.StatusCode)
		}
		d := r.Doc(t)
		if got := d.Find("article.guide-content").AttrOr("lang", ""); got != p.guide {
			t.Errorf("%s: the guide opens in %q, want %q", lang, got, p.guide)
		}
		h := d.Find(`article.guide-content [id="` + id + `"]`)
		if h.Length() != 1 || goquery.NodeName(h) != "h2" || strings.TrimSpace(h.Text()) != p.heading {
			t.Errorf("%s: #%s on the guide page is %d element(s) %q, want the part %q", lang, id, h.Length(), strings.TrimSpace(h.Text()), p.heading)
		}
	}
}

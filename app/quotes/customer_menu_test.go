package quotes_test

import (
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestTheCustomersQuotePageOffersNoPanelMenu: the page a customer opens from a sent quote shows
// the business's quote and the language choice, not the panel's menu: it had the ☰ button with
// the guide and the operators' "Giriş yap" (sign in), which a customer has no use for and which
// read as if they had landed somewhere they should not be.
func TestTheCustomersQuotePageOffersNoPanelMenu(t *testing.T) {
	t.Parallel()
	f := setup(t)
	_, link := sentUntil(t, f, f.conv, time.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	doc := f.e.Client().Get(link + "?lang=tr").Doc(t)
	if doc.Find("#quote-public").Length() != 1 {
		t.Fatal("the quote page did not show the quote")
	}
	if n := doc.Find(`[data-nav-toggle], #main-nav, a[href="/login/"]`).Length(); n != 0 {
		t.Errorf("the customer's page offers the panel's menu (%d elements)", n)
	}
	if doc.Find("details.lang-switch").Length() != 1 {
		t.Error("the customer's page lost its language choice")
	}
	// The "HighVibe" name is plain text: it linked to "/", HighVibe's own landing page with its
	// "Sign in", where the business's customer has no business.
	if brand := doc.Find(".topbar-brand"); brand.Length() != 1 || goquery.NodeName(brand) == "a" || doc.Find(`a[href="/"]`).Length() != 0 {
		t.Error("the customer's page links its HighVibe name to the landing page")
	}
}

package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// The menu groups the record lists under "Customers" (Müşteriler), only those the tenant's niche
// keeps, and marks the group and the list as current on a list's pages.
func TestMenuGroupsRecordLists(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "cicekci")
	owner := e.User("acme", "olga", "owner")
	links := func(doc *goquery.Document) []string {
		var out []string
		doc.Find(".nav .nav-group .dropdown-menu a").Each(func(_ int, a *goquery.Selection) {
			out = append(out, a.AttrOr("href", "")+" "+strings.TrimSpace(a.Text()))
		})
		return out
	}
	doc := owner.Get("/app/?lang=tr").Doc(t)
	if got := strings.TrimSpace(doc.Find(".nav .nav-group > summary").Text()); got != "Müşteriler" {
		t.Errorf("group title %q, want Müşteriler", got)
	}
	want := "/app/quotes/ Teklifler|/customers/ Müşteriler|/orders/ Siparişler|/invoices/ Faturalar|/products/ Ürünler|/app/seasonal/ Sezon takvimi"
	if got := strings.Join(links(doc), "|"); got != want {
		t.Errorf("group links\n got %s\nwant %s", got, want)
	}
	if doc.Find(".nav-group > summary.is-active").Length() != 0 {
		t.Error("the group is marked current on the dashboard")
	}

	// Installation trades keep repair requests too.
	e.Set("acme", map[string]string{"niche": "parke_tas"})
	doc = owner.Get("/orders/?lang=en").Doc(t)
	if got := strings.Join(links(doc), "|"); !strings.Contains(got, "/repair-requests/ Repair requests") {
		t.Errorf("parke_tas group lacks repair requests: %s", got)
	}
	if doc.Find(".nav-group > summary.is-active").Length() != 1 {
		t.Error("the group is not marked current on the orders list")
	}
	if got := doc.Find(`.nav-group a[aria-current="page"]`).AttrOr("href", ""); got != "/orders/" {
		t.Errorf("current link %q, want /orders/", got)
	}
	// Every link of the group opens.
	for _, l := range links(doc) {
		href, _, _ := strings.Cut(l, " ")
		if r := owner.Get(href); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", href, r.StatusCode)
		}
	}
}

// Favicon, app icons and the web app manifest exist, and every icon the manifest and the page
// name is served with its type.
func TestIconsAndManifest(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	anon := e.Client()

	fetch := func(c *apptest.Client, url, wantType string) {
		t.Helper()
		r := c.Get(url)
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), wantType) || len(r.Body) < 200 {
			t.Errorf("GET %s: %d %q, %d bytes", url, r.StatusCode, r.Header.Get("Content-Type"), len(r.Body))
		}
	}
	doc := owner.Get("/app/").Doc(t)
	for sel, typ := range map[string]string{`link[rel=icon][type="image/svg+xml"]`: "image/svg+xml", `link[rel=icon][type="image/png"]`: "image/png", `link[rel=apple-touch-icon]`: "image/png"} {
		href := doc.Find(sel).AttrOr("href", "")
		if href == "" {
			t.Errorf("the page has no %s", sel)
			continue
		}
		fetch(anon, href, typ)
	}
	if got := doc.Find(`link[rel=manifest]`).AttrOr("href", ""); got != "/manifest.webmanifest" {
		t.Errorf("manifest link %q", got)
	}

	r := anon.Get("/manifest.webmanifest?lang=tr")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("manifest: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var m struct {
		Name, StartURL, Display, Lang string
		Icons                         []struct{ Src, Sizes, Type, Purpose string }
	}
	if err := json.Unmarshal([]byte(strings.NewReplacer(`"start_url"`, `"StartURL"`).Replace(r.Body)), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "HighVibe" || m.StartURL != "/app/" || m.Display != "standalone" || m.Lang != "tr" {
		t.Errorf("manifest %+v", m)
	}
	sizes := map[string]bool{}
	for _, ic := range m.Icons {
		fetch(anon, ic.Src, ic.Type)
		if ic.Type == "image/png" && ic.Purpose == "any" {
			sizes[ic.Sizes] = true
		}
	}
	if !sizes["192x192"] || !sizes["512x512"] {
		t.Errorf("manifest PNG icons %v, want 192x192 and 512x512", sizes)
	}

	r = anon.Get("/favicon.ico")
	if r.StatusCode != http.StatusFound {
		t.Fatalf("/favicon.ico: %d", r.StatusCode)
	}
	fetch(anon, r.Header.Get("Location"), "image/png")
}

// A signed-in member who mistypes a panel address gets the "page not found" page inside the panel
// (menu, own name, no offer to sign in); a visitor who is not signed in gets the plain 404, not a
// redirect to the sign-in page.
func TestPanelNotFoundKeepsTheMenu(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	r := owner.Get("/app/kpi/?lang=tr")
	if r.StatusCode != http.StatusNotFound {
		t.Fatalf("signed in: status %d, want 404", r.StatusCode)
	}
	doc := r.Doc(t)
	if doc.Find(`.nav a[href="/app/inbox/"]`).Length() == 0 || doc.Find(`a[href="/login/"]`).Length() != 0 {
		t.Errorf("signed in: the 404 page lacks the panel menu or offers to sign in")
	}
	if !strings.Contains(doc.Text(), "Sayfa bulunamadı") {
		t.Errorf("signed in: no Turkish 'not found' text")
	}
	anon := e.Client().Get("/app/kpi/?lang=tr")
	if anon.StatusCode != http.StatusNotFound {
		t.Fatalf("signed out: status %d, want 404", anon.StatusCode)
	}
	if d := anon.Doc(t); d.Find(`.nav a[href="/app/inbox/"]`).Length() != 0 {
		t.Error("signed out: the 404 page shows the panel menu")
	}
}

package crm_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestProductsGuideLinkOpensTheProductsSection: the products page's "Guide" link (and the menu's)
// opened the niches page, which says nothing about the catalog or its stock. It now opens the
// section about products: the CRM's, or with the inventory module on, the inventory's (the
// list's stock column, the low-stock filter, a product's stock page).
func TestProductsGuideLinkOpensTheProductsSection(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	op := e.User("acme", "oscar", "operator")
	for _, sc := range []struct{ modules, want, says string }{
		{"sales", "/guide/crm", "/products/"},
		{"sales,inventory", "/guide/inventory", "/products/?stock=low"},
	} {
		e.Set("acme", map[string]string{"modules": sc.modules})
		for _, lang := range []string{"tr", "en"} {
			doc := op.Get("/products/?lang=" + lang).Doc(t)
			page := doc.Find(".page-actions a[data-guide-link]").AttrOr("href", "")
			menu := doc.Find(`.nav a.nav-link[href^="/guide"]`).AttrOr("href", "")
			if page != sc.want || menu != sc.want {
				t.Errorf("%s, modules %s: the page's Guide link is %q and the menu's %q, want %s", lang, sc.modules, page, menu, sc.want)
				continue
			}
			r := op.Get(page + "?lang=" + lang)
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, sc.says) {
				t.Errorf("%s: %s answers %d without describing %s", lang, page, r.StatusCode, sc.says)
			}
		}
	}
}

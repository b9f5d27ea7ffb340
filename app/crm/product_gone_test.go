package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// Saving a product whose row is gone meanwhile (the panel has no delete for products; a row can
// still vanish under an open form, e.g. when the business's data is restored from an older
// backup) says so in the person's language and keeps what was
// typed in the new-product form, to be saved as a new product; it used to answer the generic
// "not found" page with the text gone.
func TestProductDeletedMeanwhileKeepsText(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/products/", url.Values{"sku": {"GR-3"}, "name": {"Granit"}, "unit": {"m2"}, "unit_price": {"1250,50"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product: %d", r.StatusCode)
	}
	var id string
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM products`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB("acme").Exec(t.Context(), `DELETE FROM products WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"tr": "bu arada silindi", "en": "was deleted meanwhile", "ar": "حُذف هذا المنتج في هذه الأثناء"} {
		r := owner.Post("/products/"+id+"/?lang="+lang, url.Values{"sku": {"GR-3"}, "name": {"Granit küp taş 3 cm"}, "unit": {"m2"},
			"unit_price": {"1.300"}, "currency": {"TRY"}, "active": {"true"}})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: save of a deleted product: %d", lang, r.StatusCode)
		}
		d := r.Doc(t)
		if got := d.Find("#deleted-meanwhile").Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the notice says %q", lang, got)
		}
		form := d.Find(`form[action="/products/"]`)
		if v, _ := form.Find("#name").Attr("value"); v != "Granit küp taş 3 cm" {
			t.Errorf("%s: the new-product form carries %q, want what was typed", lang, v)
		}
		if v, _ := form.Find("#unit_price").Attr("value"); v != "1.300" {
			t.Errorf("%s: the price typed is gone: %q", lang, v)
		}
	}
}

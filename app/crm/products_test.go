package crm_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

func TestProductsPage(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")
	for _, s := range []struct {
		name   string
		c      *apptest.Client
		form   url.Values
		status int
	}{
		{"viewer refused", viewer, url.Values{"sku": {"KP-8"}, "name": {"Kilit Parke 8 cm"}, "unit_price": {"340"}}, http.StatusForbidden},
		{"bad price and sku", op, url.Values{"sku": {"a b"}, "name": {"X"}, "unit_price": {"-3"}}, http.StatusUnprocessableEntity},
		{"create", op, url.Values{"sku": {"KP-8"}, "name": {"Kilit Parke 8 cm <b>"}, "unit_price": {"340,50"}}, http.StatusSeeOther},
		{"duplicate sku", op, url.Values{"sku": {"KP-8"}, "name": {"Again"}, "unit_price": {"1"}}, http.StatusUnprocessableEntity},
	} {
		t.Run(s.name, func(t *testing.T) {
			if r := s.c.Post("/products/", s.form); r.StatusCode != s.status {
				t.Fatalf("status %d want %d", r.StatusCode, s.status)
			}
		})
	}
	r := viewer.Get("/products/")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Kilit Parke 8 cm &lt;b&gt;") {
		t.Fatalf("list: %d", r.StatusCode)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'crm' AND action_type = 'product_created'`).Scan(&n)
	if n != 1 {
		t.Errorf("logs %d", n)
	}
}

// A refused edit of a product comes back with the form as the person sent it, its "active" box
// included: the box used to come back unticked (the page read it from an empty product), so
// correcting the price and saving again took the product out of the catalog the assistant quotes from.
func TestProductEditRefusedKeepsActive(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/products/", url.Values{"sku": {"KP-8"}, "name": {"Kilit Parke 8 cm"}, "unit_price": {"340"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", r.StatusCode)
	}
	var id int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM products WHERE sku = 'KP-8'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	edit := "/products/" + strconv.FormatInt(id, 10) + "/"
	for _, s := range []struct {
		form   url.Values
		ticked bool
	}{
		{url.Values{"sku": {"KP-8"}, "name": {"Kilit Parke 8 cm"}, "unit_price": {"abc"}, "active": {"true"}}, true},
		{url.Values{"sku": {"KP-8"}, "name": {"Kilit Parke 8 cm"}, "unit_price": {"abc"}}, false},
	} {
		r := owner.Post(edit, s.form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("refused edit: %d", r.StatusCode)
		}
		box := r.Doc(t).Find(`input[type=checkbox][name=active]`)
		if box.Length() != 1 {
			t.Fatalf("the active box is not on the refused form")
		}
		if _, ticked := box.Attr("checked"); ticked != s.ticked {
			t.Errorf("sent active=%q: box ticked %v, want %v", s.form.Get("active"), ticked, s.ticked)
		}
	}
	var active bool
	if err := e.DB("acme").Read.QueryRow(`SELECT active FROM products WHERE id = ?`, id).Scan(&active); err != nil || !active {
		t.Errorf("a refused edit changed the product: active %v (%v)", active, err)
	}
}

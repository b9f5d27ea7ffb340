package crm_test

import (
	"net/http"
	"net/url"
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

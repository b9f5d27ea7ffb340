package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// A refused order or invoice gives back what was typed: an amount the form could not read stays
// in a box that keeps any text (a number box shows nothing for "1.250,50x", so the person lost
// it), an order line's unreadable quantity stays at its line with the message beside it, the
// messages are in the person's language, and nothing is stored.
func TestCRMRefusedKeepsTypedNumbers(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("cicek", "cicekci", "tr")
	owner := e.User("cicek", "olga", "owner")
	db := e.DB("cicek")
	snapshot := func() string {
		var s string
		if err := db.Read.QueryRow(`SELECT (SELECT COALESCE(group_concat(id || ':' || total || ':' || updated_at, ';'), '') FROM orders) || '|' ||
			(SELECT COALESCE(group_concat(order_id || ':' || product_id || ':' || quantity, ';'), '') FROM order_lines) || '|' ||
			(SELECT count(*) FROM invoices)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := owner.Post("/products/", url.Values{"sku": {"GUL"}, "name": {"Kırmızı gül"}, "unit": {"adet"}, "unit_price": {"40"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product: %d", r.StatusCode)
	}
	order := url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"400"}, "currency": {"TRY"}, "lines": {"1"},
		"line_product_1": {"1"}, "line_qty_1": {"10"}, "confirm_short": {"1"}}
	if r := owner.Post("/orders/new", order); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	before := snapshot()
	field := func(t *testing.T, lang string, r *apptest.Resp, id, typed, key string) {
		t.Helper()
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s %s: %d, want 422", lang, id, r.StatusCode)
		}
		in := r.Doc(t).Find(id)
		if got := in.AttrOr("value", "<none>"); got != typed {
			t.Errorf("%s: %s shows %q, want what was typed %q", lang, id, got, typed)
		}
		if ty := in.AttrOr("type", "text"); ty != "text" {
			t.Errorf("%s: %s is a %q box, which shows nothing for text it cannot read", lang, id, ty)
		}
		if in.AttrOr("aria-invalid", "") != "true" {
			t.Errorf("%s: %s is not marked invalid", lang, id)
		}
		if got, want := strings.TrimSpace(in.Closest(".field").Find(".field-error").Text()), i18n.For(lang).T(key); got != want {
			t.Errorf("%s: message at %s = %q, want %q", lang, id, got, want)
		}
	}
	for _, lang := range []string{"tr", "en"} {
		edit := url.Values{}
		for k, v := range order {
			edit[k] = v
		}
		edit.Set("total", "1.250,50x")
		edit.Set("line_product_2", "1")
		edit.Set("line_qty_2", "12,5,0")
		r := owner.Post("/orders/1/?lang="+lang, edit)
		field(t, lang, r, "#f-total", "1.250,50x", "crm.err.amount")
		field(t, lang, r, "#line-qty-2", "12,5,0", "inventory.err.line")
		if n := r.Doc(t).Find("#line-qty-1").Closest(".field").Find(".field-error").Length(); n != 0 {
			t.Errorf("%s: the good line 1 carries %d messages", lang, n)
		}
		if got := r.Doc(t).Find("#line-qty-1").AttrOr("value", ""); got != "10" {
			t.Errorf("%s: line 1 shows %q, want 10", lang, got)
		}
		r = owner.Post("/invoices/new?lang="+lang, url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {"12,50,0"}, "currency": {"TRY"}})
		field(t, lang, r, "#f-amount", "12,50,0", "crm.err.amount")
		if got := snapshot(); got != before {
			t.Errorf("%s: a refused form stored something: %s, was %s", lang, got, before)
		}
	}
}

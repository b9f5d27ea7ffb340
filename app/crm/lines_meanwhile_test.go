package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// An order's lines are saved as the whole list the page shows. Olga adds a line (5 tulips) to an
// order; Oscar, his page drawn before, changes the roses from 10 to 12: his save deleted her line
// without a word. Now his save stores nothing and the form comes back saying a colleague changed
// the lines meanwhile, his lines kept; pressed again, his lines are stored. A page that leaves the
// lines as drawn (a description fixed from an older page) keeps a colleague's line.
func TestOrderLinesChangedMeanwhileAreNotDeleted(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("cicek", "cicekci", "tr")
	olga := e.User("cicek", "olga", "owner")
	oscar := e.User("cicek", "oscar", "operator")
	db := e.DB("cicek")
	lines := func() string {
		var s string
		if err := db.Read.QueryRow(`SELECT COALESCE(group_concat(product_id || 'x' || quantity, ' '), '') FROM
			(SELECT product_id, quantity FROM order_lines WHERE order_id = 1 ORDER BY position)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if r := olga.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	for _, p := range []url.Values{{"sku": {"GUL"}, "name": {"Kırmızı gül"}, "unit": {"adet"}, "unit_price": {"40"}},
		{"sku": {"LALE"}, "name": {"Lale"}, "unit": {"adet"}, "unit_price": {"20"}}} {
		if r := olga.Post("/products/", p); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("product: %d", r.StatusCode)
		}
	}
	if r := olga.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"400"}, "currency": {"TRY"},
		"lines": {"1"}, "line_product_1": {"1"}, "line_qty_1": {"10"}, "confirm_short": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	hers := recordForm(t, olga.Get("/orders/1/").Doc(t))
	his := recordForm(t, oscar.Get("/orders/1/").Doc(t))
	older := recordForm(t, oscar.Get("/orders/1/").Doc(t))
	hers.Set("line_product_2", "2")
	hers.Set("line_qty_2", "5")
	hers.Set("confirm_short", "1")
	hers.Set("confirm_total", "1")
	if r := olga.Post("/orders/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("olga's line: %d %.300s", r.StatusCode, r.Body)
	}
	if got := lines(); got != "1x10000 2x5000" { // thousandths
		t.Fatalf("lines after olga's save: %q", got)
	}
	want := lines()

	// A page drawn before, its lines left as drawn: her line stays.
	older.Set("description", "Cuma teslim")
	older.Set("confirm_short", "1")
	older.Set("confirm_total", "1")
	if r := oscar.Post("/orders/1/", older); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("oscar's description: %d %.300s", r.StatusCode, r.Body)
	}
	if got := lines(); got != want {
		t.Fatalf("lines after a description from an older page: %q, want %q", got, want)
	}

	his.Set("line_qty_1", "12")
	his.Set("confirm_short", "1")
	his.Set("confirm_total", "1")
	r := oscar.Post("/orders/1/", his)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("oscar's lines over olga's: %d, want 409 %.300s", r.StatusCode, r.Body)
	}
	doc := r.Doc(t)
	if top := doc.Find("[data-changed-meanwhile]").Text(); !strings.Contains(top, "Kaydedilmedi") {
		t.Fatalf("notice above the form: %q", top)
	}
	if msg := doc.Find("#order-lines .field-error").Text(); !strings.Contains(msg, "satırları değiştirdi") {
		t.Fatalf("beside the lines: %q", msg)
	}
	if got := lines(); got != want {
		t.Fatalf("lines after the refused save: %q, want olga's %q", got, want)
	}
	again := recordForm(t, doc)
	if again.Get("line_qty_1") != "12" || again.Get("line_product_2") != "" {
		t.Fatalf("the form shown again: %v", again)
	}
	again.Set("confirm_total", "1") // 12 roses are not the 400 the total says: confirmed, as any save asks
	again.Set("confirm_short", "1")
	if r := oscar.Post("/orders/1/", again); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second press: %d %s", r.StatusCode, r.Doc(t).Find(".field-error, .flash").Text())
	}
	if got := lines(); got != "1x12000" {
		t.Fatalf("lines after the second press: %q", got)
	}
}

// Oscar confirms his order's total (12 roses are not the 400 it says) and the short stock, and
// his save is refused because Olga changed the lines meanwhile. The form came back with both
// confirmations gone: pressed again as shown, it was refused once more, asking for what he had
// already confirmed. They come back ticked as he sent them, so the second press saves.
func TestOrderConfirmationsKeptAfterLinesChangedMeanwhile(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("cicek", "cicekci", "tr")
	olga := e.User("cicek", "olga", "owner")
	oscar := e.User("cicek", "oscar", "operator")
	if r := olga.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	for _, p := range []url.Values{{"sku": {"GUL"}, "name": {"Kırmızı gül"}, "unit": {"adet"}, "unit_price": {"40"}},
		{"sku": {"LALE"}, "name": {"Lale"}, "unit": {"adet"}, "unit_price": {"20"}}} {
		if r := olga.Post("/products/", p); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("product: %d", r.StatusCode)
		}
	}
	if r := olga.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"400"}, "currency": {"TRY"},
		"lines": {"1"}, "line_product_1": {"1"}, "line_qty_1": {"10"}, "confirm_short": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	hers := recordForm(t, olga.Get("/orders/1/").Doc(t))
	his := recordForm(t, oscar.Get("/orders/1/").Doc(t))
	hers.Set("line_product_2", "2")
	hers.Set("line_qty_2", "5")
	hers.Set("confirm_short", "1")
	hers.Set("confirm_total", "1")
	if r := olga.Post("/orders/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("olga's line: %d", r.StatusCode)
	}
	his.Set("line_qty_1", "12")
	his.Set("confirm_short", "1")
	his.Set("confirm_total", "1")
	r := oscar.Post("/orders/1/", his)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("oscar's lines over olga's: %d, want 409", r.StatusCode)
	}
	doc := r.Doc(t)
	for _, name := range []string{"confirm_total", "confirm_short"} {
		if doc.Find(`input[name="`+name+`"][checked]`).Length() != 1 {
			t.Fatalf("the form shown again: %s not ticked as sent", name)
		}
	}
	if r := oscar.Post("/orders/1/", recordForm(t, doc)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second press as shown: %d %s", r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
}

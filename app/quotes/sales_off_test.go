package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAcceptWithSalesOffWritesNoOrder: a customer accepting a quote while the business has the
// sales records module off won the lead and also wrote an order (and a customer record) into the
// sales tables, unseen until the module was turned on, when it turned up from nowhere. The
// acceptance is recorded on the quote, in the conversation and in the action log; no order or
// customer is written; the quote's page says why, in the reader's language; turning the module
// on again shows no order the owner never had.
func TestAcceptWithSalesOffWritesNoOrder(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id, link := sentUntil(t, f, f.conv, time.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	f.e.Set("acme", map[string]string{"modules": "construction,repair"}) // sales off
	if r := f.e.Client().Post(link+"/accept", url.Values{"name": {"Deniz Yılmaz"}}); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "data-accepted") {
		t.Fatalf("accept with sales off: %d", r.StatusCode)
	}
	if got := f.str(t, `SELECT status || ' ' || coalesce(order_id, 0) FROM quotes WHERE id = ?`, id); got != "accepted 0" {
		t.Fatalf("quote after acceptance: %q, want accepted without an order", got)
	}
	if n := f.count(t, `SELECT count(*) FROM orders`) + f.count(t, `SELECT count(*) FROM customers`); n != 0 {
		t.Fatalf("%d orders and customers written with the sales module off", n)
	}
	if st := f.str(t, `SELECT stage FROM leads`); st != "won" {
		t.Fatalf("lead stage after acceptance: %s", st)
	}
	if got := f.str(t, `SELECT json_extract(payload, '$.sales_module') || ' ' || json_extract(payload, '$.order_id') FROM action_logs WHERE action_type = 'quote_accepted'`); got != "0 0" {
		t.Fatalf("action log of the acceptance: %q", got)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE direction = 'system' AND json_extract(annotations, '$.event') = 'quote_accepted'`); n != 1 {
		t.Fatalf("%d acceptance notes in the conversation, want 1", n)
	}
	page := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	for lang, want := range map[string]string{"tr": "Sipariş yazılmadı", "en": "No order was written", "ar": "لم يُسجَّل أي طلب"} {
		r := f.owner.Get(page + "?lang=" + lang)
		if got := strings.TrimSpace(r.Doc(t).Find("[data-no-order]").Text()); r.StatusCode != http.StatusOK || !strings.Contains(got, want) {
			t.Errorf("quote page (%s): %d %q, want it to say %q", lang, r.StatusCode, got, want)
		}
	}
	// The module on again: the orders page has nothing the owner did not have.
	f.e.Set("acme", map[string]string{"modules": "sales,construction,repair"})
	if r := f.owner.Get("/orders/"); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "/orders/1/") {
		t.Fatalf("orders page with sales on again: %d, an order from the acceptance shows", r.StatusCode)
	}
}

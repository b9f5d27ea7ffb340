package inventory_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// formOf reads the hidden fields of the page's form posting to action.
func formOf(t *testing.T, r *apptest.Resp, action string) url.Values {
	t.Helper()
	f := r.Doc(t).Find(`form[action="` + action + `"]`)
	if f.Length() != 1 {
		t.Fatalf("no form to %s: %.400s", action, r.Body)
	}
	v := url.Values{}
	f.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return v
}

// Two tabs on one product's stock page: goods booked in from the second tab after the first was
// opened are not wiped out by a count sent from the first. The count is refused with the field
// marked, saying the stock changed, nothing is stored and the page shows the stock as it is now;
// sent again from that page, the count is saved.
func TestCountFromAStalePageDoesNotWipeOutGoodsReceivedMeanwhile(t *testing.T) {
	v := newEnv(t, "tr")
	page := stockURL(v.rose, "")
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"10"}}), http.StatusSeeOther, "first goods in")

	tabA := v.oper.Get(page + "?lang=tr")
	want(t, tabA, http.StatusOK, "tab A")
	countForm := formOf(t, tabA, stockURL(v.rose, "/adjust"))

	tabB := v.owner.Get(page)
	received := formOf(t, tabB, stockURL(v.rose, "/receive"))
	received.Set("quantity", "5")
	want(t, v.owner.Post(stockURL(v.rose, "/receive"), received), http.StatusSeeOther, "goods in from tab B")
	if got := v.onHand(t, v.rose); got != 15000 {
		t.Fatalf("on hand after tab B: %d, want 15000", got)
	}
	movements := v.count(t, `SELECT count(*) FROM stock_movements WHERE product_id = ?`, v.rose)

	countForm.Set("counted", "8")
	countForm.Set("reason", "count")
	r := v.oper.Post(stockURL(v.rose, "/adjust")+"?lang=tr", countForm)
	want(t, r, http.StatusUnprocessableEntity, "count from the stale tab A")
	doc := r.Doc(t)
	if msg := doc.Find("#adjust .field-error").Text(); !strings.Contains(msg, "değişti") {
		t.Errorf("count from tab A: field error %q, want one saying the stock changed", msg)
	}
	if !doc.Find("#adjust-counted").HasClass("is-invalid") || doc.Find("#adjust-counted").AttrOr("value", "") != "8" {
		t.Errorf("count from tab A: the counted field is not marked or lost what was typed")
	}
	if got := v.onHand(t, v.rose); got != 15000 {
		t.Errorf("on hand after the stale count: %d, want 15000 (nothing stored)", got)
	}
	if n := v.count(t, `SELECT count(*) FROM stock_movements WHERE product_id = ?`, v.rose); n != movements {
		t.Errorf("movements after the stale count: %d, want %d", n, movements)
	}
	if !strings.Contains(doc.Find(".stock-summary, main").First().Text(), "15") {
		t.Errorf("the refused page does not show the stock as it is now (15)")
	}

	// Sent again from the page that refused it, knowing the stock now: saved.
	again := formOf(t, r, stockURL(v.rose, "/adjust"))
	again.Set("counted", "8")
	again.Set("reason", "count")
	want(t, v.oper.Post(stockURL(v.rose, "/adjust"), again), http.StatusSeeOther, "count again")
	if got := v.onHand(t, v.rose); got != 8000 {
		t.Errorf("on hand after the count sent again: %d, want 8000", got)
	}
}

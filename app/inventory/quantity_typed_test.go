package inventory_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// Stock quantities are read as amounts are, in the person's language: "00" and "0,0" are a
// count of zero (not a refusal), and "1.250" is one thousand two hundred fifty to a person
// writing Turkish, one and a quarter to one writing English. The owner's reorder settings read
// the same way and are written back into their form so that they read back unchanged.
func TestStockQuantitiesReadAsTyped(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "tr")
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"1.250"}}), http.StatusSeeOther, "receive 1.250 (tr)")
	if got := v.onHand(t, v.rose); got != 1_250_000 {
		t.Fatalf("receiving 1.250 in Turkish left %d thousandths, want 1 250 000", got)
	}
	want(t, v.oper.Post(stockURL(v.rose, "/receive?lang=en"), url.Values{"quantity": {"1.250"}}), http.StatusSeeOther, "receive 1.250 (en)")
	if got := v.onHand(t, v.rose); got != 1_251_250 {
		t.Fatalf("receiving 1.250 in English left %d thousandths, want 1 251 250", got)
	}
	for _, s := range []struct {
		typed, lang string
		want        int64
	}{{"00", "tr", 0}, {"12,5", "tr", 12_500}, {"0,0", "tr", 0}, {"1.250,5", "tr", 1_250_500}, {"000", "ar", 0}, {"1,250", "en", 1_250_000}, {"0.0", "en", 0}} {
		want(t, v.oper.Post(stockURL(v.rose, "/adjust?lang="+s.lang), url.Values{"counted": {s.typed}, "reason": {"count"}}), http.StatusSeeOther,
			fmt.Sprintf("count %q (%s)", s.typed, s.lang))
		if got := v.onHand(t, v.rose); got != s.want {
			t.Fatalf("a count of %q (%s) left %d thousandths, want %d", s.typed, s.lang, got, s.want)
		}
	}
	r := v.oper.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"1,2345"}, "reason": {"count"}})
	want(t, r, http.StatusUnprocessableEntity, "count with four decimals")
	if r.Doc(t).Find(".field-error").Length() == 0 {
		t.Fatal("a refused count shows no field error")
	}
	// The owner's settings: a reorder level of "00" is zero; 1.250 in Turkish, written back as 1250.
	want(t, v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"reorder_level": {"00"}, "reorder_qty": {"1.250"}}), http.StatusSeeOther, "settings")
	if lvl, qty := v.count(t, `SELECT reorder_level FROM stock_items WHERE product_id = ?`, v.rose),
		v.count(t, `SELECT reorder_qty FROM stock_items WHERE product_id = ?`, v.rose); lvl != 0 || qty != 1_250_000 {
		t.Fatalf("settings stored level %d, quantity %d", lvl, qty)
	}
	want(t, v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"reorder_level": {"2,5"}, "reorder_qty": {"1.250"}}), http.StatusSeeOther, "settings")
	for lang, w := range map[string][2]string{"tr": {"2,5", "1250"}, "en": {"2.5", "1250"}} {
		d := v.owner.Get(stockURL(v.rose, "?lang="+lang)).Doc(t)
		if lv, qv := d.Find("#reorder-level").AttrOr("value", ""), d.Find("#reorder-qty").AttrOr("value", ""); lv != w[0] || qv != w[1] {
			t.Errorf("%s: the settings form shows %q and %q, want %q and %q", lang, lv, qv, w[0], w[1])
		}
	}
}

package inventory_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/crm"
	"highvibe/app/inventory"
	"highvibe/app/tenantdb"
)

// env is a flower shop (niche cicekci: sales and inventory on) with a product catalog, a
// customer and the three roles.
type env struct {
	e                   *apptest.Env
	db                  *tenantdb.DB
	owner, oper, viewer *apptest.Client
	rose, tulip         int64
	customer            int64
}

func newEnv(t *testing.T, locale string) *env {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("cicek", "cicekci", locale)
	v := &env{e: e, db: e.DB("cicek")}
	v.owner = e.User("cicek", "olga", "owner")
	v.oper = e.User("cicek", "oscar", "operator")
	v.viewer = e.User("cicek", "vera", "viewer")
	ctx := context.Background()
	var err error
	if v.rose, err = crm.SaveProduct(ctx, v.db, 0, crm.Product{SKU: "GUL-K", Name: "Kırmızı gül", Unit: "adet", UnitPrice: 40, Currency: "TRY", Active: true}, crm.Actor{}); err != nil {
		t.Fatal(err)
	}
	if v.tulip, err = crm.SaveProduct(ctx, v.db, 0, crm.Product{SKU: "LALE", Name: "Lale", Unit: "adet", UnitPrice: 25, Currency: "TRY", Active: true}, crm.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err = v.db.InTx(ctx, func(tx *sql.Tx) error {
		c := &crm.Customer{Name: "Ayşe Yılmaz"}
		err := crm.SaveCustomer(ctx, tx, c)
		v.customer = c.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v *env) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := v.db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (v *env) onHand(t *testing.T, pid int64) int64 {
	t.Helper()
	return v.count(t, `SELECT on_hand FROM stock_items WHERE product_id = ?`, pid)
}

func want(t *testing.T, r *apptest.Resp, status int, what string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %.600s", what, r.StatusCode, status, r.Body)
	}
}

func stockURL(pid int64, rest string) string { return fmt.Sprintf("/products/%d/stock%s", pid, rest) }

// Receiving and counting: a bad form answers 422 with its field error and stores nothing (not
// even the stock row of a product counted for the first time); good ones move the stock and log
// who, why and the balance after.
func TestReceiveAndAdjust(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "tr")
	for _, f := range []url.Values{{"quantity": {"abc"}}, {"quantity": {"0"}}, {"quantity": {"-3"}}, {"quantity": {"1,2345"}},
		{"quantity": {"5"}, "note": {strings.Repeat("x", 501)}}} {
		r := v.oper.Post(stockURL(v.rose, "/receive"), f)
		want(t, r, http.StatusUnprocessableEntity, "receive "+f.Encode())
		if !strings.Contains(r.Body, "field-error") {
			t.Fatalf("receive %v: no field error shown", f)
		}
	}
	if n := v.count(t, `SELECT count(*) FROM stock_items`) + v.count(t, `SELECT count(*) FROM stock_movements`); n != 0 {
		t.Fatalf("a refused form stored %d rows", n)
	}
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"12,5"}, "note": {"Çiçek hali"}}), http.StatusSeeOther, "receive")
	if got := v.onHand(t, v.rose); got != 12500 {
		t.Fatalf("on hand %d after receiving 12,5, want 12500", got)
	}
	// A count: what is there now, with a reason; "other" needs a note, and a count is never below zero.
	for _, f := range []url.Values{{"counted": {"10"}}, {"counted": {"10"}, "reason": {"stolen"}}, {"counted": {"10"}, "reason": {"other"}},
		{"counted": {"-1"}, "reason": {"count"}}, {"counted": {""}, "reason": {"count"}}} {
		want(t, v.oper.Post(stockURL(v.rose, "/adjust"), f), http.StatusUnprocessableEntity, "adjust "+f.Encode())
	}
	if got := v.count(t, `SELECT count(*) FROM stock_movements`); got != 1 || v.onHand(t, v.rose) != 12500 {
		t.Fatalf("refused counts changed the stock: %d movements, %d on hand", got, v.onHand(t, v.rose))
	}
	want(t, v.owner.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"10"}, "reason": {"damaged"}}), http.StatusSeeOther, "adjust")
	var kind, reason, who string
	var delta, bal int64
	if err := v.db.Read.QueryRow(`SELECT kind, delta, balance, reason, actor_name FROM stock_movements ORDER BY id DESC LIMIT 1`).Scan(&kind, &delta, &bal, &reason, &who); err != nil {
		t.Fatal(err)
	}
	if kind != "adjusted" || delta != -2500 || bal != 10000 || reason != "damaged" || who != "olga" {
		t.Fatalf("count logged as %s %d → %d (%s) by %q", kind, delta, bal, reason, who)
	}
	want(t, v.owner.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"0"}, "reason": {"other"}, "note": {"sel baskını"}}), http.StatusSeeOther, "count to zero")
	if v.onHand(t, v.rose) != 0 {
		t.Fatalf("count to zero left %d", v.onHand(t, v.rose))
	}
	// The page shows the movements in the reader's language.
	r := v.viewer.Get(stockURL(v.rose, ""))
	want(t, r, http.StatusOK, "stock page")
	for _, s := range []string{"Stok hareketleri", "Giriş", "Hasarlı", "Çiçek hali", "olga", "oscar", "stokta yok"} {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("stock page lacks %q", s)
		}
	}
	if strings.Contains(r.Body, `action="/products/`+fmt.Sprint(v.rose)+`/stock/receive"`) {
		t.Fatal("a viewer sees the receive form")
	}
}

// Who may do what: the viewer reads, operators receive and count, only the owner sets levels.
func TestStockRoles(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	recv := url.Values{"quantity": {"5"}}
	want(t, v.viewer.Get(stockURL(v.rose, "")), http.StatusOK, "viewer reads")
	want(t, v.viewer.Get("/products/"), http.StatusOK, "viewer reads the list")
	want(t, v.viewer.Post(stockURL(v.rose, "/receive"), recv), http.StatusForbidden, "viewer receives")
	want(t, v.viewer.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"1"}, "reason": {"count"}}), http.StatusForbidden, "viewer counts")
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), recv), http.StatusSeeOther, "operator receives")
	want(t, v.oper.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"4"}, "reason": {"count"}}), http.StatusSeeOther, "operator counts")
	want(t, v.oper.Post(stockURL(v.rose, "/settings"), url.Values{"reorder_level": {"3"}}), http.StatusForbidden, "operator sets the level")
	if r := v.oper.Get(stockURL(v.rose, "")); strings.Contains(r.Body, "/stock/settings") {
		t.Fatal("an operator sees the stock settings form")
	}
	// The owner's settings: 422 and nothing stored on a bad value.
	for _, f := range []url.Values{{"reorder_level": {"-1"}}, {"reorder_level": {"2"}, "reorder_qty": {"0"}}, {"unit": {strings.Repeat("k", 17)}}} {
		want(t, v.owner.Post(stockURL(v.rose, "/settings"), f), http.StatusUnprocessableEntity, "settings "+f.Encode())
	}
	if n := v.count(t, `SELECT count(*) FROM stock_items WHERE reorder_level IS NOT NULL OR reorder_qty IS NOT NULL OR unit <> ''`); n != 0 {
		t.Fatalf("refused settings stored %d", n)
	}
	// The tulip has no stock yet, so its unit may change (the rose's 4 on hand may not: TestUnitChangeWithStock).
	want(t, v.owner.Post(stockURL(v.tulip, "/settings"), url.Values{"reorder_level": {"3"}, "reorder_qty": {"50"}, "unit": {"dal"}}), http.StatusSeeOther, "owner sets")
	if n := v.count(t, `SELECT count(*) FROM stock_items WHERE reorder_level = 3000 AND reorder_qty = 50000 AND unit = 'dal'`); n != 1 {
		t.Fatal("settings not stored")
	}
	want(t, v.owner.Get("/products/999/stock"), http.StatusNotFound, "unknown product")
	want(t, v.owner.Post("/products/999/stock/receive", recv), http.StatusNotFound, "receive unknown product")
}

// postOrder posts the order form; lines are product id → quantity as typed.
func (v *env) postOrder(c *apptest.Client, path, status string, confirm bool, lines ...any) *apptest.Resp {
	// No total: the order takes what its lines come to at catalog prices.
	f := url.Values{"customer_id": {fmt.Sprint(v.customer)}, "status": {status}, "total": {""}, "currency": {"TRY"}, "lines": {"1"}}
	for i := 0; i+1 < len(lines); i += 2 {
		n := i/2 + 1
		f.Set(fmt.Sprintf("line_product_%d", n), fmt.Sprint(lines[i]))
		f.Set(fmt.Sprintf("line_qty_%d", n), fmt.Sprint(lines[i+1]))
	}
	if confirm {
		f.Set("confirm_short", "1")
	}
	return c.Post(path, f)
}

// An order moves the stock of counted products when it is won or fulfilled, gives it back when
// cancelled, takes only the difference when edited, and leaves products that are not counted
// alone. A sale beyond the stock is refused with the shortfall named until someone confirms it.
func TestOrderMovesStock(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"10"}}), http.StatusSeeOther, "receive")
	// An open order holds nothing.
	r := v.postOrder(v.oper, "/orders/new", "open", false, v.rose, "3", v.tulip, "2")
	want(t, r, http.StatusSeeOther, "open order")
	var orderID int64
	if err := v.db.Read.QueryRow(`SELECT max(id) FROM orders`).Scan(&orderID); err != nil {
		t.Fatal(err)
	}
	if v.onHand(t, v.rose) != 10000 || v.count(t, `SELECT count(*) FROM order_lines WHERE order_id = ?`, orderID) != 2 {
		t.Fatal("an open order moved stock, or its lines were not kept")
	}
	path := fmt.Sprintf("/orders/%d/", orderID)
	want(t, v.postOrder(v.oper, path, "won", false, v.rose, "3", v.tulip, "2"), http.StatusSeeOther, "won")
	if got := v.onHand(t, v.rose); got != 7000 {
		t.Fatalf("won order: on hand %d, want 7000", got)
	}
	if v.count(t, `SELECT count(*) FROM stock_items WHERE product_id = ?`, v.tulip) != 0 {
		t.Fatal("a product nobody counts got a stock row from an order")
	}
	var kind, who string
	var oid int64
	if err := v.db.Read.QueryRow(`SELECT kind, order_id, actor_name FROM stock_movements ORDER BY id DESC LIMIT 1`).Scan(&kind, &oid, &who); err != nil {
		t.Fatal(err)
	}
	if kind != "sold" || oid != orderID || who != "oscar" {
		t.Fatalf("sale logged as %s of order %d by %q", kind, oid, who)
	}
	// Fulfilled after won takes nothing more; a changed quantity takes the difference.
	want(t, v.postOrder(v.oper, path, "fulfilled", false, v.rose, "3", v.tulip, "2"), http.StatusSeeOther, "fulfilled")
	want(t, v.postOrder(v.oper, path, "fulfilled", false, v.rose, "4", v.tulip, "2"), http.StatusSeeOther, "one more")
	if got := v.onHand(t, v.rose); got != 6000 {
		t.Fatalf("after fulfilling and adding one: %d, want 6000", got)
	}
	// Cancelled: everything comes back, as a "returned" movement.
	want(t, v.postOrder(v.oper, path, "cancelled", false, v.rose, "4", v.tulip, "2"), http.StatusSeeOther, "cancel")
	if got := v.onHand(t, v.rose); got != 10000 {
		t.Fatalf("after cancelling: %d, want 10000", got)
	}
	if n := v.count(t, `SELECT count(*) FROM stock_movements WHERE kind = 'returned' AND delta = 4000 AND order_id = ?`, orderID); n != 1 {
		t.Fatalf("%d returned movements of 4", n)
	}
	// A bad line: 422 and nothing stored.
	orders := v.count(t, `SELECT count(*) FROM orders`)
	r = v.postOrder(v.oper, "/orders/new", "won", false, v.rose, "abc")
	want(t, r, http.StatusUnprocessableEntity, "bad line")
	// More than is on hand: refused with the shortfall named, nothing stored.
	r = v.postOrder(v.oper, "/orders/new", "won", false, v.rose, "12")
	want(t, r, http.StatusUnprocessableEntity, "short sale")
	if !strings.Contains(r.Body, "Kırmızı gül: 10 adet in stock, the order takes 12") || !strings.Contains(r.Body, `name="confirm_short"`) {
		t.Fatalf("short sale page does not name the shortfall or ask to confirm: %.2000s", r.Body)
	}
	if v.count(t, `SELECT count(*) FROM orders`) != orders || v.onHand(t, v.rose) != 10000 {
		t.Fatal("a refused order left something behind")
	}
	// Confirmed: the sale goes through, the stock shows below zero and the movement says so.
	want(t, v.postOrder(v.oper, "/orders/new", "won", true, v.rose, "12"), http.StatusSeeOther, "confirmed short sale")
	if got := v.onHand(t, v.rose); got != -2000 {
		t.Fatalf("confirmed short sale: %d, want -2000", got)
	}
	if n := v.count(t, `SELECT count(*) FROM stock_movements WHERE short_ok = 1`); n != 1 {
		t.Fatalf("%d movements marked as confirmed below zero", n)
	}
	r = v.viewer.Get("/products/")
	if !strings.Contains(r.Body, "below zero") {
		t.Fatal("the list does not show the stock below zero")
	}
}

// With the module off the stock pages answer 404 and the list has no stock column, the order
// form no product lines; the stock and its history stay and come back with the module.
func TestModuleOffKeepsData(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	want(t, v.owner.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"8"}}), http.StatusSeeOther, "receive")
	v.e.Set("cicek", map[string]string{"modules": "sales"})
	for _, p := range []string{stockURL(v.rose, "")} {
		want(t, v.owner.Get(p), http.StatusNotFound, "GET "+p)
	}
	want(t, v.owner.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"1"}}), http.StatusNotFound, "receive while off")
	r := v.owner.Get("/products/")
	want(t, r, http.StatusOK, "products while off")
	if strings.Contains(r.Body, "/stock") || strings.Contains(r.Body, "low-stock-filter") {
		t.Fatal("the products list shows stock while the module is off")
	}
	if r := v.owner.Get("/orders/new"); strings.Contains(r.Body, "line_product_1") {
		t.Fatal("the order form shows product lines while the module is off")
	}
	if v.onHand(t, v.rose) != 8000 || v.count(t, `SELECT count(*) FROM stock_movements`) != 1 {
		t.Fatal("turning the module off lost data")
	}
	v.e.Set("cicek", map[string]string{"modules": "sales,inventory"})
	r = v.viewer.Get(stockURL(v.rose, ""))
	want(t, r, http.StatusOK, "back on")
	if !strings.Contains(r.Body, `id="on-hand" dir="ltr">8<`) {
		t.Fatal("the stock did not come back")
	}
}

// The low-stock recommendation: raised once per crossing of the reorder level (not on every run),
// in the reader's language with the suggested quantity, withdrawn when the stock is back above the
// level; the next crossing raises a new one.
func TestLowStockRecommendation(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "tr")
	ctx := context.Background()
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"30"}}), http.StatusSeeOther, "receive")
	want(t, v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"reorder_level": {"10"}, "reorder_qty": {"50"}}), http.StatusSeeOther, "level")
	if n := v.count(t, `SELECT count(*) FROM jobs WHERE kind = ?`, inventory.JobLowStock); n != 0 {
		t.Fatalf("%d low-stock runs queued above the level", n)
	}
	want(t, v.oper.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"9"}, "reason": {"count"}}), http.StatusSeeOther, "fall")
	if n := v.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'`, inventory.JobLowStock); n != 1 {
		t.Fatalf("%d low-stock runs queued after the fall, want 1", n)
	}
	raised, err := inventory.CheckLow(ctx, v.db, time.Now())
	if err != nil || raised != 1 {
		t.Fatalf("first run raised %d (%v), want 1", raised, err)
	}
	// Later runs, and further falls within the same crossing, raise nothing more.
	want(t, v.oper.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"5"}, "reason": {"lost"}}), http.StatusSeeOther, "fall more")
	for range 2 {
		if raised, err := inventory.CheckLow(ctx, v.db, time.Now()); err != nil || raised != 0 {
			t.Fatalf("a later run raised %d (%v)", raised, err)
		}
	}
	if n := v.count(t, `SELECT count(*) FROM decision_recommendations WHERE action_type = 'stock'`); n != 1 {
		t.Fatalf("%d stock recommendations, want 1", n)
	}
	r := v.owner.Get("/app/approvals/")
	want(t, r, http.StatusOK, "queue")
	for _, s := range []string{"Kırmızı gül için yeniden sipariş verin", "Önerilen sipariş: 50 adet"} {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("the queue lacks %q", s)
		}
	}
	if !strings.Contains(r.Body, `href="/products/`+fmt.Sprint(v.rose)+`/stock" data-open-stock>Ürünün stokunu aç`) {
		t.Fatal("the queue does not link the recommendation to the product's stock")
	}
	if strings.Contains(r.Body, "Reorder Kırmızı gül") {
		t.Fatal("the queue shows the English raw title")
	}
	// Back above the level: withdrawn, in the name of whoever booked the goods in.
	want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"50"}}), http.StatusSeeOther, "restock")
	var status, by string
	if err := v.db.Read.QueryRow(`SELECT status, decided_by_name FROM decision_recommendations WHERE action_type = 'stock'`).Scan(&status, &by); err != nil {
		t.Fatal(err)
	}
	if status != "rejected" || by != "oscar" {
		t.Fatalf("after restocking the recommendation is %s by %q, want withdrawn by oscar", status, by)
	}
	// A sale that crosses the level again: a new recommendation, with the out-of-stock words when nothing is left.
	want(t, v.postOrder(v.oper, "/orders/new", "won", false, v.rose, "55"), http.StatusSeeOther, "sell all")
	if raised, err := inventory.CheckLow(ctx, v.db, time.Now()); err != nil || raised != 1 {
		t.Fatalf("second crossing raised %d (%v), want 1", raised, err)
	}
	if n := v.count(t, `SELECT count(*) FROM decision_recommendations WHERE action_type = 'stock' AND status = 'pending' AND words LIKE '%inventory.rec.out%'`); n != 1 {
		t.Fatal("the second crossing's recommendation is not the out-of-stock one")
	}
}

// An order's total against its product lines at catalog prices (roses 40, tulips 25): a blank
// total takes the lines' sum; one far from it comes back asking, with both amounts named and
// nothing stored, until it is confirmed; an order saved again unchanged is not asked again; a
// total within a unit of the sum is taken as typed.
func TestOrderTotalAgainstLines(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "tr"} {
		v := newEnv(t, lang)
		total := func(id int64) float64 {
			t.Helper()
			var x float64
			if err := v.db.Read.QueryRow(`SELECT total FROM orders WHERE id = ?`, id).Scan(&x); err != nil {
				t.Fatal(err)
			}
			return x
		}
		last := func() int64 { return v.count(t, `SELECT coalesce(max(id), 0) FROM orders`) }
		post := func(path, typed string, confirm bool) *apptest.Resp {
			f := url.Values{"customer_id": {fmt.Sprint(v.customer)}, "status": {"open"}, "total": {typed}, "currency": {"TRY"}, "lines": {"1"},
				"line_product_1": {fmt.Sprint(v.rose)}, "line_qty_1": {"3"}, "line_product_2": {fmt.Sprint(v.tulip)}, "line_qty_2": {"2"}}
			if confirm {
				f.Set("confirm_total", "1")
			}
			return v.oper.Post(path, f)
		}
		want(t, post("/orders/new", "", false), http.StatusSeeOther, lang+": blank total")
		if got := total(last()); got != 170 {
			t.Errorf("%s: a blank total stored %v, want the lines' 170", lang, got)
		}
		before := last()
		r := post("/orders/new", "100", false)
		want(t, r, http.StatusUnprocessableEntity, lang+": total far from the lines")
		if last() != before {
			t.Errorf("%s: a total waiting for its confirmation stored an order", lang)
		}
		says := map[string][]string{"en": {"₺100.00", "₺170.00", "at catalog prices"}, "tr": {"100,00 ₺", "170,00 ₺", "katalog fiyatlarıyla"}}[lang]
		for _, w := range append(says, `name="confirm_total"`, `value="100"`) {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s: the refused form lacks %q", lang, w)
			}
		}
		want(t, post("/orders/new", "100", true), http.StatusSeeOther, lang+": confirmed total")
		id := last()
		if got := total(id); got != 100 {
			t.Errorf("%s: the confirmed total stored %v, want 100", lang, got)
		}
		// Saved again as it is: confirmed once, not asked at every edit.
		path := fmt.Sprintf("/orders/%d/", id)
		want(t, post(path, "100", false), http.StatusSeeOther, lang+": unchanged edit")
		// A new total far from the lines asks again; within a unit of the sum it does not.
		want(t, post(path, "90", false), http.StatusUnprocessableEntity, lang+": changed total")
		want(t, post(path, "170,5", false), http.StatusSeeOther, lang+": total within a unit")
		// The order's page says what the lines come to.
		if page := v.oper.Get(path); !strings.Contains(page.Body, says[1]) || !strings.Contains(page.Body, `id="lines-sum"`) {
			t.Errorf("%s: the order's page does not show the lines' sum %s", lang, says[1])
		}
	}
}

// The unit stock is counted in does not change while stock is on hand: 480 m² would become 480
// pallets. The form comes back (422) with the error, in the panel's language, at the unit field,
// the typed values kept and nothing stored; counted to zero, the unit may change, and a product
// with no stock changes it freely.
func TestUnitChangeWithStock(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "tr"} {
		t.Run(lang, func(t *testing.T) {
			v := newEnv(t, lang)
			want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"480"}}), http.StatusSeeOther, "receive 480")
			before := v.count(t, `SELECT count(*) FROM action_logs`)
			r := v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"reorder_level": {"7"}, "reorder_qty": {""}, "unit": {"palet"}})
			want(t, r, http.StatusUnprocessableEntity, "unit change with 480 on hand")
			msg := map[string]string{"en": "First count the stock to zero", "tr": "Önce stoku sıfıra sayın"}[lang]
			field := r.Body[strings.Index(r.Body, `id="stock-unit"`):]
			if !strings.Contains(field[:min(len(field), 900)], msg) {
				t.Fatalf("no %q next to the unit field: %.900s", msg, field)
			}
			if !strings.Contains(r.Body, `name="unit" maxlength="16" placeholder="adet" value="palet"`) || !strings.Contains(r.Body, `name="reorder_level" inputmode="decimal" value="7"`) {
				t.Fatalf("typed values not kept: %.3000s", r.Body)
			}
			if n := v.count(t, `SELECT count(*) FROM stock_items WHERE product_id = ? AND (unit <> '' OR reorder_level IS NOT NULL)`, v.rose); n != 0 {
				t.Fatal("a refused unit change stored something")
			}
			if n := v.count(t, `SELECT count(*) FROM action_logs`); n != before {
				t.Fatalf("a refused unit change wrote %d audit rows", n-before)
			}
			if v.onHand(t, v.rose) != 480000 {
				t.Fatalf("on hand %d", v.onHand(t, v.rose))
			}
			// Nor through the product itself, whose unit the stock follows: the product form and
			// the integration API's import changed it and kept 480 (480 pieces read as 480 pallets).
			r = v.owner.Post(fmt.Sprintf("/products/%d/", v.rose), url.Values{"sku": {"GUL-K"}, "name": {"Kırmızı gül"}, "unit": {"palet"},
				"unit_price": {"40"}, "currency": {"TRY"}, "active": {"true"}})
			want(t, r, http.StatusUnprocessableEntity, "product form: unit change with 480 on hand")
			if !strings.Contains(r.Body, msg) {
				t.Fatalf("product form: no %q on the page", msg)
			}
			imp := v.e.APIKey("cicek", "import")
			r = v.e.Client().PostJSON("/api/v1/products", []byte(`{"sku":"GUL-K","name":"Kırmızı gül","unit":"palet","unit_price":"40","currency":"TRY"}`),
				map[string]string{"Authorization": "Bearer " + imp})
			want(t, r, http.StatusUnprocessableEntity, "import: unit change with 480 on hand")
			if !strings.Contains(r.Body, "1.unit") {
				t.Fatalf("import: the refusal does not name the row's unit: %.400s", r.Body)
			}
			if n := v.count(t, `SELECT count(*) FROM products WHERE id = ? AND unit = 'adet'`, v.rose); n != 1 {
				t.Fatal("a refused product save changed the product's unit")
			}
			if n := v.count(t, `SELECT count(*) FROM action_logs`); n != before {
				t.Fatalf("refused product saves wrote %d audit rows", n-before)
			}
			// The same unit (typed or left empty) with other settings is no change of unit.
			want(t, v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"reorder_level": {"7"}, "unit": {"adet"}}), http.StatusSeeOther, "same unit")
			// The product's other fields change as before.
			want(t, v.owner.Post(fmt.Sprintf("/products/%d/", v.rose), url.Values{"sku": {"GUL-K"}, "name": {"Kırmızı gül (uzun sap)"}, "unit": {"adet"},
				"unit_price": {"45"}, "currency": {"TRY"}, "active": {"true"}}), http.StatusSeeOther, "product form, same unit")
			// Counted to zero, the unit may change.
			want(t, v.oper.Post(stockURL(v.rose, "/adjust"), url.Values{"counted": {"0"}, "reason": {"count"}}), http.StatusSeeOther, "count to zero")
			want(t, v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"unit": {"palet"}}), http.StatusSeeOther, "unit change at zero")
			// A product never counted changes its unit too.
			want(t, v.owner.Post(stockURL(v.tulip, "/settings"), url.Values{"unit": {"demet"}}), http.StatusSeeOther, "unit of a product with no stock")
			if n := v.count(t, `SELECT count(*) FROM stock_items WHERE (product_id = ? AND unit = 'palet') OR (product_id = ? AND unit = 'demet')`, v.rose, v.tulip); n != 2 {
				t.Fatalf("allowed unit changes stored %d of 2", n)
			}
			// Once the pallets come in, they cannot be turned back into pieces.
			want(t, v.oper.Post(stockURL(v.rose, "/receive"), url.Values{"quantity": {"2"}}), http.StatusSeeOther, "receive 2 pallets")
			want(t, v.owner.Post(stockURL(v.rose, "/settings"), url.Values{"unit": {""}}), http.StatusUnprocessableEntity, "back to the product's unit with stock")
		})
	}
}

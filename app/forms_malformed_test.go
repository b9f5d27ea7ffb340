package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// A form changed outside its page — a record's number that is not a number ("abc" for an
// assignee, a ticket, a customer, the ids of a bulk action) — was read as 0 ("nobody", "none")
// and the save went through: the ticket lost its assignee, the time went on the ticket with no
// word on the client, the lead was linked whatever its page had shown, a stock count skipped its
// check for movements since the page was drawn, a bulk approval decided the ids it could read and
// skipped the rest. Now each is a 400 saying so in the user's language, and the business's file is
// as it was. The conversation's assignee and the lead's stage were refused already (422, beside
// the field) and stay so.
func TestMalformedChoicesAreRefused(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	shop, it := e.User(app.DemoSlug, "ayse", "owner"), e.User(app.DemoMSPSlug, "mert", "owner")
	shopDB, itDB := e.DB(app.DemoSlug), e.DB(app.DemoMSPSlug)
	one := func(db *tenantdb.DB, q string) int64 {
		t.Helper()
		var id int64
		if err := db.Read.QueryRow(q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	ticket := one(itDB, `SELECT id FROM msp_tickets WHERE assignee_user_id IS NOT NULL AND status NOT IN ('resolved','closed') ORDER BY id LIMIT 1`)
	conv := one(shopDB, `SELECT id FROM conversations WHERE assigned_user_id IS NOT NULL ORDER BY id LIMIT 1`)
	lead := one(shopDB, `SELECT id FROM leads WHERE customer_id IS NULL AND stage = 'new' ORDER BY id LIMIT 1`)
	customer := one(shopDB, `SELECT id FROM customers ORDER BY id LIMIT 1`)
	stock := one(shopDB, `SELECT product_id FROM stock_items ORDER BY product_id LIMIT 1`)
	rec := one(shopDB, `SELECT id FROM decision_recommendations WHERE status = 'pending' AND draft_reply = '' ORDER BY id LIMIT 1`)
	id := func(n int64) string { return fmt.Sprint(n) }

	for _, c := range []struct {
		name   string
		cl     *apptest.Client
		db     *tenantdb.DB
		path   string
		form   url.Values
		status int
		state  string // what must read the same after the refusal
	}{
		{"ticket assignee", it, itDB, "/app/msp/tickets/" + id(ticket) + "/assign", url.Values{"assignee": {"abc"}}, http.StatusBadRequest,
			`SELECT coalesce(assignee_user_id, 0) || ' ' || updated_at FROM msp_tickets WHERE id = ` + id(ticket)},
		{"time entry client", it, itDB, "/app/msp/time/entries", url.Values{"ticket_id": {id(ticket)}, "client": {"abc"},
			"day": {time.Now().Format(time.DateOnly)}, "hours": {"1"}, "billable": {"1"}}, http.StatusBadRequest,
			`SELECT count(*) FROM msp_time_entries`},
		{"time entry ticket", it, itDB, "/app/msp/time/entries", url.Values{"ticket_id": {"7x"}, "ticket": {id(ticket)},
			"day": {time.Now().Format(time.DateOnly)}, "hours": {"1"}, "billable": {"1"}}, http.StatusBadRequest,
			`SELECT count(*) FROM msp_time_entries`},
		{"conversation assignee", shop, shopDB, "/app/inbox/" + id(conv) + "/", url.Values{"assigned_user_id": {"abc"}}, http.StatusUnprocessableEntity,
			`SELECT coalesce(assigned_user_id, 0) || ' ' || updated_at FROM conversations WHERE id = ` + id(conv)},
		{"lead stage", shop, shopDB, "/app/leads/" + id(lead) + "/stage", url.Values{"stage": {"abc"}, "from": {"new"}}, http.StatusUnprocessableEntity,
			`SELECT stage || ' ' || updated_at FROM leads WHERE id = ` + id(lead)},
		{"lead customer", shop, shopDB, "/app/leads/" + id(lead) + "/customer", url.Values{"customer_id": {id(customer)}, "shown_customer": {"abc"}},
			http.StatusBadRequest, `SELECT coalesce(customer_id, 0) || ' ' || updated_at FROM leads WHERE id = ` + id(lead)},
		{"stock count", shop, shopDB, "/products/" + id(stock) + "/stock/adjust", url.Values{"counted": {"3"}, "reason": {"count"}, "seen": {"abc"}},
			http.StatusBadRequest, `SELECT on_hand FROM stock_items WHERE product_id = ` + id(stock)},
		{"approvals bulk", shop, shopDB, "/app/approvals/bulk", url.Values{"verb": {"approve"}, "id": {"abc", id(rec)}}, http.StatusBadRequest,
			`SELECT status FROM decision_recommendations WHERE id = ` + id(rec)},
	} {
		t.Run(c.name, func(t *testing.T) {
			read := func() string {
				var s string
				if err := c.db.Read.QueryRow(c.state).Scan(&s); err != nil {
					t.Fatal(err)
				}
				var logs int
				if err := c.db.Read.QueryRow(`SELECT count(*) FROM action_logs`).Scan(&logs); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%s · %d log rows", s, logs)
			}
			before := read()
			r := c.cl.Post(c.path, c.form)
			if r.StatusCode != c.status {
				t.Errorf("status %d, want %d", r.StatusCode, c.status)
			}
			if c.status == http.StatusBadRequest && !strings.Contains(r.Body, "Formdaki bir seçim sayfanın sunduklarından biri değil") {
				t.Errorf("the answer does not say why in Turkish: %.300s", r.Body)
			}
			if after := read(); after != before {
				t.Errorf("stored: %s, was %s", after, before)
			}
		})
	}
}

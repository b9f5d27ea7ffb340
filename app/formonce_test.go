package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/web"
)

// onceForm is one panel form that creates a record, as TestCreateFormsSendOnce posts it.
type onceForm struct {
	name  string
	page  string                 // the page that shows the form
	path  string                 // where the form posts
	good  func(n int) url.Values // a valid form; n makes each record's values its own
	bad   url.Values             // a form the room refuses (422), or nil when none can be
	count string                 // counts the records the form creates
}

// onceEnv is a tenant with an owner and one conversation, the ground the create forms stand on.
type onceEnv struct {
	e      *apptest.Env
	owner  *apptest.Client
	conv   int64
	ticket string // a ticket on the conversation (its replies go to the customer)
	visit  string // a confirmed site visit on the conversation, whose outcome is saved
	lead   string // the conversation's lead, made a customer
}

func newOnceEnv(t *testing.T) *onceEnv {
	t.Helper()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	e.Set("acme", map[string]string{"modules": "sales,repair,inventory,msp,seasonal"})
	owner := e.User("acme", "olga", "owner")
	r := owner.Post("/app/inbox/new/", url.Values{"name": {"Ayşe"}, "phone": {"0532 111 22 33"}, "channel": {"call"}, "body": {"Parke fiyatı?"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new conversation: %d %s", r.StatusCode, r.Body)
	}
	conv, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(r.Header.Get("Location"), "/app/inbox/"), "/"), 10, 64)
	if err != nil {
		t.Fatalf("new conversation at %q", r.Header.Get("Location"))
	}
	r = owner.Post("/app/msp/tickets/new", url.Values{"conversation_id": {strconv.FormatInt(conv, 10)}, "subject": {"Yazıcı"}, "priority": {"p3"}})
	ticket := strings.Trim(strings.TrimPrefix(r.Header.Get("Location"), "/app/msp/tickets/"), "/")
	if r.StatusCode != http.StatusSeeOther || ticket == "" {
		t.Fatalf("ticket on the conversation: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// A site visit booked on the conversation and confirmed, for its outcome form.
	from := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	c, own := strconv.FormatInt(conv, 10), strconv.FormatInt(owner.UserID, 10)
	page := owner.Get("/app/visits/book?conversation_id=" + c + "&assignee=" + own + "&duration=60&from=" + from)
	slot, _ := page.Doc(t).Find("#slots [data-slot]").First().Attr("value")
	r = owner.Post("/app/visits/book", url.Values{"conversation_id": {c}, "assignee": {own}, "duration": {"60"}, "from": {from},
		"start": {slot}, "address": {"Moda Cad. 1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking a visit: %d", r.StatusCode)
	}
	var visit int64
	if err := e.DB("acme").Read.QueryRow(`SELECT max(id) FROM site_visits`).Scan(&visit); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB("acme").Write.Exec(`UPDATE site_visits SET status = 'confirmed', approved_at = 1, approved_by_name = 'olga' WHERE id = ?`, visit); err != nil {
		t.Fatal(err)
	}
	var lead int64
	if err := e.DB("acme").Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, conv).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	return &onceEnv{e: e, owner: owner, conv: conv, ticket: ticket, visit: strconv.FormatInt(visit, 10), lead: strconv.FormatInt(lead, 10)}
}

// onceForms lists the create forms of the panel with their valid and refused posts.
func onceForms(o *onceEnv) []onceForm {
	conv := strconv.FormatInt(o.conv, 10)
	owner := strconv.FormatInt(o.owner.UserID, 10)
	day := time.Now().AddDate(0, 1, 0)
	return []onceForm{
		{name: "customer", page: "/customers/new", path: "/customers/new",
			good:  func(n int) url.Values { return url.Values{"name": {"Müşteri " + strconv.Itoa(n)}} },
			bad:   url.Values{"name": {""}, "email": {"not-an-email"}},
			count: `SELECT count(*) FROM customers`},
		{name: "order", page: "/orders/new", path: "/orders/new",
			good: func(n int) url.Values {
				return url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {strconv.Itoa(100 + n)}, "currency": {"TRY"}}
			},
			bad:   url.Values{"customer_id": {"999"}, "status": {"open"}, "total": {"100"}, "currency": {"TRY"}},
			count: `SELECT count(*) FROM orders`},
		{name: "invoice", page: "/invoices/new", path: "/invoices/new",
			good: func(n int) url.Values {
				return url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {strconv.Itoa(100 + n)}, "currency": {"TRY"}}
			},
			bad:   url.Values{"status": {"paid"}, "amount": {"500"}, "currency": {"TRY"}},
			count: `SELECT count(*) FROM invoices`},
		{name: "site visit", page: "/app/visits/book?conversation_id=" + conv, path: "/app/visits/book",
			good: func(n int) url.Values {
				// A free slot of the booking page, a day of its own for each n.
				from := day.AddDate(0, 0, n).Format("2006-01-02")
				page := o.owner.Get("/app/visits/book?conversation_id=" + conv + "&assignee=" + owner + "&duration=60&from=" + from)
				slot, _ := page.Doc(o.e.T).Find("#slots [data-slot]").First().Attr("value")
				return url.Values{"conversation_id": {conv}, "assignee": {owner}, "duration": {"60"}, "from": {from},
					"start": {slot}, "address": {"Bağdat Cad. " + strconv.Itoa(n)}}
			},
			bad:   url.Values{"conversation_id": {conv}, "assignee": {owner}, "duration": {"60"}, "start": {""}, "address": {"Bağdat Cad."}},
			count: `SELECT count(*) FROM site_visits`},
		{name: "quote", page: "/app/quotes/new?conversation_id=" + conv, path: "/app/quotes/new",
			good: func(n int) url.Values {
				return url.Values{"conversation_id": {conv}, "language": {"en"}, "customer_name": {"Ayşe"}, "valid_until": {"2099-12-31"},
					"kind": {"labour"}, "name": {"Laying " + strconv.Itoa(n)}, "quantity": {"10"}, "unit_price": {"180"}, "vat": {"20"}}
			},
			bad:   url.Values{"conversation_id": {conv}, "language": {"en"}, "valid_until": {"2027-13-40"}},
			count: `SELECT count(*) FROM quotes`},
		{name: "product", page: "/products/", path: "/products/",
			good: func(n int) url.Values {
				return url.Values{"sku": {"SKU-" + strconv.Itoa(n)}, "name": {"Granit"}, "unit_price": {"100"}}
			},
			bad:   url.Values{"sku": {""}, "name": {"Granit"}, "unit_price": {"100"}},
			count: `SELECT count(*) FROM products`},
		{name: "stock received", page: "/products/1/stock", path: "/products/1/stock/receive",
			good:  func(int) url.Values { return url.Values{"quantity": {"5"}} },
			bad:   url.Values{"quantity": {"-3"}},
			count: `SELECT count(*) FROM stock_movements`},
		{name: "reply template", page: "/app/settings/templates", path: "/app/settings/templates",
			good:  func(n int) url.Values { return url.Values{"name": {"Selam " + strconv.Itoa(n)}, "body": {"Merhaba"}} },
			bad:   url.Values{"name": {""}, "body": {""}},
			count: `SELECT count(*) FROM templates`},
		{name: "quote text", page: "/app/quotes/settings", path: "/app/quotes/settings/snippets",
			good: func(n int) url.Values {
				return url.Values{"kind": {"payment"}, "title": {"Peşin " + strconv.Itoa(n)}, "body": {"Peşin ödeme"}}
			},
			bad:   url.Values{"kind": {"payment"}, "title": {""}, "body": {""}},
			count: `SELECT count(*) FROM quote_snippets`},
		{name: "ticket", page: "/app/msp/tickets/new", path: "/app/msp/tickets/new",
			good: func(n int) url.Values {
				return url.Values{"subject": {"Yazıcı " + strconv.Itoa(n)}, "priority": {"p3"}}
			},
			bad:   url.Values{"subject": {""}, "priority": {"p3"}},
			count: `SELECT count(*) FROM msp_tickets`},
		{name: "ticket note", page: "/app/msp/tickets/1/", path: "/app/msp/tickets/1/note",
			good:  func(n int) url.Values { return url.Values{"note": {"Not " + strconv.Itoa(n)}} },
			bad:   url.Values{"note": {""}},
			count: `SELECT count(*) FROM msp_ticket_events WHERE kind = 'note'`},
		{name: "ticket reply", page: "/app/msp/tickets/" + o.ticket + "/", path: "/app/msp/tickets/" + o.ticket + "/reply",
			good:  func(n int) url.Values { return url.Values{"reply": {"Yarın geliyoruz " + strconv.Itoa(n)}} },
			bad:   url.Values{"reply": {" "}},
			count: `SELECT count(*) FROM msp_ticket_events WHERE kind = 'reply'`},
		{name: "time entry", page: "/app/msp/tickets/1/time", path: "/app/msp/time/entries",
			good: func(n int) url.Values {
				return url.Values{"ticket_id": {"1"}, "day": {time.Now().Format("2006-01-02")}, "hours": {"1"}, "note": {"iş " + strconv.Itoa(n)}}
			},
			bad:   url.Values{"ticket_id": {"1"}, "day": {time.Now().Format("2006-01-02")}, "hours": {"x"}},
			count: `SELECT count(*) FROM msp_time_entries`},
		{name: "stock counted", page: "/products/1/stock", path: "/products/1/stock/adjust",
			good:  func(n int) url.Values { return url.Values{"counted": {strconv.Itoa(n)}, "reason": {"count"}} },
			bad:   url.Values{"counted": {"3"}, "reason": {"other"}},
			count: `SELECT count(*) FROM stock_movements`},
		{name: "repair request", page: "/repair-requests/new", path: "/repair-requests/new",
			good: func(n int) url.Values {
				return url.Values{"description": {"Kırık " + strconv.Itoa(n)}, "urgency": {"medium"}, "status": {"open"}}
			},
			bad:   url.Values{"description": {""}, "urgency": {"medium"}, "status": {"open"}},
			count: `SELECT count(*) FROM repair_requests`},
		{name: "msp client", page: "/app/msp/clients/new", path: "/app/msp/clients/new",
			good: func(n int) url.Values {
				return url.Values{"name": {"Muhasebe " + strconv.Itoa(n)}, "contact_name": {"Selin"}}
			},
			bad:   url.Values{"name": {""}},
			count: `SELECT count(*) FROM msp_clients`},
		{name: "msp site", page: "/app/msp/sites/new?client=1", path: "/app/msp/sites/new",
			good: func(n int) url.Values {
				return url.Values{"client": {"1"}, "name": {"Ofis " + strconv.Itoa(n)}, "address": {"Moda Cad. 5"}}
			},
			bad:   url.Values{"client": {"1"}, "name": {""}},
			count: `SELECT count(*) FROM msp_sites`},
		{name: "msp device", page: "/app/msp/devices/new?client=1", path: "/app/msp/devices/new",
			good: func(n int) url.Values {
				return url.Values{"client": {"1"}, "kind": {"server"}, "name": {"DC0" + strconv.Itoa(n)}}
			},
			bad:   url.Values{"client": {"1"}, "kind": {"toaster"}, "name": {"Yazıcı"}},
			count: `SELECT count(*) FROM msp_devices`},
		{name: "msp contract", page: "/app/msp/contracts/new?client=1", path: "/app/msp/contracts/new",
			good: func(n int) url.Values {
				return url.Values{"client": {"1"}, "kind": {"block"}, "starts_on": {time.Now().Format("2006-01-02")}, "ends_on": {time.Now().AddDate(1, 0, 0).Format("2006-01-02")}, "hours": {"10"}, "price": {strconv.Itoa(1000 + n)}, "currency": {"TRY"}}
			},
			bad:   url.Values{"client": {"1"}, "kind": {"block"}, "starts_on": {"2027-13-40"}, "ends_on": {"2028-01-01"}, "hours": {"10"}, "price": {"1000"}, "currency": {"TRY"}},
			count: `SELECT count(*) FROM msp_contracts`},
		{name: "sla policy", page: "/app/msp/sla/", path: "/app/msp/sla/",
			good: func(n int) url.Values {
				return url.Values{"name": {"Altın " + strconv.Itoa(n)}, "calendar": {"always"}, "p1_response": {"1"}, "p1_resolution": {"2"}}
			},
			bad:   url.Values{"name": {""}, "calendar": {"always"}},
			count: `SELECT count(*) FROM msp_sla_policies`},
		{name: "seasonal date", page: "/app/seasonal/new", path: "/app/seasonal/new",
			good: func(n int) url.Values {
				return url.Values{"name": {"Festival " + strconv.Itoa(n)}, "rule": {"fixed"}, "month": {"5"}, "day": {"10"}, "lead_days": {"7"}, "uplift_pct": {"60"}}
			},
			bad:   url.Values{"name": {" "}, "rule": {"fixed"}, "month": {"2"}, "day": {"30"}},
			count: `SELECT count(*) FROM seasonal_campaigns`},
		{name: "visit outcome", page: "/app/visits/" + o.visit + "/outcome", path: "/app/visits/" + o.visit + "/outcome",
			good: func(n int) url.Values {
				return url.Values{"status": {"done"}, "area": {strconv.Itoa(40 + n)}, "notes": {"Ölçüldü " + strconv.Itoa(n)}}
			},
			bad:   url.Values{"status": {"done"}, "area": {"kırk"}},
			count: `SELECT count(*) FROM action_logs WHERE action_type = 'visit_outcome'`},
		{name: "lead to customer", page: "/app/leads/" + o.lead + "/", path: "/app/leads/" + o.lead + "/customer",
			good: func(n int) url.Values {
				return url.Values{"name": {"Ayşe " + strconv.Itoa(n)}, "phone": {"0532 111 22 33"}}
			},
			bad:   url.Values{"name": {" "}, "email": {"yok"}},
			count: `SELECT count(*) FROM customers`},
		{name: "conversation", page: "/app/inbox/", path: "/app/inbox/new/",
			good: func(n int) url.Values {
				return url.Values{"name": {"Lead " + strconv.Itoa(n)}, "phone": {fmt.Sprintf("0532 222 %04d", n)}, "channel": {"call"}, "body": {"Merhaba"}}
			},
			bad:   url.Values{"name": {"Lead"}, "channel": {"call"}, "body": {""}},
			count: `SELECT count(*) FROM messages WHERE direction = 'inbound'`},
	}
}

// TestCreateFormsSendOnce posts every create form of the panel the ways a person and a phone do:
// twice with the same one-time token (a double click, a resend after a timeout) — one record, and
// the second answer leads where the first did, with the notice; refused first, then corrected
// with the same token — one record; twice at the same moment — one record.
func TestCreateFormsSendOnce(t *testing.T) {
	t.Parallel()
	o := newOnceEnv(t)
	db := o.e.DB("acme")
	for i, f := range onceForms(o) {
		t.Run(f.name, func(t *testing.T) {
			n := func() int {
				t.Helper()
				var k int
				if err := db.Read.QueryRow(f.count).Scan(&k); err != nil {
					t.Fatal(err)
				}
				return k
			}
			post := func(v url.Values, token string) *apptest.Resp {
				t.Helper()
				v = cloneValues(v)
				v.Set(web.OnceField, token)
				return o.owner.Post(f.path, v)
			}
			// The form as shown carries a token.
			page := o.owner.Get(f.page)
			if page.Doc(t).Find(`form[action="`+f.path+`"] input[name="`+web.OnceField+`"]`).Length() != 1 {
				t.Fatalf("the form on %s carries no one-time token", f.page)
			}
			before := n()

			// Twice with the same token: one record, the same answer, the notice.
			tok := web.NewOnceToken()
			r1 := post(f.good(10*i+1), tok)
			if r1.StatusCode != http.StatusSeeOther {
				t.Fatalf("first post: %d %s", r1.StatusCode, r1.Doc(t).Find(".field-error, .flash-error").Text())
			}
			r2 := post(f.good(10*i+1), tok)
			if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != r1.Header.Get("Location") {
				t.Fatalf("second post: %d to %q, want 303 to %q", r2.StatusCode, r2.Header.Get("Location"), r1.Header.Get("Location"))
			}
			if got := n(); got != before+1 {
				t.Fatalf("records after the same form twice = %d, want %d", got, before+1)
			}
			if page := o.owner.Get(r2.Header.Get("Location")); !strings.Contains(page.Body, "This form was already sent") {
				t.Errorf("the page after the second post does not say the form was already sent (%d)", page.StatusCode)
			}

			// Refused, then corrected with the same token: the refusal did not spend it.
			if f.bad != nil {
				tok := web.NewOnceToken()
				if r := post(f.bad, tok); r.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("refused post: %d, want 422", r.StatusCode)
				}
				if got := n(); got != before+1 {
					t.Fatalf("a refused post stored a record (%d)", got)
				}
				if r := post(f.good(10*i+2), tok); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("corrected post: %d %s", r.StatusCode, r.Body)
				}
				if got := n(); got != before+2 {
					t.Fatalf("records after the corrected post = %d, want %d", got, before+2)
				}
			}
			base := n()

			// Without a token (a page cached from before, a script) it creates as it always did.
			if r := o.owner.Post(f.path, f.good(10*i+4)); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("post without a token: %d", r.StatusCode)
			}
			if got := n(); got != base+1 {
				t.Fatalf("records after a post without a token = %d, want %d", got, base+1)
			}
			base++

			// Twice at the same moment (two connections of one phone): one record.
			tok = web.NewOnceToken()
			form := f.good(10*i + 3)
			form.Set(web.OnceField, tok)
			locs := make([]string, 2)
			codes := make([]int, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for k := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req, _ := http.NewRequest("POST", o.e.URL+f.path, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Origin", o.e.URL)
					req.Header.Set("Sec-Fetch-Site", "same-origin")
					<-start
					res, err := o.owner.HTTP.Do(req)
					if err != nil {
						return
					}
					res.Body.Close()
					codes[k], locs[k] = res.StatusCode, res.Header.Get("Location")
				}()
			}
			close(start)
			wg.Wait()
			if codes[0] != http.StatusSeeOther || codes[1] != http.StatusSeeOther || locs[0] != locs[1] {
				t.Fatalf("concurrent posts answered %v %q", codes, locs)
			}
			if got := n(); got != base+1 {
				t.Fatalf("records after two concurrent posts = %d, want %d", got, base+1)
			}
		})
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestSpentFormTokensExpire: a spent token is kept a day, then the retention run deletes it (and
// a form posted again after that creates anew, as a form without a token does).
func TestSpentFormTokensExpire(t *testing.T) {
	t.Parallel()
	o := newOnceEnv(t)
	db := o.e.DB("acme")
	tok := web.NewOnceToken()
	if r := o.owner.Post("/customers/new", url.Values{"name": {"Ayşe"}, web.OnceField: {tok}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d", r.StatusCode)
	}
	count := func() int {
		var k int
		if err := db.Read.QueryRow(`SELECT count(*) FROM form_submissions`).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	if count() != 1 {
		t.Fatalf("spent tokens = %d, want 1", count())
	}
	ctx := t.Context()
	if n, err := web.PruneOnce(ctx, db, time.Now().Add(web.OnceKeep-time.Hour)); err != nil || n != 0 || count() != 1 {
		t.Fatalf("prune within a day: %d %v, left %d", n, err, count())
	}
	if n, err := web.PruneOnce(ctx, db, time.Now().Add(web.OnceKeep+time.Minute)); err != nil || n != 1 || count() != 0 {
		t.Fatalf("prune after a day: %d %v, left %d", n, err, count())
	}
}

// TestStaffCreateTenantSendsOnce: the staff console's new-tenant form carries a one-time token; a
// second post of the same form (a double tap, a resend) creates nothing and leads to the tenant
// the first made with the already-sent notice, where it was refused as a taken slug before. A
// refused form keeps its token for the corrected post.
func TestStaffCreateTenantSendsOnce(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	stan := e.User("", "stan", "staff")
	page := stan.Get("/staff/")
	if page.Doc(t).Find(`form[action="/staff/tenants"] input[name="`+web.OnceField+`"]`).Length() != 1 {
		t.Fatal("the new-tenant form carries no one-time token")
	}
	tenants := func() int {
		t.Helper()
		all, err := e.Server.Platform.ListTenants(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	before := tenants()
	tok := web.NewOnceToken()
	r := stan.Post("/staff/tenants", url.Values{"slug": {"-bad"}, "name": {"Taşlar"}, "niche": {"default"}, "primary_locale": {"tr"}, web.OnceField: {tok}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused form: %d", r.StatusCode)
	}
	if v, _ := r.Doc(t).Find(`form[action="/staff/tenants"] input[name="` + web.OnceField + `"]`).Attr("value"); v != tok {
		t.Fatalf("the refused form came back with token %q, want the one sent", v)
	}
	form := url.Values{"slug": {"taslar"}, "name": {"Taşlar"}, "niche": {"default"}, "primary_locale": {"tr"}, web.OnceField: {tok}}
	r1 := stan.Post("/staff/tenants", form)
	if r1.StatusCode != http.StatusSeeOther || r1.Header.Get("Location") != "/staff/tenants/taslar/" {
		t.Fatalf("first post: %d to %q", r1.StatusCode, r1.Header.Get("Location"))
	}
	r2 := stan.Post("/staff/tenants", form)
	if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != r1.Header.Get("Location") {
		t.Fatalf("second post: %d to %q, want 303 to %q", r2.StatusCode, r2.Header.Get("Location"), r1.Header.Get("Location"))
	}
	if p := stan.Get(r2.Header.Get("Location")); !strings.Contains(p.Body, "Bu form zaten gönderilmişti") {
		t.Errorf("the tenant's page after the resend does not say the form was already sent (%d): %s", p.StatusCode, p.Doc(t).Find(".flashes").Text())
	}
	if n := tenants(); n != before+1 {
		t.Fatalf("%d tenants after one form sent twice, want %d", n, before+1)
	}
	// The console's spent token is pruned after a day like the panel's (serve.go's retention hook
	// prunes the platform database with each tenant's run).
	if n, err := web.PruneOnce(context.Background(), e.Server.Platform.DB, time.Now().Add(web.OnceKeep+time.Minute)); err != nil || n != 1 {
		t.Errorf("pruning the platform's spent tokens: %d %v, want 1", n, err)
	}
}

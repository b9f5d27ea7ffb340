package quotes_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

type fixture struct {
	e      *apptest.Env
	owner  *apptest.Client
	op     *apptest.Client
	viewer *apptest.Client
	conv   int64
}

func setup(t *testing.T) *fixture {
	t.Helper()
	return setupWith(t, apptest.Options{NoJobs: true})
}

// setupWith is setup on a server started with o (jobs running, for what a job does next).
func setupWith(t *testing.T, o apptest.Options) *fixture {
	t.Helper()
	e := apptest.NewWith(t, o)
	e.Tenant("acme", "parke_tas", "tr")
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Deniz Yılmaz",
		Body: "Merhaba, bahçeye 120 m2 granit döşetmek istiyoruz, çapraz döşeme olacak. Fiyat alabilir miyim?"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e, owner: e.User("acme", "talha", "owner"), op: e.User("acme", "olga", "operator"), viewer: e.User("acme", "vera", "viewer"), conv: res.ConversationID}
	if r := f.owner.Post("/products/", url.Values{"sku": {"GR-3"}, "name": {"Granit küp taş 3 cm"}, "category": {"granite"}, "unit": {"m2"}, "unit_price": {"1250,50"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product: %d", r.StatusCode)
	}
	for _, s := range [][3]string{{"payment", "Peşin %30", "Sipariş onayında %30 peşin, kalan teslimde."}, {"warranty", "2 yıl işçilik", "Döşeme işçiliğine 2 yıl garanti."}} {
		if r := f.owner.Post("/app/quotes/settings/snippets", url.Values{"kind": {s[0]}, "title": {s[1]}, "body": {s[2]}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("snippet: %d %s", r.StatusCode, r.Body)
		}
	}
	if r := f.owner.Post("/app/quotes/settings/snippets/x1", url.Values{"kind": {"payment"}, "title": {"x"}, "body": {"y"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("snippet with a malformed id: %d, want 404", r.StatusCode)
	}
	return f
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.e.DB("acme").Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) str(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := f.e.DB("acme").Read.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func newQuote(t *testing.T, c *apptest.Client, conv int64, extra url.Values) int64 {
	t.Helper()
	form := url.Values{"conversation_id": {strconv.FormatInt(conv, 10)}}
	if extra.Get("assistant") == "" {
		// "Prepare quote" opens the new-quote editor; its first save stores the quote as drawn.
		p := c.Get("/app/quotes/new?conversation_id=" + strconv.FormatInt(conv, 10))
		if p.StatusCode != http.StatusOK {
			t.Fatalf("new-quote editor: %d", p.StatusCode)
		}
		form = apptest.FormValues(p.Doc(t).Find("#quote-form"))
	}
	for k, v := range extra {
		form[k] = v
	}
	r := c.Post("/app/quotes/new", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new quote: %d %s", r.StatusCode, r.Body)
	}
	m := regexp.MustCompile(`/app/quotes/(\d+)/`).FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("new quote went to %q", r.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// lines is an editor form: 120 m² of the catalog granite at its catalog price, labour, and an
// 8 % allowance for diagonal laying.
func lines(productID string) url.Values {
	return url.Values{"language": {"tr"}, "customer_name": {"Deniz Yılmaz"}, "valid_until": {"2099-12-31"}, // far ahead: a quote valid until a day gone is not submitted
		"payment_snippet": {"1"}, "warranty_snippet": {"2"}, "note": {""},
		"kind":       {"product", "labour", "allowance", "product"},
		"product_id": {productID, "", "", ""},
		"name":       {"", "Döşeme işçiliği", "Fire payı", ""},
		"unit":       {"", "m2", "", ""},
		"quantity":   {"120", "120", "", ""},
		"unit_price": {"", "180", "", ""},
		"percent":    {"", "", "8", ""},
		"reason":     {"", "", "Çapraz döşeme kesim firesi", ""},
		"discount":   {"", "", "", ""},
		"vat":        {"20", "20", "20", "20"},
	}
}

// approveLines saves form (an editor form, lines) on quote id, asking for approval, and has the
// owner approve it.
func approveLines(t *testing.T, f *fixture, id int64, form url.Values) {
	t.Helper()
	sid := strconv.FormatInt(id, 10)
	form.Set("submit", "1")
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id)
	if r := f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
}

// pdftotext is the pdftotext program; the test is skipped where it is not installed, and fails
// under CI.
func pdftotext(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required under CI")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	return bin
}

// pdfLayout is a PDF's text as pdftotext lays it out (lines as drawn).
func pdfLayout(t *testing.T, pdf string) string {
	t.Helper()
	bin := pdftotext(t)
	p := filepath.Join(t.TempDir(), "q.pdf")
	if err := os.WriteFile(p, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestQuoteLifecycle: a draft from a conversation, refused input stores nothing, a save asks for
// approval, nothing is sent before a person approves, the approved revision is frozen (also in
// the schema), sending puts the tracking link into the conversation and moves the lead to
// proposal, the customer's page counts views, acceptance wins the lead with an order of the
// quote's total, and the log shows the edit before→after.
func TestQuoteLifecycle(t *testing.T) {
	f := setup(t)
	if p := f.owner.Get("/app/quotes/settings?lang=tr"); p.StatusCode != 200 || !strings.Contains(p.Body, "Peşin %30") || !strings.Contains(p.Body, "Döşeme işçiliğine 2 yıl garanti.") {
		t.Fatalf("owner's quote texts page: %d", p.StatusCode)
	}
	if p := f.op.Get("/app/quotes/settings"); p.StatusCode != http.StatusForbidden {
		t.Fatalf("operator opened the quote texts: %d", p.StatusCode)
	}
	if r := f.op.Post("/app/quotes/settings/snippets", url.Values{"kind": {"payment"}, "title": {"x"}, "body": {"y"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("operator approved a text: %d", r.StatusCode)
	}
	if r := f.viewer.Post("/app/quotes/new", url.Values{"conversation_id": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer made a quote: %d", r.StatusCode)
	}
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	if n := f.str(t, `SELECT number FROM quotes WHERE id = ?`, id); !regexp.MustCompile(`^TKL-\d{4}-0001$`).MatchString(n) {
		t.Fatalf("number %q", n)
	}
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))

	bad := lines(pid)
	bad["quantity"] = []string{"120", "-4", "", ""}
	bad["reason"] = []string{"", "", "", ""}
	r := f.op.Post(path, bad)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Sıfırdan büyük bir miktar girin") || !strings.Contains(r.Body, "gerekçesini yazın") {
		t.Fatalf("bad save: %d", r.StatusCode)
	}
	if n := f.count(t, `SELECT count(*) FROM quote_lines`); n != 0 {
		t.Fatalf("a refused save stored %d lines", n)
	}

	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	// 120 × 1.250,50 = 150.060,00; labour 21.600,00; allowance 8 % of 150.060,00 = 12.004,80;
	// net 183.664,80; KDV 36.732,96; total 220.397,76 ₺.
	if g := f.count(t, `SELECT grand_total FROM quotes WHERE id = ?`, id); g != 22_039_776 {
		t.Fatalf("grand total %d", g)
	}
	page := f.op.Get(path)
	if !strings.Contains(page.Body, "220.397,76 ₺") || !strings.Contains(page.Body, "36.732,96 ₺") {
		t.Fatalf("editor does not show the Turkish totals")
	}
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(id, 10)+"/send", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("send of a draft: %d, want 409", r.StatusCode)
	}
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(id, 10)+"/submit", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ? AND status = 'pending'`, id)
	if f.str(t, `SELECT action_type || '/' || status FROM decision_recommendations WHERE id = ?`, rec) != "pricing/pending" {
		t.Fatal("no pending pricing recommendation for the quote")
	}
	if q := f.op.Get("/app/approvals/"); !strings.Contains(q.Body, path) {
		t.Fatal("the approval queue does not link the quote")
	}
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(id, 10)+"/send", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("send before approval: %d, want 409", r.StatusCode)
	}
	if r := f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", url.Values{"next": {path}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	if p := f.op.Get(path); !strings.Contains(p.Body, `data-status="approved"`) {
		t.Fatal("the quote did not follow its approval")
	} else if doc := p.Doc(t); strings.Contains(doc.Find("#quote-lines td.num").Text(), " %") || !strings.Contains(doc.Find("#quote-lines").Text(), "%20") || !strings.Contains(doc.Find("#quote-lines").Text(), "%8") {
		// Turkish writes the percent sign before the number, as the printer does everywhere.
		t.Errorf("the frozen quote writes rates %q, want %%20 and %%8", doc.Find("#quote-lines").Text())
	}
	// Frozen: the page refuses an edit, and so does the schema.
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusConflict {
		t.Fatalf("edit of an approved quote: %d, want 409", r.StatusCode)
	}
	if _, err := f.e.DB("acme").Write.Exec(`UPDATE quote_lines SET unit_price = 1 WHERE quote_id = ?`, id); !tenantdb.IsTrigger(err) {
		t.Fatalf("the schema let an approved line change: %v", err)
	}
	if _, err := f.e.DB("acme").Write.Exec(`UPDATE quotes SET grand_total = 1 WHERE id = ?`, id); !tenantdb.IsTrigger(err) {
		t.Fatalf("the schema let an approved total change: %v", err)
	}

	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(id, 10)+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.StatusCode, r.Body)
	}
	body := f.str(t, `SELECT body FROM messages WHERE conversation_id = ? AND direction = 'outbound' ORDER BY id DESC LIMIT 1`, f.conv)
	link := regexp.MustCompile(`/q/acme\.[a-z2-7]{24}`).FindString(body)
	if link == "" || !strings.Contains(body, "220.397,76 ₺") {
		t.Fatalf("sent message %q", body)
	}
	if st := f.str(t, `SELECT stage FROM leads`); st != "proposal" {
		t.Fatalf("lead stage after sending: %s", st)
	}

	cust := f.e.Client()
	for range 2 {
		if p := cust.Get(link); p.StatusCode != 200 || !strings.Contains(p.Body, "220.397,76 ₺") || !strings.Contains(p.Body, "Döşeme işçiliğine 2 yıl garanti.") {
			t.Fatalf("customer page: %d", p.StatusCode)
		} else if doc := p.Doc(t); doc.Find(`link[href*="/css/cards."]`).Length() != 1 || doc.Find("#quote-lines.table-cards td[data-label]").Length() == 0 {
			// On the customer's phone the lines are cards (css/cards.css, which signed-out pages load here).
			t.Error("the customer page's lines are not cards with their columns' names")
		}
	}
	if n := f.count(t, `SELECT view_count FROM quotes WHERE id = ?`, id); n != 2 {
		t.Fatalf("views %d", n)
	}
	if p := cust.Get("/q/acme.aaaaaaaaaaaaaaaaaaaaaaaa"); p.StatusCode != http.StatusNotFound {
		t.Fatalf("a guessed link: %d", p.StatusCode)
	}
	if r := cust.Post(link+"/ask", url.Values{"question": {"Nakliye dahil mi?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d", r.StatusCode)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE direction = 'inbound' AND body LIKE '%Nakliye dahil mi?'`); n != 1 {
		t.Fatal("the question did not reach the conversation")
	}
	// The business counts its stock (module inventory): 100 m² of the granite on hand.
	f.e.Set("acme", map[string]string{"modules": "sales,construction,repair,inventory"})
	if r := f.op.Post("/products/"+pid+"/stock/receive", url.Values{"quantity": {"100"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("receive: %d", r.StatusCode)
	}
	if r := cust.Post(link+"/accept", url.Values{"name": {"Deniz"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "data-accepted") {
		t.Fatalf("accept: %d", r.StatusCode)
	}
	// The order took the quote's catalog line, and the acceptance (a sale that happened) took
	// the 120 m² out of stock even below zero, marked so, in the quote's name.
	if got := f.str(t, `SELECT printf('%d×%d', product_id, quantity) FROM order_lines`); got != pid+"×120000" {
		t.Fatalf("order lines %q", got)
	}
	if got := f.str(t, `SELECT printf('%d %d %d %s', on_hand, m.delta, m.short_ok, m.actor_name) FROM stock_items s JOIN stock_movements m ON m.product_id = s.product_id AND m.kind = 'sold'`); !strings.HasPrefix(got, "-20000 -120000 1 TKL-") {
		t.Fatalf("stock after the acceptance: %q", got)
	}
	if r := cust.Post(link+"/accept", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("second accept: %d, want 409", r.StatusCode)
	}
	if st := f.str(t, `SELECT stage FROM leads`); st != "won" {
		t.Fatalf("lead stage after acceptance: %s", st)
	}
	if tot := f.str(t, `SELECT printf('%.2f %s %s', total, currency, status) FROM orders`); tot != "220397.76 TRY won" {
		t.Fatalf("order %q", tot)
	}
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(id, 10)+"/revise", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("revise of an accepted quote: %d", r.StatusCode)
	}
	// The KPI center counts it: one quote sent and accepted, its total as the quoted value.
	snap, _, err := analytics.Build(context.Background(), f.e.DB("acme"), time.Now(), analytics.Params{Currency: "TRY"})
	if err != nil {
		t.Fatal(err)
	}
	if k := snap.KPI; k.QuotesSent != 1 || k.QuotedValue != 220397.76 || k.QuoteAcceptanceRate != 100 || k.QuoteLeadHours < 0 {
		t.Fatalf("quote KPIs %d %.2f %.1f %.1f", k.QuotesSent, k.QuotedValue, k.QuoteAcceptanceRate, k.QuoteLeadHours)
	}
	before := f.str(t, `SELECT json_extract(payload, '$.after') FROM action_logs WHERE action_type = 'quote_saved' ORDER BY id DESC LIMIT 1`)
	if !strings.Contains(before, "Fire payı 8%") || !strings.Contains(before, "= 220.397,76 ₺") {
		t.Fatalf("log after: %q", before)
	}
}

// TestRevisionAfterApproval: changing an approved quote makes revision 2 with the same number;
// revision 1 stays as approved and its link says it was replaced.
func TestRevisionAfterApproval(t *testing.T) {
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	form := lines(pid)
	form.Set("submit", "1")
	f.op.Post("/app/quotes/"+sid+"/", form)
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id)
	f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", nil)
	f.op.Get("/app/quotes/" + sid + "/")
	r := f.op.Post("/app/quotes/"+sid+"/revise", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise: %d %s", r.StatusCode, r.Body)
	}
	var rev2 int64
	_ = f.e.DB("acme").Read.QueryRow(`SELECT id FROM quotes WHERE revision = 2`).Scan(&rev2)
	if f.str(t, `SELECT group_concat(number || ':' || revision || ':' || status, ' ') FROM (SELECT * FROM quotes ORDER BY revision)`) !=
		f.str(t, `SELECT number FROM quotes WHERE id = ?`, id)+":1:superseded "+f.str(t, `SELECT number FROM quotes WHERE id = ?`, id)+":2:draft" {
		t.Fatal("revisions are not numbered as one quote")
	}
	form = lines(pid)
	form["unit_price"] = []string{"1100", "180", "", ""}
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(rev2, 10)+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit rev 2: %d", r.StatusCode)
	}
	if g := f.count(t, `SELECT grand_total FROM quotes WHERE id = ?`, id); g != 22_039_776 {
		t.Fatalf("revision 1 changed: %d", g)
	}
	log := f.str(t, `SELECT json_extract(payload, '$.before') || ' => ' || json_extract(payload, '$.after') FROM action_logs WHERE action_type = 'quote_saved' ORDER BY id DESC LIMIT 1`)
	if !strings.Contains(log, "× 1.250,50 ₺") || !strings.Contains(log, "× 1.100,00 ₺") {
		t.Fatalf("log does not show before→after: %q", log)
	}
}

// TestAssistantDraft: the assistant reads area, stone and diagonal laying from the conversation,
// prices it from the catalog, adds the allowance with its reason, and the draft waits in the
// approval queue.
func TestAssistantDraft(t *testing.T) {
	f := setup(t)
	id := newQuote(t, f.op, f.conv, url.Values{"assistant": {"1"}})
	got := f.str(t, `SELECT group_concat(kind || ':' || name || ':' || quantity || ':' || unit_price || ':' || percent || ':' || reason, ' | ') FROM quote_lines WHERE quote_id = ?`, id)
	want := "product:Granit küp taş 3 cm:120000:125050:0: | allowance:Fire payı:0:0:1000:çapraz döşeme: daha fazla kesim firesi"
	if got != want {
		t.Fatalf("drafted lines\n got %s\nwant %s", got, want)
	}
	if st := f.str(t, `SELECT status || ' ' || drafted_by FROM quotes WHERE id = ?`, id); st != "pending assistant" {
		t.Fatalf("draft status %q", st)
	}
	if n := f.count(t, `SELECT count(*) FROM decision_recommendations d JOIN quotes q ON q.recommendation_id = d.id WHERE d.status = 'pending'`); n != 1 {
		t.Fatal("the draft is not in the approval queue")
	}
}

// TestQuotePDFText renders the PDF of an approved quote in Turkish and in Arabic and compares the
// text poppler's pdftotext extracts (the Arabic is checked for its shaped presentation forms).
func TestQuotePDFText(t *testing.T) {
	pdftotext(t)
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	f.op.Post("/app/quotes/"+sid+"/", lines(pid))
	extract := func(pdf string) string { return strings.Join(strings.Fields(pdfLayout(t, pdf)), " ") }
	r := f.op.Get("/app/quotes/" + sid + "/pdf")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	txt := extract(r.Body)
	for _, want := range []string{"Teklif", "TKL-", "Sayın: Deniz Yılmaz", "Granit küp taş 3 cm", "120 m² 1.250,50 ₺", "%20 150.060,00 ₺",
		"Döşeme işçiliği", "Fire payı — Çapraz döşeme kesim firesi", "%8", "12.004,80 ₺", "Ara toplam 183.664,80 ₺", "KDV 36.732,96 ₺",
		"Genel toplam 220.397,76 ₺", "Ödeme koşulları", "Sipariş onayında %30 peşin, kalan teslimde.", "Garanti", "Döşeme işçiliğine 2 yıl garanti.",
		"31.12.2099 tarihine kadar geçerlidir"} {
		if !strings.Contains(txt, want) {
			t.Errorf("Turkish PDF text lacks %q\n%s", want, txt)
		}
	}
	form := lines(pid)
	form.Set("language", "ar")
	f.op.Post("/app/quotes/"+sid+"/", form)
	txt = extract(f.op.Get("/app/quotes/" + sid + "/pdf").Body)
	// "عرض سعر" drawn from its presentation forms, the total in Western digits; a Turkish payment
	// text keeps its own order (its full stop at the end) on the Arabic page.
	for _, want := range []string{"220,397.76", "TKL-", "Sipariş onayında %30 peşin, kalan teslimde."} {
		if !strings.Contains(txt, want) {
			t.Errorf("Arabic PDF text lacks %q\n%s", want, txt)
		}
	}
	if !regexp.MustCompile(`[\x{FE70}-\x{FEFF}]`).MatchString(txt) {
		t.Errorf("Arabic PDF has no shaped Arabic letters:\n%s", txt)
	}

	// A 10 % discount on the granite (15,006.00 off): the discount total is i18n's Money of the
	// negative amount on the panel, on the customer's page and in the PDF, written as each
	// language writes a negative amount; in Arabic the minus is isolated with the digits and the
	// currency stands after them as for every other amount — not a "-" put before it by hand.
	form["discount"] = []string{"10", "", "", ""}
	approveLines(t, f, id, form)
	if r := f.op.Post("/app/quotes/"+sid+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	link := "/q/acme." + f.str(t, `SELECT token FROM quotes WHERE id = ?`, id)
	discount := func(c *apptest.Client, page string) string {
		t.Helper()
		dd := c.Get(page).Doc(t).Find("#quote-totals dt:nth-of-type(2) + dd")
		return strings.TrimSpace(dd.Text())
	}
	for lang, want := range map[string]string{"ar": "\u2066-15,006.00\u2069 ₺", "tr": "-15.006,00 ₺", "en": "-₺15,006.00"} {
		if got := discount(f.op, "/app/quotes/"+sid+"/?lang="+lang); got != want {
			t.Errorf("the panel's discount total in %s is %q, want %q", lang, got, want)
		}
		if got := discount(f.e.Client(), link+"?lang="+lang); got != want {
			t.Errorf("the customer's page's discount total in %s is %q, want %q", lang, got, want)
		}
	}
	// The panel names the customer's language in the reader's: not its own name, foreign text on
	// an English or Arabic page.
	for lang, want := range map[string]string{"en": "Customer's language: Arabic", "ar": "لغة العميل: العربية", "tr": "Müşterinin dili: Arapça"} {
		if body := f.op.Get("/app/quotes/" + sid + "/?lang=" + lang).Doc(t).Find("p.small").Text(); !strings.Contains(body, want) {
			t.Errorf("the quote page in %s does not say %q: %s", lang, want, body)
		}
	}
	// The Arabic PDF draws it as it draws the subtotal (182,464.32), the symbol on the same side, its isolate
	// marks not drawn.
	txt = extract(f.op.Get("/app/quotes/" + sid + "/pdf").Body)
	for _, want := range []string{"₺ -15,006.00", "₺ 182,464.32"} {
		if !strings.Contains(txt, want) {
			t.Errorf("Arabic PDF text lacks %q\n%s", want, txt)
		}
	}
	if strings.ContainsAny(txt, "\u2066\u2069") {
		t.Errorf("Arabic PDF draws the isolate marks:\n%q", txt)
	}
}

// TestAssistantDraftReadsTheLatestMessages: in a long conversation the assistant drafts from what
// the customer wrote last. It read the thread's first 500 messages, so after a few months of
// "tamam"s a regular customer's new job was priced with the area of their first one.
func TestAssistantDraftReadsTheLatestMessages(t *testing.T) {
	f := setup(t)
	svc := &inbox.Service{Channels: channels.Registry()}
	err := svc.IngestBatch(context.Background(), "acme", f.e.DB("acme"), func(b *inbox.Batch) error {
		for i := range 600 {
			if _, err := b.Ingest(inbox.Inbound{Channel: "webchat", ExternalID: "v1", ProviderMessageID: "later-" + strconv.Itoa(i), Body: "tamam, teşekkürler"}); err != nil {
				return err
			}
		}
		_, err := b.Ingest(inbox.Inbound{Channel: "webchat", ExternalID: "v1", ProviderMessageID: "new-job", Body: "Yeni iş: garaj girişine 80 m2 granit, düz döşeme."})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	id := newQuote(t, f.op, f.conv, url.Values{"assistant": {"1"}})
	if got := f.str(t, `SELECT quantity FROM quote_lines WHERE quote_id = ? AND kind = 'product'`, id); got != "80000" {
		t.Fatalf("drafted quantity %s, want 80000 (80 m², the latest message)", got)
	}
}

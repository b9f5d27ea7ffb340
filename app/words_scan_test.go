package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// The words an operator must never meet on a panel page. Codes are wrong in every language;
// English is wrong on a non-English page; Turkish system text is wrong on a non-Turkish page.
// Text people typed (messages, names, notes, reasons) is theirs and stays as typed: the scan
// skips elements marked translate="no", which the views put on exactly that text.
var (
	// scanCodes are internal codes and machine words, matched in every language (case-sensitive,
	// at word edges). The snake_case rule catches every stored code (lock_paver, low_confidence,
	// whatsapp_webhook, recommendation_approved …) without listing them one by one.
	scanCodes = []*regexp.Regexp{
		regexp.MustCompile(`\b[a-z][a-z0-9]*_[a-z0-9_]+\b`),
		regexp.MustCompile(`\bbuiltin-[0-9]\b`),
		regexp.MustCompile(`\banalytics-[0-9]\b`),
		regexp.MustCompile(`\bholt-linear\b`),
		regexp.MustCompile(`\b(?:handoff|lang|area|product|thickness|site|complaint|positive|negative|signal):`),
		regexp.MustCompile(`^(?:tr|en|de|fr|es|ar)$`),                                    // a language code alone
		regexp.MustCompile(`(?:^|[;·:] )(?:tr|en|de|fr|es|ar)(?: ·|$)`),                  // or in a list ("Dil: tr", "tr · 250 m²")
		regexp.MustCompile(`(?:^|\s)[UQS] ?[0-9]{1,3}\b`),                                // score pills U80 Q40 S60
		regexp.MustCompile(`\b20[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]`), // raw timestamps
		regexp.MustCompile(`\bm[23]\b`),                                                  // a unit as typed: m² and m³ are printed (i18n.Unit)
	}
	// scanEnglish are phrases of English system text; matched case-insensitively on pages that are
	// not English.
	scanEnglish = []string{
		"signed in", "urgency", "reply failed", "not sent", "reply from your", "handoff", "price request",
		"stock question", "the customer", "waste allowance", "material estimate", "asks price", "information request",
		"contact details", "message added", "conversation updated", "marked unread", "ignored", "recommendation",
		"approved", "rejected", "snapshot", "budget spent", "reply queued", "imported", "settings saved", "api key",
		"pending", "whatsapp reply", "inbound", "outbound", "questions answered", "first reply", "polite tone",
	}
	// scanTurkish are phrases of Turkish system text; matched case-insensitively on pages that are
	// not Turkish.
	scanTurkish = []string{
		"tarafından", "öneri", "sorusu", "talebi", "müşteri", "kaydedildi", "onaylandı", "reddedildi",
		"karara bağlandı", "fiyat", "stok", "asistan", "teşekkürler", "keşif", "teslim", "şikayet",
		"hasar", "ödeme", "dil:", "fire payı", "malzeme",
	}
)

// scanTurkishRE finds each of scanTurkish at the start of a word.
var scanTurkishRE = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(scanTurkish))
	for i, w := range scanTurkish {
		out[i] = regexp.MustCompile(`(?:^|[^\p{L}])` + regexp.QuoteMeta(w))
	}
	return out
}()

// TestWordsScan is the raw-code scan: the demo tenant served over real HTTP, its owner signed in,
// every panel page of the route table (with real ids for the pages of one record, and the filters
// that show other rows) read in each of the six languages; any code, English on a non-English
// page or Turkish system text on a non-Turkish page fails, naming the page, the language and the
// words around the hit.
func TestWordsScan(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	allModules(e, app.DemoSlug) // every module's pages are read, whatever the demo's niche turns on
	c := e.Client()
	c.Login(app.DemoUser, pw)
	// The staff console's pages are read by a staff user (the owner gets 403 there).
	staff := e.User("", "scan-staff", "staff")
	pages := scanPages(t, e)
	type hit struct{ lang, page, rule, text string }
	var hits []hit
	seen := map[string]bool{}
	for _, lang := range i18n.Langs {
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			reader := c
			if strings.HasPrefix(p, "/staff/") {
				reader = staff
			}
			r := reader.Get(p + sep + "lang=" + lang)
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status %d", lang, p, r.StatusCode)
				continue
			}
			for _, chunk := range visibleText(t, r.Body) {
				for _, h := range scanChunk(lang, chunk) {
					key := lang + "|" + h[0] + "|" + h[1]
					if seen[key] {
						continue
					}
					seen[key] = true
					hits = append(hits, hit{lang, p, h[0], h[1]})
				}
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rule < hits[j].rule })
	for _, h := range hits {
		t.Errorf("%s %s: %s in %q", h.lang, h.page, h.rule, h.text)
	}
	t.Logf("scanned %d pages × %d languages, %d distinct hits", len(pages), len(i18n.Langs), len(hits))
}

// scanChunk returns the rule and the text around it of every forbidden word in one piece of text.
func scanChunk(lang, s string) [][2]string {
	var out [][2]string
	around := func(s string, i, j int) string {
		a, b := max(0, i-40), min(len(s), j+40)
		for a > 0 && !utf8Start(s[a]) {
			a--
		}
		for b < len(s) && !utf8Start(s[b]) {
			b++
		}
		return strings.Join(strings.Fields(s[a:b]), " ")
	}
	codes := reURL.ReplaceAllString(s, "")
	for _, re := range scanCodes {
		for _, m := range re.FindAllStringIndex(codes, -1) {
			out = append(out, [2]string{"code " + strings.TrimSpace(codes[m[0]:m[1]]), around(codes, m[0], m[1])})
		}
	}
	low := strings.ToLower(s)
	if lang != "en" {
		for _, w := range scanEnglish {
			if i := strings.Index(low, w); i >= 0 {
				out = append(out, [2]string{"English " + strings.TrimSpace(w), around(s, i, i+len(w))})
			}
		}
	}
	if lang != "tr" {
		for i, w := range scanTurkish {
			// at the start of a word: "Verifizierungstoken" is not "stok"
			if m := scanTurkishRE[i].FindStringIndex(low); m != nil && len(low) == len(s) {
				out = append(out, [2]string{"Turkish " + w, around(s, m[0], m[1])})
			} else if m != nil {
				out = append(out, [2]string{"Turkish " + w, strings.Join(strings.Fields(s), " ")})
			}
		}
	}
	return out
}

// reURL matches addresses, whose paths and parameters are not words (…?api_key=KEY).
var reURL = regexp.MustCompile(`https?://\S+`)

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// visibleText returns what a person reads on the page: text outside script and style, and the
// words of title, placeholder, aria-label and alt attributes. Elements marked translate="no"
// (people's own words) are left out.
func visibleText(t *testing.T, body string) []string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
			return
		case html.ElementNode:
			if slices.Contains([]string{"script", "style", "template", "svg"}, n.Data) {
				return
			}
			for _, a := range n.Attr {
				if a.Key == "translate" && a.Val == "no" {
					return
				}
			}
			for _, a := range n.Attr {
				if slices.Contains([]string{"title", "placeholder", "aria-label", "alt"}, a.Key) && strings.TrimSpace(a.Val) != "" {
					out = append(out, a.Val)
				}
				if a.Key == "value" && n.Data == "input" && slices.ContainsFunc(n.Attr, func(x html.Attribute) bool {
					return x.Key == "type" && (x.Val == "submit" || x.Val == "button")
				}) {
					out = append(out, a.Val)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	for _, n := range doc.Nodes {
		walk(n)
	}
	return out
}

// scanPages lists the panel pages to read: every GET route of the table that a signed-in member
// reaches, with {id} filled from the demo data (several conversations: one per channel, the
// handoffs, those with decided recommendations, system notes and assistant replies), plus the
// filters and providers that bring other rows onto the list pages.
func scanPages(t *testing.T, e *apptest.Env) []string {
	t.Helper()
	ctx := context.Background()
	db := e.DB(app.DemoSlug)
	ids := func(q string) []string {
		t.Helper()
		rows, err := db.Read.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(id))
		}
		return out
	}
	words := func(q string) []string {
		t.Helper()
		rows, err := db.Read.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	convs := ids(`SELECT id FROM (
		SELECT max(id) AS id FROM conversations GROUP BY channel
		UNION SELECT id FROM (SELECT id FROM conversations WHERE handoff_required = 1 ORDER BY last_message_at DESC LIMIT 2)
		UNION SELECT id FROM (SELECT DISTINCT conversation_id AS id FROM messages WHERE direction = 'system' ORDER BY id DESC LIMIT 2)
		UNION SELECT id FROM (SELECT DISTINCT conversation_id AS id FROM messages WHERE author_kind = 'ai' ORDER BY id DESC LIMIT 2)
		UNION SELECT id FROM (SELECT conversation_id AS id FROM decision_recommendations WHERE status = 'pending' ORDER BY id DESC LIMIT 2)
		UNION SELECT id FROM (SELECT id FROM conversations WHERE review_summary <> '' ORDER BY id DESC LIMIT 1)
		UNION SELECT id FROM (SELECT id FROM conversations WHERE lead_id IN (SELECT lead_id FROM orders WHERE lead_id IS NOT NULL) LIMIT 1)
	) ORDER BY id`)
	if len(convs) < 4 {
		t.Fatalf("only %d conversations to scan", len(convs))
	}
	first := map[string]string{}
	for _, table := range []string{"customers", "orders", "invoices", "repair_requests"} {
		if got := ids(`SELECT id FROM ` + table + ` ORDER BY id LIMIT 1`); len(got) == 1 {
			first[table] = got[0]
		}
	}
	if got := ids(`SELECT id FROM quotes ORDER BY id LIMIT 1`); len(got) == 1 {
		first["app/quotes"] = got[0] // the demo's sent quote: /app/quotes/{id}/
	}
	if got := ids(`SELECT product_id FROM stock_movements GROUP BY product_id ORDER BY count(*) DESC, product_id LIMIT 1`); len(got) == 1 {
		first["products"] = got[0] // a counted product with sales and counts: /products/{id}/stock
	}
	if got := ids(`SELECT id FROM site_visits WHERE status = 'done' ORDER BY id LIMIT 1`); len(got) == 1 {
		first["app/visits"] = got[0] // the demo's done visit: its page and its outcome form
	}
	if got := ids(`SELECT id FROM seasonal_campaigns ORDER BY id LIMIT 1`); len(got) == 1 {
		first["app/seasonal"] = got[0] // a seasonal date's edit form: /app/seasonal/{id}/edit
	}
	if got := ids(`SELECT lead_id FROM conversations ORDER BY id LIMIT 1`); len(got) == 1 {
		first["app/media/lead"] = got[0] // a person's photos and files: /app/media/lead/{id}/
		first["app/kvkk/leads"] = got[0] // a person's data (KVKK): /app/kvkk/leads/{id}/ and its summary
	}
	if got := ids(`SELECT lead_id FROM lead_attribution ORDER BY lead_id LIMIT 1`); len(got) == 1 {
		first["app/conversions/leads"] = got[0] // a lead's click ids and conversion events
	}
	if got := ids(`SELECT lead_id FROM quotes ORDER BY id LIMIT 1`); len(got) == 1 {
		first["app/leads"] = got[0] // a lead with a quote and conversations: /app/leads/{id}/
	}
	var pages []string
	for _, rt := range e.Server.Routes(e.Handlers) {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		// JSON, event streams, PDF files, the logo image and the lists' CSV/XLSX exports are not
		// pages (a quote's PDF text is TestQuotePDFText's; an export's headers are catalog words,
		// its cells the records themselves).
		if method != "GET" || rt.Perm == "" || strings.HasSuffix(path, ".json") || strings.HasSuffix(path, "/events") || strings.HasSuffix(path, "/pdf") ||
			strings.HasSuffix(path, "/logo") || strings.HasSuffix(path, "/export") {
			continue
		}
		path = strings.ReplaceAll(path, "{$}", "")
		switch {
		case strings.Contains(path, "{slug}"):
			pages = append(pages, strings.Replace(path, "{slug}", app.DemoSlug, 1))
		case path == "/app/visits/book", path == "/app/quotes/new": // booking a site visit, a new quote: each needs its conversation
			pages = append(pages, path+"?conversation_id="+convs[0])
		case strings.HasPrefix(path, "/app/inbox/{id}/"):
			if strings.HasSuffix(path, "/earlier") { // a long conversation's earlier page: its messages before the newest
				path += "?before=9223372036854775807"
			}
			for _, id := range convs {
				pages = append(pages, strings.Replace(path, "{id}", id, 1))
			}
		case strings.Contains(path, "{month}"): // a month's billing page: two months back, closed
			now := time.Now()
			pages = append(pages, strings.Replace(path, "{month}", time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), 1))
		case strings.Contains(path, "{id}"):
			table := strings.ReplaceAll(strings.Trim(path[:strings.Index(path, "{id}")], "/"), "-", "_")
			if id, ok := first[table]; ok {
				pages = append(pages, strings.Replace(path, "{id}", id, 1))
			} else {
				t.Logf("the demo has no %s row: %s not read", table, path)
			}
		default:
			pages = append(pages, path)
		}
	}
	for _, p := range words(`SELECT DISTINCT provider FROM action_logs ORDER BY provider`) {
		pages = append(pages, "/app/logs/?provider="+p)
	}
	for _, k := range words(`SELECT DISTINCT action_type FROM decision_recommendations ORDER BY action_type`) {
		pages = append(pages, "/app/approvals/?kind="+k)
	}
	pages = append(pages, "/app/inbox/?filter=handoff", "/app/inbox/?sort=urgency", "/app/logs/?provider=staff", "/products/?stock=low")
	// The seasonal calendar's month grid (the year view is its plain page).
	pages = append(pages, "/app/seasonal/?month="+time.Now().AddDate(0, 1, 0).Format("2006-01"))
	// The customer's page of the demo's sent quote (public: its words are the customer's, in the
	// language asked for, else the quote's).
	toks := words(`SELECT token FROM quotes WHERE status IN ('sent','accepted') ORDER BY id LIMIT 1`)
	if len(toks) == 0 {
		t.Fatal("the demo has no sent quote: its customer's page is not read")
	}
	pages = append(pages, "/q/"+app.DemoSlug+"."+toks[0])
	// The customer's page of a confirmed site visit, when the demo has one.
	for _, tok := range words(`SELECT token FROM site_visits WHERE approved_at IS NOT NULL ORDER BY id LIMIT 1`) {
		pages = append(pages, "/v/"+app.DemoSlug+"."+tok)
	}
	return pages
}

// TestWordsScanMSP is the raw-code scan on the IT provider's demo tenant (demo-bilisim): TestWordsScan
// reads the paving contractor, whose MSP pages, turned on there, have no client, device or ticket
// in them. Here the owner, switched to the IT provider, reads its dashboard, action log, inbox, a
// conversation a ticket came from, the tickets (list, board, one ticket), clients, sites, devices,
// contracts (each list and one record), the timesheet, the SLA targets, the KPI page and the
// notifications, in every language, with the rules of TestWordsScan.
func TestWordsScanMSP(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	c := e.Client()
	c.Login(app.DemoUser, pw)
	if r := c.Post("/app/switch/", url.Values{"tenant": {app.DemoMSPSlug}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch to the IT provider: %d", r.StatusCode)
	}
	db := e.DB(app.DemoMSPSlug)
	first := func(q string) string {
		t.Helper()
		var id int64
		if err := db.Read.QueryRow(q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return fmt.Sprint(id)
	}
	pages := []string{"/app/", "/app/logs/", "/app/inbox/", "/app/inbox/" + first(`SELECT conversation_id FROM msp_tickets WHERE conversation_id IS NOT NULL ORDER BY id DESC LIMIT 1`) + "/",
		"/app/msp/tickets/", "/app/msp/board", "/app/msp/tickets/" + first(`SELECT id FROM msp_tickets ORDER BY id DESC LIMIT 1`) + "/",
		"/app/msp/clients/", "/app/msp/clients/" + first(`SELECT min(id) FROM msp_clients`) + "/",
		"/app/msp/sites/", "/app/msp/sites/" + first(`SELECT min(id) FROM msp_sites`) + "/",
		"/app/msp/devices/", "/app/msp/devices/" + first(`SELECT min(id) FROM msp_devices`) + "/",
		"/app/msp/contracts/", "/app/msp/contracts/" + first(`SELECT min(id) FROM msp_contracts`) + "/",
		"/app/msp/time", "/app/msp/sla/", "/app/analytics/", "/app/notifications/"}
	seen := map[string]bool{}
	for _, lang := range i18n.Langs {
		for _, p := range pages {
			r := c.Get(p + "?lang=" + lang)
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status %d", lang, p, r.StatusCode)
				continue
			}
			for _, chunk := range visibleText(t, r.Body) {
				for _, h := range scanChunk(lang, chunk) {
					if key := lang + "|" + h[0] + "|" + h[1]; !seen[key] {
						seen[key] = true
						t.Errorf("%s %s: %s in %q", lang, p, h[0], h[1])
					}
				}
			}
		}
	}
}

package approvals_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// groups lists the queue's groups on a page: conversation key → recommendation ids.
func groups(doc *goquery.Document) (order []string, recs map[string][]string) {
	recs = map[string][]string{}
	doc.Find("#queue [data-group]").Each(func(_ int, g *goquery.Selection) {
		k, _ := g.Attr("data-group")
		order = append(order, k)
		g.Find("[data-rec-id]").Each(func(_ int, r *goquery.Selection) {
			id, _ := r.Attr("data-rec-id")
			recs[k] = append(recs[k], id)
		})
	})
	return order, recs
}

// TestQueueGroupsPagesAndFilters: 60 conversations with 3 open recommendations each are shown as
// 60 groups, GroupsPerPage a page, every group once across the pages (keyset links), with the
// customer's name and the message that led to it; filters narrow by kind, priority and age.
func TestQueueGroupsPagesAndFilters(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	convs := seedQueue(t, e.DB("acme"), 60, 3)

	seen := map[string]bool{}
	wantPages := (len(convs) + approvals.GroupsPerPage - 1) / approvals.GroupsPerPage
	if approvals.GroupsPerPage > 25 || wantPages < 2 {
		t.Fatalf("GroupsPerPage %d: the issue allows at most 25 groups a page, and this test needs more than one page", approvals.GroupsPerPage)
	}
	path := "/app/approvals/"
	pages := 0
	for path != "" {
		pages++
		if pages > wantPages+1 {
			t.Fatal("paging does not end")
		}
		r := op.Get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		doc := r.Doc(t)
		order, recs := groups(doc)
		if want := min(approvals.GroupsPerPage, len(convs)-len(seen)); len(order) != want {
			t.Fatalf("page %d has %d groups, want %d", pages, len(order), want)
		}
		for _, k := range order {
			if seen[k] {
				t.Errorf("group %s shown twice", k)
			}
			seen[k] = true
			if len(recs[k]) != 3 {
				t.Errorf("group %s has %d recommendations, want 3", k, len(recs[k]))
			}
		}
		if pages == 1 {
			first := doc.Find("#queue [data-group]").First()
			name := strings.TrimSpace(first.Find(".card-title a").Text())
			cause := strings.TrimSpace(first.Find(".rec-cause").Text())
			if !strings.HasPrefix(name, "Müşteri ") || !strings.Contains(cause, "kilit taşı ne kadar?") {
				t.Errorf("first group: name %q, cause %q", name, cause)
			}
			// Groups are ordered by their most urgent recommendation: critical ones come first.
			if first.Find(".card-title .priority-critical").Length() != 1 {
				t.Errorf("first group is not a critical one: %s", first.Find(".card-title").Text())
			}
			if got := doc.Find("[data-queue-summary]").Text(); !strings.Contains(got, "180") {
				t.Errorf("summary %q does not say 180", got)
			}
		}
		next, ok := doc.Find("[data-next-page]").Attr("href")
		if !ok {
			path = ""
		} else {
			path = next
		}
	}
	if pages != wantPages || len(seen) != len(convs) {
		t.Fatalf("%d pages, %d groups seen, want %d and %d", pages, len(seen), wantPages, len(convs))
	}

	// Filters: only the chosen kind and priority; an htmx filter request gets the queue alone.
	req, _ := http.NewRequest("GET", e.URL+"/app/approvals/?kind=pricing&priority=high", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "queue")
	r := op.Do(req)
	if strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, `id="queue"`) {
		t.Fatalf("htmx filter answer is not the queue fragment: %.200s", r.Body)
	}
	doc := r.Doc(t)
	if n := doc.Find("[data-rec-id]").Length(); n == 0 {
		t.Fatal("no high pricing recommendation shown")
	}
	doc.Find("[data-rec-id]").Each(func(_ int, s *goquery.Selection) {
		txt := s.Find(".rec-head").Text()
		if !strings.Contains(txt, "pricing") || !strings.Contains(txt, "high") {
			t.Errorf("filtered row is not a high pricing one: %q", strings.Join(strings.Fields(txt), " "))
		}
	})
	var want int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE action_type = 'pricing' AND priority = 'high'`).Scan(&want)
	if !strings.Contains(doc.Find("[data-queue-summary]").Text(), fmt.Sprint(want)) {
		t.Errorf("filtered summary %q, want %d", doc.Find("[data-queue-summary]").Text(), want)
	}
	// Age: older than a week leaves out the conversations of the last seven days.
	var old int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE created_at < ?`,
		tenantdb.Now()-7*24*3600*1000).Scan(&old)
	doc = op.Get("/app/approvals/?age=week").Doc(t)
	if !strings.Contains(doc.Find("[data-queue-summary]").Text(), fmt.Sprint(old)) || old == 0 || old == 180 {
		t.Errorf("age filter summary %q, want %d", doc.Find("[data-queue-summary]").Text(), old)
	}
	// A filter the address cannot read is not silently "any": the whole queue, and a line above it
	// naming the filter that was ignored.
	doc = op.Get("/app/approvals/?kind=bogus&age=1").Doc(t)
	if !strings.Contains(doc.Find("[data-queue-summary]").Text(), "180") {
		t.Errorf("queue with unreadable filters: summary %q, want the whole queue (180)", doc.Find("[data-queue-summary]").Text())
	}
	if doc.Find(`#queue [data-ignored-filter="kind"]`).Length() != 1 || doc.Find(`#queue [data-ignored-filter="age"]`).Length() != 1 {
		t.Errorf("the queue does not say which filters it ignored: %q", doc.Find("#queue .ignored-filters").Text())
	}
	if doc = op.Get("/app/approvals/?kind=pricing").Doc(t); doc.Find(".ignored-filters").Length() != 0 {
		t.Errorf("a read filter is said to be ignored: %q", doc.Find(".ignored-filters").Text())
	}
	// The menu shows the pending count, at most 99+ (TestMenuCountsAtMost99Plus); the queue says
	// how many in full.
	if got := strings.TrimSpace(doc.Find("#nav-pending .count").Contents().First().Text()); got != "99+" {
		t.Errorf("menu pending count %q, want 99+", got)
	}
	if got := op.Get("/app/approvals/?lang=en").Doc(t).Find("[data-queue-summary]").Text(); !strings.Contains(got, "180") {
		t.Errorf("the queue's summary %q does not say 180", got)
	}
}

// TestQueueDecisionsInPlace: an htmx approve answers with the decided card (and the menu count
// out of band) instead of a redirect; edit-and-approve stores the edited draft and logs before and
// after; a bulk decision decides the selection and skips what was decided meanwhile.
func TestQueueDecisionsInPlace(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")
	seedQueue(t, e.DB("acme"), 4, 5)
	// Replies that can reach the customers: WhatsApp's sending set up, each customer wrote just now
	// (a draft that cannot reach them is refused: reach_test.go).
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	if _, err := e.DB("acme").Write.Exec(`UPDATE conversations SET last_inbound_at = ?`, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	db := e.DB("acme").Read
	idOf := func(where string) int64 {
		var id int64
		if err := db.QueryRow(`SELECT id FROM decision_recommendations WHERE status = 'pending' AND ` + where + ` ORDER BY id LIMIT 1`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	htmxPost := func(path string, form url.Values) *apptest.Resp {
		req, _ := http.NewRequest("POST", e.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		return op.Do(req)
	}

	stock := idOf(`action_type = 'stock'`)
	r := htmxPost(fmt.Sprintf("/app/approvals/%d/reject", stock), url.Values{"reason": {"stokta yok"}})
	if r.StatusCode != http.StatusOK || r.Header.Get("HX-Redirect") != "" {
		t.Fatalf("htmx reject: %d redirect %q", r.StatusCode, r.Header.Get("HX-Redirect"))
	}
	doc := r.Doc(t)
	if st, _ := doc.Find(fmt.Sprintf("#rec-%d", stock)).Attr("data-status"); st != "rejected" {
		t.Errorf("in-place card status %q, want rejected: %.300s", st, r.Body)
	}
	if !strings.Contains(r.Body, "stokta yok") {
		t.Error("the decided card does not show the reason")
	}
	if got := strings.TrimSpace(doc.Find("#nav-pending[hx-swap-oob] .count").Contents().First().Text()); got != "19" {
		t.Errorf("out-of-band menu count %q, want 19", got)
	}

	price := idOf(`action_type = 'pricing' AND draft_reply <> ''`)
	var before string
	_ = db.QueryRow(`SELECT draft_reply FROM decision_recommendations WHERE id = ?`, price).Scan(&before)
	r = htmxPost(fmt.Sprintf("/app/approvals/%d/approve", price), url.Values{"draft": {"Fiyat 950 TRY, teslimat dahil."}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("edit and approve: %d %.300s", r.StatusCode, r.Body)
	}
	var status, draft, payload string
	_ = db.QueryRow(`SELECT status, draft_reply FROM decision_recommendations WHERE id = ?`, price).Scan(&status, &draft)
	if status != "approved" || draft != "Fiyat 950 TRY, teslimat dahil." {
		t.Errorf("after edit-and-approve: %s %q", status, draft)
	}
	_ = db.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'recommendation_approved' AND json_extract(payload, '$.recommendation_id') = ?`, price).Scan(&payload)
	var p map[string]any
	_ = json.Unmarshal([]byte(payload), &p)
	if p["draft_edited"] != true || p["draft_before"] != before || p["draft_after"] != draft {
		t.Errorf("action log payload %s", payload)
	}
	if !strings.Contains(r.Body, "/send") {
		t.Error("the approved draft card offers no send button")
	}

	// Bulk: three open ones plus the one already rejected above.
	var ids []string
	rows, _ := db.Query(`SELECT id FROM decision_recommendations WHERE status = 'pending' ORDER BY id LIMIT 3`)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, fmt.Sprint(id))
	}
	rows.Close()
	form := url.Values{"id": append(ids, fmt.Sprint(stock)), "verb": {"approve"}, "reason": {"toplu"}, "query": {"kind=stock"}}
	if r := viewer.Post("/app/approvals/bulk", form); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer bulk: %d", r.StatusCode)
	}
	r = op.Post("/app/approvals/bulk", form)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/app/approvals/?kind=stock" {
		t.Fatalf("bulk: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	var approved int
	_ = db.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE status = 'approved' AND decision_reason = 'toplu'`).Scan(&approved)
	if approved != 3 {
		t.Errorf("bulk approved %d, want 3", approved)
	}
	if st, _, _ := statusOf(t, e, stock); st != "rejected" {
		t.Errorf("the already rejected one became %s", st)
	}
	banner := op.Get("/app/approvals/?kind=stock").Doc(t).Find(".flash-ok").Text()
	if !strings.Contains(banner, "3 recommendations approved") || !strings.Contains(banner, "1 was already decided") {
		t.Errorf("bulk banner %q", banner)
	}
	if r := op.Post("/app/approvals/bulk", url.Values{"verb": {"approve"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bulk without a selection: %d", r.StatusCode)
	}
}

func statusOf(t *testing.T, e *apptest.Env, id int64) (status, by, reason string) {
	t.Helper()
	_ = e.DB("acme").Read.QueryRow(`SELECT status, decided_by_name, decision_reason FROM decision_recommendations WHERE id = ?`, id).Scan(&status, &by, &reason)
	return
}

// TestLanguagePickerNamesTheLanguage: screen readers hear the picker as "Dil: Türkçe", not the
// code "tr"; a computer shows the name, a phone the code (TR, the rest of the summary is hidden
// from screen readers: the CSS picks which of the two shows).
func TestLanguagePickerNamesTheLanguage(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	for lang, want := range map[string][2]string{"tr": {"Türkçe", "TR"}, "ar": {"العربية", "AR"}, "en": {"English", "EN"}} {
		summary := op.Get("/app/approvals/?lang=" + lang).Doc(t).Find(".lang-switch summary")
		heard := strings.Join(strings.Fields(summary.Children().Not("[aria-hidden]").Text()), " ")
		if !strings.HasSuffix(heard, ": "+want[0]) {
			t.Errorf("%s picker is read as %q, want it to end with %q", lang, heard, want[0])
		}
		if got := summary.Find(".lang-name[aria-hidden]").Text(); got != want[0] {
			t.Errorf("%s picker shows the name %q on a computer, want %q", lang, got, want[0])
		}
		if got := summary.Find(".lang-code[aria-hidden]").Text(); got != want[1] {
			t.Errorf("%s picker shows %q on a phone, want %q", lang, got, want[1])
		}
	}
}

// TestQueuePagesKeepTheFilter: the next and first page links of a filtered queue keep the filter
// (they lost it: the filter's "kind=pricing" was written into the link as "kind%3dpricing", and
// the second page showed every kind again).
func TestQueuePagesKeepTheFilter(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	seedQueue(t, e.DB("acme"), 60, 3)
	var want int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE action_type = 'pricing'`).Scan(&want)
	path, pages, seen := "/app/approvals/?kind=pricing", 0, 0
	for path != "" {
		if pages++; pages > 10 {
			t.Fatal("paging does not end")
		}
		doc := op.Get(path).Doc(t)
		if got := doc.Find("[data-queue-summary]").Text(); !strings.Contains(got, fmt.Sprint(want)) {
			t.Errorf("page %d (%s): summary %q, want %d", pages, path, got, want)
		}
		if got, _ := doc.Find("select[name=kind] option[selected]").Attr("value"); got != "pricing" {
			t.Errorf("page %d (%s): kind filter shows %q", pages, path, got)
		}
		doc.Find("[data-rec-id]").Each(func(_ int, s *goquery.Selection) {
			seen++
			if txt := s.Find(".rec-head").Text(); !strings.Contains(txt, "pricing") {
				t.Errorf("page %d (%s): a row that is not a pricing one: %q", pages, path, strings.Join(strings.Fields(txt), " "))
			}
		})
		if pages > 1 {
			first, _ := doc.Find("[data-first-page]").Attr("href")
			if first != "/app/approvals/?kind=pricing" {
				t.Errorf("page %d: first page link %q", pages, first)
			}
		}
		path, _ = doc.Find("[data-next-page]").Attr("href")
	}
	if pages < 2 || seen != want {
		t.Errorf("%d pages, %d pricing recommendations seen, want more than one page and %d", pages, seen, want)
	}
}

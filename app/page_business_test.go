package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// A person working in two businesses keeps a conversation of the first open in one tab and
// switches to the second in another. Conversation numbers are per business, so the old tab's
// reply to "conversation 1" went to the second business's conversation 1: another customer. A page
// now says which business it was drawn for (the form field app.js adds, or htmx's header) and a
// request from a page of another business than the session's is refused with both names, nothing
// stored anywhere; a form that does not say (no JavaScript) and the switch itself still work.
func TestAPageOfAnotherBusinessActsOnNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "en")
	e.Tenant("bahce", "parke_tas", "en")
	e.Set("parke", map[string]string{"name": "Parke Taş"})
	e.Set("bahce", map[string]string{"name": "Bahçe Peyzaj"})
	c := e.User("parke", "ayse", "owner")
	ctx := context.Background()
	tb, err := e.Server.Platform.TenantBySlug(ctx, "bahce")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Server.Platform.SetMembership(ctx, c.UserID, tb.ID, "owner"); err != nil {
		t.Fatal(err)
	}
	conv := map[string]int64{}
	for _, slug := range []string{"parke", "bahce"} {
		res, err := e.Handlers.InboxService.Ingest(ctx, slug, e.DB(slug), inbox.Inbound{Channel: "webchat", ExternalID: "v-" + slug,
			Name: "Müşteri " + slug, Body: "Merhaba", Kind: "text"})
		if err != nil {
			t.Fatal(err)
		}
		conv[slug] = res.ConversationID
	}
	if conv["parke"] != conv["bahce"] {
		t.Fatalf("the two businesses' first conversations are %d and %d; the test needs one number", conv["parke"], conv["bahce"])
	}
	path := "/app/inbox/" + strconv.FormatInt(conv["parke"], 10) + "/"
	replies := func(slug, body string) int {
		t.Helper()
		var n int
		if err := e.DB(slug).Read.QueryRow(`SELECT count(*) FROM messages WHERE body = ?`, body).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The other tab switched to Bahçe Peyzaj; this tab's page was drawn for Parke Taş.
	if r := c.Post("/app/switch/", url.Values{"tenant": {"bahce"}}); r.StatusCode != 303 {
		t.Fatalf("switch: %d", r.StatusCode)
	}
	const body = "Yarın 10:00'da keşfe geliyoruz"
	r := c.Post(path, url.Values{"body": {body}, "direction": {"outbound"}, "_business": {"parke"}})
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("a reply from Parke Taş's page: %d", r.StatusCode)
	}
	if !strings.Contains(r.Body, "This page was opened for Parke Taş; you have since switched to Bahçe Peyzaj") {
		t.Errorf("the refusal does not name both businesses: %s", r.Doc(t).Find("main").Text())
	}
	// Its title says what happened, not the generic "Changed in the meantime" (nothing changed).
	if h1, title := strings.TrimSpace(r.Doc(t).Find("h1").Text()), r.Doc(t).Find("title").Text(); h1 != "Opened for another business" || !strings.HasPrefix(title, "Opened for another business") {
		t.Errorf("the refusal's heading %q, title %q", h1, title)
	}
	if n, m := replies("bahce", body), replies("parke", body); n != 0 || m != 0 {
		t.Fatalf("the reply was stored: %d in Bahçe Peyzaj, %d in Parke Taş", n, m)
	}
	// htmx's requests say it in a header.
	req, _ := http.NewRequest(http.MethodPost, e.URL+path, strings.NewReader(url.Values{"body": {body}, "direction": {"outbound"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-HV-Business", "parke")
	if r := c.Do(req); r.StatusCode != http.StatusConflict || replies("bahce", body) != 0 {
		t.Fatalf("an htmx reply from Parke Taş's page: %d, stored %d", r.StatusCode, replies("bahce", body))
	} else if got := r.Doc(t).Find("[data-error-flash] strong").Text(); got != "Opened for another business" {
		t.Errorf("the htmx refusal's banner is headed %q", got)
	}
	// In the reader's language.
	if r := c.Post(path+"?lang=tr", url.Values{"body": {body}, "direction": {"outbound"}, "_business": {"parke"}}); r.StatusCode != http.StatusConflict ||
		strings.TrimSpace(r.Doc(t).Find("h1").Text()) != "Sayfa başka bir işletme için açılmıştı" {
		t.Errorf("the Turkish refusal: %d, heading %q", r.StatusCode, strings.TrimSpace(r.Doc(t).Find("h1").Text()))
	}
	// A page drawn for the business now open works, and the field is not taken for the handler's.
	if r := c.Post(path, url.Values{"body": {body}, "direction": {"outbound"}, "_business": {"bahce"}}); r.StatusCode != 303 || replies("bahce", body) != 1 {
		t.Fatalf("a reply from Bahçe Peyzaj's page: %d, stored %d", r.StatusCode, replies("bahce", body))
	}
	// A form that does not say (a browser without JavaScript) is taken as before.
	if r := c.Post(path, url.Values{"body": {"İkinci yanıt"}, "direction": {"outbound"}}); r.StatusCode != 303 || replies("bahce", "İkinci yanıt") != 1 {
		t.Fatalf("a reply without the field: %d", r.StatusCode)
	}
	// The switch itself, from a page of the other business, is what the person asks for.
	if r := c.Post("/app/switch/", url.Values{"tenant": {"parke"}, "_business": {"bahce"}}); r.StatusCode != 303 {
		t.Fatalf("switch back from Bahçe Peyzaj's page: %d", r.StatusCode)
	}
	if !strings.Contains(c.Get("/app/").Body, `data-business="parke"`) {
		t.Error("the top bar does not say which business the page is for")
	}
}

// TestBrowserOldTabOfAnotherBusiness: the same in a real browser. The conversation page of the
// demo business is open; another tab switches to the MSP demo business (a fetch from this page
// stands in for it); a reply typed and sent from the composer (htmx) and a lead's stage changed
// with a plain form (boosted) are both refused on the page with the two businesses' names, and
// nothing is stored in either.
func TestBrowserOldTabOfAnotherBusiness(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug)
	msp := b.e.DB(app.DemoMSPSlug)
	b.viewport(1366, 900, false)
	var conv int64
	if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'webchat' ORDER BY id LIMIT 1`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	const body = "Eski sekmeden yazılan yanıt"
	stored := func() int {
		t.Helper()
		n := 0
		for _, d := range []*tenantdb.DB{db, msp} {
			var k int
			if err := d.Read.QueryRow(`SELECT count(*) FROM messages WHERE body = ?`, body).Scan(&k); err != nil {
				t.Fatal(err)
			}
			n += k
		}
		return n
	}
	b.open("/app/inbox/" + strconv.FormatInt(conv, 10) + "/?lang=en")
	b.run("type", chromedp.SendKeys(chromedp.CSS(`#body`), body))
	b.eval(`fetch('/app/switch/', {method: 'POST', body: new URLSearchParams({tenant: '` + app.DemoMSPSlug + `'})}).then(() => window.switched = 1), 0`)
	b.waitFor("the other tab's switch", `window.switched === 1`)
	b.run("send", chromedp.Click(chromedp.CSS(`form[data-composer] .composer-send`)))
	b.waitFor("the refusal on the page", `document.body.textContent.includes('you have since switched to')`)
	if n := stored(); n != 0 {
		t.Fatalf("the reply from the old tab was stored %d times", n)
	}
	// A plain form of the old page (the lead's stage, boosted by htmx).
	var lead int64
	var stage string
	if err := db.Read.QueryRow(`SELECT lead_id, (SELECT stage FROM leads WHERE id = lead_id) FROM conversations WHERE id = ?`, conv).Scan(&lead, &stage); err != nil {
		t.Fatal(err)
	}
	b.eval(`fetch('/app/switch/', {method: 'POST', body: new URLSearchParams({tenant: '` + app.DemoSlug + `'})}).then(() => window.back = 1), 0`)
	b.waitFor("back in the demo business", `window.back === 1`)
	b.open("/app/leads/" + strconv.FormatInt(lead, 10) + "/?lang=en")
	b.eval(`fetch('/app/switch/', {method: 'POST', body: new URLSearchParams({tenant: '` + app.DemoMSPSlug + `'})}).then(() => window.switched2 = 1), 0`)
	b.waitFor("the other tab's second switch", `window.switched2 === 1`)
	b.eval(`(() => { const s = document.querySelector('#lead-stage-select'); s.value = 'won'; s.form.requestSubmit(); return 0 })()`)
	b.waitFor("the stage refusal", `document.body.textContent.includes('you have since switched to')`)
	var now string
	if err := db.Read.QueryRow(`SELECT stage FROM leads WHERE id = ?`, lead).Scan(&now); err != nil {
		t.Fatal(err)
	}
	if now != stage {
		t.Errorf("the lead moved from %s to %s from the old tab", stage, now)
	}
}

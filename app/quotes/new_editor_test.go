package quotes_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
	"highvibe/app/web"
)

// TestNewQuoteNumberOnFirstSave: "Prepare quote" opens the new-quote editor, filled for the
// conversation's lead, and stores nothing: opening it and leaving takes no number and leaves no
// draft. A refused first save shows the editor again as typed with the reason, nothing stored;
// the corrected save stores the quote with the next number, no gap; the same form sent twice
// stores one quote; the conversation's old one-tap form and an assistant that can price nothing
// open the editor and store nothing.
func TestNewQuoteNumberOnFirstSave(t *testing.T) {
	f := setup(t)
	conv := strconv.FormatInt(f.conv, 10)
	quotes := func() int { return f.count(t, `SELECT count(*) FROM quotes`) }
	open := func() *apptest.Resp {
		t.Helper()
		p := f.op.Get("/app/quotes/new?conversation_id=" + conv + "&lang=tr")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("new-quote editor: %d", p.StatusCode)
		}
		return p
	}
	// The conversation's button opens the editor; it posts nothing.
	if a := f.op.Get("/app/inbox/" + conv + "/").Doc(t).Find("a[data-quote-new]"); a.AttrOr("href", "") != "/app/quotes/new?conversation_id="+conv {
		t.Fatalf("the conversation's Prepare quote leads to %q", a.AttrOr("href", ""))
	}
	// So does the lead page's, on the lead's latest conversation; a viewer gets none.
	lead := strconv.Itoa(f.count(t, `SELECT lead_id FROM conversations WHERE id = ?`, f.conv))
	if a := f.op.Get("/app/leads/" + lead + "/").Doc(t).Find("#lead-quotes a[data-quote-new], section a[data-quote-new]"); a.AttrOr("href", "") != "/app/quotes/new?conversation_id="+conv {
		t.Fatalf("the lead page's Prepare quote leads to %q", a.AttrOr("href", ""))
	}
	if n := f.viewer.Get("/app/leads/" + lead + "/").Doc(t).Find("a[data-quote-new]").Length(); n != 0 {
		t.Fatal("a viewer is offered Prepare quote on the lead page")
	}
	p := open()
	doc := p.Doc(t)
	form := doc.Find("#quote-form")
	if form.AttrOr("action", "") != "/app/quotes/new" || form.Find(`input[name="conversation_id"]`).AttrOr("value", "") != conv ||
		form.Find(`input[name="`+web.OnceField+`"]`).Length() != 1 {
		t.Fatal("the new-quote editor does not post its first save with the conversation and a one-time token")
	}
	if form.Find("#customer_name").AttrOr("value", "") != "Deniz Yılmaz" || form.Find(`#payment_snippet option[selected]`).Text() != "Peşin %30" ||
		form.Find("#valid_until").AttrOr("value", "") == "" || !strings.Contains(doc.Find("[data-new-note]").Text(), "ilk kez kaydettiğinizde") {
		t.Fatal("the new-quote editor is not filled as a new quote starts, or does not say when the number is taken")
	}
	open() // opened twice and left
	if n := quotes(); n != 0 {
		t.Fatalf("opening the new-quote editor stored %d quotes", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'quote_created'`); n != 0 {
		t.Fatalf("opening the new-quote editor logged %d quote actions", n)
	}

	// Refused first save: the editor again as typed, why, nothing stored.
	sent := apptest.FormValues(form)
	sent.Set("customer_name", "Deniz Yılmaz (bahçe)")
	sent["kind"], sent["name"], sent["quantity"], sent["unit_price"] = []string{"labour", "product", "product"}, []string{"Döşeme işçiliği", "", ""}, []string{"-4", "", ""}, []string{"180", "", ""}
	r := f.op.Post("/app/quotes/new", sent)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Sıfırdan büyük bir miktar girin") {
		t.Fatalf("bad first save: %d, want 422 with the quantity's error", r.StatusCode)
	}
	back := r.Doc(t).Find("#quote-form")
	if back.Find("#customer_name").AttrOr("value", "") != "Deniz Yılmaz (bahçe)" || back.Find("#quantity-1").AttrOr("value", "") != "-4" ||
		back.Find(`input[name="`+web.OnceField+`"]`).AttrOr("value", "") != sent.Get(web.OnceField) || back.AttrOr("action", "") != "/app/quotes/new" {
		t.Fatal("the refused first save does not come back as typed, with its own token, posting the first save again")
	}
	if n := quotes(); n != 0 {
		t.Fatalf("a refused first save stored %d quotes", n)
	}

	// Corrected: stored with the first number of the year.
	sent["quantity"] = []string{"120", "", ""}
	r = f.op.Post("/app/quotes/new", sent)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", r.StatusCode, r.Body)
	}
	loc := r.Header.Get("Location")
	m := regexp.MustCompile(`^/app/quotes/(\d+)/$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("first save went to %q", loc)
	}
	if n := f.str(t, `SELECT number FROM quotes WHERE id = ?`, m[1]); !regexp.MustCompile(`^TKL-\d{4}-0001$`).MatchString(n) {
		t.Fatalf("the first saved quote is %q, want number 0001", n)
	}
	if f.str(t, `SELECT customer_name FROM quotes WHERE id = ?`, m[1]) != "Deniz Yılmaz (bahçe)" || f.count(t, `SELECT count(*) FROM quote_lines WHERE quote_id = ?`, m[1]) != 1 {
		t.Fatal("the first save did not store what was typed")
	}
	if page := f.op.Get(loc); !strings.Contains(page.Body, "numarasıyla kaydedildi") {
		t.Error("the saved quote's page does not say which number it took")
	}

	// The same form again (a double click, a phone resending): one quote, the same page.
	r2 := f.op.Post("/app/quotes/new", sent)
	if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != loc {
		t.Fatalf("the first save sent again: %d to %q, want 303 to %q", r2.StatusCode, r2.Header.Get("Location"), loc)
	}
	if n := quotes(); n != 1 {
		t.Fatalf("the first save sent twice stored %d quotes", n)
	}

	// Opened and left again, then a second quote: the next number, no gap.
	open()
	open()
	next := newQuote(t, f.op, f.conv, nil)
	if n := f.str(t, `SELECT number FROM quotes WHERE id = ?`, next); !strings.HasSuffix(n, "-0002") {
		t.Fatalf("the second saved quote is %q, want number 0002", n)
	}

	// The conversation's old one-tap form (a page drawn before): opens the editor, stores nothing.
	if r := f.op.Post("/app/quotes/new", url.Values{"conversation_id": {conv}, web.OnceField: {web.NewOnceToken()}}); r.StatusCode != http.StatusSeeOther ||
		r.Header.Get("Location") != "/app/quotes/new?conversation_id="+conv {
		t.Fatalf("the old one-tap form: %d to %q, want the new-quote editor", r.StatusCode, r.Header.Get("Location"))
	}
	// The assistant, on a conversation naming nothing it can price: the editor, nothing stored.
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v2", Name: "Can Ak", Body: "Merhaba, bilgi alabilir miyim?"})
	if err != nil {
		t.Fatal(err)
	}
	other := strconv.FormatInt(res.ConversationID, 10)
	r = f.op.Post("/app/quotes/new", url.Values{"conversation_id": {other}, "assistant": {"1"}, web.OnceField: {web.NewOnceToken()}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/app/quotes/new?conversation_id="+other {
		t.Fatalf("the assistant with nothing to price: %d to %q, want the new-quote editor", r.StatusCode, r.Header.Get("Location"))
	}
	if page := f.op.Get(r.Header.Get("Location")); !strings.Contains(page.Body, "fiyatlayabileceği bir şey bulamadı") || !strings.Contains(page.Body, "Can Ak") {
		t.Error("the editor after the assistant priced nothing does not say so, or is not the conversation's")
	}
	if n := quotes(); n != 2 {
		t.Fatalf("quotes after the old form and the assistant priced nothing = %d, want 2", n)
	}
	// A viewer can neither open nor save it.
	if p := f.viewer.Get("/app/quotes/new?conversation_id=" + conv); p.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer opened the new-quote editor: %d", p.StatusCode)
	}
}

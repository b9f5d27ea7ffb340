package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// sendForm is the quote page's send form as a browser sends it.
func sendForm(t *testing.T, doc *goquery.Document, id string) url.Values {
	t.Helper()
	f := doc.Find(`form[action="/app/quotes/` + id + `/send"]`)
	if f.Length() != 1 {
		t.Fatalf("%d send forms", f.Length())
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Add(n, val)
	})
	return v
}

// Two people have the same approved quote open, each page offering "Müşteriye gönder". Olga sends
// it; Talha, a moment later, presses the button his page still showed, and the customer got the
// same quote twice. Now his press sends nothing: the quote page comes back saying it was sent
// meanwhile, offering "Bağlantıyı yeniden gönder" for a reminder, which still sends.
func TestQuoteSentMeanwhileIsNotSentAgain(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	form := lines(strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`)))
	form.Set("submit", "1")
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id)
	if r := f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	hers := sendForm(t, f.op.Get("/app/quotes/"+sid+"/").Doc(t), sid)
	his := sendForm(t, f.owner.Get("/app/quotes/"+sid+"/").Doc(t), sid)
	sent := func() int {
		return f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body LIKE '%/q/acme.%'`, f.conv)
	}
	if r := f.op.Post("/app/quotes/"+sid+"/send", hers); r.StatusCode != http.StatusSeeOther || sent() != 1 {
		t.Fatalf("olga's send: %d, %d messages", r.StatusCode, sent())
	}
	r := f.owner.Post("/app/quotes/"+sid+"/send", his)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("talha's send: %d %s", r.StatusCode, r.Body)
	}
	if n := sent(); n != 1 {
		t.Fatalf("the customer got the quote %d times", n)
	}
	page := f.owner.Get(r.Header.Get("Location")).Doc(t)
	if got := page.Find(".flash-error").Text(); !strings.Contains(got, "Bu teklif siz sayfayı açtıktan sonra müşteriye gönderildi") {
		t.Fatalf("banner %q", got)
	}
	again := sendForm(t, page, sid)
	if b := strings.TrimSpace(page.Find(`form[action$="/send"] button`).Text()); b != "Bağlantıyı yeniden gönder" {
		t.Fatalf("button %q", b)
	}
	if r := f.owner.Post("/app/quotes/"+sid+"/send", again); r.StatusCode != http.StatusSeeOther || sent() != 2 {
		t.Fatalf("reminder: %d, %d messages", r.StatusCode, sent())
	}
}

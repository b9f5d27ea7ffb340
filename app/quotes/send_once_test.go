package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/web"
)

// TestQuoteSentOnce: the send button of an approved quote pressed twice (a double tap, a phone
// resending after a timeout) puts the quote into the conversation once, and the second answer
// leads to the quote with the "already sent" notice; the page after it offers "send again" with
// a new token, which sends the reminder.
func TestQuoteSentOnce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if r := f.op.Post(path+"submit", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id)
	if r := f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", url.Values{"next": {path}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	sent := func() int {
		return f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body LIKE '%/q/acme.%'`, f.conv)
	}
	token := func() string {
		t.Helper()
		tok, _ := f.op.Get(path + "?lang=en").Doc(t).Find(`form[action="` + path + `send"] input[name="` + web.OnceField + `"]`).Attr("value")
		if tok == "" {
			t.Fatal("the send button's form carries no one-time token")
		}
		return tok
	}
	tok := token()
	for i := range 2 {
		r := f.op.Post(path+"send", url.Values{web.OnceField: {tok}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
			t.Fatalf("press %d: %d to %q", i+1, r.StatusCode, r.Header.Get("Location"))
		}
	}
	if n := sent(); n != 1 {
		t.Fatalf("two presses sent the quote %d times", n)
	}
	if p := f.op.Get(path + "?lang=en"); !strings.Contains(p.Body, "This form was already sent") {
		t.Error("the page after the second press does not say it was already sent")
	}
	next := token()
	if next == tok {
		t.Fatal("the page after sending offers the same token again")
	}
	if r := f.op.Post(path+"send", url.Values{web.OnceField: {next}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send again: %d", r.StatusCode)
	}
	if n := sent(); n != 2 {
		t.Fatalf("a reminder after the first send: %d messages, want 2", n)
	}
}

package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestReplyOnClosedTicketKeepsTheText: a reply sent from a page opened before the ticket closed
// is refused with the ticket's page, not a bare error page: the text stays in its box with the
// reason beside it, nothing is stored, and a button opens a new ticket for the same client with
// the text as its description.
func TestReplyOnClosedTicketKeepsTheText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ locale, reason, button string }{
		{"tr", "Bu talep kapandı", "Bu metinle yeni talep aç"},
		{"en", "This ticket is closed", "Open a new ticket with this text"},
		{"ar", "", "افتح تذكرة جديدة بهذا النص"},
	} {
		te := newTimeEnv(t, false, c.locale)
		path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10)
		wantStatus(t, te.oper.Post(path+"/status", url.Values{"status": {"closed"}}), http.StatusSeeOther, "close")
		events := te.count(t, `SELECT count(*) FROM msp_ticket_events WHERE ticket_id = ?`, te.ticket.ID)
		const text = "Yazıcı sürücüsünü yeniden kurdum, <b>deneyin</b>."
		r := te.oper.Post(path+"/reply", url.Values{"reply": {text}})
		wantStatus(t, r, http.StatusConflict, c.locale+": reply on a closed ticket")
		doc := r.Doc(t)
		box := doc.Find("#reply textarea#reply-body")
		if got := box.Text(); got != text {
			t.Fatalf("%s: the reply box holds %q", c.locale, got)
		}
		if box.AttrOr("aria-invalid", "") != "true" {
			t.Errorf("%s: the reply box is not marked", c.locale)
		}
		if msg := doc.Find("#reply-error").Text(); msg == "" || !strings.Contains(msg, c.reason) {
			t.Errorf("%s: reason %q", c.locale, msg)
		}
		form := box.Closest("form")
		if form.AttrOr("action", "") != "/app/msp/tickets/new" || form.AttrOr("method", "") != "get" ||
			form.Find(`input[name="client"]`).AttrOr("value", "") != strconv.FormatInt(te.client, 10) ||
			!strings.Contains(form.Find("button[data-reply-new-ticket]").Text(), c.button) {
			h, _ := form.Html()
			t.Fatalf("%s: no new-ticket form: %s", c.locale, h)
		}
		if n := te.count(t, `SELECT count(*) FROM msp_ticket_events WHERE ticket_id = ?`, te.ticket.ID); n != events {
			t.Fatalf("%s: %d events after a refused reply, had %d", c.locale, n, events)
		}
		// The button's request: the new-ticket form for the client, the text as its description.
		q := url.Values{"client": {strconv.FormatInt(te.client, 10)}, "description": {text}}
		nf := te.oper.Get("/app/msp/tickets/new?" + q.Encode())
		wantStatus(t, nf, http.StatusOK, "new ticket form")
		nd := nf.Doc(t)
		if got := nd.Find("textarea#description").Text(); got != text {
			t.Fatalf("%s: new ticket description %q", c.locale, got)
		}
		if nd.Find(`#client option[selected]`).AttrOr("value", "") != strconv.FormatInt(te.client, 10) {
			t.Fatalf("%s: the client is not chosen", c.locale)
		}
	}
}

package msp_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/msp"
)

// pageForm is what a browser sends for the form sel of a page as drawn: its inputs and the
// selected option of each select.
func pageForm(t *testing.T, doc *goquery.Document, sel string) url.Values {
	t.Helper()
	f := doc.Find(sel)
	if f.Length() != 1 {
		t.Fatalf("form %s: %d found", sel, f.Length())
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Add(n, val)
	})
	f.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Find("option[selected]").Attr("value")
		v.Add(n, val)
	})
	return v
}

// Two technicians have the same ticket open. Oscar raises it to P1 (the client's server is down);
// Olga, whose page was drawn before, corrects the subject's typo and saves. Her save sent the
// priority her page showed (P3) with the subject, and put the ticket back to P3 without a word:
// the SLA clock ran on the lower target. Now a save changes only what its sender changed on the
// page: the subject is Olga's, the priority stays Oscar's P1.
func TestTicketEditKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10)
	oscar := pageForm(t, te.oper.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	olga := pageForm(t, te.owner.Get(path+"/").Doc(t), `form[action$="/edit"]`)

	oscar.Set("priority", msp.P1)
	wantStatus(t, te.oper.Post(path+"/edit", oscar), 303, "oscar raises the priority")

	olga.Set("subject", "E-posta gelmiyor (Outlook)")
	wantStatus(t, te.owner.Post(path+"/edit", olga), 303, "olga corrects the subject")

	got, err := msp.TicketByID(context.Background(), te.db.Read, te.ticket.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != msp.P1 || got.Subject != "E-posta gelmiyor (Outlook)" || got.ClientID != te.client {
		t.Fatalf("after both saves: priority %s, subject %q, client %d", got.Priority, got.Subject, got.ClientID)
	}
	// Olga's page drawn again saves as it stands: nothing changes.
	again := pageForm(t, te.owner.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	wantStatus(t, te.owner.Post(path+"/edit", again), 303, "olga saves again")
	if n := te.count(t, `SELECT COUNT(*) FROM msp_ticket_events WHERE ticket_id = ? AND kind = 'priority'`, te.ticket.ID); n != 1 {
		t.Fatalf("%d priority lines, want Oscar's one", n)
	}
}

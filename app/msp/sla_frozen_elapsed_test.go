package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/msp"
)

// The owner turns business hours on after a ticket was resolved late: the resolved ticket keeps
// the business time it was resolved in, so its outcome ("Answered late", "Resolved late") and the
// month's SLA figures stay as they were (the new hours recounted its past time, turning it into
// "in time" on the ticket page, the list and the report). An open ticket follows the new hours;
// reopened, the resolved one does too; closing a resolved ticket keeps what its resolution kept.
func TestSLAResolvedTicketKeepsItsBusinessTime(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "msp"})
	db := e.DB("bilisim")
	ctx := context.Background()
	owner := e.User("bilisim", "sahip", "owner")
	op := e.User("bilisim", "teknisyen", "operator")
	saveHours := func(on bool) {
		t.Helper()
		loc, err := time.LoadLocation("Europe/Istanbul")
		if err != nil {
			t.Fatal(err)
		}
		// Yesterday and today closed (an inventory): with hours on, the last five hours were
		// no business time, whatever the time of day the test runs.
		today := time.Now().In(loc)
		f := url.Values{"zone": {"Europe/Istanbul"}, "after_hours": {"ack"}, "day0": {""}, "day6": {""},
			"closed_days": {today.AddDate(0, 0, -1).Format(time.DateOnly) + " Sayım\n" + today.Format(time.DateOnly) + " Sayım"}}
		for d := 1; d <= 5; d++ {
			f.Set("day"+itoa(int64(d)), "09:00-18:00")
		}
		if on {
			f.Set("enabled", "1")
		}
		if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save hours: %d %.400s", r.StatusCode, r.Body)
		}
	}
	saveHours(false) // every minute counts
	// Two P1 tickets (reply 1 h, resolution 4 h) opened five hours ago; one is resolved now.
	done, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Sunucu kapandı", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	open, err := msp.Create(ctx, db, msp.NewTicket{Subject: "İnternet yok", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{done.ID, open.ID} {
		backdate(t, db, id, time.Now().Add(-5*time.Hour))
	}
	status := func(id int64, to string) {
		t.Helper()
		if r := op.Post("/app/msp/tickets/"+itoa(id)+"/status", url.Values{"status": {to}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", to, r.StatusCode, r.Body)
		}
	}
	status(done.ID, "resolved")

	// state reads a clock's state on the ticket page and the ticket's clock in the list.
	state := func(id int64, kind string) (page, list string) {
		t.Helper()
		p := op.Get("/app/msp/tickets/" + itoa(id) + "/?lang=en")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("ticket page: %d", p.StatusCode)
		}
		page, _ = p.Doc(t).Find(`#sla [data-sla="` + kind + `"]`).First().Attr("data-sla-state")
		l := op.Get("/app/msp/tickets/?status=all&lang=en")
		if l.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", l.StatusCode)
		}
		list, _ = l.Doc(t).Find(`tr[data-ticket="` + itoa(id) + `"] .sla-clock`).First().Attr("data-sla-state")
		return page, list
	}
	report := func() *msp.Report {
		t.Helper()
		r, err := msp.BuildReport(ctx, db.Read, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	check := func(when string) {
		t.Helper()
		for _, kind := range []string{"response", "resolution"} {
			if page, list := state(done.ID, kind); page != "breached" || list != "breached" {
				t.Errorf("%s: the resolved ticket's %s clock reads %q on its page, %q in the list; want breached (late)", when, kind, page, list)
			}
		}
		r := report()
		if r.Total.Met != 0 || r.Resolved != 1 || r.MeanResolution < 4*time.Hour {
			t.Errorf("%s: report %+v, mean resolution %s; want none met, the resolved one in about 5 h", when, r.Total, r.MeanResolution)
		}
	}
	check("resolved with hours off")
	if page, _ := state(open.ID, "resolution"); page != "breached" {
		t.Fatalf("open ticket with hours off: %q", page)
	}

	saveHours(true)
	check("after business hours were turned on")
	// The open ticket follows the hours of now: the five closed hours no longer count.
	if page, _ := state(open.ID, "resolution"); page != "ok" {
		t.Errorf("open ticket after business hours were turned on: %q, want ok", page)
	}
	// Reopened, the ticket counts in the hours of now again.
	status(done.ID, "open")
	if page, _ := state(done.ID, "resolution"); page != "ok" {
		t.Errorf("reopened ticket: %q, want ok", page)
	}
	var n int
	if err := db.Read.QueryRow(`SELECT count(*) FROM msp_ticket_sla WHERE ticket_id = ? AND response_elapsed_ms IS NULL
		AND resolution_elapsed_ms IS NULL`, done.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("reopening keeps the business time: %d %v", n, err)
	}
	// Resolved again under the hours of now (nothing counted: closed days), then hours off and the
	// ticket closed: closing keeps the resolution's business time, in time.
	status(done.ID, "resolved")
	saveHours(false)
	status(done.ID, "closed")
	for _, kind := range []string{"response", "resolution"} {
		if page, list := state(done.ID, kind); page != "met" || list != "met" {
			t.Errorf("closed after business hours were turned off: %s clock %q on its page, %q in the list; want met", kind, page, list)
		}
	}
}

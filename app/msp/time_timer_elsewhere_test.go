package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The timer lives on the server, so a technician's phone can show a ticket page from before the
// timer was started or stopped on the laptop. Pressing Start (a timer already runs) or Stop and
// Discard (none runs any more) on that page used to end on an error page ("Bu arada değiştirildi")
// whose only way on was the dashboard. It now goes back to the ticket page, which shows the timer
// as it is, with the reason on top, and nothing about the timers or the time changes.
func TestTimerPressedOnAStalePageGoesBackToIt(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	a, b := strconv.FormatInt(te.ticket.ID, 10), strconv.FormatInt(te.other.ID, 10)
	pageA, pageB := "/app/msp/tickets/"+a+"/", "/app/msp/tickets/"+b+"/"
	if te.oper.Get(pageA).Doc(t).Find("#timer-start").Length() != 1 {
		t.Fatal("no Start on the ticket page")
	}
	// On the laptop: a timer on ticket B.
	wantStatus(t, te.oper.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {b}}), http.StatusSeeOther, "start on B")

	// On the phone, ticket A's page from before: Start.
	r := te.oper.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {a}, "back": {pageA}})
	wantStatus(t, r, http.StatusSeeOther, "start while B's timer runs")
	if loc := r.Header.Get("Location"); loc != pageA {
		t.Fatalf("the refused start led to %q, want back to %q", loc, pageA)
	}
	doc := te.oper.Get(pageA).Doc(t)
	if got := strings.TrimSpace(doc.Find(".flash-error").Text()); got != "Zaten çalışan bir sayacınız var; önce onu durdurun." {
		t.Errorf("refused start says %q", got)
	}
	if !strings.Contains(doc.Find("#timer").Text(), "başka bir talepte çalışıyor") || doc.Find(`#timer a[href="/app/msp/tickets/`+b+`/time"]`).Length() != 1 {
		t.Errorf("ticket A's page does not point to the timer running on B: %q", doc.Find("#timer").Text())
	}
	if n := te.count(t, `SELECT count(*) FROM msp_timers WHERE ticket_id = ?`, te.other.ID); n != 1 {
		t.Fatal("the refused start changed the running timer")
	}

	// On the laptop: B's timer is stopped. On the phone, B's page from before: Stop, then Discard.
	wantStatus(t, te.oper.Post("/app/msp/time/timer/stop", nil), http.StatusSeeOther, "stop on the laptop")
	for _, act := range []string{"stop", "discard"} {
		r = te.oper.Post("/app/msp/time/timer/"+act, url.Values{"back": {pageB}})
		wantStatus(t, r, http.StatusSeeOther, act+" with no timer running")
		if loc := r.Header.Get("Location"); loc != pageB {
			t.Fatalf("%s with no timer led to %q, want back to %q", act, loc, pageB)
		}
		doc = te.oper.Get(pageB).Doc(t)
		if got := strings.TrimSpace(doc.Find(".flash-error").Text()); got != "Çalışan bir sayacınız yok." {
			t.Errorf("%s with no timer says %q", act, got)
		}
		if doc.Find("#timer-start").Length() != 1 {
			t.Errorf("after %s, ticket B's page does not offer Start", act)
		}
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatalf("%d time entries, want the one the laptop stopped", n)
	}
}

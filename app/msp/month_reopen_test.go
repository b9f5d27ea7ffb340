package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/msp"
)

// A technician logged 8 h instead of 0.8 h on a day of a month that has since closed for
// billing. Only an owner reopens that month, with a reason (the field refuses an empty one);
// the entry can then be corrected; closing the month again refuses changes again; the action
// log holds both acts with who and why; the owner is warned that exports already taken of the
// month must be issued again; the timesheet, the entry's form and the dashboard agree.
func TestReopenClosedMonthToCorrectTime(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	now := time.Now()
	tid := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"8"}, "note": {"backup check"}}),
		http.StatusSeeOther, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// Two months back is closed whatever today is (it closed on the 5th of last month).
	old := time.Date(now.Year(), now.Month()-2, 28, 0, 0, 0, 0, time.UTC)
	month := old.Format("2006-01")
	if _, err := te.db.Exec(t.Context(), `UPDATE msp_time_entries SET work_day = ? WHERE id = ?`, day(old), id); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(id, 10)
	edit := "/app/msp/time/entries/" + sid + "/edit"
	page := "/app/msp/time/months/" + month
	week := "/app/msp/time?user=" + strconv.FormatInt(te.oper.UserID, 10) + "&week=" + msp.WeekOf(old)
	correct := url.Values{"day": {day(old)}, "hours": {"0"}, "minutes": {"48"}, "note": {"backup check"}}
	minutes := func() int { return te.count(t, `SELECT minutes FROM msp_time_entries WHERE id = ?`, id) }

	// Closed: the timesheet says so and links the owner to the reopening; the entry has no Change.
	d := te.owner.Get(week).Doc(t)
	if n := d.Find(`.month-note[data-month="` + month + `"][data-state="closed"] a[href="` + page + `"]`).Length(); n != 1 {
		t.Fatalf("the timesheet's closed-month notice with its link: %d", n)
	}
	if d.Find(`[data-edit-entry="`+sid+`"]`).Length() != 0 {
		t.Error("an entry of the closed month offers Change")
	}
	wantStatus(t, te.oper.Post(edit, correct), http.StatusConflict, "change in the closed month")

	// An export of the month's time is counted, for the warning on reopening.
	wantStatus(t, te.owner.Get("/app/msp/time/export?format=csv"), http.StatusOK, "export")
	if n := te.count(t, `SELECT times FROM msp_month_exports WHERE month = ?`, month); n != 1 {
		t.Fatalf("exports of %s: %d", month, n)
	}

	// Not an owner: the page says who may, and the request is refused with the reason.
	od := te.oper.Get(page).Doc(t)
	if od.Find("#reopen-form").Length() != 0 || !strings.Contains(od.Find("#month-owner-only").Text(), "Only an owner") {
		t.Error("the operator's month page offers the reopening")
	}
	for _, s := range []struct {
		lang, want string
	}{{"en", "does not allow this action: reopen a month closed for billing"}, {"tr", "kapanmış bir ayı yeniden açmak"}} {
		r := te.oper.Post(page+"/reopen?lang="+s.lang, url.Values{"reason": {"typo"}})
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, s.want) {
			t.Errorf("%s: operator reopening: %d %q", s.lang, r.StatusCode, r.Doc(t).Find("main").Text())
		}
	}
	wantStatus(t, te.viewer.Post(page+"/reopen", url.Values{"reason": {"typo"}}), http.StatusForbidden, "viewer reopening")
	if n := te.count(t, `SELECT count(*) FROM msp_month_reopens`); n != 0 {
		t.Fatalf("%d reopenings after refusals", n)
	}

	// The owner sees the warning before reopening; an empty reason is refused at the field.
	if w := te.owner.Get(page).Doc(t).Find("#month-reissue").Text(); !strings.Contains(w, "must be issued again") {
		t.Errorf("the warning before reopening: %q", w)
	}
	for lang, want := range map[string]string{"en": "Write why the month is reopened", "tr": "neden yeniden açıldığını yazın", "ar": "اكتب سبب إعادة فتح الشهر"} {
		r := te.owner.Post(page+"/reopen?lang="+lang, url.Values{"reason": {"   "}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: empty reason: %d", lang, r.StatusCode)
		}
		if got := r.Doc(t).Find("#reopen-reason-error").Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the reason's error %q", lang, got)
		}
	}
	// ?lang= stays with the person: back to English for what follows.
	te.owner.Get(page + "?lang=en")
	te.oper.Get(page + "?lang=en")
	long := strings.Repeat("ş", msp.MaxReopenReason+1)
	r := te.owner.Post(page+"/reopen", url.Values{"reason": {long}})
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc(t).Find("#reopen-reason").Text() != long {
		t.Errorf("a too long reason: %d, typed text kept: %v", r.StatusCode, r.Doc(t).Find("#reopen-reason").Text() == long)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_month_reopens`); n != 0 {
		t.Fatalf("%d reopenings after a refused reason", n)
	}
	wantStatus(t, te.oper.Post(edit, correct), http.StatusConflict, "change before the reopening")

	// Reopened: the owner is told to issue again what the export fed; a second reopening is
	// answered as such; the entry's author corrects it.
	reason := "8 h logged instead of 0.8 h on the 28th"
	r = te.owner.Post(page+"/reopen", url.Values{"reason": {reason}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page {
		t.Fatalf("reopen: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	d = te.owner.Get(page).Doc(t)
	if f := d.Find(".flash-ok").Text(); !strings.Contains(f, "is reopened") || !strings.Contains(f, "issue again the invoices") {
		t.Errorf("the flash after reopening: %q", f)
	}
	if st, _ := d.Find("#month-state").Attr("data-state"); st != "reopened" || d.Find("[data-reason]").Text() != reason ||
		!strings.Contains(d.Find("#month-reopened").Text(), "olga") || d.Find("#month-reissue").Length() != 1 {
		t.Errorf("the reopened month's page: state %q, reason %q", st, d.Find("[data-reason]").Text())
	}
	wantStatus(t, te.owner.Post(page+"/reopen", url.Values{"reason": {reason}}), http.StatusSeeOther, "reopen twice")
	if f := te.owner.Get(page).Doc(t).Find(".flash-error").Text(); !strings.Contains(f, "already reopened") {
		t.Errorf("a second reopening says %q", f)
	}
	if d := te.oper.Get(week).Doc(t); d.Find(`.month-note[data-state="reopened"]`).Length() != 1 || d.Find(`[data-edit-entry="`+sid+`"]`).Length() != 1 {
		t.Error("the timesheet does not show the reopened month with its entry changeable")
	}
	wantStatus(t, te.oper.Get(edit), http.StatusOK, "the entry's form in the reopened month")
	wantStatus(t, te.oper.Post(edit, correct), http.StatusSeeOther, "correct the entry")
	if m := minutes(); m != 48 {
		t.Fatalf("corrected entry: %d min", m)
	}
	if d := te.owner.Get("/app/").Doc(t); d.Find(`[data-reopened="`+month+`"] a[href="`+page+`"]`).Length() != 1 {
		t.Error("the dashboard does not remind of the reopened month")
	}

	// Closed again: an operator may not, the owner does; changes are refused as before.
	wantStatus(t, te.oper.Post(page+"/close", nil), http.StatusForbidden, "operator closing")
	r = te.owner.Post(page+"/close", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("close again: %d", r.StatusCode)
	}
	if f := te.owner.Get(page).Doc(t).Find(".flash-ok").Text(); !strings.Contains(f, "closed again") {
		t.Errorf("the flash after closing: %q", f)
	}
	wantStatus(t, te.oper.Post(edit, url.Values{"day": {day(old)}, "hours": {"5"}}), http.StatusConflict, "change after closing again")
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(old)}, "hours": {"1"}}),
		http.StatusUnprocessableEntity, "add after closing again")
	wantStatus(t, te.oper.Post("/app/msp/time/entries/"+sid+"/delete", nil), http.StatusSeeOther, "remove after closing again")
	if m, n := minutes(), te.count(t, `SELECT count(*) FROM msp_time_entries`); m != 48 || n != 1 {
		t.Fatalf("after closing again: %d min, %d entries", m, n)
	}
	wantStatus(t, te.owner.Post(page+"/close", nil), http.StatusSeeOther, "close twice")
	d = te.owner.Get(page).Doc(t)
	if st, _ := d.Find("#month-state").Attr("data-state"); st != "closed" || d.Find("#month-history [data-reopen]").Length() != 1 ||
		!strings.Contains(d.Find(".flash-error").Text(), "not reopened") {
		t.Errorf("the month closed again: state %q, history %d", st, d.Find("#month-history [data-reopen]").Length())
	}

	// The action log: who reopened and closed, when, and why.
	for _, a := range []string{"month_reopened", "month_closed"} {
		var actor, payload string
		if err := te.db.Read.QueryRow(`SELECT actor_name, payload FROM action_logs WHERE provider = 'msp' AND action_type = ?`, a).
			Scan(&actor, &payload); err != nil {
			t.Fatalf("%s in the action log: %v", a, err)
		}
		if actor != "olga" || !strings.Contains(payload, reason) || !strings.Contains(payload, `"month":"`+month+`"`) {
			t.Errorf("%s: by %q, %s", a, actor, payload)
		}
	}
	logs := te.owner.Get("/app/logs/?lang=en").Body
	for _, w := range []string{"Billing month reopened", "Billing month closed again"} {
		if !strings.Contains(logs, w) {
			t.Errorf("the action log page does not show %q", w)
		}
	}
}

// A month that has not closed yet has nothing to reopen, and an unknown month is not a page.
func TestReopenRefusesOpenMonth(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	this := time.Now().Format("2006-01")
	r := te.owner.Post("/app/msp/time/months/"+this+"/reopen", url.Values{"reason": {"x"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reopen an open month: %d", r.StatusCode)
	}
	d := te.owner.Get("/app/msp/time/months/" + this).Doc(t)
	if !strings.Contains(d.Find(".flash-error").Text(), "not closed for billing yet") || d.Find("#month-open").Length() != 1 || d.Find("#reopen-form").Length() != 0 {
		t.Errorf("an open month's page: %q", d.Find("main").Text())
	}
	wantStatus(t, te.owner.Get("/app/msp/time/months/2026-13"), http.StatusNotFound, "no such month")
	if n := te.count(t, `SELECT count(*) FROM msp_month_reopens`); n != 0 {
		t.Fatalf("%d reopenings", n)
	}
}

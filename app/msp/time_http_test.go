package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

// timeEnv is a running server with an MSP client, a site, a device and two tickets of it.
type timeEnv struct {
	e                       *apptest.Env
	db                      *tenantdb.DB
	owner, oper, viewer     *apptest.Client
	client, site, device    int64
	ticket, onDevice, other *msp.Ticket
}

func newTimeEnv(t *testing.T, jobs bool, locale string) *timeEnv {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: !jobs})
	e.Tenant("bilisim", "default", locale)
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	te := &timeEnv{e: e, db: e.DB("bilisim")}
	te.owner = e.User("bilisim", "olga", "owner")
	te.oper = e.User("bilisim", "oscar", "operator")
	te.viewer = e.User("bilisim", "vera", "viewer")
	ctx := context.Background()
	var err error
	if te.client, err = msp.SaveClient(ctx, te.db, 0, msp.ClientInput{Name: "Kuzey Lojistik"}, tech); err != nil {
		t.Fatal(err)
	}
	if te.site, err = msp.SaveSite(ctx, te.db, 0, msp.Site{ClientID: te.client, Name: "Merkez ofis"}, tech); err != nil {
		t.Fatal(err)
	}
	if te.device, err = msp.SaveDevice(ctx, te.db, msp.Device{ClientID: te.client, SiteID: te.site, Kind: "server", Name: "DC01"}, tech); err != nil {
		t.Fatal(err)
	}
	if te.ticket, err = msp.Create(ctx, te.db, msp.NewTicket{Subject: "E-posta gelmiyor", ClientID: te.client}, tech); err != nil {
		t.Fatal(err)
	}
	if te.onDevice, err = msp.Create(ctx, te.db, msp.NewTicket{Subject: "Sunucu yavaş", DeviceID: te.device}, tech); err != nil {
		t.Fatal(err)
	}
	if te.other, err = msp.Create(ctx, te.db, msp.NewTicket{Subject: "Yazıcı"}, tech); err != nil {
		t.Fatal(err)
	}
	return te
}

func (te *timeEnv) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := te.db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantStatus(t *testing.T, r *apptest.Resp, status int, what string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %.400s", what, r.StatusCode, status, r.Body)
	}
}

// addContract posts the contract form as the owner and returns the new contract's id.
func (te *timeEnv) addContract(t *testing.T, f url.Values) int64 {
	t.Helper()
	f.Set("client", strconv.FormatInt(te.client, 10))
	r := te.owner.Post("/app/msp/contracts/new", f)
	wantStatus(t, r, http.StatusSeeOther, "create contract")
	loc := r.Header.Get("Location")
	id, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(loc, "/app/msp/contracts/"), "/"), 10, 64)
	if err != nil {
		t.Fatalf("location %q", loc)
	}
	return id
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// The "contract hours" test of issue 14: time on a client's tickets across two months against a
// managed contract with 10 hours a month. Billable time counts, non-billable does not; the
// over-allowance warning appears exactly when a month's billable time goes beyond the 10 hours,
// on the contract page and on the ticket's time panel, and only for that month.
func TestContractHours(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	thisMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, hours.DefaultLocation())
	lastMonth := thisMonth.AddDate(0, -1, 0)
	id := te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {day(lastMonth.AddDate(0, -1, 0))},
		"ends_on": {day(now.AddDate(1, 0, 0))}, "hours": {"10"}, "price": {"12.500,00"}, "currency": {"TRY"}})

	// Last month, entered while it was still open: 6 h billable, 5 h not (11 h in all: over
	// the allowance only if non-billable time counted).
	for _, in := range []msp.EntryInput{
		{TicketID: te.ticket.ID, Day: day(lastMonth.AddDate(0, 0, 9)), Hours: "6", Billable: true},
		{TicketID: te.ticket.ID, Day: day(lastMonth.AddDate(0, 0, 10)), Hours: "5", Billable: false},
	} {
		in.Now, in.Loc = thisMonth, hours.DefaultLocation()
		if _, err := msp.AddEntry(ctx, te.db, in, tech); err != nil {
			t.Fatal(err)
		}
	}
	first := day(thisMonth)
	post := func(f url.Values) {
		t.Helper()
		f.Set("ticket_id", strconv.FormatInt(te.ticket.ID, 10))
		f.Set("day", first)
		wantStatus(t, te.oper.Post("/app/msp/time/entries", f), http.StatusSeeOther, "log time")
	}
	page := func() (contract, panel string) {
		t.Helper()
		r := te.viewer.Get("/app/msp/contracts/" + strconv.FormatInt(id, 10) + "/")
		wantStatus(t, r, http.StatusOK, "contract page")
		p := te.viewer.Get("/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10) + "/time")
		wantStatus(t, p, http.StatusOK, "ticket time")
		return r.Body, p.Body
	}
	row := func(body, month string) string {
		t.Helper()
		i := strings.Index(body, `data-month="`+month+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", month)
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	// This month: 9 h billable and 3 h not — under the allowance.
	post(url.Values{"hours": {"9"}, "billable": {"1"}})
	post(url.Values{"hours": {"3"}})
	c, p := page()
	if strings.Contains(c, "over-warning") || strings.Contains(p, "over-warning") {
		t.Fatal("over-allowance warning at 9 h of 10")
	}
	if r := row(c, first[:7]); !strings.Contains(r, "9 h of 10 h") || !strings.Contains(r, "3 h") || strings.Contains(r, "data-over") {
		t.Fatalf("this month's row at 9 h: %s", r)
	}
	if r := row(c, day(lastMonth)[:7]); !strings.Contains(r, "6 h of 10 h") || !strings.Contains(r, "5 h") || strings.Contains(r, "data-over") {
		t.Fatalf("last month's row: %s", r)
	}
	// Exactly 10 h is the allowance, not over it.
	post(url.Values{"minutes": {"60"}, "billable": {"1"}})
	c, p = page()
	if strings.Contains(c, "over-warning") || strings.Contains(p, "over-warning") || !strings.Contains(row(c, first[:7]), "10 h of 10 h") {
		t.Fatalf("at exactly 10 h: %s", row(c, first[:7]))
	}
	// One billable minute more is over; the warning names it, on both pages.
	post(url.Values{"start": {"00:00"}, "end": {"00:01"}, "billable": {"1"}})
	c, p = page()
	if !strings.Contains(c, `id="over-warning"`) || !strings.Contains(p, `id="over-warning"`) {
		t.Fatal("no over-allowance warning at 10 h 1 min")
	}
	// The ticket's own page carries the same panel.
	tp := te.viewer.Get("/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10) + "/")
	wantStatus(t, tp, http.StatusOK, "ticket page")
	if !strings.Contains(tp.Body, `id="time-panel"`) || !strings.Contains(tp.Body, `id="over-warning"`) {
		t.Fatal("the ticket page has no time panel with the over-allowance warning")
	}
	if r := row(c, first[:7]); !strings.Contains(r, "10 h 1 min of 10 h") || !strings.Contains(r, "Over by 1 min") {
		t.Fatalf("this month's row over: %s", r)
	}
	if strings.Contains(row(c, day(lastMonth)[:7]), "data-over") {
		t.Fatal("last month marked over")
	}
	// A ticket on a device a block-of-hours contract covers counts against that one, not the
	// managed contract.
	block := te.addContract(t, url.Values{"kind": {"block"}, "starts_on": {day(lastMonth)}, "ends_on": {day(now.AddDate(0, 6, 0))},
		"hours": {"4"}, "price": {"3000"}, "currency": {"TRY"}, "device": {strconv.FormatInt(te.device, 10)}})
	f := url.Values{"ticket_id": {strconv.FormatInt(te.onDevice.ID, 10)}, "day": {first}, "hours": {"2"}, "billable": {"1"}}
	wantStatus(t, te.oper.Post("/app/msp/time/entries", f), http.StatusSeeOther, "log device time")
	b := te.viewer.Get("/app/msp/contracts/" + strconv.FormatInt(block, 10) + "/")
	if r := row(b.Body, first[:7]); !strings.Contains(r, "2 h of 4 h") {
		t.Fatalf("block contract row: %s", r)
	}
	if c, _ := page(); !strings.Contains(row(c, first[:7]), "10 h 1 min of 10 h") {
		t.Fatal("the device's time counted against the managed contract too")
	}
}

// Bad input answers 422 with field errors in the person's language and stores nothing.
func TestTimeEntryBadInput(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	tid := strconv.FormatInt(te.ticket.ID, 10)
	longAgo := day(now.AddDate(0, -3, 0))
	for _, c := range []struct {
		name string
		f    url.Values
		want string
	}{
		{"end before start", url.Values{"ticket_id": {tid}, "day": {day(now)}, "start": {"00:30"}, "end": {"00:10"}}, "Bitiş, başlangıçtan sonra olmalı."},
		{"negative", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"-1"}}, "Negatif olamaz."},
		{"nothing", url.Values{"ticket_id": {tid}, "day": {day(now)}}, "Bir başlangıç ve bitiş ya da bir süre girin."},
		{"unknown ticket", url.Values{"ticket": {"T-009999"}, "day": {day(now)}, "hours": {"1"}}, "Böyle bir talep yok."},
		{"no ticket nor client", url.Values{"day": {day(now)}, "hours": {"1"}}, "Bir talep ya da müşteri seçin."},
		{"future", url.Values{"ticket_id": {tid}, "day": {day(now.AddDate(0, 0, 2))}, "hours": {"1"}}, "Gelecek bir zamana süre girilemez."},
		{"closed month", url.Values{"ticket_id": {tid}, "day": {longAgo}, "hours": {"1"}}, "faturalama için kapandı"},
		{"too long", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"25"}}, "en fazla 24 saat"},
	} {
		r := te.oper.Post("/app/msp/time/entries", c.f)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.want) {
			t.Errorf("%s: status %d, want 422 with %q: %.300s", c.name, r.StatusCode, c.want, r.Body)
		}
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 0 {
		t.Fatalf("%d entries stored from bad input", n)
	}
	// The contract form too: an end before the start, hours missing on a managed contract.
	r := te.owner.Post("/app/msp/contracts/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"managed"},
		"starts_on": {"2026-05-01"}, "ends_on": {"2026-04-01"}, "currency": {"TRY"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Bitiş, başlangıçtan sonra olmalı.") ||
		!strings.Contains(r.Body, "Aylık dahil saati girin.") {
		t.Fatalf("bad contract: status %d: %.400s", r.StatusCode, r.Body)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_contracts`); n != 0 {
		t.Fatal("a contract stored from bad input")
	}
	// A duration in Turkish words on the page.
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"1"}, "minutes": {"30"}, "billable": {"1"}}),
		http.StatusSeeOther, "good entry")
	if p := te.oper.Get("/app/msp/tickets/" + tid + "/time"); !strings.Contains(p.Body, "1 sa 30 dk") {
		t.Fatalf("duration not in Turkish: %.2000s", p.Body)
	}
}

// One running timer per person: a second start is refused, the timer survives a reload, and
// stopping it writes the entry.
func TestTimerStartStop(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	tid := strconv.FormatInt(te.ticket.ID, 10)
	start := func(c *apptest.Client, ticket string) *apptest.Resp {
		return c.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {ticket}, "billable": {"1"}})
	}
	wantStatus(t, start(te.oper, tid), http.StatusSeeOther, "start")
	wantStatus(t, start(te.oper, strconv.FormatInt(te.other.ID, 10)), http.StatusSeeOther, "second timer (refused: back to the page)")
	wantStatus(t, start(te.owner, strconv.FormatInt(te.other.ID, 10)), http.StatusSeeOther, "another person's timer")
	wantStatus(t, start(te.viewer, tid), http.StatusForbidden, "viewer's timer")
	if n := te.count(t, `SELECT count(*) FROM msp_timers`); n != 2 {
		t.Fatalf("%d timers, want 2", n)
	}
	p := te.oper.Get("/app/msp/tickets/" + tid + "/time")
	if !strings.Contains(p.Body, `id="timer-stop"`) || strings.Contains(p.Body, `id="timer-start"`) {
		t.Fatal("the running timer is not on the reloaded page")
	}
	if tp := te.oper.Get("/app/msp/tickets/" + tid + "/"); !strings.Contains(tp.Body, `id="timer-stop"`) {
		t.Fatal("the ticket page does not show the running timer")
	}
	if o := te.oper.Get("/app/msp/tickets/" + strconv.FormatInt(te.other.ID, 10) + "/time"); !strings.Contains(o.Body, "on another ticket") {
		t.Fatal("another ticket's page does not say the timer runs elsewhere")
	}
	r := te.oper.Post("/app/msp/time/timer/stop", nil)
	wantStatus(t, r, http.StatusSeeOther, "stop")
	if loc := r.Header.Get("Location"); loc != "/app/msp/tickets/"+tid+"/time" {
		t.Fatalf("stop led to %q", loc)
	}
	var minutes, billable int
	var ticket int64
	if err := te.db.Read.QueryRow(`SELECT minutes, billable, ticket_id FROM msp_time_entries`).Scan(&minutes, &billable, &ticket); err != nil {
		t.Fatal(err)
	}
	if minutes != 1 || billable != 1 || ticket != te.ticket.ID {
		t.Fatalf("entry %d min billable %d ticket %d", minutes, billable, ticket)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/timer/stop", nil), http.StatusSeeOther, "stop without a timer (refused: back to the page)")
	if n := te.count(t, `SELECT count(*) FROM msp_timers`); n != 1 {
		t.Fatalf("%d timers after the stop, want the owner's 1", n)
	}
	wantStatus(t, start(te.oper, tid), http.StatusSeeOther, "start again after the stop")
	wantStatus(t, te.oper.Post("/app/msp/time/timer/discard", nil), http.StatusSeeOther, "discard")
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatal("a discarded timer wrote time")
	}
}

// The timesheet of a person's week: totals per day, billable and not, and for the week.
func TestTimesheetTotals(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	oscar := msp.Actor{UserID: te.oper.UserID, Name: "oscar"}
	after := time.Date(2026, 11, 10, 12, 0, 0, 0, hours.DefaultLocation())
	for _, in := range []msp.EntryInput{
		{TicketID: te.ticket.ID, Day: "2026-11-02", Hours: "1", Minutes: "30", Billable: true},
		{TicketID: te.ticket.ID, Day: "2026-11-02", Start: "14:00", End: "14:45", Billable: false},
		{ClientID: te.client, Day: "2026-11-04", Hours: "2", Billable: true},
		{TicketID: te.other.ID, Day: "2026-11-09", Hours: "3", Billable: true}, // the next week
	} {
		in.Now, in.Loc = after, hours.DefaultLocation()
		if _, err := msp.AddEntry(ctx, te.db, in, oscar); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := msp.AddEntry(ctx, te.db, msp.EntryInput{TicketID: te.ticket.ID, Day: "2026-11-03", Hours: "5", Billable: true,
		Now: after, Loc: hours.DefaultLocation()}, tech); err != nil { // someone else's
		t.Fatal(err)
	}
	r := te.viewer.Get("/app/msp/time?user=" + strconv.FormatInt(oscar.UserID, 10) + "&week=2026-W45")
	wantStatus(t, r, http.StatusOK, "timesheet")
	doc := r.Doc(t)
	cell := func(sel string) string { return strings.TrimSpace(doc.Find(sel).First().Text()) }
	for sel, want := range map[string]string{
		`tr[data-day="2026-11-02"] td[data-billable]`:    "1 h 30 min",
		`tr[data-day="2026-11-02"] td[data-nonbillable]`: "45 min",
		`tr[data-day="2026-11-02"] td[data-total]`:       "2 h 15 min",
		`tr[data-day="2026-11-03"] td[data-total]`:       "",
		`tr[data-day="2026-11-04"] td[data-total]`:       "2 h",
		`#sheet-totals [data-total]`:                     "4 h 15 min",
		`#sheet-totals [data-billable]`:                  "3 h 30 min",
		`#sheet-totals [data-nonbillable]`:               "45 min",
	} {
		if got := cell(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if n := doc.Find(`tr[data-day]`).Length(); n != 7 {
		t.Fatalf("%d days, want Monday to Sunday", n)
	}
	if !strings.Contains(r.Body, "14:00–14:45") {
		t.Fatal("clocked times not shown")
	}
	// The week links: the arrow is the template's, hidden from screen readers (in Arabic the
	// browser mirrors ‹ and ›, so each still points the way its week lies); the words are the
	// catalog's, without it.
	for _, w := range []struct{ rel, week, arrow, text string }{
		{"prev", "week=2026-W44", "‹", "‹ Previous week"}, {"next", "week=2026-W46", "›", "Next week ›"},
	} {
		a := doc.Find(`.week-nav a[rel="` + w.rel + `"]`)
		if href := a.AttrOr("href", ""); !strings.Contains(href, w.week) {
			t.Errorf("%s week link goes to %q, want %s", w.rel, href, w.week)
		}
		if got := a.Find(`span[aria-hidden="true"]`).Text(); got != w.arrow {
			t.Errorf("%s week link's hidden arrow is %q, want %q", w.rel, got, w.arrow)
		}
		if got := strings.Join(strings.Fields(a.Text()), " "); got != w.text {
			t.Errorf("%s week link reads %q, want %q", w.rel, got, w.text)
		}
	}
}

// A contract's renewal recommendation comes 30 days before its last day, once per contract and
// end day, and appears in the approval queue like other recommendations.
func TestContractRenewalRecommendation(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, true, "en")
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	recs := func() int {
		return te.count(t, `SELECT count(*) FROM decision_recommendations WHERE dedupe_key LIKE 'msp_renewal:%'`)
	}
	base := url.Values{"kind": {"managed"}, "starts_on": {day(now.AddDate(-1, 0, 0))}, "hours": {"8"}, "price": {"100"}, "currency": {"EUR"}}
	with := func(end time.Time, notes string) url.Values {
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		f.Set("ends_on", day(end))
		f.Set("notes", notes)
		return f
	}
	soon := te.addContract(t, with(now.AddDate(0, 0, 20), "first"))
	later := te.addContract(t, with(now.AddDate(0, 0, 60), ""))
	settle(t, te.db)
	if n := recs(); n != 1 {
		t.Fatalf("%d renewal recommendations, want 1 (the contract ending in 20 days)", n)
	}
	// Saving the contract again (same end day) raises nothing new.
	wantStatus(t, te.owner.Post("/app/msp/contracts/"+strconv.FormatInt(soon, 10)+"/", with(now.AddDate(0, 0, 20), "second")),
		http.StatusSeeOther, "resave")
	settle(t, te.db)
	if n := recs(); n != 1 {
		t.Fatalf("%d renewal recommendations after a resave, want 1", n)
	}
	// The 60-day contract's reminder waits for its day: 30 days before the end, 09:00.
	var runAt int64
	if err := te.db.Read.QueryRow(`SELECT run_at FROM jobs WHERE kind = ? AND status = 'queued'`, msp.JobRenewal).Scan(&runAt); err != nil {
		t.Fatal(err)
	}
	due, _ := msp.RenewalDue(day(now.AddDate(0, 0, 60)), hours.DefaultLocation())
	if runAt != due.UnixMilli() {
		t.Fatalf("the 60-day reminder runs at %v, want %v", time.UnixMilli(runAt), due)
	}
	// Moving its end day into the 30 days raises it now — once for that end day.
	wantStatus(t, te.owner.Post("/app/msp/contracts/"+strconv.FormatInt(later, 10)+"/", with(now.AddDate(0, 0, 25), "")),
		http.StatusSeeOther, "move end")
	settle(t, te.db)
	if n := recs(); n != 2 {
		t.Fatalf("%d renewal recommendations, want 2", n)
	}
	q := te.owner.Get("/app/approvals/")
	wantStatus(t, q, http.StatusOK, "queue")
	if !strings.Contains(q.Body, "Renew the managed service contract with Kuzey Lojistik") {
		t.Fatalf("the queue does not show the renewal: %.3000s", q.Body)
	}
	// An ended contract stays ended: no change, no new reminder.
	wantStatus(t, te.owner.Post("/app/msp/contracts/"+strconv.FormatInt(soon, 10)+"/end", nil), http.StatusSeeOther, "end")
	wantStatus(t, te.owner.Post("/app/msp/contracts/"+strconv.FormatInt(soon, 10)+"/", with(now.AddDate(0, 0, 10), "")),
		http.StatusConflict, "change an ended contract")
	if p := te.viewer.Get("/app/msp/contracts/" + strconv.FormatInt(soon, 10) + "/"); !strings.Contains(p.Body, "contract-ended") {
		t.Fatal("the ended contract does not show as ended")
	}
	// While the MSP module is off, no reminder is raised.
	te.e.Set("bilisim", map[string]string{"modules": "repair"})
	if _, err := msp.SaveContract(context.Background(), te.db, 0, msp.ContractInput{ClientID: te.client, Kind: "per_incident",
		StartsOn: day(now), EndsOn: day(now.AddDate(0, 0, 5)), Currency: "TRY"}, tech); err != nil {
		t.Fatal(err)
	}
	settle(t, te.db)
	if n := recs(); n != 2 {
		t.Fatalf("%d renewal recommendations with the module off, want still 2", n)
	}
}

// Roles: a viewer reads contracts, timesheets and a ticket's time; an operator logs time; only
// the owner manages contracts.
func TestContractsAndTimeRoles(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	id := strconv.FormatInt(te.addContract(t, url.Values{"kind": {"per_incident"}, "starts_on": {day(now)}, "ends_on": {day(now.AddDate(1, 0, 0))},
		"price": {"750"}, "currency": {"TRY"}}), 10)
	contract := url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"managed"}, "starts_on": {day(now)},
		"ends_on": {day(now.AddDate(1, 0, 0))}, "hours": {"5"}, "currency": {"TRY"}}
	entry := url.Values{"ticket_id": {strconv.FormatInt(te.ticket.ID, 10)}, "day": {day(now)}, "hours": {"1"}}
	for _, c := range []struct {
		who    string
		cl     *apptest.Client
		method string
		path   string
		form   url.Values
		want   int
	}{
		{"viewer", te.viewer, "GET", "/app/msp/contracts/", nil, 200},
		{"viewer", te.viewer, "GET", "/app/msp/contracts/" + id + "/", nil, 200},
		{"viewer", te.viewer, "GET", "/app/msp/time", nil, 200},
		{"viewer", te.viewer, "GET", "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10) + "/time", nil, 200},
		{"viewer", te.viewer, "GET", "/app/msp/contracts/new", nil, 403},
		{"viewer", te.viewer, "POST", "/app/msp/time/entries", entry, 403},
		{"operator", te.oper, "POST", "/app/msp/contracts/new", contract, 403},
		{"operator", te.oper, "POST", "/app/msp/contracts/" + id + "/end", nil, 403},
		{"operator", te.oper, "POST", "/app/msp/time/entries", entry, 303},
		{"owner", te.owner, "POST", "/app/msp/contracts/new", contract, 303},
		{"owner", te.owner, "GET", "/app/msp/contracts/" + id + "/edit", nil, 200},
	} {
		var r *apptest.Resp
		if c.method == "GET" {
			r = c.cl.Get(c.path)
		} else {
			r = c.cl.Post(c.path, c.form)
		}
		if r.StatusCode != c.want {
			t.Errorf("%s %s %s: %d, want %d", c.who, c.method, c.path, r.StatusCode, c.want)
		}
	}
	// The client's page leads to its contracts.
	if p := te.owner.Get("/app/msp/clients/" + strconv.FormatInt(te.client, 10) + "/"); !strings.Contains(p.Body, `href="/app/msp/contracts/?client=`+strconv.FormatInt(te.client, 10)+`"`) {
		t.Fatal("the client's page has no link to its contracts")
	}
	// The viewer's pages offer no writing.
	if p := te.viewer.Get("/app/msp/contracts/" + id + "/"); strings.Contains(p.Body, "/end\"") || strings.Contains(p.Body, "/edit\"") {
		t.Fatal("the viewer is offered to change the contract")
	}
	if p := te.viewer.Get("/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10) + "/time"); strings.Contains(p.Body, "timer-start") {
		t.Fatal("the viewer is offered a timer")
	}
	// An operator removes their own entry but not another person's.
	var entryID int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&entryID); err != nil {
		t.Fatal(err)
	}
	other := te.e.User("bilisim", "otto", "operator")
	wantStatus(t, other.Post("/app/msp/time/entries/"+strconv.FormatInt(entryID, 10)+"/delete", nil), http.StatusForbidden, "someone else's entry")
	wantStatus(t, te.oper.Post("/app/msp/time/entries/"+strconv.FormatInt(entryID, 10)+"/delete", nil), http.StatusSeeOther, "own entry")
}

// settle waits until every job of the tenant that is due or was tried has finished, a retry
// after a failed first try included (apptest.Settle).
func settle(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	apptest.Settle(t, db)
}

var rawKey = regexp.MustCompile(`msp_time\.[a-z_]+\.[a-z_.]+`)

// Every page of contracts and time reads in all six languages: no catalog key shows raw, and
// the words differ from English where the language has its own.
func TestContractsAndTimeInSixLanguages(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	id := strconv.FormatInt(te.addContract(t, url.Values{"kind": {"block"}, "starts_on": {day(now.AddDate(0, -1, 0))},
		"ends_on": {day(now.AddDate(0, 0, 10))}, "hours": {"1"}, "price": {"10"}, "currency": {"EUR"},
		"device": {strconv.FormatInt(te.device, 10)}, "site": {strconv.FormatInt(te.site, 10)}}), 10)
	tid := strconv.FormatInt(te.onDevice.ID, 10)
	wantStatus(t, te.owner.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"2"}, "billable": {"1"}}),
		http.StatusSeeOther, "log")
	wantStatus(t, te.owner.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {tid}}), http.StatusSeeOther, "timer")
	pages := []string{"/app/msp/contracts/", "/app/msp/contracts/" + id + "/", "/app/msp/contracts/" + id + "/edit",
		"/app/msp/contracts/new?client=" + strconv.FormatInt(te.client, 10), "/app/msp/time", "/app/msp/tickets/" + tid + "/time",
		"/app/msp/tickets/" + tid + "/"}
	english := map[string]string{}
	for _, lang := range []string{"en", "tr", "de", "fr", "es", "ar"} {
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			r := te.owner.Get(p + sep + "lang=" + lang)
			wantStatus(t, r, http.StatusOK, lang+" "+p)
			if k := rawKey.FindString(r.Body); k != "" && !strings.HasSuffix(k, ".css") {
				t.Errorf("%s %s: raw key %s", lang, p, k)
			}
			title := r.Doc(t).Find("#time-title, .page-title").First().Text()
			if lang == "en" {
				english[p] = title
			} else if title == english[p] && !strings.HasSuffix(p, "/"+tid+"/") {
				t.Errorf("%s %s: title %q is the English one", lang, p, title)
			}
		}
	}
}

// Clock times are read and shown in the business's time zone, and an entry's day is the
// business's day, whatever the server's zone.
func TestTimesInTheTenantsZone(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	far := apptest.FarZone(t)
	apptest.SetZone(t, te.owner, far.String())
	tid := strconv.FormatInt(te.ticket.ID, 10)
	yesterday := time.Now().In(far).AddDate(0, 0, -1)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(yesterday)}, "start": {"09:00"},
		"end": {"10:30"}, "billable": {"1"}}), http.StatusSeeOther, "log")
	var started int64
	var minutes int
	if err := te.db.Read.QueryRow(`SELECT started_at, minutes FROM msp_time_entries`).Scan(&started, &minutes); err != nil {
		t.Fatal(err)
	}
	want := time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 9, 0, 0, 0, far)
	if started != want.UnixMilli() || minutes != 90 {
		t.Fatalf("started %v, %d min; want %v, 90", time.UnixMilli(started).In(far), minutes, want)
	}
	if p := te.oper.Get("/app/msp/tickets/" + tid + "/time"); !strings.Contains(p.Body, "09:00–10:30") {
		t.Fatal("the clock times are not shown in the business's zone")
	}
	wantStatus(t, te.oper.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {tid}}), http.StatusSeeOther, "start")
	wantStatus(t, te.oper.Post("/app/msp/time/timer/stop", nil), http.StatusSeeOther, "stop")
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries WHERE work_day = ?`, day(time.Now().In(far))); n != 1 {
		t.Fatalf("%d entries on the business's today", n)
	}
}

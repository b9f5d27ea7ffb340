package dashboard_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

var tech = msp.Actor{UserID: 1, Name: "Ayşe"}

// mspTenant seeds an IT provider (business hours off: the SLA clocks count around the clock, so
// the figures below do not depend on the hour the test runs): tickets of every priority with
// their clocks moved back, this month's time on a contract and beside it, and contracts ending
// at different distances.
type mspTenant struct {
	e                 *apptest.Env
	db                *tenantdb.DB
	amber, breached   *msp.Ticket
	ending, endingFar int64
}

func newMSPTenant(t *testing.T) *mspTenant {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	m := &mspTenant{e: e, db: e.DB("bilisim")}
	ctx := context.Background()
	now := time.Now()
	kuzey, err := msp.SaveClient(ctx, m.db, 0, msp.ClientInput{Name: "Kuzey Lojistik"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	guney, err := msp.SaveClient(ctx, m.db, 0, msp.ClientInput{Name: "Güney Tekstil"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	open := func(subject, prio string, client int64, age time.Duration) *msp.Ticket {
		t.Helper()
		tk, err := msp.Create(ctx, m.db, msp.NewTicket{Subject: subject, Priority: prio, ClientID: client}, tech)
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(-age).UnixMilli()
		if _, err := m.db.Write.Exec(`UPDATE msp_ticket_sla SET opened_at = ? WHERE ticket_id = ?`, at, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := m.db.Write.Exec(`UPDATE msp_tickets SET created_at = ? WHERE id = ?`, at, tk.ID); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	// P1: 1 h to the first reply; 49 min 30 s used leaves 10 min (and the seconds the test takes).
	m.amber = open("Sunucu kapalı", msp.P1, kuzey, 49*time.Minute+30*time.Second)
	// P2: 2 h to the first reply; 3 h ago is 1 h over.
	m.breached = open("E-posta gelmiyor", msp.P2, kuzey, 3*time.Hour)
	open("Yazıcı", msp.P3, guney, 10*time.Minute)     // well within its targets
	open("Yeni kullanıcı", msp.P3, 0, 20*time.Minute) // no client: its time is billed on its own
	done := open("Parola sıfırlama", msp.P4, guney, 5*time.Hour)
	if _, err := msp.SetStatus(ctx, m.db, done.ID, msp.StatusResolved, tech); err != nil {
		t.Fatal(err)
	}
	noClient := open("Toner", msp.P4, 0, 30*time.Minute)
	if _, err := msp.SetStatus(ctx, m.db, noClient.ID, msp.StatusClosed, tech); err != nil {
		t.Fatal(err)
	}

	today, loc, err := msp.Today(ctx, m.db.Read, now)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) string { return now.In(loc).AddDate(0, 0, d).Format(time.DateOnly) }
	contract := func(in msp.ContractInput) int64 {
		t.Helper()
		id, err := msp.SaveContract(ctx, m.db, 0, in, tech)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Kuzey: a managed service with 2 h a month, running for a year.
	contract(msp.ContractInput{ClientID: kuzey, Kind: msp.ContractManaged, StartsOn: day(-60), EndsOn: day(365), Hours: "2", Price: "1000", Currency: "TRY"})
	// Güney: a block of hours ending in 10 days (ending soon), one in 40 days (not yet), one ended.
	m.ending = contract(msp.ContractInput{ClientID: guney, Kind: msp.ContractBlock, StartsOn: day(-100), EndsOn: day(10), Hours: "5", Price: "500", Currency: "EUR"})
	m.endingFar = contract(msp.ContractInput{ClientID: guney, Kind: msp.ContractPerIncident, StartsOn: day(-100), EndsOn: day(40), Price: "80", Currency: "EUR"})
	contract(msp.ContractInput{ClientID: guney, Kind: msp.ContractManaged, StartsOn: day(-400), EndsOn: day(-35), Hours: "8", Price: "900", Currency: "TRY"})

	// This month's time: Kuzey 1 h 30 min + 1 h billable on the managed contract (2 h included:
	// 30 min over) and 45 min not billable; 20 min on the ticket without a client (no contract).
	// Güney's per-incident contract names no site or device, so covers nothing: its 15 min
	// non-billable do not count at all.
	for _, in := range []msp.EntryInput{
		{TicketID: m.breached.ID, Minutes: "90", Billable: true},
		{TicketID: m.amber.ID, Hours: "1", Billable: true},
		{TicketID: m.amber.ID, Minutes: "45", Billable: false},
		{Ticket: "T-000004", Minutes: "20", Billable: true},
		{ClientID: guney, Minutes: "15", Billable: false},
	} {
		in.Day, in.Now, in.Loc = today, now, loc
		if _, err := msp.AddEntry(ctx, m.db, in, tech); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// TestDashboardMSP: the IT provider's dashboard shows the open tickets by priority, the tickets
// near or past their SLA with the time left (or over), this month's billable hours with the part
// no contract includes, and the contracts ending within 30 days — each figure from the seeded
// rows, each card linking to the list it counts.
func TestDashboardMSP(t *testing.T) {
	t.Parallel()
	m := newMSPTenant(t)
	viewer := m.e.User("bilisim", "vera", "viewer")
	r := viewer.Get("/app/?lang=en")
	if r.StatusCode != 200 {
		t.Fatalf("status %d", r.StatusCode)
	}
	doc := r.Doc(t)

	openCard := doc.Find(`[data-card="msp-open"]`)
	if got := text(openCard.Find(".card-value")); got != "4" {
		t.Errorf("open tickets %q, want 4 (the resolved and the closed one left out)", got)
	}
	for p, want := range map[string]string{"p1": "1", "p2": "1", "p3": "2", "p4": "0"} {
		li := openCard.Find(`li[data-priority="` + p + `"]`)
		if got := text(li.Find(".msp-prio-n")); got != want {
			t.Errorf("%s open: %q, want %s", p, got, want)
		}
		if href, _ := li.Find("a").Attr("href"); href != "/app/msp/tickets/?priority="+p {
			t.Errorf("%s links to %q", p, href)
		}
	}

	sla := doc.Find(`[data-card="msp-sla"]`)
	if got := text(sla.Find(".card-value")); got != "2" {
		t.Errorf("SLA at risk %q, want 2", got)
	}
	if got := text(sla.Find(".card-meta")); got != "1 past its due time" {
		t.Errorf("SLA meta %q", got)
	}
	if href, _ := sla.Find(".card-title a").Attr("href"); href != "/app/msp/tickets/?sla=risk" {
		t.Errorf("SLA card links to %q", href)
	}
	rows := doc.Find(`#msp-risk li[data-ticket]`)
	if rows.Length() != 2 {
		t.Fatalf("%d at-risk rows, want 2", rows.Length())
	}
	first, second := rows.Eq(0), rows.Eq(1)
	if n, _ := first.Attr("data-ticket"); n != strconv.FormatInt(m.breached.Number, 10) {
		t.Errorf("first at-risk row is ticket %s, want the overdue one first", n)
	}
	if got := text(first.Find("[data-left]")); got != "1 h 0 min over" {
		t.Errorf("overdue ticket: %q", got)
	}
	if got := text(second.Find("[data-left]")); got != "0 h 10 min left" {
		t.Errorf("amber ticket: %q", got)
	}
	if s, _ := second.Attr("data-sla-state"); s != "amber" {
		t.Errorf("amber ticket state %q", s)
	}

	bill := doc.Find(`[data-card="msp-unbilled"]`)
	if got := text(bill.Find(".card-value")); got != "2 h 50 min" {
		t.Errorf("unbilled hours %q, want 2 h 50 min (90 + 60 + 20 billable minutes)", got)
	}
	if got := text(bill.Find(".card-meta")); !strings.HasPrefix(got, "50 min beyond contract hours · the month closes for billing on ") {
		t.Errorf("unbilled meta %q, want 50 min beyond (30 over the managed contract's 2 h, 20 without a contract)", got)
	}

	end := doc.Find(`[data-card="msp-ending"]`)
	if got := text(end.Find(".card-value")); got != "1" {
		t.Errorf("contracts ending soon %q, want 1", got)
	}
	if href, _ := end.Find(".card-title a").Attr("href"); href != "/app/msp/contracts/?status=ending_soon" {
		t.Errorf("ending card links to %q", href)
	}
	li := doc.Find(`#msp-ending li[data-contract]`)
	if id, _ := li.Attr("data-contract"); li.Length() != 1 || id != strconv.FormatInt(m.ending, 10) || !strings.Contains(text(li), "Güney Tekstil · Block of hours") ||
		!strings.Contains(text(li), "(10 days left)") {
		t.Errorf("ending contracts: %d rows, %q", li.Length(), text(li))
	}

	// The SLA card's list is the ticket list's SLA filter: the same two tickets.
	lr := viewer.Get("/app/msp/tickets/?sla=risk&lang=en")
	if lr.StatusCode != 200 {
		t.Fatalf("filtered list: %d", lr.StatusCode)
	}
	var refs []string
	lr.Doc(t).Find(`#tickets tbody tr`).Each(func(_ int, s *goquery.Selection) { refs = append(refs, text(s.Find("td").First())) })
	if got := strings.Join(refs, " "); got != m.breached.Ref()+" "+m.amber.Ref() {
		t.Errorf("tickets at risk in the list: %q, want %s %s", got, m.breached.Ref(), m.amber.Ref())
	}
	if v, _ := lr.Doc(t).Find(`select#sla option[selected]`).Attr("value"); v != "risk" {
		t.Errorf("the list's SLA filter does not show as chosen (%q)", v)
	}

	// In Turkish and Arabic the cards are in the reader's language.
	tr := viewer.Get("/app/?lang=tr").Doc(t)
	if got := text(tr.Find(`[data-card="msp-unbilled"] .card-value`)); got != "2 sa 50 dk" {
		t.Errorf("Turkish unbilled %q", got)
	}
	if got := text(tr.Find(`[data-card="msp-open"] .card-title`)); got != "Açık talepler" {
		t.Errorf("Turkish open card %q", got)
	}
	ar := viewer.Get("/app/?lang=ar").Doc(t)
	if got := text(ar.Find(`[data-card="msp-sla"] .card-meta`)); got != "تذكرة واحدة تجاوزت موعدها" {
		t.Errorf("Arabic SLA meta %q", got)
	}
	// The amber clock's share used (49.5 of 60 min) in each language's one percent form.
	for lang, want := range map[string]string{"ar": "استُهلك \u206682%\u2069", "tr": "%82 kullanıldı", "en": "82% used", "de": "82\u00a0% verbraucht"} {
		d := viewer.Get("/app/?lang=" + lang).Doc(t)
		if got := d.Find(`#msp-risk li[data-sla-state="amber"] .sla-clock`).Text(); !strings.Contains(got, want) {
			t.Errorf("%s amber clock %q, want %q", lang, got, want)
		}
	}
}

// TestDashboardWithoutMSP: a business without the MSP module sees none of it.
func TestDashboardWithoutMSP(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("parke")
	r := e.User("parke", "olga", "owner").Get("/app/?lang=en")
	if r.StatusCode != 200 {
		t.Fatalf("status %d", r.StatusCode)
	}
	if n := r.Doc(t).Find(`#msp, [data-card^="msp-"]`).Length(); n != 0 || strings.Contains(r.Body, "css/msp") {
		t.Errorf("MSP cards on a business without the module: %d", n)
	}
}

package dashboard_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/msp"
)

// From the 1st to the 5th of a month the owner invoices last month: the unbilled-hours card shows
// last month's time beside this month's until last month closes for billing (the end of the 5th),
// linking the owner to its summary and the others to its billing page; from the 6th on it is
// gone.
func TestUnbilledCardShowsLastMonthUntilItCloses(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	db := e.DB("bilisim")
	owner := e.User("bilisim", "olga", "owner")
	oper := e.User("bilisim", "oscar", "operator")
	ctx := context.Background()
	now := time.Now()
	this := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, time.UTC)
	last := this.AddDate(0, -1, 0)
	month := last.Format("2006-01")
	kuzey, err := msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: "Kuzey Lojistik"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := msp.SaveContract(ctx, db, 0, msp.ContractInput{ClientID: kuzey, Kind: msp.ContractManaged, StartsOn: last.AddDate(0, -1, 0).Format(time.DateOnly),
		EndsOn: this.AddDate(1, 0, 0).Format(time.DateOnly), Hours: "2", Price: "5000", Currency: "TRY"}, tech); err != nil {
		t.Fatal(err)
	}
	// Last month 3 h billable on the client's contract of 2 h (1 h beyond) and 30 min not;
	// this month (the 2nd) 1 h.
	work := func(d time.Time, minutes int, billable bool) msp.HistoricTime {
		return msp.HistoricTime{Day: d.Format(time.DateOnly), Minutes: minutes, Billable: billable, Actor: tech}
	}
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := msp.InsertHistoryTx(ctx, tx, &msp.HistoricTicket{NewTicket: msp.NewTicket{Subject: "Sunucu yedeği", ClientID: kuzey},
			CreatedAt: last.AddDate(0, 0, 9), CreatedBy: tech,
			Time: []msp.HistoricTime{work(last.AddDate(0, 0, 9), 180, true), work(last.AddDate(0, 0, 10), 30, false), work(this.AddDate(0, 0, 1), 60, true)}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer func() { e.Handlers.Dashboard.Now = nil }()
	card := func(c *apptest.Client, day int) (value, line, href string) {
		t.Helper()
		e.Handlers.Dashboard.Now = func() time.Time { return this.AddDate(0, 0, day-1) }
		d := c.Get("/app/?lang=en").Doc(t).Find(`[data-card="msp-unbilled"]`)
		l := d.Find(`[data-last-month="` + month + `"]`)
		href, _ = l.Find("a").Attr("href")
		return strings.TrimSpace(d.Find(".card-value").Text()), strings.Join(strings.Fields(l.Text()), " "), href
	}
	for _, day := range []int{1, 3, 5} {
		value, line, href := card(owner, day)
		if value != "1 h" {
			t.Errorf("the %d.: this month's unbilled time %q, want 1 h", day, value)
		}
		if !strings.Contains(line, ", to invoice now: 3 h billable, 1 h beyond contract hours; it closes for billing on ") {
			t.Errorf("the %d.: last month's line %q", day, line)
		}
		if href != "/app/msp/time/summary?month="+month {
			t.Errorf("the %d.: the owner's link %q", day, href)
		}
	}
	if _, _, href := card(oper, 3); href != "/app/msp/time/months/"+month {
		t.Errorf("the operator's link %q, want the month's billing page", href)
	}
	if value, line, _ := card(owner, 6); value != "1 h" || line != "" {
		t.Errorf("the 6th: %q, last month still shown: %q", value, line)
	}
}

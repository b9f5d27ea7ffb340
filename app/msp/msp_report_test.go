package msp_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

// reportDataset writes five hand-made past tickets in February 2026 (office hours Mon–Fri
// 09:00–18:00, Istanbul; no holiday that month) through InsertHistoryTx and a managed contract of
// 10 h a month for client A:
//
//	1 P3 hardware A  reply after 60 min, resolved after 540 business min           met
//	2 P3 network  A  reply after 60 min, waits on the customer two days, resolved
//	                 2 h after it answers: 180 business min                        met
//	3 P1 security B  reply after 30 min, resolved after 360 min (target 240)       breached
//	4 P2 email    B  reply after 20 min, resolved after 180 min                    met
//	5 P4 account  B  opened an hour before "now", no reply yet                     no outcome
//
// Time: A 90 billable (ticket 1) + 60 not billable (ticket 2); B 120 billable (ticket 3).
func reportDataset(t *testing.T, db *tenantdb.DB) (a, b int64) {
	t.Helper()
	ctx := context.Background()
	officeHours(t, db)
	var err error
	tech := msp.Actor{UserID: 1, Name: "talha"}
	if a, err = msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: "Yıldız Mali Müşavirlik"}, tech); err != nil {
		t.Fatal(err)
	}
	if b, err = msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: "Gülüş Diş Polikliniği"}, tech); err != nil {
		t.Fatal(err)
	}
	if _, err := msp.SaveContract(ctx, db, 0, msp.ContractInput{ClientID: a, Kind: msp.ContractManaged, StartsOn: "2026-01-01",
		EndsOn: "2026-12-31", Hours: "10", Price: "1000", Currency: "TRY"}, tech); err != nil {
		t.Fatal(err)
	}
	at := func(v string) time.Time { return istanbul(t, v) }
	reply := func(v string) msp.HistoricStep {
		return msp.HistoricStep{At: at(v), Kind: "reply", Body: "Bakıyoruz.", Actor: tech}
	}
	status := func(v, to string) msp.HistoricStep {
		return msp.HistoricStep{At: at(v), Kind: "status", To: to, Actor: tech}
	}
	work := func(day string, min int, billable bool) []msp.HistoricTime {
		return []msp.HistoricTime{{Day: day, Minutes: min, Billable: billable, Actor: tech}}
	}
	tickets := []*msp.HistoricTicket{
		{NewTicket: msp.NewTicket{Subject: "PC açılmıyor", ClientID: a, Category: "hardware", Priority: "p3"}, CreatedAt: at("2026-02-02 10:00"),
			Steps: []msp.HistoricStep{reply("2026-02-02 11:00"), status("2026-02-02 11:00", "open"), status("2026-02-03 10:00", "resolved")},
			Time:  work("2026-02-03", 90, true)},
		{NewTicket: msp.NewTicket{Subject: "İnternet kesik", ClientID: a, Category: "network", Priority: "p3"}, CreatedAt: at("2026-02-04 09:00"),
			Steps: []msp.HistoricStep{reply("2026-02-04 10:00"), status("2026-02-04 10:00", "waiting_customer"),
				status("2026-02-06 09:00", "open"), status("2026-02-06 11:00", "resolved"), status("2026-02-09 11:00", "closed")},
			Time: work("2026-02-06", 60, false)},
		{NewTicket: msp.NewTicket{Subject: "Şüpheli ek", ClientID: b, Category: "security", Priority: "p1"}, CreatedAt: at("2026-02-09 09:00"),
			Steps: []msp.HistoricStep{reply("2026-02-09 09:30"), status("2026-02-09 09:30", "open"), status("2026-02-09 15:00", "resolved")},
			Time:  work("2026-02-09", 120, true)},
		{NewTicket: msp.NewTicket{Subject: "Outlook", ClientID: b, Category: "email", Priority: "p2"}, CreatedAt: at("2026-02-10 09:00"),
			Steps: []msp.HistoricStep{reply("2026-02-10 09:20"), status("2026-02-10 12:00", "resolved")}},
		{NewTicket: msp.NewTicket{Subject: "Yeni hesap", ClientID: b, Category: "account", Priority: "p4"}, CreatedAt: at("2026-02-27 16:00")},
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		for _, h := range tickets {
			h.CreatedBy = tech
			if _, err := msp.InsertHistoryTx(ctx, tx, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestReportNumbers(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	db := e.DB("bilisim")
	a, b := reportDataset(t, db)
	now := istanbul(t, "2026-02-27 17:00")
	r, err := msp.BuildReport(context.Background(), db.Read, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Months) != msp.ReportMonths || r.Months[0] != "2025-09" || r.Months[5] != "2026-02" || r.Zone != "Europe/Istanbul" {
		t.Errorf("months %v in %s", r.Months, r.Zone)
	}
	if r.Tickets != 5 || r.Open != 1 {
		t.Errorf("tickets %d open %d, want 5 and 1", r.Tickets, r.Open)
	}
	if r.Total != (msp.SLACount{Decided: 4, Met: 3}) || r.Total.Percent() != 75 {
		t.Errorf("SLA %+v = %.1f %%, want 3 of 4 = 75 %%", r.Total, r.Total.Percent())
	}
	if r.ByMonth[5] != r.Total || r.ByMonth[4] != (msp.SLACount{}) {
		t.Errorf("by month %+v", r.ByMonth)
	}
	for p, want := range map[string]msp.SLACount{"p1": {1, 0}, "p2": {1, 1}, "p3": {2, 2}, "p4": {}} {
		if got := r.SLA[p][5]; got != want {
			t.Errorf("%s in February: %+v, want %+v", p, got, want)
		}
	}
	// (60 + 60 + 30 + 20) / 4 and (540 + 180 + 360 + 180) / 4: the two days waiting do not count.
	if r.Responded != 4 || r.MeanFirstResponse != 42*time.Minute+30*time.Second {
		t.Errorf("first response: %d answered, mean %s, want 4 and 42m30s", r.Responded, r.MeanFirstResponse)
	}
	if r.Resolved != 4 || r.MeanResolution != 315*time.Minute {
		t.Errorf("resolution: %d resolved, mean %s, want 4 and 5h15m", r.Resolved, r.MeanResolution)
	}
	if len(r.ByClient) != 2 || r.ByClient[0].ID != b || r.ByClient[0].Count != 3 || r.ByClient[1].ID != a || r.ByClient[1].Count != 2 ||
		r.ByClient[0].Name != "Gülüş Diş Polikliniği" {
		t.Errorf("by client %+v", r.ByClient)
	}
	cats := map[string]int{}
	for _, c := range r.ByCategory {
		cats[c.Key] = c.Count
	}
	if len(cats) != 5 || cats["hardware"] != 1 || cats["account"] != 1 {
		t.Errorf("by category %+v", r.ByCategory)
	}
	if len(r.Hours) != 2 || r.Hours[0] != (msp.ClientHours{ClientID: b, Name: "Gülüş Diş Polikliniği", Billable: 120}) ||
		r.Hours[1] != (msp.ClientHours{ClientID: a, Name: "Yıldız Mali Müşavirlik", Billable: 90, NonBillable: 60}) {
		t.Errorf("hours %+v", r.Hours)
	}
	if len(r.Contracts) != 2 || r.Contracts[0] != (msp.ContractUse{ContractID: 1, ClientID: a, Name: "Yıldız Mali Müşavirlik", Kind: "managed",
		Month: "2026-01", Included: 600}) || r.Contracts[1].Used != 90 || r.Contracts[1].Included != 600 || r.Contracts[1].Month != "2026-02" {
		t.Errorf("contract usage %+v, want 0 of 600 min in 2026-01, 90 of 600 in 2026-02", r.Contracts)
	}
	// The story's SLA history is what the clocks read: ticket 2 paused once, from 10:00 on the 4th.
	if n := count(t, db, `SELECT count(*) FROM msp_ticket_sla_pauses WHERE reason = 'waiting_customer' AND to_at IS NOT NULL`); n != 1 {
		t.Errorf("pauses %d", n)
	}
}

package msp_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/msp"
)

// TestMonthSummaryMixedContracts: a client with a block of hours (10 h a month, covering its
// office) and a per-incident contract (covering its warehouse). Red under "beyond the included
// hours" means time over the block's allowance only: the warehouse's per-incident hours are billed
// per incident, as usual. The client's row summed both contracts and painted all of it red as soon
// as the client had an allowance, even with the block's hours not used up. Worked out contract by
// contract now: with 4 h at the office and 3 h at the warehouse nothing is red; with 12 h at the
// office the 5 h beyond read plain, and under them "of which 2 h over the included hours" in red.
func TestMonthSummaryMixedContracts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		office int // hours at the office (block of hours, 10 h)
		beyond string
		over   string // the red part, "" for none
	}{
		{office: 4, beyond: "3 h"},
		{office: 12, beyond: "5 h", over: "of which 2 h over the included hours"},
	} {
		te := newTimeEnv(t, false, "en")
		ctx := context.Background()
		now := time.Now()
		first := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
		office, err := msp.SaveSite(ctx, te.db, 0, msp.Site{ClientID: te.client, Name: "Ofis"}, tech)
		if err != nil {
			t.Fatal(err)
		}
		depot, err := msp.SaveSite(ctx, te.db, 0, msp.Site{ClientID: te.client, Name: "Depo"}, tech)
		if err != nil {
			t.Fatal(err)
		}
		from, to := first.AddDate(0, -1, 0).Format(time.DateOnly), now.AddDate(1, 0, 0).Format(time.DateOnly)
		for _, in := range []msp.ContractInput{
			{ClientID: te.client, Kind: msp.ContractBlock, StartsOn: from, EndsOn: to, Hours: "10", Price: "12000", Currency: "TRY", SiteIDs: []int64{office}},
			{ClientID: te.client, Kind: msp.ContractPerIncident, StartsOn: from, EndsOn: to, Price: "1500", Currency: "TRY", SiteIDs: []int64{depot}},
		} {
			if _, err := msp.SaveContract(ctx, te.db, 0, in, tech); err != nil {
				t.Fatal(err)
			}
		}
		work := func(d, hours int) msp.HistoricTime {
			return msp.HistoricTime{Day: first.AddDate(0, 0, d-1).Format(time.DateOnly), Minutes: hours * 60, Billable: true,
				Actor: msp.Actor{UserID: te.oper.UserID, Name: "oscar"}}
		}
		if err := te.db.InTx(ctx, func(tx *sql.Tx) error {
			for _, h := range []*msp.HistoricTicket{
				{NewTicket: msp.NewTicket{Subject: "Ofis ağı", ClientID: te.client, SiteID: office}, CreatedAt: first.AddDate(0, 0, 2).Add(9 * time.Hour),
					Time: []msp.HistoricTime{work(3, c.office)}},
				{NewTicket: msp.NewTicket{Subject: "Depo yazıcısı", ClientID: te.client, SiteID: depot}, CreatedAt: first.AddDate(0, 0, 4).Add(9 * time.Hour),
					Time: []msp.HistoricTime{work(5, 3)}},
			} {
				h.CreatedBy = tech
				if _, err := msp.InsertHistoryTx(ctx, tx, h); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		r := te.owner.Get("/app/msp/time/summary?" + url.Values{"month": {first.Format("2006-01")}}.Encode())
		wantStatus(t, r, 200, "month summary")
		cell := r.Doc(t).Find(`tr[data-client="` + strconv.FormatInt(te.client, 10) + `"] [data-beyond]`)
		text := strings.Join(strings.Fields(cell.Text()), " ")
		red := strings.Join(strings.Fields(cell.Find(".usage-over").Text()), " ")
		if !strings.HasPrefix(text, c.beyond) {
			t.Errorf("%d h at the office: beyond reads %q, want %s first", c.office, text, c.beyond)
		}
		if red != c.over {
			t.Errorf("%d h at the office: red reads %q, want %q", c.office, red, c.over)
		}
	}
}

package analytics_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
	"highvibe/app/seasonal"
)

// The KPI page counts months as the business's calendar has them (its time zone, from the
// business hours page), not UTC's: at 00:30 on 1 March in Istanbul (21:30 UTC on 28 February)
// March is the current month of the period, the revenue series and the forecast, a payment made
// a quarter of an hour earlier is March's, and February is a month that is over.
func TestKPIMonthsInBusinessZone(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "tr")
	db := e.DB("tas")
	owner := e.User("tas", "talha", "owner")
	apptest.SetZone(t, owner, "Europe/Istanbul")
	ctx := context.Background()
	now := time.Date(2027, 2, 28, 21, 30, 0, 0, time.UTC) // 1 March 2027, 00:30 in Istanbul
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers(id, name, created_at, updated_at) VALUES(1, 'Ayşe', 0, 0)`); err != nil {
			return err
		}
		paid := func(at time.Time, amount float64) error {
			ms := at.UnixMilli()
			_, err := tx.ExecContext(ctx, `INSERT INTO invoices(customer_id, amount, status, issued_at, paid_at, created_at, updated_at)
				VALUES(1, ?, 'paid', ?, ?, ?, ?)`, amount, ms, ms, ms, ms)
			return err
		}
		// 10,000 on the 10th of each month from September 2026 to February 2027 ...
		for m := time.September; m <= time.February+12; m++ {
			if err := paid(time.Date(2026, m, 10, 12, 0, 0, 0, time.UTC), 10000); err != nil {
				return err
			}
		}
		// ... and 999 at 00:15 on 1 March in Istanbul.
		return paid(time.Date(2027, 2, 28, 21, 15, 0, 0, time.UTC), 999)
	})
	if err != nil {
		t.Fatal(err)
	}
	// A campaign week of 27 February to 5 March: of the forecast's months only March holds it.
	if err := seasonal.Save(ctx, db, &seasonal.Campaign{Name: "Bahar", Rule: seasonal.RuleFixed, Month: 3, Day: 5, LeadDays: 7, UpliftPct: 100},
		seasonal.Actor{}, now); err != nil {
		t.Fatal(err)
	}
	snap, _, err := analytics.Build(ctx, db, now, analytics.Params{Currency: "TRY", Seasonal: true})
	if err != nil {
		t.Fatal(err)
	}
	istanbul, _ := time.LoadLocation("Europe/Istanbul")
	if want := time.Date(2026, 10, 1, 0, 0, 0, 0, istanbul).UnixMilli(); snap.KPI.PeriodStart != want {
		t.Errorf("period starts %s, want 1 October 2026 00:00 in Istanbul", time.UnixMilli(snap.KPI.PeriodStart).In(istanbul))
	}
	if snap.KPI.PaidRevenue != 50999 { // October to February, and March's 999
		t.Errorf("paid revenue of the period %v, want 50999", snap.KPI.PaidRevenue)
	}
	var pack struct {
		Revenue struct {
			Data []struct {
				X []string  `json:"x"`
				Y []float64 `json:"y"`
			} `json:"data"`
		} `json:"revenue_series"`
		Forecast struct {
			Data []struct {
				Name string   `json:"name"`
				X    []string `json:"x"`
			} `json:"data"`
			Layout struct {
				Annotations []struct {
					X string `json:"x"`
				} `json:"annotations"`
			} `json:"layout"`
		} `json:"forecast_payload"`
	}
	if err := json.Unmarshal(snap.ChartPack, &pack); err != nil {
		t.Fatal(err)
	}
	paid := pack.Revenue.Data[0]
	if n := len(paid.X); n != 12 || paid.X[n-1] != "i18n-month:2027-03" || paid.Y[n-1] != 999 || paid.X[n-2] != "i18n-month:2027-02" || paid.Y[n-2] != 10000 {
		t.Errorf("revenue series ends %v %v, want February 10000 and March 999", paid.X[max(0, n-2):], paid.Y[max(0, n-2):])
	}
	fc := pack.Forecast.Data
	if len(fc) < 3 || len(fc[0].X) == 0 || fc[0].X[len(fc[0].X)-1] != "i18n-month:2027-02" || fc[2].X[0] != "i18n-month:2027-03" {
		t.Fatalf("forecast traces %+v: want the actual months to end in February and the forecast to start in March", fc)
	}
	if notes := pack.Forecast.Layout.Annotations; len(notes) != 1 || notes[0].X != "i18n-month:2027-03" {
		t.Errorf("campaign markers %+v, want one on March 2027", notes)
	}
}

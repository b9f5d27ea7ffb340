package analytics_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/seasonal"
)

// The forecast of a month holding a campaign week from the seasonal calendar is raised by the
// campaign's uplift for its share of the month; the chart shows the campaign as a marker and the
// forecast without campaigns as its own line. With the module off the forecast is Holt's alone.
func TestForecastAppliesSeasonalUplift(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("cicek", "cicekci", "en")
	db := e.DB("cicek")
	owner := e.User("cicek", "olga", "owner")
	ctx := context.Background()
	// The forecast's months are the business's (its time zone's), as are the invoices' days.
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	first := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, loc)
	// Six finished months of 10,000 paid each: Holt projects a flat 10,000.
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers(id, name, created_at, updated_at) VALUES(1, 'Ayşe', 0, 0)`); err != nil {
			return err
		}
		for i := 1; i <= 6; i++ {
			at := first.AddDate(0, -i, 9).UnixMilli()
			if _, err := tx.ExecContext(ctx, `INSERT INTO invoices(customer_id, amount, status, issued_at, paid_at, created_at, updated_at)
				VALUES(1, 10000, 'paid', ?, ?, ?, ?)`, at, at, at, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	next := first.AddDate(0, 1, 0)
	days := float64(next.AddDate(0, 1, -1).Day())
	c := &seasonal.Campaign{Name: "Çiçek haftası", Rule: seasonal.RuleFixed, Month: int(next.Month()), Day: 15, LeadDays: 7, UpliftPct: 100}
	if err := seasonal.Save(ctx, db, c, seasonal.Actor{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	type trace struct {
		Name string    `json:"name"`
		Y    []float64 `json:"y"`
	}
	forecast := func() ([]trace, []map[string]any, string) {
		t.Helper()
		page := owner.Get("/app/analytics/?refresh=1&lang=en")
		r := owner.Get("/app/analytics/chart_pack.json?lang=en")
		var v struct {
			ChartPack map[string]struct {
				Data   []trace        `json:"data"`
				Layout map[string]any `json:"layout"`
			} `json:"chart_pack"`
		}
		if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
			t.Fatal(err)
		}
		fc := v.ChartPack["forecast_payload"]
		notes, _ := fc.Layout["annotations"].([]any)
		var ns []map[string]any
		for _, n := range notes {
			ns = append(ns, n.(map[string]any))
		}
		return fc.Data, ns, page.Body
	}
	data, notes, page := forecast()
	if len(data) != 4 || data[2].Name != "Forecast" || data[3].Name != "Forecast without campaigns" {
		t.Fatalf("traces %+v", data)
	}
	wantNext := math.Round(10000*(1+7/days)*100) / 100
	if data[2].Y[0] != 10000 || data[2].Y[1] != wantNext || data[2].Y[2] != 10000 || data[3].Y[1] != 10000 {
		t.Errorf("forecast %v (base %v), want next month %v", data[2].Y, data[3].Y, wantNext)
	}
	if len(notes) != 1 || notes[0]["x"] != i18n.For("en").YearMonth(next.Format("2006-01")) || notes[0]["text"] != "Çiçek haftası +100%" {
		t.Errorf("markers %v", notes)
	}
	if !strings.Contains(page, "Months with a campaign week from your seasonal calendar") {
		t.Error("the KPI page does not say how the forecast counts the campaigns")
	}

	e.Set("cicek", map[string]string{"modules": "sales"})
	data, notes, page = forecast()
	if len(data) != 3 || data[2].Y[1] != 10000 || len(notes) != 0 {
		t.Errorf("module off: traces %+v, markers %v", data, notes)
	}
	if strings.Contains(page, "seasonal calendar") {
		t.Error("the KPI page mentions the seasonal calendar with the module off")
	}
}

package analytics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"highvibe/app/seasonal"
	"highvibe/app/tenantdb"
)

// CampaignWeek is a seasonal campaign as the forecast sees it: the seven days up to and
// including its date, in which the business expects UpliftPct more (or, negative, less) demand
// than in a usual week.
type CampaignWeek struct {
	Name      string    `json:"name"`
	Date      time.Time `json:"date"`
	UpliftPct int       `json:"uplift_pct"`
}

// start is the first day of the campaign week.
func (w CampaignWeek) start() time.Time { return w.Date.AddDate(0, 0, -(seasonal.WeekDays - 1)) }

// SeasonalFactors gives each month (first days, UTC) the factor its forecast is multiplied by:
//
//	factor = 1 + Σ uplift/100 × (days of the campaign week in the month ÷ days of the month)
//
// — a week of +300 % that lies wholly in a 28-day February raises February by 300 % × 7/28 = 75 %;
// a week split over two months raises each by its own days. It also returns the campaigns that
// touch each month, for the chart's markers. A factor is never below 0.
func SeasonalFactors(months []time.Time, weeks []CampaignWeek) ([]float64, [][]CampaignWeek) {
	factors := make([]float64, len(months))
	marks := make([][]CampaignWeek, len(months))
	for i, m := range months {
		first := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
		next := first.AddDate(0, 1, 0)
		days := next.Sub(first).Hours() / 24
		factors[i] = 1
		for _, w := range weeks {
			in := 0
			for d := w.start(); !d.After(w.Date); d = d.AddDate(0, 0, 1) {
				if !d.Before(first) && d.Before(next) {
					in++
				}
			}
			if in == 0 {
				continue
			}
			factors[i] += float64(w.UpliftPct) / 100 * float64(in) / days
			marks[i] = append(marks[i], w)
		}
		factors[i] = max(0, factors[i])
	}
	return factors, marks
}

// ApplySeasonal raises (or lowers) the forecast's months by their campaign factors: the point and
// its band are multiplied alike. months are the forecast's months, first = Points[0]. The Holt
// projection before it is kept in Base; the accuracy backtest stays that of the Holt model.
func (f *Forecast) ApplySeasonal(months []time.Time, weeks []CampaignWeek) {
	factors, marks := SeasonalFactors(months, weeks)
	f.Base = append([]float64(nil), f.Points...)
	f.Campaigns = marks
	for i := range f.Points {
		if i >= len(factors) {
			break
		}
		f.Points[i] *= factors[i]
		f.Lower[i] *= factors[i]
		f.Upper[i] *= factors[i]
	}
}

// forecastMonths are the months the forecast projects at now, the current one and the next, as
// the calendar of loc (the business's time zone; nil: UTC) has them; each is its first day as
// the seasonal calendar writes days (midnight UTC of that date).
func forecastMonths(now time.Time, loc *time.Location, n int) []time.Time {
	l := now.In(zoneOr(loc))
	first := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = first.AddDate(0, i, 0)
	}
	return out
}

// campaignWeeks reads from the seasonal calendar the campaigns whose week touches months.
func campaignWeeks(ctx context.Context, db *tenantdb.DB, months []time.Time) ([]CampaignWeek, error) {
	if len(months) == 0 {
		return nil, nil
	}
	from := months[0]
	to := months[len(months)-1].AddDate(0, 1, seasonal.WeekDays-2) // a week that ends early the month after
	occ, err := seasonal.Occurrences(ctx, db.Read, from, to)
	if err != nil {
		return nil, fmt.Errorf("analytics: seasonal campaigns: %w", err)
	}
	out := make([]CampaignWeek, 0, len(occ))
	for _, o := range occ {
		out = append(out, CampaignWeek{Name: o.Campaign.Name, Date: o.Date, UpliftPct: o.Campaign.UpliftPct})
	}
	return out, nil
}

// campaignChange is a month's marker text on a phone, the changes alone ("-30%"): the names
// stay in the marker's hover (campaignLabel), where the page puts the whole label.
func campaignChange(ws []CampaignWeek) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		key, n := "analytics.forecast.uplift_up", w.UpliftPct
		if n < 0 {
			key, n = "analytics.forecast.uplift_down", -n
		}
		parts[i] = fmt.Sprintf("{{%s%s|%d}}", i18nPrefix, key, n)
	}
	return strings.Join(parts, " ")
}

// campaignLabel is a month's marker text on the forecast chart: "Mother's Day +250%", the
// change written when served, as the reader's language writes a percentage ("+%250" in tr).
func campaignLabel(ws []CampaignWeek) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		key, n := "analytics.forecast.uplift_up", w.UpliftPct
		if n < 0 {
			key, n = "analytics.forecast.uplift_down", -n
		}
		parts[i] = fmt.Sprintf("%s {{%s%s|%d}}", w.Name, i18nPrefix, key, n)
	}
	return strings.Join(parts, "<br>")
}

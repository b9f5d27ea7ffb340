package analytics

import (
	"math"
	"testing"
	"time"

	"highvibe/app/i18n"
)

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

// A campaign week raises its month by uplift × its days in the month ÷ the month's days; a week
// split over New Year raises both months by their own share; a month without one stays at 1.
func TestSeasonalFactors(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	weeks := []CampaignWeek{
		{Name: "Sevgililer Günü", Date: day("2027-02-14"), UpliftPct: 300},
		{Name: "Yılbaşı", Date: day("2028-01-01"), UpliftPct: 50}, // 26 Dec 2027 – 1 Jan 2028
		{Name: "Kapalı", Date: day("2027-04-30"), UpliftPct: -100},
	}
	months := []time.Time{month(2027, 1), month(2027, 2), month(2027, 4), month(2027, 12), month(2028, 1)}
	f, marks := SeasonalFactors(months, weeks)
	want := []float64{1, 1 + 3*7.0/28, 1 - 7.0/30, 1 + 0.5*6/31, 1 + 0.5*1/31}
	for i := range want {
		if math.Abs(f[i]-want[i]) > 1e-9 {
			t.Errorf("%s: factor %.4f, want %.4f", months[i].Format("2006-01"), f[i], want[i])
		}
	}
	if len(marks[0]) != 0 || len(marks[1]) != 1 || marks[1][0].Name != "Sevgililer Günü" || len(marks[3]) != 1 || len(marks[4]) != 1 {
		t.Errorf("markers %v", marks)
	}
	// A month can go down to nothing, never below.
	f, _ = SeasonalFactors([]time.Time{month(2027, 2)}, []CampaignWeek{{Date: day("2027-02-10"), UpliftPct: -100},
		{Date: day("2027-02-20"), UpliftPct: -100}, {Date: day("2027-02-27"), UpliftPct: -100}, {Date: day("2027-02-05"), UpliftPct: -100}, {Date: day("2027-02-06"), UpliftPct: -100}})
	if f[0] != 0 {
		t.Errorf("factor %v, want 0", f[0])
	}

	// ApplySeasonal scales the point and its band alike and keeps the Holt projection.
	fc := Forecast{Points: []float64{100, 100}, Lower: []float64{80, 80}, Upper: []float64{120, 120}}
	fc.ApplySeasonal([]time.Time{month(2027, 1), month(2027, 2)}, weeks[:1])
	if fc.Points[0] != 100 || fc.Points[1] != 175 || fc.Lower[1] != 140 || fc.Upper[1] != 210 || fc.Base[1] != 100 {
		t.Errorf("applied %+v", fc)
	}
	fig := forecastChart(fc, MonthSeries{Months: []time.Time{month(2026, 11), month(2026, 12), month(2027, 1)}, Paid: []float64{90, 95, 0}})
	notes, _ := fig.Layout["annotations"].([]map[string]any)
	if len(fig.Data) != 4 || len(notes) != 1 || notes[0]["x"] != monthText("2027-02") {
		t.Fatalf("chart: %d traces, annotations %v", len(fig.Data), fig.Layout["annotations"])
	}
	// The change reads as each language writes a percentage.
	for lang, want := range map[string]string{"en": "Sevgililer Günü +300%", "tr": "Sevgililer Günü +%300"} {
		if got := Localize(notes[0]["text"], i18n.For(lang), nil); got != want {
			t.Errorf("marker in %s: %q, want %q", lang, got, want)
		}
	}
	if got := Localize(campaignLabel([]CampaignWeek{{Name: "Kurban Bayramı", UpliftPct: -40}}), i18n.For("tr"), nil); got != "Kurban Bayramı -%40" {
		t.Errorf("a fall in tr: %q", got)
	}
	// On a phone the marker says the change alone; its hover keeps the whole label.
	for lang, want := range map[string][2]string{"en": {"+300%", "Sevgililer Günü +300%"}, "tr": {"+%300", "Sevgililer Günü +%300"},
		"ar": {"\u2066+300%\u2069", "Sevgililer Günü \u2066+300%\u2069"}} {
		if short, hover := Localize(notes[0]["short"], i18n.For(lang), nil), Localize(notes[0]["hovertext"], i18n.For(lang), nil); short != want[0] || hover != want[1] {
			t.Errorf("marker in %s: short %q, hover %q, want %q", lang, short, hover, want)
		}
	}
}

package analytics

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"highvibe/app/i18n"
	"highvibe/app/msp"
)

// Each chart builder is a pure decision over plain values: when it draws, and what.

func TestRevenueChart(t *testing.T) {
	jan, feb := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		ms        MonthSeries
		traces    int
		wantPaidY []float64
	}{
		{"no revenue stays empty", MonthSeries{Months: []time.Time{jan, feb}, Paid: []float64{0, 0}, Orders: []float64{0, 0}}, 0, nil},
		{"orders alone draw", MonthSeries{Months: []time.Time{jan, feb}, Paid: []float64{0, 0}, Orders: []float64{0, 5}}, 2, []float64{0, 0}},
		{"paid is rounded", MonthSeries{Months: []time.Time{jan, feb}, Paid: []float64{10.456, 3}, Orders: []float64{0, 0}}, 2, []float64{10.46, 3}},
	}
	for _, c := range cases {
		fig := revenueChart(c.ms)
		if len(fig.Data) != c.traces {
			t.Fatalf("%s: %d traces, want %d", c.name, len(fig.Data), c.traces)
		}
		if c.traces > 0 {
			if got := fig.Data[0]["y"]; !reflect.DeepEqual(got, c.wantPaidY) {
				t.Errorf("%s: paid y = %v, want %v", c.name, got, c.wantPaidY)
			}
			if got := fig.Data[0]["x"]; !reflect.DeepEqual(got, []string{monthText("2025-01"), monthText("2025-02")}) {
				t.Errorf("%s: x = %v", c.name, got)
			}
		}
	}
}

func TestFunnelChart(t *testing.T) {
	cases := []struct {
		name     string
		stages   map[string]int
		leads    int
		wantX    []int
		wantLost string
	}{
		{"no leads stays empty", map[string]int{}, 0, nil, ""},
		{"each step counts the leads that reached it; lost stands apart", map[string]int{"won": 2, "new": 5, "lost": 1}, 8, []int{7, 2, 2, 2, 2}, "i18n:analytics.funnel.lost|1"},
		{"a middle stage adds to every step before it", map[string]int{"new": 1, "qualified": 3}, 4, []int{4, 3, 3, 0, 0}, "i18n:analytics.funnel.lost|0"},
	}
	for _, c := range cases {
		fig := funnelChart(&Dataset{LeadStages: c.stages}, KPI{LeadCount: c.leads})
		if c.wantX == nil {
			if fig.Data != nil {
				t.Errorf("%s: drew %v", c.name, fig.Data)
			}
			continue
		}
		if got := fig.Data[0]["x"]; !reflect.DeepEqual(got, c.wantX) {
			t.Errorf("%s: x = %v, want %v", c.name, got, c.wantX)
		}
		if got := fig.Layout["annotations"].([]map[string]any)[0]["text"]; got != c.wantLost {
			t.Errorf("%s: lost note = %v, want %v", c.name, got, c.wantLost)
		}
	}
}

func TestROIChart(t *testing.T) {
	cases := []struct {
		name    string
		k       KPI
		draws   bool
		wantTop float64
	}{
		{"no revenue stays empty", KPI{BudgetPeriod: 500}, false, 0},
		{"budget above revenue sets the scale", KPI{PaidRevenue: 100, PipelineRevenue: 50, BudgetPeriod: 1000}, true, 1100},
		{"paid plus pipeline sets the scale", KPI{PaidRevenue: 600, PipelineRevenue: 400, BudgetPeriod: 100}, true, 1100},
	}
	for _, c := range cases {
		fig := roiChart(c.k)
		if (fig.Data != nil) != c.draws {
			t.Fatalf("%s: draws = %v, want %v", c.name, fig.Data != nil, c.draws)
		}
		if !c.draws {
			continue
		}
		rng := fig.Data[0]["gauge"].(map[string]any)["axis"].(map[string]any)["range"].([]float64)
		if rng[1] < c.wantTop-1e-9 || rng[1] > c.wantTop+1e-9 {
			t.Errorf("%s: top = %v, want %v", c.name, rng[1], c.wantTop)
		}
	}
}

func TestSpiderChart(t *testing.T) {
	cases := []struct {
		name  string
		k     KPI
		wantR []float64
	}{
		{"nothing to score stays empty", KPI{}, nil},
		{"conversations alone draw a closed polygon", KPI{ConversationCount: 3, ConversionRate: 10, EngagementRate: 20, DataQualityScore: 30, AutomationScore: 40, ForecastAccuracy: 50},
			[]float64{10, 20, 30, 40, 50, 10}},
	}
	for _, c := range cases {
		fig := spiderChart(c.k)
		if c.wantR == nil {
			if fig.Data != nil {
				t.Errorf("%s: drew %v", c.name, fig.Data)
			}
			continue
		}
		if got := fig.Data[0]["r"]; !reflect.DeepEqual(got, c.wantR) {
			t.Errorf("%s: r = %v, want %v", c.name, got, c.wantR)
		}
	}
}

func TestForecastChart(t *testing.T) {
	months := func(n int) []time.Time {
		var out []time.Time
		for i := range n {
			out = append(out, time.Date(2025, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC))
		}
		return out
	}
	f := Forecast{Points: []float64{30, 40}, Lower: []float64{20, 25}, Upper: []float64{40, 55}}
	cases := []struct {
		name       string
		ms         MonthSeries
		wantActual []string // x of the actual series; nil = empty chart
	}{
		{"one completed month stays empty", MonthSeries{Months: months(2), Paid: []float64{10, 5}, Orders: []float64{0, 0}}, nil},
		{"leading zero months are skipped", MonthSeries{Months: months(4), Paid: []float64{0, 10, 20, 7}, Orders: []float64{0, 0, 0, 0}},
			[]string{monthText("2025-02"), monthText("2025-03")}},
	}
	for _, c := range cases {
		fig := forecastChart(f, c.ms)
		if c.wantActual == nil {
			if fig.Data != nil {
				t.Errorf("%s: drew %v", c.name, fig.Data)
			}
			continue
		}
		if got := fig.Data[0]["x"]; !reflect.DeepEqual(got, c.wantActual) {
			t.Errorf("%s: actual x = %v, want %v", c.name, got, c.wantActual)
		}
		if got := fig.Data[2]["x"]; !reflect.DeepEqual(got, []string{monthText("2025-04"), monthText("2025-05")}) {
			t.Errorf("%s: forecast x = %v", c.name, got)
		}
		if got := fig.Data[1]["y"]; !reflect.DeepEqual(got, []float64{40, 55, 25, 20}) {
			t.Errorf("%s: band y = %v", c.name, got)
		}
	}
}

func TestHeatmapChart(t *testing.T) {
	d := &Dataset{Channels: []string{"whatsapp", "email"},
		ChannelState: map[string]map[string]int{"whatsapp": {"new": 3, "won": 1}, "sms": {"lost": 2}}}
	cases := []struct {
		name  string
		convs int
		wantZ [][]int
	}{
		{"no conversations stays empty", 0, nil},
		{"registry rows first, unknown channel last", 6, [][]int{{3, 0, 0, 0, 0, 0, 1, 0}, {0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 2}}},
	}
	for _, c := range cases {
		fig := heatmapChart(d, KPI{ConversationCount: c.convs})
		if c.wantZ == nil {
			if fig.Data != nil {
				t.Errorf("%s: drew %v", c.name, fig.Data)
			}
			continue
		}
		if got := fig.Data[0]["z"]; !reflect.DeepEqual(got, c.wantZ) {
			t.Errorf("%s: z = %v, want %v", c.name, got, c.wantZ)
		}
		if got := fig.Data[0]["y"]; !reflect.DeepEqual(got, []string{tr("inbox.channel.whatsapp"), tr("inbox.channel.email"), tr("inbox.channel.sms")}) {
			t.Errorf("%s: y = %v", c.name, got)
		}
		// More is darker: the scale starts light at zero and ends dark at the busiest cell.
		sc, ok := fig.Data[0]["colorscale"].([][]any)
		if !ok || len(sc) < 2 || fig.Data[0]["reversescale"] == true || lightness(sc[0][1].(string)) <= lightness(sc[len(sc)-1][1].(string)) || fig.Data[0]["zmin"] != 0 {
			t.Errorf("%s: colour scale %v does not run from light (none) to dark (most)", c.name, fig.Data[0]["colorscale"])
		}
		if x, _ := fig.Layout["xaxis"].(map[string]any); x["dtick"] != 1 {
			t.Errorf("%s: x axis %v may skip state labels", c.name, x)
		}
	}
}

func TestLead3DChart(t *testing.T) {
	cases := []struct {
		name  string
		pts   []LeadPoint
		wantZ []float64
	}{
		{"no leads stays empty", nil, nil},
		{"potential is rounded", []LeadPoint{{Name: "a", Qualification: 50, Messages: 3, Potential: 1000.555}, {Name: "b", Potential: 0}}, []float64{1000.56, 0}},
	}
	for _, c := range cases {
		fig := lead3DChart(&Dataset{LeadPoints: c.pts})
		if c.wantZ == nil {
			if fig.Data != nil {
				t.Errorf("%s: drew %v", c.name, fig.Data)
			}
			continue
		}
		if got := fig.Data[0]["z"]; !reflect.DeepEqual(got, c.wantZ) {
			t.Errorf("%s: z = %v, want %v", c.name, got, c.wantZ)
		}
	}
}

func TestDecision3DChart(t *testing.T) {
	cases := []struct {
		name  string
		pts   []RecPoint
		wantZ []float64
	}{
		{"no recommendations stays empty", nil, nil},
		{"known actions weigh by commitment", []RecPoint{{ActionType: "legal"}, {ActionType: "follow_up"}}, []float64{1, 0.3}},
		{"an unknown action weighs like other", []RecPoint{{ActionType: "made_up"}}, []float64{0.2}},
	}
	for _, c := range cases {
		fig := decision3DChart(&Dataset{RecPoints: c.pts})
		if c.wantZ == nil {
			if fig.Data != nil {
				t.Errorf("%s: drew %v", c.name, fig.Data)
			}
			continue
		}
		if got := fig.Data[0]["z"]; !reflect.DeepEqual(got, c.wantZ) {
			t.Errorf("%s: z = %v, want %v", c.name, got, c.wantZ)
		}
	}
}

// lightness is the sum of a #rrggbb colour's channels.
func lightness(hex string) int {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return r + g + b
}

// TestMirror lays out each kind of figure for a right-to-left reader: columns and lines over
// time run from the right with their value axis there, horizontal bars grow from the right,
// the funnel's names move right, the legend starts at the right and a paper note moves to the
// mirrored side; gauges, polar and 3-D charts stay as they are.
func TestMirror(t *testing.T) {
	decode := func(f Figure) map[string]any {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	months := []time.Time{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
	rev := revenueChart(MonthSeries{Months: months, Paid: []float64{1, 2}, Orders: []float64{3, 4}})
	fun := funnelChart(&Dataset{LeadStages: map[string]int{"new": 2, "won": 1, "lost": 1}}, KPI{LeadCount: 4})
	bars := barFigure("analytics.msp.chart.tickets_by_client", []map[string]any{{"client": "A", "count": 3}}, "client", "count")
	pack := map[string]any{"revenue_series": decode(rev), "lead_funnel": decode(fun),
		"spider_payload": decode(spiderChart(KPI{LeadCount: 1})), "roi_payload": decode(roiChart(KPI{PaidRevenue: 5})),
		MSPKey: map[string]any{"figures": map[string]any{"tickets_by_client": decode(bars)}, "months": []any{"2025-01"}}}
	Mirror(pack)

	lay := func(v any) map[string]any { return v.(map[string]any)["layout"].(map[string]any) }
	sub := func(m map[string]any, k string) map[string]any { s, _ := m[k].(map[string]any); return s }
	r := lay(pack["revenue_series"])
	if sub(r, "xaxis")["autorange"] != "reversed" || sub(r, "yaxis")["side"] != "right" {
		t.Errorf("revenue: x %v, y %v; want the months from the right, amounts on the right", r["xaxis"], r["yaxis"])
	}
	if lg := sub(r, "legend"); lg["x"] != 1 || lg["xanchor"] != "right" || lg["traceorder"] != "reversed" {
		t.Errorf("revenue legend %v does not start at the right", lg)
	}
	f := lay(pack["lead_funnel"])
	if sub(f, "yaxis")["side"] != "right" || sub(f, "xaxis")["autorange"] != nil {
		t.Errorf("funnel: x %v, y %v; want the step names on the right, the steps centred as they are", f["xaxis"], f["yaxis"])
	}
	if note := f["annotations"].([]any)[0].(map[string]any); note["x"] != 0.0 || note["xanchor"] != "left" {
		t.Errorf("funnel note %v stays at the right", note)
	}
	b := lay(pack[MSPKey].(map[string]any)["figures"].(map[string]any)["tickets_by_client"])
	if sub(b, "xaxis")["autorange"] != "reversed" || sub(b, "yaxis")["side"] != "right" || sub(b, "yaxis")["autorange"] != "reversed" {
		t.Errorf("horizontal bars: x %v, y %v; want bars from the right, names on the right, longest on top", b["xaxis"], b["yaxis"])
	}
	for _, k := range []string{"spider_payload", "roi_payload"} {
		if l := lay(pack[k]); l["xaxis"] != nil || l["yaxis"] != nil {
			t.Errorf("%s got cartesian axes: %v", k, l)
		}
	}
}

// TestPercentTexts: every percentage a chart draws (funnel steps, spider rings and hovers, SLA
// ticks and hovers) is written when served, as the reader's language writes one.
func TestPercentTexts(t *testing.T) {
	v := 85.7
	sla := slaFigure(&msp.Report{Total: msp.SLACount{Decided: 1}}, &MSPPayload{Months: []string{"2025-01"}, SLA: map[string]MSPSeries{},
		ByMonth: MSPSeries{Pct: []*float64{&v}}})
	spider := spiderChart(KPI{LeadCount: 1, ConversionRate: 12.25})
	for lang, want := range map[string][3]string{
		"tr": {"%85,7", "%12,3", "%100"},
		"en": {"85.7%", "12.3%", "100%"},
		"fr": {"85,7\u00a0%", "12,3\u00a0%", "100\u00a0%"},
		"ar": {"\u206685.7%\u2069", "\u206612.3%\u2069", "\u2066100%\u2069"}, // isolated: left to right in an Arabic sentence
	} {
		p := i18n.For(lang)
		last := sla.Data[len(sla.Data)-1]
		if got := Localize(last["hovertext"].([]string)[0], p, nil); got != want[0] {
			t.Errorf("%s: SLA hover %q, want %q", lang, got, want[0])
		}
		ticks := sla.Layout["yaxis"].(map[string]any)["ticktext"].([]string)
		if got := Localize(ticks[len(ticks)-1], p, nil); got != want[2] {
			t.Errorf("%s: SLA top tick %q, want %q", lang, got, want[2])
		}
		if got := Localize(spider.Data[0]["hovertext"].([]string)[0], p, nil); got != want[1] {
			t.Errorf("%s: spider hover %q, want %q", lang, got, want[1])
		}
	}
}

// TestMonthLabelsInReadersLanguage: the months under the revenue, forecast and SLA charts are
// stored once and served with the month's name in the reader's language ("Tem 2026"), never as
// "2026-07"; the forecast's campaign marker stands on the same label as its month.
func TestMonthLabelsInReadersLanguage(t *testing.T) {
	jul, aug, sep := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	ms := MonthSeries{Months: []time.Time{jul, aug, sep}, Paid: []float64{10, 20, 5}, Orders: []float64{0, 0, 0}}
	fc := Forecast{Points: []float64{10, 12}, Lower: []float64{5, 6}, Upper: []float64{15, 18}, Base: []float64{10, 12},
		Campaigns: [][]CampaignWeek{nil, {{Name: "Yılbaşı", UpliftPct: 20}}}}
	sla := mspPayload(&msp.Report{Months: []string{"2026-08", "2026-09"}, Total: msp.SLACount{Decided: 1, Met: 1},
		SLA: map[string][]msp.SLACount{}, ByMonth: []msp.SLACount{{}, {Decided: 1, Met: 1}}})
	pack := map[string]Figure{"revenue_series": revenueChart(ms), "forecast_payload": forecastChart(fc, ms), "sla": sla.Figures["sla_compliance"]}
	raw, err := json.Marshal(pack)
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"tr": {"Tem 2026", "Ağu 2026", "Eyl 2026", "Eki 2026"},
		"en": {"Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026"},
		"de": {"Juli 2026", "Aug. 2026", "Sept. 2026", "Okt. 2026"},
		"fr": {"juil. 2026", "août 2026", "sept. 2026", "oct. 2026"},
		"es": {"jul 2026", "ago 2026", "sept 2026", "oct 2026"},
		"ar": {"يوليو 2026", "أغسطس 2026", "سبتمبر 2026", "أكتوبر 2026"},
	} {
		for i := range want {
			want[i] = strings.Replace(want[i], " ", "\u00a0", 1)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		got := Localize(v, i18n.For(lang), nil).(map[string]any)
		x := func(chart string, trace int) string {
			return fmt.Sprint(got[chart].(map[string]any)["data"].([]any)[trace].(map[string]any)["x"])
		}
		if s := x("revenue_series", 0); s != fmt.Sprint(want[:3]) {
			t.Errorf("%s: revenue months %s, want %v", lang, s, want[:3])
		}
		if s := x("forecast_payload", 0); s != fmt.Sprint(want[:2]) {
			t.Errorf("%s: forecast's actual months %s, want %v", lang, s, want[:2])
		}
		if s := x("forecast_payload", 2); s != fmt.Sprint(want[2:]) {
			t.Errorf("%s: forecast months %s, want %v", lang, s, want[2:])
		}
		note := got["forecast_payload"].(map[string]any)["layout"].(map[string]any)["annotations"].([]any)[0].(map[string]any)
		if note["x"] != want[3] {
			t.Errorf("%s: the campaign marker stands on %v, want %s", lang, note["x"], want[3])
		}
		if s := x("sla", 0); s != fmt.Sprint(want[1:3]) {
			t.Errorf("%s: SLA months %s, want %v", lang, s, want[1:3])
		}
		if b, _ := json.Marshal(got); strings.Contains(string(b), "2026-0") || strings.Contains(string(b), monthPrefix) {
			t.Errorf("%s: a month is left as a code: %s", lang, b)
		}
	}
}

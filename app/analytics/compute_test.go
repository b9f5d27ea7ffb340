package analytics

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"highvibe/app/i18n"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.051 {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func TestHoltKnownSeries(t *testing.T) {
	// Worked by hand: level0 = 10, trend0 = 10; t1: fitted 20, level 20, trend 10;
	// t2: fitted 30, level 0.5·15 + 0.5·30 = 22.5, trend 0.3·2.5 + 0.7·10 = 7.75.
	fitted, pts := Holt([]float64{10, 20, 15}, 2)
	near(t, "fitted[2]", fitted[2], 30)
	near(t, "h1", pts[0], 30.25)
	near(t, "h2", pts[1], 38)

	f := BuildForecast([]float64{100, 200, 300, 400, 500, 600}, 3)
	for i, want := range []float64{700, 800, 900} {
		near(t, "linear point", f.Points[i], want)
	}
	near(t, "linear sigma", f.Sigma, 0)
	near(t, "linear accuracy", f.Accuracy, 100)

	// Backtest k = 2 on a flat series that jumps: predictions 100, 100 vs actual 100, 130:
	// MAPE = (0 + 30/130) / 2 → accuracy 88.46 %.
	f = BuildForecast([]float64{100, 100, 100, 100, 100, 130}, 3)
	near(t, "backtest accuracy", f.Accuracy, 88.46)
	if f.Backtest != 2 || f.Sigma <= 0 || f.Upper[0] <= f.Points[0] || f.Lower[0] > f.Points[0] {
		t.Errorf("band/backtest wrong: %+v", f)
	}
	if f := BuildForecast([]float64{5, 6}, 3); f.Accuracy != 0 || f.Backtest != 0 {
		t.Errorf("two months must not claim accuracy: %+v", f)
	}
}

func TestHVCKnownCustomers(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC).UnixMilli()
	daysAgo := func(d int) int64 { return now - int64(d)*86400000 }
	res := ScoreCustomers(now, []CustomerValue{
		{ID: 1, Name: "A", Paid: 1000, Orders: 5, LastAt: daysAgo(10), HasContact: true, Invoices: 3}, // 50+30+20 = 100
		{ID: 2, Name: "B", Paid: 500, Orders: 2, LastAt: daysAgo(60), HasContact: true, Invoices: 1},  // 25+15+14 = 54
		{ID: 3, Name: "C", Paid: 0, Orders: 1, LastAt: daysAgo(200)},                                  // 0+7.5+2 = 9.5
		{ID: 4, Name: "D"}, // not scored
		{ID: 5, Name: "E", Paid: 800, Orders: 3, LastAt: daysAgo(100), HasContact: true, Invoices: 2}, // 40+22.5+8 = 70.5
	})
	if res.Count != 2 || res.Top == nil || res.Top.Name != "A" {
		t.Fatalf("count/top: %+v", res)
	}
	want := map[string]float64{"A": 100, "E": 70.5, "B": 54, "C": 9.5}
	for _, c := range res.Customers {
		near(t, "score "+c.Name, c.Score, want[c.Name])
	}
	near(t, "share", res.RevenueShare, 100*1800.0/2300)
	near(t, "avg", res.AvgScore, 85.25)
	near(t, "completeness", res.Completeness, 100*(1+1+1.0/3+0+1)/5)
	if res.Confidence != "medium" {
		t.Errorf("confidence = %s, want medium (4 scored, 66.7 %% complete)", res.Confidence)
	}
}

func TestComputeKnownDataset(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	day := int64(86400000)
	at := func(d int) int64 { return now.UnixMilli() - int64(d)*day }
	d := &Dataset{Now: now, Currency: "TRY", BudgetUSD: 20,
		LeadStages: map[string]int{"new": 4, "contacted": 2, "qualified": 2, "proposal": 1, "won": 1},
		LeadsNamed: 8, LeadsReachable: 6, Customers: 5, CustomersContac: 4,
		Conversations: 9, ConvInbound: 8, ConvReplied: 6, OutboundMessages: 10, OutboundAIMessage: 4,
		Orders:   []Order{{1, "open", 1000, at(5), false}, {1, "open", 500, at(3), false}, {2, "won", 2000, at(40), false}, {3, "cancelled", 700, at(2), false}},
		Invoices: []Invoice{{1, "paid", 3000, at(10), false}, {2, "paid", 2000, at(240), false}, {2, "sent", 500, 0, false}},
	}
	k, _, _, _ := Compute(d)
	checks := []struct {
		name      string
		got, want float64
	}{
		{"lead_count", float64(k.LeadCount), 10},
		{"won_leads", float64(k.WonLeads), 1},
		{"qualified_leads", float64(k.QualifiedLeads), 4},
		{"conversion_rate", k.ConversionRate, 10},
		{"customer_count", float64(k.CustomerCount), 5},
		{"conversation_count", float64(k.ConversationCount), 9},
		{"engagement_rate", k.EngagementRate, 75},
		{"automation_score", k.AutomationScore, 40},
		{"data_quality_score", k.DataQualityScore, 73.3}, // (80 + 60 + 80) / 3
		{"pipeline_revenue", k.PipelineRevenue, 1500},
		{"avg_order", k.AvgOrder, 1166.67},      // (1000 + 500 + 2000) / 3
		{"paid_revenue", k.PaidRevenue, 3000},   // the 240-day-old invoice is outside the six months
		{"budget_period", k.BudgetPeriod, 4080}, // 20 USD × 6 × 34
	}
	for _, c := range checks {
		near(t, c.name, c.got, c.want)
	}
	if k.ROI == nil {
		t.Fatal("ROI missing")
	}
	near(t, "roi", *k.ROI, -26.5) // (3000 − 4080) / 4080 × 100
	d.BudgetUSD = 0
	if k, _, _, _ := Compute(d); k.ROI != nil {
		t.Errorf("ROI without budget must be empty, got %v", *k.ROI)
	}
	// With a budget but no invoice ever recorded (the sales records off, invoices kept elsewhere)
	// there is no revenue to set against it: empty too, not −100 %.
	d.BudgetUSD, d.Invoices = 20, nil
	if k, _, _, _ := Compute(d); k.ROI != nil {
		t.Errorf("ROI without any invoice must be empty, got %v", *k.ROI)
	}
	if got, ok := Convert(34, "TRY", "USD"); !ok || math.Abs(got-1) > 1e-9 {
		t.Errorf("Convert TRY→USD = %v", got)
	}
	// A currency the table does not list is never taken as 1:1 with the dollar.
	if got, ok := Convert(50000, "RUB", "TRY"); ok || got != 0 || NoRate("RUB", "TRY") != "RUB" || NoRate("usd", "JPY") != "JPY" {
		t.Errorf("Convert RUB→TRY = %v, %v; no rate for %q, %q", got, ok, NoRate("RUB", "TRY"), NoRate("usd", "JPY"))
	}
}

// The lead funnel counts the leads that reached each step, so every step is at most the one
// before it (stage-to-next conversion ≤ 100 %); lost leads stand apart under it.
func TestFunnelStepsNeverExceedTheStepBefore(t *testing.T) {
	d := &Dataset{Now: time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC), Currency: "TRY",
		LeadStages: map[string]int{"new": 40, "contacted": 12, "qualified": 20, "proposal": 5, "won": 9, "lost": 30}}
	k, _, f, ms := Compute(d)
	fig := BuildCharts(d, k, f, ms)["lead_funnel"]
	if len(fig.Data) != 1 {
		t.Fatalf("funnel traces %d", len(fig.Data))
	}
	xs, ys := fig.Data[0]["x"].([]int), fig.Data[0]["y"].([]string)
	want := []int{86, 46, 34, 14, 9} // reached: new … won, lost left out
	if fmt.Sprint(xs) != fmt.Sprint(want) {
		t.Errorf("steps %v, want %v", xs, want)
	}
	for _, y := range ys {
		if strings.Contains(y, "lost") {
			t.Errorf("lost is a funnel step: %v", ys)
		}
	}
	// The steps' texts are the server's (Plotly's own percent is always "72%"): the count, then
	// the share of the step before as the reader's language writes it.
	if fig.Data[0]["textinfo"] != "text" {
		t.Errorf("textinfo %v", fig.Data[0]["textinfo"])
	}
	text := Localize(fig.Data[0]["text"].([]string)[2], i18n.For("tr"), nil)
	if text != "34<br>%74" {
		t.Errorf("third step's text in Turkish %q", text)
	}
	note := Localize(fig.Layout["annotations"].([]map[string]any)[0]["text"], i18n.For("en"), nil)
	if note != "Lost: 30" {
		t.Errorf("lost note %v", note)
	}
}

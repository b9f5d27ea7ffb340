// Package analytics builds the KPI snapshot (guide: 11-kpi-center.md): KPI fields computed from the tenant's
// records, the chart_pack the KPI page draws, the high-value-customer (HVC) segmentation, a
// revenue forecast, and the recommendations a refresh generates.
package analytics

import (
	"math"
	"sort"
	"strings"
	"time"
)

// ModelName names the snapshot builder and its forecast model; it is shown as a badge.
const ModelName = "analytics-1 / holt-linear"

// PeriodMonths is the reporting window: the current calendar month and the five before it, months
// in the business's time zone (Dataset.Zone).
// Paid revenue and the AI budget of the ROI are both taken over this window.
const PeriodMonths = 6

// USDRates is the fixed conversion table: units of a currency per 1 US dollar. It converts the
// AI budget (kept in USD) and amounts in foreign currencies into the tenant currency. Fixed on
// purpose: a KPI must not move because an exchange rate did; the guide prints the table and says
// where its numbers come from (rounded market rates of 2024; the Gulf and Jordanian currencies are
// their central banks' pegs to the dollar).
// A currency not listed is never guessed: Convert refuses it, and the amount is left out of the
// sums and named on the KPI page (KPI.Unconverted, KPI.BudgetNoRate).
var USDRates = map[string]float64{
	"USD": 1, "EUR": 0.92, "GBP": 0.79, "TRY": 34, "CHF": 0.88, "SAR": 3.75, "AED": 3.67,
	"QAR": 3.64, "BHD": 0.376, "OMR": 0.3845, "JOD": 0.709,
}

// Convert changes amount from currency from into currency to with USDRates. ok is false when
// either currency is not in the table (and they differ): the amount cannot be converted, and 0
// is returned rather than a guess.
func Convert(amount float64, from, to string) (v float64, ok bool) {
	from, to = strings.ToUpper(from), strings.ToUpper(to)
	if from == to {
		return amount, true
	}
	if NoRate(from, to) != "" {
		return 0, false
	}
	return amount / USDRates[from] * USDRates[to], true
}

// NoRate names the currency of the pair from → to that USDRates has no rate for (from first),
// or "" when both are listed or they are the same.
func NoRate(from, to string) string {
	from, to = strings.ToUpper(from), strings.ToUpper(to)
	if from == to {
		return ""
	}
	if _, ok := USDRates[from]; !ok {
		return from
	}
	if _, ok := USDRates[to]; !ok {
		return to
	}
	return ""
}

// Unconverted counts the records of one kind in one currency whose amount the rate table could
// not convert into the tenant currency: they are left out of every sum (revenue, paid revenue,
// the forecast, the quoted value, the ROI), and the KPI page says so.
type Unconverted struct {
	Kind     string `json:"kind"`     // order (not cancelled), invoice (paid) or quote (sent)
	Currency string `json:"currency"` // the records' currency
	Missing  string `json:"missing"`  // the currency without a rate: theirs, or the tenant's
	Count    int    `json:"count"`
}

// unconverted collects Unconverted entries while the dataset is read.
type unconverted []Unconverted

func (u *unconverted) add(kind, cur, missing string) {
	cur = strings.ToUpper(cur)
	for i := range *u {
		if x := &(*u)[i]; x.Kind == kind && x.Currency == cur {
			x.Count++
			return
		}
	}
	*u = append(*u, Unconverted{Kind: kind, Currency: cur, Missing: missing, Count: 1})
}

// kindOrder is the order the page names unconverted records in.
var kindOrder = map[string]int{"order": 0, "invoice": 1, "quote": 2}

// sorted returns the entries by kind (orders, invoices, quotes), then currency.
func (u unconverted) sorted() []Unconverted {
	out := append([]Unconverted(nil), u...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
		}
		return out[i].Currency < out[j].Currency
	})
	return out
}

// Order is one order as the snapshot sees it (total already in tenant currency).
type Order struct {
	CustomerID int64
	Status     string
	Total      float64
	At         int64
	// NoRate: its currency could not be converted (Total is 0); it still counts as an order of
	// its customer, but in no sum or mean of amounts.
	NoRate bool
}

// Invoice is one invoice as the snapshot sees it (amount already in tenant currency).
type Invoice struct {
	CustomerID int64
	Status     string
	Amount     float64
	PaidAt     int64
	NoRate     bool // its currency could not be converted (Amount is 0)
}

// LeadPoint is one dot of the lead_3d chart.
type LeadPoint struct {
	Name          string
	Qualification float64 // best conversation qualification score, 0–100
	Messages      int     // messages exchanged (engagement)
	Potential     float64 // open + won order totals of the lead's customer, tenant currency
	Stage         string
}

// RecPoint is one dot of the decision_3d chart.
type RecPoint struct {
	Title      string // as stored (English for the assistant's own), shown when Words is empty
	Words      string // the stored kind and parameters (app/words.Rec): the title in the reader's language
	Confidence float64
	Urgency    float64
	ActionType string
}

// Dataset is everything the snapshot needs, read from the tenant database in a few aggregate
// queries (see Load) so that building is fast even with 100,000 leads.
type Dataset struct {
	Channels []string // the channel registry's names, in screen order (Params.Channels)
	Now      time.Time
	// Zone is the business's time zone (the business hours page's), whose calendar months the
	// period, the monthly series and the forecast count in; nil: UTC.
	Zone      *time.Location
	Currency  string
	BudgetUSD float64

	Quotes          QuoteFigures   // written quotes sent (app/quotes)
	Visits          VisitFigures   // site visits (app/visits)
	LeadStages      map[string]int // stage → leads
	LeadsNamed      int            // leads with a name
	LeadsReachable  int            // leads with a phone or an email
	LeadsErased     int            // leads a KVKK erasure emptied (left out of data quality)
	LeadsLast30     int            // leads created in the last 30 days
	LeadsPrev30     int            // leads created 30–60 days ago
	Customers       int
	CustomersContac int // customers with a phone or an email
	CustomersErased int // customers a KVKK erasure emptied (left out of data quality)

	Conversations     int
	ConvInbound       int                       // conversations with at least one inbound message
	ConvReplied       int                       // … of which got at least one reply (loadConversations)
	ChannelState      map[string]map[string]int // channel → state → conversations
	OutboundMessages  int
	OutboundAIMessage int

	Orders   []Order
	Invoices []Invoice
	// Unconverted are the orders, invoices and quotes left out of the sums: no fixed rate.
	Unconverted unconverted
	Values      []CustomerValue // per customer, for HVC

	LeadPoints []LeadPoint
	RecPoints  []RecPoint
}

// KPI is the stored KPI object of a snapshot. Rates and scores are percentages (0–100).
type KPI struct {
	// LeadCount is the number of leads ever recorded.
	LeadCount int `json:"lead_count"`
	// CustomerCount is the number of customer records.
	CustomerCount int `json:"customer_count"`
	// ConversationCount is the number of conversations on every channel.
	ConversationCount int `json:"conversation_count"`
	// ConversionRate is won leads / leads × 100.
	ConversionRate float64 `json:"conversion_rate"`
	// EngagementRate is the share of conversations with an inbound message that received at
	// least one reply (a person's or the assistant's, not failed, not a send-later one still
	// waiting), × 100.
	EngagementRate float64 `json:"engagement_rate"`
	// DataQualityScore is the mean of three completeness shares: leads with a name, leads with a
	// phone or email, customers with a phone or email (each 0–100; a share with no records is
	// left out). People emptied by a KVKK erasure are left out of the shares.
	DataQualityScore float64 `json:"data_quality_score"`
	// AutomationScore is the share of replies (outbound messages a person or the assistant wrote,
	// not refused by the channel, not waiting to be sent later) the AI assistant wrote, × 100.
	AutomationScore float64 `json:"automation_score"`
	// ForecastAccuracy is 1 − MAPE of the revenue forecast backtested on the last months, × 100.
	ForecastAccuracy float64 `json:"forecast_accuracy"`
	// ForecastBacktest is how many months the accuracy was measured on; 0 means too little
	// history, and the page says so instead of showing an accuracy of 0 %.
	ForecastBacktest int `json:"forecast_backtest"`
	// AvgOrder is the mean total of orders that were not cancelled, tenant currency.
	AvgOrder float64 `json:"avg_order"`
	// PaidRevenue is the sum of paid invoices whose paid date falls in the period (not after the
	// current month).
	PaidRevenue float64 `json:"paid_revenue"`
	// PipelineRevenue is the sum of the totals of open orders.
	PipelineRevenue float64 `json:"pipeline_revenue"`
	// QualifiedLeads counts leads at stage qualified, proposal or won.
	QualifiedLeads int `json:"qualified_leads"`
	// WonLeads counts leads at stage won.
	WonLeads int `json:"won_leads"`
	// HVCCount is the number of customers whose HVC score reaches HVCThreshold.
	HVCCount int `json:"hvc_count"`
	// HVCRevenueShare is the share of all paid revenue paid by HVC customers, × 100.
	HVCRevenueShare float64 `json:"hvc_revenue_share"`
	// AvgHVCScore is the mean HVC score of the HVC customers.
	AvgHVCScore float64 `json:"avg_hvc_score"`
	// BudgetPeriod is the AI budget of the period in tenant currency (monthly USD × months × rate).
	BudgetPeriod float64 `json:"budget_period"`
	// ROI is (PaidRevenue − BudgetPeriod) / BudgetPeriod × 100; nil when there is no budget, and
	// nil when the business has recorded no invoice at all: a business that keeps no invoices here
	// (the sales records off, an IT provider billing elsewhere) has no revenue to set against the
	// budget, and −100 % would say its assistant lost everything.
	ROI *float64 `json:"roi"`
	// BudgetNoRate: the AI budget (USD) cannot be converted into Currency, which has no fixed
	// rate; BudgetPeriod is 0 and ROI nil, and the page says why instead of a guessed number.
	BudgetNoRate bool `json:"budget_no_rate,omitempty"`
	// Unconverted are the orders, invoices and quotes whose currency the fixed rate table cannot
	// convert into Currency, per kind and currency: they are in none of the sums above.
	Unconverted []Unconverted `json:"unconverted,omitempty"`
	// Currency is the tenant currency all amounts are in.
	Currency string `json:"currency"`
	// PeriodStart is the first millisecond of the period.
	PeriodStart int64 `json:"period_start"`
	// HVCTop names the customer with the highest HVC score ("" when none).
	HVCTop string `json:"hvc_top"`
	// HVCTopScore is that customer's score.
	HVCTopScore float64 `json:"hvc_top_score"`
	// HVCConfidence is the methodology-confidence badge: high, medium or low.
	HVCConfidence string `json:"hvc_confidence"`
	// DataCompleteness is the HVC data completeness, 0–100.
	DataCompleteness float64 `json:"data_completeness"`
	// QuotesSent counts written quotes sent to customers (each quote number once).
	QuotesSent int `json:"quotes_sent"`
	// QuotedValue is the total (incl. VAT) of the sent quotes' newest sent revisions.
	QuotedValue float64 `json:"quoted_value"`
	// QuoteAcceptanceRate is accepted quotes / sent quotes × 100.
	QuoteAcceptanceRate float64 `json:"quote_acceptance_rate"`
	// QuoteLeadHours is the median time from a lead's first message to its quote's first sending, hours.
	QuoteLeadHours float64 `json:"quote_lead_hours"`
	// VisitsBooked counts site visits booked; VisitsDone those closed as done.
	VisitsBooked int `json:"visits_booked"`
	VisitsDone   int `json:"visits_done"`
	// VisitNoShowRate is no-show visits / (done + no-show) × 100.
	VisitNoShowRate float64 `json:"visit_no_show_rate"`
	// VisitLeadHours is the median time from a lead's first message to its first done visit, hours.
	VisitLeadHours float64 `json:"visit_lead_hours"`
	// VisitWonRate is leads with a done visit now won / leads with a done visit × 100.
	VisitWonRate float64 `json:"visit_won_rate"`
}

// PeriodStart returns the first instant of the reporting window that ends at now, its months
// those of the calendar in loc (the business's time zone; nil: UTC).
func PeriodStart(now time.Time, loc *time.Location) time.Time {
	l := now.In(zoneOr(loc))
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, l.Location()).AddDate(0, -(PeriodMonths - 1), 0)
}

// PeriodEnd returns the first instant after the reporting window that ends at now: the first of
// the next month in loc (nil: UTC).
func PeriodEnd(now time.Time, loc *time.Location) time.Time {
	l := now.In(zoneOr(loc))
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, l.Location()).AddDate(0, 1, 0)
}

// zoneOr is loc, or UTC when nil.
func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

func pctOf(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return round1(100 * float64(n) / float64(d))
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Compute derives the KPI fields, the HVC segmentation and the forecast from a dataset.
func Compute(d *Dataset) (KPI, HVCResult, Forecast, MonthSeries) {
	k := KPI{Currency: d.Currency}
	for _, n := range d.LeadStages {
		k.LeadCount += n
	}
	k.WonLeads = d.LeadStages["won"]
	quoteKPI(&k, d.Quotes)
	visitKPI(&k, d.Visits)
	k.QualifiedLeads = d.LeadStages["qualified"] + d.LeadStages["proposal"] + d.LeadStages["won"]
	k.CustomerCount = d.Customers
	k.ConversationCount = d.Conversations
	k.ConversionRate = pctOf(k.WonLeads, k.LeadCount)
	k.EngagementRate = pctOf(d.ConvReplied, d.ConvInbound)
	var parts []float64
	if n := k.LeadCount - d.LeadsErased; n > 0 {
		parts = append(parts, 100*float64(d.LeadsNamed)/float64(n), 100*float64(d.LeadsReachable)/float64(n))
	}
	if n := d.Customers - d.CustomersErased; n > 0 {
		parts = append(parts, 100*float64(d.CustomersContac)/float64(n))
	}
	if len(parts) > 0 {
		var s float64
		for _, p := range parts {
			s += p
		}
		k.DataQualityScore = round1(s / float64(len(parts)))
	}
	k.AutomationScore = pctOf(d.OutboundAIMessage, d.OutboundMessages)

	start := PeriodStart(d.Now, d.Zone)
	k.PeriodStart = start.UnixMilli()
	var orderSum float64
	var orderN int
	for _, o := range d.Orders {
		switch o.Status {
		case "open":
			k.PipelineRevenue += o.Total
		case "cancelled":
			continue
		}
		if o.NoRate {
			continue
		}
		orderSum += o.Total
		orderN++
	}
	if orderN > 0 {
		k.AvgOrder = round2(orderSum / float64(orderN))
	}
	// The period ends with the current month, as the revenue chart does: a payment dated later (a
	// post-dated cheque, a year typed wrong) is revenue of its own month once that month comes.
	end := PeriodEnd(d.Now, d.Zone).UnixMilli()
	for _, inv := range d.Invoices {
		if inv.Status == "paid" && inv.PaidAt >= k.PeriodStart && inv.PaidAt < end {
			k.PaidRevenue += inv.Amount
		}
	}
	k.PaidRevenue = round2(k.PaidRevenue)
	k.PipelineRevenue = round2(k.PipelineRevenue)
	if budget, ok := Convert(d.BudgetUSD*PeriodMonths, "USD", d.Currency); ok {
		k.BudgetPeriod = round2(budget)
	} else if d.BudgetUSD > 0 {
		k.BudgetNoRate = true
	}
	k.Unconverted = d.Unconverted.sorted()
	if k.BudgetPeriod > 0 && len(d.Invoices) > 0 {
		roi := round1((k.PaidRevenue - k.BudgetPeriod) / k.BudgetPeriod * 100)
		k.ROI = &roi
	}

	h := ScoreCustomers(d.Now.UnixMilli(), d.Values)
	k.HVCCount = h.Count
	k.HVCRevenueShare = round1(h.RevenueShare)
	k.AvgHVCScore = round1(h.AvgScore)
	k.HVCConfidence = h.Confidence
	k.DataCompleteness = round1(h.Completeness)
	if h.Top != nil {
		k.HVCTop, k.HVCTopScore = h.Top.Name, h.Top.Score
	}

	ms := Monthly(d)
	f := BuildForecast(ms.Completed(), 3)
	k.ForecastAccuracy = round1(f.Accuracy)
	k.ForecastBacktest = f.Backtest
	return k, h, f, ms
}

// MonthSeries is paid revenue per calendar month of the business's time zone (Dataset.Zone),
// oldest first; the last month is the current, incomplete one.
type MonthSeries struct {
	Months []time.Time // each month's first day, midnight in the zone
	Paid   []float64
	Orders []float64 // totals of orders placed that month (not cancelled)
}

// Completed returns paid revenue of the months that are over, starting at the first month with
// any revenue, so that a young business is not forecast from leading zeros.
func (m MonthSeries) Completed() []float64 {
	if len(m.Paid) < 2 {
		return nil
	}
	s := m.Paid[:len(m.Paid)-1]
	for i, v := range s {
		if v > 0 {
			return s[i:]
		}
	}
	return nil
}

// Monthly buckets the last twelve months of paid invoices and orders, months as the business's
// calendar has them: a payment at 00:30 on the 1st in Istanbul (21:30 UTC the day before) is
// the new month's.
func Monthly(d *Dataset) MonthSeries {
	loc := zoneOr(d.Zone)
	l := d.Now.In(loc)
	first := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -11, 0)
	ms := MonthSeries{}
	for i := 0; i < 12; i++ {
		ms.Months = append(ms.Months, first.AddDate(0, i, 0))
	}
	ms.Paid = make([]float64, 12)
	ms.Orders = make([]float64, 12)
	idx := func(at int64) int {
		t := time.UnixMilli(at).In(loc)
		i := (t.Year()-first.Year())*12 + int(t.Month()) - int(first.Month())
		if i < 0 || i >= 12 {
			return -1
		}
		return i
	}
	for _, inv := range d.Invoices {
		if inv.Status == "paid" {
			if i := idx(inv.PaidAt); i >= 0 {
				ms.Paid[i] += inv.Amount
			}
		}
	}
	for _, o := range d.Orders {
		if o.Status != "cancelled" {
			if i := idx(o.At); i >= 0 {
				ms.Orders[i] += o.Total
			}
		}
	}
	return ms
}

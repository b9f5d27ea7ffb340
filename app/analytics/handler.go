package analytics

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"time"

	"highvibe/app/auth"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
	"highvibe/app/words"
)

// Handler serves the KPI & Action Center (/app/analytics/...).
type Handler struct {
	Render   *web.Renderer
	Log      *slog.Logger
	Channels []string // the channel registry's names (rows of the segment heatmap)
	// Attribution builds the conversion tracking module's attribution report (app/conversions,
	// handed in by the server so analytics imports no room that builds on it); nil: none.
	Attribution func(*http.Request) (any, error)
}

// Card is one KPI card of the page.
type Card struct {
	Key, Label, Value, Definition string
	// Empty says why the card shows "—" instead of a figure: a rate, a mean or a median of
	// nothing ("no leads yet"), which a 0.0 % or a 0.0 h would pass off as a measurement; on the
	// ROI card above ROIShownUpTo, what the budget and the revenue are.
	Empty string
}

// ROIShownUpTo is the largest ROI % the cards print: above it (an AI budget under a hundredth
// of the paid revenue) they say "over 10,000 %" with the budget and the revenue it compares.
// The snapshot (chart_pack.json's kpi.roi) keeps the exact figure.
const ROIShownUpTo = 10000

// ChartSlot is one chart placeholder of the page.
type ChartSlot struct {
	Key, Title, Empty string
	Wide              bool
	Note              string // a line under the chart (the forecast: how the seasonal calendar raises it)
}

type pageData struct {
	Snap       *Snapshot
	Cards      []Card
	Charts     []ChartSlot
	LeadGen    []Rec
	Response   *Response
	RespWall   string // the median first response in clock time, worded
	RespBiz    string // ... in business time
	CanRefresh bool
	CanDecide  bool
	Stale      bool
	// Unconverted says, one sentence each, which amounts the fixed rate table could not convert
	// and so are in none of the sums, and why (KPI.Unconverted, KPI.BudgetNoRate).
	Unconverted []string
	MSP         *mspView // the MSP reports; nil while the msp module is off or the snapshot has none
	// Attribution is the conversion tracking report (leads, qualified, won, revenue by source,
	// campaign and ad platform); nil while the module is off.
	Attribution any
}

// mspView is the MSP section of the page: its cards and its chart slots.
type mspView struct {
	Cards  []Card
	Charts []ChartSlot
	Months int
}

func mspSection(c *web.Ctx, p *MSPPayload) *mspView {
	v := &mspView{Months: len(p.Months)}
	s := p.Summary
	compliance := "—"
	if s.CompliancePct != nil {
		compliance = c.P.Percent(*s.CompliancePct, 1)
	}
	minutes := func(m float64) string {
		if m == 0 {
			return "—"
		}
		return durationWords(c.T, time.Duration(m*float64(time.Minute)))
	}
	for _, it := range []struct{ key, val string }{
		{"sla_compliance", compliance},
		{"mean_first_response", minutes(s.MeanFirstResponse)},
		{"mean_resolution", minutes(s.MeanResolution)},
		{"tickets", c.P.Int(int64(s.Tickets))},
		{"billable_hours", c.T("analytics.msp.hours", c.P.Number(s.BillableHours, 1))},
	} {
		v.Cards = append(v.Cards, Card{Key: "msp_" + it.key, Label: c.T("analytics.msp.kpi." + it.key), Value: it.val,
			Definition: c.T("analytics.msp.def." + it.key)})
	}
	for _, k := range MSPChartKeys {
		v.Charts = append(v.Charts, ChartSlot{Key: MSPKey + ".figures." + k, Title: c.T("analytics.msp.chart." + k),
			Empty: c.T("analytics.msp.empty." + k), Wide: true})
	}
	return v
}

func params(c *web.Ctx, trigger string, channels []string) Params {
	p := ParamsFrom(c.Tenant.Setting)
	p.ActorID, p.Trigger, p.Channels = c.UserID(), trigger, channels
	p.MSP = c.HasModule(platform.ModuleMSP)
	p.Seasonal = c.HasModule(platform.ModuleSeasonal)
	if c.User != nil {
		p.ActorName = c.User.Username
	}
	return p
}

// Page renders the KPI page. With ?refresh=1 a member allowed to refresh rebuilds the snapshot
// first; everyone else sees the cached one. A stale snapshot is rebuilt in the background.
func (h *Handler) Page(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	if r.URL.Query().Get("refresh") == "1" && c.Can(auth.RefreshKPI) {
		if _, err := Refresh(ctx, c.DB, params(c, "query", h.Channels)); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	} else if err := EnsureFresh(ctx, c.Tenant.Slug, c.DB); err != nil && h.Log != nil {
		h.Log.Error("analytics: ensure fresh", "tenant", c.Tenant.Slug, "err", err)
	}
	snap, err := Latest(ctx, c.DB)
	if err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	d := &pageData{Snap: snap, CanRefresh: c.Can(auth.RefreshKPI), CanDecide: c.Can(auth.DecideRecommendations)}
	if snap != nil {
		d.Stale = snap.Stale(time.Now())
		d.Cards = cards(c, &snap.KPI)
		d.Unconverted = unconvertedWords(c, &snap.KPI)
		if c.HasModule(platform.ModuleMSP) {
			if p := MSPFromPack(snap.ChartPack); p != nil {
				d.MSP = mspSection(c, p)
			}
		}
	}
	for _, k := range ChartKeys {
		slot := ChartSlot{Key: k, Title: c.T("analytics.chart." + k), Empty: c.T("analytics.empty." + k),
			Wide: k == "revenue_series" || k == "forecast_payload" || k == "segment_heatmap"}
		if k == "forecast_payload" && c.HasModule(platform.ModuleSeasonal) {
			slot.Note = c.T("analytics.forecast.seasonal_note")
		}
		d.Charts = append(d.Charts, slot)
	}
	if d.LeadGen, err = OpenLeadGeneration(ctx, c.DB); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Response, err = ResponseTimes(ctx, c.DB, time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.RespWall, d.RespBiz = durationWords(c.T, d.Response.MedianWall), durationWords(c.T, d.Response.MedianBusiness)
	if h.Attribution != nil && c.HasModule(platform.ModuleConversionTracking) {
		if d.Attribution, err = h.Attribution(r); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, http.StatusOK, "analytics/index", &web.Page{Title: c.T("analytics.title"), Nav: "kpi", Guide: "kpi-center", Data: d})
}

// Refresh is POST /app/analytics/refresh (RefreshKPI only; the route enforces it).
func (h *Handler) Refresh(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if _, err := Refresh(r.Context(), c.DB, params(c, "button", h.Channels)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "analytics.refreshed")
	web.Redirect(w, r, "/app/analytics/")
}

// ChartPack is GET /app/analytics/chart_pack.json: the latest snapshot with chart texts and
// numbers in the reader's language, its charts mirrored for a right-to-left one (Mirror). Before the first snapshot it answers the same shape with empty parts.
func (h *Handler) ChartPack(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	snap, err := Latest(r.Context(), c.DB)
	if errors.Is(err, tenantdb.ErrNotFound) {
		_ = EnsureFresh(r.Context(), c.Tenant.Slug, c.DB)
		web.JSON(w, http.StatusOK, map[string]any{"generated_at": nil, "model_name": ModelName, "kpi": map[string]any{}, "chart_pack": map[string]any{}})
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var cp any
	if err := json.Unmarshal(snap.ChartPack, &cp); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// A snapshot built while the msp module was on keeps its MSP part; with the module off it is
	// not served.
	if m, ok := cp.(map[string]any); ok && !c.HasModule(platform.ModuleMSP) {
		delete(m, MSPKey)
	}
	cp = Localize(cp, c.P, func(w string) string { return c.P.Say(words.RecTitle(w, "")) })
	if i18n.Dir(c.P.Lang) == "rtl" {
		Mirror(cp)
	}
	web.JSON(w, http.StatusOK, map[string]any{
		"generated_at": time.UnixMilli(snap.GeneratedAt).UTC().Format(time.RFC3339),
		"model_name":   snap.ModelName, "kpi": snap.KPI, "chart_pack": cp})
}

// unconvertedWords says which amounts the fixed rate table could not convert: "2 orders in RUB
// are not counted: HighVibe has no fixed rate for RUB", and the AI budget's when the business's
// own currency has no rate.
func unconvertedWords(c *web.Ctx, k *KPI) []string {
	var out []string
	if k.BudgetNoRate {
		out = append(out, c.T("analytics.unconverted.budget", k.Currency))
	}
	for _, u := range k.Unconverted {
		out = append(out, c.P.Plural("analytics.unconverted."+u.Kind, u.Count, u.Currency, u.Missing))
	}
	return out
}

func cards(c *web.Ctx, k *KPI) []Card {
	p := c.P
	// A card is a headline figure: whole units ("17.694.609 ₺", not "17.694.609,00 ₺"); the
	// pages behind it (orders, invoices, quotes) show the exact amounts.
	money := func(v float64) string { return p.WholeMoney(int64(math.Round(v)), k.Currency) }
	pct := func(v float64) string { return p.Percent(v, 1) }
	roi, roiNote := "—", ""
	if k.ROI != nil {
		// The ROI % the SPEC defines: shown as a multiple ("4,337×") it read as "revenue per unit
		// of AI spend", crediting all paid revenue to the AI. Against a budget under a hundredth
		// of the revenue the percentage ("625,279.4 %") says nothing an owner can use and makes
		// every other figure look as invented: the card says "over 10,000 %" and what it compares.
		roi = pct(*k.ROI)
		if *k.ROI > ROIShownUpTo {
			roi = c.T("analytics.kpi.roi_over", p.Percent(ROIShownUpTo, 0))
			roiNote = c.T("analytics.kpi.roi_small_budget", money(k.BudgetPeriod), money(k.PaidRevenue), p.Percent(1, 0))
		}
	}
	accuracy := pct(k.ForecastAccuracy)
	if k.ForecastBacktest == 0 && k.ForecastAccuracy == 0 {
		accuracy = c.T("analytics.forecast.no_history")
	}
	// A rate, a mean or a median over nothing is no figure: a new business read "Conversion
	// 0.0%" and "Time to quote 0.0 h" before its first lead. Such a card shows "—" and says what
	// is missing; a count or a sum of nothing is a true 0 and stays.
	none := func(empty bool, why string) string {
		if empty {
			return why
		}
		return ""
	}
	roiWhy := ""
	if k.ROI == nil && !k.BudgetNoRate {
		roiWhy = "roi_no_invoices"
		if k.BudgetPeriod == 0 {
			roiWhy = "roi_no_budget"
		}
	}
	noVisit := k.VisitsDone == 0 && k.VisitNoShowRate == 0 // neither done nor missed: a no-show alone is 100 %
	list := []struct{ key, val, empty string }{
		{"roi", roi, roiWhy},
		{"paid_revenue", money(k.PaidRevenue), ""},
		{"pipeline_revenue", money(k.PipelineRevenue), ""},
		{"avg_order", money(k.AvgOrder), none(k.AvgOrder == 0, "orders")},
		{"lead_count", p.Int(int64(k.LeadCount)), ""},
		{"qualified_leads", p.Int(int64(k.QualifiedLeads)), ""},
		{"won_leads", p.Int(int64(k.WonLeads)), ""},
		{"conversion_rate", pct(k.ConversionRate), none(k.LeadCount == 0, "leads")},
		{"quoted_value", money(k.QuotedValue), ""},
		{"quote_acceptance_rate", pct(k.QuoteAcceptanceRate), none(k.QuotesSent == 0, "quotes")},
		{"quote_lead_hours", c.T("quotes.kpi.hours", p.Number(k.QuoteLeadHours, 1)), none(k.QuotesSent == 0, "quotes")},
		{"visits_booked", p.Int(int64(k.VisitsBooked)), ""},
		{"visits_done", p.Int(int64(k.VisitsDone)), ""},
		{"visit_no_show_rate", pct(k.VisitNoShowRate), none(noVisit, "visits_closed")},
		{"visit_lead_hours", c.T("quotes.kpi.hours", p.Number(k.VisitLeadHours, 1)), none(k.VisitsDone == 0, "visits_done")},
		{"visit_won_rate", pct(k.VisitWonRate), none(k.VisitsDone == 0, "visits_done")},
		{"customer_count", p.Int(int64(k.CustomerCount)), ""},
		{"conversation_count", p.Int(int64(k.ConversationCount)), ""},
		{"engagement_rate", pct(k.EngagementRate), none(k.ConversationCount == 0, "conversations")},
		{"automation_score", pct(k.AutomationScore), none(k.ConversationCount == 0, "conversations")},
		{"data_quality_score", pct(k.DataQualityScore), none(k.LeadCount == 0 && k.CustomerCount == 0, "records")},
		{"forecast_accuracy", accuracy, ""},
		{"hvc_count", p.Int(int64(k.HVCCount)), ""},
		{"hvc_revenue_share", pct(k.HVCRevenueShare), none(k.PaidRevenue == 0, "revenue")},
		{"avg_hvc_score", p.Number(k.AvgHVCScore, 1), none(k.HVCCount == 0, "hvc")},
	}
	out := make([]Card, 0, len(list))
	for _, it := range list {
		card := Card{Key: it.key, Label: c.T("analytics.kpi." + it.key), Value: it.val, Definition: c.T("analytics.def." + it.key)}
		if it.empty != "" {
			card.Value, card.Empty = "—", c.T("analytics.kpi.empty."+it.empty)
		}
		if it.key == "roi" && roiNote != "" {
			card.Empty = roiNote
		}
		out = append(out, card)
	}
	return out
}

package analytics

import (
	"encoding/json"
	"math"
	"time"

	"highvibe/app/msp"
)

// MSPKey is the chart_pack key of the MSP reports (only when the tenant has the msp module on).
const MSPKey = "msp_payload"

// MSPChartKeys are the MSP figures under chart_pack.msp_payload.figures, in page order.
var MSPChartKeys = []string{"sla_compliance", "tickets_by_client", "tickets_by_category", "billable_hours", "contract_usage"}

// MSPSummary is the MSP numbers the KPI page shows as cards.
type MSPSummary struct {
	Tickets           int      `json:"tickets"`
	Open              int      `json:"open"`
	Decided           int      `json:"sla_decided"`
	Met               int      `json:"sla_met"`
	CompliancePct     *float64 `json:"sla_compliance_pct"` // null while no outcome is known
	MeanFirstResponse float64  `json:"mean_first_response_min"`
	MeanResolution    float64  `json:"mean_resolution_min"`
	Responded         int      `json:"responded"`
	Resolved          int      `json:"resolved"`
	BillableHours     float64  `json:"billable_hours"`
}

// MSPPayload is chart_pack.msp_payload: the report's numbers and its figures.
type MSPPayload struct {
	Zone    string               `json:"zone"`
	Months  []string             `json:"months"`
	Summary MSPSummary           `json:"summary"`
	SLA     map[string]MSPSeries `json:"sla_by_priority"`
	ByMonth MSPSeries            `json:"sla_by_month"`
	Clients []map[string]any     `json:"tickets_by_client"`
	Cats    []map[string]any     `json:"tickets_by_category"`
	Hours   []map[string]any     `json:"hours_by_client"`
	Usage   []map[string]any     `json:"contract_usage"`
	Figures map[string]Figure    `json:"figures"`
}

// MSPSeries is one SLA series over the report's months.
type MSPSeries struct {
	Decided []int      `json:"decided"`
	Met     []int      `json:"met"`
	Pct     []*float64 `json:"pct"` // null for a month without outcomes
}

func pct(c msp.SLACount) *float64 {
	if c.Decided == 0 {
		return nil
	}
	v := math.Round(c.Percent()*10) / 10
	return &v
}

func series(cs []msp.SLACount) MSPSeries {
	s := MSPSeries{Decided: make([]int, len(cs)), Met: make([]int, len(cs)), Pct: make([]*float64, len(cs))}
	for i, c := range cs {
		s.Decided[i], s.Met[i], s.Pct[i] = c.Decided, c.Met, pct(c)
	}
	return s
}

func hoursOf(min int) float64 { return math.Round(float64(min)/60*10) / 10 }

func minutesOf(d time.Duration) float64 { return math.Round(d.Minutes()*10) / 10 }

// clientLabel is a client's name, or the words for "no client".
func clientLabel(name string) string {
	if name == "" {
		return tr("analytics.msp.no_client")
	}
	return name
}

// mspPayload turns the MSP room's report into chart_pack.msp_payload.
func mspPayload(r *msp.Report) *MSPPayload {
	p := &MSPPayload{Zone: r.Zone, Months: r.Months, SLA: map[string]MSPSeries{}, ByMonth: series(r.ByMonth), Figures: map[string]Figure{}}
	billable := 0
	for _, h := range r.Hours {
		billable += h.Billable
	}
	p.Summary = MSPSummary{Tickets: r.Tickets, Open: r.Open, Decided: r.Total.Decided, Met: r.Total.Met, CompliancePct: pct(r.Total),
		MeanFirstResponse: minutesOf(r.MeanFirstResponse), MeanResolution: minutesOf(r.MeanResolution), Responded: r.Responded,
		Resolved: r.Resolved, BillableHours: hoursOf(billable)}
	for _, pr := range msp.Priorities {
		p.SLA[pr] = series(r.SLA[pr])
	}
	p.Clients, p.Cats, p.Hours, p.Usage = []map[string]any{}, []map[string]any{}, []map[string]any{}, []map[string]any{}
	for _, c := range r.ByClient {
		p.Clients = append(p.Clients, map[string]any{"client": clientLabel(c.Name), "count": c.Count})
	}
	for _, c := range r.ByCategory {
		p.Cats = append(p.Cats, map[string]any{"category": c.Key, "label": tr("msp.category_" + c.Key), "count": c.Count})
	}
	for _, h := range r.Hours {
		p.Hours = append(p.Hours, map[string]any{"client": clientLabel(h.Name), "billable_hours": hoursOf(h.Billable),
			"non_billable_hours": hoursOf(h.NonBillable)})
	}
	for _, u := range r.Contracts {
		var share *float64
		if u.Included > 0 {
			v := math.Round(float64(u.Used)*1000/float64(u.Included)) / 10
			share = &v
		}
		p.Usage = append(p.Usage, map[string]any{"client": clientLabel(u.Name), "kind": u.Kind, "month": u.Month,
			"used_hours": hoursOf(u.Used), "included_hours": hoursOf(u.Included), "pct": share})
	}
	p.Figures["sla_compliance"] = slaFigure(r, p)
	p.Figures["tickets_by_client"] = barFigure("analytics.msp.chart.tickets_by_client", p.Clients, "client", "count")
	p.Figures["tickets_by_category"] = barFigure("analytics.msp.chart.tickets_by_category", p.Cats, "label", "count")
	p.Figures["billable_hours"] = hoursFigure(p)
	p.Figures["contract_usage"] = usageFigure(p)
	for k, f := range p.Figures {
		if f.Data == nil {
			f.Data = []map[string]any{}
			p.Figures[k] = f
		}
	}
	return p
}

// slaFigure: bars of the share met per priority and month, and the line of all tickets.
func slaFigure(r *msp.Report, p *MSPPayload) Figure {
	// Ticks and hovers say the share as the reader's language writes a percentage ("%80" in
	// Turkish), not as Plotly does.
	y := percentAxis([]float64{0, 20, 40, 60, 80, 100})
	y["title"], y["range"] = map[string]any{"text": tr("analytics.msp.axis.percent")}, []int{0, 105}
	f := Figure{Layout: layout("analytics.msp.chart.sla_compliance", map[string]any{"barmode": "group",
		"xaxis": map[string]any{"type": "category"}, "yaxis": y})}
	if r.Total.Decided == 0 {
		return f
	}
	const hover = "%{x}: %{hovertext}<extra>%{fullData.name}</extra>"
	months := make([]string, len(p.Months))
	for i, m := range p.Months {
		months[i] = monthText(m)
	}
	for _, pr := range msp.Priorities {
		s := p.SLA[pr]
		f.Data = append(f.Data, map[string]any{"type": "bar", "name": tr("msp.priority." + pr), "x": months, "y": s.Pct,
			"customdata": s.Decided, "hovertext": pctTexts(s.Pct), "hovertemplate": hover})
	}
	f.Data = append(f.Data, map[string]any{"type": "scatter", "mode": "lines+markers", "name": tr("analytics.msp.series.all"),
		"x": months, "y": p.ByMonth.Pct, "line": map[string]any{"color": "#1f2937"}, "hovertext": pctTexts(p.ByMonth.Pct),
		"hovertemplate": hover})
	return f
}

// pctTexts are the shares as percentage texts ("" for a month without outcomes).
func pctTexts(v []*float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		if x != nil {
			out[i] = pctText(*x, 1)
		}
	}
	return out
}

// hoursTexts are hour counts as the reader's language writes them ("3,5 sa" in Turkish).
func hoursTexts(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		if h, ok := x.(float64); ok {
			out[i] = phrase("analytics.msp.hours", numText(h, 1))
		}
	}
	return out
}

// barFigure is a horizontal bar per row (the longest on top).
func barFigure(title string, rows []map[string]any, label, value string) Figure {
	f := Figure{Layout: layout(title, map[string]any{"yaxis": map[string]any{"type": "category", "autorange": "reversed"}})}
	if len(rows) == 0 {
		return f
	}
	var ys []any
	var xs []any
	for _, r := range rows {
		ys, xs = append(ys, r[label]), append(xs, r[value])
	}
	f.Data = []map[string]any{{"type": "bar", "orientation": "h", "x": xs, "y": ys, "marker": map[string]any{"color": "#1d5bbf"},
		"hovertemplate": "%{y}: %{x}<extra></extra>"}}
	return f
}

// hoursHover is the hover of an hours bar: the client and the hours in the reader's words.
const hoursHover = "%{y}: %{hovertext}<extra>%{fullData.name}</extra>"

// hoursFigure: billable and non-billable hours per client, stacked.
func hoursFigure(p *MSPPayload) Figure {
	f := Figure{Layout: layout("analytics.msp.chart.billable_hours", map[string]any{"barmode": "stack",
		"yaxis": map[string]any{"type": "category", "autorange": "reversed"}})}
	if len(p.Hours) == 0 {
		return f
	}
	var ys, bill, non []any
	for _, h := range p.Hours {
		ys, bill, non = append(ys, h["client"]), append(bill, h["billable_hours"]), append(non, h["non_billable_hours"])
	}
	f.Data = []map[string]any{
		{"type": "bar", "orientation": "h", "name": tr("analytics.msp.series.billable"), "x": bill, "y": ys, "marker": map[string]any{"color": "#1d5bbf"},
			"hovertext": hoursTexts(bill), "hovertemplate": hoursHover},
		{"type": "bar", "orientation": "h", "name": tr("analytics.msp.series.non_billable"), "x": non, "y": ys, "marker": map[string]any{"color": "#9ca3af"},
			"hovertext": hoursTexts(non), "hovertemplate": hoursHover},
	}
	return f
}

// usageFigure: hours used against the hours included, per contract, last month and this month
// (a contract that started this month has no bar for last month).
func usageFigure(p *MSPPayload) Figure {
	f := Figure{Layout: layout("analytics.msp.chart.contract_usage", map[string]any{"barmode": "group",
		"yaxis": map[string]any{"type": "category", "autorange": "reversed"}})}
	if len(p.Usage) == 0 {
		return f
	}
	this := p.Months[len(p.Months)-1]
	var clients []any
	included := map[any]any{}
	used := map[bool]map[any]any{true: {}, false: {}} // this month?
	for _, u := range p.Usage {
		c := u["client"]
		if _, ok := included[c]; !ok {
			clients = append(clients, c)
			included[c] = u["included_hours"]
		}
		used[u["month"] == this][c] = u["used_hours"]
	}
	row := func(m map[any]any) []any {
		out := make([]any, len(clients))
		for i, c := range clients {
			out[i] = m[c]
		}
		return out
	}
	last, now, incl := row(used[false]), row(used[true]), row(included)
	f.Data = []map[string]any{
		{"type": "bar", "orientation": "h", "name": tr("analytics.msp.series.used_last"), "x": last, "y": clients,
			"marker": map[string]any{"color": "#93b4e8"}, "hovertext": hoursTexts(last), "hovertemplate": hoursHover},
		{"type": "bar", "orientation": "h", "name": tr("analytics.msp.series.used_this"), "x": now, "y": clients,
			"marker": map[string]any{"color": "#1d5bbf"}, "hovertext": hoursTexts(now), "hovertemplate": hoursHover},
		{"type": "bar", "orientation": "h", "name": tr("analytics.msp.series.included"), "x": incl, "y": clients,
			"marker": map[string]any{"color": "#d1d5db"}, "hovertext": hoursTexts(incl), "hovertemplate": hoursHover},
	}
	return f
}

// MSPFromPack reads msp_payload out of a stored chart pack (nil when absent).
func MSPFromPack(pack json.RawMessage) *MSPPayload {
	var v struct {
		P *MSPPayload `json:"msp_payload"`
	}
	if err := json.Unmarshal(pack, &v); err != nil {
		return nil
	}
	return v.P
}

package analytics

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"highvibe/app/i18n"
)

// Chart texts are stored as "i18n:<catalog key>" and translated when the chart pack is served
// (Localize), so one stored snapshot serves every language, Turkish and Arabic included.
const i18nPrefix = "i18n:"

func tr(key string) string { return i18nPrefix + key }

// recPrefix marks a recommendation's title stored as its kind and parameters ("i18n-rec:<words JSON>"):
// the hover text of the decision chart, said in the reader's language when served (Localize).
const recPrefix = "i18n-rec:"

// recText is what a decision-chart point says: its words when it has them, else its stored title.
func recText(p RecPoint) string {
	if p.Words != "" {
		return recPrefix + p.Words
	}
	return p.Title
}

// monthPrefix marks a calendar month stored as "i18n-month:2006-01": a chart's month label,
// written with the month's name in the reader's language when served ("Tem 2026", Localize).
const monthPrefix = "i18n-month:"

func monthText(ym string) string { return monthPrefix + ym }

// trArg is tr with one whole-number argument: "i18n:<key>|<n>", translated as T(key, n).
func trArg(key string, n int) string { return i18nPrefix + key + "|" + strconv.Itoa(n) }

// Numbers and phrases inside a chart text are written when the pack is served, as the reader's
// language writes them (Localize), never by Plotly's own formatting: "{{pct:72.2|0}}" is a
// percentage ("%72" in Turkish, "72%" in English, "72 %" in German), "{{num:1250|0}}" a number
// ("1.250" in Turkish), "{{i18n:key|arg}}" a catalog phrase with one argument (a whole number,
// or a text such as a percentage token) and "{{i18n:key}}" one without.
func pctText(v float64, decimals int) string { return numToken("pct", v, decimals) }

func numText(v float64, decimals int) string { return numToken("num", v, decimals) }

func numToken(kind string, v float64, decimals int) string {
	return "{{" + kind + ":" + strconv.FormatFloat(v, 'f', -1, 64) + "|" + strconv.Itoa(decimals) + "}}"
}

func phrase(key string, arg ...string) string {
	if len(arg) == 0 {
		return "{{" + i18nPrefix + key + "}}"
	}
	return "{{" + i18nPrefix + key + "|" + arg[0] + "}}"
}

// Figure is one Plotly figure.
type Figure struct {
	Data   []map[string]any `json:"data"`
	Layout map[string]any   `json:"layout"`
}

// ChartKeys are the chart_pack keys, in the order the charts page (guide: 12-charts.md) draws them.
var ChartKeys = []string{"revenue_series", "lead_funnel", "roi_payload", "spider_payload", "forecast_payload", "segment_heatmap", "lead_3d", "decision_3d"}

// Stages and states in funnel order.
var (
	leadStages = []string{"new", "contacted", "qualified", "proposal", "won", "lost"}
	convStates = []string{"new", "contacted", "engaged", "qualified", "offer", "negotiation", "won", "lost"}
)

// heatChannels are the heatmap's rows: the registry's channels in order, then any channel found
// in the data that the registry does not know (sorted), so no conversation goes uncounted.
func heatChannels(d *Dataset) []string {
	out := slices.Clone(d.Channels)
	var extra []string
	for ch := range d.ChannelState {
		if !slices.Contains(out, ch) {
			extra = append(extra, ch)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

// actionWeight ranks how much a decision commits the business: the z axis of decision_3d.
var actionWeight = map[string]float64{
	"legal": 1, "pricing": 0.9, "payment_terms": 0.85, "warranty": 0.8, "discount": 0.75, "delivery_date": 0.7,
	"stock": 0.6, "human_handoff": 0.5, "lead_generation": 0.4, "follow_up": 0.3, "other": 0.2,
}

func layout(title string, extra map[string]any) map[string]any {
	l := map[string]any{"title": map[string]any{"text": tr(title)}, "margin": map[string]any{"l": 50, "r": 20, "t": 50, "b": 50},
		"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "legend": map[string]any{"orientation": "h"}}
	for k, v := range extra {
		l[k] = v
	}
	return l
}

func axis(title string) map[string]any {
	return map[string]any{"title": map[string]any{"text": tr(title)}}
}

// percentAxis is an axis of percentages with its ticks at vals, each labelled as the reader's
// language writes a percentage ("%50" in Turkish, "50%" in English, "50 %" in German).
func percentAxis(vals []float64) map[string]any {
	text := make([]string, len(vals))
	for i, v := range vals {
		text[i] = pctText(v, 0)
	}
	return map[string]any{"tickmode": "array", "tickvals": vals, "ticktext": text}
}

// BuildCharts turns a computed snapshot into the chart_pack. A chart without data has an empty
// data array, which the page shows as its "what fills it" empty state.
func BuildCharts(d *Dataset, k KPI, f Forecast, ms MonthSeries) map[string]Figure {
	cp := map[string]Figure{
		"revenue_series":   revenueChart(ms),
		"lead_funnel":      funnelChart(d, k),
		"roi_payload":      roiChart(k),
		"spider_payload":   spiderChart(k),
		"forecast_payload": forecastChart(f, ms),
		"segment_heatmap":  heatmapChart(d, k),
		"lead_3d":          lead3DChart(d),
		"decision_3d":      decision3DChart(d),
	}
	for key, fig := range cp {
		if fig.Data == nil {
			fig.Data = []map[string]any{}
			cp[key] = fig
		}
	}
	return cp
}

// monthLabels are the series' months as category labels (monthText).
func monthLabels(ms MonthSeries) []string {
	months := make([]string, len(ms.Months))
	for i, m := range ms.Months {
		months[i] = monthText(m.Format("2006-01"))
	}
	return months
}

// revenueChart draws paid (bars) and ordered (line) amounts per month; it stays empty until some
// month has either.
func revenueChart(ms MonthSeries) Figure {
	rev := Figure{Layout: layout("analytics.chart.revenue_series", map[string]any{"xaxis": map[string]any{"type": "category"}, "yaxis": axis("analytics.axis.amount")})}
	anyRevenue := false
	for i := range ms.Paid {
		if ms.Paid[i] > 0 || ms.Orders[i] > 0 {
			anyRevenue = true
		}
	}
	if anyRevenue {
		months := monthLabels(ms)
		rev.Data = []map[string]any{
			{"type": "bar", "name": tr("analytics.series.paid"), "x": months, "y": roundAll(ms.Paid)},
			{"type": "scatter", "mode": "lines+markers", "name": tr("analytics.series.ordered"), "x": months, "y": roundAll(ms.Orders)},
		}
	}
	return rev
}

// funnelChart draws the open stages as funnel steps and the lost leads as a note under it; it
// stays empty without leads.
func funnelChart(d *Dataset, k KPI) Figure {
	funnel := Figure{Layout: layout("analytics.chart.lead_funnel", nil)}
	if k.LeadCount > 0 {
		// Each step counts the leads that reached it (a won lead passed every step before), so
		// the share of the step before is a stage-to-next conversion, never above 100 %. Lost
		// leads left at an unknown step: they stand apart, under the funnel.
		open := leadStages[:len(leadStages)-1]
		ys := make([]string, len(open))
		xs := make([]int, len(open))
		reached := 0
		for i := len(open) - 1; i >= 0; i-- {
			reached += d.LeadStages[open[i]]
			ys[i], xs[i] = tr("analytics.stage."+open[i]), reached
		}
		// Each step's count and its share of the step before, written by the server in the
		// reader's language ("%72" in Turkish; Plotly's own percent text is always "72%" and its
		// hover says "of previous" in English). The first step has no step before it.
		text, hover := make([]string, len(open)), make([]string, len(open))
		for i, x := range xs {
			text[i] = numText(float64(x), 0)
			hover[i] = text[i]
			if i > 0 && xs[i-1] > 0 {
				share := pctText(round2(float64(x)*100/float64(xs[i-1])), 0)
				text[i] += "<br>" + share
				hover[i] += "<br>" + phrase("analytics.funnel.of_previous", share)
			}
		}
		funnel.Data = []map[string]any{{"type": "funnel", "y": ys, "x": xs, "text": text, "textinfo": "text",
			"hovertext": hover, "hovertemplate": "%{y}<br>%{hovertext}<extra></extra>"}}
		funnel.Layout["annotations"] = []map[string]any{{"text": trArg("analytics.funnel.lost", d.LeadStages["lost"]),
			"xref": "paper", "yref": "paper", "x": 1, "y": 0, "xanchor": "right", "yanchor": "top", "yshift": -8, "showarrow": false}}
	}
	return funnel
}

// roiChart is a gauge of paid revenue against the period's AI budget, with the pipeline as a band;
// it stays empty until there is paid or pipeline revenue.
func roiChart(k KPI) Figure {
	roi := Figure{Layout: layout("analytics.chart.roi_payload", nil)}
	if k.PaidRevenue > 0 || k.PipelineRevenue > 0 {
		top := max(k.PaidRevenue, k.PipelineRevenue+k.PaidRevenue, k.BudgetPeriod) * 1.1
		if k.BudgetNoRate {
			// The AI budget cannot be converted into the business's currency: the gauge shows the
			// paid revenue alone and says so, rather than set it against a guessed budget.
			roi.Data = []map[string]any{{
				"type": "indicator", "mode": "gauge+number", "value": k.PaidRevenue,
				"title": map[string]any{"text": tr("analytics.series.paid_no_budget")},
				"gauge": map[string]any{
					"axis":  map[string]any{"range": []float64{0, (k.PaidRevenue + k.PipelineRevenue) * 1.1}},
					"bar":   map[string]any{"color": "#1d5bbf"},
					"steps": []map[string]any{{"range": []float64{k.PaidRevenue, k.PaidRevenue + k.PipelineRevenue}, "color": "#e7effc"}},
				},
			}}
			return roi
		}
		roi.Data = []map[string]any{{
			"type": "indicator", "mode": "gauge+number+delta", "value": k.PaidRevenue,
			"title": map[string]any{"text": tr("analytics.series.paid_vs_budget")},
			"delta": map[string]any{"reference": k.BudgetPeriod},
			"gauge": map[string]any{
				"axis": map[string]any{"range": []float64{0, top}},
				"bar":  map[string]any{"color": "#1d5bbf"},
				"steps": []map[string]any{
					{"range": []float64{0, k.BudgetPeriod}, "color": "#fdecea"},
					{"range": []float64{k.PaidRevenue, k.PaidRevenue + k.PipelineRevenue}, "color": "#e7effc"},
				},
				"threshold": map[string]any{"line": map[string]any{"color": "#b42318", "width": 3}, "value": k.BudgetPeriod},
			},
		}}
	}
	return roi
}

// spiderChart draws the five 0–100 scores as a closed polygon; it stays empty with neither leads
// nor conversations.
func spiderChart(k KPI) Figure {
	// The scores are percentages: the rings and the hover say so as the reader's language does.
	// Rings every 25 %, labelled at 50 and 100 only: the labels stand along one spoke, where five
	// of them crowd each other on a phone (and 0 is the centre).
	radial := map[string]any{"range": []int{0, 100}, "tickmode": "array", "tickvals": []float64{0, 25, 50, 75, 100},
		"ticktext": []string{"", "", pctText(50, 0), "", pctText(100, 0)}}
	spider := Figure{Layout: layout("analytics.chart.spider_payload", map[string]any{"polar": map[string]any{"radialaxis": radial}})}
	if k.LeadCount > 0 || k.ConversationCount > 0 {
		theta := []string{tr("analytics.kpi.conversion_rate"), tr("analytics.kpi.engagement_rate"), tr("analytics.kpi.data_quality_score"),
			tr("analytics.kpi.automation_score"), tr("analytics.kpi.forecast_accuracy")}
		r := []float64{k.ConversionRate, k.EngagementRate, k.DataQualityScore, k.AutomationScore, k.ForecastAccuracy}
		hover := make([]string, len(r))
		for i, v := range r {
			hover[i] = pctText(round2(v), 1)
		}
		spider.Data = []map[string]any{{"type": "scatterpolar", "fill": "toself", "r": append(r, r[0]), "theta": append(theta, theta[0]),
			"name": tr("analytics.chart.spider_payload"), "hovertext": append(hover, hover[0]),
			"hovertemplate": "%{theta}: %{hovertext}<extra></extra>"}}
	}
	return spider
}

// forecastChart draws the completed months, the forecast and its band from the current month on;
// it stays empty with fewer than two completed months.
func forecastChart(f Forecast, ms MonthSeries) Figure {
	fc := Figure{Layout: layout("analytics.chart.forecast_payload", map[string]any{"xaxis": map[string]any{"type": "category"}, "yaxis": axis("analytics.axis.amount")})}
	hist := ms.Completed()
	if len(hist) >= 2 {
		months := monthLabels(ms)
		histMonths := months[len(months)-1-len(hist) : len(months)-1]
		last := ms.Months[len(ms.Months)-1]
		var fm []string
		for i := range f.Points {
			fm = append(fm, monthText(last.AddDate(0, i, 0).Format("2006-01")))
		}
		// Band: upper then lower reversed, filled as one closed shape.
		bx := append(append([]string{}, fm...), reverse(fm)...)
		by := append(roundAll(f.Upper), reverse(roundAll(f.Lower))...)
		fc.Data = []map[string]any{
			{"type": "scatter", "mode": "lines+markers", "name": tr("analytics.series.actual"), "x": histMonths, "y": roundAll(hist)},
			{"type": "scatter", "mode": "lines", "name": tr("analytics.series.band"), "x": bx, "y": by, "fill": "toself",
				"fillcolor": "rgba(29,91,191,0.15)", "line": map[string]any{"width": 0}, "hoverinfo": "skip"},
			{"type": "scatter", "mode": "lines+markers", "name": tr("analytics.series.forecast"), "x": fm, "y": roundAll(f.Points),
				"line": map[string]any{"dash": "dash"}},
		}
		// The seasonal calendar's campaigns (app/seasonal): the projection before them as a dotted
		// line, and a marker over each month a campaign week raised or lowered, naming it.
		var notes []map[string]any
		for i, ws := range f.Campaigns {
			if len(ws) == 0 || i >= len(fm) {
				continue
			}
			// On a phone the page writes only the change ("short") and keeps the name for the hover.
			notes = append(notes, map[string]any{"x": fm[i], "y": round2(f.Upper[i]), "text": campaignLabel(ws),
				"hovertext": campaignLabel(ws), "short": campaignChange(ws), "showarrow": true, "arrowhead": 2, "ax": 0, "ay": -28, "bgcolor": "#fff1d1", "bordercolor": "#f79009",
				"font": map[string]any{"size": 11}})
		}
		if len(notes) > 0 {
			fc.Data = append(fc.Data, map[string]any{"type": "scatter", "mode": "lines", "name": tr("analytics.series.forecast_base"),
				"x": fm, "y": roundAll(f.Base), "line": map[string]any{"dash": "dot", "color": "#8a94a6"}})
			fc.Layout["annotations"] = notes
			fc.Layout["margin"] = map[string]any{"l": 50, "r": 20, "t": 80, "b": 50}
		}
	}
	return fc
}

// heatScale is the heatmap's colours, light for few and dark for many (ColorBrewer's Blues).
var heatScale = [][]any{{0, "#f7fbff"}, {0.25, "#c6dbef"}, {0.5, "#6baed6"}, {0.75, "#2171b5"}, {1, "#08306b"}}

// heatmapChart counts conversations per channel (rows) and state (columns); it stays empty
// without conversations.
func heatmapChart(d *Dataset, k KPI) Figure {
	// Every state and channel keeps its label (Plotly skips every other category label when
	// they crowd; the page wraps long ones instead).
	every := map[string]any{"type": "category", "tickmode": "linear", "tick0": 0, "dtick": 1}
	heat := Figure{Layout: layout("analytics.chart.segment_heatmap", map[string]any{"xaxis": every, "yaxis": every})}
	if k.ConversationCount > 0 {
		var xs, ys []string
		for _, s := range convStates {
			xs = append(xs, tr("analytics.state."+s))
		}
		var z [][]int
		for _, ch := range heatChannels(d) {
			ys = append(ys, tr("inbox.channel."+ch))
			row := make([]int, len(convStates))
			for i, s := range convStates {
				row[i] = d.ChannelState[ch][s]
			}
			z = append(z, row)
		}
		// More is darker: from near white at none to deep blue at the busiest cell (Plotly's own
		// "Blues" runs the other way, so the busiest cells looked empty), each cell with its count.
		// The hover names the channel and the state (Plotly's own says "x:", "y:" and "z:").
		heat.Data = []map[string]any{{"type": "heatmap", "x": xs, "y": ys, "z": z, "zmin": 0, "colorscale": heatScale,
			"texttemplate": "%{z}", "xgap": 2, "ygap": 2, "hovertemplate": "%{y} · %{x}: %{z}<extra></extra>"}}
	}
	return heat
}

func scene(x, y, z string) map[string]any {
	return map[string]any{"scene": map[string]any{"xaxis": axis(x), "yaxis": axis(y), "zaxis": axis(z)}}
}

// hover3D is a 3-D point's hover: its text, then each value under its axis's name (Plotly's own
// says "x:", "y:" and "z:").
func hover3D(x, y, z string) string {
	return "%{text}<br>" + phrase(x) + ": %{x}<br>" + phrase(y) + ": %{y}<br>" + phrase(z) + ": %{z}<extra></extra>"
}

// lead3DChart places each lead by qualification, messages exchanged and its customer's potential.
func lead3DChart(d *Dataset) Figure {
	l3 := Figure{Layout: layout("analytics.chart.lead_3d", scene("analytics.axis.lead_score", "analytics.axis.engagement", "analytics.axis.potential"))}
	if len(d.LeadPoints) > 0 {
		var x, z []float64
		var y []int
		var text []string
		for _, p := range d.LeadPoints {
			x = append(x, p.Qualification)
			y = append(y, p.Messages)
			z = append(z, round2(p.Potential))
			text = append(text, p.Name)
		}
		l3.Data = []map[string]any{{"type": "scatter3d", "mode": "markers", "x": x, "y": y, "z": z, "text": text,
			"hovertemplate": hover3D("analytics.axis.lead_score", "analytics.axis.engagement", "analytics.axis.potential"),
			"marker":        map[string]any{"size": 4, "color": x, "colorscale": "Viridis"}}}
	}
	return l3
}

// decision3DChart places each recommendation by confidence, urgency and how much its action
// commits the business (actionWeight; an unknown action weighs like "other").
func decision3DChart(d *Dataset) Figure {
	d3 := Figure{Layout: layout("analytics.chart.decision_3d", scene("analytics.axis.confidence", "analytics.axis.urgency", "analytics.axis.action_weight"))}
	if len(d.RecPoints) > 0 {
		var x, y, z []float64
		var text []string
		for _, p := range d.RecPoints {
			x = append(x, p.Confidence)
			y = append(y, p.Urgency)
			w, ok := actionWeight[p.ActionType]
			if !ok {
				w = 0.2
			}
			z = append(z, w)
			text = append(text, recText(p))
		}
		d3.Data = []map[string]any{{"type": "scatter3d", "mode": "markers", "x": x, "y": y, "z": z, "text": text,
			"hovertemplate": hover3D("analytics.axis.confidence", "analytics.axis.urgency", "analytics.axis.action_weight"),
			"marker":        map[string]any{"size": 5, "color": z, "colorscale": "Reds"}}}
	}
	return d3
}

func roundAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = round2(x)
	}
	return out
}

func reverse[T any](v []T) []T {
	out := make([]T, len(v))
	for i := range v {
		out[len(v)-1-i] = v[i]
	}
	return out
}

// embedded is a catalog phrase inside a chart text: "{{i18n:key}}", or with one argument
// "{{i18n:key|arg}}" (a whole number, or a text: a campaign's change on the forecast chart, a
// funnel step's share of the step before). numbers is a number inside a chart text (pctText,
// numText), written before the phrases, so a phrase may take one as its argument.
var (
	embedded = regexp.MustCompile(`\{\{` + i18nPrefix + `([a-z0-9_.]+)(?:\|([^{}]*))?\}\}`)
	numbers  = regexp.MustCompile(`\{\{(pct|num):(-?[0-9]+(?:\.[0-9]+)?)\|([0-9]+)\}\}`)
)

// Localize replaces every "i18n:<key>" string inside a decoded JSON value with its translation
// in p's language, every number and phrase embedded in a text ("{{pct:…}}", "{{num:…}}",
// "{{i18n:…}}") with its rendering, and every recommendation title kept as its words
// ("i18n-rec:…") with rec's rendering of them.
func Localize(v any, p *i18n.Printer, rec func(words string) string) any {
	switch x := v.(type) {
	case string:
		if words, ok := strings.CutPrefix(x, recPrefix); ok {
			return rec(words)
		}
		if ym, ok := strings.CutPrefix(x, monthPrefix); ok {
			return p.YearMonth(ym)
		}
		if key, ok := strings.CutPrefix(x, i18nPrefix); ok {
			if k, arg, ok := strings.Cut(key, "|"); ok {
				if n, err := strconv.Atoi(arg); err == nil {
					return p.T(k, n)
				}
			}
			return p.T(key)
		}
		if !strings.Contains(x, "{{") {
			return x
		}
		x = numbers.ReplaceAllStringFunc(x, func(m string) string {
			sub := numbers.FindStringSubmatch(m)
			f, _ := strconv.ParseFloat(sub[2], 64)
			d, _ := strconv.Atoi(sub[3])
			if sub[1] == "pct" {
				return p.Percent(f, d)
			}
			return p.Number(f, d)
		})
		return embedded.ReplaceAllStringFunc(x, func(m string) string {
			sub := embedded.FindStringSubmatch(m)
			if !strings.Contains(m, "|") {
				return p.T(sub[1])
			}
			if n, err := strconv.Atoi(sub[2]); err == nil {
				return p.T(sub[1], n)
			}
			return p.T(sub[1], sub[2])
		})
	case []any:
		for i := range x {
			x[i] = Localize(x[i], p, rec)
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = Localize(x[k], p, rec)
		}
		return x
	}
	return v
}

// Mirror lays out every Plotly figure inside v (a decoded chart pack) for a right-to-left
// reader, as a spreadsheet in a right-to-left sheet does:
//   - a chart over months or ordered states (columns, lines, the heatmap) runs from the right:
//     its x axis is reversed, so the newest month stands at the left end, and the value axis
//     sits on the right, where reading starts (the heatmap's colour bar moves to the left);
//   - horizontal bars grow from the right towards the left, their names on the right;
//   - the funnel keeps its centred steps with their names on the right;
//   - a horizontal legend starts at the right with the first series, and a note placed on the
//     paper moves to the mirrored side.
//
// Gauges, the polar chart and the 3-D charts have no reading direction and stay as they are.
func Mirror(v any) {
	switch x := v.(type) {
	case map[string]any:
		data, isData := x["data"].([]any)
		l, isLayout := x["layout"].(map[string]any)
		if isData && isLayout {
			mirrorFigure(data, l)
			return
		}
		for _, e := range x {
			Mirror(e)
		}
	case []any:
		for _, e := range x {
			Mirror(e)
		}
	}
}

func mirrorFigure(data []any, l map[string]any) {
	funnel := false
	for _, t := range data {
		tm, _ := t.(map[string]any)
		switch tm["type"] {
		case "scatter3d", "surface", "mesh3d", "scatterpolar", "barpolar", "indicator", "pie":
			return
		case "funnel":
			funnel = true
		case "heatmap":
			tm["colorbar"] = map[string]any{"x": -0.02, "xanchor": "right"}
		}
	}
	axis := func(k string) map[string]any {
		a, ok := l[k].(map[string]any)
		if !ok {
			a = map[string]any{}
			l[k] = a
		}
		return a
	}
	if !funnel {
		axis("xaxis")["autorange"] = "reversed"
	}
	axis("yaxis")["side"] = "right"
	if lg, ok := l["legend"].(map[string]any); ok && lg["orientation"] == "h" {
		lg["x"], lg["xanchor"], lg["traceorder"] = 1, "right", "reversed"
	}
	notes, _ := l["annotations"].([]any)
	for _, n := range notes {
		a, _ := n.(map[string]any)
		if a["xref"] != "paper" {
			continue
		}
		if x, ok := a["x"].(float64); ok {
			a["x"] = 1 - x
		}
		switch a["xanchor"] {
		case "left":
			a["xanchor"] = "right"
		case "right":
			a["xanchor"] = "left"
		}
	}
}

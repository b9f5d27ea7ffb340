package conversions

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
)

// ReportRow is one group of the attribution report: the leads that arrived in the month and what
// became of them.
type ReportRow struct {
	Key          string // the source, the campaign or the platform ("" = none)
	Leads        int
	Qualified    int   // reached qualified, proposal or won
	Won          int   // the lead is won
	RevenueMinor int64 // won and fulfilled orders of these leads, in the business's currency
	SpendMinor   int64 // campaigns only: the month's ad spend the owner entered
	HasSpend     bool
}

// CostPerLead is the spend divided by the leads, in minor units (0 without spend or leads).
func (r ReportRow) CostPerLead() int64 {
	if !r.HasSpend || r.Leads == 0 {
		return 0
	}
	return int64(math.Round(float64(r.SpendMinor) / float64(r.Leads)))
}

// ROAS is the return on ad spend: the revenue the row shows divided by its ad spend (3.2 = every
// 1 spent brought 3.2 back); 0 where HasROAS is false.
func (r ReportRow) ROAS() float64 {
	if !r.HasROAS() {
		return 0
	}
	return float64(r.RevenueMinor) / float64(r.SpendMinor)
}

// HasROAS says whether there is spend to divide by: none entered, or 0, shows as "—".
func (r ReportRow) HasROAS() bool { return r.HasSpend && r.SpendMinor > 0 }

// Report is the attribution report of one month.
type Report struct {
	Month    string // YYYY-MM
	Currency string
	Total    ReportRow
	// Paid is the campaigns the owner entered ad spend for (more than 0), together: their revenue
	// and their spend. Its ROAS is the month's return on ad spend; the total's own
	// revenue also counts the leads that came without an ad, so it is not divided by the spend.
	Paid       ReportRow
	BySource   []ReportRow
	ByCampaign []ReportRow
	ByPlatform []ReportRow
	// Other is what the same people's won and fulfilled orders came to in other currencies: not
	// converted (the product keeps no exchange rates) and not in the figures above, but shown, so
	// an owner who also sells in euros does not read the revenue as all there was.
	Other []OtherRevenue
}

// OtherRevenue is the won and fulfilled orders of the report's people in one other currency.
type OtherRevenue struct {
	Currency    string
	Orders      int
	AmountMinor int64
}

// Amount is the total in major units.
func (o OtherRevenue) Amount() float64 { return float64(o.AmountMinor) / 100 }

// MonthRange is the first instant of month (YYYY-MM) and of the next one, in loc.
func MonthRange(month string, loc *time.Location) (time.Time, time.Time, error) {
	t, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return t, t.AddDate(0, 1, 0), nil
}

// BuildReport counts the people whose first lead was created in month (the business's zone loc;
// merged leads count with the lead they went into) by source, campaign (the lead's own, as the
// leads list filters and exports it: every channel writes it there, the widget and the landing
// page with the ad capture, Telegram from its start code, the import from its column) and click-id
// platform, with how many were qualified and won and the revenue of their won orders;
// the campaigns carry the month's ad spend and the cost per lead. It reads leads and orders (a
// declared read model) and this room's lead_attribution and ad_spend.
func BuildReport(ctx context.Context, q Querier, month string, loc *time.Location, currency string) (*Report, error) {
	from, to, err := MonthRange(month, loc)
	if err != nil {
		return nil, err
	}
	// One row per person: a lead and the leads merged into it (inbox.MergeLeads) are one family
	// under the kept lead. The person arrived with the family's first lead: its month and its
	// source; the campaign is the kept lead's (a merge gives it the dropped lead's when it had
	// none), the one the leads list shows; the platform is that of the family's first ad click (the
	// capture its events go out with, PersonAttribution: the first one with a click id, else the first).
	// What became of them is the kept lead's stage and the orders of the whole family.
	rows, err := q.QueryContext(ctx, families+`
		SELECT first.source,
		k.utm_campaign,
		CASE WHEN a.gclid <> '' OR a.gbraid <> '' OR a.wbraid <> '' THEN 'google'
		     WHEN a.fbclid <> '' OR a.fbc <> '' THEN 'meta'
		     WHEN a.ttclid <> '' THEN 'tiktok' ELSE '' END,
		k.stage,
		coalesce((SELECT sum(o.total) FROM orders o WHERE o.lead_id IN (SELECT id FROM leads WHERE id = first.root OR merged_into = first.root)
			AND o.status IN ('won','fulfilled') AND o.currency = ?1), 0)
		FROM first JOIN leads k ON k.id = first.root
		LEFT JOIN lead_attribution a ON a.lead_id = (SELECT f.id FROM leads f JOIN lead_attribution x ON x.lead_id = f.id
			WHERE f.id = first.root OR f.merged_into = first.root
			ORDER BY (x.gclid = '' AND x.gbraid = '' AND x.wbraid = '' AND x.fbclid = '' AND x.fbc = '' AND x.ttclid = ''), x.created_at, x.lead_id LIMIT 1)
		WHERE first.at >= ?2 AND first.at < ?3`, currency, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("conversions: report: %w", err)
	}
	defer rows.Close()
	rep := &Report{Month: month, Currency: currency}
	src, camp, plat := map[string]*ReportRow{}, map[string]*ReportRow{}, map[string]*ReportRow{}
	add := func(m map[string]*ReportRow, k string, qualified, won bool, rev int64) {
		r := m[k]
		if r == nil {
			r = &ReportRow{Key: k}
			m[k] = r
		}
		r.Leads++
		if qualified {
			r.Qualified++
		}
		if won {
			r.Won++
		}
		r.RevenueMinor += rev
	}
	for rows.Next() {
		var source, campaign, platform, stage string
		var revenue float64
		if err := rows.Scan(&source, &campaign, &platform, &stage, &revenue); err != nil {
			return nil, err
		}
		qualified := stage == "qualified" || stage == "proposal" || stage == "won"
		won := stage == "won"
		rev := int64(math.Round(revenue * 100))
		add(src, source, qualified, won, rev)
		add(camp, campaign, qualified, won, rev)
		add(plat, platform, qualified, won, rev)
		rep.Total.Leads++
		if qualified {
			rep.Total.Qualified++
		}
		if won {
			rep.Total.Won++
		}
		rep.Total.RevenueMinor += rev
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	spend, err := SpendOf(ctx, q, month)
	if err != nil {
		return nil, err
	}
	for _, s := range spend {
		r := camp[s.Campaign]
		if r == nil {
			r = &ReportRow{Key: s.Campaign}
			camp[s.Campaign] = r
		}
		r.SpendMinor, r.HasSpend = s.AmountMinor, true
		rep.Total.SpendMinor += s.AmountMinor
		rep.Total.HasSpend = true
	}
	rep.BySource, rep.ByCampaign, rep.ByPlatform = sorted(src), sorted(camp), sorted(plat)
	for _, r := range rep.ByCampaign {
		if r.HasROAS() {
			rep.Paid.Leads += r.Leads
			rep.Paid.Qualified += r.Qualified
			rep.Paid.Won += r.Won
			rep.Paid.RevenueMinor += r.RevenueMinor
			rep.Paid.SpendMinor += r.SpendMinor
			rep.Paid.HasSpend = true
		}
	}
	if rep.Other, err = otherRevenue(ctx, q, currency, from, to); err != nil {
		return nil, err
	}
	return rep, nil
}

// families are the people of the report: ?2 and ?3 bound the month; first is each person's first
// lead (the month is its month).
const families = `WITH cand AS (
			SELECT DISTINCT coalesce(merged_into, id) AS root FROM leads WHERE created_at >= ?2 AND created_at < ?3),
		fam AS (SELECT c.root, f.id, f.created_at, f.source, f.utm_campaign FROM cand c JOIN leads f ON f.id = c.root OR f.merged_into = c.root),
		first AS (SELECT root, source, utm_campaign, min(created_at) AS at FROM fam GROUP BY root)`

// otherRevenue totals the won and fulfilled orders of the month's people by currency, other than
// the business's.
func otherRevenue(ctx context.Context, q Querier, currency string, from, to time.Time) ([]OtherRevenue, error) {
	rows, err := q.QueryContext(ctx, families+`
		SELECT o.currency, count(*), sum(o.total) FROM first JOIN fam ON fam.root = first.root JOIN orders o ON o.lead_id = fam.id
		WHERE first.at >= ?2 AND first.at < ?3 AND o.status IN ('won','fulfilled') AND o.currency <> ?1
		GROUP BY o.currency ORDER BY sum(o.total) DESC, o.currency`, currency, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("conversions: report in other currencies: %w", err)
	}
	defer rows.Close()
	var out []OtherRevenue
	for rows.Next() {
		var o OtherRevenue
		var total float64
		if err := rows.Scan(&o.Currency, &o.Orders, &total); err != nil {
			return nil, err
		}
		o.AmountMinor = int64(math.Round(total * 100))
		out = append(out, o)
	}
	return out, rows.Err()
}

// sorted lists the groups by leads, most first ("" — none — last, ties by name).
func sorted(m map[string]*ReportRow) []ReportRow {
	out := make([]ReportRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Key == "") != (b.Key == "") {
			return b.Key == ""
		}
		if a.Leads != b.Leads {
			return a.Leads > b.Leads
		}
		return a.Key < b.Key
	})
	return out
}

// Revenue, Spend and CPL are the row's money in major units, for the page.
func (r ReportRow) Revenue() float64 { return float64(r.RevenueMinor) / 100 }
func (r ReportRow) Spend() float64   { return float64(r.SpendMinor) / 100 }
func (r ReportRow) CPL() float64     { return float64(r.CostPerLead()) / 100 }

// Amount is the spend in major units.
func (s Spend) Amount() float64 { return float64(s.AmountMinor) / 100 }

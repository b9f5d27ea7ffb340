package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"

	"highvibe/app/tenantdb"
)

// QuoteFigures are the written quotes' KPIs (app/quotes): every quote number counts once, by its
// newest revision that was sent.
type QuoteFigures struct {
	Sent     int     // quote numbers sent to a customer
	Accepted int     // of them, accepted through the customer's link
	Value    float64 // total (incl. VAT) of the sent quotes, tenant currency
	// LeadHours is each sent quote's time from the lead's first inbound message to the quote's
	// first sending, in hours (quotes of leads without an inbound message are left out; a lead
	// merged into another has its messages there).
	LeadHours []float64
}

// loadQuotes reads the sent quotes (read model: the quotes room owns the table); a quote whose
// currency cannot be converted adds nothing to Value and is noted in skip.
func loadQuotes(ctx context.Context, q *sql.DB, currency string, skip *unconverted) (QuoteFigures, error) {
	var f QuoteFigures
	err := tenantdb.EachRow(ctx, q, `SELECT qq.currency, qq.grand_total, qq.accepted,
			qq.first_sent, (SELECT min(m.created_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id
				WHERE c.lead_id = (SELECT coalesce(merged_into, id) FROM leads WHERE id = qq.lead_id) AND m.direction = 'inbound')
		FROM (SELECT number, lead_id, max(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted, min(sent_at) AS first_sent,
				(SELECT currency FROM quotes x WHERE x.number = quotes.number AND x.sent_at IS NOT NULL ORDER BY revision DESC LIMIT 1) AS currency,
				(SELECT grand_total FROM quotes x WHERE x.number = quotes.number AND x.sent_at IS NOT NULL ORDER BY revision DESC LIMIT 1) AS grand_total
			FROM quotes WHERE sent_at IS NOT NULL GROUP BY number, lead_id) qq`, nil, func(rs *sql.Rows) error {
		var cur string
		var total, accepted, sent int64
		var first sql.NullInt64
		if err := rs.Scan(&cur, &total, &accepted, &sent, &first); err != nil {
			return err
		}
		f.Sent++
		if accepted == 1 {
			f.Accepted++
		}
		if v, ok := Convert(float64(total)/100, cur, currency); ok {
			f.Value += v
		} else {
			skip.add("quote", cur, NoRate(cur, currency))
		}
		if first.Valid && sent >= first.Int64 {
			f.LeadHours = append(f.LeadHours, float64(sent-first.Int64)/3_600_000)
		}
		return nil
	})
	if err != nil {
		return f, fmt.Errorf("analytics: load quotes: %w", err)
	}
	return f, nil
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// quoteKPI fills the quote fields of k.
func quoteKPI(k *KPI, f QuoteFigures) {
	k.QuotesSent = f.Sent
	k.QuotedValue = round2(f.Value)
	k.QuoteAcceptanceRate = pctOf(f.Accepted, f.Sent)
	k.QuoteLeadHours = math.Round(median(f.LeadHours)*10) / 10
}

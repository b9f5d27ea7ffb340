package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/tenantdb"
)

// Load reads the dataset of a snapshot with a handful of aggregate queries on the read pool.
func Load(ctx context.Context, db *tenantdb.DB, now time.Time, currency string, budgetUSD float64) (*Dataset, error) {
	d := &Dataset{Now: now, Currency: currency, BudgetUSD: budgetUSD, LeadStages: map[string]int{},
		ChannelState: map[string]map[string]int{}}
	q := db.Read
	nowMs := now.UnixMilli()
	day := int64(86400000)
	err := tenantdb.EachRow(ctx, q, `SELECT stage, count(*), sum(name <> ''), sum(phone_e164 <> '' OR email <> ''),
		sum(created_at >= ?), sum(created_at >= ? AND created_at < ?) FROM leads GROUP BY stage`,
		[]any{nowMs - 30*day, nowMs - 60*day, nowMs - 30*day}, func(rs *sql.Rows) error {
			var stage string
			var n, named, reach, l30, p30 int
			if err := rs.Scan(&stage, &n, &named, &reach, &l30, &p30); err != nil {
				return err
			}
			d.LeadStages[stage] = n
			d.LeadsNamed += named
			d.LeadsReachable += reach
			d.LeadsLast30 += l30
			d.LeadsPrev30 += p30
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("analytics: load leads: %w", err)
	}
	err = tenantdb.EachRow(ctx, q, `SELECT channel, state, count(*) FROM conversations GROUP BY channel, state`, nil, func(rs *sql.Rows) error {
		var ch, st string
		var n int
		if err := rs.Scan(&ch, &st, &n); err != nil {
			return err
		}
		if d.ChannelState[ch] == nil {
			d.ChannelState[ch] = map[string]int{}
		}
		d.ChannelState[ch][st] = n
		d.Conversations += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load conversations: %w", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(has_out), 0) FROM (
		SELECT max(direction = 'outbound') AS has_out FROM messages GROUP BY conversation_id HAVING max(direction = 'inbound') = 1)`).
		Scan(&d.ConvInbound, &d.ConvReplied); err != nil {
		return nil, fmt.Errorf("analytics: load engagement: %w", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(author_kind = 'ai'), 0) FROM messages WHERE direction = 'outbound'`).
		Scan(&d.OutboundMessages, &d.OutboundAIMessage); err != nil {
		return nil, fmt.Errorf("analytics: load automation: %w", err)
	}

	values := map[int64]*CustomerValue{}
	var order []int64
	err = tenantdb.EachRow(ctx, q, `SELECT id, name, phone_e164 <> '' OR phone <> '' OR email <> '' FROM customers ORDER BY id`, nil, func(rs *sql.Rows) error {
		c := &CustomerValue{}
		if err := rs.Scan(&c.ID, &c.Name, &c.HasContact); err != nil {
			return err
		}
		values[c.ID] = c
		order = append(order, c.ID)
		if c.HasContact {
			d.CustomersContac++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load customers: %w", err)
	}
	d.Customers = len(order)
	potential := map[int64]float64{}
	err = tenantdb.EachRow(ctx, q, `SELECT customer_id, status, total, currency, ordered_at FROM orders`, nil, func(rs *sql.Rows) error {
		var o Order
		var cur string
		if err := rs.Scan(&o.CustomerID, &o.Status, &o.Total, &cur, &o.At); err != nil {
			return err
		}
		o.Total = Convert(o.Total, cur, currency)
		d.Orders = append(d.Orders, o)
		if c := values[o.CustomerID]; c != nil && o.Status != "cancelled" {
			c.Orders++
			c.LastAt = max(c.LastAt, o.At)
			potential[o.CustomerID] += o.Total
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load orders: %w", err)
	}
	err = tenantdb.EachRow(ctx, q, `SELECT customer_id, status, amount, currency, coalesce(paid_at, 0) FROM invoices`, nil, func(rs *sql.Rows) error {
		var inv Invoice
		var cur string
		if err := rs.Scan(&inv.CustomerID, &inv.Status, &inv.Amount, &cur, &inv.PaidAt); err != nil {
			return err
		}
		inv.Amount = Convert(inv.Amount, cur, currency)
		d.Invoices = append(d.Invoices, inv)
		if c := values[inv.CustomerID]; c != nil {
			c.Invoices++
			if inv.Status == "paid" {
				c.Paid += inv.Amount
				c.LastAt = max(c.LastAt, inv.PaidAt)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load invoices: %w", err)
	}
	for _, id := range order {
		d.Values = append(d.Values, *values[id])
	}

	err = tenantdb.EachRow(ctx, q, `SELECT l.name, l.stage, coalesce(l.customer_id, 0),
		coalesce((SELECT max(qualification_score) FROM conversations c WHERE c.lead_id = l.id), 0),
		(SELECT count(*) FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.lead_id = l.id)
		FROM leads l ORDER BY l.updated_at DESC, l.id DESC LIMIT 300`, nil, func(rs *sql.Rows) error {
		var p LeadPoint
		var cust int64
		if err := rs.Scan(&p.Name, &p.Stage, &cust, &p.Qualification, &p.Messages); err != nil {
			return err
		}
		p.Potential = potential[cust]
		d.LeadPoints = append(d.LeadPoints, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load lead points: %w", err)
	}
	err = tenantdb.EachRow(ctx, q, `SELECT r.title, r.confidence, coalesce(c.urgency_score, 50), r.action_type
		FROM decision_recommendations r LEFT JOIN conversations c ON c.id = r.conversation_id
		ORDER BY r.id DESC LIMIT 300`, nil, func(rs *sql.Rows) error {
		var p RecPoint
		if err := rs.Scan(&p.Title, &p.Confidence, &p.Urgency, &p.ActionType); err != nil {
			return err
		}
		d.RecPoints = append(d.RecPoints, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load recommendations: %w", err)
	}
	return d, nil
}

package analytics

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"highvibe/app/audit"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/tenantdb"
)

// Load reads the dataset of a snapshot with a handful of aggregate queries on the read pool. The
// store calls below only read rows; customerValues decides what counts towards a customer.
func Load(ctx context.Context, db *tenantdb.DB, now time.Time, currency string, budgetUSD float64) (*Dataset, error) {
	d := &Dataset{Now: now, Currency: currency, BudgetUSD: budgetUSD, LeadStages: map[string]int{},
		ChannelState: map[string]map[string]int{}}
	q := db.Read
	var err error
	if d.Zone, err = hoursdb.Zone(ctx, q); err != nil {
		return nil, err
	}
	erased, err := audit.ErasedLeads(ctx, q)
	if err != nil {
		return nil, err
	}
	gone, _ := json.Marshal(erased)
	if err := loadLeadStages(ctx, q, now, string(gone), d); err != nil {
		return nil, err
	}
	if err := loadConversations(ctx, q, d); err != nil {
		return nil, err
	}
	customers, err := loadCustomers(ctx, q, string(gone))
	if err != nil {
		return nil, err
	}
	if d.Orders, err = loadOrders(ctx, q, currency, &d.Unconverted); err != nil {
		return nil, err
	}
	if d.Invoices, err = loadInvoices(ctx, q, currency, &d.Unconverted); err != nil {
		return nil, err
	}
	var potential map[int64]float64
	d.Values, potential = customerValues(customers, d.Orders, d.Invoices)
	d.Customers = len(d.Values)
	for _, c := range d.Values {
		switch {
		case c.Erased:
			d.CustomersErased++
		case c.HasContact:
			d.CustomersContac++
		}
	}
	if d.LeadPoints, err = loadLeadPoints(ctx, q, potential); err != nil {
		return nil, err
	}
	if d.RecPoints, err = loadRecPoints(ctx, q); err != nil {
		return nil, err
	}
	if d.Quotes, err = loadQuotes(ctx, q, currency, &d.Unconverted); err != nil {
		return nil, err
	}
	if d.Visits, err = loadVisits(ctx, q); err != nil {
		return nil, err
	}
	return d, nil
}

// customerValues adds each customer's orders and invoices up: cancelled orders do not count,
// every invoice counts towards Invoices, only paid ones towards Paid, and LastAt is the latest
// counted order or paid invoice. potential is each customer's total of orders not cancelled.
// Orders and invoices of unknown customers are left out. Customers keep their order.
func customerValues(customers []CustomerValue, orders []Order, invoices []Invoice) ([]CustomerValue, map[int64]float64) {
	values := append([]CustomerValue(nil), customers...)
	at := map[int64]int{}
	for i, c := range values {
		at[c.ID] = i
	}
	potential := map[int64]float64{}
	for _, o := range orders {
		i, ok := at[o.CustomerID]
		if !ok || o.Status == "cancelled" {
			continue
		}
		values[i].Orders++
		values[i].LastAt = max(values[i].LastAt, o.At)
		potential[o.CustomerID] += o.Total
	}
	for _, inv := range invoices {
		i, ok := at[inv.CustomerID]
		if !ok {
			continue
		}
		values[i].Invoices++
		if inv.Status == "paid" {
			values[i].Paid += inv.Amount
			values[i].LastAt = max(values[i].LastAt, inv.PaidAt)
		}
	}
	return values, potential
}

// erasedRoots names, as the common table erased_roots, the leads a KVKK erasure emptied: the lead
// each erasure was asked for (audit.ErasedLeads, a JSON list as ?1), or the lead it was merged
// into, since an erasure empties the whole family. The data-quality shares leave them out while
// they stay empty: a person who asked to be forgotten is not a record the team failed to complete.
const erasedRoots = `WITH erased_roots(id) AS (SELECT coalesce(l.merged_into, l.id) FROM json_each(?1) g JOIN leads l ON l.id = g.value) `

// loadLeadStages counts leads per stage, with a name, reachable, and created in the last 30 days
// and the 30 before.
func loadLeadStages(ctx context.Context, q *sql.DB, now time.Time, erased string, d *Dataset) error {
	nowMs := now.UnixMilli()
	day := int64(86400000)
	err := tenantdb.EachRow(ctx, q, erasedRoots+`SELECT stage, count(*), sum(name <> ''), sum(phone_e164 <> '' OR email <> ''),
		sum(name = '' AND phone_e164 = '' AND email = '' AND id IN erased_roots),
		sum(created_at >= ?2), sum(created_at >= ?3 AND created_at < ?2) FROM leads WHERE merged_into IS NULL GROUP BY stage`,
		[]any{erased, nowMs - 30*day, nowMs - 60*day}, func(rs *sql.Rows) error {
			var stage string
			var n, named, reach, erased, l30, p30 int
			if err := rs.Scan(&stage, &n, &named, &reach, &erased, &l30, &p30); err != nil {
				return err
			}
			d.LeadStages[stage] = n
			d.LeadsNamed += named
			d.LeadsReachable += reach
			d.LeadsErased += erased
			d.LeadsLast30 += l30
			d.LeadsPrev30 += p30
			return nil
		})
	if err != nil {
		return fmt.Errorf("analytics: load leads: %w", err)
	}
	return nil
}

// loadConversations counts conversations per channel and state, those with a customer message,
// those of them that got a reply, and outbound messages (all and the assistant's).
func loadConversations(ctx context.Context, q *sql.DB, d *Dataset) error {
	err := tenantdb.EachRow(ctx, q, `SELECT channel, state, count(*) FROM conversations GROUP BY channel, state`, nil, func(rs *sql.Rows) error {
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
		return fmt.Errorf("analytics: load conversations: %w", err)
	}
	// A reply is a person's or the assistant's outbound message that was not refused by the
	// channel (failed) and is not a send-later one still waiting for its time; the notices the
	// product sends by itself (a site visit's confirmation and reminder) answer nothing.
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(replied), 0) FROM (
		SELECT max(direction = 'outbound' AND author_kind IN ('user', 'ai') AND coalesce(delivery_status, '') <> 'failed'
			AND NOT (delivery_status = 'queued' AND scheduled_at IS NOT NULL)) AS replied
		FROM messages GROUP BY conversation_id HAVING max(direction = 'inbound') = 1)`).
		Scan(&d.ConvInbound, &d.ConvReplied); err != nil {
		return fmt.Errorf("analytics: load engagement: %w", err)
	}
	// The automation score counts the same replies: a notice the product sent by itself, a message
	// the channel refused and a send-later one still waiting were written by nobody, or reached
	// nobody, and only diluted the assistant's share.
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(author_kind = 'ai'), 0) FROM messages
		WHERE direction = 'outbound' AND author_kind IN ('user', 'ai') AND coalesce(delivery_status, '') <> 'failed'
			AND NOT (delivery_status = 'queued' AND scheduled_at IS NOT NULL)`).
		Scan(&d.OutboundMessages, &d.OutboundAIMessage); err != nil {
		return fmt.Errorf("analytics: load automation: %w", err)
	}
	return nil
}

// loadCustomers reads every customer (id, name, whether a phone or e-mail is known) in id order.
func loadCustomers(ctx context.Context, q *sql.DB, erased string) ([]CustomerValue, error) {
	var out []CustomerValue
	err := tenantdb.EachRow(ctx, q, erasedRoots+`SELECT id, name, phone_e164 <> '' OR phone <> '' OR email <> '',
		phone_e164 = '' AND phone = '' AND email = '' AND id IN (SELECT customer_id FROM leads
			WHERE customer_id IS NOT NULL AND coalesce(merged_into, id) IN erased_roots)
		FROM customers ORDER BY id`, []any{erased}, func(rs *sql.Rows) error {
		var c CustomerValue
		if err := rs.Scan(&c.ID, &c.Name, &c.HasContact, &c.Erased); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load customers: %w", err)
	}
	return out, nil
}

// loadOrders reads every order, its total converted to currency; an order whose currency cannot
// be converted keeps a total of 0, and one not cancelled is noted in skip.
func loadOrders(ctx context.Context, q *sql.DB, currency string, skip *unconverted) ([]Order, error) {
	var out []Order
	err := tenantdb.EachRow(ctx, q, `SELECT customer_id, status, total, currency, ordered_at FROM orders`, nil, func(rs *sql.Rows) error {
		var o Order
		var cur string
		if err := rs.Scan(&o.CustomerID, &o.Status, &o.Total, &cur, &o.At); err != nil {
			return err
		}
		var ok bool
		if o.Total, ok = Convert(o.Total, cur, currency); !ok {
			o.NoRate = true
			if o.Status != "cancelled" {
				skip.add("order", cur, NoRate(cur, currency))
			}
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load orders: %w", err)
	}
	return out, nil
}

// loadInvoices reads every invoice, its amount converted to currency; an invoice whose currency
// cannot be converted keeps an amount of 0, and a paid one is noted in skip.
func loadInvoices(ctx context.Context, q *sql.DB, currency string, skip *unconverted) ([]Invoice, error) {
	var out []Invoice
	err := tenantdb.EachRow(ctx, q, `SELECT customer_id, status, amount, currency, coalesce(paid_at, 0) FROM invoices`, nil, func(rs *sql.Rows) error {
		var inv Invoice
		var cur string
		if err := rs.Scan(&inv.CustomerID, &inv.Status, &inv.Amount, &cur, &inv.PaidAt); err != nil {
			return err
		}
		var ok bool
		if inv.Amount, ok = Convert(inv.Amount, cur, currency); !ok {
			inv.NoRate = true
			if inv.Status == "paid" {
				skip.add("invoice", cur, NoRate(cur, currency))
			}
		}
		out = append(out, inv)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load invoices: %w", err)
	}
	return out, nil
}

// loadLeadPoints reads the 300 most recently updated leads with their best qualification score
// and message count; a lead's potential is its customer's entry in potential.
func loadLeadPoints(ctx context.Context, q *sql.DB, potential map[int64]float64) ([]LeadPoint, error) {
	var out []LeadPoint
	err := tenantdb.EachRow(ctx, q, `SELECT l.name, l.stage, coalesce(l.customer_id, 0),
		coalesce((SELECT max(qualification_score) FROM conversations c WHERE c.lead_id = l.id), 0),
		(SELECT count(*) FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.lead_id = l.id)
		FROM leads l WHERE l.merged_into IS NULL ORDER BY l.updated_at DESC, l.id DESC LIMIT 300`, nil, func(rs *sql.Rows) error {
		var p LeadPoint
		var cust int64
		if err := rs.Scan(&p.Name, &p.Stage, &cust, &p.Qualification, &p.Messages); err != nil {
			return err
		}
		p.Potential = potential[cust]
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load lead points: %w", err)
	}
	return out, nil
}

// loadRecPoints reads the 300 newest recommendations with their conversation's urgency (50 when
// there is none).
func loadRecPoints(ctx context.Context, q *sql.DB) ([]RecPoint, error) {
	var out []RecPoint
	err := tenantdb.EachRow(ctx, q, `SELECT r.title, r.words, r.confidence, coalesce(c.urgency_score, 50), r.action_type
		FROM decision_recommendations r LEFT JOIN conversations c ON c.id = r.conversation_id
		ORDER BY r.id DESC LIMIT 300`, nil, func(rs *sql.Rows) error {
		var p RecPoint
		if err := rs.Scan(&p.Title, &p.Words, &p.Confidence, &p.Urgency, &p.ActionType); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: load recommendations: %w", err)
	}
	return out, nil
}

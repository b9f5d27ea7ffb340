package leads

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"highvibe/app/auth"
	"highvibe/app/msp"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Section is one part of the lead page, drawn by its own template from its own loader. The page
// is the list of sections the server hands the handler (Handler.Sections, set in app/serve.go):
// a room adds its part of the lead page (conversion events, follow-ups, the data subject's tools)
// by writing
//
//   - a loader, func(ctx, r, lead) (data, error), in its own package (it reads its own tables);
//   - a template {{define "lead_<key>"}}…{{end}} in views/partials/lead_<key>.html, which gets a
//     *SectionView (.Lead, .Data, .Ctx, .Names);
//   - one Section{…} line appended in serve.go.
//
// A section whose loader returns nil data is left out (nothing to show); its module and
// permission hide it for tenants without the module and people without the permission.
type Section struct {
	Key      string                                                           // id on the page: section#lead-<key>
	Title    string                                                           // catalog key of its heading
	Template string                                                           // template name, "lead_<key>"
	Module   string                                                           // platform.Module* it needs; "" = always
	Perm     auth.Permission                                                  // to see it; "" = whoever sees the page
	Load     func(ctx context.Context, r *http.Request, l *Lead) (any, error) // its data; nil = nothing to show
}

// SectionView is what a section's template gets.
type SectionView struct {
	Ctx   *web.Ctx
	Lead  *Lead
	Data  any
	Names map[int64]string // member names by user id
}

// shownSection is a section drawn for the page.
type shownSection struct {
	Key, Title string
	HTML       template.HTML
}

// BuiltinSections are the lead page's own sections, in order: consent, conversations, quotes,
// site visits, orders and invoices (module sales), tickets (module msp), events. Rooms add theirs
// after these (Handler.Sections).
func BuiltinSections() []Section {
	return []Section{
		{Key: "consent", Title: "leads.section.consent", Template: "lead_consent", Load: func(_ context.Context, _ *http.Request, l *Lead) (any, error) {
			return l, nil
		}},
		{Key: "conversations", Title: "leads.section.conversations", Template: "lead_conversations", Load: loadConversations},
		{Key: "quotes", Title: "leads.section.quotes", Template: "lead_quotes", Load: loadQuotes},
		{Key: "visits", Title: "leads.section.visits", Template: "lead_visits", Load: loadVisits},
		{Key: "orders", Title: "leads.section.orders", Template: "lead_orders", Module: platform.ModuleSales, Perm: auth.ReadCRM, Load: loadOrders},
		{Key: "invoices", Title: "leads.section.invoices", Template: "lead_invoices", Module: platform.ModuleSales, Perm: auth.ReadCRM, Load: loadInvoices},
		{Key: "tickets", Title: "leads.section.tickets", Template: "lead_tickets", Module: platform.ModuleMSP, Load: loadTickets},
		{Key: "events", Title: "leads.section.events", Template: "lead_events", Load: loadEvents},
	}
}

// db is the request's tenant read pool.
func db(r *http.Request) *sql.DB { return web.From(r).DB.Read }

// ConvItem is one conversation of the lead.
type ConvItem struct {
	ID                         int64
	Channel, State, NextAction string
	LastMessageAt, NextDue     int64
	AssigneeID                 int64
	Unread                     int
}

func loadConversations(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	var out []ConvItem
	err := tenantdb.EachRow(ctx, db(r), `SELECT id, channel, state, next_action, last_message_at, coalesce(next_action_due_at,0),
		coalesce(assigned_user_id,0), unread_count FROM conversations WHERE lead_id IN `+ids+` ORDER BY last_message_at DESC, id DESC LIMIT 50`,
		args, func(rs *sql.Rows) error {
			var c ConvItem
			err := rs.Scan(&c.ID, &c.Channel, &c.State, &c.NextAction, &c.LastMessageAt, &c.NextDue, &c.AssigneeID, &c.Unread)
			out = append(out, c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("leads: conversations: %w", err)
	}
	return out, nil
}

// QuoteItem is one quote of the lead (its newest revision).
type QuoteItem struct {
	ID             int64
	Number, Status string
	Revision       int
	Total          int64 // minor units
	Currency       string
	UpdatedAt      int64
}

// Amount is the total in the currency's units.
func (q QuoteItem) Amount() float64 { return float64(q.Total) / 100 }

// QuotesView is the lead's quotes and the conversation "Prepare quote" starts a new one on: the
// lead's latest (0 when it has none; a quote belongs to a conversation, whose channel sends it).
type QuotesView struct {
	Items  []QuoteItem
	ConvID int64
}

func loadQuotes(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	v := &QuotesView{}
	err := tenantdb.EachRow(ctx, db(r), `SELECT id, number, status, revision, grand_total, currency, updated_at FROM quotes
		WHERE lead_id IN `+ids+` AND status <> 'superseded' ORDER BY id DESC LIMIT 20`, args, func(rs *sql.Rows) error {
		var q QuoteItem
		err := rs.Scan(&q.ID, &q.Number, &q.Status, &q.Revision, &q.Total, &q.Currency, &q.UpdatedAt)
		v.Items = append(v.Items, q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: quotes: %w", err)
	}
	err = db(r).QueryRowContext(ctx, `SELECT id FROM conversations WHERE lead_id IN `+ids+`
		ORDER BY last_message_at DESC, id DESC LIMIT 1`, args...).Scan(&v.ConvID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("leads: quotes: conversation: %w", err)
	}
	return v, nil
}

// VisitItem is one site visit of the lead.
type VisitItem struct {
	ID       int64
	Status   string
	StartsAt int64
	Address  string
}

func loadVisits(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	var out []VisitItem
	err := tenantdb.EachRow(ctx, db(r), `SELECT id, status, starts_at, address FROM site_visits WHERE lead_id IN `+ids+`
		ORDER BY starts_at DESC LIMIT 20`, args, func(rs *sql.Rows) error {
		var v VisitItem
		err := rs.Scan(&v.ID, &v.Status, &v.StartsAt, &v.Address)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: visits: %w", err)
	}
	if len(out) == 0 {
		return nil, nil // a business without site visits sees no empty section
	}
	return out, nil
}

// OrderItem is one order of the lead or of its linked customer.
type OrderItem struct {
	ID                     int64
	Status, Currency, Desc string
	Total                  float64
	OrderedAt              int64
}

func loadOrders(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	q := `SELECT id, status, currency, description, total, ordered_at FROM orders WHERE lead_id IN ` + ids
	if l.CustomerID != 0 {
		q += ` OR customer_id = ?`
		args = append(args, l.CustomerID)
	}
	var out []OrderItem
	err := tenantdb.EachRow(ctx, db(r), q+` ORDER BY ordered_at DESC, id DESC LIMIT 20`, args, func(rs *sql.Rows) error {
		var o OrderItem
		err := rs.Scan(&o.ID, &o.Status, &o.Currency, &o.Desc, &o.Total, &o.OrderedAt)
		out = append(out, o)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: orders: %w", err)
	}
	return out, nil
}

// InvoiceItem is one invoice of the lead's orders or of its linked customer.
type InvoiceItem struct {
	ID                       int64
	Number, Status, Currency string
	Amount                   float64
	IssuedAt, PaidAt         int64
}

func loadInvoices(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	q := `SELECT id, number, status, currency, amount, issued_at, coalesce(paid_at,0) FROM invoices
		WHERE order_id IN (SELECT id FROM orders WHERE lead_id IN ` + ids + `)`
	if l.CustomerID != 0 {
		q += ` OR customer_id = ?`
		args = append(args, l.CustomerID)
	}
	var out []InvoiceItem
	err := tenantdb.EachRow(ctx, db(r), q+` ORDER BY issued_at DESC, id DESC LIMIT 20`, args, func(rs *sql.Rows) error {
		var v InvoiceItem
		err := rs.Scan(&v.ID, &v.Number, &v.Status, &v.Currency, &v.Amount, &v.IssuedAt, &v.PaidAt)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: invoices: %w", err)
	}
	return out, nil
}

// TicketItem is one MSP ticket of the lead.
type TicketItem struct {
	ID, Number      int64
	Subject, Status string
	Priority        string
	CreatedAt       int64
}

// Ref is the ticket's number as people say it (T-000123, as app/msp writes it).
func (t TicketItem) Ref() string { return msp.FormatNumber(t.Number) }

func loadTickets(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	var out []TicketItem
	err := tenantdb.EachRow(ctx, db(r), `SELECT id, number, subject, status, priority, created_at FROM msp_tickets
		WHERE lead_id IN `+ids+` ORDER BY id DESC LIMIT 20`, args, func(rs *sql.Rows) error {
		var t TicketItem
		err := rs.Scan(&t.ID, &t.Number, &t.Subject, &t.Status, &t.Priority, &t.CreatedAt)
		out = append(out, t)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: tickets: %w", err)
	}
	return out, nil
}

// EventItem is one action-log row about the lead: its conversations' and its own (board moves,
// merges, the linked customer, the expected value).
type EventItem struct {
	ID                               int64
	Provider, Action, Summary, Actor string
	ConversationID, At               int64
	FromStage, ToStage               string // a move of the lead's stage (board or conversation form)
	MergedID                         int64  // a merge: the lead merged in
}

// EventsShown is how many of the lead's newest events its page lists.
const EventsShown = 30

func loadEvents(ctx context.Context, r *http.Request, l *Lead) (any, error) {
	ids, args := in(l.Family)
	var out []EventItem
	// Two index walks, merged: the conversations' rows (action_logs_conversation) and the lead's
	// own (action_logs_provider, lead_pipeline only).
	q := `SELECT id, provider, action_type, decision_summary, actor_name, coalesce(conversation_id,0), created_at,
		coalesce(json_extract(j, '$.before.lead_stage'),''), coalesce(json_extract(j, '$.after.lead_stage'),''),
		coalesce(json_extract(j, '$.merged_lead_id'),0) FROM (SELECT *, CASE WHEN json_valid(payload) THEN payload END AS j FROM (
		SELECT * FROM action_logs WHERE conversation_id IN (SELECT id FROM conversations WHERE lead_id IN ` + ids + `)
		UNION
		SELECT * FROM action_logs WHERE provider = 'lead_pipeline' AND json_extract(payload, '$.lead_id') IN ` + ids + `
	)) ORDER BY id DESC LIMIT ?`
	all := append(append(append([]any{}, args...), args...), EventsShown)
	err := tenantdb.EachRow(ctx, db(r), q, all, func(rs *sql.Rows) error {
		var e EventItem
		err := rs.Scan(&e.ID, &e.Provider, &e.Action, &e.Summary, &e.Actor, &e.ConversationID, &e.At, &e.FromStage, &e.ToStage, &e.MergedID)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: events: %w", err)
	}
	return out, nil
}

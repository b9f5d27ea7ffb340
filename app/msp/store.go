package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

const ticketCols = `id, number, subject, description, coalesce(client_id,0), coalesce(site_id,0), coalesce(device_id,0),
	coalesce(lead_id,0), coalesce(conversation_id,0), category, priority, status, coalesce(assignee_user_id,0), created_by_name,
	created_at, updated_at, status_at, coalesce(resolved_at,0), coalesce(closed_at,0)`

// ticketColsT are ticketCols of msp_tickets AS t (the word search joins the search index, whose
// columns share names with the ticket's).
const ticketColsT = `t.id, t.number, t.subject, t.description, coalesce(t.client_id,0), coalesce(t.site_id,0), coalesce(t.device_id,0),
	coalesce(t.lead_id,0), coalesce(t.conversation_id,0), t.category, t.priority, t.status, coalesce(t.assignee_user_id,0), t.created_by_name,
	t.created_at, t.updated_at, t.status_at, coalesce(t.resolved_at,0), coalesce(t.closed_at,0)`

func scanTicket(sc interface{ Scan(...any) error }) (*Ticket, error) {
	t := &Ticket{}
	err := sc.Scan(&t.ID, &t.Number, &t.Subject, &t.Description, &t.ClientID, &t.SiteID, &t.DeviceID, &t.LeadID, &t.ConversationID,
		&t.Category, &t.Priority, &t.Status, &t.AssigneeID, &t.CreatedByName, &t.CreatedAt, &t.UpdatedAt, &t.StatusAt,
		&t.ResolvedAt, &t.ClosedAt)
	return t, err
}

// TicketByID reads one ticket; tenantdb.ErrNotFound when absent.
func TicketByID(ctx context.Context, q Querier, id int64) (*Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM msp_tickets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("msp: read ticket: %w", err)
	}
	return t, nil
}

// TicketsOfConversation lists the tickets a conversation is linked to, newest first (at most 20).
func TicketsOfConversation(ctx context.Context, q Querier, convID int64) ([]*Ticket, error) {
	return listTickets(ctx, q, `SELECT `+ticketCols+` FROM msp_tickets WHERE conversation_id = ? ORDER BY id DESC LIMIT 20`, convID)
}

func listTickets(ctx context.Context, q Querier, query string, args ...any) ([]*Ticket, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: list tickets: %w", err)
	}
	defer rows.Close()
	var out []*Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("msp: list tickets: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: list tickets: %w", err)
	}
	return out, nil
}

// Status filter values beside the statuses themselves.
const (
	FilterActive = ""    // every status but resolved and closed (the default view)
	FilterAll    = "all" // every status
)

// PageSize is how many tickets one page of the list shows.
const PageSize = 50

// Filter narrows the ticket list. Before is the keyset cursor: only tickets with a smaller id
// (older) than it; 0 starts at the newest.
type Filter struct {
	Status     string // FilterActive, FilterAll or a status
	Priority   string // "" or a priority
	ClientID   int64
	AssigneeID int64 // -1: nobody assigned
	Q          string
	// SLA is "" or SLAAtRisk; IDs are then the at-risk tickets (resolveSLA fills them: the
	// clocks are computed, not stored).
	SLA    string
	IDs    []int64
	Before int64
	Limit  int // 0: PageSize
}

var refRE = regexp.MustCompile(`^(?i:t-?)?0*([0-9]{1,9})$`)

// refMatch matches s against refRE as typed or copied: spaces around it and invisible formatting
// characters are ignored (a reference copied from a banner carries the isolates and the word joiner
// the banner sets around and inside it).
func refMatch(s string) []string {
	return refRE.FindStringSubmatch(strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)))
}

// where builds the filter's WHERE clause (without the cursor) over msp_tickets AS t, and the
// FROM it reads: the ticket table, or — for a word search — the search index joined to it, read
// newest first so a page stops after its rows however many tickets match.
func (f Filter) where() (from fromKind, where string, args []any) {
	from = fromTickets
	var conds []string
	switch {
	case f.Status == FilterActive:
		// As written in the partial index msp_tickets_active (schema 00031), which SQLite then uses.
		conds = append(conds, `t.status IN ('new','open','waiting_customer','waiting_third_party')`)
	case ValidStatus(f.Status):
		conds = append(conds, `t.status = ?`)
		args = append(args, f.Status)
	}
	if f.Priority != "" {
		conds = append(conds, `t.priority = ?`)
		args = append(args, f.Priority)
	}
	if f.SLA == SLAAtRisk {
		// The ids are integers: written out, one statement (idList gives "0" for none).
		conds = append(conds, `t.id IN (`+idList(f.IDs)+`)`)
	}
	if f.ClientID > 0 {
		conds = append(conds, `t.client_id = ?`)
		args = append(args, f.ClientID)
	}
	switch {
	case f.AssigneeID > 0:
		conds = append(conds, `t.assignee_user_id = ?`)
		args = append(args, f.AssigneeID)
	case f.AssigneeID < 0:
		conds = append(conds, `t.assignee_user_id IS NULL`)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		switch m := refMatch(q); {
		case m != nil:
			n, _ := strconv.ParseInt(m[1], 10, 64)
			conds = append(conds, `t.number = ?`)
			args = append(args, n)
		case len([]rune(q)) >= 3:
			// The trigram index finds any part of a word of three letters or more; it holds the
			// folded subject and description (schema 00067), so the query is folded too.
			from = fromSearch
			conds = append([]string{`msp_ticket_search MATCH ?`}, conds...)
			args = append([]any{`"` + strings.ReplaceAll(inbox.Fold(q), `"`, `""`) + `"`}, args...)
		default:
			conds = append(conds, `(hv_fold(t.subject) LIKE ? ESCAPE '\' OR hv_fold(t.description) LIKE ? ESCAPE '\')`)
			args = append(args, foldLike(q), foldLike(q))
		}
	}
	if f.Status == FilterActive && from == fromTickets {
		from = fromActive
	}
	if len(conds) == 0 {
		return from, "1", args
	}
	return from, strings.Join(conds, " AND "), args
}

// fromKind is what a list reads its tickets from.
type fromKind int

const (
	fromTickets fromKind = iota // msp_tickets, newest first by id
	// fromActive: the open tickets, newest first, straight from their partial index (schema 00031):
	// the planner's statistics otherwise prefer the status index and sort every open ticket.
	fromActive
	// fromSearch: the word search's index joined to the tickets, walked newest first by its rowid
	// (the ticket id), so a page stops after its rows however many tickets match.
	fromSearch
)

// pageQuery is the SELECT of one page of tickets under where (its last argument is the limit;
// cursor > 0 adds the keyset condition, whose value the caller appends before the limit), with
// the client's, site's and device's names joined in (one statement a page instead of four).
func pageQuery(from fromKind, where string, cursor bool) string {
	switch from {
	case fromSearch:
		if cursor {
			where += ` AND s.rowid < ?`
		}
		return `SELECT ` + ticketColsT + `, ` + nameCols + ` FROM msp_ticket_search s JOIN msp_tickets t ON t.id = s.rowid ` + nameJoins + ` WHERE ` + where + ` ORDER BY s.rowid DESC LIMIT ?`
	case fromActive:
		if cursor {
			where += ` AND t.id < ?`
		}
		return `SELECT ` + ticketColsT + `, ` + nameCols + ` FROM msp_tickets t INDEXED BY msp_tickets_active ` + nameJoins + ` WHERE ` + where + ` ORDER BY t.id DESC LIMIT ?`
	}
	if cursor {
		where += ` AND t.id < ?`
	}
	return `SELECT ` + ticketColsT + `, ` + nameCols + ` FROM msp_tickets t ` + nameJoins + ` WHERE ` + where + ` ORDER BY t.id DESC LIMIT ?`
}

// listNamedTickets reads tickets of a pageQuery (their names included).
func listNamedTickets(ctx context.Context, q Querier, query string, args ...any) ([]*Ticket, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: list tickets: %w", err)
	}
	defer rows.Close()
	var out []*Ticket
	for rows.Next() {
		t := &Ticket{}
		if err := rows.Scan(&t.ID, &t.Number, &t.Subject, &t.Description, &t.ClientID, &t.SiteID, &t.DeviceID, &t.LeadID,
			&t.ConversationID, &t.Category, &t.Priority, &t.Status, &t.AssigneeID, &t.CreatedByName, &t.CreatedAt, &t.UpdatedAt,
			&t.StatusAt, &t.ResolvedAt, &t.ClosedAt, &t.ClientName, &t.SiteName, &t.DeviceName); err != nil {
			return nil, fmt.Errorf("msp: list tickets: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: list tickets: %w", err)
	}
	return out, nil
}

func like(q string) string {
	q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(q))
	return "%" + q + "%"
}

// foldLike is like for a column read through hv_fold: the query in inbox.Fold's alphabet, so
// "ÜMİT", "umit" and "ümit" all find "Ümit" (SQLite's LIKE folds only A–Z).
func foldLike(q string) string { return like(inbox.Fold(q)) }

// Page is one page of the ticket list and the cursor of the next (0: last page).
type Page struct {
	Tickets []*Ticket
	Next    int64
}

// List reads one page of tickets under f, newest first, with client, site and device names.
func List(ctx context.Context, q Querier, f Filter) (*Page, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = PageSize
	}
	from, where, args := f.where()
	if f.Before > 0 {
		args = append(args, f.Before)
	}
	args = append(args, limit+1)
	ts, err := listNamedTickets(ctx, q, pageQuery(from, where, f.Before > 0), args...)
	if err != nil {
		return nil, err
	}
	p := &Page{Tickets: ts}
	if len(ts) > limit {
		p.Tickets = ts[:limit]
		p.Next = p.Tickets[limit-1].ID
	}
	return p, nil
}

// Board reads the tickets of the kanban: per status, the newest up to perColumn (closed and
// resolved ones only of the last 14 days), narrowed by f's priority, client, assignee and search.
func Board(ctx context.Context, q Querier, f Filter, perColumn int, since int64) (map[string][]*Ticket, error) {
	out := map[string][]*Ticket{}
	for _, s := range Statuses {
		g := f
		g.Status = s
		from, where, args := g.where()
		if s == StatusResolved || s == StatusClosed {
			where += ` AND t.status_at >= ?`
			args = append(args, since)
		}
		args = append(args, perColumn)
		ts, err := listNamedTickets(ctx, q, pageQuery(from, where, false), args...)
		if err != nil {
			return nil, err
		}
		out[s] = ts
	}
	return out, nil
}

// Events reads a ticket's timeline, oldest first.
func Events(ctx context.Context, q Querier, ticketID int64) ([]*Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, ticket_id, kind, from_value, to_value, body, coalesce(message_id,0),
		coalesce(actor_user_id,0), actor_name, created_at FROM msp_ticket_events WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("msp: events: %w", err)
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e := &Event{}
		if err := rows.Scan(&e.ID, &e.TicketID, &e.Kind, &e.From, &e.To, &e.Body, &e.MessageID, &e.ActorID, &e.ActorName, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("msp: events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// addEvent writes one timeline line inside tx.
func addEvent(ctx context.Context, tx *sql.Tx, e Event, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_events(ticket_id, kind, from_value, to_value, body, message_id, actor_user_id,
		actor_name, created_at) VALUES(?,?,?,?,?,?,?,?,?)`, e.TicketID, e.Kind, e.From, e.To, e.Body, nullID(e.MessageID),
		nullID(e.ActorID), e.ActorName, at)
	if err != nil {
		return fmt.Errorf("msp: event: %w", err)
	}
	return nil
}

// refNumber reads a ticket reference as people write it (T-000123, t123, 123); 0 when it is none.
func refNumber(s string) int64 {
	m := refMatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// TicketIDByRef finds the ticket a reference names; tenantdb.ErrNotFound when none.
func TicketIDByRef(ctx context.Context, q Querier, ref string) (int64, error) {
	n := refNumber(ref)
	if n == 0 {
		return 0, tenantdb.ErrNotFound
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM msp_tickets WHERE number = ?`, n).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, tenantdb.ErrNotFound
	}
	return id, err
}

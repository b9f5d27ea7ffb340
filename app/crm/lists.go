package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// PageSize is how many records a CRM list page shows; the page links to the next, older ones.
const PageSize = 50

// Filter narrows a CRM list: Q matches names, contact fields, numbers and descriptions. After is
// the cursor of a later page (Page.Next): the records that come after it in the list's order.
type Filter struct {
	Q, Status, Urgency string
	After              string
}

// cursor is a place in a list ordered newest first by (key, id): key is the list's date (or the
// id itself), written "key.id" (or "id") in the page's address.
type cursor struct {
	key, id int64
	ok      bool
}

// parseCursor reads a cursor; anything else is the first page.
func parseCursor(s string) cursor {
	k, id, two := strings.Cut(s, ".")
	a, err1 := strconv.ParseInt(k, 10, 64)
	if !two {
		return cursor{key: a, id: a, ok: err1 == nil && a > 0}
	}
	b, err2 := strconv.ParseInt(id, 10, 64)
	return cursor{key: a, id: b, ok: err1 == nil && err2 == nil && b > 0}
}

// after is the condition for the records after c in the order (keyCol DESC, idCol DESC); keyCol
// "" orders by the id alone.
func (c cursor) after(keyCol, idCol string) (string, []any) {
	switch {
	case !c.ok:
		return "", nil
	case keyCol == "":
		return ` AND ` + idCol + ` < ?`, []any{c.id}
	}
	return ` AND (` + keyCol + ` < ? OR (` + keyCol + ` = ? AND ` + idCol + ` < ?))`, []any{c.key, c.key, c.id}
}

// page cuts rows read one past PageSize to the page, and answers the cursor of the next page ("":
// this is the last), made by at from the page's last row.
func page[T any](rows []T, at func(T) string) ([]T, string) {
	if len(rows) <= PageSize {
		return rows, ""
	}
	rows = rows[:PageSize]
	return rows, at(rows[len(rows)-1])
}

func like(q string) string {
	q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(q))
	return "%" + q + "%"
}

// customerConds, orderConds, invoiceConds and repairConds are a list's filters as SQL (" AND …"),
// shared by the list page and its export so both show the same records.
func customerConds(f Filter) (string, []any) {
	return filterConds(f, "", "name", "phone", "email", "company", "city")
}

func orderConds(f Filter) (string, []any) {
	return filterConds(f, "o.status", "c.name", "o.description", "o.external_id")
}

func invoiceConds(f Filter) (string, []any) {
	return filterConds(f, "i.status", "c.name", "i.number", "i.external_id")
}

func repairConds(f Filter) (string, []any) {
	q, args := filterConds(f, "r.status", "r.description", "c.name")
	if f.Urgency != "" {
		q += ` AND r.urgency = ?`
		args = append(args, f.Urgency)
	}
	return q, args
}

// filterConds is a list's status filter (on column status; "" = the list has none) and its search
// (the words anywhere in one of cols).
func filterConds(f Filter, status string, cols ...string) (q string, args []any) {
	if status != "" && f.Status != "" {
		q += ` AND ` + status + ` = ?`
		args = append(args, f.Status)
	}
	if s := strings.TrimSpace(f.Q); s != "" && len(cols) > 0 {
		// The query and the columns meet in inbox.Fold's alphabet, as the leads list's names do:
		// SQLite's LIKE folds only A–Z, so "ümit" and "ÜMİT" did not find "Ümit Aydın", nor
		// "cavus" "Çavuş".
		l := like(inbox.Fold(s))
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = `hv_fold(` + c + `) LIKE ? ESCAPE '\'`
			args = append(args, l)
		}
		q += ` AND (` + strings.Join(parts, " OR ") + `)`
	}
	return q, args
}

// Customers lists a page of customers, newest first, and the cursor of the next page.
func Customers(ctx context.Context, db *tenantdb.DB, f Filter) ([]Customer, string, error) {
	cond, args := customerConds(f)
	at, atArgs := parseCursor(f.After).after("", "id")
	q := `SELECT id, coalesce(external_id,''), name, phone, email, company, city, notes, created_at, updated_at FROM customers WHERE 1=1` + cond + at
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(append(args, atArgs...), PageSize+1)
	var out []Customer
	err := tenantdb.EachRow(ctx, db.Read, q, args, func(rs *sql.Rows) error {
		var c Customer
		if err := rs.Scan(&c.ID, &c.ExternalID, &c.Name, &c.Phone, &c.Email, &c.Company, &c.City, &c.Notes, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("crm: list customers: %w", err)
	}
	out, next := page(out, func(c Customer) string { return strconv.FormatInt(c.ID, 10) })
	return out, next, nil
}

// CustomerByID returns one customer or tenantdb.ErrNotFound.
func CustomerByID(ctx context.Context, db *tenantdb.DB, id int64) (*Customer, error) {
	return customerByID(ctx, db.Read, id)
}

// customerByID is CustomerByID read through q (a transaction reads what it is about to change).
func customerByID(ctx context.Context, q rowQuerier, id int64) (*Customer, error) {
	var c Customer
	err := q.QueryRowContext(ctx, `SELECT id, coalesce(external_id,''), name, phone, email, company, city, notes, created_at, updated_at FROM customers WHERE id = ?`, id).
		Scan(&c.ID, &c.ExternalID, &c.Name, &c.Phone, &c.Email, &c.Company, &c.City, &c.Notes, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("crm: customer: %w", err)
	}
	return &c, nil
}

// Orders lists a page of orders with their customer's name, newest first, and the cursor of the
// next page.
func Orders(ctx context.Context, db *tenantdb.DB, f Filter) ([]Order, string, error) {
	q := `SELECT o.id, o.customer_id, coalesce(o.lead_id,0), coalesce(o.external_id,''), o.status, o.total, o.currency, o.description, o.ordered_at, c.name
		FROM orders o JOIN customers c ON c.id = o.customer_id WHERE 1=1`
	cond, args := orderConds(f)
	at, atArgs := parseCursor(f.After).after("o.ordered_at", "o.id")
	q += cond + at
	q += ` ORDER BY o.ordered_at DESC, o.id DESC LIMIT ?`
	args = append(append(args, atArgs...), PageSize+1)
	var out []Order
	err := tenantdb.EachRow(ctx, db.Read, q, args, func(rs *sql.Rows) error {
		var o Order
		if err := rs.Scan(&o.ID, &o.CustomerID, &o.LeadID, &o.ExternalID, &o.Status, &o.Total, &o.Currency, &o.Description, &o.OrderedAt, &o.CustomerName); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("crm: list orders: %w", err)
	}
	out, next := page(out, func(o Order) string { return fmt.Sprintf("%d.%d", o.OrderedAt, o.ID) })
	return out, next, nil
}

// OrderByID returns one order or tenantdb.ErrNotFound.
func OrderByID(ctx context.Context, db *tenantdb.DB, id int64) (*Order, error) {
	return orderByID(ctx, db.Read, id)
}

// orderByID is OrderByID read through q (a transaction reads what it is about to change).
func orderByID(ctx context.Context, q rowQuerier, id int64) (*Order, error) {
	var o Order
	err := q.QueryRowContext(ctx, `SELECT o.id, o.customer_id, coalesce(o.lead_id,0), coalesce(o.external_id,''), o.status, o.total, o.currency, o.description, o.ordered_at, c.name
		FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = ?`, id).
		Scan(&o.ID, &o.CustomerID, &o.LeadID, &o.ExternalID, &o.Status, &o.Total, &o.Currency, &o.Description, &o.OrderedAt, &o.CustomerName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("crm: order: %w", err)
	}
	return &o, nil
}

// Invoices lists a page of invoices with their customer's name, newest first, and the cursor of
// the next page.
func Invoices(ctx context.Context, db *tenantdb.DB, f Filter) ([]Invoice, string, error) {
	q := `SELECT i.id, i.customer_id, coalesce(i.order_id,0), coalesce(i.external_id,''), i.number, i.amount, i.currency, i.status, i.issued_at, coalesce(i.paid_at,0), c.name
		FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE 1=1`
	cond, args := invoiceConds(f)
	at, atArgs := parseCursor(f.After).after("i.issued_at", "i.id")
	q += cond + at
	q += ` ORDER BY i.issued_at DESC, i.id DESC LIMIT ?`
	args = append(append(args, atArgs...), PageSize+1)
	var out []Invoice
	err := tenantdb.EachRow(ctx, db.Read, q, args, func(rs *sql.Rows) error {
		var v Invoice
		if err := rs.Scan(&v.ID, &v.CustomerID, &v.OrderID, &v.ExternalID, &v.Number, &v.Amount, &v.Currency, &v.Status, &v.IssuedAt, &v.PaidAt, &v.CustomerName); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("crm: list invoices: %w", err)
	}
	out, next := page(out, func(v Invoice) string { return fmt.Sprintf("%d.%d", v.IssuedAt, v.ID) })
	return out, next, nil
}

// InvoiceByID returns one invoice or tenantdb.ErrNotFound.
func InvoiceByID(ctx context.Context, db *tenantdb.DB, id int64) (*Invoice, error) {
	return invoiceByID(ctx, db.Read, id)
}

// invoiceByID is InvoiceByID read through q (a transaction reads what it is about to change).
func invoiceByID(ctx context.Context, q rowQuerier, id int64) (*Invoice, error) {
	var v Invoice
	err := q.QueryRowContext(ctx, `SELECT i.id, i.customer_id, coalesce(i.order_id,0), coalesce(i.external_id,''), i.number, i.amount, i.currency, i.status, i.issued_at, coalesce(i.paid_at,0), c.name
		FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ?`, id).
		Scan(&v.ID, &v.CustomerID, &v.OrderID, &v.ExternalID, &v.Number, &v.Amount, &v.Currency, &v.Status, &v.IssuedAt, &v.PaidAt, &v.CustomerName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("crm: invoice: %w", err)
	}
	return &v, nil
}

// Repairs lists a page of repair requests, newest first, and the cursor of the next page.
func Repairs(ctx context.Context, db *tenantdb.DB, f Filter) ([]RepairRequest, string, error) {
	q := `SELECT r.id, coalesce(r.customer_id,0), coalesce(r.lead_id,0), r.description, r.urgency, r.status, r.created_at, coalesce(c.name,'')
		FROM repair_requests r LEFT JOIN customers c ON c.id = r.customer_id WHERE 1=1`
	cond, args := repairConds(f)
	at, atArgs := parseCursor(f.After).after("", "r.id")
	q += cond + at
	q += ` ORDER BY r.id DESC LIMIT ?`
	args = append(append(args, atArgs...), PageSize+1)
	var out []RepairRequest
	err := tenantdb.EachRow(ctx, db.Read, q, args, func(rs *sql.Rows) error {
		var r RepairRequest
		if err := rs.Scan(&r.ID, &r.CustomerID, &r.LeadID, &r.Description, &r.Urgency, &r.Status, &r.CreatedAt, &r.CustomerName); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("crm: list repair requests: %w", err)
	}
	out, next := page(out, func(r RepairRequest) string { return strconv.FormatInt(r.ID, 10) })
	return out, next, nil
}

// RepairByID returns one repair request or tenantdb.ErrNotFound.
func RepairByID(ctx context.Context, db *tenantdb.DB, id int64) (*RepairRequest, error) {
	return repairByID(ctx, db.Read, id)
}

// repairByID is RepairByID read through q (a transaction reads what it is about to change).
func repairByID(ctx context.Context, q rowQuerier, id int64) (*RepairRequest, error) {
	var r RepairRequest
	err := q.QueryRowContext(ctx, `SELECT r.id, coalesce(r.customer_id,0), coalesce(r.lead_id,0), r.description, r.urgency, r.status, r.created_at, coalesce(c.name,'')
		FROM repair_requests r LEFT JOIN customers c ON c.id = r.customer_id WHERE r.id = ?`, id).
		Scan(&r.ID, &r.CustomerID, &r.LeadID, &r.Description, &r.Urgency, &r.Status, &r.CreatedAt, &r.CustomerName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("crm: repair request: %w", err)
	}
	return &r, nil
}

// Link is a related record shown on a CRM edit page (a customer, an order, a conversation). A
// record named by its number ("#12") has it in ID, which the page keeps one left-to-right piece
// on Arabic pages. A conversation carries its channel and state as codes, which the page words in
// the reader's language, and its lead's name, number and e-mail address, which the page names it
// by (web.Who's rule, views/partials/phone.html's "who").
type Link struct {
	Href, Text         string
	ID                 int64
	Channel, State     string
	Name, Phone, Email string
}

// Related lists the leads and conversations linked to a customer (directly or through a lead).
func Related(ctx context.Context, db *tenantdb.DB, customerID int64) ([]Link, error) {
	convs, err := inbox.CustomerConversations(ctx, db.Read, customerID, 20)
	if err != nil {
		return nil, fmt.Errorf("crm: related: %w", err)
	}
	var out []Link
	for _, c := range convs {
		out = append(out, Link{Href: fmt.Sprintf("/app/inbox/%d/", c.ID), ID: c.ID, Channel: c.Channel, State: c.State,
			Name: c.LeadName, Phone: c.LeadPhone, Email: c.LeadEmail})
	}
	return out, nil
}

// Option is a select entry.
type Option struct {
	Value, Label string
}

// CustomerOptions lists customers for a select (newest first, capped).
func CustomerOptions(ctx context.Context, db *tenantdb.DB) ([]Option, error) {
	var out []Option
	err := tenantdb.EachRow(ctx, db.Read, `SELECT id, name FROM customers ORDER BY name COLLATE NOCASE LIMIT 1000`, nil, func(rs *sql.Rows) error {
		var id int64
		var name string
		if err := rs.Scan(&id, &name); err != nil {
			return err
		}
		out = append(out, Option{Value: fmt.Sprint(id), Label: fmt.Sprintf("%s (#%d)", name, id)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("crm: customer options: %w", err)
	}
	return out, nil
}

// LinkedCustomer reads the customer a lead or conversation is linked to (nil when it is gone) and
// its five newest orders, for the inbox's conversation page (inbox.Neighbours).
func LinkedCustomer(ctx context.Context, q inbox.Querier, id int64) (*inbox.LinkedCustomer, error) {
	c := &inbox.LinkedCustomer{ID: id}
	err := q.QueryRowContext(ctx, `SELECT name FROM customers WHERE id = ?`, id).Scan(&c.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("crm: linked customer: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, status, total, currency, description FROM orders WHERE customer_id = ? ORDER BY ordered_at DESC, id DESC LIMIT 5`, id)
	if err != nil {
		return nil, fmt.Errorf("crm: linked customer orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o inbox.LinkedOrder
		if err := rows.Scan(&o.ID, &o.Status, &o.Total, &o.Currency, &o.Description); err != nil {
			return nil, fmt.Errorf("crm: linked customer orders: %w", err)
		}
		c.Orders = append(c.Orders, o)
	}
	return c, rows.Err()
}

// rowQuerier reads rows: the business's reader or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

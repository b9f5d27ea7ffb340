package crm

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"highvibe/app/export"
	"highvibe/app/fault"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// exportBatch is how many records one read of an export takes; each batch is its own short read.
const exportBatch = 2000

// walk runs sqlq (which ends in "AND <id column> > ? ORDER BY <id column> LIMIT ?") batch after
// batch from the smallest id up, calling scan for every row; scan returns the row's id.
func walk(ctx context.Context, db *tenantdb.DB, sqlq string, args []any, scan func(*sql.Rows) (int64, error)) error {
	var after int64
	for {
		n := 0
		err := tenantdb.EachRow(ctx, db.Read, sqlq, append(append([]any(nil), args...), after, exportBatch), func(rs *sql.Rows) error {
			id, err := scan(rs)
			after = id
			n++
			return err
		})
		if err != nil {
			return err
		}
		if n < exportBatch {
			return nil
		}
	}
}

// Export is GET /<entity>/export (ExportData): the list with the page's search and status filter,
// every matching record (not only the page's 200), as CSV or XLSX (?format=).
func (h *Handler) Export(e Entity) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.export(w, r, string(e)) }
}

// refuseFilters answers an export address whose status the list does not have (a hand-made or
// cut link) with the exports' 400 page, in the reader's language: a file of every record, logged
// as if filtered, is no answer to a filter.
func (h *Handler) refuseFilters(w http.ResponseWriter, r *http.Request) {
	h.Render.Fail(w, r, fault.Malformed("export.err.filters"))
}

func (h *Handler) export(w http.ResponseWriter, r *http.Request, ent string) {
	c := web.From(r)
	q := r.URL.Query()
	f := Filter{Q: q.Get("q"), Status: q.Get("status")}
	loc := c.Zone()
	at := export.Moments(loc)
	day := func(ms int64) export.Day {
		if ms == 0 {
			return ""
		}
		return export.Day(time.UnixMilli(ms).In(loc).Format(time.DateOnly))
	}
	t := export.Table{List: ent, Filters: q}
	var rows export.Rows
	switch ent {
	case "customers":
		t.Columns = []string{"#", c.T("crm.f.name"), c.T("crm.f.phone"), c.T("crm.f.email"), c.T("crm.f.company"), c.T("crm.f.city"),
			c.T("crm.f.notes"), c.T("export.col.created")}
		cond, args := customerConds(f)
		rows = func(ctx context.Context, emit export.Emit) error {
			return walk(ctx, c.DB, `SELECT id, name, phone, email, company, city, notes, created_at FROM customers WHERE 1=1`+cond+
				` AND id > ? ORDER BY id LIMIT ?`, args, func(rs *sql.Rows) (int64, error) {
				var x Customer
				if err := rs.Scan(&x.ID, &x.Name, &x.Phone, &x.Email, &x.Company, &x.City, &x.Notes, &x.CreatedAt); err != nil {
					return 0, err
				}
				return x.ID, emit(x.ID, x.Name, x.Phone, x.Email, x.Company, x.City, x.Notes, at(x.CreatedAt))
			})
		}
	case "orders":
		if f.Status != "" && !oneOf(f.Status, OrderStatuses) {
			h.refuseFilters(w, r)
			return
		}
		t.Columns = []string{"#", c.T("crm.f.customer_id"), c.T("crm.f.status"), c.T("crm.f.total"), c.T("crm.f.currency"),
			c.T("crm.f.ordered_at"), c.T("crm.f.description")}
		cond, args := orderConds(f)
		rows = func(ctx context.Context, emit export.Emit) error {
			return walk(ctx, c.DB, `SELECT o.id, c.name, o.status, o.total, o.currency, o.ordered_at, o.description
				FROM orders o JOIN customers c ON c.id = o.customer_id WHERE 1=1`+cond+` AND o.id > ? ORDER BY o.id LIMIT ?`, args,
				func(rs *sql.Rows) (int64, error) {
					var x Order
					if err := rs.Scan(&x.ID, &x.CustomerName, &x.Status, &x.Total, &x.Currency, &x.OrderedAt, &x.Description); err != nil {
						return 0, err
					}
					return x.ID, emit(x.ID, x.CustomerName, c.T("crm.status."+x.Status), x.Total, x.Currency, day(x.OrderedAt), x.Description)
				})
		}
	case "invoices":
		if f.Status != "" && !oneOf(f.Status, InvoiceStatuses) {
			h.refuseFilters(w, r)
			return
		}
		t.Columns = []string{"#", c.T("crm.f.number"), c.T("crm.f.customer_id"), c.T("crm.f.status"), c.T("crm.f.amount"),
			c.T("crm.f.currency"), c.T("crm.f.issued_at"), c.T("crm.f.paid_at")}
		cond, args := invoiceConds(f)
		rows = func(ctx context.Context, emit export.Emit) error {
			return walk(ctx, c.DB, `SELECT i.id, i.number, c.name, i.status, i.amount, i.currency, i.issued_at, coalesce(i.paid_at,0)
				FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE 1=1`+cond+` AND i.id > ? ORDER BY i.id LIMIT ?`, args,
				func(rs *sql.Rows) (int64, error) {
					var x Invoice
					if err := rs.Scan(&x.ID, &x.Number, &x.CustomerName, &x.Status, &x.Amount, &x.Currency, &x.IssuedAt, &x.PaidAt); err != nil {
						return 0, err
					}
					return x.ID, emit(x.ID, x.Number, x.CustomerName, c.T("crm.status."+x.Status), x.Amount, x.Currency, day(x.IssuedAt), day(x.PaidAt))
				})
		}
	case "repair-requests":
		if f.Status != "" && !oneOf(f.Status, RepairStatuses) {
			h.refuseFilters(w, r)
			return
		}
		t.Columns = []string{"#", c.T("crm.f.customer_id"), c.T("crm.f.urgency"), c.T("crm.f.status"), c.T("crm.f.description"), c.T("export.col.created")}
		cond, args := repairConds(f)
		rows = func(ctx context.Context, emit export.Emit) error {
			return walk(ctx, c.DB, `SELECT r.id, coalesce(c.name,''), r.urgency, r.status, r.description, r.created_at
				FROM repair_requests r LEFT JOIN customers c ON c.id = r.customer_id WHERE 1=1`+cond+` AND r.id > ? ORDER BY r.id LIMIT ?`, args,
				func(rs *sql.Rows) (int64, error) {
					var x RepairRequest
					if err := rs.Scan(&x.ID, &x.CustomerName, &x.Urgency, &x.Status, &x.Description, &x.CreatedAt); err != nil {
						return 0, err
					}
					return x.ID, emit(x.ID, x.CustomerName, c.T("crm.urgency."+x.Urgency), c.T("crm.status."+x.Status), x.Description, at(x.CreatedAt))
				})
		}
	default:
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	export.Send(w, r, h.Render, t, func(ctx context.Context, emit export.Emit) error {
		if err := rows(ctx, emit); err != nil {
			return fmt.Errorf("crm: export %s: %w", ent, err)
		}
		return nil
	})
}

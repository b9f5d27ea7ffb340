package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Enumerations of the CRM records' fields (the schema CHECKs enforce them too).
var (
	OrderStatuses   = []string{"open", "won", "fulfilled", "cancelled"}
	InvoiceStatuses = []string{"draft", "sent", "paid", "void"}
	RepairStatuses  = []string{"open", "scheduled", "in_progress", "done", "cancelled"}
	RepairUrgencies = []string{"low", "medium", "high", "critical"}
)

// Customer is a CRM customer record.
type Customer struct {
	ID                                       int64
	ExternalID                               string
	Name, Phone, Email, Company, City, Notes string
	CreatedAt, UpdatedAt                     int64
	// Region is the country Phone is read in when written without its country code (the
	// business's, platform.Tenant.PhoneRegion; "" is Turkey); not stored.
	Region string
}

// Order is a CRM order; Total is in Currency.
type Order struct {
	ID, CustomerID, LeadID int64 // LeadID 0 = none
	ExternalID             string
	Status                 string
	Total                  float64
	Currency, Description  string
	OrderedAt              int64
	CustomerName           string // filled by lists
	// Lines, when LinesSet, replace the order's product lines on save (else they stay as they are).
	Lines    []OrderLine
	LinesSet bool
	// By is who saves the order and AllowShort whether a sale below the stock on hand was
	// confirmed: both for the stock keeper (OnOrderSaved), never stored on the order.
	By         Actor
	AllowShort bool
}

// Invoice is a CRM invoice; PaidAt is required when Status is paid.
type Invoice struct {
	ID, CustomerID, OrderID int64 // OrderID 0 = none
	ExternalID, Number      string
	Amount                  float64
	Currency, Status        string
	IssuedAt, PaidAt        int64
	CustomerName            string
}

// RepairRequest is an after-sales repair job (niches with installation work).
type RepairRequest struct {
	ID, CustomerID, LeadID int64
	Description, Urgency   string
	Status                 string
	CreatedAt              int64
	CustomerName           string
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// validCurrency: an order or invoice records what happened, so a withdrawn national currency (an
// order of 2003 in TRL) stands; a made-up code or one for no money does not (i18n.RecordCurrency).
func validCurrency(c string) bool { return i18n.RecordCurrency(c) }

// ValidateCustomer returns field → message key for every problem (empty = valid). Importers
// use it for their per-row errors.
func ValidateCustomer(c *Customer) map[string]string {
	e := map[string]string{}
	c.Name, c.Phone, c.Email = web.PersonName(c.Name), strings.TrimSpace(c.Phone), channel.VisibleEmail(c.Email)
	c.Company, c.City, c.Notes = strings.TrimSpace(c.Company), strings.TrimSpace(c.City), strings.TrimSpace(c.Notes)
	if n := len([]rune(c.Name)); n < 1 || n > 200 {
		e["name"] = "crm.err.name"
	}
	if utf8.RuneCountInString(c.Phone) > 40 || (c.Phone != "" && inbox.NormalizePhone(c.Phone, c.Region) == "") {
		e["phone"] = "crm.err.phone"
	}
	if c.Email != "" {
		if !channel.ValidEmail(c.Email) {
			e["email"] = channel.EmailProblem(c.Email, "crm.err.email")
		}
	}
	if len([]rune(c.Company)) > 200 {
		e["company"] = "crm.err.too_long"
	}
	if len([]rune(c.City)) > 100 {
		e["city"] = "crm.err.too_long"
	}
	if len([]rune(c.Notes)) > 4000 {
		e["notes"] = "crm.err.too_long"
	}
	return e
}

// ValidateOrder checks an order; references are checked by the store (ErrBadReference).
func ValidateOrder(o *Order) map[string]string {
	e := map[string]string{}
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	if o.Currency == "" {
		o.Currency = "TRY"
	}
	if o.Status == "" {
		o.Status = "open"
	}
	if o.CustomerID <= 0 {
		e["customer_id"] = "crm.err.customer"
	}
	if !oneOf(o.Status, OrderStatuses) {
		e["status"] = "crm.err.status"
	}
	if !(o.Total >= 0 && o.Total <= 1e12) { // NaN fails both comparisons
		e["total"] = "crm.err.amount"
	}
	if !validCurrency(o.Currency) {
		e["currency"] = "crm.err.currency"
	}
	if len([]rune(o.Description)) > 4000 {
		e["description"] = "crm.err.too_long"
	}
	return e
}

// ValidateInvoice checks an invoice: a paid invoice needs its paid date.
func ValidateInvoice(v *Invoice) map[string]string {
	e := map[string]string{}
	v.Currency = strings.ToUpper(strings.TrimSpace(v.Currency))
	if v.Currency == "" {
		v.Currency = "TRY"
	}
	if v.Status == "" {
		v.Status = "draft"
	}
	if v.CustomerID <= 0 {
		e["customer_id"] = "crm.err.customer"
	}
	if !oneOf(v.Status, InvoiceStatuses) {
		e["status"] = "crm.err.status"
	}
	if !(v.Amount >= 0 && v.Amount <= 1e12) { // NaN fails both comparisons
		e["amount"] = "crm.err.amount"
	}
	if !validCurrency(v.Currency) {
		e["currency"] = "crm.err.currency"
	}
	if len([]rune(v.Number)) > 64 {
		e["number"] = "crm.err.too_long"
	}
	if v.Status == "paid" && v.PaidAt == 0 {
		e["paid_at"] = "crm.err.paid_at"
	}
	if v.Status != "paid" {
		v.PaidAt = 0 // an invoice that is not paid has no paid date (it kept the one it was paid on)
	}
	return e
}

// ValidateRepair checks a repair request.
func ValidateRepair(r *RepairRequest) map[string]string {
	e := map[string]string{}
	r.Description = strings.TrimSpace(r.Description)
	if n := len([]rune(r.Description)); n < 1 || n > 4000 {
		e["description"] = "crm.err.description"
	}
	if !oneOf(r.Urgency, RepairUrgencies) {
		e["urgency"] = "crm.err.status"
	}
	if !oneOf(r.Status, RepairStatuses) {
		e["status"] = "crm.err.status"
	}
	return e
}

// ErrBadReference says a record points to a customer, order or lead that does not exist; the
// field is named so a form or an import row can show it.
type ErrBadReference struct{ Field string }

func (e *ErrBadReference) Error() string { return "crm: unknown " + e.Field }

// Fault makes a bad reference a field error on its field, for forms and the API alike.
func (e *ErrBadReference) Fault() *fault.Error {
	return fault.InvalidField(e.Field, "crm.err.reference").Wrap(e)
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// The queries below name their table in the SQL (one per table) so the ownership test can see
// which table each reads.
var (
	countByID = map[string]string{
		"customers": `SELECT count(*) FROM customers WHERE id = ?`,
		"orders":    `SELECT count(*) FROM orders WHERE id = ?`,
		"invoices":  `SELECT count(*) FROM invoices WHERE id = ?`,
		"products":  `SELECT count(*) FROM products WHERE id = ?`,
	}
	idByExternalID = map[string]string{
		"customers": `SELECT id FROM customers WHERE external_id = ?`,
		"orders":    `SELECT id FROM orders WHERE external_id = ?`,
		"invoices":  `SELECT id FROM invoices WHERE external_id = ?`,
		"products":  `SELECT id FROM products WHERE external_id = ?`,
	}
)

// Exists reports whether row id of a CRM table (customers, orders, invoices, products) exists;
// rooms that take references to CRM records check them with it.
func Exists(ctx context.Context, tx *sql.Tx, table string, id int64) (bool, error) {
	q, ok := countByID[table]
	if !ok {
		return false, fmt.Errorf("crm: %s is no CRM table", table)
	}
	var n int
	if err := tx.QueryRowContext(ctx, q, id).Scan(&n); err != nil {
		return false, fmt.Errorf("crm: check %s: %w", table, err)
	}
	return n > 0, nil
}

// exists checks the reference id in field (0: none); leads are the inbox's and asked of it.
func exists(ctx context.Context, tx *sql.Tx, table string, id int64, field string) error {
	if id == 0 {
		return nil
	}
	var ok bool
	var err error
	if table == "leads" {
		ok, err = inbox.LeadExists(ctx, tx, id)
	} else {
		ok, err = Exists(ctx, tx, table, id)
	}
	if err != nil {
		return fmt.Errorf("crm: check %s: %w", field, err)
	}
	if !ok {
		return &ErrBadReference{Field: field}
	}
	return nil
}

// IDByExternal finds the row of a CRM table an outside system knows as ext (0 when none).
func IDByExternal(ctx context.Context, tx *sql.Tx, table, ext string) (int64, error) {
	if ext == "" {
		return 0, nil
	}
	q, ok := idByExternalID[table]
	if !ok {
		return 0, fmt.Errorf("crm: %s is no CRM table", table)
	}
	var id int64
	err := tx.QueryRowContext(ctx, q, ext).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// SaveCustomer inserts (c.ID 0; at c.CreatedAt when set) or updates a customer inside the
// caller's transaction.
func SaveCustomer(ctx context.Context, tx *sql.Tx, c *Customer) error {
	now := tenantdb.Now()
	e164 := inbox.NormalizePhone(c.Phone, c.Region)
	if c.ID == 0 {
		at := now
		if c.CreatedAt != 0 {
			at = c.CreatedAt // a record brought in with its past (the demo)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO customers(external_id, name, phone, phone_e164, email, company, city, notes, created_at, updated_at)
			VALUES(?,?,?,?,?,?,?,?,?,?)`, nullStr(c.ExternalID), c.Name, c.Phone, e164, c.Email, c.Company, c.City, c.Notes, at, at)
		if err != nil {
			return fmt.Errorf("crm: insert customer: %w", err)
		}
		c.ID, _ = res.LastInsertId()
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE customers SET name=?, phone=?, phone_e164=?, email=?, company=?, city=?, notes=?, updated_at=? WHERE id=?`,
		c.Name, c.Phone, e164, c.Email, c.Company, c.City, c.Notes, now, c.ID)
	if err != nil {
		return fmt.Errorf("crm: update customer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// UpsertCustomer validates c and inserts it, or updates the row with the same external_id
// (imports are idempotent). It reports whether a row was created. Validation problems come
// back as *ValidationError.
func UpsertCustomer(ctx context.Context, tx *sql.Tx, c *Customer) (bool, error) {
	if e := ValidateCustomer(c); len(e) > 0 {
		return false, &ValidationError{Fields: e}
	}
	id, err := IDByExternal(ctx, tx, "customers", c.ExternalID)
	if err != nil {
		return false, fmt.Errorf("crm: find customer: %w", err)
	}
	c.ID = id
	return id == 0, SaveCustomer(ctx, tx, c)
}

// SaveOrder inserts (o.ID 0) or updates an order inside the caller's transaction.
func SaveOrder(ctx context.Context, tx *sql.Tx, o *Order) error {
	if err := exists(ctx, tx, "customers", o.CustomerID, "customer_id"); err != nil {
		return err
	}
	if err := exists(ctx, tx, "leads", o.LeadID, "lead_id"); err != nil {
		return err
	}
	now := tenantdb.Now()
	if o.OrderedAt == 0 {
		o.OrderedAt = now
	}
	if o.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO orders(external_id, customer_id, lead_id, status, total, currency, description, ordered_at, created_at, updated_at)
			VALUES(?,?,?,?,?,?,?,?,?,?)`, nullStr(o.ExternalID), o.CustomerID, nullable(o.LeadID), o.Status, o.Total, o.Currency, o.Description, o.OrderedAt, now, now)
		if err != nil {
			return fmt.Errorf("crm: insert order: %w", err)
		}
		o.ID, _ = res.LastInsertId()
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE orders SET customer_id=?, lead_id=?, status=?, total=?, currency=?, description=?, ordered_at=?, updated_at=? WHERE id=?`,
			o.CustomerID, nullable(o.LeadID), o.Status, o.Total, o.Currency, o.Description, o.OrderedAt, now, o.ID)
		if err != nil {
			return fmt.Errorf("crm: update order: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
	}
	if o.LinesSet {
		if err := saveOrderLines(ctx, tx, o.ID, o.Lines); err != nil {
			return err
		}
	}
	return tellStock(ctx, tx, o)
}

// UpsertOrder is SaveOrder keyed by external_id, for imports.
func UpsertOrder(ctx context.Context, tx *sql.Tx, o *Order) (bool, error) {
	if e := ValidateOrder(o); len(e) > 0 {
		return false, &ValidationError{Fields: e}
	}
	id, err := IDByExternal(ctx, tx, "orders", o.ExternalID)
	if err != nil {
		return false, fmt.Errorf("crm: find order: %w", err)
	}
	o.ID = id
	// An outside system's order is a sale that happened: it is never refused for the stock.
	o.AllowShort = true
	return id == 0, SaveOrder(ctx, tx, o)
}

// SaveInvoice inserts (v.ID 0) or updates an invoice inside the caller's transaction.
func SaveInvoice(ctx context.Context, tx *sql.Tx, v *Invoice) error {
	if err := exists(ctx, tx, "customers", v.CustomerID, "customer_id"); err != nil {
		return err
	}
	if err := exists(ctx, tx, "orders", v.OrderID, "order_id"); err != nil {
		return err
	}
	now := tenantdb.Now()
	if v.IssuedAt == 0 {
		v.IssuedAt = now
	}
	var paid any
	if v.PaidAt != 0 {
		paid = v.PaidAt
	}
	if v.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO invoices(external_id, customer_id, order_id, number, amount, currency, status, issued_at, paid_at, created_at, updated_at)
			VALUES(?,?,?,?,?,?,?,?,?,?,?)`, nullStr(v.ExternalID), v.CustomerID, nullable(v.OrderID), v.Number, v.Amount, v.Currency, v.Status, v.IssuedAt, paid, now, now)
		if err != nil {
			return fmt.Errorf("crm: insert invoice: %w", err)
		}
		v.ID, _ = res.LastInsertId()
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE invoices SET customer_id=?, order_id=?, number=?, amount=?, currency=?, status=?, issued_at=?, paid_at=?, updated_at=? WHERE id=?`,
		v.CustomerID, nullable(v.OrderID), v.Number, v.Amount, v.Currency, v.Status, v.IssuedAt, paid, now, v.ID)
	if err != nil {
		return fmt.Errorf("crm: update invoice: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// UpsertInvoice is SaveInvoice keyed by external_id, for imports.
func UpsertInvoice(ctx context.Context, tx *sql.Tx, v *Invoice) (bool, error) {
	if e := ValidateInvoice(v); len(e) > 0 {
		return false, &ValidationError{Fields: e}
	}
	id, err := IDByExternal(ctx, tx, "invoices", v.ExternalID)
	if err != nil {
		return false, fmt.Errorf("crm: find invoice: %w", err)
	}
	v.ID = id
	return id == 0, SaveInvoice(ctx, tx, v)
}

// SaveRepair inserts (r.ID 0) or updates a repair request inside the caller's transaction.
func SaveRepair(ctx context.Context, tx *sql.Tx, r *RepairRequest) error {
	if err := exists(ctx, tx, "customers", r.CustomerID, "customer_id"); err != nil {
		return err
	}
	if err := exists(ctx, tx, "leads", r.LeadID, "lead_id"); err != nil {
		return err
	}
	now := tenantdb.Now()
	if r.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO repair_requests(customer_id, lead_id, description, urgency, status, created_at, updated_at) VALUES(?,?,?,?,?,?,?)`,
			nullable(r.CustomerID), nullable(r.LeadID), r.Description, r.Urgency, r.Status, now, now)
		if err != nil {
			return fmt.Errorf("crm: insert repair request: %w", err)
		}
		r.ID, _ = res.LastInsertId()
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE repair_requests SET customer_id=?, lead_id=?, description=?, urgency=?, status=?, updated_at=? WHERE id=?`,
		nullable(r.CustomerID), nullable(r.LeadID), r.Description, r.Urgency, r.Status, now, r.ID)
	if err != nil {
		return fmt.Errorf("crm: update repair request: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// ValidationError carries field → message key problems of one record.
type ValidationError struct{ Fields map[string]string }

func (e *ValidationError) Error() string {
	var parts []string
	for k, v := range e.Fields {
		parts = append(parts, k+": "+v)
	}
	return "crm: invalid record: " + strings.Join(parts, ", ")
}

// ParseDate reads a yyyy-mm-dd form date as noon in loc (the business's zone; nil: the
// product's default, hours.DefaultLocation), in ms (0 for ""). A year outside FirstYear-LastYear (0000, 9999: a slip on the date
// field's year) is not a date of a record.
func ParseDate(s string, loc *time.Location) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if loc == nil {
		loc = hours.DefaultLocation()
	}
	t, err := i18n.ParseTime("2006-01-02", s, loc) // Arabic digits too
	if err != nil || !BusinessYear(t) {
		return 0, false
	}
	return t.Add(12 * time.Hour).UnixMilli(), true
}

// FirstYear and LastYear bound the dates records take (as the seasonal calendar's and the inbox's).
const (
	FirstYear = 2000
	LastYear  = 2100
)

// BusinessYear reports whether t falls in FirstYear-LastYear.
func BusinessYear(t time.Time) bool { return t.Year() >= FirstYear && t.Year() <= LastYear }

// FormatDate is ParseDate's inverse for form values (<input type=date> wants yyyy-mm-dd);
// pages show dates with the printer's Date instead.
func FormatDate(ms int64, loc *time.Location) string {
	if ms == 0 {
		return ""
	}
	if loc == nil {
		loc = hours.DefaultLocation()
	}
	return time.UnixMilli(ms).In(loc).Format("2006-01-02")
}

func parseID(s string) (int64, bool) {
	s = i18n.ASCIIDigits(strings.TrimSpace(s))
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

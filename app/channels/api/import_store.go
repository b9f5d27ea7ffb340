package api

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// Leads and products are written here with small inserts: the CRM room exports upserts for
// customers, orders and invoices only (leads belong to the inbox, whose contract has no import).

var (
	leadStages  = []string{"new", "contacted", "qualified", "proposal", "won", "lost"}
	leadSources = []string{"webchat", "whatsapp", "telegram", "email", "call", "manual", "import", "referral", "landing"}
	reSKU       = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	reCurrency  = regexp.MustCompile(`^[A-Z]{3}$`)
)

type leadRow struct {
	ExternalID, Name, Phone, Email, Stage, Source, LostReason, ConsentVersion string
	ConsentAt, CustomerID                                                     int64
	UTM                                                                       [5]string
}

func validateLead(l *leadRow) map[string]string {
	e := map[string]string{}
	if l.Stage == "" {
		l.Stage = "new"
	}
	if l.Source == "" {
		l.Source = "import"
	}
	if len([]rune(l.Name)) > 200 {
		e["name"] = "at most 200 characters"
	}
	if l.Name == "" && l.Phone == "" && l.Email == "" {
		e["name"] = "a lead needs a name, phone or email"
	}
	if l.Phone != "" && (len(l.Phone) > 40 || inbox.NormalizePhone(l.Phone) == "") {
		e["phone"] = "not a valid phone number"
	}
	if l.Email != "" {
		if a, err := mail.ParseAddress(l.Email); err != nil || a.Address != l.Email || len(l.Email) > 254 {
			e["email"] = "not a valid email address"
		}
	}
	if !slices.Contains(leadStages, l.Stage) {
		e["stage"] = "must be one of " + strings.Join(leadStages, ", ")
	}
	if !slices.Contains(leadSources, l.Source) {
		e["source"] = "must be one of " + strings.Join(leadSources, ", ")
	}
	if len(l.ExternalID) > 200 {
		e["external_id"] = "at most 200 characters"
	}
	for i, u := range l.UTM {
		if len(u) > 200 {
			e[[]string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}[i]] = "at most 200 characters"
		}
	}
	return e
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func upsertLead(ctx context.Context, tx *sql.Tx, l *leadRow) (int64, bool, error) {
	now := tenantdb.Now()
	e164 := inbox.NormalizePhone(l.Phone)
	id := idByExternal(ctx, tx, "leads", l.ExternalID)
	isNew := id == 0
	if isNew {
		res, err := tx.ExecContext(ctx, `INSERT INTO leads(external_id, name, phone, phone_e164, email, stage, source, lost_reason, consent_version, consent_at,
			utm_source, utm_medium, utm_campaign, utm_term, utm_content, customer_id, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			nullIfEmpty(l.ExternalID), l.Name, l.Phone, e164, l.Email, l.Stage, l.Source, l.LostReason, l.ConsentVersion, nullIfZero(l.ConsentAt),
			l.UTM[0], l.UTM[1], l.UTM[2], l.UTM[3], l.UTM[4], nullIfZero(l.CustomerID), now, now)
		if err != nil {
			return 0, false, fmt.Errorf("api: insert lead: %w", err)
		}
		id, _ = res.LastInsertId()
	} else {
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET name=?, phone=?, phone_e164=?, email=?, stage=?, source=?, lost_reason=?, consent_version=?,
			consent_at=coalesce(?, consent_at), utm_source=?, utm_medium=?, utm_campaign=?, utm_term=?, utm_content=?, customer_id=coalesce(?, customer_id),
			updated_at=? WHERE id=?`, l.Name, l.Phone, e164, l.Email, l.Stage, l.Source, l.LostReason, l.ConsentVersion, nullIfZero(l.ConsentAt),
			l.UTM[0], l.UTM[1], l.UTM[2], l.UTM[3], l.UTM[4], nullIfZero(l.CustomerID), now, id); err != nil {
			return 0, false, fmt.Errorf("api: update lead: %w", err)
		}
	}
	if err := inbox.ReindexLead(ctx, tx, id); err != nil {
		return 0, false, err
	}
	return id, isNew, nil
}

type productRow struct {
	ExternalID, SKU, Name, Category, Unit, Currency string
	UnitPrice                                       float64
	Active                                          bool
}

func validateProduct(p *productRow) map[string]string {
	e := map[string]string{}
	if p.Unit == "" {
		p.Unit = "m2"
	}
	if p.Currency == "" {
		p.Currency = "TRY"
	}
	if !reSKU.MatchString(p.SKU) {
		e["sku"] = "1–64 letters, digits, dot, dash or underscore"
	}
	if n := len([]rune(p.Name)); n < 1 || n > 200 {
		e["name"] = "required, at most 200 characters"
	}
	if len(p.Unit) > 16 {
		e["unit"] = "at most 16 characters"
	}
	if p.UnitPrice < 0 || p.UnitPrice > 1e9 {
		e["unit_price"] = "must be between 0 and 1000000000"
	}
	if !reCurrency.MatchString(p.Currency) {
		e["currency"] = "three capital letters, e.g. TRY"
	}
	return e
}

// upsertProduct matches by external_id, then by sku (the catalog's natural key).
func upsertProduct(ctx context.Context, tx *sql.Tx, p *productRow) (int64, bool, error) {
	now := tenantdb.Now()
	id := idByExternal(ctx, tx, "products", p.ExternalID)
	if id == 0 {
		_ = tx.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = ?`, p.SKU).Scan(&id)
	}
	if id == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO products(external_id, sku, name, category, unit, unit_price, currency, active, created_at, updated_at)
			VALUES(?,?,?,?,?,?,?,?,?,?)`, nullIfEmpty(p.ExternalID), p.SKU, p.Name, p.Category, p.Unit, p.UnitPrice, p.Currency, p.Active, now, now)
		if err != nil {
			return 0, false, fmt.Errorf("api: insert product: %w", err)
		}
		id, _ = res.LastInsertId()
		return id, true, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE products SET external_id=coalesce(?, external_id), sku=?, name=?, category=?, unit=?, unit_price=?, currency=?,
		active=?, updated_at=? WHERE id=?`, nullIfEmpty(p.ExternalID), p.SKU, p.Name, p.Category, p.Unit, p.UnitPrice, p.Currency, p.Active, now, id); err != nil {
		return 0, false, fmt.Errorf("api: update product: %w", err)
	}
	return id, false, nil
}

// tables that import rows may refer to (the names are constants of this package, never input).
var refTables = map[string]bool{"customers": true, "orders": true, "leads": true, "products": true}

func idByExternal(ctx context.Context, tx *sql.Tx, table, ext string) int64 {
	if ext == "" || !refTables[table] {
		return 0
	}
	var id int64
	_ = tx.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE external_id = ?`, ext).Scan(&id)
	return id
}

func rowExists(ctx context.Context, tx *sql.Tx, table, col string, id int64) bool {
	if !refTables[table] {
		return false
	}
	var n int
	_ = tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE `+col+` = ?`, id).Scan(&n)
	return n > 0
}

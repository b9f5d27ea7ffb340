package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Product is one catalog line; the assistant quotes only from active ones.
type Product struct {
	ID        int64
	SKU       string
	Name      string
	Category  string
	Unit      string
	UnitPrice float64
	Currency  string
	Active    bool
	CreatedAt int64
	UpdatedAt int64
}

// ProductInput is a create/edit form, validated by Validate.
type ProductInput struct {
	SKU, Name, Category, Unit, Price, Currency string
	Active                                     bool
}

var (
	reSKU = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// Validate returns the parsed product and its field errors (fault.KindInvalid, nil when valid).
func (in ProductInput) Validate() (Product, error) {
	var errs fault.Fields
	p := Product{SKU: strings.TrimSpace(in.SKU), Name: strings.TrimSpace(in.Name), Category: strings.TrimSpace(in.Category),
		Unit: strings.TrimSpace(in.Unit), Currency: strings.ToUpper(strings.TrimSpace(in.Currency)), Active: in.Active}
	if !reSKU.MatchString(p.SKU) {
		errs.Add("sku", "products.err.sku")
	}
	if n := len([]rune(p.Name)); n < 1 || n > 200 {
		errs.Add("name", "products.err.name")
	}
	if len([]rune(p.Category)) > 100 {
		errs.Add("category", "products.err.category")
	}
	if p.Unit == "" {
		p.Unit = "m2"
	}
	if n := len([]rune(p.Unit)); n > 16 {
		errs.Add("unit", "products.err.unit")
	}
	if p.Currency == "" {
		p.Currency = "TRY"
	}
	if !i18n.Currency(p.Currency) {
		errs.Add("currency", "products.err.currency")
	}
	// As typed in any of the panel's languages ("1.250", "1,250.50"): i18n.ParseFixed.
	cents, ok := i18n.ParseAmount(in.Price, p.Currency)
	if !ok || cents > 1e11 {
		errs.Add("price", "products.err.price")
	}
	p.UnitPrice = float64(cents) / 100
	return p, errs.Err()
}

// ErrDuplicateSKU is in the chain of SaveProduct's error when another product already uses the
// SKU; the error itself is a field error on "sku".
var ErrDuplicateSKU = errors.New("crm: duplicate sku")

func errDuplicateSKU() error {
	return fault.InvalidField("sku", "products.err.sku_taken").Wrap(ErrDuplicateSKU)
}

const productCols = `id, sku, name, category, unit, unit_price, currency, active, created_at, updated_at`

func scanProduct(sc interface{ Scan(...any) error }) (*Product, error) {
	p := &Product{}
	err := sc.Scan(&p.ID, &p.SKU, &p.Name, &p.Category, &p.Unit, &p.UnitPrice, &p.Currency, &p.Active, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// Products lists the catalog (active first, then by name); activeOnly limits it to what may be quoted.
func Products(ctx context.Context, db *tenantdb.DB, activeOnly bool) ([]*Product, error) {
	q := `SELECT ` + productCols + ` FROM products`
	if activeOnly {
		q += ` WHERE active = 1`
	}
	rows, err := db.Read.QueryContext(ctx, q+` ORDER BY active DESC, name COLLATE NOCASE, id LIMIT 1000`)
	if err != nil {
		return nil, fmt.Errorf("crm: list products: %w", err)
	}
	defer rows.Close()
	var out []*Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("crm: list products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ProductByID reads one product; tenantdb.ErrNotFound when absent.
func ProductByID(ctx context.Context, db *tenantdb.DB, id int64) (*Product, error) {
	p, err := scanProduct(db.Read.QueryRowContext(ctx, `SELECT `+productCols+` FROM products WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("crm: read product: %w", err)
	}
	return p, nil
}

// Actor is who changes the catalog (for the action log).
type Actor struct {
	UserID int64
	Name   string
}

// ProductUnitHook is asked inside the transaction that changes a product's unit, before it does
// (the product form, the import): a room that counts the product in its unit refuses the change
// with a field error on "unit" (app/inventory: while stock is on hand in that unit).
type ProductUnitHook func(ctx context.Context, tx *sql.Tx, productID int64, from, to string) error

var productUnit struct {
	sync.RWMutex
	hook ProductUnitHook
}

// OnProductUnit registers the one hook asked before a product's unit changes (app/serve.go
// registers app/inventory's); registering again replaces it.
func OnProductUnit(h ProductUnitHook) {
	productUnit.Lock()
	defer productUnit.Unlock()
	productUnit.hook = h
}

// unitChange asks the hook, when the product's stored unit differs from to.
func unitChange(ctx context.Context, tx *sql.Tx, id int64, to string) error {
	productUnit.RLock()
	h := productUnit.hook
	productUnit.RUnlock()
	if h == nil {
		return nil
	}
	var from string
	if err := tx.QueryRowContext(ctx, `SELECT unit FROM products WHERE id = ?`, id).Scan(&from); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil // gone: the update says so
		}
		return fmt.Errorf("crm: read product unit: %w", err)
	}
	if from == to {
		return nil
	}
	return h(ctx, tx, id, from, to)
}

// SaveProduct creates (id 0) or updates a product and writes one action log in the same transaction.
func SaveProduct(ctx context.Context, db *tenantdb.DB, id int64, p Product, a Actor) (int64, error) {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		var res sql.Result
		var err error
		action := "product_created"
		if id == 0 {
			res, err = tx.ExecContext(ctx, `INSERT INTO products(sku, name, category, unit, unit_price, currency, active, created_at, updated_at)
				VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(sku) DO NOTHING`, p.SKU, p.Name, p.Category, p.Unit, p.UnitPrice, p.Currency, p.Active, now, now)
		} else {
			action = "product_updated"
			var other int64
			if e := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = ? AND id <> ?`, p.SKU, id).Scan(&other); e == nil {
				return errDuplicateSKU()
			}
			if err := unitChange(ctx, tx, id, p.Unit); err != nil {
				return err
			}
			res, err = tx.ExecContext(ctx, `UPDATE products SET sku = ?, name = ?, category = ?, unit = ?, unit_price = ?, currency = ?, active = ?, updated_at = ?
				WHERE id = ?`, p.SKU, p.Name, p.Category, p.Unit, p.UnitPrice, p.Currency, p.Active, now, id)
		}
		if err != nil {
			return fmt.Errorf("crm: save product: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if id == 0 {
				// The SKU taken by this very form's first post (sent twice at once): as a resend.
				if a, _ := web.SentBefore(ctx, tx); a != nil {
					return a
				}
				return errDuplicateSKU()
			}
			return tenantdb.ErrNotFound
		}
		if id == 0 {
			id, _ = res.LastInsertId()
			// The new-product form, sent once: a resend is answered as the first, not as a taken SKU.
			if err := web.SpendOnce(ctx, tx, id, "/products/"); err != nil {
				return err
			}
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "crm", ActionType: action, Summary: p.SKU + " " + p.Name,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name,
			Payload: map[string]any{"product_id": id, "sku": p.SKU, "unit_price": p.UnitPrice, "currency": p.Currency, "active": p.Active}})
		return err
	})
	return id, err
}

// SetProductActive activates or deactivates a product (deactivated products are never quoted).
func SetProductActive(ctx context.Context, db *tenantdb.DB, id int64, active bool, a Actor) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE products SET active = ?, updated_at = ? WHERE id = ?`, active, tenantdb.Now(), id)
		if err != nil {
			return fmt.Errorf("crm: set product active: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		action := "product_deactivated"
		if active {
			action = "product_activated"
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "crm", ActionType: action, ModelName: "human-review",
			ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"product_id": id}})
		return err
	})
}

// UpsertProduct inserts p, or updates the product an outside system knows by externalID, else the
// one with the same SKU (the catalog's natural key), inside the caller's transaction (imports are
// idempotent). The caller validates p. It returns the product's id and whether it was created.
func UpsertProduct(ctx context.Context, tx *sql.Tx, externalID string, p *Product) (int64, bool, error) {
	now := tenantdb.Now()
	id, err := IDByExternal(ctx, tx, "products", externalID)
	if err != nil {
		return 0, false, fmt.Errorf("crm: find product: %w", err)
	}
	if id == 0 {
		err := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = ?`, p.SKU).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("crm: find product: %w", err)
		}
	}
	if id == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO products(external_id, sku, name, category, unit, unit_price, currency, active, created_at, updated_at)
			VALUES(?,?,?,?,?,?,?,?,?,?)`, nullStr(externalID), p.SKU, p.Name, p.Category, p.Unit, p.UnitPrice, p.Currency, p.Active, now, now)
		if err != nil {
			return 0, false, fmt.Errorf("crm: insert product: %w", err)
		}
		id, _ = res.LastInsertId()
		p.ID = id
		return id, true, nil
	}
	if err := unitChange(ctx, tx, id, p.Unit); err != nil {
		return 0, false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE products SET external_id=coalesce(?, external_id), sku=?, name=?, category=?, unit=?, unit_price=?, currency=?,
		active=?, updated_at=? WHERE id=?`, nullStr(externalID), p.SKU, p.Name, p.Category, p.Unit, p.UnitPrice, p.Currency, p.Active, now, id); err != nil {
		return 0, false, fmt.Errorf("crm: update product: %w", err)
	}
	p.ID = id
	return id, false, nil
}

// StockLevel is a counted product's stock as the products page shows it (app/inventory fills it
// while the tenant has the inventory module on); quantities are thousandths of Unit ("" = the
// product's unit).
type StockLevel struct {
	OnHand, ReorderLevel int64
	HasLevel             bool
	Unit                 string
}

// Low reports whether the stock is at or below its reorder level.
func (s StockLevel) Low() bool { return s.HasLevel && s.OnHand <= s.ReorderLevel }

package crm

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"highvibe/app/fault"
	"highvibe/app/i18n"
)

// OrderLine is one product an order takes; Quantity is in thousandths of the product's unit
// (12.5 m² = 12500), like a quote line's.
type OrderLine struct {
	ProductID   int64
	Quantity    int64
	ProductName string // filled by OrderLines
	Unit        string // the product's unit, filled by OrderLines
}

// OrderStock is what saving an order tells the stock keeper (app/inventory, through
// OnOrderSaved): the order's status and lines after the save, who saved it, and whether a sale
// that takes a counted product below zero was confirmed anyway.
type OrderStock struct {
	OrderID    int64
	Status     string
	Lines      []OrderLine
	By         Actor
	AllowShort bool
}

// ShortItem is one product an order would take more of than is on hand.
type ShortItem struct {
	ProductID      int64
	Name, Unit     string
	OnHand, Wanted int64 // thousandths
}

// ShortStock is the stock keeper's answer when a confirmed order would take counted products
// below zero and nobody confirmed that: the order form says which and asks to confirm.
type ShortStock struct{ Items []ShortItem }

func (e *ShortStock) Error() string {
	names := make([]string, len(e.Items))
	for i, it := range e.Items {
		names[i] = it.Name
	}
	return "crm: not enough stock of " + strings.Join(names, ", ")
}

// Fault makes the shortage a field error on the order's lines.
func (e *ShortStock) Fault() *fault.Error {
	return fault.InvalidField("lines", "inventory.err.short").Wrap(e)
}

// OrderStockHook is called inside the transaction that saves an order.
type OrderStockHook func(ctx context.Context, tx *sql.Tx, o OrderStock) error

var orderStock struct {
	sync.RWMutex
	hook OrderStockHook
}

// OnOrderSaved registers the one hook told of every saved order inside its transaction (app/serve.go
// registers app/inventory's, since crm imports no room that counts stock); registering again
// replaces it, so several servers in one process (tests) keep one. An error rolls the order back.
func OnOrderSaved(h OrderStockHook) {
	orderStock.Lock()
	defer orderStock.Unlock()
	orderStock.hook = h
}

// MaxLines is how many product lines an order may have.
const MaxLines = 50

// saveOrderLines replaces the order's lines inside tx (checked: every product exists).
func saveOrderLines(ctx context.Context, tx *sql.Tx, orderID int64, lines []OrderLine) error {
	if len(lines) > MaxLines {
		return fault.InvalidField("lines", "inventory.err.too_many_lines", MaxLines)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM order_lines WHERE order_id = ?`, orderID); err != nil {
		return fmt.Errorf("crm: order lines: %w", err)
	}
	for i, l := range lines {
		if l.Quantity <= 0 || l.Quantity > 1e12 {
			return fault.InvalidField("lines", "inventory.err.quantity")
		}
		if err := exists(ctx, tx, "products", l.ProductID, "lines"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines(order_id, position, product_id, quantity) VALUES(?,?,?,?)`,
			orderID, i+1, l.ProductID, l.Quantity); err != nil {
			return fmt.Errorf("crm: order lines: %w", err)
		}
	}
	return nil
}

// Querier is a *sql.DB or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// OrderLines reads an order's lines in their order, with each product's name and unit.
func OrderLines(ctx context.Context, q Querier, orderID int64) ([]OrderLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT l.product_id, l.quantity, p.name, p.unit FROM order_lines l JOIN products p ON p.id = l.product_id
		WHERE l.order_id = ? ORDER BY l.position`, orderID)
	if err != nil {
		return nil, fmt.Errorf("crm: order lines: %w", err)
	}
	defer rows.Close()
	var out []OrderLine
	for rows.Next() {
		var l OrderLine
		if err := rows.Scan(&l.ProductID, &l.Quantity, &l.ProductName, &l.Unit); err != nil {
			return nil, fmt.Errorf("crm: order lines: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// tellStock hands the saved order to the stock keeper, when one is registered.
func tellStock(ctx context.Context, tx *sql.Tx, o *Order) error {
	orderStock.RLock()
	hook := orderStock.hook
	orderStock.RUnlock()
	if hook == nil {
		return nil
	}
	lines, err := OrderLines(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	return hook(ctx, tx, OrderStock{OrderID: o.ID, Status: o.Status, Lines: lines, By: o.By, AllowShort: o.AllowShort})
}

// ParseQuantity reads a quantity above zero as a person whose panel speaks lang types it
// ("12,5", "3", "1.250" — one thousand two hundred fifty in Turkish; i18n.ParseQuantity) into
// thousandths; ok is false for anything else, for zero and above 10⁹.
func ParseQuantity(s, lang string) (int64, bool) {
	n, ok := i18n.ParseQuantity(s, lang)
	return n, ok && n > 0 && n <= 1e12
}

// QuantityDecimals is how many decimals thousandths need when shown (0 to 3).
func QuantityDecimals(milli int64) int {
	if milli < 0 {
		milli = -milli
	}
	switch {
	case milli%1000 == 0:
		return 0
	case milli%100 == 0:
		return 1
	case milli%10 == 0:
		return 2
	}
	return 3
}

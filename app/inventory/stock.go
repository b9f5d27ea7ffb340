// Package inventory is the stock room (module inventory, guide 45-inventory.md): how much of each
// product is on hand, every movement of it (received, counted or written off, sold by an order,
// returned by a cancelled one) with who and when, and the low-stock recommendation. It owns
// stock_items and stock_movements; products and orders are app/crm's, read through its functions,
// and an order's stock moves through crm.OnOrderSaved inside the order's own transaction.
package inventory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/crm"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Item is a counted product's stock; quantities are thousandths of Unit.
type Item struct {
	ProductID    int64
	OnHand       int64
	ReorderLevel int64 // meaningful when HasLevel
	HasLevel     bool
	ReorderQty   int64 // 0: none set
	Unit         string
	LowAlerted   bool
	UpdatedAt    int64
}

// Low reports whether the stock is at or below its reorder level.
func (it *Item) Low() bool { return it != nil && it.HasLevel && it.OnHand <= it.ReorderLevel }

// Suggested is the quantity to reorder: the reorder quantity when set, else what brings the stock
// to twice the reorder level (0 when neither says anything).
func (it *Item) Suggested() int64 {
	if it.ReorderQty > 0 {
		return it.ReorderQty
	}
	if it.HasLevel && it.ReorderLevel > 0 {
		return max(2*it.ReorderLevel-it.OnHand, it.ReorderLevel)
	}
	return 0
}

// Movement is one change of a product's stock.
type Movement struct {
	ID, ProductID  int64
	Kind           string // received adjusted sold returned
	Delta, Balance int64
	Reason, Note   string
	OrderID        int64
	ShortOK        bool
	ActorUserID    int64
	ActorName      string
	CreatedAt      int64
}

// Kinds and reasons of movements (the schema CHECKs enforce them too).
var (
	Kinds   = []string{"received", "adjusted", "sold", "returned"}
	Reasons = []string{"count", "damaged", "lost", "other"}
)

// querier reads on a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const itemCols = `product_id, on_hand, coalesce(reorder_level, 0), reorder_level IS NOT NULL, coalesce(reorder_qty, 0), unit, low_alerted, updated_at`

func scanItem(sc interface{ Scan(...any) error }) (*Item, error) {
	it := &Item{}
	err := sc.Scan(&it.ProductID, &it.OnHand, &it.ReorderLevel, &it.HasLevel, &it.ReorderQty, &it.Unit, &it.LowAlerted, &it.UpdatedAt)
	return it, err
}

// ItemOf reads a product's stock; nil (no error) when the product is not counted.
func ItemOf(ctx context.Context, q querier, productID int64) (*Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM stock_items WHERE product_id = ?`, productID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inventory: read stock: %w", err)
	}
	return it, nil
}

// Items reads every counted product's stock by product id.
func Items(ctx context.Context, q querier) (map[int64]*Item, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+itemCols+` FROM stock_items`)
	if err != nil {
		return nil, fmt.Errorf("inventory: list stock: %w", err)
	}
	defer rows.Close()
	out := map[int64]*Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("inventory: list stock: %w", err)
		}
		out[it.ProductID] = it
	}
	return out, rows.Err()
}

// Levels is the products page's view of the stock (crm.ProductsHandler.Stock): every counted
// product's level, in the unit it is counted in (the product's own when none was set).
func Levels(ctx context.Context, db *tenantdb.DB) (map[int64]crm.StockLevel, error) {
	items, err := Items(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]crm.StockLevel, len(items))
	for id, it := range items {
		out[id] = crm.StockLevel{OnHand: it.OnHand, ReorderLevel: it.ReorderLevel, HasLevel: it.HasLevel, Unit: it.Unit}
	}
	return out, nil
}

// Movements reads a product's newest movements first (at most limit).
func Movements(ctx context.Context, q querier, productID int64, limit int) ([]Movement, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, product_id, kind, delta, balance, reason, note, coalesce(order_id, 0), short_ok,
		coalesce(actor_user_id, 0), actor_name, created_at FROM stock_movements WHERE product_id = ? ORDER BY id DESC LIMIT ?`, productID, limit)
	if err != nil {
		return nil, fmt.Errorf("inventory: movements: %w", err)
	}
	defer rows.Close()
	var out []Movement
	for rows.Next() {
		var m Movement
		if err := rows.Scan(&m.ID, &m.ProductID, &m.Kind, &m.Delta, &m.Balance, &m.Reason, &m.Note, &m.OrderID, &m.ShortOK,
			&m.ActorUserID, &m.ActorName, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("inventory: movements: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// move is one movement to write.
type move struct {
	productID    int64
	kind         string
	delta        int64
	reason, note string
	orderID      int64
	shortOK      bool
	by           crm.Actor
	setAbs       bool  // adjusted: delta is the counted quantity, not a change
	checkSeen    bool  // adjusted from a page: refused unless seen is still the newest movement
	seen         int64 // the newest movement the person's page showed (0: none)
}

// applyTx writes m inside tx: the product becomes counted if it was not, its stock changes, the
// movement is logged, and the low-stock state follows (see crossTx). It returns the movement.
func applyTx(ctx context.Context, tx *sql.Tx, m move, now time.Time) (*Movement, error) {
	ms := now.UnixMilli()
	if _, err := tx.ExecContext(ctx, `INSERT INTO stock_items(product_id, updated_at) VALUES(?, ?) ON CONFLICT(product_id) DO NOTHING`, m.productID, ms); err != nil {
		return nil, fmt.Errorf("inventory: stock item: %w", err)
	}
	it, err := ItemOf(ctx, tx, m.productID)
	if err != nil {
		return nil, err
	}
	if m.setAbs && m.checkSeen {
		// A count sent from a page opened before another movement (goods booked in from another
		// tab, an order confirmed) would overwrite it unseen: refused, the page shows the stock now.
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM stock_movements WHERE product_id = ?`, m.productID).Scan(&last); err != nil {
			return nil, fmt.Errorf("inventory: last movement: %w", err)
		}
		if last != m.seen {
			return nil, fault.InvalidField("counted", "inventory.err.stale")
		}
	}
	delta := m.delta
	if m.setAbs {
		delta = m.delta - it.OnHand
	}
	bal := it.OnHand + delta
	if _, err := tx.ExecContext(ctx, `UPDATE stock_items SET on_hand = ?, updated_at = ? WHERE product_id = ?`, bal, ms, m.productID); err != nil {
		return nil, fmt.Errorf("inventory: stock: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO stock_movements(product_id, kind, delta, balance, reason, note, order_id, short_ok, actor_user_id, actor_name, created_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?)`, m.productID, m.kind, delta, bal, m.reason, m.note, nullable(m.orderID), m.shortOK, nullable(m.by.UserID), m.by.Name, ms)
	if err != nil {
		return nil, fmt.Errorf("inventory: movement: %w", err)
	}
	id, _ := res.LastInsertId()
	it.OnHand = bal
	if err := crossTx(ctx, tx, it, m.by, now); err != nil {
		return nil, err
	}
	return &Movement{ID: id, ProductID: m.productID, Kind: m.kind, Delta: delta, Balance: bal, Reason: m.reason, Note: m.note,
		OrderID: m.orderID, ShortOK: m.shortOK, ActorUserID: m.by.UserID, ActorName: m.by.Name, CreatedAt: ms}, nil
}

// crossTx keeps the low-stock state of it (its stock as just written) inside tx: at or below
// its level with no recommendation raised for this crossing yet, the low-stock job is queued (it
// raises the recommendation once); back above the level (or with no level any more), the open
// recommendation is withdrawn in the name of the person whose change brought it back, and the
// next crossing raises a new one.
func crossTx(ctx context.Context, tx *sql.Tx, it *Item, by crm.Actor, now time.Time) error {
	switch {
	case it.Low() && !it.LowAlerted:
		return kick(ctx, tx, now)
	case !it.Low() && it.LowAlerted:
		if err := approvals.WithdrawByKeyTx(ctx, tx, recKey(it.ProductID), approvals.Actor{UserID: by.UserID, Name: by.Name}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stock_items SET low_alerted = 0 WHERE product_id = ?`, it.ProductID); err != nil {
			return fmt.Errorf("inventory: low state: %w", err)
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "inventory", ActionType: "stock_low_resolved", ModelName: "builtin-inventory",
			ActorUserID: by.UserID, ActorName: by.Name, Payload: map[string]any{"product_id": it.ProductID, "on_hand": it.OnHand}})
		return err
	}
	return nil
}

func nullable(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// Receive books goods in: qty (thousandths, > 0) more on hand, with an optional note.
func Receive(ctx context.Context, db *tenantdb.DB, productID, qty int64, note string, by crm.Actor) (*Movement, error) {
	note = strings.TrimSpace(note)
	var errs fault.Fields
	if qty <= 0 || qty > 1e12 {
		errs.Add("quantity", "inventory.err.quantity")
	}
	if len([]rune(note)) > 500 {
		errs.Add("note", "inventory.err.note")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return write(ctx, db, productID, move{productID: productID, kind: "received", delta: qty, note: note, by: by}, "stock_received")
}

// Adjust sets the stock to what was counted (thousandths, ≥ 0: a count is never below zero) with
// a reason (count, damaged, lost, other; other needs a note). seen is the id of the newest
// movement the counting person's page showed (0: none): when the stock moved since, the count is
// refused (field counted) rather than overwriting what it did not see; -1 does not check.
func Adjust(ctx context.Context, db *tenantdb.DB, productID, counted int64, reason, note string, seen int64, by crm.Actor) (*Movement, error) {
	note = strings.TrimSpace(note)
	var errs fault.Fields
	if counted < 0 || counted > 1e12 {
		errs.Add("counted", "inventory.err.counted")
	}
	if !oneOf(reason, Reasons) {
		errs.Add("reason", "inventory.err.reason")
	}
	if reason == "other" && note == "" {
		errs.Add("note", "inventory.err.note_needed")
	}
	if len([]rune(note)) > 500 {
		errs.Add("note", "inventory.err.note")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return write(ctx, db, productID, move{productID: productID, kind: "adjusted", delta: counted, setAbs: true, checkSeen: seen >= 0, seen: seen, reason: reason, note: note, by: by}, "stock_adjusted")
}

// write applies one person's movement and its action log in one transaction.
func write(ctx context.Context, db *tenantdb.DB, productID int64, m move, action string) (*Movement, error) {
	p, err := crm.ProductByID(ctx, db, productID)
	if err != nil {
		return nil, err
	}
	var out *Movement
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = applyTx(ctx, tx, m, time.Now()); err != nil {
			return err
		}
		// The receive and count forms, sent once: goods received once are not booked twice.
		if err := web.SpendOnce(ctx, tx, out.ID, "/products/"+strconv.FormatInt(productID, 10)+"/stock"); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "inventory", ActionType: action, Summary: p.SKU + " " + p.Name,
			Input: m.note, ModelName: "human-review", ActorUserID: m.by.UserID, ActorName: m.by.Name,
			Payload: map[string]any{"product_id": p.ID, "delta": out.Delta, "balance": out.Balance, "reason": m.reason}})
		return err
	})
	return out, err
}

// Settings are a product's stock settings as typed, in the panel language Lang (how "1.250" reads).
type Settings struct{ ReorderLevel, ReorderQty, Unit, Lang string }

// CheckUnitChange is crm's ProductUnitHook (app/serve.go registers it): a product whose stock is
// counted in the product's own unit (no unit of its own in the stock settings) keeps that unit
// while stock is on hand, for the same reason SaveSettings refuses it: 480 m² would become 480
// pallets. Read in the product save's transaction, so goods booked in meanwhile count.
func CheckUnitChange(ctx context.Context, tx *sql.Tx, productID int64, _, _ string) error {
	cur, err := ItemOf(ctx, tx, productID)
	if err != nil {
		return err
	}
	if cur != nil && cur.Unit == "" && cur.OnHand != 0 {
		var errs fault.Fields
		errs.Add("unit", "inventory.err.unit_in_stock")
		return errs.Err()
	}
	return nil
}

// SaveSettings sets a product's reorder level (empty: no low-stock recommendation), reorder
// quantity (empty: twice the level minus what is on hand is suggested) and the unit stock is
// counted in (empty: the product's); the product becomes counted if it was not. The unit is
// refused (field unit) while stock is on hand: count it to zero first.
func SaveSettings(ctx context.Context, db *tenantdb.DB, productID int64, in Settings, by crm.Actor) error {
	var errs fault.Fields
	var level, qty any
	if s := strings.TrimSpace(in.ReorderLevel); s != "" {
		if n, ok := i18n.ParseQuantity(s, in.Lang); ok && n <= 1e12 {
			level = n
		} else {
			errs.Add("reorder_level", "inventory.err.level")
		}
	}
	if s := strings.TrimSpace(in.ReorderQty); s != "" {
		if n, ok := crm.ParseQuantity(s, in.Lang); ok {
			qty = n
		} else {
			errs.Add("reorder_qty", "inventory.err.reorder_qty")
		}
	}
	unit := strings.TrimSpace(in.Unit)
	if len([]rune(unit)) > 16 {
		errs.Add("unit", "inventory.err.unit")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	p, err := crm.ProductByID(ctx, db, productID)
	if err != nil {
		return err
	}
	if unit == p.Unit {
		unit = ""
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		// The stock on hand is a number of the unit it was counted in: another unit would turn
		// 480 m² into 480 pallets. The unit changes only while nothing is on hand (read here, in
		// the transaction, so goods booked in meanwhile are seen).
		cur, err := ItemOf(ctx, tx, productID)
		if err != nil {
			return err
		}
		if cur != nil && cur.OnHand != 0 && cmp.Or(cur.Unit, p.Unit) != cmp.Or(unit, p.Unit) {
			var errs fault.Fields
			errs.Add("unit", "inventory.err.unit_in_stock")
			return errs.Err()
		}
		now := time.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock_items(product_id, reorder_level, reorder_qty, unit, updated_at) VALUES(?,?,?,?,?)
			ON CONFLICT(product_id) DO UPDATE SET reorder_level = excluded.reorder_level, reorder_qty = excluded.reorder_qty,
			unit = excluded.unit, updated_at = excluded.updated_at`, productID, level, qty, unit, now.UnixMilli()); err != nil {
			return fmt.Errorf("inventory: settings: %w", err)
		}
		it, err := ItemOf(ctx, tx, productID)
		if err != nil {
			return err
		}
		if err := crossTx(ctx, tx, it, by, now); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "inventory", ActionType: "stock_settings_changed", Summary: p.SKU + " " + p.Name,
			ModelName: "human-review", ActorUserID: by.UserID, ActorName: by.Name,
			Payload: map[string]any{"product_id": p.ID, "reorder_level": level, "reorder_qty": qty, "unit": unit}})
		return err
	})
}

// SyncOrder is crm's OnOrderSaved hook: inside the order's transaction it makes the stock match
// the order. A confirmed (won) or fulfilled order holds its lines' quantities out of stock; an
// open or cancelled one holds nothing. What the order holds now is compared with what its
// movements already took: the difference is one "sold" movement (taken) or "returned" movement
// (given back) per counted product. A product that is not counted is left alone. When a sale
// would take a counted product below zero and o.AllowShort is false, nothing is written and the
// answer is *crm.ShortStock (the order form asks to confirm); a confirmed one is marked short_ok.
func SyncOrder(ctx context.Context, tx *sql.Tx, o crm.OrderStock) error {
	want := map[int64]int64{}
	names := map[int64][2]string{}
	if o.Status == "won" || o.Status == "fulfilled" {
		for _, l := range o.Lines {
			want[l.ProductID] += l.Quantity
			names[l.ProductID] = [2]string{l.ProductName, l.Unit}
		}
	}
	taken := map[int64]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT product_id, -sum(delta) FROM stock_movements WHERE order_id = ? GROUP BY product_id`, o.OrderID)
	if err != nil {
		return fmt.Errorf("inventory: order stock: %w", err)
	}
	for rows.Next() {
		var pid, n int64
		if err := rows.Scan(&pid, &n); err != nil {
			rows.Close()
			return fmt.Errorf("inventory: order stock: %w", err)
		}
		taken[pid] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inventory: order stock: %w", err)
	}
	var pids []int64
	for pid := range want {
		pids = append(pids, pid)
	}
	for pid := range taken {
		if _, ok := want[pid]; !ok {
			pids = append(pids, pid)
		}
	}
	sort.Slice(pids, func(i, j int) bool { return pids[i] < pids[j] })
	var short crm.ShortStock
	var moves []move
	for _, pid := range pids {
		diff := want[pid] - taken[pid]
		if diff == 0 {
			continue
		}
		it, err := ItemOf(ctx, tx, pid)
		if err != nil {
			return err
		}
		if it == nil {
			continue // not counted
		}
		if diff < 0 {
			moves = append(moves, move{productID: pid, kind: "returned", delta: -diff, orderID: o.OrderID, by: o.By})
			continue
		}
		below := it.OnHand-diff < 0
		if below && !o.AllowShort {
			unit := it.Unit
			if unit == "" {
				unit = names[pid][1]
			}
			short.Items = append(short.Items, crm.ShortItem{ProductID: pid, Name: names[pid][0], Unit: unit, OnHand: it.OnHand, Wanted: diff})
			continue
		}
		moves = append(moves, move{productID: pid, kind: "sold", delta: -diff, orderID: o.OrderID, shortOK: below, by: o.By})
	}
	if len(short.Items) > 0 {
		return &short
	}
	now := time.Now()
	for _, m := range moves {
		if _, err := applyTx(ctx, tx, m, now); err != nil {
			return err
		}
	}
	return nil
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

func recKey(productID int64) string { return "stock_low:" + strconv.FormatInt(productID, 10) }

// kick queues a low-stock run now, inside the caller's transaction (runs asked for in the same
// second fold into one).
func kick(ctx context.Context, tx jobs.Execer, now time.Time) error {
	_, err := jobs.Enqueue(ctx, tx, JobLowStock, struct{}{}, jobs.Options{MaxAttempts: 3,
		DedupeKey: "kick:" + strconv.FormatInt(now.Unix(), 10)})
	return err
}

// Booked is a movement brought in with its past (the demo's stock history): a receipt
// (Kind received, Qty added) or a count (Kind adjusted, Qty what was counted, Reason set).
type Booked struct {
	ProductID    int64
	Kind         string
	Qty          int64
	Reason, Note string
	By           crm.Actor
	At           time.Time
}

// BookAt writes b at its own moment, with its action log, in one transaction; the caller checked it.
func BookAt(ctx context.Context, db *tenantdb.DB, b Booked) error {
	m := move{productID: b.ProductID, kind: b.Kind, delta: b.Qty, reason: b.Reason, note: b.Note, by: b.By, setAbs: b.Kind == "adjusted"}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := applyTx(ctx, tx, m, b.At)
		return err
	})
}

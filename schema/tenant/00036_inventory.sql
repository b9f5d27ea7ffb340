-- +goose Up
-- Inventory (module inventory, app/inventory, guide 45-inventory.md). Quantities are integer
-- thousandths of the unit stock is counted in (12.5 m² = 12500), times Unix milliseconds (UTC).

-- The products an order takes (app/crm owns it): an accepted quote brings its product lines, a
-- person adds lines on the order's form. A confirmed (won) or fulfilled order takes these
-- quantities out of stock; a cancelled one gives them back.
CREATE TABLE order_lines (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0 AND quantity <= 1000000000000),
    UNIQUE (order_id, position)
);
CREATE INDEX order_lines_product ON order_lines(product_id);

-- A product whose stock is counted (app/inventory): a product has a row here from its first
-- receipt, count or stock setting on; a product without one is not tracked and orders leave it alone.
CREATE TABLE stock_items (
    product_id    INTEGER PRIMARY KEY REFERENCES products(id),
    on_hand       INTEGER NOT NULL DEFAULT 0,  -- below zero only after a sale someone confirmed anyway
    reorder_level INTEGER CHECK (reorder_level >= 0),  -- NULL: no low-stock recommendation
    reorder_qty   INTEGER CHECK (reorder_qty > 0),     -- NULL: suggest bringing stock to twice the level
    unit          TEXT NOT NULL DEFAULT '' CHECK (length(unit) <= 16),  -- '': the product's unit
    -- 1 once the low-stock recommendation of the current crossing was raised; back to 0 when the
    -- stock rises above the level again (the next crossing raises a new one).
    low_alerted   INTEGER NOT NULL DEFAULT 0 CHECK (low_alerted IN (0,1)),
    updated_at    INTEGER NOT NULL
);

-- Every change of a stock level, append-only: who, when, why, and the balance after it.
CREATE TABLE stock_movements (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products(id),
    kind          TEXT NOT NULL CHECK (kind IN ('received','adjusted','sold','returned')),
    delta         INTEGER NOT NULL,
    balance       INTEGER NOT NULL,
    reason        TEXT NOT NULL DEFAULT '' CHECK (reason IN ('','count','damaged','lost','other')),
    note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    order_id      INTEGER REFERENCES orders(id),
    short_ok      INTEGER NOT NULL DEFAULT 0 CHECK (short_ok IN (0,1)), -- a sale below zero someone confirmed
    actor_user_id INTEGER,
    actor_name    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    CHECK (kind <> 'adjusted' OR reason <> '')
);
CREATE INDEX stock_movements_product ON stock_movements(product_id, id);
CREATE INDEX stock_movements_order ON stock_movements(order_id) WHERE order_id IS NOT NULL;

-- +goose StatementBegin
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock_movements: a stock movement is never changed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock_movements: a stock movement is never deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE stock_movements;
DROP TABLE stock_items;
DROP TABLE order_lines;

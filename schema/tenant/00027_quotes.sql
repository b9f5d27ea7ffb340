-- +goose Up
-- Written quotes (app/quotes, guide 39-quotes.md). Money is integer minor units (kuruş), quantities
-- thousandths, rates basis points (2000 = 20 %). A quote row is one revision; the revisions of one
-- quote share its number (TKL-2026-0042). Once approved a revision is frozen: the triggers below
-- refuse any change to its lines or its priced fields, even from a buggy caller.

CREATE TABLE quote_snippets (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('payment','warranty')),
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    approved_by TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE quotes (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL,
    year              INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    revision          INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    lead_id           INTEGER NOT NULL REFERENCES leads(id),
    conversation_id   INTEGER REFERENCES conversations(id),
    status            TEXT NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft','pending','approved','rejected','sent','accepted','superseded')),
    language          TEXT NOT NULL DEFAULT 'tr' CHECK (language IN ('tr','en','de','fr','es','ar')),
    currency          TEXT NOT NULL DEFAULT 'TRY' CHECK (length(currency) = 3),
    customer_name     TEXT NOT NULL DEFAULT '' CHECK (length(customer_name) <= 200),
    valid_until       INTEGER NOT NULL,
    payment_snippet   INTEGER REFERENCES quote_snippets(id),
    payment_text      TEXT NOT NULL DEFAULT '',
    warranty_snippet  INTEGER REFERENCES quote_snippets(id),
    warranty_text     TEXT NOT NULL DEFAULT '',
    note              TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    subtotal          INTEGER NOT NULL DEFAULT 0,
    discount_total    INTEGER NOT NULL DEFAULT 0,
    net_total         INTEGER NOT NULL DEFAULT 0,
    vat_total         INTEGER NOT NULL DEFAULT 0,
    grand_total       INTEGER NOT NULL DEFAULT 0 CHECK (grand_total >= 0),
    drafted_by        TEXT NOT NULL DEFAULT '' CHECK (drafted_by IN ('', 'assistant')),
    recommendation_id INTEGER REFERENCES decision_recommendations(id),
    approved_by_name  TEXT NOT NULL DEFAULT '',
    approved_at       INTEGER,
    token             TEXT NOT NULL UNIQUE,
    sent_at           INTEGER,
    sent_message_id   INTEGER,
    first_viewed_at   INTEGER,
    view_count        INTEGER NOT NULL DEFAULT 0,
    accepted_at       INTEGER,
    order_id          INTEGER,
    created_by_name   TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (number, revision),
    CHECK (status NOT IN ('approved','sent','accepted') OR approved_at IS NOT NULL),
    CHECK (status <> 'accepted' OR accepted_at IS NOT NULL)
);
CREATE INDEX quotes_lead ON quotes(lead_id);
CREATE INDEX quotes_conversation ON quotes(conversation_id);
CREATE INDEX quotes_status ON quotes(status, updated_at);
CREATE INDEX quotes_year_seq ON quotes(year, seq);

CREATE TABLE quote_lines (
    id          INTEGER PRIMARY KEY,
    quote_id    INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('product','labour','subbase','transport','other','allowance')),
    product_id  INTEGER REFERENCES products(id) ON DELETE SET NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit        TEXT NOT NULL DEFAULT '' CHECK (length(unit) <= 16),
    quantity    INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    unit_price  INTEGER NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
    percent     INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 10000),
    reason      TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    discount    INTEGER NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 10000),
    vat_rate    INTEGER NOT NULL DEFAULT 2000 CHECK (vat_rate BETWEEN 0 AND 10000),
    gross       INTEGER NOT NULL DEFAULT 0,
    net         INTEGER NOT NULL DEFAULT 0,
    vat         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (quote_id, position),
    CHECK (kind <> 'allowance' OR length(reason) >= 1)
);

-- A frozen revision (approved, sent, accepted, superseded) keeps its lines as they were.
CREATE TRIGGER quote_lines_frozen_insert BEFORE INSERT ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = NEW.quote_id) NOT IN ('draft','pending','rejected')
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
CREATE TRIGGER quote_lines_frozen_update BEFORE UPDATE ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = OLD.quote_id) NOT IN ('draft','pending','rejected')
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
CREATE TRIGGER quote_lines_frozen_delete BEFORE DELETE ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = OLD.quote_id) NOT IN ('draft','pending','rejected')
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
-- ... and its priced fields.
CREATE TRIGGER quotes_frozen BEFORE UPDATE OF currency, language, valid_until, payment_text, warranty_text, note,
    subtotal, discount_total, net_total, vat_total, grand_total, customer_name ON quotes
WHEN OLD.status NOT IN ('draft','pending','rejected')
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;

-- +goose Down
DROP TRIGGER quotes_frozen;
DROP TRIGGER quote_lines_frozen_delete;
DROP TRIGGER quote_lines_frozen_update;
DROP TRIGGER quote_lines_frozen_insert;
DROP TABLE quote_lines;
DROP TABLE quotes;
DROP TABLE quote_snippets;

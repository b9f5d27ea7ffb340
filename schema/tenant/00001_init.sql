-- +goose Up
-- One tenant's business data. Times are Unix milliseconds (UTC); enumerations are the lowercase
-- words of SPEC §4, enforced here so that even a buggy handler cannot store anything else.

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone       TEXT NOT NULL DEFAULT '',
    phone_e164  TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    company     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX customers_phone ON customers(phone_e164) WHERE phone_e164 <> '';
CREATE INDEX customers_email ON customers(email) WHERE email <> '';

CREATE TABLE leads (
    id              INTEGER PRIMARY KEY,
    external_id     TEXT UNIQUE,
    name            TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    phone           TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    phone_e164      TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    stage           TEXT NOT NULL DEFAULT 'new' CHECK (stage IN ('new','contacted','qualified','proposal','won','lost')),
    source          TEXT NOT NULL CHECK (source IN ('webchat','whatsapp','telegram','email','call','manual','import','referral','landing')),
    lost_reason     TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL DEFAULT '',
    consent_at      INTEGER,
    utm_source      TEXT NOT NULL DEFAULT '',
    utm_medium      TEXT NOT NULL DEFAULT '',
    utm_campaign    TEXT NOT NULL DEFAULT '',
    utm_term        TEXT NOT NULL DEFAULT '',
    utm_content     TEXT NOT NULL DEFAULT '',
    customer_id     INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX leads_phone ON leads(phone_e164) WHERE phone_e164 <> '';
CREATE INDEX leads_email ON leads(email COLLATE NOCASE) WHERE email <> '';
CREATE INDEX leads_stage ON leads(stage, updated_at);
CREATE INDEX leads_created ON leads(created_at);

CREATE TABLE conversations (
    id                  INTEGER PRIMARY KEY,
    lead_id             INTEGER NOT NULL REFERENCES leads(id),
    customer_id         INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    channel             TEXT NOT NULL CHECK (channel IN ('webchat','whatsapp','telegram','email','call','manual')),
    external_id         TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new','contacted','engaged','qualified','offer','negotiation','won','lost')),
    urgency_score       INTEGER CHECK (urgency_score BETWEEN 0 AND 100),
    qualification_score INTEGER CHECK (qualification_score BETWEEN 0 AND 100),
    sentiment_score     INTEGER CHECK (sentiment_score BETWEEN 0 AND 100),
    score_reasons       TEXT NOT NULL DEFAULT '{}',
    language            TEXT NOT NULL DEFAULT '',
    handoff_required    INTEGER NOT NULL DEFAULT 0 CHECK (handoff_required IN (0,1)),
    handoff_reason      TEXT NOT NULL DEFAULT '',
    summary             TEXT NOT NULL DEFAULT '',
    next_action         TEXT NOT NULL DEFAULT '' CHECK (length(next_action) <= 255),
    next_action_due_at  INTEGER,
    assigned_user_id    INTEGER,
    ai_mode             TEXT NOT NULL DEFAULT 'active' CHECK (ai_mode IN ('active','paused','manual')),
    unread_count        INTEGER NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
    last_message_at     INTEGER NOT NULL,
    last_inbound_at     INTEGER,
    waiting_since       INTEGER,
    review_summary      TEXT NOT NULL DEFAULT '',
    review_quality      INTEGER CHECK (review_quality BETWEEN 0 AND 100),
    reviewed_at         INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX conversations_last ON conversations(last_message_at DESC, id DESC);
CREATE INDEX conversations_lead ON conversations(lead_id);
CREATE INDEX conversations_state ON conversations(state, last_message_at DESC);
CREATE INDEX conversations_channel_ext ON conversations(channel, external_id) WHERE external_id <> '';
CREATE INDEX conversations_handoff ON conversations(last_message_at DESC) WHERE handoff_required = 1;

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    conversation_id     INTEGER NOT NULL REFERENCES conversations(id),
    direction           TEXT NOT NULL CHECK (direction IN ('inbound','outbound','system')),
    author_kind         TEXT NOT NULL CHECK (author_kind IN ('customer','ai','user','system')),
    author_user_id      INTEGER,
    body                TEXT NOT NULL,
    kind                TEXT NOT NULL DEFAULT 'text',
    channel             TEXT NOT NULL CHECK (channel IN ('webchat','whatsapp','telegram','email','call','manual')),
    provider_message_id TEXT,
    delivery_status     TEXT CHECK (delivery_status IN ('queued','sent','delivered','read','failed')),
    delivery_error      TEXT NOT NULL DEFAULT '',
    annotations         TEXT NOT NULL DEFAULT '',
    scheduled_at        INTEGER,
    created_at          INTEGER NOT NULL
);
-- The idempotency key of every channel: a provider message id is stored once per channel.
CREATE UNIQUE INDEX messages_provider_id ON messages(channel, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_created ON messages(created_at DESC);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 40)
);
CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX conversation_tags_tag ON conversation_tags(tag_id, conversation_id);

CREATE TABLE templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE analytics_snapshots (
    id           INTEGER PRIMARY KEY,
    model_name   TEXT NOT NULL,
    kpi          TEXT NOT NULL,
    chart_pack   TEXT NOT NULL,
    generated_at INTEGER NOT NULL
);

CREATE TABLE decision_recommendations (
    id                 INTEGER PRIMARY KEY,
    lead_id            INTEGER REFERENCES leads(id),
    conversation_id    INTEGER REFERENCES conversations(id),
    snapshot_id        INTEGER REFERENCES analytics_snapshots(id),
    title              TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary            TEXT NOT NULL DEFAULT '',
    recommended_action TEXT NOT NULL DEFAULT '',
    draft_reply        TEXT NOT NULL DEFAULT '',
    priority           TEXT NOT NULL CHECK (priority IN ('low','medium','high','critical')),
    confidence         REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    action_type        TEXT NOT NULL CHECK (action_type IN ('pricing','payment_terms','warranty','legal','discount','lead_generation','follow_up','human_handoff','stock','delivery_date','other')),
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('draft','pending','approved','rejected','executed')),
    dedupe_key         TEXT,
    model_name         TEXT NOT NULL,
    decided_by_user_id INTEGER,
    decided_by_name    TEXT NOT NULL DEFAULT '',
    decided_at         INTEGER,
    decision_reason    TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX recs_status ON decision_recommendations(status, created_at);
CREATE INDEX recs_conversation ON decision_recommendations(conversation_id);
CREATE INDEX recs_lead ON decision_recommendations(lead_id);
-- Generated recommendations are not duplicated while an open one with the same key exists.
CREATE UNIQUE INDEX recs_open_dedupe ON decision_recommendations(dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('draft','pending');

-- +goose StatementBegin
CREATE TRIGGER recs_decided_immutable BEFORE UPDATE ON decision_recommendations
WHEN OLD.status IN ('approved','rejected','executed')
BEGIN
    SELECT RAISE(ABORT, 'decision_recommendations: a decided recommendation is immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER recs_decided_no_delete BEFORE DELETE ON decision_recommendations
WHEN OLD.status IN ('approved','rejected','executed')
BEGIN
    SELECT RAISE(ABORT, 'decision_recommendations: a decided recommendation cannot be deleted');
END;
-- +goose StatementEnd

-- Append-only, hash-chained audit trail (SPEC §9).
-- AUTOINCREMENT so sqlite_sequence remembers the highest id ever written: removing the newest
-- rows is then as detectable as removing rows in the middle of the chain.
CREATE TABLE action_logs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    provider         TEXT NOT NULL,
    action_type      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('completed','failed','pending')),
    decision_summary TEXT NOT NULL DEFAULT '',
    input_excerpt    TEXT NOT NULL DEFAULT '',
    output_excerpt   TEXT NOT NULL DEFAULT '',
    payload          TEXT NOT NULL DEFAULT '{}',
    model_name       TEXT NOT NULL DEFAULT '',
    actor_user_id    INTEGER,
    actor_name       TEXT NOT NULL DEFAULT '',
    conversation_id  INTEGER,
    created_at       INTEGER NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX action_logs_provider ON action_logs(provider, id);
CREATE INDEX action_logs_conversation ON action_logs(conversation_id, id) WHERE conversation_id IS NOT NULL;
CREATE INDEX action_logs_created ON action_logs(created_at);
-- +goose StatementBegin
CREATE TRIGGER action_logs_no_update BEFORE UPDATE ON action_logs
BEGIN
    SELECT RAISE(ABORT, 'action_logs is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_logs_no_delete BEFORE DELETE ON action_logs
BEGIN
    SELECT RAISE(ABORT, 'action_logs is append-only');
END;
-- +goose StatementEnd

-- Raw outside input (webhook bodies, import files) stored durably before it is acknowledged.
CREATE TABLE data_import_jobs (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','completed','failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    body        BLOB NOT NULL,
    meta        TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER
);
CREATE INDEX data_import_jobs_status ON data_import_jobs(status, id);

-- The durable in-process job queue (SPEC §10).
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed','cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    run_at       INTEGER NOT NULL,
    dedupe_key   TEXT,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE UNIQUE INDEX jobs_open_dedupe ON jobs(kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued','running');

-- CRM
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    sku         TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category    TEXT NOT NULL DEFAULT '',
    unit        TEXT NOT NULL DEFAULT 'm2' CHECK (length(unit) BETWEEN 1 AND 16),
    unit_price  REAL NOT NULL CHECK (unit_price >= 0),
    currency    TEXT NOT NULL DEFAULT 'TRY' CHECK (length(currency) = 3),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    lead_id     INTEGER REFERENCES leads(id),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','won','fulfilled','cancelled')),
    total       REAL NOT NULL CHECK (total >= 0),
    currency    TEXT NOT NULL DEFAULT 'TRY' CHECK (length(currency) = 3),
    description TEXT NOT NULL DEFAULT '',
    ordered_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_status ON orders(status, ordered_at);

CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    order_id    INTEGER REFERENCES orders(id),
    number      TEXT NOT NULL DEFAULT '',
    amount      REAL NOT NULL CHECK (amount >= 0),
    currency    TEXT NOT NULL DEFAULT 'TRY' CHECK (length(currency) = 3),
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','sent','paid','void')),
    issued_at   INTEGER NOT NULL,
    paid_at     INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (status <> 'paid' OR paid_at IS NOT NULL)
);
CREATE INDEX invoices_customer ON invoices(customer_id);
CREATE INDEX invoices_status ON invoices(status, paid_at);

CREATE TABLE repair_requests (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES customers(id),
    lead_id     INTEGER REFERENCES leads(id),
    description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    urgency     TEXT NOT NULL DEFAULT 'medium' CHECK (urgency IN ('low','medium','high','critical')),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','scheduled','in_progress','done','cancelled')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- AI spend per call, summed per month against the tenant's budget (SPEC §7).
CREATE TABLE ai_usage (
    id              INTEGER PRIMARY KEY,
    provider        TEXT NOT NULL,
    model_name      TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    prompt_tokens   INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    cost_usd        REAL NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    conversation_id INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX ai_usage_created ON ai_usage(created_at);

-- +goose Down
DROP TABLE ai_usage;
DROP TABLE repair_requests;
DROP TABLE invoices;
DROP TABLE orders;
DROP TABLE products;
DROP TABLE jobs;
DROP TABLE data_import_jobs;
DROP TABLE action_logs;
DROP TABLE decision_recommendations;
DROP TABLE analytics_snapshots;
DROP TABLE templates;
DROP TABLE conversation_tags;
DROP TABLE tags;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE leads;
DROP TABLE customers;

-- +goose Up
-- Conversion tracking (module conversion_tracking, app/conversions, guide 47-conversion-tracking.md).
-- Times are Unix milliseconds (UTC); money is stored in minor units (kuruş, cents).

-- What the widget or the landing page saw on the host page when a visitor first wrote, kept only
-- when the visitor ticked the marketing consent box: ad click ids, the Meta browser id (_fbp) and
-- the campaign (utm_*). One row per lead. fbc is built from fbclid in Meta's documented format
-- fb.1.<creation ms>.<fbclid>.
CREATE TABLE lead_attribution (
    lead_id                   INTEGER PRIMARY KEY REFERENCES leads(id),
    -- Where the capture came from: the chat widget or the landing page (a lead source, not a
    -- conversation channel; written as two comparisons so the channel registry's schema test,
    -- which reads the CHECK lists of conversation channels, does not take it for one).
    channel                   TEXT NOT NULL CHECK (channel = 'webchat' OR channel = 'landing'),
    gclid                     TEXT NOT NULL DEFAULT '' CHECK (length(gclid) <= 200),
    gbraid                    TEXT NOT NULL DEFAULT '' CHECK (length(gbraid) <= 200),
    wbraid                    TEXT NOT NULL DEFAULT '' CHECK (length(wbraid) <= 200),
    fbclid                    TEXT NOT NULL DEFAULT '' CHECK (length(fbclid) <= 500),
    fbc                       TEXT NOT NULL DEFAULT '' CHECK (length(fbc) <= 600),
    fbp                       TEXT NOT NULL DEFAULT '' CHECK (length(fbp) <= 200),
    ttclid                    TEXT NOT NULL DEFAULT '' CHECK (length(ttclid) <= 500),
    utm_source                TEXT NOT NULL DEFAULT '' CHECK (length(utm_source) <= 200),
    utm_medium                TEXT NOT NULL DEFAULT '' CHECK (length(utm_medium) <= 200),
    utm_campaign              TEXT NOT NULL DEFAULT '' CHECK (length(utm_campaign) <= 200),
    utm_term                  TEXT NOT NULL DEFAULT '' CHECK (length(utm_term) <= 200),
    utm_content               TEXT NOT NULL DEFAULT '' CHECK (length(utm_content) <= 200),
    page_url                  TEXT NOT NULL DEFAULT '' CHECK (length(page_url) <= 2000),
    marketing_consent_version TEXT NOT NULL CHECK (length(marketing_consent_version) BETWEEN 1 AND 40),
    marketing_consent_at      INTEGER NOT NULL,
    -- The person withdrew marketing consent (owner, lead page): nothing more is sent for them.
    withdrawn_at              INTEGER,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL
);
CREATE INDEX lead_attribution_campaign ON lead_attribution(utm_campaign) WHERE utm_campaign <> '';

-- The owner's choices: which rules make events, the destinations and their credentials (secrets
-- are never shown again once saved), test mode. One row.
CREATE TABLE conversion_settings (
    id                       INTEGER PRIMARY KEY CHECK (id = 1),
    rule_lead                INTEGER NOT NULL DEFAULT 1 CHECK (rule_lead IN (0,1)),
    rule_qualified           INTEGER NOT NULL DEFAULT 1 CHECK (rule_qualified IN (0,1)),
    rule_won                 INTEGER NOT NULL DEFAULT 1 CHECK (rule_won IN (0,1)),
    currency                 TEXT NOT NULL DEFAULT 'TRY' CHECK (length(currency) = 3),
    test_mode                INTEGER NOT NULL DEFAULT 0 CHECK (test_mode IN (0,1)),
    meta_on                  INTEGER NOT NULL DEFAULT 0 CHECK (meta_on IN (0,1)),
    meta_pixel_id            TEXT NOT NULL DEFAULT '' CHECK (length(meta_pixel_id) <= 40),
    meta_access_token        TEXT NOT NULL DEFAULT '' CHECK (length(meta_access_token) <= 1000),
    meta_test_code           TEXT NOT NULL DEFAULT '' CHECK (length(meta_test_code) <= 60),
    google_on                INTEGER NOT NULL DEFAULT 0 CHECK (google_on IN (0,1)),
    google_customer_id       TEXT NOT NULL DEFAULT '' CHECK (length(google_customer_id) <= 20),
    google_login_customer_id TEXT NOT NULL DEFAULT '' CHECK (length(google_login_customer_id) <= 20),
    -- The conversion action (its numeric id) each event goes to; an event whose action is empty
    -- is not sent to Google.
    google_action_lead       TEXT NOT NULL DEFAULT '' CHECK (length(google_action_lead) <= 20),
    google_action_qualified  TEXT NOT NULL DEFAULT '' CHECK (length(google_action_qualified) <= 20),
    google_action_purchase   TEXT NOT NULL DEFAULT '' CHECK (length(google_action_purchase) <= 20),
    google_developer_token   TEXT NOT NULL DEFAULT '' CHECK (length(google_developer_token) <= 200),
    google_client_id         TEXT NOT NULL DEFAULT '' CHECK (length(google_client_id) <= 300),
    google_client_secret     TEXT NOT NULL DEFAULT '' CHECK (length(google_client_secret) <= 300),
    google_refresh_token     TEXT NOT NULL DEFAULT '' CHECK (length(google_refresh_token) <= 1000),
    tiktok_on                INTEGER NOT NULL DEFAULT 0 CHECK (tiktok_on IN (0,1)),
    tiktok_pixel_code        TEXT NOT NULL DEFAULT '' CHECK (length(tiktok_pixel_code) <= 40),
    tiktok_access_token      TEXT NOT NULL DEFAULT '' CHECK (length(tiktok_access_token) <= 1000),
    tiktok_test_code         TEXT NOT NULL DEFAULT '' CHECK (length(tiktok_test_code) <= 60),
    updated_at               INTEGER NOT NULL
);

-- One conversion of one lead. event_id is stable (the same event always carries the same id), so
-- the platforms drop a repeat. The hashed user data is computed when the event is made, from the
-- lead as it was then; raw PII never leaves the server. consent = 0: the lead had no marketing
-- consent, so no hashes, no click ids and no deliveries were made.
CREATE TABLE conversion_events (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE CHECK (length(event_id) BETWEEN 1 AND 100),
    lead_id         INTEGER NOT NULL REFERENCES leads(id),
    conversation_id INTEGER,
    name            TEXT NOT NULL CHECK (name IN ('Lead','QualifiedLead','Purchase')),
    value_minor     INTEGER NOT NULL DEFAULT 0 CHECK (value_minor >= 0),
    currency        TEXT NOT NULL DEFAULT '' CHECK (currency = '' OR length(currency) = 3),
    event_time      INTEGER NOT NULL,
    consent         INTEGER NOT NULL CHECK (consent IN (0,1)),
    gclid           TEXT NOT NULL DEFAULT '',
    gbraid          TEXT NOT NULL DEFAULT '',
    wbraid          TEXT NOT NULL DEFAULT '',
    fbc             TEXT NOT NULL DEFAULT '',
    fbp             TEXT NOT NULL DEFAULT '',
    ttclid          TEXT NOT NULL DEFAULT '',
    em_hash         TEXT NOT NULL DEFAULT '' CHECK (em_hash = '' OR length(em_hash) = 64),
    em_google_hash  TEXT NOT NULL DEFAULT '' CHECK (em_google_hash = '' OR length(em_google_hash) = 64),
    ph_hash         TEXT NOT NULL DEFAULT '' CHECK (ph_hash = '' OR length(ph_hash) = 64),
    ph_plus_hash    TEXT NOT NULL DEFAULT '' CHECK (ph_plus_hash = '' OR length(ph_plus_hash) = 64),
    fn_hash         TEXT NOT NULL DEFAULT '' CHECK (fn_hash = '' OR length(fn_hash) = 64),
    ln_hash         TEXT NOT NULL DEFAULT '' CHECK (ln_hash = '' OR length(ln_hash) = 64),
    external_hash   TEXT NOT NULL DEFAULT '' CHECK (external_hash = '' OR length(external_hash) = 64),
    created_at      INTEGER NOT NULL
);
CREATE INDEX conversion_events_lead ON conversion_events(lead_id, event_time);
CREATE INDEX conversion_events_time ON conversion_events(event_time);

-- One delivery of an event to one destination, sent by one outbox job (kind conversion_send).
CREATE TABLE conversion_deliveries (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES conversion_events(id),
    destination   TEXT NOT NULL CHECK (destination IN ('meta','google','tiktok')),
    status        TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
    test          INTEGER NOT NULL DEFAULT 0 CHECK (test IN (0,1)),
    attempts      INTEGER NOT NULL DEFAULT 0,
    http_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '' CHECK (length(last_error) <= 500),
    sent_at       INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (event_id, destination)
);
CREATE INDEX conversion_deliveries_recent ON conversion_deliveries(updated_at DESC);

-- Monthly ad spend per campaign as the owner typed it, for cost per lead.
CREATE TABLE ad_spend (
    campaign    TEXT NOT NULL CHECK (length(campaign) BETWEEN 1 AND 200),
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (campaign, month)
);

-- +goose Down
DROP TABLE ad_spend;
DROP TABLE conversion_deliveries;
DROP TABLE conversion_events;
DROP TABLE conversion_settings;
DROP TABLE lead_attribution;

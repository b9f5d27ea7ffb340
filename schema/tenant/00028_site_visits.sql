-- +goose Up
-- Site visits (keşif): app/visits, guide 40-site-visits.md. Times are Unix milliseconds (UTC);
-- they are shown and planned in the tenant's time zone. Assignees are platform users (platform.db),
-- so they are kept by id without a foreign key. A proposed date is a commitment to the customer:
-- it waits in the approval queue (recommendation_id) and nothing is confirmed to the customer
-- before that recommendation is approved.

CREATE TABLE site_visits (
    id                INTEGER PRIMARY KEY,
    lead_id           INTEGER NOT NULL REFERENCES leads(id),
    conversation_id   INTEGER REFERENCES conversations(id),
    status            TEXT NOT NULL DEFAULT 'proposed'
                      CHECK (status IN ('proposed','confirmed','done','no_show','cancelled')),
    starts_at         INTEGER NOT NULL,
    duration_min      INTEGER NOT NULL DEFAULT 60 CHECK (duration_min BETWEEN 15 AND 720),
    address           TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    map_url           TEXT NOT NULL DEFAULT '' CHECK (length(map_url) <= 1000),
    note              TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    proposed_by       TEXT NOT NULL DEFAULT '' CHECK (proposed_by IN ('', 'assistant')),
    recommendation_id INTEGER REFERENCES decision_recommendations(id),
    approved_by_name  TEXT NOT NULL DEFAULT '',
    approved_at       INTEGER,
    confirmed_message_id INTEGER,
    customer_answer   TEXT NOT NULL DEFAULT '' CHECK (customer_answer IN ('', 'accepted', 'reschedule')),
    customer_answer_at INTEGER,
    token             TEXT NOT NULL UNIQUE,
    -- outcome, filled after the visit
    measured_area_dm2 INTEGER CHECK (measured_area_dm2 IS NULL OR measured_area_dm2 >= 0),
    surface           TEXT NOT NULL DEFAULT '' CHECK (length(surface) <= 200),
    access_notes      TEXT NOT NULL DEFAULT '' CHECK (length(access_notes) <= 2000),
    outcome_notes     TEXT NOT NULL DEFAULT '' CHECK (length(outcome_notes) <= 4000),
    quote_id          INTEGER,
    done_at           INTEGER,
    reminded_customer_at INTEGER,
    reminded_assignee_at INTEGER,
    created_by_name   TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK (status NOT IN ('confirmed','done','no_show') OR approved_at IS NOT NULL)
);
CREATE INDEX site_visits_time ON site_visits(starts_at);
CREATE INDEX site_visits_lead ON site_visits(lead_id);
CREATE INDEX site_visits_status ON site_visits(status, starts_at);

-- Who goes: one or more members of the team.
CREATE TABLE site_visit_assignees (
    visit_id INTEGER NOT NULL REFERENCES site_visits(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (visit_id, user_id)
);
CREATE INDEX site_visit_assignees_user ON site_visit_assignees(user_id);

-- Photos taken on site: media attachments (media room) linked to the visit.
CREATE TABLE site_visit_photos (
    visit_id      INTEGER NOT NULL REFERENCES site_visits(id) ON DELETE CASCADE,
    attachment_id INTEGER NOT NULL,
    PRIMARY KEY (visit_id, attachment_id)
);

-- A member's secret calendar feed (iCal, RFC 5545): only the SHA-256 of the token is kept;
-- revoking deletes the row, and the old address answers 404 from then on.
CREATE TABLE visit_feeds (
    user_id    INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE visit_feeds;
DROP TABLE site_visit_photos;
DROP TABLE site_visit_assignees;
DROP TABLE site_visits;

-- +goose Up
-- SLA policies and each ticket's SLA history (app/msp sla*.go, guide 43-sla.md). Targets are
-- business minutes (0 = no target for that priority); a policy counts in the tenant's business
-- hours (app/hours: weekly schedule, closed days, holiday preset) or around the clock. Times are
-- Unix milliseconds (UTC).
CREATE TABLE msp_sla_policies (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    calendar            TEXT NOT NULL DEFAULT 'business_hours' CHECK (calendar IN ('business_hours', 'always')),
    p1_response_min     INTEGER NOT NULL CHECK (p1_response_min BETWEEN 0 AND 525600),
    p1_resolution_min   INTEGER NOT NULL CHECK (p1_resolution_min BETWEEN 0 AND 525600),
    p2_response_min     INTEGER NOT NULL CHECK (p2_response_min BETWEEN 0 AND 525600),
    p2_resolution_min   INTEGER NOT NULL CHECK (p2_resolution_min BETWEEN 0 AND 525600),
    p3_response_min     INTEGER NOT NULL CHECK (p3_response_min BETWEEN 0 AND 525600),
    p3_resolution_min   INTEGER NOT NULL CHECK (p3_resolution_min BETWEEN 0 AND 525600),
    p4_response_min     INTEGER NOT NULL CHECK (p4_response_min BETWEEN 0 AND 525600),
    p4_resolution_min   INTEGER NOT NULL CHECK (p4_resolution_min BETWEEN 0 AND 525600),
    is_default          INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
-- One default policy: the one a new ticket gets.
CREATE UNIQUE INDEX msp_sla_policies_default ON msp_sla_policies(is_default) WHERE is_default = 1;
-- A starting policy, counted in business hours: P1 1 h / 4 h, P2 2 h / 8 h, P3 4 h / 3 days,
-- P4 1 day / 5 days (a business day is the schedule's own length; 9 hours for 09:00–18:00).
INSERT INTO msp_sla_policies (name, calendar, p1_response_min, p1_resolution_min, p2_response_min, p2_resolution_min,
    p3_response_min, p3_resolution_min, p4_response_min, p4_resolution_min, is_default, created_at, updated_at)
VALUES ('Standard', 'business_hours', 60, 240, 120, 480, 240, 1620, 540, 2700, 1,
    CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

-- One row per ticket: the policy it runs under and what its clocks are computed from. running is
-- 1 while the ticket is not resolved or closed (the SLA job's working set). The warned and
-- breached times record that the job told the team once per ticket and target.
CREATE TABLE msp_ticket_sla (
    ticket_id              INTEGER PRIMARY KEY REFERENCES msp_tickets(id),
    policy_id              INTEGER REFERENCES msp_sla_policies(id),
    opened_at              INTEGER NOT NULL,
    first_response_at      INTEGER,
    resolved_at            INTEGER,
    running                INTEGER NOT NULL DEFAULT 1 CHECK (running IN (0, 1)),
    response_warned_at     INTEGER,
    resolution_warned_at   INTEGER,
    response_breached_at   INTEGER,
    resolution_breached_at INTEGER
);
CREATE INDEX msp_ticket_sla_running ON msp_ticket_sla(ticket_id) WHERE running = 1;
CREATE INDEX msp_ticket_sla_policy ON msp_ticket_sla(policy_id);

-- The stretches a ticket's clocks stood still: waiting on the customer, or resolved and then
-- reopened. An open stretch (to_at NULL) is the pause going on now; at most one per ticket.
CREATE TABLE msp_ticket_sla_pauses (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES msp_tickets(id),
    reason    TEXT NOT NULL CHECK (reason IN ('waiting_customer', 'resolved')),
    from_at   INTEGER NOT NULL,
    to_at     INTEGER CHECK (to_at IS NULL OR to_at >= from_at)
);
CREATE INDEX msp_ticket_sla_pauses_ticket ON msp_ticket_sla_pauses(ticket_id, from_at);
CREATE UNIQUE INDEX msp_ticket_sla_pauses_open ON msp_ticket_sla_pauses(ticket_id) WHERE to_at IS NULL;

-- Two notification kinds for the SLA job (app/msp → app/notify): sla_soon (75 % of a target is
-- used) and sla_breach (a target passed). SQLite cannot change a CHECK in place, so the table is
-- rebuilt as it was with the wider kind list; rows and ids are kept.
DROP INDEX notifications_user;
DROP INDEX notifications_unread;
ALTER TABLE notifications RENAME TO notifications_before_sla;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue',
                                                    'visit_soon', 'visit_answer', 'sla_soon', 'sla_breach')),
    conversation_id   INTEGER,
    recommendation_id INTEGER,
    params            TEXT NOT NULL DEFAULT '{}',
    dedupe_key        TEXT NOT NULL,
    created_at        INTEGER NOT NULL, -- unix milliseconds
    read_at           INTEGER,
    emailed_at        INTEGER,
    UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications SELECT id, user_id, kind, conversation_id, recommendation_id, params, dedupe_key, created_at, read_at, emailed_at
    FROM notifications_before_sla;
DROP TABLE notifications_before_sla;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notifications_user;
DROP INDEX notifications_unread;
ALTER TABLE notifications RENAME TO notifications_with_sla;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue',
                                                    'visit_soon', 'visit_answer')),
    conversation_id   INTEGER,
    recommendation_id INTEGER,
    params            TEXT NOT NULL DEFAULT '{}',
    dedupe_key        TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    read_at           INTEGER,
    emailed_at        INTEGER,
    UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications SELECT id, user_id, kind, conversation_id, recommendation_id, params, dedupe_key, created_at, read_at, emailed_at
    FROM notifications_with_sla WHERE kind NOT IN ('sla_soon', 'sla_breach');
DROP TABLE notifications_with_sla;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
DROP TABLE msp_ticket_sla_pauses;
DROP TABLE msp_ticket_sla;
DROP TABLE msp_sla_policies;

-- +goose Up
-- A follow-up sequence stops with reason 'blocked' when the customer blocked the bot (Telegram):
-- its draft would wait in the approval queue and then fail (app/followups). SQLite cannot change
-- a CHECK in place, so the table is rebuilt as it was with the wider list; rows and ids are kept.
DROP INDEX followups_anchor;
DROP INDEX followups_open;
DROP INDEX followups_due;
DROP INDEX followups_lead;
DROP INDEX followups_rec;
ALTER TABLE followups RENAME TO followups_before;
CREATE TABLE followups (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id),
    lead_id           INTEGER NOT NULL REFERENCES leads(id),
    reason            TEXT NOT NULL CHECK (reason IN ('no_reply','quote_silent')),
    quote_id          INTEGER REFERENCES quotes(id),
    anchor_at         INTEGER NOT NULL,
    steps             INTEGER NOT NULL CHECK (steps BETWEEN 1 AND 5),
    step              INTEGER NOT NULL DEFAULT 0 CHECK (step BETWEEN 0 AND steps), -- steps proposed so far
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','waiting','done','stopped')),
    next_due_at       INTEGER,          -- active: when the next step is proposed
    recommendation_id INTEGER REFERENCES decision_recommendations(id), -- the newest step's draft
    template          INTEGER NOT NULL DEFAULT 0 CHECK (template IN (0,1)), -- the newest draft is the approved template
    stop_reason       TEXT NOT NULL DEFAULT ''
                      CHECK (stop_reason IN ('','customer_replied','operator_replied','closed','rejected','no_consent','no_template','disabled','blocked')),
    ended_at          INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
INSERT INTO followups (id, conversation_id, lead_id, reason, quote_id, anchor_at, steps, step, status, next_due_at, recommendation_id, template, stop_reason, ended_at, created_at, updated_at) SELECT id, conversation_id, lead_id, reason, quote_id, anchor_at, steps, step, status, next_due_at, recommendation_id, template, stop_reason, ended_at, created_at, updated_at FROM followups_before;
DROP TABLE followups_before;
CREATE UNIQUE INDEX followups_anchor ON followups(conversation_id, reason, anchor_at);
CREATE UNIQUE INDEX followups_open ON followups(conversation_id) WHERE status IN ('active','waiting');
CREATE INDEX followups_due ON followups(next_due_at) WHERE status = 'active';
CREATE INDEX followups_lead ON followups(lead_id, id);
CREATE INDEX followups_rec ON followups(recommendation_id) WHERE recommendation_id IS NOT NULL;

-- +goose Down
DROP INDEX followups_anchor;
DROP INDEX followups_open;
DROP INDEX followups_due;
DROP INDEX followups_lead;
DROP INDEX followups_rec;
ALTER TABLE followups RENAME TO followups_before;
CREATE TABLE followups (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id),
    lead_id           INTEGER NOT NULL REFERENCES leads(id),
    reason            TEXT NOT NULL CHECK (reason IN ('no_reply','quote_silent')),
    quote_id          INTEGER REFERENCES quotes(id),
    anchor_at         INTEGER NOT NULL,
    steps             INTEGER NOT NULL CHECK (steps BETWEEN 1 AND 5),
    step              INTEGER NOT NULL DEFAULT 0 CHECK (step BETWEEN 0 AND steps), -- steps proposed so far
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','waiting','done','stopped')),
    next_due_at       INTEGER,          -- active: when the next step is proposed
    recommendation_id INTEGER REFERENCES decision_recommendations(id), -- the newest step's draft
    template          INTEGER NOT NULL DEFAULT 0 CHECK (template IN (0,1)), -- the newest draft is the approved template
    stop_reason       TEXT NOT NULL DEFAULT ''
                      CHECK (stop_reason IN ('','customer_replied','operator_replied','closed','rejected','no_consent','no_template','disabled')),
    ended_at          INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
INSERT INTO followups (id, conversation_id, lead_id, reason, quote_id, anchor_at, steps, step, status, next_due_at, recommendation_id, template, stop_reason, ended_at, created_at, updated_at) SELECT id, conversation_id, lead_id, reason, quote_id, anchor_at, steps, step, status, next_due_at, recommendation_id, template, CASE stop_reason WHEN 'blocked' THEN 'disabled' ELSE stop_reason END, ended_at, created_at, updated_at FROM followups_before;
DROP TABLE followups_before;
CREATE UNIQUE INDEX followups_anchor ON followups(conversation_id, reason, anchor_at);
CREATE UNIQUE INDEX followups_open ON followups(conversation_id) WHERE status IN ('active','waiting');
CREATE INDEX followups_due ON followups(next_due_at) WHERE status = 'active';
CREATE INDEX followups_lead ON followups(lead_id, id);
CREATE INDEX followups_rec ON followups(recommendation_id) WHERE recommendation_id IS NOT NULL;

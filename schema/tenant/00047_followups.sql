-- +goose Up
-- Follow-ups (app/followups, guide 50-follow-ups.md): a visitor who left a phone or an e-mail and
-- got no reply from a person, or a customer who went quiet after a quote, gets a follow-up draft
-- in the approval queue; a sequence has at most `steps` steps, and stops when the customer or an
-- operator writes, the conversation is won or lost, or a person rejects a draft.
-- Times are Unix milliseconds (UTC).

-- The owner's rules: one row (id 1); no row means the defaults below.
CREATE TABLE followup_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
    no_reply_hours    INTEGER NOT NULL DEFAULT 4 CHECK (no_reply_hours BETWEEN 1 AND 72),   -- business hours
    quote_hours       INTEGER NOT NULL DEFAULT 16 CHECK (quote_hours BETWEEN 1 AND 240),    -- business hours
    step_days         INTEGER NOT NULL DEFAULT 2 CHECK (step_days BETWEEN 1 AND 30),        -- days between steps
    max_steps         INTEGER NOT NULL DEFAULT 2 CHECK (max_steps BETWEEN 1 AND 5),
    updated_at        INTEGER NOT NULL
);

-- One sequence per conversation and the moment that started it (the customer's last message, or
-- the quote's sending): the unique index makes a job that runs twice start it once.
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
CREATE UNIQUE INDEX followups_anchor ON followups(conversation_id, reason, anchor_at);
CREATE UNIQUE INDEX followups_open ON followups(conversation_id) WHERE status IN ('active','waiting');
CREATE INDEX followups_due ON followups(next_due_at) WHERE status = 'active';
CREATE INDEX followups_lead ON followups(lead_id, id);
CREATE INDEX followups_rec ON followups(recommendation_id) WHERE recommendation_id IS NOT NULL;

-- +goose Down
DROP TABLE followups;
DROP TABLE followup_settings;

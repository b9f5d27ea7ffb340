-- +goose Up
-- The assistant's proposals on MSP tickets (app/msp triage.go, guide 42-msp-tickets.md): on a new
-- ticket, and on each customer message on a ticket's conversation, the ticket model proposes a
-- category and a priority with the customer's words behind each. A person applies a proposal with
-- one click or dismisses it; a newer proposal supersedes an open older one. The reply draft, and
-- any on-site visit or price the customer asked for, wait in the approval queue
-- (decision_recommendations); their ids are kept here so an approved reply goes out as the
-- ticket's public reply. Times are Unix milliseconds (UTC).
CREATE TABLE msp_ticket_proposals (
    id                 INTEGER PRIMARY KEY,
    ticket_id          INTEGER NOT NULL REFERENCES msp_tickets(id),
    message_id         INTEGER,  -- the customer message read; NULL: the ticket's own subject and description
    -- The conversation's newest message when this was proposed: a message up to it was read
    -- already (the one the ticket was opened from), so its late triage job proposes nothing.
    upto_message_id    INTEGER NOT NULL DEFAULT 0,
    category           TEXT NOT NULL
                       CHECK (category IN ('hardware','software','network','email','account','security','printing','backup','other')),
    priority           TEXT NOT NULL CHECK (priority IN ('p1','p2','p3','p4')),
    category_why       TEXT NOT NULL DEFAULT '[]' CHECK (length(category_why) <= 2000), -- JSON list of the customer's words
    priority_why       TEXT NOT NULL DEFAULT '[]' CHECK (length(priority_why) <= 2000),
    confidence         REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    model_name         TEXT NOT NULL,
    reply_rec_id       INTEGER REFERENCES decision_recommendations(id),
    visit_rec_id       INTEGER REFERENCES decision_recommendations(id),
    price_rec_id       INTEGER REFERENCES decision_recommendations(id),
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','applied','dismissed','superseded')),
    decided_by_user_id INTEGER,
    decided_by_name    TEXT NOT NULL DEFAULT '',
    decided_at         INTEGER,
    created_at         INTEGER NOT NULL,
    CHECK (status IN ('open','superseded') OR decided_at IS NOT NULL)
);
-- One proposal per ticket and message: a retried job does not propose twice.
CREATE UNIQUE INDEX msp_ticket_proposals_once ON msp_ticket_proposals(ticket_id, coalesce(message_id, 0));
CREATE INDEX msp_ticket_proposals_reply ON msp_ticket_proposals(reply_rec_id) WHERE reply_rec_id IS NOT NULL;

-- +goose Down
DROP TABLE msp_ticket_proposals;

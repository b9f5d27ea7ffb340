-- +goose Up
-- The business's opening hours, holidays, out-of-office period and after-hours behaviour, as one
-- validated JSON document (app/hours.Config), saved whole so a form never stores half of itself.
CREATE TABLE business_hours (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    config     TEXT NOT NULL CHECK (json_valid(config)),
    updated_at INTEGER NOT NULL
);
-- One automatic "we are closed" acknowledgement per conversation per closed period. A closed
-- period is named by the opening that ends it (Unix ms; 0 when no opening is in sight), so the
-- primary key makes a second acknowledgement in the same period impossible even for two jobs
-- racing.
CREATE TABLE after_hours_acks (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    period_opens_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, period_opens_at)
);

-- +goose Down
DROP TABLE after_hours_acks;
DROP TABLE business_hours;

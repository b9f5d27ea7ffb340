-- +goose Up
-- The notification centre (owned by the notify room): one row per person told about something in
-- this tenant. Conversation and recommendation ids are this tenant's own, so the rows live here.
-- kind is a code rendered through the catalogs; params (JSON) carries what the sentence names (the
-- customer's name, the note's first words). dedupe_key makes one event tell a person once.
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue')),
    conversation_id   INTEGER,
    recommendation_id INTEGER,
    params            TEXT NOT NULL DEFAULT '{}',
    dedupe_key        TEXT NOT NULL,
    created_at        INTEGER NOT NULL, -- unix milliseconds
    read_at           INTEGER,
    emailed_at        INTEGER,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- Who an internal note mentions (owned by the inbox room): the inbox's "mentions" filter and the
-- note's rendering read it; the note's body keeps the @username the author typed.
CREATE TABLE mentions (
    message_id      INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX mentions_user ON mentions(user_id, conversation_id);

-- +goose Down
DROP TABLE mentions;
DROP TABLE notifications;

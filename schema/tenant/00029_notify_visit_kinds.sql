-- +goose Up
-- Two notification kinds for site visits (app/visits → app/notify): visit_soon (a visit starts in
-- an hour: its assignees) and visit_answer (the customer accepted a visit or asked for another
-- time: its assignees). SQLite cannot change a CHECK in place, so the table is rebuilt as it was
-- with the wider kind list; rows and ids are kept.
DROP INDEX notifications_user;
DROP INDEX notifications_unread;
ALTER TABLE notifications RENAME TO notifications_before_visits;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue',
                                                    'visit_soon', 'visit_answer')),
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
    FROM notifications_before_visits;
DROP TABLE notifications_before_visits;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notifications_user;
DROP INDEX notifications_unread;
ALTER TABLE notifications RENAME TO notifications_with_visits;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue')),
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
    FROM notifications_with_visits WHERE kind NOT IN ('visit_soon', 'visit_answer');
DROP TABLE notifications_with_visits;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

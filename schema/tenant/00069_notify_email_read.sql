-- +goose Up
-- Two notification kinds for the e-mail channel (app/channels/email → app/notify): email_read_failing,
-- told to the owners once when reading the mailbox starts failing (a refused password, a server out
-- of reach), and email_read_recovered, once when a read works again. SQLite cannot change a CHECK in
-- place, so the table is rebuilt as it was with the wider kind list; rows and ids are kept.
DROP INDEX notifications_user;
DROP INDEX notifications_unread;
DROP INDEX notifications_email_failed;
ALTER TABLE notifications RENAME TO notifications_before_email_read;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue', 'visit_soon', 'visit_answer', 'sla_soon', 'sla_breach', 'conversion_failing', 'quote_accepted', 'quote_question', 'assigned', 'email_read_failing', 'email_read_recovered')),
    conversation_id   INTEGER,
    recommendation_id INTEGER,
    params            TEXT NOT NULL DEFAULT '{}',
    dedupe_key        TEXT NOT NULL,
    created_at        INTEGER NOT NULL, -- unix milliseconds
    read_at           INTEGER,
    emailed_at        INTEGER,
    email_failed_at   INTEGER,
    email_failure     TEXT CHECK (email_failure IN ('no_server', 'smtp')),
    UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications SELECT id, user_id, kind, conversation_id, recommendation_id, params, dedupe_key, created_at, read_at, emailed_at,
    email_failed_at, email_failure FROM notifications_before_email_read;
DROP TABLE notifications_before_email_read;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_email_failed ON notifications(user_id, email_failed_at) WHERE email_failed_at IS NOT NULL;

-- +goose Down
DROP INDEX notifications_user;
DROP INDEX notifications_unread;
DROP INDEX notifications_email_failed;
ALTER TABLE notifications RENAME TO notifications_with_email_read;
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('new_conversation', 'assigned_message', 'handoff', 'mention', 'approval', 'overdue', 'visit_soon', 'visit_answer', 'sla_soon', 'sla_breach', 'conversion_failing', 'quote_accepted', 'quote_question', 'assigned')),
    conversation_id   INTEGER,
    recommendation_id INTEGER,
    params            TEXT NOT NULL DEFAULT '{}',
    dedupe_key        TEXT NOT NULL,
    created_at        INTEGER NOT NULL, -- unix milliseconds
    read_at           INTEGER,
    emailed_at        INTEGER,
    email_failed_at   INTEGER,
    email_failure     TEXT CHECK (email_failure IN ('no_server', 'smtp')),
    UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications SELECT id, user_id, kind, conversation_id, recommendation_id, params, dedupe_key, created_at, read_at, emailed_at,
    email_failed_at, email_failure FROM notifications_with_email_read WHERE kind NOT IN ('email_read_failing', 'email_read_recovered');
DROP TABLE notifications_with_email_read;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_email_failed ON notifications(user_id, email_failed_at) WHERE email_failed_at IS NOT NULL;

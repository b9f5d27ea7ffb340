-- +goose Up
-- Photos and files of messages (app/media). The bytes live in the tenant's media database
-- (tenants/<slug>.media.db, by sha256); this row says which message a file belongs to, what it is
-- and whether it is there yet. An inbound file starts 'pending' (a media_fetch job downloads it),
-- becomes 'stored', or 'failed' (download kept failing) or 'refused' (wrong type, too large, over
-- the quota); the message itself is never lost either way. error is a code (media.err.*).
CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    conversation_id INTEGER NOT NULL,
    lead_id         INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('image','document','audio','video','sticker')),
    source_id       TEXT NOT NULL DEFAULT '',
    declared_type   TEXT NOT NULL DEFAULT '',
    filename        TEXT NOT NULL DEFAULT '',
    content_type    TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    sha256          TEXT NOT NULL DEFAULT '',
    thumb_sha256    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending','stored','failed','refused')),
    error           TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);
CREATE INDEX attachments_conversation ON attachments(conversation_id, id);
CREATE INDEX attachments_lead ON attachments(lead_id);
CREATE INDEX attachments_sha ON attachments(sha256) WHERE sha256 <> '';

-- +goose Down
DROP TABLE attachments;

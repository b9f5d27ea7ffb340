-- +goose Up
-- The mailbox's last read (app/channels/email): one row per tenant, overwritten by every read of
-- the IMAP mailbox, so the channels settings page can say when the mailbox was last read and how
-- many mails it took, or when and why the last try failed. A failure keeps the last good read's
-- time and count (ok_at, ok_count). failure is a code the page words in the viewer's language;
-- detail is the server's own words, shortened.
CREATE TABLE email_reads (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    tried_at  INTEGER NOT NULL, -- unix milliseconds of the last try
    failure   TEXT CHECK (failure IN ('unreachable', 'not_found', 'tls', 'login', 'mailbox', 'unknown')), -- NULL: it worked
    detail    TEXT NOT NULL DEFAULT '',
    ok_at     INTEGER,          -- unix milliseconds of the last good read, kept through failures
    ok_count  INTEGER NOT NULL DEFAULT 0 CHECK (ok_count >= 0),
    CHECK (failure IS NOT NULL OR ok_at = tried_at)
);

-- +goose Down
DROP TABLE email_reads;

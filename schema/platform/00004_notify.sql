-- +goose Up
-- Web Push subscriptions and notification preferences (owned by the notify room). Both belong to
-- a person, not to a tenant: one phone subscribed once hears from every tenant its user works in.
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint   TEXT NOT NULL UNIQUE CHECK (length(endpoint) BETWEEN 10 AND 2000),
    p256dh     TEXT NOT NULL CHECK (length(p256dh) BETWEEN 20 AND 200),
    auth       TEXT NOT NULL CHECK (length(auth) BETWEEN 8 AND 100),
    label      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL -- unix milliseconds
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

-- One row per person who changed anything; absent = the defaults (push on for every kind, no
-- e-mail, no quiet hours). push_kinds and email_kinds are comma-separated kind codes; quiet hours
-- are minutes after midnight in the server's time zone (start = end: none).
CREATE TABLE notify_prefs (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    push_kinds  TEXT NOT NULL,
    email_kinds TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    digest      INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1)),
    quiet_start INTEGER NOT NULL DEFAULT 0 CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end   INTEGER NOT NULL DEFAULT 0 CHECK (quiet_end BETWEEN 0 AND 1439),
    updated_at  INTEGER NOT NULL
);

-- +goose Down
DROP TABLE notify_prefs;
DROP TABLE push_subscriptions;

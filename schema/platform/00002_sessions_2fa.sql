-- +goose Up
-- Panel sign-ins kept on the server: the browser's cookie holds a random token, this table only its
-- SHA-256, so a copy of platform.db (or a backup) cannot be turned into a working cookie. Deleting a
-- row ends that sign-in at the next request.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL, -- unix milliseconds
    last_seen_at INTEGER NOT NULL, -- unix milliseconds, refreshed at most once a minute
    user_agent   TEXT NOT NULL DEFAULT '' CHECK (length(user_agent) <= 300),
    ip           TEXT NOT NULL DEFAULT '' CHECK (length(ip) <= 64),
    -- 1 while the password was right but the second factor is still to be given: such a session
    -- opens nothing in the panel.
    pending_2fa  INTEGER NOT NULL DEFAULT 0 CHECK (pending_2fa IN (0, 1)),
    -- The rest of the session (active tenant, one-time messages), gob-encoded.
    data         BLOB
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Optional second factor (TOTP, RFC 6238). The secret is needed in the clear to check codes; it is
-- set (totp_pending) when enrolment starts and becomes active (totp_enabled_at) only after the
-- first correct code. totp_last_step refuses a code that was already used.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Recovery codes: single use, stored as SHA-256 of the normalised code.
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL CHECK (length(code_hash) = 64),
    used_at    INTEGER,
    UNIQUE (user_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
DROP TABLE sessions;

-- +goose Up
-- Keyed audit chain. key_version 0 is a row from before keying: its hash is plain SHA-256 over the
-- row and the previous hash, which anyone who can write this file can recompute. A row with
-- key_version N >= 1 is hashed with HMAC-SHA256 under generation N of the tenant's audit key, which
-- lives outside this file (DATA/audit-keys/<slug>.key). Existing rows keep version 0 and keep
-- verifying; every row written from now on is keyed and chains on from the last unkeyed one.
-- (ALTER TABLE does not fire the append-only triggers.)
ALTER TABLE action_logs ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0 CHECK (key_version >= 0);

-- +goose Down
ALTER TABLE action_logs DROP COLUMN key_version;

-- +goose Up
-- The platform trail (owned by the audit room): every staff action — from the staff console or the
-- command line — on tenants, users, memberships, API keys, settings and jobs, whichever tenant it
-- touched. The tenant's own action log records the same action too; this trail is the one place
-- that lists them across tenants, and the one that keeps actions on users who belong to no tenant.
-- Append-only (triggers below) and chained like the tenant log: each row carries the SHA-256 of the
-- previous row's hash and its own fields.
CREATE TABLE platform_audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    INTEGER NOT NULL, -- unix milliseconds
    actor_user_id INTEGER,          -- NULL for the command line
    actor_name    TEXT NOT NULL CHECK (length(actor_name) BETWEEN 1 AND 64),
    via           TEXT NOT NULL CHECK (via IN ('console', 'cli')),
    tenant_slug   TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    summary       TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL DEFAULT '{}',
    prev_hash     TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash          TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
);
CREATE INDEX platform_audit_tenant ON platform_audit(tenant_slug, id);

-- +goose StatementBegin
CREATE TRIGGER platform_audit_no_update BEFORE UPDATE ON platform_audit
BEGIN
    SELECT RAISE(ABORT, 'platform_audit is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER platform_audit_no_delete BEFORE DELETE ON platform_audit
BEGIN
    SELECT RAISE(ABORT, 'platform_audit is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE platform_audit;

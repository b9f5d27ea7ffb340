-- +goose Up
-- The control database: who may log in, which tenants exist and how they are configured.
CREATE TABLE tenants (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 3 AND 63 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    niche_id       TEXT NOT NULL DEFAULT 'default',
    primary_locale TEXT NOT NULL DEFAULT 'tr' CHECK (primary_locale IN ('en', 'tr', 'de', 'fr', 'es', 'ar')),
    currency       TEXT NOT NULL DEFAULT 'TRY' CHECK (length(currency) = 3),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every other tenant setting (SPEC §1 key names) as validated key/value pairs.
CREATE TABLE tenant_settings (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 64),
    password_hash  TEXT NOT NULL,
    is_staff       INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE memberships (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'viewer')),
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX memberships_tenant ON memberships(tenant_id);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE tenant_settings;
DROP TABLE tenants;

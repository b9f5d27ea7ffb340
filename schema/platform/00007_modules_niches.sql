-- +goose Up
-- A tenant's modules (guide: 41-modules.md): a row is the owner's explicit choice for one module
-- and wins over the niche's default; a module without a row follows the niche. core and
-- conversations are always on and never stored. Turning a module off keeps its data.
CREATE TABLE tenant_modules (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    module     TEXT NOT NULL CHECK (module IN ('sales', 'construction', 'inventory', 'seasonal', 'repair', 'msp', 'conversion_tracking')),
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (tenant_id, module)
);

-- Niches defined by staff (`highvibe niche create`), chosen by tenants like the built-in ones.
-- names: JSON object language → name; vocabulary and forbidden: JSON arrays of words the assistant
-- recognises and the topics it never advises on; modules: JSON array of the default modules.
CREATE TABLE custom_niches (
    id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 2 AND 40 AND id NOT GLOB '*[^a-z0-9_]*'),
    names      TEXT NOT NULL CHECK (json_valid(names)),
    persona    TEXT NOT NULL DEFAULT '' CHECK (length(persona) <= 2000),
    vocabulary TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(vocabulary)),
    forbidden  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(forbidden)),
    modules    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(modules)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- +goose Down
DROP TABLE custom_niches;
DROP TABLE tenant_modules;

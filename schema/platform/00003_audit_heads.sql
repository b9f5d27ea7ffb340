-- +goose Up
-- The newest audit row of each tenant as last seen after a committed write (owned by the audit
-- room). It lives here, outside the tenant file, so cutting the newest rows off a tenant file (and
-- lowering sqlite_sequence) no longer goes unnoticed: `highvibe audit verify` compares the file with
-- this record. keyed_from is the first row written with the tenant's audit key; rows from there on
-- must carry a keyed hash.
CREATE TABLE audit_heads (
    tenant_slug TEXT PRIMARY KEY,
    head_id     INTEGER NOT NULL CHECK (head_id >= 1),
    head_hash   TEXT NOT NULL CHECK (length(head_hash) = 64),
    keyed_from  INTEGER,
    updated_at  INTEGER NOT NULL -- unix milliseconds
);

-- +goose Down
DROP TABLE audit_heads;

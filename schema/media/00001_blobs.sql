-- +goose Up
-- The media database of one tenant (tenants/<slug>.media.db): the bytes of photos and files,
-- content-addressed. Which message a file belongs to, its name and its state live in the tenant
-- file (attachments, schema/tenant/00026); this file only keeps bytes, once per content: two
-- customers sending the same photo store it once.
CREATE TABLE blobs (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    size         INTEGER NOT NULL CHECK (size >= 0),
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);

-- Secrets of the media room kept with the bytes they protect: the key that signs the short-lived
-- links a widget visitor opens their own photos with.
CREATE TABLE media_keys (
    name       TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE media_keys;
DROP TABLE blobs;

-- +goose Up
-- Files the business keeps for itself rather than a message carrying them: the logo printed on
-- its quotes. A name points at a blob; the sweep that removes bytes nobody names (after an
-- erasure) keeps pinned ones.
CREATE TABLE pins (
    name         TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    content_type TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE pins;

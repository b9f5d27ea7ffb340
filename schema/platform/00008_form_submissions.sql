-- +goose Up
-- One-time form tokens of the staff console (app/web/formonce.go): the tenant panel keeps its
-- forms' tokens in each tenant's database; a console form that creates a tenant writes where the
-- platform does, in the same transaction as the tenant's row, so a second post of the same form
-- is answered as the first was instead of being refused as a taken slug. Times are Unix
-- milliseconds (UTC); rows older than a day are of no more use.
CREATE TABLE form_submissions (
    token      TEXT PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
    form       TEXT NOT NULL,              -- the path the form was posted to
    record_id  INTEGER NOT NULL DEFAULT 0, -- the record the first post created
    target     TEXT NOT NULL CHECK (substr(target, 1, 1) = '/'), -- where the first answer led
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX form_submissions_created ON form_submissions (created_at);

-- +goose Down
DROP TABLE form_submissions;

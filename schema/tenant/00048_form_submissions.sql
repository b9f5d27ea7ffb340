-- +goose Up
-- One-time form tokens (app/web/formonce.go, guide 01-getting-started / the create forms): every
-- panel form that creates a record carries a token made when the form was shown. The room that
-- creates the record writes the token here in the same transaction, with where the first answer
-- led (the new record's id and the page the browser was sent to), so a second post of the same
-- form (a double click, a phone resending after a timeout) creates nothing and is answered as the
-- first was. The retention job deletes rows older than a day. Times are Unix milliseconds (UTC).
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

-- +goose Up
-- Every run of `highvibe backup check` (app/platform): when, whether every database restored and
-- matched, and per database what was found, so the backups page can say when the backups were
-- last proven and how. Times are Unix milliseconds (UTC).
CREATE TABLE backup_checks (
    id        INTEGER PRIMARY KEY,
    ran_at    INTEGER NOT NULL,
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    databases INTEGER NOT NULL CHECK (databases >= 0),
    failing   INTEGER NOT NULL CHECK (failing >= 0)
);
CREATE INDEX backup_checks_ran ON backup_checks (ran_at);

-- One database of a run: the platform's own, a tenant's records or a tenant's files.
CREATE TABLE backup_check_databases (
    check_id    INTEGER NOT NULL REFERENCES backup_checks(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('platform', 'tenant', 'media')),
    slug        TEXT NOT NULL DEFAULT '',   -- the tenant ('' for the platform)
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    integrity   TEXT NOT NULL DEFAULT '',   -- 'ok', what integrity_check said, or '' when the copy was never restored
    diffs       TEXT NOT NULL DEFAULT '',   -- tables whose row counts differ, '; '-separated
    in_flight   INTEGER NOT NULL DEFAULT 0 CHECK (in_flight IN (0, 1)), -- the differences are rows still on their way
    lag_ms      INTEGER NOT NULL DEFAULT 0, -- how much later the live file changed than the replica
    problems    TEXT NOT NULL DEFAULT '',   -- what made it fail, '; '-separated (English, for whoever runs the server)
    PRIMARY KEY (check_id, kind, slug)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE backup_check_databases;
DROP TABLE backup_checks;

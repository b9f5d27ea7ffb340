-- +goose Up
-- Reopening a month closed for billing (app/msp, guide 44-msp-contracts-and-time.md). A month's
-- time closes at the end of day 5 of the next month; an owner who finds a mistake in it reopens
-- it with a reason, corrects the time and closes it again. One row per reopening: the open one
-- has no closed_at, and at most one is open per month (the unique index). The rows stay as the
-- month's history; the action log records the same events.
-- Times are Unix milliseconds (UTC); months are YYYY-MM in the tenant's zone.
CREATE TABLE msp_month_reopens (
    id               INTEGER PRIMARY KEY,
    month            TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    reason           TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 1000),
    reopened_by      INTEGER NOT NULL,
    reopened_by_name TEXT NOT NULL,
    reopened_at      INTEGER NOT NULL,
    closed_by        INTEGER,
    closed_by_name   TEXT,
    closed_at        INTEGER,
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
CREATE UNIQUE INDEX msp_month_reopens_open ON msp_month_reopens(month) WHERE closed_at IS NULL;
CREATE INDEX msp_month_reopens_month ON msp_month_reopens(month, id);

-- The billing exports made of a month's time (the timesheet's CSV/XLSX export): how often, and
-- the last one. An owner reopening a month is warned that what was made from them (invoices,
-- the client's statement) must be issued again.
CREATE TABLE msp_month_exports (
    month        TEXT PRIMARY KEY CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    times        INTEGER NOT NULL CHECK (times >= 1),
    first_at     INTEGER NOT NULL,
    last_at      INTEGER NOT NULL,
    last_by_name TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE msp_month_exports;
DROP INDEX msp_month_reopens_month;
DROP INDEX msp_month_reopens_open;
DROP TABLE msp_month_reopens;

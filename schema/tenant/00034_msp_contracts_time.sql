-- +goose Up
-- The MSP module's contracts and time entries (app/msp, guide 44-msp-contracts-and-time.md).
-- Times are Unix milliseconds (UTC), shown in the tenant's zone; calendar days (a contract's start
-- and end, the day an entry counts for) are YYYY-MM-DD in the tenant's zone. Users live in
-- platform.db, so they are kept by id (and the name they had) without a foreign key.

-- A client's contract: a managed service (a monthly fee with hours included), a block of hours
-- (hours included per month, billed as a block) or per incident (no hours included). Its status
-- (scheduled, active, ending soon, ended) is derived from the days, never stored. Ending a
-- contract early moves ends_on to that day and stamps ended_at.
CREATE TABLE msp_contracts (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES msp_clients(id),
    kind            TEXT NOT NULL CHECK (kind IN ('managed','block','per_incident')),
    starts_on       TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    ends_on         TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND ends_on >= starts_on),
    monthly_minutes INTEGER NOT NULL DEFAULT 0 CHECK (monthly_minutes BETWEEN 0 AND 744 * 60),
    price_cents     INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    currency        TEXT NOT NULL DEFAULT 'TRY' CHECK (currency IN ('TRY','EUR','USD','GBP')),
    notes           TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    ended_at        INTEGER,          -- ended early by the owner
    ended_by_name   TEXT NOT NULL DEFAULT '',
    renewal_for     TEXT NOT NULL DEFAULT '', -- the end day a renewal recommendation was raised for (once per end day)
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX msp_contracts_client ON msp_contracts(client_id, ends_on);

-- What a contract covers: some of its client's sites and devices.
CREATE TABLE msp_contract_sites (
    contract_id INTEGER NOT NULL REFERENCES msp_contracts(id),
    site_id     INTEGER NOT NULL REFERENCES msp_sites(id),
    PRIMARY KEY (contract_id, site_id)
) WITHOUT ROWID;
CREATE TABLE msp_contract_devices (
    contract_id INTEGER NOT NULL REFERENCES msp_contracts(id),
    device_id   INTEGER NOT NULL REFERENCES msp_devices(id),
    PRIMARY KEY (contract_id, device_id)
) WITHOUT ROWID;

-- Time worked: on a ticket (its client copied here) or for a client without a ticket. work_day is
-- the day (tenant's zone) the time counts for in timesheets and against a contract's month;
-- started_at/ended_at are kept when the time was clocked (a timer, or a start and end typed in).
CREATE TABLE msp_time_entries (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER REFERENCES msp_tickets(id),
    client_id  INTEGER REFERENCES msp_clients(id),
    user_id    INTEGER NOT NULL,
    user_name  TEXT NOT NULL DEFAULT '',
    work_day   TEXT NOT NULL CHECK (work_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    started_at INTEGER,
    ended_at   INTEGER,
    minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    billable   INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0,1)),
    note       TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (ticket_id IS NOT NULL OR client_id IS NOT NULL),
    CHECK (started_at IS NULL OR ended_at IS NULL OR ended_at > started_at)
);
CREATE INDEX msp_time_entries_user ON msp_time_entries(user_id, work_day);
CREATE INDEX msp_time_entries_client ON msp_time_entries(client_id, work_day) WHERE client_id IS NOT NULL;
CREATE INDEX msp_time_entries_ticket ON msp_time_entries(ticket_id) WHERE ticket_id IS NOT NULL;

-- A running timer: at most one per person (the key); stopping it writes a time entry.
CREATE TABLE msp_timers (
    user_id    INTEGER PRIMARY KEY,
    user_name  TEXT NOT NULL DEFAULT '',
    ticket_id  INTEGER REFERENCES msp_tickets(id),
    client_id  INTEGER REFERENCES msp_clients(id),
    started_at INTEGER NOT NULL,
    billable   INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0,1)),
    note       TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    CHECK (ticket_id IS NOT NULL OR client_id IS NOT NULL)
);

-- +goose Down
DROP TABLE msp_timers;
DROP TABLE msp_time_entries;
DROP TABLE msp_contract_devices;
DROP TABLE msp_contract_sites;
DROP TABLE msp_contracts;

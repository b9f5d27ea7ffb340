-- +goose Up
-- The MSP module (app/msp, guide 42-msp-tickets.md): an IT service provider's clients, their
-- sites and devices, and tickets with a timeline. Times are Unix milliseconds (UTC), shown in the
-- tenant's zone. Users (assignees, authors) live in platform.db, so they are kept by id without a
-- foreign key. A client is a CRM customer (customers, app/crm) with the MSP's own fields beside it.

CREATE TABLE msp_clients (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL UNIQUE REFERENCES customers(id),
    contact_name        TEXT NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
    contact_phone       TEXT NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 40),
    contact_email       TEXT NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
    notes               TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

CREATE TABLE msp_sites (
    id            INTEGER PRIMARY KEY,
    client_id     INTEGER NOT NULL REFERENCES msp_clients(id),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address       TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    access_notes  TEXT NOT NULL DEFAULT '' CHECK (length(access_notes) <= 2000),
    contact_name  TEXT NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
    contact_phone TEXT NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 40),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX msp_sites_client ON msp_sites(client_id, name);

CREATE TABLE msp_devices (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES msp_clients(id),
    site_id      INTEGER REFERENCES msp_sites(id),
    kind         TEXT NOT NULL CHECK (kind IN ('desktop','laptop','server','network','printer','phone','storage','other')),
    name         TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    make         TEXT NOT NULL DEFAULT '' CHECK (length(make) <= 100),
    model        TEXT NOT NULL DEFAULT '' CHECK (length(model) <= 100),
    serial       TEXT NOT NULL DEFAULT '' CHECK (length(serial) <= 100),
    warranty_end TEXT NOT NULL DEFAULT '' CHECK (warranty_end = '' OR warranty_end GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    notes        TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX msp_devices_client ON msp_devices(client_id, id);
CREATE INDEX msp_devices_site ON msp_devices(site_id) WHERE site_id IS NOT NULL;
-- A serial number names one device of the tenant (an import that repeats one updates it).
CREATE UNIQUE INDEX msp_devices_serial ON msp_devices(serial) WHERE serial <> '';

-- The tenant's last ticket number: allocated by UPDATE … RETURNING inside the ticket's own
-- transaction, so a rolled-back ticket gives its number back (no gaps) and two writers cannot
-- take the same one (SQLite has one writer; the UNIQUE below is the second lock).
CREATE TABLE msp_ticket_numbers (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO msp_ticket_numbers(id, last) VALUES (1, 0);

CREATE TABLE msp_tickets (
    id               INTEGER PRIMARY KEY,
    number           INTEGER NOT NULL UNIQUE CHECK (number > 0),
    subject          TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    description      TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 8000),
    client_id        INTEGER REFERENCES msp_clients(id),
    site_id          INTEGER REFERENCES msp_sites(id),
    device_id        INTEGER REFERENCES msp_devices(id),
    lead_id          INTEGER REFERENCES leads(id),
    conversation_id  INTEGER REFERENCES conversations(id),
    category         TEXT NOT NULL DEFAULT 'other'
                     CHECK (category IN ('hardware','software','network','email','account','security','printing','backup','other')),
    priority         TEXT NOT NULL DEFAULT 'p3' CHECK (priority IN ('p1','p2','p3','p4')),
    status           TEXT NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new','open','waiting_customer','waiting_third_party','resolved','closed')),
    assignee_user_id INTEGER,
    created_by_name  TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    status_at        INTEGER NOT NULL, -- when the status last changed
    resolved_at      INTEGER,
    closed_at        INTEGER
);
-- The list pages newest first (keyset on id) under each filter.
CREATE INDEX msp_tickets_status ON msp_tickets(status, id);
CREATE INDEX msp_tickets_priority ON msp_tickets(priority, id);
CREATE INDEX msp_tickets_client ON msp_tickets(client_id, id) WHERE client_id IS NOT NULL;
CREATE INDEX msp_tickets_assignee ON msp_tickets(assignee_user_id, id) WHERE assignee_user_id IS NOT NULL;
CREATE INDEX msp_tickets_conversation ON msp_tickets(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX msp_tickets_device ON msp_tickets(device_id) WHERE device_id IS NOT NULL;

-- A ticket's timeline: created, status changes, assignments, priority changes, internal notes,
-- public replies (the message the inbox sent: message_id) and links to conversations.
CREATE TABLE msp_ticket_events (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES msp_tickets(id),
    kind          TEXT NOT NULL CHECK (kind IN ('created','status','assigned','priority','note','reply','linked','edited')),
    from_value    TEXT NOT NULL DEFAULT '',
    to_value      TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 8000),
    message_id    INTEGER,
    actor_user_id INTEGER,
    actor_name    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX msp_ticket_events_ticket ON msp_ticket_events(ticket_id, id);

-- +goose Down
DROP TABLE msp_ticket_events;
DROP TABLE msp_tickets;
DROP TABLE msp_ticket_numbers;
DROP TABLE msp_devices;
DROP TABLE msp_sites;
DROP TABLE msp_clients;

-- +goose Up
-- The MSP ticket list at 100,000 tickets (app/msp list_bench_test.go).
-- A client's open tickets are counted on the clients page from (client_id, status) without
-- reading the client's closed ones.
CREATE INDEX msp_tickets_client_status ON msp_tickets(client_id, status) WHERE client_id IS NOT NULL;
-- The list's default view (tickets still open), newest first, straight from an index of the open
-- ones: the WHERE below is written exactly as app/msp's Filter writes it.
CREATE INDEX msp_tickets_active ON msp_tickets(id) WHERE status IN ('new','open','waiting_customer','waiting_third_party');

-- The list's word search: subject and description in a trigram index (any part of a word, three
-- letters or more), kept in step with msp_tickets by the triggers below.
CREATE VIRTUAL TABLE msp_ticket_search USING fts5(subject, description, content='msp_tickets', content_rowid='id', tokenize='trigram');
INSERT INTO msp_ticket_search(msp_ticket_search) VALUES('rebuild');
-- +goose StatementBegin
CREATE TRIGGER msp_ticket_search_ai AFTER INSERT ON msp_tickets BEGIN
    INSERT INTO msp_ticket_search(rowid, subject, description) VALUES (new.id, new.subject, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER msp_ticket_search_ad AFTER DELETE ON msp_tickets BEGIN
    INSERT INTO msp_ticket_search(msp_ticket_search, rowid, subject, description) VALUES ('delete', old.id, old.subject, old.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER msp_ticket_search_au AFTER UPDATE OF subject, description ON msp_tickets BEGIN
    INSERT INTO msp_ticket_search(msp_ticket_search, rowid, subject, description) VALUES ('delete', old.id, old.subject, old.description);
    INSERT INTO msp_ticket_search(rowid, subject, description) VALUES (new.id, new.subject, new.description);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER msp_ticket_search_au;
DROP TRIGGER msp_ticket_search_ad;
DROP TRIGGER msp_ticket_search_ai;
DROP TABLE msp_ticket_search;
DROP INDEX msp_tickets_active;
DROP INDEX msp_tickets_client_status;

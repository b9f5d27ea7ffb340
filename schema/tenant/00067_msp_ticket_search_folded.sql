-- +goose Up
-- The ticket list's word search of three letters or more read a trigram index of the subject and
-- description as typed: the trigram tokenizer folds ASCII case only, so "istanbul" missed
-- "İstanbul" and "cavus" missed "Çavuş", while the shorter search and every other list fold case
-- and Turkish letters. The index now holds the folded text (hv_fold, app/fold: the same alphabet
-- as the query), rebuilt here from every ticket. It keeps no copy of the text (contentless; the
-- list joins msp_tickets for the columns), and a ticket's entry is deleted by its id.
DROP TRIGGER msp_ticket_search_au;
DROP TRIGGER msp_ticket_search_ad;
DROP TRIGGER msp_ticket_search_ai;
DROP TABLE msp_ticket_search;
CREATE VIRTUAL TABLE msp_ticket_search USING fts5(subject, description, content='', contentless_delete=1, tokenize='trigram');
INSERT INTO msp_ticket_search(rowid, subject, description) SELECT id, hv_fold(subject), hv_fold(description) FROM msp_tickets;
-- +goose StatementBegin
CREATE TRIGGER msp_ticket_search_ai AFTER INSERT ON msp_tickets BEGIN
    INSERT INTO msp_ticket_search(rowid, subject, description) VALUES (new.id, hv_fold(new.subject), hv_fold(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER msp_ticket_search_ad AFTER DELETE ON msp_tickets BEGIN
    DELETE FROM msp_ticket_search WHERE rowid = old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER msp_ticket_search_au AFTER UPDATE OF subject, description ON msp_tickets BEGIN
    DELETE FROM msp_ticket_search WHERE rowid = old.id;
    INSERT INTO msp_ticket_search(rowid, subject, description) VALUES (new.id, hv_fold(new.subject), hv_fold(new.description));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER msp_ticket_search_au;
DROP TRIGGER msp_ticket_search_ad;
DROP TRIGGER msp_ticket_search_ai;
DROP TABLE msp_ticket_search;
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

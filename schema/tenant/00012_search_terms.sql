-- +goose Up
-- The words of the inbox search index, one row per distinct folded term. The last word a person
-- types is a prefix ("mutfak" also finds "mutfakta"); FTS5 answers a prefix by merging the lists of
-- every word that starts with it, which is cheap once but far too slow to repeat for each
-- conversation the list walks. This table turns the prefix into the few whole words it stands for
-- with one index range read, so a broad search can be checked one conversation at a time.
-- Words are only ever added (a word that no longer occurs simply matches nothing).
CREATE TABLE search_terms(term TEXT PRIMARY KEY) WITHOUT ROWID;

-- Fill it from the terms already in the index.
CREATE VIRTUAL TABLE search_terms_fill USING fts5vocab(conversation_search, 'row');
INSERT INTO search_terms(term) SELECT term FROM search_terms_fill;
DROP TABLE search_terms_fill;

-- +goose Down
DROP TABLE search_terms;

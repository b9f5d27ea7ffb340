-- +goose Up
-- Every customer message rewrites the entry of its conversation in each index that names a column
-- the ingest UPDATE sets, and of its lead in each index on leads.updated_at: each rewrite is pages
-- written to the WAL, copied by Litestream and checkpointed back. Two of them serve no query.
--
-- The "unread" list, counter and badge (unreadWaiting: unread_count > 0 AND state NOT IN
-- ('won','lost')) are read through conversations_open_last, which SQLite prefers for that
-- condition; conversations_unread was written on every message and read by nothing.
DROP INDEX conversations_unread;
-- The leads board, list and counts all name merged_into first and are read through leads_board,
-- leads_stage_value and leads_stage_at (00045, 00056); the first schema's (stage, updated_at)
-- index was left behind and moved with every message of a known customer.
DROP INDEX leads_stage;

-- +goose Down
CREATE INDEX leads_stage ON leads(stage, updated_at);
CREATE INDEX conversations_unread ON conversations(last_message_at DESC, id DESC) WHERE unread_count > 0;

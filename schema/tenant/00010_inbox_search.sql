-- +goose Up
-- Inbox search: one document per conversation, holding FOLDED text computed in Go (Turkish-aware
-- lower-casing, diacritics removed, phones as digit strings and national-number suffixes). The
-- rowid is the conversation id. Contentless: the conversations and messages tables hold the text.
CREATE VIRTUAL TABLE conversation_search USING fts5(doc, content='', contentless_delete=1);

-- Indexes for the inbox list's filters and keyset orders (SPEC §14: p95 ≤ 25 ms at 100k rows).
CREATE INDEX conversations_assigned ON conversations(assigned_user_id, last_message_at DESC, id DESC) WHERE assigned_user_id IS NOT NULL;
CREATE INDEX conversations_unread ON conversations(last_message_at DESC, id DESC) WHERE unread_count > 0;
CREATE INDEX conversations_channel_last ON conversations(channel, last_message_at DESC, id DESC);
CREATE INDEX conversations_urgency ON conversations(coalesce(urgency_score, -1) DESC, last_message_at DESC, id DESC);
CREATE INDEX conversations_waiting ON conversations(coalesce(waiting_since, 9223372036854775807), id);
CREATE INDEX conversations_open_last ON conversations(last_message_at DESC, id DESC) WHERE state NOT IN ('won','lost');
CREATE INDEX messages_inbound_created ON messages(created_at) WHERE direction = 'inbound';

-- +goose Down
DROP INDEX messages_inbound_created;
DROP INDEX conversations_open_last;
DROP INDEX conversations_waiting;
DROP INDEX conversations_urgency;
DROP INDEX conversations_channel_last;
DROP INDEX conversations_unread;
DROP INDEX conversations_assigned;
DROP TABLE conversation_search;

-- +goose Up
-- Conversations whose search document waits to be rebuilt (app/inbox, Service.IndexPending).
-- A batch of inbound messages (a webhook's group commit) no longer rebuilds each touched
-- conversation's document (up to 64 KB) in the transaction that acknowledges the messages: it
-- records the conversation here, with the first message the document does not hold yet, and the
-- customer-lane job inbox_search rebuilds every waiting document once, however many messages
-- arrived meanwhile. The row commits with the messages, so a crash loses no pending rebuild.
CREATE TABLE search_pending (
    conversation_id INTEGER PRIMARY KEY,
    from_message_id INTEGER NOT NULL -- the oldest message not yet in the document
);

-- +goose Down
DROP TABLE search_pending;

-- +goose Up
-- Inbox list indexes, second round (SPEC §14: p95 ≤ 25 ms at 100k conversations). Each list
-- filter gets an index whose order is the page order (last_message_at DESC, id DESC), so a page
-- is read straight off the index and the keyset cursor seeks into it, without sorting.

-- State filter: the 00001 index lacked id, which made every page sort its ties.
CREATE INDEX conversations_state_last ON conversations(state, last_message_at DESC, id DESC);
DROP INDEX conversations_state;

-- Handoff filter and counter: the 00001 partial index lacked id.
CREATE INDEX conversations_handoff_last ON conversations(last_message_at DESC, id DESC) WHERE handoff_required = 1;
DROP INDEX conversations_handoff;

-- Unassigned filter.
CREATE INDEX conversations_unassigned_last ON conversations(last_message_at DESC, id DESC) WHERE assigned_user_id IS NULL;

-- +goose Down
DROP INDEX conversations_unassigned_last;
DROP INDEX conversations_handoff_last;
CREATE INDEX conversations_handoff ON conversations(last_message_at DESC) WHERE handoff_required = 1;
DROP INDEX conversations_state_last;
CREATE INDEX conversations_state ON conversations(state, last_message_at DESC);

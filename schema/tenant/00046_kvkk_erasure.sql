-- +goose Up
-- Erasing a person (a data subject's request under KVKK; guide: 49-exports-and-kvkk.md) must reach
-- rows the schema otherwise keeps frozen: a decided recommendation's draft, a sent quote's customer
-- name, an action-log row's excerpts. kvkk_erasing holds one row only inside an erasure's own
-- transaction (the kvkk room inserts it first and deletes it before the commit), and the
-- immutability triggers below yield only while it does — to every other writer nothing changed.
CREATE TABLE kvkk_erasing (id INTEGER PRIMARY KEY CHECK (id = 1));

-- The action log: an erased person's words in a row are replaced, and the row is marked with the
-- id of the erasure's own log row (redacted_by), which lists every row it redacted. Its hash is
-- kept, so the chain still links; `audit verify` accepts the changed content of a row only when a
-- later, intact erasure row vouches for it. Nothing else of a row may ever change, and a row is
-- never deleted.
ALTER TABLE action_logs ADD COLUMN redacted_by INTEGER;
DROP TRIGGER action_logs_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_logs_no_update BEFORE UPDATE ON action_logs
WHEN NOT EXISTS (SELECT 1 FROM kvkk_erasing)
    OR NEW.redacted_by IS NULL OR NEW.redacted_by <= NEW.id
    OR NEW.id IS NOT OLD.id OR NEW.provider IS NOT OLD.provider OR NEW.action_type IS NOT OLD.action_type
    OR NEW.status IS NOT OLD.status OR NEW.model_name IS NOT OLD.model_name OR NEW.actor_user_id IS NOT OLD.actor_user_id
    OR NEW.actor_name IS NOT OLD.actor_name OR NEW.conversation_id IS NOT OLD.conversation_id
    OR NEW.created_at IS NOT OLD.created_at OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
    OR NEW.key_version IS NOT OLD.key_version
BEGIN
    SELECT RAISE(ABORT, 'action_logs is append-only');
END;
-- +goose StatementEnd

DROP TRIGGER recs_decided_immutable;
-- +goose StatementBegin
CREATE TRIGGER recs_decided_immutable BEFORE UPDATE OF id, lead_id, conversation_id, snapshot_id, title, summary,
    recommended_action, draft_reply, priority, confidence, action_type, status, dedupe_key, model_name,
    decided_by_user_id, decided_by_name, decided_at, decision_reason, created_at, updated_at
ON decision_recommendations
WHEN OLD.status IN ('approved','rejected','executed') AND NOT EXISTS (SELECT 1 FROM kvkk_erasing)
BEGIN
    SELECT RAISE(ABORT, 'decision_recommendations: a decided recommendation is immutable');
END;
-- +goose StatementEnd

DROP TRIGGER quote_lines_frozen_update;
-- +goose StatementBegin
CREATE TRIGGER quote_lines_frozen_update BEFORE UPDATE ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = OLD.quote_id) NOT IN ('draft','pending','rejected') AND NOT EXISTS (SELECT 1 FROM kvkk_erasing)
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
-- +goose StatementEnd
DROP TRIGGER quotes_frozen;
-- +goose StatementBegin
CREATE TRIGGER quotes_frozen BEFORE UPDATE OF currency, language, valid_until, payment_text, warranty_text, note,
    subtotal, discount_total, net_total, vat_total, grand_total, customer_name ON quotes
WHEN OLD.status NOT IN ('draft','pending','rejected') AND NOT EXISTS (SELECT 1 FROM kvkk_erasing)
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER quotes_frozen;
-- +goose StatementBegin
CREATE TRIGGER quotes_frozen BEFORE UPDATE OF currency, language, valid_until, payment_text, warranty_text, note,
    subtotal, discount_total, net_total, vat_total, grand_total, customer_name ON quotes
WHEN OLD.status NOT IN ('draft','pending','rejected')
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
-- +goose StatementEnd
DROP TRIGGER quote_lines_frozen_update;
-- +goose StatementBegin
CREATE TRIGGER quote_lines_frozen_update BEFORE UPDATE ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = OLD.quote_id) NOT IN ('draft','pending','rejected')
BEGIN SELECT RAISE(ABORT, 'quote revision is frozen'); END;
-- +goose StatementEnd
DROP TRIGGER recs_decided_immutable;
-- +goose StatementBegin
CREATE TRIGGER recs_decided_immutable BEFORE UPDATE OF id, lead_id, conversation_id, snapshot_id, title, summary,
    recommended_action, draft_reply, priority, confidence, action_type, status, dedupe_key, model_name,
    decided_by_user_id, decided_by_name, decided_at, decision_reason, created_at, updated_at
ON decision_recommendations
WHEN OLD.status IN ('approved','rejected','executed')
BEGIN
    SELECT RAISE(ABORT, 'decision_recommendations: a decided recommendation is immutable');
END;
-- +goose StatementEnd
DROP TRIGGER action_logs_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_logs_no_update BEFORE UPDATE ON action_logs
BEGIN
    SELECT RAISE(ABORT, 'action_logs is append-only');
END;
-- +goose StatementEnd
ALTER TABLE action_logs DROP COLUMN redacted_by;
DROP TABLE kvkk_erasing;

-- +goose Up
-- "Was this approved draft sent?" is the recommendation's own state, not a question for the audit
-- trail: sent_message_id is the outbound message the draft became (0 when it was sent before this
-- column existed and its log names no message). It is set once, only on an approved
-- recommendation; the triggers below keep everything else of a decided recommendation immutable.
ALTER TABLE decision_recommendations ADD COLUMN sent_message_id INTEGER;

-- The immutability trigger now names the columns it guards, so that recording the send is the one
-- change a decided recommendation still takes. A column added later must be added to this list.
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
-- +goose StatementBegin
CREATE TRIGGER recs_sent_once BEFORE UPDATE OF sent_message_id ON decision_recommendations
WHEN OLD.sent_message_id IS NOT NULL OR OLD.status <> 'approved' OR NEW.sent_message_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'decision_recommendations: a draft is sent once, and only when approved');
END;
-- +goose StatementEnd

-- Drafts already sent, from the approval queue's draft_sent log rows (the first one of each).
UPDATE decision_recommendations
   SET sent_message_id = (SELECT coalesce(json_extract(a.payload, '$.message_id'), 0) FROM action_logs a
                           WHERE a.provider = 'approval_queue' AND a.action_type = 'draft_sent'
                             AND json_extract(a.payload, '$.recommendation_id') = decision_recommendations.id
                           ORDER BY a.id LIMIT 1)
 WHERE status = 'approved'
   AND EXISTS (SELECT 1 FROM action_logs a
                WHERE a.provider = 'approval_queue' AND a.action_type = 'draft_sent'
                  AND json_extract(a.payload, '$.recommendation_id') = decision_recommendations.id);

-- +goose Down
DROP TRIGGER recs_sent_once;
DROP TRIGGER recs_decided_immutable;
-- +goose StatementBegin
CREATE TRIGGER recs_decided_immutable BEFORE UPDATE ON decision_recommendations
WHEN OLD.status IN ('approved','rejected','executed')
BEGIN
    SELECT RAISE(ABORT, 'decision_recommendations: a decided recommendation is immutable');
END;
-- +goose StatementEnd
ALTER TABLE decision_recommendations DROP COLUMN sent_message_id;

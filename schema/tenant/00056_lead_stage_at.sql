-- +goose Up
-- When a lead came to its stage (Unix ms): the pipeline board's Won and Lost columns count the
-- leads won or lost in their last 30 days by it (app/leads; guide 48-leads-and-pipeline.md). They
-- counted by updated_at, which every message of the person and every edit moves, so a sale of two
-- months ago came back into Won, value and all, when its customer wrote again. The triggers keep
-- it whoever writes the stage (a conversation's state, the board, an import, a merge): it takes the
-- row's updated_at when the stage changes or the lead is made. Leads stored before take their
-- updated_at, the nearest time kept: the moment a stage was reached was not recorded.
ALTER TABLE leads ADD COLUMN stage_at INTEGER NOT NULL DEFAULT 0;
UPDATE leads SET stage_at = updated_at;
CREATE INDEX leads_stage_at ON leads(stage, stage_at DESC, id DESC) WHERE merged_into IS NULL;

-- +goose StatementBegin
CREATE TRIGGER leads_stage_at_insert AFTER INSERT ON leads
WHEN NEW.stage_at = 0
BEGIN
    UPDATE leads SET stage_at = NEW.updated_at WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leads_stage_at_update AFTER UPDATE OF stage ON leads
WHEN NEW.stage IS NOT OLD.stage
BEGIN
    UPDATE leads SET stage_at = NEW.updated_at WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER leads_stage_at_update;
DROP TRIGGER leads_stage_at_insert;
DROP INDEX leads_stage_at;
ALTER TABLE leads DROP COLUMN stage_at;

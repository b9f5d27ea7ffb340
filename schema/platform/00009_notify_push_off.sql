-- +goose Up
-- The kinds a person turned OFF for the phone, comma-separated (app/notify). push_kinds listed the
-- kinds turned on, so every kind added after a person first saved their notification settings
-- (site visits, SLA warnings and breaches) reached nobody's phone who had ever saved them — a quiet
-- hours change was enough — while their settings page showed the new lines unticked as if they had
-- chosen so. Now a kind is on for the phone unless the person turned it off. push_kinds is still
-- written (the kinds on when saved) but no longer read.
ALTER TABLE notify_prefs ADD COLUMN push_off TEXT NOT NULL DEFAULT '';

-- Existing rows: a kind of the first six missing from push_kinds was turned off. A kind added
-- later counts as turned off only when the row was saved while it existed, i.e. when push_kinds
-- names the other kind that came with it; otherwise the person never saw it, and it is on.
UPDATE notify_prefs SET push_off = trim(
       CASE WHEN instr(',' || push_kinds || ',', ',new_conversation,') = 0 THEN 'new_conversation,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',assigned_message,') = 0 THEN 'assigned_message,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',handoff,') = 0 THEN 'handoff,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',mention,') = 0 THEN 'mention,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',approval,') = 0 THEN 'approval,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',overdue,') = 0 THEN 'overdue,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',visit_soon,') = 0 AND instr(',' || push_kinds || ',', ',visit_answer,') > 0
            THEN 'visit_soon,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',visit_answer,') = 0 AND instr(',' || push_kinds || ',', ',visit_soon,') > 0
            THEN 'visit_answer,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',sla_soon,') = 0 AND instr(',' || push_kinds || ',', ',sla_breach,') > 0
            THEN 'sla_soon,' ELSE '' END
    || CASE WHEN instr(',' || push_kinds || ',', ',sla_breach,') = 0 AND instr(',' || push_kinds || ',', ',sla_soon,') > 0
            THEN 'sla_breach,' ELSE '' END, ',');

-- +goose Down
ALTER TABLE notify_prefs DROP COLUMN push_off;

-- +goose Up
-- The SLA targets a ticket was resolved (or closed) under, in minutes (app/msp sla.go, guide
-- 43-sla.md): a resolved ticket keeps its outcome when its policy's targets change later, as
-- open tickets follow the new ones. NULL while the ticket is open (its policy's targets for its
-- priority count); reopening clears them.
ALTER TABLE msp_ticket_sla ADD COLUMN response_target_min INTEGER CHECK (response_target_min BETWEEN 0 AND 525600);
ALTER TABLE msp_ticket_sla ADD COLUMN resolution_target_min INTEGER CHECK (resolution_target_min BETWEEN 0 AND 525600);
-- The tickets resolved before keep the targets their policy has now.
UPDATE msp_ticket_sla SET
    response_target_min = (SELECT CASE t.priority WHEN 'p1' THEN p.p1_response_min WHEN 'p2' THEN p.p2_response_min
        WHEN 'p3' THEN p.p3_response_min ELSE p.p4_response_min END
        FROM msp_tickets t JOIN msp_sla_policies p ON p.id = msp_ticket_sla.policy_id WHERE t.id = msp_ticket_sla.ticket_id),
    resolution_target_min = (SELECT CASE t.priority WHEN 'p1' THEN p.p1_resolution_min WHEN 'p2' THEN p.p2_resolution_min
        WHEN 'p3' THEN p.p3_resolution_min ELSE p.p4_resolution_min END
        FROM msp_tickets t JOIN msp_sla_policies p ON p.id = msp_ticket_sla.policy_id WHERE t.id = msp_ticket_sla.ticket_id)
WHERE resolved_at IS NOT NULL;

-- +goose Down
ALTER TABLE msp_ticket_sla DROP COLUMN resolution_target_min;
ALTER TABLE msp_ticket_sla DROP COLUMN response_target_min;

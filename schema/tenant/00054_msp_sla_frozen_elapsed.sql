-- +goose Up
-- The business time a resolved (or closed) ticket used up to its first response and up to its
-- resolution, in milliseconds, counted in the business hours of the moment it was resolved (app/msp
-- sla.go, guide 43-sla.md): with the targets of 00053 it keeps the ticket's outcome and the
-- monthly figures when the business hours, closed days or holidays change later, as open tickets
-- follow the new ones. NULL while the ticket is open; reopening clears them.
-- The tickets resolved before are left NULL: the hours they were resolved under are not kept
-- anywhere, and counting business time (weekly hours, holidays, time zone) is not done in SQL;
-- they are counted in the business hours of now, as before.
ALTER TABLE msp_ticket_sla ADD COLUMN response_elapsed_ms INTEGER CHECK (response_elapsed_ms >= 0);
ALTER TABLE msp_ticket_sla ADD COLUMN resolution_elapsed_ms INTEGER CHECK (resolution_elapsed_ms >= 0);

-- +goose Down
ALTER TABLE msp_ticket_sla DROP COLUMN resolution_elapsed_ms;
ALTER TABLE msp_ticket_sla DROP COLUMN response_elapsed_ms;

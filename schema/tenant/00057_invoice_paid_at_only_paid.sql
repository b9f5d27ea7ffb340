-- +goose Up
-- An invoice that is not paid has no paid date (app/crm; guide 21-crm.md). Saving an invoice
-- with another status kept the date it once was paid on, so the invoices list, the lead's page and
-- the export still showed a draft, sent or void invoice as paid that day. Saving now clears it;
-- invoices stored before lose theirs here. The date cannot be told apart from a real payment, and
-- the status, which the owner set last, says there was none.
UPDATE invoices SET paid_at = NULL WHERE status <> 'paid' AND paid_at IS NOT NULL;

-- +goose Down
-- The cleared dates are not kept anywhere: nothing to restore.
SELECT 1;

-- +goose Up
-- The leads list and the pipeline board (app/leads; guide: 48-leads-and-pipeline.md).
-- expected_value: what the deal is expected to bring, in whole units of the business's currency,
-- set on the lead page; the board sums it per stage.
-- merged_into: a lead merged into another one (the same person reached us twice) points at the
-- lead it was merged into; its conversations moved there, its other records (quotes, visits,
-- tickets, orders) stay on it and are shown on the kept lead's page. Merged leads are left out of
-- the list and the board.
ALTER TABLE leads ADD COLUMN expected_value INTEGER NOT NULL DEFAULT 0 CHECK (expected_value BETWEEN 0 AND 1000000000000);
ALTER TABLE leads ADD COLUMN merged_into INTEGER REFERENCES leads(id);
-- The board: each column's cards newest-moved first, and its count and sum from the index alone.
CREATE INDEX leads_board ON leads(stage, updated_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX leads_stage_value ON leads(stage, expected_value) WHERE merged_into IS NULL;
-- The list's default order (newest first) and its keyset.
CREATE INDEX leads_list_created ON leads(created_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX leads_merged ON leads(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX leads_customer ON leads(customer_id) WHERE customer_id IS NOT NULL;
-- The lead page's orders and tickets (quotes and visits have theirs).
CREATE INDEX orders_lead ON orders(lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX msp_tickets_lead ON msp_tickets(lead_id) WHERE lead_id IS NOT NULL;

-- +goose Down
DROP INDEX msp_tickets_lead;
DROP INDEX orders_lead;
DROP INDEX leads_customer;
DROP INDEX leads_merged;
DROP INDEX leads_list_created;
DROP INDEX leads_stage_value;
DROP INDEX leads_board;
ALTER TABLE leads DROP COLUMN merged_into;
ALTER TABLE leads DROP COLUMN expected_value;

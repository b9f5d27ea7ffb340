-- +goose Up
-- The contract each time entry's time counts against (app/msp time_contract.go, guide
-- 44-msp-contracts-and-time.md); NULL: none (no client, or no contract of the client covers it,
-- so it is billed on its own). It is decided when the time is logged or changed, and decided
-- again when the ticket's client, site or device or one of the client's contracts changes, but
-- only while the entry's month is open for billing: a month closed for billing (the end of day 5
-- of the next month, unless an owner reopened it) keeps the time counted against each contract,
-- and so its overage, as it was billed. Not a foreign key, so that the column can be dropped.
ALTER TABLE msp_time_entries ADD COLUMN contract_id INTEGER;
-- The time logged before is counted as the pages counted it until now (msp.Covering): among the
-- client's contracts running on the entry's day, the one naming the ticket's device, else its
-- site, else the client's managed service contract; the one that started last (then the newest).
UPDATE msp_time_entries SET contract_id = (
    SELECT c.id FROM msp_contracts c
    WHERE c.client_id = msp_time_entries.client_id AND msp_time_entries.work_day BETWEEN c.starts_on AND c.ends_on
      AND (c.kind = 'managed'
        OR EXISTS (SELECT 1 FROM msp_contract_devices d JOIN msp_tickets t ON t.device_id = d.device_id
                   WHERE d.contract_id = c.id AND t.id = msp_time_entries.ticket_id)
        OR EXISTS (SELECT 1 FROM msp_contract_sites s JOIN msp_tickets t ON t.site_id = s.site_id
                   WHERE s.contract_id = c.id AND t.id = msp_time_entries.ticket_id))
    ORDER BY CASE
        WHEN EXISTS (SELECT 1 FROM msp_contract_devices d JOIN msp_tickets t ON t.device_id = d.device_id
                     WHERE d.contract_id = c.id AND t.id = msp_time_entries.ticket_id) THEN 0
        WHEN EXISTS (SELECT 1 FROM msp_contract_sites s JOIN msp_tickets t ON t.site_id = s.site_id
                     WHERE s.contract_id = c.id AND t.id = msp_time_entries.ticket_id) THEN 1
        ELSE 2 END, c.starts_on DESC, c.id DESC
    LIMIT 1)
WHERE client_id IS NOT NULL;
CREATE INDEX msp_time_entries_contract ON msp_time_entries(contract_id, work_day) WHERE contract_id IS NOT NULL;

-- +goose Down
DROP INDEX msp_time_entries_contract;
ALTER TABLE msp_time_entries DROP COLUMN contract_id;

-- +goose Up
-- The hours a contract included in each month, once they were changed (app/msp contract.go, guide
-- 44-msp-contracts-and-time.md): a row says that from month on (YYYY-MM) the contract included
-- monthly_minutes a month, until the next row. A change of the hours included applies from the
-- month it is made in; the months before keep the hours they had. A contract without rows includes
-- msp_contracts.monthly_minutes in every month.
CREATE TABLE msp_contract_allowances (
    contract_id     INTEGER NOT NULL REFERENCES msp_contracts(id),
    month           TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    monthly_minutes INTEGER NOT NULL CHECK (monthly_minutes BETWEEN 0 AND 744 * 60),
    PRIMARY KEY (contract_id, month)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE msp_contract_allowances;

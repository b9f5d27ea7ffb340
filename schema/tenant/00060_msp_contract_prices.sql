-- +goose Up
-- The price a contract had in each month, once it was changed (app/msp contract_price.go, guide
-- 44-msp-contracts-and-time.md, "Month summary for billing"), kept as the hours included are
-- (msp_contract_allowances): a row says that from month on (YYYY-MM) the contract was priced
-- price_cents in currency, until the next row. A change of the price applies to the months open
-- for billing when it is made (the current one, last month until it closes, a reopened one); the
-- months closed for billing keep the price they were closed with. A contract without rows is
-- priced msp_contracts.price_cents in every month.
CREATE TABLE msp_contract_prices (
    contract_id INTEGER NOT NULL REFERENCES msp_contracts(id),
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    currency    TEXT NOT NULL,
    PRIMARY KEY (contract_id, month)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE msp_contract_prices;

-- +goose Up
-- One sale is one Purchase at the ad platforms (app/conversions, guide 47-conversion-tracking.md).
-- same_sale_as: a Purchase kept but not sent, because the sale it stands for was counted already
-- by the Purchase with this event id (a deal marked won before its order was recorded went out
-- with its expected value; the order, met when the deal is marked won again, is that sale — the
-- platforms, Google and TikTok above all, would count it twice under the order's id). '' for a
-- Purchase that went out (or was meant to) on its own.
-- sale_closed_at: when the deal a Purchase without an order stood for was marked lost (its
-- conversation, or the lead), in Unix ms: an order recorded after that is a new sale.
ALTER TABLE conversion_events ADD COLUMN same_sale_as TEXT NOT NULL DEFAULT '' CHECK (length(same_sale_as) <= 100);
ALTER TABLE conversion_events ADD COLUMN sale_closed_at INTEGER;

-- +goose Down
ALTER TABLE conversion_events DROP COLUMN sale_closed_at;
ALTER TABLE conversion_events DROP COLUMN same_sale_as;

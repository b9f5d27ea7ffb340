-- +goose Up
-- The language a person last chose in the panel (the language picker), so what is written to them
-- when they are not looking at a page — push notifications, notification e-mails and the daily
-- digest — is in their own language. '' = never chosen: the business's language applies.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '' CHECK (length(locale) <= 8);

-- +goose Down
ALTER TABLE users DROP COLUMN locale;

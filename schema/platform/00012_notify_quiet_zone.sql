-- +goose Up
-- The time zone a person's quiet hours are read in (app/notify): an IANA name such as
-- Europe/Berlin, or '' for the zone of the business a notification comes from, as every row was
-- read before. A person staff of businesses in several zones, or away from their business's, names
-- their own.
ALTER TABLE notify_prefs ADD COLUMN quiet_zone TEXT NOT NULL DEFAULT '' CHECK (length(quiet_zone) <= 64);

-- +goose Down
ALTER TABLE notify_prefs DROP COLUMN quiet_zone;

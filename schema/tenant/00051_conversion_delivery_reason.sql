-- +goose Up
-- Why a conversion delivery failed, as a code the panel words in the owner's language
-- (app/conversions): credentials (the platform refused the access token or credentials — an
-- expired or revoked token), refused (it refused the event), busy (429/5xx on the last try),
-- unreachable, module_off, no_consent (withdrawn or never given), not_set_up (the destination was
-- switched off or emptied meanwhile) or erased (given up by a KVKK erasure). last_error keeps the
-- platform's own words beside it. '' for a delivery not failed, and for failures recorded before.
ALTER TABLE conversion_deliveries ADD COLUMN reason TEXT NOT NULL DEFAULT '' CHECK (reason IN ('', 'credentials', 'refused', 'busy',
    'unreachable', 'module_off', 'no_consent', 'not_set_up', 'erased'));

-- +goose Down
ALTER TABLE conversion_deliveries DROP COLUMN reason;

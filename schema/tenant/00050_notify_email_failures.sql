-- +goose Up
-- A notification e-mail that could not be sent is recorded on its notification (app/notify), so it
-- is never dropped in silence: the list marks it and the notification pages say how many went
-- unsent and why. email_failure is no_server (the business has no outgoing mail server or sender
-- address set) or smtp (the mail server could not be reached or refused the mail, after the job's
-- last attempt); email_failed_at is when it first failed (Unix ms). Both are cleared when the
-- notification is e-mailed after all (a later daily digest that lists it).
ALTER TABLE notifications ADD COLUMN email_failed_at INTEGER;
ALTER TABLE notifications ADD COLUMN email_failure TEXT CHECK (email_failure IN ('no_server', 'smtp'));
CREATE INDEX notifications_email_failed ON notifications(user_id, email_failed_at) WHERE email_failed_at IS NOT NULL;

-- +goose Down
DROP INDEX notifications_email_failed;
ALTER TABLE notifications DROP COLUMN email_failure;
ALTER TABLE notifications DROP COLUMN email_failed_at;

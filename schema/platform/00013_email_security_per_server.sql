-- +goose Up
-- The e-mail channel's connection security is one setting per server (app/channels/email):
-- email_imap_security for reading, email_smtp_security for sending. Microsoft 365, Outlook.com
-- and many hosts take IMAP on 993 with TLS from the start but SMTP only on 587 with STARTTLS,
-- which the single email_security could not say. A business that had chosen one keeps it on
-- both sides; one that had not keeps the defaults.
INSERT OR IGNORE INTO tenant_settings(tenant_id, key, value, updated_at)
    SELECT tenant_id, 'email_imap_security', value, updated_at FROM tenant_settings WHERE key = 'email_security';
INSERT OR IGNORE INTO tenant_settings(tenant_id, key, value, updated_at)
    SELECT tenant_id, 'email_smtp_security', value, updated_at FROM tenant_settings WHERE key = 'email_security';
DELETE FROM tenant_settings WHERE key = 'email_security';

-- +goose Down
-- The older version knows one setting for both servers: it takes the sending side's, the one a
-- reply or a notification depends on.
INSERT OR IGNORE INTO tenant_settings(tenant_id, key, value, updated_at)
    SELECT tenant_id, 'email_security', value, updated_at FROM tenant_settings WHERE key = 'email_smtp_security';
DELETE FROM tenant_settings WHERE key IN ('email_imap_security', 'email_smtp_security');

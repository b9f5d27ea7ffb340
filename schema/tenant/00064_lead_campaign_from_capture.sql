-- +goose Up
-- The lead's own utm fields are the one campaign every page reads (the leads list and its filter,
-- the exports, the KPI report by campaign). Before this version the chat widget kept the campaign
-- of a visitor who ticked the marketing box only on the ad capture (lead_attribution), so those
-- leads had none of their own: they take the capture's, the way the widget now stores them. A
-- lead that already has a campaign keeps it (first touch); nothing else changes.
UPDATE leads SET
    utm_source   = (SELECT a.utm_source   FROM lead_attribution a WHERE a.lead_id = leads.id),
    utm_medium   = (SELECT a.utm_medium   FROM lead_attribution a WHERE a.lead_id = leads.id),
    utm_campaign = (SELECT a.utm_campaign FROM lead_attribution a WHERE a.lead_id = leads.id),
    utm_term     = (SELECT a.utm_term     FROM lead_attribution a WHERE a.lead_id = leads.id),
    utm_content  = (SELECT a.utm_content  FROM lead_attribution a WHERE a.lead_id = leads.id)
WHERE utm_campaign = ''
  AND EXISTS (SELECT 1 FROM lead_attribution a WHERE a.lead_id = leads.id AND a.utm_campaign <> '');

-- +goose Down
-- The campaigns taken from the captures cannot be told from those the leads had: nothing to undo.
SELECT 1;

package app

import (
	"context"
	"fmt"
	"time"

	"highvibe/app/conversions"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/leads"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// seedDemoConversions gives the demo's web chat leads of the last two months a conversion
// tracking history through the conversions room: the ad they came from (their campaign's Google or
// Meta ad; TikTok for those without a campaign) with marketing consent, the events the rules made (kept unsent: the demo sets up no destination),
// and the ad spend of this month and the last. The module stays as the demo's niche has it; an
// owner who turns it on sees the history on the lead pages, the settings page and the KPI page.
func seedDemoConversions(ctx context.Context, _ *Server, t *platform.Tenant, db *tenantdb.DB) error {
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return err
	}
	since := time.Now().AddDate(0, -2, 0).UnixMilli()
	var caps []conversions.DemoCapture
	for i := 0; i < 1000 && len(caps) < 16; i++ {
		leadID, err := inbox.LeadIDByExternal(ctx, db.Read, fmt.Sprintf("%slead-%d", demoExternalMark, i))
		if err != nil {
			return err
		}
		if leadID == 0 {
			break
		}
		l, err := leads.LeadByID(ctx, db.Read, leadID)
		if err != nil {
			return err
		}
		if l.Source != "webchat" || l.CreatedAt < since {
			continue
		}
		conv, err := inbox.LatestConversationOfLead(ctx, db.Read, leadID)
		if err != nil {
			return err
		}
		// The ad the lead's campaign ran on (the demo's leads carry utm_source and utm_campaign);
		// a lead without one came from the TikTok campaign.
		c := conversions.DemoCapture{LeadID: leadID, ConversationID: conv, Stage: l.Stage, Source: l.UTM[0], Medium: l.UTM[1],
			Campaign: l.Campaign, At: time.UnixMilli(l.CreatedAt)}
		switch l.UTM[0] {
		case "google":
			c.Platform = conversions.DestGoogle
		case "instagram", "facebook":
			c.Platform = conversions.DestMeta
		default:
			c.Platform, c.Source, c.Medium, c.Campaign = conversions.DestTikTok, "tiktok", "paid", "tiktok-oncesi-sonrasi"
		}
		caps = append(caps, c)
	}
	now := time.Now().In(loc)
	this, last := now.Format("2006-01"), now.AddDate(0, -1, 0).Format("2006-01")
	spend := []conversions.Spend{{Campaign: "otopark-2025", Month: this, AmountMinor: 1850000}, {Campaign: "villa-peyzaj", Month: this, AmountMinor: 920000},
		{Campaign: "bahar-bahce", Month: this, AmountMinor: 640000}, {Campaign: "tiktok-oncesi-sonrasi", Month: this, AmountMinor: 410000},
		{Campaign: "otopark-2025", Month: last, AmountMinor: 1600000}, {Campaign: "villa-peyzaj", Month: last, AmountMinor: 780000}}
	return conversions.SeedDemo(ctx, t.Slug, t.Currency, db, caps, spend)
}

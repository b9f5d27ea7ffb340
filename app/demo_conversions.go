package app

import (
	"context"
	"fmt"
	"time"

	"highvibe/app/conversions"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// seedDemoConversions gives the demo's web chat leads of the last two months a conversion
// tracking history through the conversions room: the ad they came from (Google, Meta or TikTok,
// three campaigns) with marketing consent, the events the rules made and how they were delivered,
// and the ad spend of this month and the last. The module stays as the demo's niche has it; an
// owner who turns it on sees the history on the lead pages, the settings page and the KPI page.
func seedDemoConversions(ctx context.Context, _ *Server, t *platform.Tenant, db *tenantdb.DB) error {
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return err
	}
	since := time.Now().AddDate(0, -2, 0).UnixMilli()
	platforms := []string{conversions.DestGoogle, conversions.DestMeta, conversions.DestGoogle, conversions.DestTikTok}
	campaigns := map[string][]string{conversions.DestGoogle: {"parke-kis-2026", "bahce-tasi"}, conversions.DestMeta: {"instagram-mutfak"},
		conversions.DestTikTok: {"tiktok-oncesi-sonrasi"}}
	var caps []conversions.DemoCapture
	for i := 0; i < 1000 && len(caps) < 14; i++ {
		leadID, err := inbox.LeadIDByExternal(ctx, db.Read, fmt.Sprintf("%slead-%d", demoExternalMark, i))
		if err != nil {
			return err
		}
		if leadID == 0 {
			break
		}
		l, err := inbox.LeadByID(ctx, db.Read, leadID)
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
		p := platforms[len(caps)%len(platforms)]
		cs := campaigns[p]
		caps = append(caps, conversions.DemoCapture{LeadID: leadID, ConversationID: conv, Stage: l.Stage, Platform: p,
			Campaign: cs[len(caps)%len(cs)], At: time.UnixMilli(l.CreatedAt)})
	}
	now := time.Now().In(loc)
	this, last := now.Format("2006-01"), now.AddDate(0, -1, 0).Format("2006-01")
	spend := []conversions.Spend{{Campaign: "parke-kis-2026", Month: this, AmountMinor: 1850000}, {Campaign: "instagram-mutfak", Month: this, AmountMinor: 920000},
		{Campaign: "bahce-tasi", Month: this, AmountMinor: 640000}, {Campaign: "tiktok-oncesi-sonrasi", Month: this, AmountMinor: 410000},
		{Campaign: "parke-kis-2026", Month: last, AmountMinor: 1600000}, {Campaign: "instagram-mutfak", Month: last, AmountMinor: 780000}}
	return conversions.SeedDemo(ctx, t.Slug, db, caps, spend)
}

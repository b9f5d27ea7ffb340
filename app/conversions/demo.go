package conversions

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/tenantdb"
)

// DemoCapture is one demo lead that arrived from an ad with marketing consent.
type DemoCapture struct {
	LeadID, ConversationID int64
	Stage                  string // the lead's stage: qualified, proposal and won leads get their events
	Platform               string // google, meta or tiktok
	Source, Medium         string // utm_source, utm_medium
	Campaign               string // utm_campaign
	At                     time.Time
}

// SeedDemo gives the demo business a history of conversion tracking: the captures (click ids
// and campaign, consent given), the events the rules made for them, and the ad spend of this
// month and the last. No destination is set up in the demo, so no event has a delivery: a
// delivery listed as sent to Google, Meta or TikTok beside destinations that say "not sending"
// would be a history the settings contradict. currency is the business's.
func SeedDemo(ctx context.Context, slug, currency string, db *tenantdb.DB, caps []DemoCapture, spend []Spend) error {
	s := &Service{}
	for i, c := range caps {
		a := &Attribution{LeadID: c.LeadID, Channel: "webchat", UTMSource: c.Source, UTMMedium: c.Medium, UTMCampaign: c.Campaign,
			PageURL: "https://osmancavus.example/parke", ConsentVersion: MarketingVersion("demo"), ConsentAt: c.At.UnixMilli()}
		id := fmt.Sprintf("%d%04d", c.At.Unix(), i)
		switch c.Platform {
		case DestGoogle:
			a.GCLID = "Cj0KCQiA-demo" + id
		case DestMeta:
			a.FBCLID = "IwAR-demo" + id
			a.FBC, a.FBP = FBC(a.FBCLID, c.At), fmt.Sprintf("fb.1.%d.%d", c.At.Add(-time.Hour).UnixMilli(), 1000000+i)
		case DestTikTok:
			a.TTCLID = "E.C.P.demo" + id
		}
		if err := db.InTx(ctx, func(tx *sql.Tx) error { _, err := insertAttribution(ctx, tx, a); return err }); err != nil {
			return err
		}
		names := []string{EventLead}
		switch c.Stage {
		case "qualified", "proposal":
			names = append(names, EventQualified)
		case "won":
			names = append(names, EventQualified, EventPurchase)
		}
		for k, name := range names {
			at := c.At.Add(time.Duration(k) * 26 * time.Hour)
			conv := int64(0)
			if name == EventPurchase {
				conv = c.ConversationID
			}
			// Kept unsent: no destination is set up in the demo, so record queues no delivery.
			if _, err := s.record(ctx, slug, currency, db, c.LeadID, conv, name, at); err != nil {
				return err
			}
		}
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, sp := range spend {
			if err := saveSpend(ctx, tx, sp, false); err != nil {
				return err
			}
		}
		return nil
	})
}

package app_test

import (
	"context"
	"testing"

	"highvibe/app"
)

// TestDemoConversionsNoDeliveriesWithoutDestinations: the demo sets up no ad platform, so its
// conversion history has events but no delivery; the settings page, whose destinations all say
// "not sending", lists nothing as sent to Google, Meta or TikTok.
func TestDemoConversionsNoDeliveriesWithoutDestinations(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	db := e.DB(app.DemoSlug)
	var events, dels, dests int
	ctx := context.Background()
	db.Read.QueryRowContext(ctx, `SELECT count(*) FROM conversion_events`).Scan(&events)
	db.Read.QueryRowContext(ctx, `SELECT count(*) FROM conversion_deliveries`).Scan(&dels)
	db.Read.QueryRowContext(ctx, `SELECT count(*) FROM conversion_settings WHERE meta_on = 1 OR google_on = 1 OR tiktok_on = 1`).Scan(&dests)
	if events == 0 {
		t.Fatal("the demo has no conversion history")
	}
	if dests == 0 && dels != 0 {
		t.Fatalf("%d deliveries seeded while no destination is set up", dels)
	}
	e.Set(app.DemoSlug, map[string]string{"modules": "conversion_tracking"})
	owner := e.Client()
	owner.Login(app.DemoUser, pw)
	page := owner.Get("/app/settings/conversions?lang=tr")
	doc := page.Doc(t)
	if doc.Find(`#deliveries [data-delivery]`).Length() != 0 || doc.Find(`#deliveries .status-done`).Length() != 0 {
		t.Fatalf("the settings page lists deliveries sent while every destination is off:\n%s", doc.Find("#deliveries").Text())
	}
}

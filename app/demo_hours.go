package app

import (
	"context"
	"time"

	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// seedDemoHours saves the demo business's hours page: the usual Turkish week and public holidays
// in Europe/Istanbul, with the hours themselves switched off (the assistant answers day and night,
// as a demo visitor expects). The saved zone makes the demo panel show Istanbul times even on a
// server that runs on UTC.
func seedDemoHours(ctx context.Context, _ *Server, _ *platform.Tenant, db *tenantdb.DB) error {
	return hoursdb.Save(ctx, db, demoHours(), time.Now())
}

// demoHours is the demo business's week: the default one, in Istanbul whatever zone the server
// names (a Turkish business).
func demoHours() hours.Config {
	cfg := hours.Default()
	cfg.Zone = hours.ProductZone
	return cfg
}

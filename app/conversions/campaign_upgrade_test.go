package conversions_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"highvibe/app/apptest"
)

// TestUpgradeGivesWidgetLeadsTheirCampaign: before the widget stored a visitor's campaign on the
// lead, it kept it only on the ad capture, so after the report switched to the lead's own campaign
// those leads would have vanished from the KPI page's campaigns. The upgrade gives each such lead
// its capture's utm fields; a lead that has a campaign of its own keeps it.
func TestUpgradeGivesWidgetLeadsTheirCampaign(t *testing.T) {
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("usta", "parke_tas", "tr")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	if err := e.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	lead := func(res map[string]any) int64 {
		var id int64
		e.DB("usta").Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res["conversation_id"].(float64))).Scan(&id)
		return id
	}
	old := lead(widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali Kaya", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-u", "utm_campaign": "bahar-bahce", "utm_source": "instagram"}}))
	own := lead(widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Can Ak", "email": "can@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"gclid": "Cj0-u", "utm_campaign": "yaz-indirimi"}}))
	e.Close()

	// The file as the version before left it: the widget lead without utm fields of its own, the
	// other lead with a campaign it had before its ad visit, the upgrade not yet applied.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tenants", "usta.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE leads SET utm_source = '', utm_medium = '', utm_campaign = '', utm_term = '', utm_content = '' WHERE id = ` + itoa(old),
		`UPDATE leads SET utm_source = 'landing', utm_campaign = 'otopark-2025' WHERE id = ` + itoa(own),
		`DELETE FROM goose_db_version WHERE version_id = 64`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	e = apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	utm := func(id int64) (src, camp string) {
		if err := e.DB("usta").Read.QueryRow(`SELECT utm_source, utm_campaign FROM leads WHERE id = ?`, id).Scan(&src, &camp); err != nil {
			t.Fatal(err)
		}
		return
	}
	if src, camp := utm(old); src != "instagram" || camp != "bahar-bahce" {
		t.Fatalf("the widget lead after the upgrade: source %q campaign %q, want instagram bahar-bahce", src, camp)
	}
	if src, camp := utm(own); src != "landing" || camp != "otopark-2025" {
		t.Fatalf("the lead with its own campaign after the upgrade: source %q campaign %q, want it kept", src, camp)
	}
}

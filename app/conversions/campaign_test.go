package conversions_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/inbox"
)

// A visitor who came from an ad with utm_campaign and ticked the marketing box: the campaign the
// lead's conversion section and the KPI page's report show is the one the leads list offers in
// its campaign filter, finds the lead by, and the CSV export writes in its Campaign column — the
// lead's own campaign, one source. A known customer who had no campaign takes the first one they
// come with; without the marketing tick nothing is kept, as the capture is not.
func TestAdCampaignIsTheLeadsCampaignEverywhere(t *testing.T) {
	t.Parallel()
	e, _, owner := setup(t)
	db := e.DB("usta")
	res := widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali Kaya", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-c", "utm_campaign": "bahar-bahce", "utm_source": "instagram"}})
	var leadID int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res["conversation_id"].(float64))).Scan(&leadID)

	if c := owner.Get("/app/conversions/leads/" + itoa(leadID) + "?lang=en").Doc(t).Find("#lead-conversions").Text(); !strings.Contains(c, "bahar-bahce") {
		t.Fatalf("the lead's conversion section: %q", c)
	}
	if owner.Get("/app/analytics/?lang=en").Doc(t).Find(`[data-attr-table="campaign"] tr[data-key="bahar-bahce"]`).Length() != 1 {
		t.Fatal("the KPI report has no bahar-bahce row")
	}
	list := owner.Get("/app/leads/?lang=en").Doc(t)
	if list.Find(`select#campaign option[value="bahar-bahce"]`).Length() != 1 {
		t.Fatalf("the leads list's campaign filter does not offer it: %q", list.Find(`select#campaign`).Text())
	}
	if n := owner.Get("/app/leads/?lang=en&campaign=bahar-bahce").Doc(t).Find(`a[href="/app/leads/` + itoa(leadID) + `/"]`).Length(); n == 0 {
		t.Fatal("the campaign filter does not find the lead")
	}
	r := owner.Get("/app/leads/export?lang=en&format=csv")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", r.StatusCode)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("export: %v\n%s", err, r.Body)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "Campaign" {
			col = i
		}
	}
	found := false
	for _, row := range rows[1:] {
		if row[0] == itoa(leadID) {
			found = col >= 0 && row[col] == "bahar-bahce"
		}
	}
	if !found {
		t.Fatalf("the export's Campaign column (%d) is not bahar-bahce:\n%s", col, r.Body)
	}

	// A customer known from WhatsApp, without a campaign, comes back from an ad on the widget: the
	// lead takes that campaign. Their next ad visit does not overwrite it (first touch).
	wa, err := e.Handlers.InboxService.Ingest(context.Background(), "usta", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905551112244",
		Phone: "+905551112244", Name: "Veli", Body: "Merhaba", Kind: "text"})
	if err != nil {
		t.Fatal(err)
	}
	campaign := func(id int64) string {
		var c string
		db.Read.QueryRow(`SELECT utm_campaign FROM leads WHERE id = ?`, id).Scan(&c)
		return c
	}
	for _, camp := range []string{"kis-indirimi", "yaz-indirimi"} {
		widgetPost(t, e, map[string]any{"text": "Yine ben", "name": "Veli", "phone": "+905551112244", "consent": true, "marketing": true,
			"lang": "tr", "attribution": map[string]string{"gclid": "Cj0-" + camp, "utm_campaign": camp}})
	}
	if c := campaign(wa.LeadID); c != "kis-indirimi" {
		t.Fatalf("the known customer's campaign: %q, want the first ad's", c)
	}
	// Without the marketing tick the campaign is not kept, as the ad capture is not.
	res = widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Can", "email": "can@example.com", "consent": true,
		"lang": "tr", "attribution": map[string]string{"utm_campaign": "gizli"}})
	var noTick int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res["conversation_id"].(float64))).Scan(&noTick)
	if c := campaign(noTick); c != "" {
		t.Fatalf("a campaign kept without marketing consent: %q", c)
	}
}

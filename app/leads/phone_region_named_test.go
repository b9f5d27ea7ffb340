package leads_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// TestNamelessLeadNamedInTheBusinessCountry: a German business's customer who gave no name but the
// number 0170 1234567 was named "0170 1234567" (read as a Turkish number, which it is not) on the
// leads list, the board, the lead's page and the conversation's heading, and a reply template's
// {{phone}} put the same into the reply, while the phone column beside it said "+49 170 1234567".
// web.Who and the templates' {{phone}} read the number in the business's country now.
func TestNamelessLeadNamedInTheBusinessCountry(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	ctx := context.Background()
	e.Tenant("berlin", "parke_tas", "de")
	e.Set("berlin", map[string]string{"modules": "sales"})
	owner := e.User("berlin", "owner-berlin", "owner")
	if r := owner.Post("/app/settings/profile", url.Values{"phone_region": {"de"}}); r.StatusCode != 303 {
		t.Fatalf("settings %d %.300s", r.StatusCode, r.Body)
	}
	db := e.DB("berlin")
	res, err := (&inbox.Service{Channels: channels.Registry()}).Ingest(ctx, "berlin", db, inbox.Inbound{Channel: "webchat", ExternalID: "w1", Body: "Hallo",
		Phone: "0170 1234567", Region: "DE"}) // as the visitor typed it in the widget: kept so, beside its +49 form
	if err != nil {
		t.Fatal(err)
	}
	var typed string
	if err := db.Read.QueryRow(`SELECT phone FROM leads WHERE id = ?`, res.LeadID).Scan(&typed); err != nil || typed != "0170 1234567" {
		t.Fatalf("lead's phone %q (%v): the test wants the number kept as typed", typed, err)
	}
	if _, err := db.Write.Exec(`INSERT INTO templates(name, body, created_at, updated_at) VALUES('Rückruf', 'Wir rufen Sie unter {{phone}} an.', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	const want = "+49 170 1234567"
	link := fmt.Sprintf(`a[href="/app/leads/%d/"]`, res.LeadID)
	if got := strings.TrimSpace(owner.Get("/app/leads/").Doc(t).Find(link).First().Text()); got != want {
		t.Errorf("leads list names the lead %q, want %q", got, want)
	}
	if got := strings.TrimSpace(owner.Get("/app/pipeline/").Doc(t).Find(link).First().Text()); got != want {
		t.Errorf("board names the lead %q, want %q", got, want)
	}
	if got := strings.TrimSpace(owner.Get(fmt.Sprintf("/app/leads/%d/", res.LeadID)).Doc(t).Find("h1").First().Text()); got != want {
		t.Errorf("lead page heading %q, want %q", got, want)
	}
	doc := owner.Get(fmt.Sprintf("/app/inbox/%d/", res.ConversationID)).Doc(t)
	if got := doc.Find("title").Text(); !strings.Contains(got, want) {
		t.Errorf("conversation page title %q, want it to name %q", got, want)
	}
	var vars map[string]string
	raw, _ := doc.Find("[data-vars]").Attr("data-vars")
	if err := json.Unmarshal([]byte(raw), &vars); err != nil || vars["phone"] != want {
		t.Errorf("template variables %q (%v): {{phone}} want %q", raw, err, want)
	}
}

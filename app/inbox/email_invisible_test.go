package inbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// An e-mail address copied with invisible formatting characters around or inside it (the
// direction marks and isolates a contact card or a right-to-left page carries, a zero-width space
// from a chat app) was stored with them: no mail server delivers to such an address, the panel
// showed it as if it were fine, and the same customer writing again without them was not
// recognised. The widget, the lead page and a CRM customer now keep the address without them.
func TestEmailKeptWithoutInvisibleCharacters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	email := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := db.Read.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}

	// The widget: a visitor pastes their address with a zero-width space and isolates.
	r := e.Client().PostJSON("/widget/api/acme/messages",
		[]byte(`{"text":"Fiyat alabilir miyim?","name":"Ayşe","email":"\u2066ayse\u200b@example.com\u2069","consent":true}`), nil)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("widget: %d %s", r.StatusCode, r.Body)
	}
	var res struct {
		ConversationID int64 `json:"conversation_id"`
	}
	if err := json.Unmarshal([]byte(r.Body), &res); err != nil {
		t.Fatal(err)
	}
	lead := email(`SELECT lead_id FROM conversations WHERE id = ?`, res.ConversationID)
	if got := email(`SELECT email FROM leads WHERE id = ?`, lead); got != "ayse@example.com" {
		t.Errorf("widget lead e-mail %q, want ayse@example.com", got)
	}

	// The lead page: the address corrected with a right-to-left mark and a byte-order mark.
	if r := owner.Post("/app/leads/"+lead+"/email", url.Values{"lead_email": {"\u200fayse.yilmaz@example.com\ufeff"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("lead page e-mail: %d", r.StatusCode)
	}
	if got := email(`SELECT email FROM leads WHERE id = ?`, lead); got != "ayse.yilmaz@example.com" {
		t.Errorf("lead page e-mail %q, want ayse.yilmaz@example.com", got)
	}

	// A CRM customer: the address copied from a contact card, wrapped in embedding marks.
	if r := owner.Post("/customers/new", url.Values{"name": {"Mehmet Kaya"}, "email": {"\u202aMehmet@Example.com\u202c"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
	}
	if got := email(`SELECT email FROM customers WHERE name = ?`, "Mehmet Kaya"); got != "Mehmet@Example.com" {
		t.Errorf("customer e-mail %s, want Mehmet@Example.com", fmt.Sprintf("%q", got))
	}
}

package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// A logged message's body is read strictly, as the OpenAPI document describes it: a field the
// endpoint does not know (a misspelt "direction" would otherwise log an outbound e-mail as the
// customer's own message, which the assistant may answer), anything after the object, or an
// author over 200 characters is refused with problem details in the caller's language, and
// nothing is added to the conversation.
func TestAddMessageRefusesUnknownFieldsTrailingDataAndLongAuthors(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567",
		ProviderMessageID: "wamid.1", Phone: "+905321234567", Name: "Ayşe", Body: "stok var mı?"})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND (body LIKE 'Arandı%' OR body LIKE 'Teklif%' OR body = 'again')`, res.ConversationID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	c := e.APIClient()
	path := fmt.Sprintf("/api/v1/conversations/%d/messages", res.ConversationID)
	cases := []struct {
		body, code, field, detail string
		status                    int
	}{
		{`{"diretion":"outbound","text":"Teklif e-postası gönderildi."}`, "unknown_field", "diretion", "diretion", 422},
		{`{"text":"Arandı.","extra":1}`, "unknown_field", "extra", "extra", 422},
		{`{"text":"Arandı."}{"text":"again"}`, "malformed", "", "JSON", 400},
		{`{"text":"Arandı."} x`, "malformed", "", "JSON", 400},
		{`{"direction":"outbound","text":"Arandı.","author":"` + strings.Repeat("a", 201) + `"}`, "author_too_long", "author", "200", 422},
	}
	for _, k := range cases {
		h := http.Header{"Authorization": {"Bearer " + imp}, "Content-Type": {"application/json"}, "Accept-Language": {"tr"}}
		r, _ := c.Send("POST", path, h, k.body)
		if r.StatusCode != k.status {
			t.Errorf("%.60s: %d %s, want %d", k.body, r.StatusCode, r.Body, k.status)
			continue
		}
		p := problem(t, r)
		if p.Code != k.code || !strings.Contains(p.Detail+fmt.Sprint(p.Errors), k.detail) {
			t.Errorf("%.60s: problem %+v, want code %s naming %q", k.body, p, k.code, k.detail)
		}
		if k.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != k.field) {
			t.Errorf("%.60s: errors %+v, want one for %s", k.body, p.Errors, k.field)
		}
		if strings.Contains(p.Detail+fmt.Sprint(p.Errors), "must be") {
			t.Errorf("%.60s: English in a Turkish answer: %+v", k.body, p)
		}
	}
	if n := count(); n != before {
		t.Errorf("messages: %d of the refused bodies stored, want %d", n, before)
	}
	// An author of 200 characters is still taken.
	r, err := c.Call("POST", path, imp, "application/json", `{"direction":"outbound","text":"Arandı.","author":"`+strings.Repeat("a", 200)+`"}`)
	noReqErr(t, "author of 200", err)
	if r.StatusCode != http.StatusCreated {
		t.Errorf("author of 200 characters: %d %s", r.StatusCode, r.Body)
	}
}

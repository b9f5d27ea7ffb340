package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/api"
	"highvibe/app/inbox"
	"highvibe/app/web"
)

// decodeInto reads an answer into its typed shape, failing on unknown fields.
func decodeInto[T any](t *testing.T, r *apptest.Resp) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%d %s: not a %T: %v", r.StatusCode, r.Body, v, err)
	}
	return v
}

// problem reads a problem-details answer and checks its media type.
func problem(t *testing.T, r *apptest.Resp) web.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%d answered %q, want application/problem+json", r.StatusCode, ct)
	}
	return decodeInto[web.Problem](t, r)
}

// noReqErr fails when the document refused a request the test means to be valid.
func noReqErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: the OpenAPI document refuses this request: %v", what, err)
	}
}

// TestIntegrationAPI walks the API as an outside system would; every request and answer is
// checked against the OpenAPI document the server serves (apptest.APIClient).
func TestIntegrationAPI(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("other")
	read := e.APIKey("acme", "read")
	imp := e.APIKey("acme", "import")
	otherRead := e.APIKey("other", "read")
	c := e.APIClient()
	get := func(path, key string) *apptest.Resp {
		t.Helper()
		r, err := c.Call("GET", path, key, "", "")
		if key != "" {
			noReqErr(t, "GET "+path, err)
		} else if err == nil {
			t.Errorf("GET %s without a key: the document does not ask for one", path)
		}
		return r
	}
	post := func(path, key, ctype, body string) (*apptest.Resp, error) {
		t.Helper()
		h := http.Header{"X-Api-Key": {key}, "Content-Type": {ctype}}
		return c.Send("POST", path, h, body)
	}
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", ProviderMessageID: "wamid.1", Phone: "+905321234567", Name: "Ayşe", Body: "stok var mı?"})
	if err != nil {
		t.Fatal(err)
	}

	if r := get("/api/v1/conversations", ""); r.StatusCode != 401 || problem(t, r).Code != "missing_key" {
		t.Errorf("no key: %d %s", r.StatusCode, r.Body)
	}
	if r := get("/api/v1/conversations", imp); r.StatusCode != 403 || problem(t, r).Code != "wrong_scope" {
		t.Errorf("import key reading: %d %s", r.StatusCode, r.Body)
	}
	r := get("/api/v1/conversations?channel=whatsapp&limit=10", read)
	list := decodeInto[api.ConversationList](t, r)
	if r.StatusCode != 200 || len(list.Conversations) != 1 || list.Conversations[0].LeadPhone != "+905321234567" || list.NextCursor != nil {
		t.Fatalf("list: %d %s", r.StatusCode, r.Body)
	}
	// q is the inbox's search: folded letters, phones however typed, message text, a prefix.
	for q, want := range map[string]int{"Ay%C5%9Fe": 1, "ayse": 1, "AYSE": 1, "%28532%29+123-45-67": 1, "stok": 1, "sto": 1, "zzyzx": 0, "ayse+stok": 1, "ayse+zzyzx": 0,
		// Signs alone hold no word to search for: they match nothing, never everything.
		"%25": 0, "_": 0, "%25%25": 0, "%2A": 0, "%22": 0} {
		if r := get("/api/v1/conversations?q="+q, read); r.StatusCode != 200 || len(decodeInto[api.ConversationList](t, r).Conversations) != want {
			t.Errorf("q=%s: want %d: %d %s", q, want, r.StatusCode, r.Body)
		}
	}
	if r := get("/api/v1/conversations", otherRead); len(decodeInto[api.ConversationList](t, r).Conversations) != 0 {
		t.Errorf("tenant isolation: %s", r.Body)
	}
	r = get("/api/v1/conversations/"+itoa(res.ConversationID), read)
	d := decodeInto[api.ConversationDetail](t, r)
	if r.StatusCode != 200 || len(d.Messages) < 1 || d.Messages[0].ProviderMessageID == nil || *d.Messages[0].ProviderMessageID != "wamid.1" {
		t.Fatalf("detail: %s", r.Body)
	}
	if r := get("/api/v1/conversations/"+itoa(res.ConversationID), otherRead); r.StatusCode != 404 || problem(t, r).Code != "not_found" {
		t.Errorf("other tenant detail: %d %s", r.StatusCode, r.Body)
	}
	for _, p := range []string{"/api/v1/leads", "/api/v1/recommendations?status=pending", "/api/v1/action-logs?provider=whatsapp_webhook"} {
		if r := get(p, read); r.StatusCode != 200 {
			t.Errorf("%s: %d %s", p, r.StatusCode, r.Body)
		}
	}

	// Imports: customers (JSON array), orders referring by external id, invoices by CSV.
	mustPost := func(path, ctype, body string, status int) api.ImportResult {
		t.Helper()
		r, err := post(path, imp, ctype, body)
		noReqErr(t, "POST "+path, err)
		if r.StatusCode != status {
			t.Fatalf("POST %s: want %d: %d %s", path, status, r.StatusCode, r.Body)
		}
		return decodeInto[api.ImportResult](t, r)
	}
	mustPost("/api/v1/customers", "application/json", `[{"external_id":"C1","name":"Villa Yapı","phone":"0532 111 22 33"},{"external_id":"C2","name":"Deniz İnşaat"}]`, 201)
	if got := mustPost("/api/v1/customers", "application/json", `{"external_id":"C1","name":"Villa Yapı A.Ş."}`, 200); got.Updated != 1 || got.Created != 0 || len(got.IDs) != 1 {
		t.Fatalf("repeat must update: %+v", got)
	}
	mustPost("/api/v1/orders", "application/json", `{"external_id":"O1","customer_external_id":"C1","total":125000.5,"status":"won","ordered_at":"2026-03-01"}`, 201)
	csv := "external_id,customer_external_id,order_external_id,amount,status,paid_at\nI1,C1,O1,125000.50,paid,2026-03-15\n"
	mustPost("/api/v1/invoices", "text/csv", csv, 201)
	mustPost("/api/v1/products", "application/json", `{"sku":"GRN-GRI-3","name":"Gri granit 3 cm","unit":"m2","unit_price":"1450","currency":"TRY"}`, 201)
	mustPost("/api/v1/leads", "application/json", `{"external_id":"L1","name":"Kemal","phone":"05321112299","source":"referral"}`, 201)

	// All or nothing: one bad row refuses the whole batch with per-row field errors. The
	// document refuses the unknown field too.
	r, err = post("/api/v1/customers", imp, "application/json", `[{"external_id":"C3","name":"Good"},{"external_id":"C4","name":"","email":"bad"},{"name":"X","color":"red"}]`)
	if err == nil {
		t.Error("the document accepts an unknown import field")
	}
	p := problem(t, r)
	fields := map[string]string{}
	for _, f := range p.Errors {
		fields[f.Field] = f.Code
	}
	if r.StatusCode != 422 || p.Code != "invalid_rows" || fields["3.color"] != "api.row.unknown_field" || fields["2.name"] == "" || fields["1.name"] != "" {
		t.Fatalf("bad batch: %d %s", r.StatusCode, r.Body)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM customers WHERE external_id = 'C3'`).Scan(&n)
	if n != 0 {
		t.Fatal("a refused batch stored a row")
	}
	r, err = post("/api/v1/orders", imp, "application/json", `{"customer_external_id":"NOPE","total":1}`)
	noReqErr(t, "order with an unknown reference", err)
	if p := problem(t, r); r.StatusCode != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "1.customer_external_id" {
		t.Errorf("bad reference: %d %s", r.StatusCode, r.Body)
	}
	r, err = post("/api/v1/customers", imp, "application/json", `{"name":`)
	if err == nil {
		t.Error("the document accepts malformed JSON")
	}
	if r.StatusCode != 400 || problem(t, r).Code != "malformed" {
		t.Errorf("malformed: %d %s", r.StatusCode, r.Body)
	}
	r, err = post("/api/v1/customers", read, "application/json", `{"name":"x"}`)
	noReqErr(t, "import with a read key", err) // the document cannot know a key's scope
	if r.StatusCode != 403 || problem(t, r).Code != "wrong_scope" {
		t.Errorf("read key importing: %d %s", r.StatusCode, r.Body)
	}
	r, err = post("/api/v1/conversations/"+itoa(res.ConversationID)+"/messages", imp, "application/json", `{"direction":"inbound","text":"Telefonda görüştük, keşif cuma."}`)
	noReqErr(t, "log a call", err)
	if r.StatusCode != 201 || decodeInto[api.AddMessageResult](t, r).ConversationID != res.ConversationID {
		t.Fatalf("log call: %d %s", r.StatusCode, r.Body)
	}
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'integration_api'`).Scan(&n)
	if n != 6 {
		t.Errorf("import logs = %d, want 6", n)
	}
	r = get("/api/v1/action-logs?provider=integration_api&limit=2", read)
	if logs := decodeInto[api.ActionLogList](t, r); len(logs.ActionLogs) != 2 || len(logs.ActionLogs[0].Payload) < 2 {
		t.Errorf("action logs: %s", r.Body)
	}
}

package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

func decode(t *testing.T, r *apptest.Resp) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.StatusCode, r.Body)
	}
	return m
}

func TestIntegrationAPI(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("other")
	read := e.APIKey("acme", "read")
	imp := e.APIKey("acme", "import")
	otherRead := e.APIKey("other", "read")
	c := e.Client()
	get := func(path, key string) *apptest.Resp {
		req, _ := http.NewRequest("GET", e.URL+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		return c.Do(req)
	}
	post := func(path, key, ctype, body string) *apptest.Resp {
		req, _ := http.NewRequest("POST", e.URL+path, strings.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		req.Header.Set("Content-Type", ctype)
		return c.Do(req)
	}
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", ProviderMessageID: "wamid.1", Phone: "+905321234567", Name: "Ayşe", Body: "stok var mı?"})
	if err != nil {
		t.Fatal(err)
	}

	if r := get("/api/v1/conversations", ""); r.StatusCode != 401 {
		t.Errorf("no key: %d", r.StatusCode)
	}
	if r := get("/api/v1/conversations", imp); r.StatusCode != 403 || decode(t, r)["code"] != "wrong_scope" {
		t.Errorf("import key reading: %d", r.StatusCode)
	}
	r := get("/api/v1/conversations?channel=whatsapp&limit=10", read)
	list := decode(t, r)["conversations"].([]any)
	if r.StatusCode != 200 || len(list) != 1 || list[0].(map[string]any)["lead_phone"] != "+905321234567" {
		t.Fatalf("list: %d %s", r.StatusCode, r.Body)
	}
	// q is the inbox's search: folded letters, phones however typed, message text, a prefix.
	for q, want := range map[string]int{"Ay%C5%9Fe": 1, "ayse": 1, "AYSE": 1, "%28532%29+123-45-67": 1, "stok": 1, "sto": 1, "zzyzx": 0, "ayse+stok": 1, "ayse+zzyzx": 0} {
		if r := get("/api/v1/conversations?q="+q, read); r.StatusCode != 200 || len(decode(t, r)["conversations"].([]any)) != want {
			t.Errorf("q=%s: want %d: %d %s", q, want, r.StatusCode, r.Body)
		}
	}
	if r := get("/api/v1/conversations", otherRead); len(decode(t, r)["conversations"].([]any)) != 0 {
		t.Errorf("tenant isolation: %s", r.Body)
	}
	r = get("/api/v1/conversations/"+itoa(res.ConversationID), read)
	d := decode(t, r)
	if r.StatusCode != 200 || len(d["messages"].([]any)) < 1 || d["messages"].([]any)[0].(map[string]any)["provider_message_id"] != "wamid.1" {
		t.Fatalf("detail: %s", r.Body)
	}
	if r := get("/api/v1/conversations/"+itoa(res.ConversationID), otherRead); r.StatusCode != 404 {
		t.Errorf("other tenant detail: %d", r.StatusCode)
	}
	for _, p := range []string{"/api/v1/leads", "/api/v1/recommendations?status=pending", "/api/v1/action-logs?provider=whatsapp_webhook"} {
		if r := get(p, read); r.StatusCode != 200 {
			t.Errorf("%s: %d %s", p, r.StatusCode, r.Body)
		}
	}

	// Imports: customers (JSON array), orders referring by external id, invoices by CSV.
	if r := post("/api/v1/customers", imp, "application/json", `[{"external_id":"C1","name":"Villa Yapı","phone":"0532 111 22 33"},{"external_id":"C2","name":"Deniz İnşaat"}]`); r.StatusCode != 201 {
		t.Fatalf("customers: %d %s", r.StatusCode, r.Body)
	}
	if r := post("/api/v1/customers", imp, "application/json", `{"external_id":"C1","name":"Villa Yapı A.Ş."}`); r.StatusCode != 200 || decode(t, r)["updated"] != 1.0 {
		t.Fatalf("repeat must update: %d %s", r.StatusCode, r.Body)
	}
	if r := post("/api/v1/orders", imp, "application/json", `{"external_id":"O1","customer_external_id":"C1","total":125000.5,"status":"won","ordered_at":"2026-03-01"}`); r.StatusCode != 201 {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	csv := "external_id,customer_external_id,order_external_id,amount,status,paid_at\nI1,C1,O1,125000.50,paid,2026-03-15\n"
	if r := post("/api/v1/invoices", imp, "text/csv", csv); r.StatusCode != 201 {
		t.Fatalf("invoice csv: %d %s", r.StatusCode, r.Body)
	}
	if r := post("/api/v1/products", imp, "application/json", `{"sku":"GRN-GRI-3","name":"Gri granit 3 cm","unit":"m2","unit_price":"1450","currency":"TRY"}`); r.StatusCode != 201 {
		t.Fatalf("product: %d %s", r.StatusCode, r.Body)
	}
	if r := post("/api/v1/leads", imp, "application/json", `{"external_id":"L1","name":"Kemal","phone":"05321112299","source":"referral"}`); r.StatusCode != 201 {
		t.Fatalf("lead: %d %s", r.StatusCode, r.Body)
	}
	// All or nothing: one bad row refuses the whole batch with per-row errors.
	r = post("/api/v1/customers", imp, "application/json", `[{"external_id":"C3","name":"Good"},{"external_id":"C4","name":"","email":"bad"},{"name":"X","color":"red"}]`)
	m := decode(t, r)
	if r.StatusCode != 422 || m["code"] != "invalid_rows" || len(m["rows"].([]any)) != 2 {
		t.Fatalf("bad batch: %d %s", r.StatusCode, r.Body)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM customers WHERE external_id = 'C3'`).Scan(&n)
	if n != 0 {
		t.Fatal("a refused batch stored a row")
	}
	if r := post("/api/v1/orders", imp, "application/json", `{"customer_external_id":"NOPE","total":1}`); r.StatusCode != 422 {
		t.Errorf("bad reference: %d", r.StatusCode)
	}
	if r := post("/api/v1/customers", imp, "application/json", `{"name":`); r.StatusCode != 400 {
		t.Errorf("malformed: %d", r.StatusCode)
	}
	if r := post("/api/v1/customers", read, "application/json", `{"name":"x"}`); r.StatusCode != 403 {
		t.Errorf("read key importing: %d", r.StatusCode)
	}
	if r := post("/api/v1/conversations/"+itoa(res.ConversationID)+"/messages", imp, "application/json", `{"direction":"inbound","text":"Telefonda görüştük, keşif cuma."}`); r.StatusCode != 201 {
		t.Fatalf("log call: %d %s", r.StatusCode, r.Body)
	}
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'integration_api'`).Scan(&n)
	if n != 6 {
		t.Errorf("import logs = %d, want 6", n)
	}
}

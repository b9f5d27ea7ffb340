package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// A number field of an import row that parses as a float but is not a finite number ("NaN",
// "Inf") is a refused row (422, nothing imported) like any other bad number; NaN used to pass the
// range checks and reach the database, whose NOT NULL check answered a 500.
func TestImportRefusesNumbersThatAreNotFinite(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	for _, v := range []string{`"NaN"`, `"nan"`, `"Inf"`, `"-Infinity"`} {
		r := c.PostJSON("/api/v1/products", []byte(`{"sku":"G1","name":"Granit","unit":"m2","unit_price":`+v+`}`), map[string]string{"Authorization": "Bearer " + imp})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unit_price %s: %d %s, want 422", v, r.StatusCode, r.Body)
			continue
		}
		if p := problem(t, r); p.Code != "invalid_rows" || len(p.Errors) != 1 || p.Errors[0].Field != "1.unit_price" {
			t.Errorf("unit_price %s: problem %+v", v, p)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM products`).Scan(&n); err != nil || n != 0 {
		t.Errorf("products stored: %d (%v)", n, err)
	}
}

// An imported product priced in three capitals that are no currency in use ("ABC", the withdrawn
// "TRL") is a refused row naming the currency field, as the panel's product form refuses it.
func TestImportRefusesCurrenciesNotInUse(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	for _, cur := range []string{"ABC", "TRL"} {
		r := c.PostJSON("/api/v1/products", []byte(`{"sku":"G1","name":"Granit","unit":"m2","unit_price":"10","currency":"`+cur+`"}`), map[string]string{"Authorization": "Bearer " + imp})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("currency %s: %d %s, want 422", cur, r.StatusCode, r.Body)
			continue
		}
		if p := problem(t, r); p.Code != "invalid_rows" || len(p.Errors) != 1 || p.Errors[0].Field != "1.currency" {
			t.Errorf("currency %s: problem %+v", cur, p)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM products`).Scan(&n); err != nil || n != 0 {
		t.Errorf("products stored: %d (%v)", n, err)
	}
}

// A body the importer cannot read is explained in the caller's language with where it broke (a
// CSV line, a JSON row and field), never with the parser's own English words or Go type names.
func TestImportUnreadableBodyIsExplainedInTheCallersLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	cases := []struct {
		ctype, body string
		want        string // a part of the Turkish detail
	}{
		{"text/csv", "name,phone\n\"unterminated", "2. satır"},
		{"text/csv", "name,phone\nAli,1,extra\n", "2. satır"},
		{"text/csv", "name\n", "başlık satırı"},
		{"application/json", `[1,2]`, "JSON"},
		{"application/json", `{"name": {"a": 1}}`, "1. satır"},
		{"application/json", `[{"name":"x"},{"name":["y"]}]`, "2. satır"},
		{"application/json", `{"name": "x",}`, "JSON"},
	}
	for _, tc := range cases {
		r := c.PostJSON("/api/v1/customers", []byte(tc.body), map[string]string{"Authorization": "Bearer " + imp, "Content-Type": tc.ctype, "Accept-Language": "tr"})
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d %s, want 400", tc.body, r.StatusCode, r.Body)
			continue
		}
		p := problem(t, r)
		if p.Code != "malformed" || !strings.Contains(p.Detail, tc.want) {
			t.Errorf("%q: code %s, detail %q lacks %q", tc.body, p.Code, p.Detail, tc.want)
		}
		for _, internal := range []string{"json:", "csv:", "Go value", "map[", "RawMessage", "parse error", "extraneous"} {
			if strings.Contains(p.Detail, internal) {
				t.Errorf("%q: detail %q shows the parser's %q", tc.body, p.Detail, internal)
			}
		}
	}
}

// An import body that is not UTF-8 text, or holds a NUL (raw in CSV, \u0000 in JSON), is refused
// whole (400) rather than stored as broken text: the forms refuse such text too, and stored it
// broke the quote PDF and the exports.
func TestImportRefusesTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	for _, tc := range []struct{ ctype, body string }{
		{"text/csv", "name,phone\nBad\xff\xfeName,+905551112233\n"},
		{"text/csv", "name,phone\nNul\x00Name,+905551112233\n"},
		{"text/csv", "na\xffme,phone\nAli,+905551112233\n"},
		{"application/json", `{"name":"Nul\u0000X"}`},
		{"application/json", `{"na\u0000me":"X"}`},
	} {
		r := c.PostJSON("/api/v1/customers", []byte(tc.body), map[string]string{"Authorization": "Bearer " + imp, "Content-Type": tc.ctype, "Accept-Language": "tr"})
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d %s, want 400", tc.body, r.StatusCode, r.Body)
			continue
		}
		if p := problem(t, r); p.Code != "malformed" || !strings.Contains(p.Detail, "UTF-8") {
			t.Errorf("%q: problem %+v", tc.body, p)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM customers`).Scan(&n); err != nil || n != 0 {
		t.Errorf("customers stored: %d (%v)", n, err)
	}
}

// A message added through the API whose text holds a NUL (\u0000) is refused (400 malformed, in the
// caller's language) like an import row with one, and nothing is stored.
func TestAddMessageRefusesNUL(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567",
		ProviderMessageID: "wamid.1", Phone: "+905321234567", Name: "Ayşe", Body: "stok var mı?"})
	if err != nil {
		t.Fatal(err)
	}
	conv := res.ConversationID
	r := c.PostJSON("/api/v1/conversations/"+strconv.FormatInt(conv, 10)+"/messages", []byte(`{"text":"a\u0000b","direction":"system"}`),
		map[string]string{"Authorization": "Bearer " + imp, "Accept-Language": "tr"})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("NUL text: %d %s", r.StatusCode, r.Body)
	}
	if p := problem(t, r); p.Code != "malformed" || !strings.Contains(p.Detail, "UTF-8") {
		t.Errorf("problem %+v", p)
	}
	n := 0
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE instr(body, char(0)) > 0 OR body = 'a'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d messages stored with the NUL", n)
	}
}

// An imported date in a year such as 0000 or 9999 is a refused row like a malformed date, in both
// spellings the importer reads (YYYY-MM-DD and RFC 3339); such orders and consents were imported.
func TestImportRefusesDatesOutsideTheBusinessYears(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	h := map[string]string{"Authorization": "Bearer " + imp}
	if r := c.PostJSON("/api/v1/customers", []byte(`{"name":"Ayşe","external_id":"c1"}`), h); r.StatusCode != http.StatusCreated {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
	}
	for _, tc := range []struct{ path, body, field string }{
		{"/api/v1/orders", `{"customer_external_id":"c1","total":5,"ordered_at":"0000-01-01T00:00:00Z"}`, "1.ordered_at"},
		{"/api/v1/orders", `{"customer_external_id":"c1","total":5,"ordered_at":"9999-12-31"}`, "1.ordered_at"},
		{"/api/v1/invoices", `{"customer_external_id":"c1","amount":5,"issued_at":"0001-01-01"}`, "1.issued_at"},
		{"/api/v1/leads", `{"name":"Y","phone":"+905551234599","source":"call","consent_at":"0000-01-01T00:00:00Z"}`, "1.consent_at"},
	} {
		r := c.PostJSON(tc.path, []byte(tc.body), h)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s %s: %d %s, want 422", tc.path, tc.body, r.StatusCode, r.Body)
			continue
		}
		if p := problem(t, r); len(p.Errors) != 1 || p.Errors[0].Field != tc.field {
			t.Errorf("%s %s: errors %+v", tc.path, tc.body, p.Errors)
		}
	}
}

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A spreadsheet's "1.250" is 1250 liras in Turkish and 1.25 in English: an import reads it the
// way its decimal option says, refuses it (nothing stored, the reason in the caller's language)
// when no option settles it, and reads every number that can only mean one thing. It used to be
// stored as 1.25 whatever the sender meant.
func TestImportReadsNumbersAsWritten(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	post := func(query, ctype, body string) *apptest.Resp {
		return c.PostJSON("/api/v1/products"+query, []byte(body), map[string]string{"Authorization": "Bearer " + imp,
			"Content-Type": ctype, "Accept-Language": "tr"})
	}
	price := func(sku string) float64 {
		t.Helper()
		var p float64
		if err := e.DB("acme").Read.QueryRow(`SELECT unit_price FROM products WHERE sku = ?`, sku).Scan(&p); err != nil {
			t.Fatalf("%s: %v", sku, err)
		}
		return p
	}
	const head = "sku,name,unit,unit_price,currency\n"

	// No option: the batch is refused for its one ambiguous price, and nothing is stored.
	r := post("", "text/csv", head+"A1,Andezit,m2,\"1.250,50\",TRY\nA2,Granit,m2,1.250,TRY\n")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("ambiguous price: %d %s", r.StatusCode, r.Body)
	}
	p := problem(t, r)
	if len(p.Errors) != 1 || p.Errors[0].Field != "2.unit_price" || p.Errors[0].Code != "api.row.number_ambiguous" ||
		!strings.Contains(p.Errors[0].Detail, "“1.250” iki türlü okunabilir") || !strings.Contains(p.Errors[0].Detail, "?decimal=comma") {
		t.Fatalf("ambiguous price: %+v", p.Errors)
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM products`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("products stored after a refused batch: %d (%v)", n, err)
	}

	// decimal=comma: a Turkish spreadsheet's prices.
	if r := post("?decimal=comma", "text/csv", head+"A1,Andezit,m2,\"1.250,50\",TRY\nA2,Granit,m2,1.250,TRY\nA3,Bazalt,m2,\"12,5\",TRY\n"); r.StatusCode != http.StatusCreated {
		t.Fatalf("decimal=comma: %d %s", r.StatusCode, r.Body)
	}
	if a1, a2, a3 := price("A1"), price("A2"), price("A3"); a1 != 1250.5 || a2 != 1250 || a3 != 12.5 {
		t.Errorf("decimal=comma stored %v %v %v, want 1250.5 1250 12.5", a1, a2, a3)
	}
	// decimal=point: an English one; the same "1.250" is one and a quarter.
	if r := post("?decimal=point", "text/csv", head+"B1,Travertine,m2,\"1,250.50\",TRY\nB2,Slate,m2,1.250,TRY\n"); r.StatusCode != http.StatusCreated {
		t.Fatalf("decimal=point: %d %s", r.StatusCode, r.Body)
	}
	if b1, b2 := price("B1"), price("B2"); b1 != 1250.5 || b2 != 1.25 {
		t.Errorf("decimal=point stored %v %v, want 1250.5 1.25", b1, b2)
	}
	// A price written the other way than the option says is refused, not misread.
	r = post("?decimal=comma", "text/csv", head+"C1,Mermer,m2,\"1,250.50\",TRY\n")
	if p := problem(t, r); r.StatusCode != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Code != "api.row.number_comma" {
		t.Errorf("a point-written price under decimal=comma: %d %+v", r.StatusCode, p.Errors)
	}
	// A JSON number is JSON's, whatever the option.
	if r := post("?decimal=comma", "application/json", `{"sku":"D1","name":"Kayrak","unit":"m2","unit_price":1.250,"currency":"TRY"}`); r.StatusCode != http.StatusCreated {
		t.Fatalf("JSON number: %d %s", r.StatusCode, r.Body)
	}
	if d1 := price("D1"); d1 != 1.25 {
		t.Errorf("JSON number 1.250 stored as %v, want 1.25", d1)
	}
	// An option the importer does not know is a bad request, explained.
	r = post("?decimal=tr", "text/csv", head+"E1,Taş,m2,10,TRY\n")
	if p := problem(t, r); r.StatusCode != http.StatusBadRequest || p.Code != "bad_query" || !strings.Contains(p.Detail, "comma") {
		t.Errorf("decimal=tr: %d %+v", r.StatusCode, p)
	}
}

package api_test

import (
	"net/http"
	"testing"

	"highvibe/app/apptest"
)

// A product's active field is read the way spreadsheets write it: FALSE (Excel's CSV), False,
// no and 0 make an inactive product, TRUE, yes and 1 an active one, empty the default (active);
// any other word refuses its row naming the field instead of being read as active.
func TestImportProductActiveReadsSpreadsheetBooleans(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.APIClient()
	csv := "sku,name,unit,unit_price,active\nA1,Granit,m2,10,FALSE\nA2,Bazalt,m2,10,False\nA3,Andezit,m2,10,no\nA4,Begonit,m2,10,0\n" +
		"A5,Küp taş,m2,10,TRUE\nA6,Kilit,m2,10,yes\nA7,Bordür,m2,10,\nA8,Plak,m2,10,1\n"
	r, err := c.Call("POST", "/api/v1/products", imp, "text/csv", csv)
	noReqErr(t, "CSV products", err)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("import: %d %s", r.StatusCode, r.Body)
	}
	want := map[string]bool{"A1": false, "A2": false, "A3": false, "A4": false, "A5": true, "A6": true, "A7": true, "A8": true}
	rows, err := e.DB("acme").Read.Query(`SELECT sku, active FROM products`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sku string
		var active bool
		if err := rows.Scan(&sku, &active); err != nil {
			t.Fatal(err)
		}
		if active != want[sku] {
			t.Errorf("%s: active %v, want %v", sku, active, want[sku])
		}
	}
	for _, v := range []string{`"maybe"`, `"pasif"`, `"2"`} {
		r, _ := c.Call("POST", "/api/v1/products", imp, "application/json", `{"sku":"B1","name":"Granit","unit":"m2","unit_price":10,"active":`+v+`}`)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("active %s: %d %s, want 422", v, r.StatusCode, r.Body)
			continue
		}
		if p := problem(t, r); len(p.Errors) != 1 || p.Errors[0].Field != "1.active" {
			t.Errorf("active %s: problem %+v", v, p)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM products WHERE sku = 'B1'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("B1 stored %d times (%v)", n, err)
	}
}

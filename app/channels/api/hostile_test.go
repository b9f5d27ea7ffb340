package api_test

import (
	"net/http"
	"testing"

	"highvibe/app/apptest"
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

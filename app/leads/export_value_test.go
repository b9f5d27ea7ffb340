package leads_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// TestLeadsExportNoValueIsEmpty: a lead without an expected value shows "—" in the list, but the
// export wrote 0 in its value column (a spreadsheet then averages it as a lead worth nothing); the
// CSV and the XLSX now leave that cell empty, and a lead with a value keeps its number.
func TestLeadsExportNoValueIsEmpty(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	ids := map[string]int64{}
	for _, name := range []string{"Değersiz Aday", "Değerli Aday"} {
		err := db.InTx(context.Background(), func(tx *sql.Tx) error {
			var err error
			ids[name], _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: name, Name: name, Stage: "new", Source: "import"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if r := owner.Post(fmt.Sprintf("/app/leads/%d/value", ids["Değerli Aday"]), url.Values{"expected_value": {"12.500"}}); r.StatusCode != 303 {
		t.Fatalf("value: %d", r.StatusCode)
	}
	if r := owner.Get("/app/leads/"); !strings.Contains(r.Body, "—") {
		t.Fatal("the list shows no dash for the lead without a value")
	}
	want := map[string]string{"Değersiz Aday": "", "Değerli Aday": "12500"}
	check := func(format string, rows [][]string) {
		t.Helper()
		if len(rows) != 3 {
			t.Fatalf("%s: %d rows, want a header and 2 leads: %q", format, len(rows), rows)
		}
		if rows[0][7] != "Beklenen değer" {
			t.Fatalf("%s: column 8 is %q, not the value", format, rows[0][7])
		}
		for _, row := range rows[1:] {
			if got := row[7]; got != want[row[1]] {
				t.Errorf("%s: %s's value cell %q, want %q", format, row[1], got, want[row[1]])
			}
		}
	}
	r := owner.Get("/app/leads/export?format=csv")
	if r.StatusCode != 200 {
		t.Fatalf("csv: %d %s", r.StatusCode, r.Body)
	}
	body := strings.TrimPrefix(r.Body, "\uFEFF")
	cr := csv.NewReader(strings.NewReader(body))
	if header, _, _ := strings.Cut(body, "\n"); strings.Contains(header, ";") {
		cr.Comma = ';'
	}
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	check("csv", recs)
	x := owner.Get("/app/leads/export?format=xlsx")
	if x.StatusCode != 200 {
		t.Fatalf("xlsx: %d %s", x.StatusCode, x.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	check("xlsx", rows)
}

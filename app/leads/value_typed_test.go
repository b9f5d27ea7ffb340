package leads_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// A lead's expected value is read the way the panel writes amounts, in every language: "12.500" and
// "12,500" are twelve thousand five hundred, "12.500,00" too. A value with a fraction ("1.5", or
// "2500.50" typed the English way) is refused next to the field: it is whole units, and the dot
// used to be dropped as a thousands separator, so "2500.50" was stored as 250050.
func TestLeadValueReadAsTyped(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	db := e.DB("acme")
	var lead int64
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		lead, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "v-1", Name: "Aday", Stage: "new", Source: "import"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	value := func() int64 {
		var v int64
		if err := db.Read.QueryRow(`SELECT expected_value FROM leads WHERE id = ?`, lead).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	path := fmt.Sprintf("/app/leads/%d/value", lead)
	for in, want := range map[string]int64{"12.500": 12500, "12,500": 12500, "12.500,00": 12500, "12500": 12500, "1 250": 1250, "": 0} {
		if r := op.Post(path, url.Values{"expected_value": {in}}); r.StatusCode != 303 {
			t.Errorf("%q: %d", in, r.StatusCode)
		} else if got := value(); got != want {
			t.Errorf("%q stored as %d, want %d", in, got, want)
		}
	}
	if r := op.Post(path, url.Values{"expected_value": {"700"}}); r.StatusCode != 303 {
		t.Fatalf("700: %d", r.StatusCode)
	}
	for _, in := range []string{"1.5", "2500.50", "2.500,50", "-5", "abc", "1.2.3"} {
		r := op.Post(path, url.Values{"expected_value": {in}})
		if r.StatusCode != 422 {
			t.Errorf("%q: %d, want 422", in, r.StatusCode)
			continue
		}
		if got := strings.TrimSpace(r.Doc(t).Find("#expected_value").Parent().Find(".field-error").Text()); got != "0 veya daha büyük bir tam tutar girin." {
			t.Errorf("%q: field error %q", in, got)
		}
		if got := value(); got != 700 {
			t.Errorf("%q: value now %d", in, got)
		}
	}
	// The list's value filter reads amounts the same way.
	if r := op.Get("/app/leads/?min=1.5"); r.StatusCode != 200 || r.Doc(t).Find(`[data-ignored-filter="min"]`).Length() != 1 {
		t.Errorf("filter min=1.5: %d, not said to be ignored", r.StatusCode)
	}
	if r := op.Get("/app/leads/?min=12.500&max=20,000"); r.StatusCode != 200 {
		t.Errorf("filter 12.500-20,000: %d", r.StatusCode)
	}
}

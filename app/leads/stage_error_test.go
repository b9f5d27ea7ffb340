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

// A stage that is not one of the list (a tampered form) is refused with its message next to the
// stage field: the page said "Lütfen aşağıdaki alanları düzeltin." with nothing marked below it.
func TestLeadStageRefusalIsShownAtTheField(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	var lead int64
	err := e.DB("acme").InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		lead, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "s-1", Name: "Aday", Stage: "new", Source: "import"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"bogus"}})
	if r.StatusCode != 422 {
		t.Fatalf("bogus stage: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if got := strings.TrimSpace(doc.Find("#lead-stage-select").Parent().Find(".field-error").Text()); got != "Sunulan seçeneklerden birini seçin." {
		t.Errorf("stage field error %q", got)
	}
	if _, ok := doc.Find("#lead-stage-select").Attr("aria-invalid"); !ok {
		t.Error("the stage field is not marked invalid")
	}
	if s := stageOf(t, e, "acme", lead); s != "new" {
		t.Errorf("stage now %s", s)
	}
}

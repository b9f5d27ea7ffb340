package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A refused change of a time entry says the time entry was not saved: the form reused the contract
// form's line and told the person "Sözleşme kaydedilmedi." (the contract was not saved).
func TestTimeEntryRefusalSaysTheEntry(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	tid := strconv.FormatInt(te.ticket.ID, 10)
	today := day(time.Now())
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {today}, "hours": {"2"}, "billable": {"1"}}), http.StatusSeeOther, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := te.oper.Post("/app/msp/time/entries/"+strconv.FormatInt(id, 10)+"/edit", url.Values{"day": {today}, "start": {"10:00"}, "end": {"09:00"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad change: %d", r.StatusCode)
	}
	flash := strings.TrimSpace(r.Doc(t).Find(".flash-error").Text())
	if flash != "Zaman kaydı kaydedilmedi. İşaretli alanları düzeltin." {
		t.Errorf("flash %q", flash)
	}
}

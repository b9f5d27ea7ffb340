package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A refused assignment (someone no longer on the team: the list was loaded before they left) or a
// status not in the list answers the ticket page with its message where the person acted: the page
// came back 422 with nothing marked at all.
func TestTicketAssignAndStatusRefusalsAreShown(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10)
	r := te.oper.Post(path+"/assign", url.Values{"assignee": {"999"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("assign to a stranger: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if got := strings.TrimSpace(doc.Find("#assign .field-error").Text()); got != "Ekipten talepler üzerinde çalışan etkin bir kişi seçin: operatör ya da sahip (izleyici talepleri yalnızca okuyabilir)." {
		t.Errorf("assign error %q", got)
	}
	if _, ok := doc.Find("#assignee").Attr("aria-invalid"); !ok {
		t.Error("the assignee field is not marked invalid")
	}
	r = te.oper.Post(path+"/status", url.Values{"status": {"bogus"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bogus status: %d", r.StatusCode)
	}
	if got := strings.TrimSpace(r.Doc(t).Find("#moves .field-error").Text()); got != "Listeden bir durum seçin." {
		t.Errorf("status error %q", got)
	}
}

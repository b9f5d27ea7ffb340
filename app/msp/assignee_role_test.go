package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestViewerIsNotAnAssignee: a ticket is given to someone who works tickets. The assignee lists
// offered every active member, viewers too — a read-only member (the business's accountant, its
// lawyer) could be given a ticket they cannot answer, move or log time on, and its SLA warnings
// went to them. The lists now offer operators and owners only, and giving a ticket to a viewer
// is refused with the reason, on the ticket page and on the new-ticket form.
func TestViewerIsNotAnAssignee(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10) + "/"
	vid, oid := strconv.FormatInt(te.viewer.UserID, 10), strconv.FormatInt(te.oper.UserID, 10)
	for _, page := range []string{path, "/app/msp/tickets/new"} {
		doc := te.oper.Get(page).Doc(t)
		sel := doc.Find(`select[name="assignee"]`)
		if sel.Find(`option[value="`+oid+`"]`).Length() != 1 {
			t.Fatalf("%s: the operator is not offered", page)
		}
		if sel.Find(`option[value="`+vid+`"]`).Length() != 0 {
			t.Errorf("%s: the viewer is offered as an assignee", page)
		}
	}
	r := te.oper.Post(path+"assign", url.Values{"assignee": {vid}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "assign to a viewer")
	if msg := r.Doc(t).Find("#assignee-error").Text(); !strings.Contains(msg, "a viewer can only read them") {
		t.Errorf("reason %q", msg)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_tickets WHERE id = ? AND assignee_user_id IS NOT NULL`, te.ticket.ID); n != 0 {
		t.Fatal("the ticket was given to the viewer")
	}
	r = te.oper.Post("/app/msp/tickets/new", url.Values{"subject": {"Yazıcı"}, "priority": {"p3"}, "assignee": {vid}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "new ticket for a viewer")
	wantStatus(t, te.oper.Post(path+"assign", url.Values{"assignee": {oid}}), http.StatusSeeOther, "assign to the operator")
}

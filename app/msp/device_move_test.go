package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/msp"
)

// A device can go to another client (on its form, or by an import row with its serial). The
// tickets of its former client keep naming it, and their other details still change: raising
// the priority of such an open ticket was refused at the device ("Bu cihaz başka bir
// müşterinin."), unless the technician took the device off the ticket. Choosing the device anew
// for a ticket of the former client is still refused.
func TestTicketKeepsADeviceThatWentToAnotherClient(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	other, err := msp.SaveClient(context.Background(), te.db, 0, msp.ClientInput{Name: "Güney Gıda"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, te.oper.Post("/app/msp/devices/"+strconv.FormatInt(te.device, 10)+"/", url.Values{"client": {strconv.FormatInt(other, 10)},
		"kind": {"server"}, "name": {"DC01"}}), http.StatusSeeOther, "move the device to the other client")

	edit := func(tk *msp.Ticket, priority string) *http.Response {
		return te.oper.Post("/app/msp/tickets/"+strconv.FormatInt(tk.ID, 10)+"/edit", url.Values{"subject": {tk.Subject},
			"priority": {priority}, "category": {tk.Category}, "client": {strconv.FormatInt(te.client, 10)},
			"site": {strconv.FormatInt(te.site, 10)}, "device": {strconv.FormatInt(te.device, 10)}}).Response
	}
	if r := edit(te.onDevice, "p1"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("raising the priority of the device's ticket: %d", r.StatusCode)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_tickets WHERE id = ? AND priority = 'p1' AND device_id = ? AND client_id = ?`,
		te.onDevice.ID, te.device, te.client); n != 1 {
		t.Fatal("the ticket did not keep its device with the new priority")
	}

	r := te.oper.Post("/app/msp/tickets/"+strconv.FormatInt(te.ticket.ID, 10)+"/edit", url.Values{"subject": {te.ticket.Subject},
		"priority": {"p3"}, "category": {te.ticket.Category}, "client": {strconv.FormatInt(te.client, 10)},
		"device": {strconv.FormatInt(te.device, 10)}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "choose the other client's device")
	if msg := r.Doc(t).Find(".field-error").Text(); !strings.Contains(msg, "Bu cihaz başka bir müşterinin.") {
		t.Errorf("choosing another client's device says %q", msg)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_tickets WHERE id = ? AND device_id IS NULL`, te.ticket.ID); n != 1 {
		t.Error("the refused device was stored")
	}
}

package msp_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/msp"
)

// Two technicians have the same device open. Oscar records its warranty's last day as 30 June
// 2028; Olga, her page drawn before, types 31 December 2027 into the same box and saves. Her save
// used to win without a word: Oscar's date was gone. Now it stores nothing and the form comes
// back saying, in her language, what Oscar saved and what she typed, her typing kept; pressed
// again, her date is stored deliberately.
func TestDeviceSameFieldChangedMeanwhileIsRefused(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	device := "/app/msp/devices/" + strconv.FormatInt(te.device, 10) + "/"
	oscar := pageForm(t, te.oper.Get(device).Doc(t), `#device-form`)
	olga := pageForm(t, te.owner.Get(device).Doc(t), `#device-form`)
	oscar.Set("warranty_end", "2028-06-30")
	wantStatus(t, te.oper.Post(device, oscar), 303, "oscar's warranty")

	olga.Set("warranty_end", "2027-12-31")
	olga.Set("notes", "Raf 2") // another box she changed: not stored either
	res := te.owner.Post(device, olga)
	wantStatus(t, res, 409, "olga's warranty over oscar's")
	doc := res.Doc(t)
	top := doc.Find("[data-changed-meanwhile]").Text()
	if !strings.Contains(top, "Kaydedilmedi") {
		t.Fatalf("no notice above the form: %q", top)
	}
	beside := doc.Find("#warranty_end").Parent().Find(".field-error").Text()
	if !strings.Contains(beside, "30.06.2028") || !strings.Contains(beside, "31.12.2027") {
		t.Fatalf("beside the warranty: %q, want both dates", beside)
	}
	d, err := msp.DeviceByID(context.Background(), te.db.Read, te.device)
	if err != nil {
		t.Fatal(err)
	}
	if d.WarrantyEnd != "2028-06-30" || d.Notes == "Raf 2" {
		t.Fatalf("after the refused save: warranty %q notes %q, want oscar's and nothing of olga's", d.WarrantyEnd, d.Notes)
	}
	again := pageForm(t, doc, `#device-form`)
	if again.Get("warranty_end") != "2027-12-31" || again.Get("was_warranty_end") != "2028-06-30" || again.Get("notes") != "Raf 2" {
		t.Fatalf("the form shown again: warranty %q (was %q), notes %q", again.Get("warranty_end"), again.Get("was_warranty_end"), again.Get("notes"))
	}
	wantStatus(t, te.owner.Post(device, again), 303, "olga saves again, deliberately")
	if d, _ = msp.DeviceByID(context.Background(), te.db.Read, te.device); d.WarrantyEnd != "2027-12-31" || d.Notes != "Raf 2" {
		t.Fatalf("after the second press: warranty %q notes %q", d.WarrantyEnd, d.Notes)
	}
}

// The ticket's priority, one technician raising it to P1 while another, from an older page,
// lowers it to P4: the second is refused naming both priorities, then stored when pressed again.
func TestTicketSamePriorityChangedMeanwhileIsRefused(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10)
	oscar := pageForm(t, te.oper.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	olga := pageForm(t, te.owner.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	oscar.Set("priority", msp.P1)
	wantStatus(t, te.oper.Post(path+"/edit", oscar), 303, "oscar raises the priority")
	olga.Set("priority", msp.P4)
	olga.Set("subject", "Mail down (Outlook)")
	res := te.owner.Post(path+"/edit", olga)
	wantStatus(t, res, 409, "olga lowers it from an older page")
	doc := res.Doc(t)
	beside := doc.Find("#priority").Parent().Find(".field-error").Text()
	if !strings.Contains(beside, "P1 critical") || !strings.Contains(beside, "P4 low") {
		t.Fatalf("beside the priority: %q", beside)
	}
	got, _ := msp.TicketByID(context.Background(), te.db.Read, te.ticket.ID)
	if got.Priority != msp.P1 || got.Subject == "Mail down (Outlook)" {
		t.Fatalf("after the refused save: %s %q", got.Priority, got.Subject)
	}
	again := pageForm(t, doc, `form[action$="/edit"]`)
	if again.Get("priority") != msp.P4 || again.Get("was_priority") != msp.P1 || again.Get("subject") != "Mail down (Outlook)" {
		t.Fatalf("the form shown again: %v", again)
	}
	wantStatus(t, te.owner.Post(path+"/edit", again), 303, "olga saves again")
	if got, _ = msp.TicketByID(context.Background(), te.db.Read, te.ticket.ID); got.Priority != msp.P4 || got.Subject != "Mail down (Outlook)" {
		t.Fatalf("after the second press: %s %q", got.Priority, got.Subject)
	}
}

package msp_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/msp"
)

// pageForm is what a browser sends for the form sel of a page as drawn (apptest.FormValues).
func pageForm(t *testing.T, doc *goquery.Document, sel string) url.Values {
	t.Helper()
	f := doc.Find(sel)
	if f.Length() != 1 {
		t.Fatalf("form %s: %d found", sel, f.Length())
	}
	return apptest.FormValues(f)
}

// Two technicians have the same ticket open. Oscar raises it to P1 (the client's server is down);
// Olga, whose page was drawn before, corrects the subject's typo and saves. Her save sent the
// priority her page showed (P3) with the subject, and put the ticket back to P3 without a word:
// the SLA clock ran on the lower target. Now a save changes only what its sender changed on the
// page: the subject is Olga's, the priority stays Oscar's P1.
func TestTicketEditKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10)
	oscar := pageForm(t, te.oper.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	olga := pageForm(t, te.owner.Get(path+"/").Doc(t), `form[action$="/edit"]`)

	oscar.Set("priority", msp.P1)
	wantStatus(t, te.oper.Post(path+"/edit", oscar), 303, "oscar raises the priority")

	olga.Set("subject", "E-posta gelmiyor (Outlook)")
	wantStatus(t, te.owner.Post(path+"/edit", olga), 303, "olga corrects the subject")

	got, err := msp.TicketByID(context.Background(), te.db.Read, te.ticket.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != msp.P1 || got.Subject != "E-posta gelmiyor (Outlook)" || got.ClientID != te.client {
		t.Fatalf("after both saves: priority %s, subject %q, client %d", got.Priority, got.Subject, got.ClientID)
	}
	// Olga's page drawn again saves as it stands: nothing changes.
	again := pageForm(t, te.owner.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	wantStatus(t, te.owner.Post(path+"/edit", again), 303, "olga saves again")
	if n := te.count(t, `SELECT COUNT(*) FROM msp_ticket_events WHERE ticket_id = ? AND kind = 'priority'`, te.ticket.ID); n != 1 {
		t.Fatalf("%d priority lines, want Oscar's one", n)
	}
}

// The same for a device, a site and a client's contact: Oscar records the device's warranty,
// Olga (her page drawn before) renames it, and the warranty was gone; one writes the site's
// access notes, the other its address; one the client's phone, the other the notes. Each save
// now changes only what its sender changed; a refused save shown again still knows what its
// page first showed, so what was changed on it stays changed.
func TestAssetEditsKeepWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	olga2 := te.e.User("bilisim", "omer", "owner")
	device := "/app/msp/devices/" + strconv.FormatInt(te.device, 10) + "/"
	oscar := pageForm(t, te.oper.Get(device).Doc(t), `#device-form`)
	olga := pageForm(t, te.owner.Get(device).Doc(t), `#device-form`)
	oscar.Set("warranty_end", "2028-06-30")
	wantStatus(t, te.oper.Post(device, oscar), 303, "oscar's warranty")
	olga.Set("name", "")
	olga.Set("notes", "Raf 2")
	wantStatus(t, te.owner.Post(device, olga), 422, "olga's device without a name")
	olga = pageForm(t, te.owner.Post(device, olga).Doc(t), `#device-form`) // the refused form, as shown again
	olga.Set("name", "DC01-yeni")
	wantStatus(t, te.owner.Post(device, olga), 303, "olga's device name")
	d, err := msp.DeviceByID(context.Background(), te.db.Read, te.device)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "DC01-yeni" || d.WarrantyEnd != "2028-06-30" || d.Notes != "Raf 2" || d.SiteID != te.site {
		t.Fatalf("device after both saves: %q warranty %q notes %q site %d", d.Name, d.WarrantyEnd, d.Notes, d.SiteID)
	}

	site := "/app/msp/sites/" + strconv.FormatInt(te.site, 10) + "/"
	oscar = pageForm(t, te.oper.Get(site).Doc(t), `#site-form`)
	olga = pageForm(t, te.owner.Get(site).Doc(t), `#site-form`)
	oscar.Set("access_notes", "Kapı kodu 4321")
	wantStatus(t, te.oper.Post(site, oscar), 303, "oscar's access notes")
	olga.Set("address", "Atatürk Cad. 5, Kadıköy")
	wantStatus(t, te.owner.Post(site, olga), 303, "olga's address")
	s, err := msp.SiteByID(context.Background(), te.db.Read, te.site)
	if err != nil {
		t.Fatal(err)
	}
	if s.AccessNotes != "Kapı kodu 4321" || s.Address != "Atatürk Cad. 5, Kadıköy" {
		t.Fatalf("site after both saves: notes %q address %q", s.AccessNotes, s.Address)
	}

	client := "/app/msp/clients/" + strconv.FormatInt(te.client, 10) + "/"
	his := pageForm(t, olga2.Get(client).Doc(t), `#client-form form`)
	olga = pageForm(t, te.owner.Get(client).Doc(t), `#client-form form`)
	his.Set("contact_phone", "+90 212 555 11 22")
	wantStatus(t, olga2.Post(client, his), 303, "omer's phone")
	olga.Set("notes", "Cuma günleri kapalı")
	wantStatus(t, te.owner.Post(client, olga), 303, "olga's notes")
	cl, err := msp.ClientByID(context.Background(), te.db.Read, te.client)
	if err != nil {
		t.Fatal(err)
	}
	if cl.ContactPhone == "" || cl.Notes != "Cuma günleri kapalı" {
		t.Fatalf("client after both saves: phone %q notes %q", cl.ContactPhone, cl.Notes)
	}
}

// Two owners have the same contract's edit page open. Olga raises its hours to 20 and adds the
// site to what it covers; Ömer, his page drawn before her save, writes a note and ticks the
// device. His save sent the hours and coverage his page showed, so her 20 hours went back to 10
// and her site came off the contract, without a word. Now each save changes only what its sender
// changed.
func TestContractEditKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	omer := te.e.User("bilisim", "omer", "owner")
	now := time.Now()
	id := te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {now.AddDate(0, -1, 0).Format(time.DateOnly)},
		"ends_on": {now.AddDate(1, 0, 0).Format(time.DateOnly)}, "hours": {"10"}, "price": {"12500"}, "currency": {"TRY"}})
	edit, save := "/app/msp/contracts/"+strconv.FormatInt(id, 10)+"/edit", "/app/msp/contracts/"+strconv.FormatInt(id, 10)+"/"
	hers := pageForm(t, te.owner.Get(edit).Doc(t), `form.contract-form`)
	his := pageForm(t, omer.Get(edit).Doc(t), `form.contract-form`)
	hers.Set("hours", "20")
	hers.Add("site", strconv.FormatInt(te.site, 10))
	wantStatus(t, te.owner.Post(save, hers), 303, "olga's hours")
	his.Set("notes", "Yıllık bakım dahil")
	his.Set("price", "on iki bin")
	wantStatus(t, omer.Post(save, his), 422, "ömer's price in words")
	his = pageForm(t, omer.Post(save, his).Doc(t), `form.contract-form`) // the refused form, as shown again
	his.Set("price", "12500")
	his.Add("device", strconv.FormatInt(te.device, 10))
	wantStatus(t, omer.Post(save, his), 303, "ömer's note")
	k, err := msp.ContractByID(context.Background(), te.db.Read, id)
	if err != nil {
		t.Fatal(err)
	}
	if k.MonthlyMinutes != 20*60 || k.Notes != "Yıllık bakım dahil" || len(k.SiteIDs) != 1 || len(k.DeviceIDs) != 1 {
		t.Fatalf("contract after both saves: %d min, notes %q, sites %v, devices %v", k.MonthlyMinutes, k.Notes, k.SiteIDs, k.DeviceIDs)
	}
}

// Oscar logged two hours on a ticket. The owner, Olga, makes the entry not billable and cuts it
// to 45 minutes while Oscar, his page drawn before her save, fixes the note: his save sent the
// duration and the billable box his page showed, so the customer was billed two hours again,
// without a word. Now each save changes only what its sender changed; the day with its times or
// duration goes as one.
func TestTimeEntryEditKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	tid := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {time.Now().Format(time.DateOnly)},
		"hours": {"2"}, "billable": {"1"}, "note": {"sunucu"}}), 303, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	edit := "/app/msp/time/entries/" + strconv.FormatInt(id, 10) + "/edit"
	his := pageForm(t, te.oper.Get(edit).Doc(t), `#entry-edit`)
	hers := pageForm(t, te.owner.Get(edit).Doc(t), `#entry-edit`)
	hers.Del("billable")
	hers.Set("hours", "0")
	hers.Set("minutes", "45")
	wantStatus(t, te.owner.Post(edit, hers), 303, "olga's change")
	his.Set("note", "sunucu: disk değişti")
	his.Set("minutes", "yarım")
	// His page's duration changed by him and by Olga meanwhile: refused (a duration both people
	// changed is not taken silently), saying what she saved.
	res := te.oper.Post(edit, his)
	wantStatus(t, res, 409, "oscar's minutes in words, over olga's duration")
	his = pageForm(t, res.Doc(t), `#entry-edit`) // the refused form, as shown again
	if his.Get("minutes") != "yarım" || his.Get("was_minutes") != "45" || his.Get("note") != "sunucu: disk değişti" {
		t.Fatalf("the refused form: minutes %q (was %q), note %q", his.Get("minutes"), his.Get("was_minutes"), his.Get("note"))
	}
	// He takes her duration: the boxes as the form now says is stored.
	his.Set("hours", his.Get("was_hours"))
	his.Set("minutes", his.Get("was_minutes"))
	wantStatus(t, te.oper.Post(edit, his), 303, "oscar's note")
	var m int
	var b bool
	var n string
	if err := te.db.Read.QueryRow(`SELECT minutes, billable, note FROM msp_time_entries WHERE id = ?`, id).Scan(&m, &b, &n); err != nil {
		t.Fatal(err)
	}
	if m != 45 || b || n != "sunucu: disk değişti" {
		t.Fatalf("entry after both saves: %d min, billable %v, note %q", m, b, n)
	}
}

// Ömer retypes the contract's hours as "10,0" (the "10" his page showed) while writing a note;
// meanwhile Olga raised them to 20. The hours were compared as written, so his save was refused
// as if he had changed them too. They are compared as the form reads them: his note is stored
// and her 20 hours stay.
func TestContractHoursRetypedIsNoChange(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	omer := te.e.User("bilisim", "omer", "owner")
	now := time.Now()
	id := te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {now.AddDate(0, -1, 0).Format(time.DateOnly)},
		"ends_on": {now.AddDate(1, 0, 0).Format(time.DateOnly)}, "hours": {"10"}, "price": {"12500"}, "currency": {"TRY"}})
	edit, save := "/app/msp/contracts/"+strconv.FormatInt(id, 10)+"/edit", "/app/msp/contracts/"+strconv.FormatInt(id, 10)+"/"
	hers := pageForm(t, te.owner.Get(edit).Doc(t), `form.contract-form`)
	his := pageForm(t, omer.Get(edit).Doc(t), `form.contract-form`)
	hers.Set("hours", "20")
	wantStatus(t, te.owner.Post(save, hers), 303, "olga's hours")
	if his.Get("hours") != "10" {
		t.Fatalf("the hours as drawn: %q", his.Get("hours"))
	}
	his.Set("hours", "10,0")
	his.Set("notes", "Yıllık bakım dahil")
	wantStatus(t, omer.Post(save, his), 303, "ömer's note with the hours retyped")
	k, err := msp.ContractByID(context.Background(), te.db.Read, id)
	if err != nil {
		t.Fatal(err)
	}
	if k.MonthlyMinutes != 20*60 || k.Notes != "Yıllık bakım dahil" {
		t.Fatalf("contract after both saves: %d min, notes %q", k.MonthlyMinutes, k.Notes)
	}
}

// Oscar retypes his entry's hours as "02" (the "2" his page showed) while fixing the note;
// meanwhile Olga cut the entry to 1 hour 30. The duration was compared as written, so his save
// was refused as if he had changed it too. It is compared as the form reads it: his note is
// stored and her 90 minutes stay.
func TestTimeEntryHoursRetypedIsNoChange(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	tid := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {time.Now().Format(time.DateOnly)},
		"hours": {"2"}, "billable": {"1"}, "note": {"sunucu"}}), 303, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	edit := "/app/msp/time/entries/" + strconv.FormatInt(id, 10) + "/edit"
	his := pageForm(t, te.oper.Get(edit).Doc(t), `#entry-edit`)
	hers := pageForm(t, te.owner.Get(edit).Doc(t), `#entry-edit`)
	hers.Set("hours", "1")
	hers.Set("minutes", "30")
	wantStatus(t, te.owner.Post(edit, hers), 303, "olga's duration")
	if his.Get("hours") != "2" {
		t.Fatalf("the hours as drawn: %q", his.Get("hours"))
	}
	his.Set("hours", "02")
	his.Set("note", "sunucu: disk değişti")
	wantStatus(t, te.oper.Post(edit, his), 303, "oscar's note with the hours retyped")
	var m int
	var n string
	if err := te.db.Read.QueryRow(`SELECT minutes, note FROM msp_time_entries WHERE id = ?`, id).Scan(&m, &n); err != nil {
		t.Fatal(err)
	}
	if m != 90 || n != "sunucu: disk değişti" {
		t.Fatalf("entry after both saves: %d min, note %q", m, n)
	}
}

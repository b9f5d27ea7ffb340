package msp_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/msp"
)

// Two technicians move the same ticket to another client from pages drawn at the same time:
// Oscar to Güney Enerji, then Olga, her page from before, to Batı Yazılım. Her save is refused;
// beside the client it used to say only that a colleague saved "another choice", so she could
// not tell what to keep without opening the ticket elsewhere. It names both clients now, as
// the select shows them, in her language.
func TestTicketClientChangedMeanwhileNamesBothClients(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	ctx := context.Background()
	south, err := msp.SaveClient(ctx, te.db, 0, msp.ClientInput{Name: "Güney Enerji"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	west, err := msp.SaveClient(ctx, te.db, 0, msp.ClientInput{Name: "Batı Yazılım"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	path := "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10)
	oscar := pageForm(t, te.oper.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	olga := pageForm(t, te.owner.Get(path+"/").Doc(t), `form[action$="/edit"]`)
	oscar.Set("client", strconv.FormatInt(south, 10))
	wantStatus(t, te.oper.Post(path+"/edit", oscar), 303, "oscar moves the ticket")
	olga.Set("client", strconv.FormatInt(west, 10))
	res := te.owner.Post(path+"/edit", olga)
	wantStatus(t, res, 409, "olga moves it elsewhere from an older page")
	beside := res.Doc(t).Find("#client").Parent().Find(".field-error").Text()
	if !strings.Contains(beside, "Güney Enerji") || !strings.Contains(beside, "Batı Yazılım") || !strings.Contains(beside, "seçtiniz") {
		t.Fatalf("beside the client: %q, want both clients' names in Turkish", beside)
	}
	if got, _ := msp.TicketByID(ctx, te.db.Read, te.ticket.ID); got.ClientID != south {
		t.Fatalf("after the refused save the ticket's client is %d, want oscar's %d", got.ClientID, south)
	}
}

// A device's site: Oscar puts it in the depot, Olga, from an older page, takes its site off. The
// refusal names the depot as its select shows it (client · site) and says she took the choice off.
func TestDeviceSiteChangedMeanwhileNamesTheSite(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	depot, err := msp.SaveSite(context.Background(), te.db, 0, msp.Site{ClientID: te.client, Name: "Depot"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	device := "/app/msp/devices/" + strconv.FormatInt(te.device, 10) + "/"
	oscar := pageForm(t, te.oper.Get(device).Doc(t), `#device-form`)
	olga := pageForm(t, te.owner.Get(device).Doc(t), `#device-form`)
	oscar.Set("site", strconv.FormatInt(depot, 10))
	wantStatus(t, te.oper.Post(device, oscar), 303, "oscar moves the device to the depot")
	olga.Set("site", "")
	res := te.owner.Post(device, olga)
	wantStatus(t, res, 409, "olga takes its site off from an older page")
	beside := res.Doc(t).Find("#site").Parent().Find(".field-error").Text()
	if !strings.Contains(beside, "Kuzey Lojistik · Depot") || !strings.Contains(beside, "you removed the choice") {
		t.Fatalf("beside the site: %q, want the depot named and her removal", beside)
	}
}

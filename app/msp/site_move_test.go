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

// A site whose devices and tickets name it stays with its client: moved alone (the site form's
// client list), its devices and tickets named a site of another client, and saving any of them
// unchanged was refused with "Bu lokasyon başka bir müşterinin.". A site nothing names yet (made
// under the wrong client a minute ago) still moves.
func TestSiteInUseStaysWithItsClient(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	other, err := msp.SaveClient(context.Background(), te.db, 0, msp.ClientInput{Name: "Güney Gıda"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	site := "/app/msp/sites/" + strconv.FormatInt(te.site, 10) + "/"
	form := url.Values{"client": {strconv.FormatInt(other, 10)}, "name": {"Merkez ofis"}, "address": {"Moda Cad. 12"}}
	r := te.oper.Post(site, form)
	wantStatus(t, r, http.StatusUnprocessableEntity, "move a site with a device and a ticket")
	want := "Bu lokasyonun cihazları, talepleri ya da sözleşmeleri müşterisine ait: lokasyon o müşteride kalır. Diğer müşteri için yeni bir lokasyon ekleyin."
	if got := strings.TrimSpace(r.Doc(t).Find("#client").Parent().Find(".field-error").Text()); got != want {
		t.Errorf("client field error %q", got)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_sites WHERE id = ? AND client_id = ? AND address = ''`, te.site, te.client); n != 1 {
		t.Fatalf("the refused move was stored (%d)", n)
	}
	// The device at the site and the ticket on it still save as they are.
	dev := te.oper.Post("/app/msp/devices/"+strconv.FormatInt(te.device, 10)+"/", url.Values{"client": {strconv.FormatInt(te.client, 10)},
		"site": {strconv.FormatInt(te.site, 10)}, "kind": {"server"}, "name": {"DC01"}})
	wantStatus(t, dev, http.StatusSeeOther, "save the site's device")
	tk := te.oper.Post("/app/msp/tickets/"+strconv.FormatInt(te.onDevice.ID, 10)+"/edit", url.Values{"subject": {"Sunucu çok yavaş"},
		"priority": {"p3"}, "category": {"hardware"}, "client": {strconv.FormatInt(te.client, 10)}, "site": {strconv.FormatInt(te.site, 10)},
		"device": {strconv.FormatInt(te.device, 10)}})
	wantStatus(t, tk, http.StatusSeeOther, "save the site's ticket")

	// Keeping the client, the site saves; a site nothing names moves to the other client.
	wantStatus(t, te.oper.Post(site, url.Values{"client": {strconv.FormatInt(te.client, 10)}, "name": {"Merkez ofis"}, "address": {"Moda Cad. 12"}}),
		http.StatusSeeOther, "save the site on its client")
	empty, err := msp.SaveSite(context.Background(), te.db, 0, msp.Site{ClientID: te.client, Name: "Depo"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	mv := te.oper.Post("/app/msp/sites/"+strconv.FormatInt(empty, 10)+"/", url.Values{"client": {strconv.FormatInt(other, 10)}, "name": {"Depo"}})
	wantStatus(t, mv, http.StatusSeeOther, "move an unused site")
	if n := te.count(t, `SELECT count(*) FROM msp_sites WHERE id = ? AND client_id = ?`, empty, other); n != 1 {
		t.Errorf("the unused site did not move")
	}
}

package msp_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/msp"
)

// A device a contract of its client covers stays with that client, as a site does: moved alone
// (the device form's client list), it dropped out of the contract on the contract's next save,
// and its tickets stopped counting against it, without a word. The move is refused beside the
// client, naming the contract; once the contract no longer covers it, the device moves.
func TestDeviceInContractStaysWithItsClient(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	ctx := context.Background()
	other, err := msp.SaveClient(ctx, te.db, 0, msp.ClientInput{Name: "Güney Gıda"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	start, end := time.Now().AddDate(0, -1, 0).Format(time.DateOnly), time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	contract := te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {start}, "ends_on": {end}, "hours": {"10"}, "price": {"9000"}, "currency": {"TRY"},
		"device": {strconv.FormatInt(te.device, 10)}})
	dev := "/app/msp/devices/" + strconv.FormatInt(te.device, 10) + "/"
	move := url.Values{"client": {strconv.FormatInt(other, 10)}, "kind": {"server"}, "name": {"DC01"}}
	r := te.oper.Post(dev, move)
	wantStatus(t, r, http.StatusUnprocessableEntity, "move a device its client's contract covers")
	want := "Müşterinin yönetilen hizmet sözleşmesi (" + start + " – " + end + ") bu cihazı kapsıyor: cihaz o müşteride kalır. " +
		"Önce cihazı sözleşmeden çıkarın ya da diğer müşteri için yeni bir cihaz ekleyin."
	if got := strings.TrimSpace(r.Doc(t).Find("#client").Parent().Find(".field-error").Text()); got != want {
		t.Errorf("client field error %q", got)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_devices WHERE id = ? AND client_id = ?`, te.device, te.client); n != 1 {
		t.Fatal("the refused move was stored")
	}
	// In Arabic the contract's days stay one left-to-right run, in order, as the ticket page shows
	// them: without the isolate the dates came apart around the hyphens ("01-11-2026").
	ar := te.oper.Post(dev+"?lang=ar", move)
	wantStatus(t, ar, http.StatusUnprocessableEntity, "move it on an Arabic page")
	if got := ar.Doc(t).Find("#client").Parent().Find(".field-error").Text(); !strings.Contains(got, "(\u2066"+start+" – "+end+"\u2069)") {
		t.Errorf("Arabic client field error %q", got)
	}
	// The same device by an import row with its serial is refused too.
	if _, err := te.db.Write.Exec(`UPDATE msp_devices SET serial = 'SN-DC01' WHERE id = ?`, te.device); err != nil {
		t.Fatal(err)
	}
	var rowErrs map[string]string
	if err := te.db.InTx(ctx, func(tx *sql.Tx) (err error) {
		_, _, rowErrs, err = msp.ImportDevice(ctx, tx, map[string]string{"serial": "SN-DC01", "client_id": strconv.FormatInt(other, 10),
			"kind": "server", "name": "DC01"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := rowErrs["client_id"]; !strings.HasPrefix(got, "msp.err.device_in_contract.managed|") {
		t.Errorf("the import row moving the device says %v", rowErrs)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_devices WHERE id = ? AND client_id = ?`, te.device, te.client); n != 1 {
		t.Fatal("the import moved the device")
	}

	// Saved on its client, the device saves; taken off the contract, it moves.
	wantStatus(t, te.oper.Post(dev, url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"server"}, "name": {"DC01"}}),
		http.StatusSeeOther, "save the device on its client")
	wantStatus(t, te.owner.Post("/app/msp/contracts/"+strconv.FormatInt(contract, 10)+"/", url.Values{"kind": {"managed"},
		"starts_on": {start}, "ends_on": {end}, "hours": {"10"}, "price": {"9000"}, "currency": {"TRY"}}), http.StatusSeeOther, "take the device off the contract")
	if n := te.count(t, `SELECT count(*) FROM msp_contract_devices WHERE contract_id = ?`, contract); n != 0 {
		t.Fatalf("the contract still covers %d devices", n)
	}
	wantStatus(t, te.oper.Post(dev, move), http.StatusSeeOther, "move the device off the contract")
	if n := te.count(t, `SELECT count(*) FROM msp_devices WHERE id = ? AND client_id = ?`, te.device, other); n != 1 {
		t.Error("the device did not move")
	}
}

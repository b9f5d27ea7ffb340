package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The device form's type is a list of translated names, so a type not in it (a tampered form) is
// refused with the list's own message: the page used to answer, in Turkish, with the API's
// message naming the internal codes ("desktop, laptop, server, …").
func TestDeviceFormKindRefusalNamesNoCodes(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	r := te.owner.Post("/app/msp/devices/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"toaster"}, "name": {"Yazıcı 2"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad kind: %d", r.StatusCode)
	}
	got := strings.TrimSpace(r.Doc(t).Find("#kind").Parent().Find(".field-error").Text())
	if got != "Sunulan seçeneklerden birini seçin." {
		t.Errorf("kind field error %q", got)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_devices WHERE name = 'Yazıcı 2'`); n != 0 {
		t.Errorf("stored %d", n)
	}
}

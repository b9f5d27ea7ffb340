package visits_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"highvibe/app/visits"
)

// TestICalFeedCarriesTheNumberToCall: a visit in the phone's own calendar had the address but not
// the customer's number, so the person on their way had to open the panel to call. The event's
// description now says it in its international form, in the member's language ("Telefon: +90 532
// 111 22 33"), and an address with a comma, a semicolon, a backslash and a line typed on another
// device (CR LF) comes back from the feed as it was typed (RFC 5545 escaping), one line break each.
func TestICalFeedCarriesTheNumberToCall(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	if _, err := f.e.DB("acme").Exec(context.Background(), `UPDATE leads SET phone = '+905321112233', phone_e164 = '+905321112233' WHERE id = ?`, f.lead); err != nil {
		t.Fatal(err)
	}
	address := "Bağdat Cad. 12; Daire 4, Kadıköy\r\nKapı kodu 12\\B"
	v, err := visits.Book(context.Background(), f.e.DB("acme"), visits.Booking{ConversationID: f.conv, Start: time.Now().Add(48 * time.Hour).Truncate(time.Hour),
		DurationMin: 60, Address: address, Assignees: []int64{f.op.UserID}}, visits.Actor{UserID: f.owner.UserID, Name: "talha"})
	if err != nil {
		t.Fatal(err)
	}
	r := getFeed(t, f.e, makeFeed(t, f.op))
	cal, err := goical.NewDecoder(strings.NewReader(r.Body)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, r.Body)
	}
	var found bool
	for _, ev := range cal.Events() {
		if uid, _ := ev.Props.Text(goical.PropUID); !strings.HasPrefix(uid, "visit-"+strconv.FormatInt(v.ID, 10)+"@") {
			continue
		}
		found = true
		desc, _ := ev.Props.Text(goical.PropDescription)
		loc, _ := ev.Props.Text(goical.PropLocation)
		if !strings.Contains(desc, "\nTelefon: +90 532 111 22 33\n") {
			t.Errorf("the description does not give the number to call: %q", desc)
		}
		if want := strings.ReplaceAll(address, "\r\n", "\n"); loc != want {
			t.Errorf("the location reads %q, want %q", loc, want)
		}
	}
	if !found {
		t.Fatalf("the visit is not in the feed:\n%s", r.Body)
	}
	if strings.Contains(r.Body, "\r\nKap") {
		t.Errorf("the address's line break ends the property's line:\n%s", r.Body)
	}
}

package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestPanelTimesInTenantZone: a business whose time zone is not the server's sees every clock
// time of a conversation (message bubbles, the next action's due time it typed, the "scheduled"
// banner, the zone named beside the fields) in its own zone; a second business without a zone of
// its own sees the product's default (the one its hours page offers), on the same server at the
// same time.
func TestPanelTimesInTenantZone(t *testing.T) {
	zone := apptest.FarZone(t)
	e := newEnv(t)
	e.Tenant("beta")
	olga := e.User("acme", "olga", "owner")
	bob := e.User("beta", "bob", "owner")
	if doc := olga.Get("/app/settings/hours?lang=en").Doc(t); doc.Find("#zone-unsaved").Length() != 1 {
		t.Error("the hours page of a business that never saved it does not say which zone applies")
	}
	apptest.SetZone(t, olga, zone.String())
	if doc := olga.Get("/app/settings/hours?lang=en").Doc(t); doc.Find("#zone-unsaved").Length() != 0 {
		t.Error("the hours page still says it is not saved after saving")
	}

	at := time.Date(2026, 3, 10, 12, 34, 0, 0, time.UTC)
	bubbleTime := func(c *apptest.Client, slug string) (string, string) {
		t.Helper()
		res := ingest(t, e, slug, inbox.Inbound{Channel: "webchat", ExternalID: "v-" + slug, Name: "Ayşe", Body: "Merhaba"})
		if _, err := e.DB(slug).Write.Exec(`UPDATE messages SET created_at = ? WHERE conversation_id = ?`, at.UnixMilli(), res.ConversationID); err != nil {
			t.Fatal(err)
		}
		path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
		doc := c.Get(path + "?lang=tr").Doc(t)
		return strings.TrimSpace(doc.Find("#timeline time").First().Text()), path
	}
	got, path := bubbleTime(olga, "acme")
	if want := i18n.For("tr").DateTime(at.In(zone)); got != want {
		t.Errorf("acme (%s) shows the message at %q, want %q", zone, got, want)
	}
	want := i18n.For("tr").DateTime(at.In(hours.DefaultLocation()))
	if got, _ := bubbleTime(bob, "beta"); got != want {
		t.Errorf("beta (no zone of its own) shows %q, want the default zone's %q", got, want)
	}

	// The next action's due time is read and shown as the business's wall time.
	if r := olga.Post(path, url.Values{"next_action": {"Ara"}, "next_action_due_at": {"2030-01-02T10:00"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("next action: %d", r.StatusCode)
	}
	id, _ := strconv.ParseInt(strings.Split(path, "/")[3], 10, 64)
	cv, err := inbox.ConversationByID(context.Background(), e.DB("acme").Read, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2030, 1, 2, 10, 0, 0, 0, zone); cv.NextActionDueAt != want.UnixMilli() {
		t.Errorf("due stored as %v, want 10:00 in %s (%v)", time.UnixMilli(cv.NextActionDueAt).UTC(), zone, want.UTC())
	}
	doc := olga.Get(path + "?lang=en").Doc(t)
	if v, _ := doc.Find("#next_action_due_at").Attr("value"); v != "2030-01-02T10:00" {
		t.Errorf("the due field shows %q, want the time as typed", v)
	}
	// The zone in the reader's language ("Istanbul (UTC+03:00)"), not its IANA name.
	if l, _ := doc.Find("#next_action_due_at").Attr("aria-label"); !strings.Contains(l, i18n.For("en").ZoneName(zone, time.Now())) || strings.Contains(l, zone.String()) {
		t.Errorf("the due field names zone %q, want %s", l, i18n.For("en").ZoneName(zone, time.Now()))
	}

	// A reply scheduled for 09:30 business time says so in the banner.
	sendAt := time.Now().In(zone).AddDate(0, 0, 2)
	sendAt = time.Date(sendAt.Year(), sendAt.Month(), sendAt.Day(), 9, 30, 0, 0, zone)
	r := olga.Post(path+"?lang=tr", url.Values{"body": {"Yarın görüşelim"}, "send_at": {sendAt.Format("2006-01-02T15:04")}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send later: %d %s", r.StatusCode, r.Body)
	}
	banner := olga.Get(path + "?lang=tr").Doc(t).Find(".flash").Text()
	if !strings.Contains(banner, i18n.For("tr").DateTime(sendAt)) || !strings.Contains(banner, "09:30") {
		t.Errorf("the banner says %q, want the time 09:30 in the business's zone", banner)
	}
}

// TestOverdueReminderWaitsForOpening: a next action due while the business is closed keeps its
// due time as typed, but its reminder (the "next action overdue" notification) is queued for the
// next opening, and the save says so in business time; one due in opening hours is reminded then.
func TestOverdueReminderWaitsForOpening(t *testing.T) {
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Skip("no time zone database")
	}
	e := newEnv(t)
	olga := e.User("acme", "olga", "owner")
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "after_hours": {"ack"}}
	for d := 1; d <= 5; d++ {
		form.Set("day"+strconv.Itoa(d), "09:00-18:00")
	}
	if r := olga.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hours: %d %s", r.StatusCode, r.Body)
	}
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-1", Name: "Ayşe", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	// Next Saturday 11:00 in Istanbul, and the Monday after it.
	sat := time.Now().In(ist).AddDate(0, 0, 7)
	for sat.Weekday() != time.Saturday {
		sat = sat.AddDate(0, 0, 1)
	}
	sat = time.Date(sat.Year(), sat.Month(), sat.Day(), 11, 0, 0, 0, ist)
	mon := time.Date(sat.Year(), sat.Month(), sat.Day()+2, 9, 0, 0, 0, ist)
	reminder := func() int64 {
		t.Helper()
		var at int64
		if err := e.DB("acme").Read.QueryRow(`SELECT run_at FROM jobs WHERE kind = 'notify_event' AND status = 'queued' AND payload LIKE '%"overdue"%' ORDER BY id DESC LIMIT 1`).Scan(&at); err != nil {
			t.Fatalf("no reminder queued: %v", err)
		}
		return at
	}
	r := olga.Post(path+"?lang=en", url.Values{"next_action": {"Call back"}, "next_action_due_at": {sat.Format("2006-01-02T15:04")}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("next action: %d", r.StatusCode)
	}
	if got := reminder(); got != mon.UnixMilli() {
		t.Errorf("reminder of a Saturday 11:00 due queued for %v, want Monday 09:00 (%v)", time.UnixMilli(got).In(ist), mon)
	}
	cv, err := inbox.ConversationByID(context.Background(), e.DB("acme").Read, res.ConversationID)
	if err != nil || cv.NextActionDueAt != sat.UnixMilli() {
		t.Errorf("the due time was changed to %v (%v), want it as typed", time.UnixMilli(cv.NextActionDueAt).In(ist), err)
	}
	banner := olga.Get(path + "?lang=en").Doc(t).Find(".flash").Text()
	if !strings.Contains(banner, "closed at that time") || !strings.Contains(banner, i18n.For("en").DateTime(mon)) {
		t.Errorf("the save says %q, want the reminder's time %s", banner, i18n.For("en").DateTime(mon))
	}
	// Due on the Monday at 10:00, in opening hours: reminded at the due time itself.
	due := mon.Add(time.Hour)
	if r := olga.Post(path, url.Values{"next_action_due_at": {due.Format("2006-01-02T15:04")}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("next action: %d", r.StatusCode)
	}
	if got := reminder(); got != due.UnixMilli() {
		t.Errorf("reminder of a Monday 10:00 due queued for %v, want then", time.UnixMilli(got).In(ist))
	}
}

// TestSendWhenWeOpen: while the business is closed, "send later" offers its next opening, and
// choosing it schedules the reply for that moment.
func TestSendWhenWeOpen(t *testing.T) {
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Skip("no time zone database")
	}
	e := newEnv(t)
	olga := e.User("acme", "olga", "owner")
	// Open only two days from now, 09:00–10:00: closed now whatever the time of the run.
	open := time.Now().In(ist).AddDate(0, 0, 2)
	open = time.Date(open.Year(), open.Month(), open.Day(), 9, 0, 0, 0, ist)
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "after_hours": {"silent"},
		"day" + strconv.Itoa(int(open.Weekday())): {"09:00-10:00"}}
	if r := olga.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hours: %d %s", r.StatusCode, r.Body)
	}
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-1", Name: "Ayşe", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	btn := olga.Get(path + "?lang=tr").Doc(t).Find("[data-send-at-opening]")
	value, _ := btn.Attr("value")
	if value != open.Format("2006-01-02T15:04") || !strings.Contains(btn.Text(), i18n.For("tr").DateTime(open)) {
		t.Fatalf("the composer offers %q (%q), want the opening %s", value, btn.Text(), open)
	}
	if r := olga.Post(path, url.Values{"body": {"Günaydın, fiyatı iletiyorum"}, "send_at": {"", value}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send at opening: %d %s", r.StatusCode, r.Body)
	}
	var at int64
	if err := e.DB("acme").Read.QueryRow(`SELECT coalesce(scheduled_at, 0) FROM messages WHERE conversation_id = ? AND body LIKE 'Günaydın%'`, res.ConversationID).Scan(&at); err != nil || at != open.UnixMilli() {
		t.Errorf("the reply is scheduled for %v (%v), want %v", time.UnixMilli(at).In(ist), err, open)
	}
	// On WhatsApp the opening two days away is after the customer's 24-hour window closes: a
	// reply scheduled then could not be sent, so the button is not offered.
	wa := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Phone: "+905321112233", Name: "Ali", Body: "Merhaba"})
	if n := olga.Get("/app/inbox/" + strconv.FormatInt(wa.ConversationID, 10) + "/?lang=tr").Doc(t).Find("[data-send-at-opening]").Length(); n != 0 {
		t.Errorf("a WhatsApp conversation is offered %d send-when-we-open buttons past its window, want none", n)
	}
}

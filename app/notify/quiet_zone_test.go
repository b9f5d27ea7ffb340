package notify_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/notify"
)

// zoneWhereItIs names a zone of the zone database whose wall clock reads hour now (a whole-hour
// offset from UTC, so the name is one of the Etc/GMT zones: Etc/GMT-3 is UTC+03:00).
func zoneWhereItIs(hour int) string {
	off := ((hour-time.Now().UTC().Hour())%24 + 24) % 24
	if off > 12 {
		off -= 24
	}
	switch {
	case off > 0:
		return fmt.Sprintf("Etc/GMT-%d", off)
	case off < 0:
		return fmt.Sprintf("Etc/GMT+%d", -off)
	}
	return "Etc/GMT"
}

// TestQuietHoursInThePersonsOwnZone: quiet hours were read only on the clock of the business a
// notification comes from, so a person away from it (or working for businesses in other zones)
// was woken at night or silenced by day. A person may name their own zone beside the quiet hours:
// with 22:00–07:00 in a zone where it is night nothing reaches their phone while it is day at the
// business, and with their zone where it is day the push arrives while it is night at the
// business. A name the zone database does not know is refused in the reader's language and
// nothing is stored; an empty field goes back to the business's clock.
func TestQuietHoursInThePersonsOwnZone(t *testing.T) {
	night, day := zoneWhereItIs(2), zoneWhereItIs(13)
	tm := newTeam(t)
	e := tm.e
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	br := newBrowser(t)
	if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(fake.URL+"/wpush/oscar"), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
	}
	prefs := func(zone string) {
		t.Helper()
		form := url.Values{"quiet_start": {"22:00"}, "quiet_end": {"07:00"}, "quiet_zone": {zone}}
		for _, k := range notify.Kinds {
			form.Set("push_"+k, "1")
		}
		tm.post(t, tm.oscar, "/app/notifications/settings", form)
	}
	about := func(name string, p pushed) bool {
		return bytes.Contains(br.decrypt(t, p.Body), []byte("New conversation with "+name))
	}

	// Day at the business, night where Oscar is: his phone stays silent.
	apptest.SetZone(t, tm.olga, day)
	prefs(strings.ToLower(night)) // typed in any case, kept as the zone database spells it
	if p, err := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, tm.oscar.UserID); err != nil || p.Zone != night {
		t.Fatalf("saved zone %q (%v), want %q", p.Zone, err, night)
	}
	page := tm.oscar.Get("/app/notifications/settings?lang=en").Doc(t)
	if v, _ := page.Find("#quiet_zone").Attr("value"); v != night {
		t.Errorf("the zone field shows %q, want %q", v, night)
	}
	nightLoc, _ := time.LoadLocation(night)
	if hint, want := html.UnescapeString(page.Find("#quiet-hint").Text()), i18n.For("en").ZoneName(nightLoc, time.Now()); !strings.Contains(hint, want) {
		t.Errorf("the quiet hours hint says %q, want it to name Oscar's zone %s", hint, want)
	}
	tm.ingest(t, "acme", "v-Ayse", "Ayse", "Merhaba")
	settle(t, e, "acme")
	for len(fake.got) > 0 {
		if about("Ayse", <-fake.got) {
			t.Errorf("pushed at 22:00–07:00 quiet hours while it is night in Oscar's zone %s (day at the business, %s)", night, day)
		}
	}

	// The reverse: night at the business, day where Oscar is: the push arrives.
	apptest.SetZone(t, tm.olga, night)
	prefs(day)
	tm.ingest(t, "acme", "v-Mehmet", "Mehmet", "Merhaba")
	for !about("Mehmet", fake.next(t)) {
	}

	// An unknown zone is refused in the reader's language, and nothing is stored.
	for _, tc := range []struct{ lang, want string }{
		{"tr", "Bu bir saat dilimi adı değil"},
		{"en", "This is not a time zone name"},
	} {
		r := tm.oscar.Post("/app/notifications/settings?lang="+tc.lang, url.Values{"quiet_start": {"23:00"}, "quiet_end": {"06:00"}, "quiet_zone": {"Mars/Olympus"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.Body), tc.want) {
			t.Errorf("%s: an unknown zone answered %d, want 422 with %q", tc.lang, r.StatusCode, tc.want)
		}
		if v, _ := r.Doc(t).Find("#quiet_zone").Attr("value"); v != "Mars/Olympus" {
			t.Errorf("%s: the refused form shows the zone %q, want what was typed", tc.lang, v)
		}
	}
	if p, err := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, tm.oscar.UserID); err != nil || p.Zone != day || p.QuietStart != 22*60 {
		t.Errorf("after the refusals the stored zone is %q from %d (%v), want %q from 22:00 as saved", p.Zone, p.QuietStart, err, day)
	}

	// A form without the field (a page opened before it existed) keeps the person's zone.
	tm.post(t, tm.oscar, "/app/notifications/settings", url.Values{"quiet_start": {"22:00"}, "quiet_end": {"07:00"}})
	if p, err := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, tm.oscar.UserID); err != nil || p.Zone != day {
		t.Errorf("a form without the zone field left the zone %q (%v), want %q kept", p.Zone, err, day)
	}

	// Emptied, the field gives the quiet hours back to the business's clock (night there: silent).
	prefs("")
	drain(fake)
	tm.ingest(t, "acme", "v-Zeynep", "Zeynep", "Merhaba")
	settle(t, e, "acme")
	for len(fake.got) > 0 {
		if about("Zeynep", <-fake.got) {
			t.Errorf("pushed during quiet hours on the business's clock (%s) with no zone of Oscar's", night)
		}
	}
}

// TestDigestAtEightInThePersonsZone: a person who named their own time zone got the daily digest
// at 08:00 on the business's clock all the same (02:00 for someone in Tokyo working for a business
// in Istanbul). The digest is queued for 08:00 in the person's zone, and each digest queues the
// next one there too; without a zone of their own it stays on the business's clock.
func TestDigestAtEightInThePersonsZone(t *testing.T) {
	tm := newTeam(t)
	db := tm.e.DB("acme")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	queued := func(what string) (int64, time.Time) {
		t.Helper()
		var id, runAt int64
		if err := db.Read.QueryRow(`SELECT id, run_at FROM jobs WHERE kind = 'notify_digest' AND status = 'queued' ORDER BY run_at DESC LIMIT 1`).Scan(&id, &runAt); err != nil {
			t.Fatalf("%s: no digest queued: %v", what, err)
		}
		return id, time.UnixMilli(runAt)
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", url.Values{"email": {"oscar@acme.test"}, "digest": {"1"}, "quiet_zone": {"Asia/Tokyo"}})
	id, at := queued("saved")
	if l := at.In(tokyo); l.Hour() != notify.DigestHour || l.Minute() != 0 || at.Before(time.Now()) || at.After(time.Now().Add(24*time.Hour)) {
		t.Fatalf("digest queued for %v (%v in Tokyo), want the next %02d:00 in Oscar's zone", at, l, notify.DigestHour)
	}
	// It is 08:00 in Tokyo: the digest runs and queues the next one at 08:00 there.
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, db, "the digest", `status = 'done' FROM jobs WHERE id = ?`, id)
	_, next := queued("after the digest ran")
	if l := next.In(tokyo); l.Hour() != notify.DigestHour || l.Minute() != 0 {
		t.Errorf("the next digest is queued for %v in Tokyo, want %02d:00", l, notify.DigestHour)
	}
	// Without a zone of his own the digest follows the business's clock (Istanbul: none saved).
	if _, err := db.Write.Exec(`DELETE FROM jobs WHERE kind = 'notify_digest'`); err != nil {
		t.Fatal(err)
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", url.Values{"email": {"oscar@acme.test"}, "digest": {"1"}, "quiet_zone": {""}})
	istanbul, _ := time.LoadLocation("Europe/Istanbul")
	if _, at := queued("saved without a zone"); at.In(istanbul).Hour() != notify.DigestHour {
		t.Errorf("without a zone of his own the digest is queued for %v in Istanbul, want %02d:00", at.In(istanbul), notify.DigestHour)
	}
}

package notify_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/notify"
)

func hhmm(t time.Time) string { return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()) }

// TestQuietHoursDigestAndListInBusinessZone: a business whose time zone is not the server's has
// quiet hours read on its own clock (a period around "now" there silences the phone; the same
// period where it is "now" on the server's clock does not), its digest queued for 08:00 there,
// and the bell's list and the preferences page showing times in that zone.
func TestQuietHoursDigestAndListInBusinessZone(t *testing.T) {
	zone := apptest.FarZone(t)
	tm := newTeam(t)
	e := tm.e
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	apptest.SetZone(t, tm.olga, zone.String())
	br := newBrowser(t)
	if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(fake.URL+"/wpush/oscar"), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
	}
	prefs := func(quietFrom time.Time, extra url.Values) {
		t.Helper()
		form := url.Values{"quiet_start": {hhmm(quietFrom.Add(-time.Hour))}, "quiet_end": {hhmm(quietFrom.Add(time.Hour))}}
		for _, k := range notify.Kinds {
			form.Set("push_"+k, "1")
		}
		for k, v := range extra {
			form[k] = v
		}
		tm.post(t, tm.oscar, "/app/notifications/settings", form)
	}
	about := func(name string, p pushed) bool {
		return bytes.Contains(br.decrypt(t, p.Body), []byte("New conversation with "+name))
	}

	// Quiet from an hour ago to an hour ahead on the business's clock: the phone stays silent.
	prefs(time.Now().In(zone), nil)
	tm.ingest(t, "acme", "v-Ayse", "Ayse", "Merhaba")
	settle(t, e, "acme")
	for len(fake.got) > 0 {
		if about("Ayse", <-fake.got) {
			t.Error("pushed during quiet hours on the business's clock")
		}
	}
	// The same hours around "now" on the server's clock are not quiet for this business: the
	// push arrives (waited for as it comes: a refused send is retried a few seconds later).
	prefs(time.Now(), nil)
	tm.ingest(t, "acme", "v-Mehmet", "Mehmet", "Merhaba")
	for !about("Mehmet", fake.next(t)) {
	}
	// Named in the reader's language, not by its IANA name (which only the zone field's
	// suggestions carry, as values to pick).
	page := tm.oscar.Get("/app/notifications/settings?lang=en").Doc(t)
	for _, hint := range []string{"#quiet-hint", "#quiet-zone-hint"} {
		if txt, want := page.Find(hint).Text(), i18n.For("en").ZoneName(zone, time.Now()); !strings.Contains(txt, want) || strings.Contains(txt, zone.String()) {
			t.Errorf("the preferences page's %s does not name the business's zone %s as %q: %q", hint, zone, want, txt)
		}
	}

	// The digest is queued for the next 08:00 in the business's zone.
	prefs(time.Now(), url.Values{"email": {"oscar@acme.test"}, "digest": {"1"}})
	var runAt int64
	if err := e.DB("acme").Read.QueryRow(`SELECT run_at FROM jobs WHERE kind = 'notify_digest' AND status = 'queued'`).Scan(&runAt); err != nil {
		t.Fatalf("no digest queued: %v", err)
	}
	if at := time.UnixMilli(runAt).In(zone); at.Hour() != notify.DigestHour || at.Minute() != 0 || at.After(time.Now().Add(24*time.Hour)) {
		t.Errorf("digest queued for %v, want the next %02d:00 in %s", at, notify.DigestHour, zone)
	}

	// The bell's list shows each notification's time in the business's zone.
	doc := tm.oscar.Get("/app/notifications/?lang=tr").Doc(t)
	item := doc.Find("time.notify-time").First()
	attr, _ := item.Attr("datetime")
	at, err := time.Parse("2006-01-02T15:04:05Z", attr)
	if err != nil {
		t.Fatalf("no notification time (%q): %v", attr, err)
	}
	if got, want := strings.TrimSpace(item.Text()), i18n.For("tr").DateTime(at.In(zone)); got != want {
		t.Errorf("the list shows %q, want %q (%s)", got, want, zone)
	}
}

// TestNotificationsInRecipientLanguage: what reaches a person away from the panel is written in
// the language they chose in the panel (remembered on their account, so it also follows them to
// a browser that never chose), else in the business's language.
func TestNotificationsInRecipientLanguage(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	// Oscar picks Turkish in the panel; Olga never picks (the business's language is English).
	if r := tm.oscar.Get("/app/?lang=tr"); r.StatusCode != http.StatusOK {
		t.Fatalf("panel in Turkish: %d", r.StatusCode)
	}
	if u, err := e.Server.Platform.UserByID(t.Context(), tm.oscar.UserID); err != nil || u.Locale != "tr" {
		t.Fatalf("Oscar's choice was not remembered: %+v %v", u, err)
	}
	// A browser that never chose a language opens the panel in the person's own.
	fresh := e.Client()
	fresh.Login("oscar", apptest.Password)
	if lang, _ := fresh.Get("/app/notifications/settings").Doc(t).Find("html").Attr("lang"); lang != "tr" {
		t.Errorf("a new browser shows Oscar the panel in %q, want tr", lang)
	}
	if txt := tm.oscar.Get("/app/notifications/settings").Doc(t).Find("#notify-lang").Text(); !strings.Contains(txt, "Türkçe") {
		t.Errorf("the preferences page says %q, want it to name Türkçe", txt)
	}
	oscarBr, olgaBr := newBrowser(t), newBrowser(t)
	for _, s := range []struct {
		c  *apptest.Client
		br *browser
		ep string
	}{{tm.oscar, oscarBr, "/wpush/oscar"}, {tm.olga, olgaBr, "/wpush/olga"}} {
		if r := s.c.PostJSON("/app/notifications/push/subscribe", s.br.subscription(fake.URL+s.ep), nil); r.StatusCode != http.StatusOK {
			t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
		}
	}
	// Her first message is a voice note: the channel stores "[audio]", each person reads what it is.
	tm.ingest(t, "acme", "v-lang", "Ayşe Demir", "[audio]")
	// Wait for both pushes as they arrive: a send the push service refused (a loaded machine
	// once reset the connection) is retried by its job a few seconds later.
	titles, bodies := map[string]string{}, map[string]string{}
	for len(titles) < 2 {
		p := fake.next(t)
		br := olgaBr
		if p.Path == "/wpush/oscar" {
			br = oscarBr
		}
		var m notify.PushMessage
		if err := json.Unmarshal(br.decrypt(t, p.Body), &m); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Title, "Ayşe Demir") {
			titles[p.Path], bodies[p.Path] = m.Title, m.Body
		}
	}
	if got := titles["/wpush/oscar"]; got != "Ayşe Demir ile yeni konuşma" {
		t.Errorf("Oscar's push says %q, want it in Turkish", got)
	}
	if got := titles["/wpush/olga"]; got != "New conversation with Ayşe Demir" {
		t.Errorf("Olga's push says %q, want the business's English", got)
	}
	if bodies["/wpush/oscar"] != "Sesli mesaj ya da ses kaydı" || bodies["/wpush/olga"] != "Voice message or audio recording" {
		t.Errorf("the pushes read %q (Oscar) and %q (Olga), want the voice note said in each one's language", bodies["/wpush/oscar"], bodies["/wpush/olga"])
	}
	if txt := tm.oscar.Get("/app/notifications/").Doc(t).Find(".notify-text").First().Text(); txt != "Sesli mesaj ya da ses kaydı" {
		t.Errorf("Oscar's bell list reads %q", txt)
	}
}

// TestLinksOnTheBaseURL: with serve --base-url set, a notification e-mail links the page on the
// public address, and so does the push message (the phone opens it there).
func TestLinksOnTheBaseURL(t *testing.T) {
	const base = "https://panel.example.com"
	e := apptest.NewWith(t, apptest.Options{BaseURL: base})
	e.Tenant("acme")
	tm := &team{e: e, olga: e.User("acme", "olga", "owner"), oscar: e.User("acme", "oscar", "operator")}
	tm.ids = map[string]int64{"olga": tm.olga.UserID, "oscar": tm.oscar.UserID}
	smtp := newFakeSMTP(t)
	host, port, _ := net.SplitHostPort(smtp.addr)
	e.Set("acme", map[string]string{"email_smtp_host": host, "email_smtp_port": port, "email_from": "info@acme.test", "email_smtp_security": "none"})
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	br := newBrowser(t)
	if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(fake.URL+"/wpush/oscar"), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d", r.StatusCode)
	}
	form := url.Values{"email": {"oscar@acme.test"}, "email_" + notify.KindNewConversation: {"1"}}
	for _, k := range notify.Kinds {
		form.Set("push_"+k, "1")
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", form)
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba")
	_, _, body := smtp.next(t)
	if want := base + "/app/notifications/"; !strings.Contains(body, want) || !strings.Contains(body, "?t=acme") {
		t.Errorf("the e-mail does not link %s:\n%s", want, body)
	}
	for range 5 {
		var m notify.PushMessage
		if err := json.Unmarshal(br.decrypt(t, fake.next(t).Body), &m); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Title, "Ayşe Demir") {
			if !strings.HasPrefix(m.URL, base+"/app/notifications/") || !strings.HasSuffix(m.URL, "?t=acme") {
				t.Errorf("the push links %q, want %s/app/notifications/…", m.URL, base)
			}
			return
		}
	}
	t.Error("no push for the new conversation")
}

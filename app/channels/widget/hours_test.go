package widget_test

import (
	"context"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
)

// TestWidgetSaysWhenSomeoneWillAnswer: while the business is closed the widget's config carries
// the line naming the next opening, in the widget's language; while open, or without business
// hours, it carries none.
func TestWidgetSaysWhenSomeoneWillAnswer(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	c := e.Client()
	note := func(lang string) string {
		t.Helper()
		r := c.Get("/widget/api/acme/config?lang=" + lang)
		if r.StatusCode != 200 {
			t.Fatalf("config: %d", r.StatusCode)
		}
		s, _ := decode(t, r)["closed_note"].(string)
		return s
	}
	if n := note("tr"); n != "" {
		t.Errorf("without business hours: %q", n)
	}
	// Open every day all day, except Wednesday (UTC); the widget's clock reads Wednesday 23:59:30:
	// closed now, open again tomorrow at 00:00, half a minute later. The clock is set, so the answer
	// does not depend on the day or hour the test runs (it read "today" from the wall clock and
	// slept through the last minute before midnight UTC, so that today could not end meanwhile).
	wed := time.Date(2026, 12, 9, 23, 59, 30, 0, time.UTC)
	e.Handlers.Channels.Widget.Now = func() time.Time { return wed }
	cfg := hours.Config{Enabled: true, Zone: "UTC", AfterHours: hours.ModeAck}
	for d := range cfg.Week {
		cfg.Week[d] = []hours.Interval{{From: 0, To: 1440}}
	}
	today := wed.Weekday()
	cfg.Week[today] = nil
	if err := hoursdb.Save(context.Background(), e.DB("acme"), cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		if got, want := note(lang), p.T("hours.widget.closed", p.T("hours.when.tomorrow", hours.ClockFrom(p.Lang, "00:00"))); got != want {
			t.Errorf("%s: closed note %q, want %q", lang, got, want)
		}
	}
	// Closed every day (no opening in sight): the widget still says nobody is there now.
	empty := cfg
	empty.Week = [7][]hours.Interval{}
	if err := hoursdb.Save(context.Background(), e.DB("acme"), empty, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		if got, want := note(lang), i18n.For(lang).T("hours.widget.closed_later"); got != want {
			t.Errorf("%s, no opening in sight: closed note %q, want %q", lang, got, want)
		}
	}
	cfg.Week[today] = []hours.Interval{{From: 0, To: 1440}}
	if err := hoursdb.Save(context.Background(), e.DB("acme"), cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := note("en"); n != "" {
		t.Errorf("open now: %q", n)
	}
}

// TestWidgetClosedNoteDateInTheVisitorsLanguage: a business away for a fortnight (in Berlin, not
// Istanbul) says when it answers again with the date written as the visitor's language writes one
// — "Jan 7, 2027" in English, "07/01/2027" in French — where every language got the Turkish
// "07.01.2027", which an English reader may take for the 1st of July.
func TestWidgetClosedNoteDateInTheVisitorsLanguage(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	c := e.Client()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	cfg := hours.Config{Enabled: true, Zone: "Europe/Berlin", AfterHours: hours.ModeAck}
	for d := range cfg.Week {
		cfg.Week[d] = []hours.Interval{{From: 8 * 60, To: 17 * 60}}
	}
	// The widget's clock reads a Wednesday morning in Berlin, the first day away; the business is
	// back a fortnight later at 08:00. The clock is set, so no run crosses midnight between
	// choosing "today" and asking.
	today := time.Date(2026, 12, 9, 10, 0, 0, 0, berlin)
	e.Handlers.Channels.Widget.Now = func() time.Time { return today }
	back := time.Date(today.Year(), today.Month(), today.Day()+14, 8, 0, 0, 0, berlin)
	cfg.Away = &hours.Away{From: today.Format(time.DateOnly), Until: back.AddDate(0, 0, -1).Format(time.DateOnly)}
	if err := hoursdb.Save(context.Background(), e.DB("acme"), cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, lang := range []string{"en", "fr", "tr", "ar"} {
		r := c.Get("/widget/api/acme/config?lang=" + lang)
		if r.StatusCode != 200 {
			t.Fatalf("config: %d", r.StatusCode)
		}
		got[lang], _ = decode(t, r)["closed_note"].(string)
	}
	for lang, day := range map[string]string{"en": back.Format("Jan 2, 2006"), "fr": back.Format("02/01/2006"), "tr": back.Format("02.01.2006"), "ar": back.Format("02/01/2006")} {
		p := i18n.For(lang)
		// Away: a fixed day, not "we usually answer".
		if want := p.T("hours.widget.closed_until", p.T("hours.when.date", day, hours.ClockFrom(p.Lang, "08:00"))); got[lang] != want {
			t.Errorf("%s: closed note %q, want %q", lang, got[lang], want)
		}
	}
	if want := "Şu an kapalıyız — 23.12.2026 08:00'den itibaren yanıt vereceğiz."; got["tr"] != want {
		t.Errorf("tr: closed note %q, want %q", got["tr"], want)
	}
}

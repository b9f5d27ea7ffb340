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
	// Open every day all day, except today (UTC): closed now, open again tomorrow at 00:00.
	cfg := hours.Config{Enabled: true, Zone: "UTC", AfterHours: hours.ModeAck}
	for d := range cfg.Week {
		cfg.Week[d] = []hours.Interval{{From: 0, To: 1440}}
	}
	// Within a minute of midnight UTC, "today" could end between choosing it and asking about
	// it: start on the new day instead (the checks take milliseconds).
	if until := time.Until(time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)); until < time.Minute {
		time.Sleep(until + time.Second)
	}
	today := time.Now().UTC().Weekday()
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
	for attempt := 0; attempt < 2; attempt++ {
		today := time.Now().In(berlin)
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
		if time.Now().In(berlin).Day() != today.Day() {
			continue // midnight passed while asking: once more on the new day
		}
		for lang, day := range map[string]string{"en": back.Format("Jan 2, 2006"), "fr": back.Format("02/01/2006"), "tr": back.Format("02.01.2006"), "ar": back.Format("02/01/2006")} {
			p := i18n.For(lang)
			// Away: a fixed day, not "we usually answer".
			if want := p.T("hours.widget.closed_until", p.T("hours.when.date", day, hours.ClockFrom(p.Lang, "08:00"))); got[lang] != want {
				t.Errorf("%s: closed note %q, want %q", lang, got[lang], want)
			}
		}
		if want := "Şu an kapalıyız — " + back.Format("02.01.2006") + " 08:00'den itibaren yanıt vereceğiz."; got["tr"] != want {
			t.Errorf("tr: closed note %q, want %q", got["tr"], want)
		}
		return
	}
	t.Fatal("midnight passed twice")
}

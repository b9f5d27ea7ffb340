package settings_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
)

func hoursForm() url.Values {
	return url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "preset": {"tr"},
		"day1": {"09:00-12:30, 13:30-18:00"}, "day2": {"09:00-18:00"}, "day3": {"09:00-18:00"}, "day4": {"09:00-18:00"},
		"day5": {"09:00-18:00, 22:00-02:00"}, "day6": {"10:00-14:00"}, "day0": {""},
		"closed_days": {"2026-12-31 Sayım\n2027-01-02"}, "half_days": {"2026-12-24"},
		"away_from": {"2027-08-02"}, "away_until": {"2027-08-13"}, "away_message": {"Yaz tatilindeyiz, 16 Ağustos'ta döneceğiz."},
		"after_hours": {"ack"}, "ack_message": {""}}
}

// TestHoursSettingsSave: the owner saves opening hours, holidays and an out-of-office period; the
// stored schedule answers as the form said, and the page shows them back.
func TestHoursSettingsSave(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Get("/app/settings/hours"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, i18n.For("tr").T("hours.now.off")) {
		t.Fatalf("empty page: %d", r.StatusCode)
	}
	// Hours not switched on are not "closed": in Turkish "Kapalı" and "açık değil" read as the
	// business being closed right now, not as a setting that is off.
	if off := i18n.For("tr").T("hours.now.off") + " " + i18n.For("tr").T("hours.now.off_hint"); strings.Contains(off, i18n.For("tr").T("hours.now.closed")) || strings.Contains(off, "açık değil") {
		t.Errorf("the Turkish off state reads as closed: %q", off)
	}
	// Besides the form's fixed days, an own closed day always ahead of the test's today: the first
	// day after it that is no day of the preset (whose data ends in 2029), so the coming closed days
	// are never an empty list whatever day the test runs.
	ist, _ := time.LoadLocation("Europe/Istanbul")
	form := hoursForm()
	// The days the checks below name are taken too: the own day must not close one of them.
	taken := map[string]bool{"2026-12-31": true, "2027-01-02": true, "2026-12-24": true, "2026-12-07": true, "2026-12-11": true, "2026-12-12": true,
		"2027-08-05": true, "2027-03-10": true}
	for _, d := range hours.PresetDays("tr") {
		taken[d.Date] = true
	}
	own := time.Now().In(ist).AddDate(0, 0, 1)
	for taken[own.Format(time.DateOnly)] {
		own = own.AddDate(0, 0, 1)
	}
	form.Set("closed_days", form.Get("closed_days")+"\n"+own.Format(time.DateOnly)+" Envanter")
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body[:min(400, len(r.Body))])
	}
	if r := owner.Get("/app/settings/hours"); !strings.Contains(r.Body, i18n.For("tr").T("hours.saved")) {
		t.Fatal("no saved message after the redirect")
	}
	s, err := hoursdb.Schedule(t.Context(), e.DB("acme").Read)
	if err != nil || s == nil {
		t.Fatalf("schedule: %v %v", s, err)
	}
	for _, c := range []struct {
		at   time.Time
		open bool
	}{
		{time.Date(2026, 12, 7, 12, 45, 0, 0, ist), false}, // Monday lunch break
		{time.Date(2026, 12, 7, 14, 0, 0, 0, ist), true},
		{time.Date(2026, 12, 12, 1, 30, 0, 0, ist), true},  // Friday night past midnight
		{time.Date(2026, 12, 31, 10, 0, 0, 0, ist), false}, // own closed day
		{time.Date(2026, 12, 24, 14, 0, 0, 0, ist), false}, // own half day, afternoon
		{time.Date(2026, 12, 24, 11, 0, 0, 0, ist), true},  // own half day, morning
		{time.Date(2027, 8, 5, 11, 0, 0, 0, ist), false},   // out of office
		{time.Date(2027, 3, 10, 11, 0, 0, 0, ist), false},  // Ramazan Bayramı 2027 from the preset
	} {
		if got := s.Open(c.at); got != c.open {
			t.Errorf("Open(%v) = %v, want %v", c.at, got, c.open)
		}
	}
	if at := time.Date(own.Year(), own.Month(), own.Day(), 11, 0, 0, 0, ist); s.Open(at) {
		t.Errorf("Open(%v) = true on the own closed day ahead", at)
	}
	doc := owner.Get("/app/settings/hours").Doc(t)
	if v, _ := doc.Find("#day1").Attr("value"); v != "09:00-12:30, 13:30-18:00" {
		t.Errorf("day1 shows %q", v)
	}
	if got := doc.Find("#closed_days").Text(); got != form.Get("closed_days") {
		t.Errorf("closed days show %q", got)
	}
	if _, ok := doc.Find(`input[name=after_hours][value=ack]`).Attr("checked"); !ok {
		t.Error("after-hours mode not shown as chosen")
	}
	// The coming closed days: the preset's holidays named in the reader's language (the owner's
	// own "Sayım" as written), dates as every page writes them.
	iso := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	en := strings.TrimSpace(owner.Get("/app/settings/hours?lang=en").Doc(t).Find("#hours-upcoming").Text())
	if en == "" || strings.Contains(en, "Bayramı") || strings.Contains(en, "Yılbaşı") || iso.MatchString(en) {
		t.Errorf("upcoming days in en read %q", en)
	}
	if time.Now().Before(time.Date(2026, 12, 31, 0, 0, 0, 0, ist)) && !strings.Contains(en, "Dec 31, 2026 · Sayım") {
		t.Errorf("upcoming days in en lack the owner's own day: %q", en)
	}
	if want := own.Format("Jan 2, 2006") + " · Envanter"; !strings.Contains(en, want) {
		t.Errorf("upcoming days in en lack the owner's own day ahead %q: %q", want, en)
	}
	tr := strings.TrimSpace(owner.Get("/app/settings/hours?lang=tr").Doc(t).Find("#hours-upcoming").Text())
	if iso.MatchString(tr) || !regexp.MustCompile(`\d{2}\.\d{2}\.\d{4}`).MatchString(tr) {
		t.Errorf("upcoming days in tr read %q", tr)
	}
}

// TestHoursOffListsNoClosedDays: with business hours switched off the page says the assistant
// works the same day and night, so it lists no coming closed days under it (it listed the public
// holidays of the preset, which then close nothing); switched on, it lists them.
func TestHoursOffListsNoClosedDays(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	f := hoursForm()
	f.Del("enabled")
	if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
	doc := owner.Get("/app/settings/hours?lang=tr").Doc(t)
	if !strings.Contains(doc.Find("#hours-state").Text(), i18n.For("tr").T("hours.now.off")) {
		t.Fatalf("hours saved off read %q", doc.Find("#hours-state").Text())
	}
	if got := doc.Find("#hours-now").Text(); doc.Find("#hours-upcoming").Length() != 0 || strings.Contains(got, i18n.For("tr").T("hours.upcoming")) {
		t.Errorf("hours switched off still list closed days: %q", got)
	}
	f.Set("enabled", "1")
	if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save on: %d", r.StatusCode)
	}
	if owner.Get("/app/settings/hours?lang=tr").Doc(t).Find("#hours-upcoming li").Length() == 0 {
		t.Error("hours switched on list no closed days")
	}
}

// TestHoursDaysPastedFromASpreadsheet: a column of days pasted from a spreadsheet arrives
// tab-separated (and with CRLF); typed with commas or semicolons they are as good: every day is
// stored, a name kept as typed, and the page shows them back one per line.
func TestHoursDaysPastedFromASpreadsheet(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	f := hoursForm()
	f.Set("closed_days", "2026-12-31\t2027-01-02\t2027-01-04\r\n2027-01-05; 2027-01-06, 2027-01-07 Sayım günü")
	f.Set("half_days", "2026-12-24\t2026-12-30")
	if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
	cfg, _, _ := hoursdb.Load(t.Context(), e.DB("acme").Read)
	var got []string
	for _, d := range cfg.Closed {
		got = append(got, fmt.Sprintf("%s %s %v", d.Date, d.Name, d.Half))
	}
	want := "2026-12-31  false|2027-01-02  false|2027-01-04  false|2027-01-05  false|2027-01-06  false|2027-01-07 Sayım günü false|2026-12-24  true|2026-12-30  true"
	if strings.Join(got, "|") != want {
		t.Fatalf("stored days:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	doc := owner.Get("/app/settings/hours").Doc(t)
	if v := doc.Find("#closed_days").Text(); v != "2026-12-31\n2027-01-02\n2027-01-04\n2027-01-05\n2027-01-06\n2027-01-07 Sayım günü" {
		t.Errorf("closed days show %q", v)
	}
}

// TestHoursFormReadsTimesAsTyped: a Turkish owner writes hours as "09.00-18.00" or "9-18" (the dot
// is how Turkish writes a time; the hour alone is how people say it). The form refused both with
// "Write the hours as 09:00-18:00"; now it reads them, stores the same schedule as 09:00-18:00
// would and shows each day back as HH:MM.
func TestHoursFormReadsTimesAsTyped(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	f := hoursForm()
	typed := map[string]string{"day1": "09.00-18.00", "day2": "9-18", "day3": "0830-1230, 13.30-17", "day4": "9:30 - 18"}
	for k, v := range typed {
		f.Set(k, v)
	}
	if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving %v: %d %s", typed, r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
	cfg, _, err := hoursdb.Load(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"day1": "09:00-18:00", "day2": "09:00-18:00", "day3": "08:30-12:30, 13:30-17:00", "day4": "09:30-18:00"}
	doc := owner.Get("/app/settings/hours").Doc(t)
	for d := 1; d <= 4; d++ {
		field := fmt.Sprintf("day%d", d)
		if got := hours.FormatIntervals(cfg.Week[d]); got != want[field] {
			t.Errorf("%s typed %q stored as %q, want %q", field, typed[field], got, want[field])
		}
		if v, _ := doc.Find("#" + field).Attr("value"); v != want[field] {
			t.Errorf("%s shows %q, want %q", field, v, want[field])
		}
	}
}

// TestHoursSettingsRejectsAndKeepsNothing: any invalid field brings the form back with 422 and
// messages in the owner's language next to each field, and the stored configuration is unchanged.
func TestHoursSettingsRejectsAndKeepsNothing(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/app/settings/hours", hoursForm()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	before, _, _ := hoursdb.Load(t.Context(), e.DB("acme").Read)
	tr := i18n.For("tr")
	scenarios := []struct {
		field, value, shownAt, key string
		marked                     string // the boxes of days marked invalid (the list holding the day named)
	}{
		{"zone", "Europe/Atlantis", "zone", "hours.err.zone", ""},
		{"day1", "9 to 5", "day1", "hours.err.format", ""},
		{"day2", "09:00-13:00, 12:00-18:00", "day2", "hours.err.overlap", ""},
		{"day3", "10:00-10:00", "day3", "hours.err.interval", ""},
		{"closed_days", "2026-12-31 Sayım\n2027-01-02\n2026-02-30 Yok\n2027-01-03", "closed", "hours.err.date_at:2026-02-30", "closed_days"},
		{"closed_days", "2026-12-31 Sayım\n31.12.2027 Yıl sonu", "closed", "hours.err.date_at:31.12.2027", "closed_days"},
		{"half_days", "24.12.2026", "closed", "hours.err.date_at:24.12.2026", "half_days"},
		{"closed_days", "2026-12-31\n9999-12-31 Yıl sonu", "closed", "hours.err.date_at:9999-12-31", "closed_days"}, // a slip on the year
		{"away_until", "9999-01-31", "away", "hours.err.date", ""},
		{"closed_days", "2026-12-31\t2027-01-02\t31.12.2027\t2027-01-03", "closed", "hours.err.date_at:31.12.2027", "closed_days"},
		{"half_days", "2026-12-24; 2026-12-25, 2026-12-24", "closed", "hours.err.duplicate_day_at:2026-12-24", "half_days"},
		{"half_days", "2026-12-24\n2026-12-31", "closed", "hours.err.duplicate_day_at:2026-12-31", "closed_days half_days"},
		{"away_until", "2027-07-01", "away", "hours.err.away_order", ""},
		{"after_hours", "shout", "after_hours", "hours.err.choice", ""},
		{"ack_message", strings.Repeat("x", hours.MaxMessage+1), "ack_message", "hours.err.message_long", ""},
	}
	for _, sc := range scenarios {
		t.Run(sc.field, func(t *testing.T) {
			f := hoursForm()
			f.Set("day4", "08:00-20:00") // a valid change that must not be stored either
			f.Set(sc.field, sc.value)
			r := owner.Post("/app/settings/hours", f)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.StatusCode)
			}
			// The key, or the key and the date it names ("key:date").
			want := tr.T(sc.key)
			if key, day, ok := strings.Cut(sc.key, ":"); ok {
				want = tr.T(key, day)
			}
			if msg := strings.TrimSpace(r.Doc(t).Find(".field-error").First().Text()); msg != want {
				t.Errorf("the form says %q, want %q", msg, want)
			}
			if sc.shownAt != "closed" && sc.shownAt != "away" && sc.shownAt != "after_hours" {
				if _, ok := r.Doc(t).Find("#" + sc.shownAt).Attr("aria-invalid"); !ok {
					t.Errorf("field %s not marked invalid", sc.shownAt)
				}
			}
			var marked []string
			r.Doc(t).Find("#closed_days[aria-invalid], #half_days[aria-invalid]").Each(func(_ int, s *goquery.Selection) { marked = append(marked, s.AttrOr("id", "")) })
			if got := strings.Join(marked, " "); got != sc.marked {
				t.Errorf("boxes of days marked: %q, want %q", got, sc.marked)
			}
			after, _, _ := hoursdb.Load(t.Context(), e.DB("acme").Read)
			if hours.FormatIntervals(after.Week[4]) != hours.FormatIntervals(before.Week[4]) || after.Zone != before.Zone || after.AfterHours != before.AfterHours {
				t.Errorf("something was stored: %+v", after)
			}
		})
	}
	// An operator may not change the hours.
	op := e.User("acme", "omer", "operator")
	if r := op.Post("/app/settings/hours", hoursForm()); r.StatusCode != http.StatusForbidden {
		t.Errorf("operator save: %d, want 403", r.StatusCode)
	}
}

// TestHoursZoneInTheReadersLanguage: the business-hours page names the saved zone and offers the
// zones by their names in the reader's language ("İstanbul (UTC+03:00)", "إسطنبول"), never as
// "Europe/Istanbul (UTC+03:00)"; the field itself keeps the IANA name it stores.
func TestHoursZoneInTheReadersLanguage(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	apptest.SetZone(t, owner, "Europe/Istanbul")
	for lang, want := range map[string][2]string{
		"tr": {"Paneldeki tarih ve saatler: İstanbul (UTC+03:00)", "Riyad (UTC+03:00)"},
		"en": {"Dates and times in the panel: Istanbul (UTC+03:00)", "Riyadh (UTC+03:00)"},
		"ar": {"التواريخ والأوقات في اللوحة: إسطنبول (\u2066UTC+03:00\u2069)", "الرياض (\u2066UTC+03:00\u2069)"},
	} {
		r := owner.Get("/app/settings/hours?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", lang, r.StatusCode)
		}
		doc := r.Doc(t)
		if got := strings.TrimSpace(doc.Find("#zone-now").Text()); got != want[0] {
			t.Errorf("%s: zone named %q, want %q", lang, got, want[0])
		}
		if got, _ := doc.Find(`#zone-list option[value="Asia/Riyadh"]`).Attr("label"); got != want[1] {
			t.Errorf("%s: Riyadh offered as %q, want %q", lang, got, want[1])
		}
		if v, _ := doc.Find("#zone").Attr("value"); v != "Europe/Istanbul" {
			t.Errorf("%s: the field holds %q", lang, v)
		}
		if strings.Contains(doc.Find("main").Text(), "Europe/Istanbul (UTC") {
			t.Errorf("%s: a raw zone name on the page", lang)
		}
	}
}

// TestHoursZoneInAnyCase: "europe/istanbul" typed in the wrong case was refused as no time zone;
// any case (and spaces around it) is taken and stored as the database spells it, and the field
// shows that spelling back; a zone the database does not know is still refused with its message.
func TestHoursZoneInAnyCase(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for typed, want := range map[string]string{"europe/istanbul": "Europe/Istanbul", " EUROPE/BERLIN ": "Europe/Berlin", "utc": "UTC",
		"america/argentina/buenos_aires": "America/Argentina/Buenos_Aires", "america/port_of_spain": "America/Port_of_Spain"} {
		f := hoursForm()
		f.Set("zone", typed)
		if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%q: status %d, want 303; %s", typed, r.StatusCode, r.Doc(t).Find(".field-error").Text())
		}
		if cfg, _, _ := hoursdb.Load(t.Context(), e.DB("acme").Read); cfg.Zone != want {
			t.Errorf("%q stored as %q, want %q", typed, cfg.Zone, want)
		}
		if v, _ := owner.Get("/app/settings/hours").Doc(t).Find("#zone").Attr("value"); v != want {
			t.Errorf("%q: the field shows %q, want %q", typed, v, want)
		}
	}
	for _, typed := range []string{"europe/istambul", "Local", "istanbul"} {
		f := hoursForm()
		f.Set("zone", typed)
		r := owner.Post("/app/settings/hours", f)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: status %d, want 422", typed, r.StatusCode)
		}
		if msg := strings.TrimSpace(r.Doc(t).Find(".field-error").First().Text()); msg != i18n.For("tr").T("hours.err.zone") {
			t.Errorf("%q: the form says %q", typed, msg)
		}
	}
}

// TestHoursOvernightSaidPlainly: "18:00-09:00" typed for a weekday (meant: 09:00-18:00) is saved
// as the overnight opening it is — a bar or a night shift is real — but never silently: the banner
// after saving and the day's row say, in the reader's language, that it closes at 09:00 the next
// day, and the banner names the daytime hours that may have been meant; a bar's short night
// ("22:00-02:00") is said without that suggestion.
func TestHoursOvernightSaidPlainly(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	f := hoursForm()
	f.Set("day1", "18:00-09:00")
	if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	s, err := hoursdb.Schedule(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	ist, _ := time.LoadLocation("Europe/Istanbul")
	if s.Open(time.Date(2026, 12, 7, 12, 0, 0, 0, ist)) || !s.Open(time.Date(2026, 12, 8, 8, 30, 0, 0, ist)) {
		t.Fatal("the overnight opening is not stored as typed")
	}
	plain := func(s string) string {
		return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
			if (r >= '\u2066' && r <= '\u2069') || r == '\u2060' {
				return -1
			}
			return r
		}, s)), " ")
	}
	doc := owner.Get("/app/settings/hours").Doc(t)
	banner := plain(doc.Find(".flash").Text())
	for _, want := range []string{"Çalışma saatleri kaydedildi.",
		"Pazartesi gece boyunca açık: açılış 18:00, kapanış ertesi gün (Salı) saat 09:00.",
		"09:00-18:00 demek istediyseniz aşağıda düzeltip yeniden kaydedin.",
		"Cuma gece boyunca açık: açılış 22:00, kapanış ertesi gün (Cumartesi) saat 02:00."} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q: %q", want, banner)
		}
	}
	if strings.Count(banner, "demek istediyseniz") != 1 {
		t.Errorf("the bar's short night is taken for a mistake too: %q", banner)
	}
	if row := plain(doc.Find("#day1-overnight").Text()); row != "Gece boyunca açık: açılış 18:00, kapanış ertesi gün (Salı) saat 09:00." {
		t.Errorf("Monday's row says %q", row)
	}
	if doc.Find("#day2-overnight").Length() != 0 {
		t.Error("a daytime opening is said to run overnight")
	}
	en := owner.Get("/app/settings/hours?lang=en").Doc(t)
	if row := plain(en.Find("#day1-overnight").Text()); row != "Overnight: opens at 18:00 and closes at 09:00 the next day (Tuesday)." {
		t.Errorf("Monday's row in English says %q", row)
	}
	if ar := plain(owner.Get("/app/settings/hours?lang=ar").Doc(t).Find("#day1-overnight").Text()); !strings.Contains(ar, "09:00") || !strings.Contains(ar, "الثلاثاء") {
		t.Errorf("Monday's row in Arabic says %q", ar)
	}
}

package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
)

// hoursFormValues is what a browser posts for the business hours form: apptest.FormValues, with only the
// ticked radio button and a textarea's lines ended with CRLF, as browsers send them.
func hoursPost(f *goquery.Selection) url.Values {
	v := apptest.FormValues(f)
	v.Del("after_hours")
	f.Find(`input[type=radio][checked]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Add(name, val)
	})
	f.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v.Set(name, strings.ReplaceAll(s.Text(), "\n", "\r\n"))
	})
	return v
}

// TestHoursStaleTabKeepsNewerHours: the business hours page open in two tabs. In the second the
// owner sets an out-of-office period for the holidays and closes on Saturdays; later, in the
// first (drawn before), they add a closed day and save. The closed day is saved, and the
// out-of-office period and the Saturday stay — the first tab wrote back every field as it still
// showed it, so the away message was gone and customers were told the business would answer on
// Saturday. The banner says what was changed meanwhile kept its new value; a post without the
// field saves the form as sent.
func TestHoursStaleTabKeepsNewerHours(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	page := func() url.Values {
		t.Helper()
		f := owner.Get("/app/settings/hours").Doc(t).Find(`form[action="/app/settings/hours"]`)
		if f.Length() != 1 {
			t.Fatal("no hours form")
		}
		return hoursPost(f)
	}
	first := hoursForm()
	first.Set("away_from", "")
	first.Set("away_until", "")
	first.Set("away_message", "")
	if r := owner.Post("/app/settings/hours", first); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}

	morning := page()
	if morning.Get("shown") == "" || morning.Get("day6") != "10:00-14:00" || morning.Get("after_hours") != "ack" {
		t.Fatalf("the page as drawn: shown %q, Saturday %q, after hours %q", morning.Get("shown"), morning.Get("day6"), morning.Get("after_hours"))
	}

	noon := page()
	noon.Set("away_from", "2027-07-26")
	noon.Set("away_until", "2027-08-06")
	noon.Set("away_message", "İki hafta tatildeyiz, 9 Ağustos'ta döneceğiz.")
	noon.Set("day6", "")
	if r := owner.Post("/app/settings/hours", noon); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("noon save: %d %.300s", r.StatusCode, r.Body)
	}

	morning.Set("closed_days", morning.Get("closed_days")+"\r\n2027-02-01 Envanter")
	if r := owner.Post("/app/settings/hours", morning); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("stale tab save: %d %.300s", r.StatusCode, r.Body)
	}
	cfg, _, err := hoursdb.Load(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Away == nil || cfg.Away.From != "2027-07-26" || !strings.Contains(cfg.Away.Message, "tatildeyiz") {
		t.Errorf("the stale tab wiped the out-of-office period set meanwhile: %+v", cfg.Away)
	}
	if len(cfg.Week[6]) != 0 {
		t.Errorf("the stale tab opened Saturdays again: %v", cfg.Week[6])
	}
	var own bool
	for _, d := range cfg.Closed {
		own = own || d.Date == "2027-02-01" && d.Name == "Envanter"
	}
	if !own || len(cfg.Week[1]) != 2 || cfg.Zone != "Europe/Istanbul" {
		t.Errorf("the stale tab's own change or the untouched fields: closed %v, Monday %v, zone %q", cfg.Closed, cfg.Week[1], cfg.Zone)
	}
	doc := owner.Get("/app/settings/hours").Doc(t)
	if got, want := doc.Find(".flashes").Text(), i18n.For("tr").T("settings.saved_kept"); !strings.Contains(got, want) {
		t.Errorf("banner %q: want %q", got, want)
	}

	// A field changed in the stale tab itself is saved as typed, whatever changed meanwhile.
	again := page()
	later := page()
	again.Set("day6", "10:00-13:00")
	if r := owner.Post("/app/settings/hours", again); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("again: %d", r.StatusCode)
	}
	later.Set("day6", "11:00-15:00")
	if r := owner.Post("/app/settings/hours", later); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("later: %d", r.StatusCode)
	}
	if cfg, _, _ = hoursdb.Load(t.Context(), e.DB("acme").Read); len(cfg.Week[6]) != 1 || cfg.Week[6][0].From != 11*60 {
		t.Errorf("a field typed in the older tab: Saturday %v, want 11:00-15:00", cfg.Week[6])
	}

	// A post without the field (a script, a page from before) saves the form as sent.
	plain := hoursForm()
	if r := owner.Post("/app/settings/hours", plain); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain save: %d", r.StatusCode)
	}
	if cfg, _, _ = hoursdb.Load(t.Context(), e.DB("acme").Read); cfg.Away == nil || cfg.Away.From != "2027-08-02" {
		t.Errorf("a post without the shown field: away %+v", cfg.Away)
	}
}

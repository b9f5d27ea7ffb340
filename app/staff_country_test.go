package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
)

// TestNewBusinessStartsAsItsCountry creates businesses in the staff console over real HTTP: one
// made for Germany starts in German, in euros, reading 0170… as a German number, its hours page
// offering Berlin's zone without Turkish holidays and still unsaved; a language chosen beside the
// country wins over the country's; a country the product does not offer is refused beside the
// field; a form without a country makes a business as before (Turkish, lira, Turkey, the default
// zone, nothing stored for its hours).
func TestNewBusinessStartsAsItsCountry(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	ctx := context.Background()
	stan := e.User("", "stan", "staff")

	form := stan.Get("/staff/?lang=de").Doc(t)
	if v, _ := form.Find(`#country option[selected]`).Attr("value"); v != "TR" {
		t.Errorf("the form's country starts at %q, want TR", v)
	}
	if got := form.Find(`#country option[value="DE"]`).Text(); got != "Deutschland" {
		t.Errorf("Germany reads %q in the German console", got)
	}
	if got := strings.TrimSpace(form.Find(`#primary_locale option[selected]`).Text()); got != "Sprache des Landes" {
		t.Errorf("the language starts at %q, want the country's", got)
	}

	r := stan.Post("/staff/tenants", url.Values{"slug": {"steinbau"}, "name": {"Steinbau GmbH"}, "niche": {"parke_tas"}, "country": {"DE"}, "primary_locale": {""}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %.300s", r.StatusCode, r.Body)
	}
	de, err := e.Server.Platform.TenantBySlug(ctx, "steinbau")
	if err != nil {
		t.Fatal(err)
	}
	if de.PrimaryLocale != "de" || de.Currency != "EUR" || de.PhoneRegion() != "DE" {
		t.Errorf("a German business starts with language %q, currency %q, phone region %q", de.PrimaryLocale, de.Currency, de.PhoneRegion())
	}
	if zone, _ := hoursdb.ZoneName(ctx, e.DB("steinbau").Read); zone != "Europe/Berlin" {
		t.Errorf("a German business's zone is %q", zone)
	}
	cfg, set, err := hoursdb.Load(ctx, e.DB("steinbau").Read)
	if err != nil || set || cfg.Enabled || cfg.Preset != "" || cfg.Zone != "Europe/Berlin" {
		t.Errorf("a German business's hours: %+v set=%v %v (want unsaved, off, Berlin, no Turkish holidays)", cfg, set, err)
	}
	olga := e.User("steinbau", "olga", "owner")
	page := olga.Get("/app/settings/hours").Doc(t)
	if v, _ := page.Find(`#zone`).Attr("value"); v != "Europe/Berlin" {
		t.Errorf("the owner's hours page offers zone %q", v)
	}
	if page.Find(`#preset`).Is(`[checked]`) || page.Find(`input[name="preset"][checked]`).Length() > 0 {
		t.Error("the German business's hours page has Turkish holidays on")
	}

	// The language chosen beside the country wins; the currency stays the country's.
	if r := stan.Post("/staff/tenants", url.Values{"slug": {"madrid-en"}, "name": {"Madrid Stone"}, "niche": {"default"}, "country": {"ES"}, "primary_locale": {"en"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create ES/en: %d", r.StatusCode)
	}
	if es, _ := e.Server.Platform.TenantBySlug(ctx, "madrid-en"); es.PrimaryLocale != "en" || es.Currency != "EUR" || es.PhoneRegion() != "ES" {
		t.Errorf("Spain in English: %q %q %q", es.PrimaryLocale, es.Currency, es.PhoneRegion())
	}

	// A country the product does not offer: refused beside the field, nothing made.
	r = stan.Post("/staff/tenants?lang=de", url.Values{"slug": {"nowhere"}, "name": {"Nowhere"}, "niche": {"default"}, "country": {"XX"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown country: %d", r.StatusCode)
	}
	if got := r.Doc(t).Find(`#country ~ .field-error`).Text(); !strings.Contains(got, "XX") {
		t.Errorf("the unknown country's error: %q", got)
	}
	if _, err := e.Server.Platform.TenantBySlug(ctx, "nowhere"); err == nil {
		t.Error("a refused country made a business")
	}

	// A form without a country (a script posting the old form): as before.
	if r := stan.Post("/staff/tenants", url.Values{"slug": {"eski"}, "name": {"Eski Taş"}, "niche": {"default"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create without country: %d", r.StatusCode)
	}
	tr, _ := e.Server.Platform.TenantBySlug(ctx, "eski")
	if tr.PrimaryLocale != "tr" || tr.Currency != "TRY" || tr.PhoneRegion() != "TR" {
		t.Errorf("without a country: %q %q %q", tr.PrimaryLocale, tr.Currency, tr.PhoneRegion())
	}
	if _, set, _ := hoursdb.Load(ctx, e.DB("eski").Read); set {
		t.Error("a business without a country has stored hours")
	}
	var n int
	if err := e.DB("eski").Read.QueryRow(`SELECT count(*) FROM business_hours`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a business without a country has %d business_hours rows (%v)", n, err)
	}
}

// TestVisitSlotsFollowTheBusinessHolidays: before its owner saves the hours page, a business
// made for Germany is offered site-visit times on a Turkish public holiday (it has none of them),
// and a Turkish business is not.
func TestVisitSlotsFollowTheBusinessHolidays(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	stan := e.User("", "stan", "staff")
	for _, b := range [][2]string{{"steinbau", "DE"}, {"tasci", "TR"}} {
		if r := stan.Post("/staff/tenants", url.Values{"slug": {b[0]}, "name": {b[0]}, "niche": {"parke_tas"}, "country": {b[1]}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create %s: %d %.300s", b[0], r.StatusCode, r.Body)
		}
	}
	// The next fixed Turkish holiday on a weekday, at least two days ahead.
	now := time.Now()
	var holiday time.Time
	for y := now.Year(); holiday.IsZero(); y++ {
		for _, md := range []string{"04-23", "05-19", "07-15", "08-30", "10-29"} {
			d, _ := time.Parse(time.DateOnly, strconv.Itoa(y)+"-"+md)
			if wd := d.Weekday(); d.After(now.AddDate(0, 0, 2)) && wd != time.Saturday && wd != time.Sunday && (holiday.IsZero() || d.Before(holiday)) {
				holiday = d
			}
		}
	}
	day := holiday.Format(time.DateOnly)
	offered := func(slug string) bool {
		owner := e.User(slug, "o-"+slug, "owner")
		r := owner.Post("/app/inbox/new/", url.Values{"name": {"Kunde"}, "phone": {"+49 170 1234567"}, "channel": {"call"}, "body": {"Pflaster?"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: new conversation: %d", slug, r.StatusCode)
		}
		conv := strings.Trim(strings.TrimPrefix(r.Header.Get("Location"), "/app/inbox/"), "/")
		page := owner.Get("/app/visits/book?conversation_id=" + conv + "&assignee=" + strconv.FormatInt(owner.UserID, 10) + "&duration=60&from=" + day).Doc(t)
		if page.Find("#slots [data-slot]").Length() == 0 {
			t.Fatalf("%s: no visit times at all from %s", slug, day)
		}
		found := false
		page.Find("#slots [data-slot]").Each(func(_ int, s *goquery.Selection) {
			if v, _ := s.Attr("value"); strings.HasPrefix(v, day+"T") {
				found = true
			}
		})
		return found
	}
	if !offered("steinbau") {
		t.Errorf("the German business is offered no visit time on %s, a Turkish holiday", day)
	}
	if offered("tasci") {
		t.Errorf("the Turkish business is offered visit times on %s, its public holiday", day)
	}
}

package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/i18n"
)

// TestDashboardFirstSteps: a new business's owner lands on a dashboard that says what to do
// first — hours, greeting, the widget on the website, a team, products — each a link to the page
// that does it; every step ticks itself as the owner does it over HTTP (and the first message
// through the widget ticks the widget), and the card is gone once all are done. A viewer, who
// can do none of it, never sees it.
func TestDashboardFirstSteps(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	steps := func() map[string]bool {
		t.Helper()
		r := owner.Get("/app/?lang=tr")
		if r.StatusCode != 200 {
			t.Fatalf("dashboard: %d", r.StatusCode)
		}
		doc := r.Doc(t)
		if doc.Find("#setup").Length() == 0 {
			return nil
		}
		if !strings.Contains(doc.Find("#setup").Text(), "İlk adımlar") {
			t.Errorf("first steps card not in Turkish: %q", doc.Find("#setup").Text())
		}
		got := map[string]bool{}
		doc.Find("#setup [data-step]").Each(func(_ int, s *goquery.Selection) {
			k, _ := s.Attr("data-step")
			_, done := s.Attr("data-done")
			got[k] = done
		})
		return got
	}
	want := func(what string, done ...string) {
		t.Helper()
		got := steps()
		if got == nil {
			t.Fatalf("%s: no first steps card", what)
		}
		for _, k := range []string{"hours", "profile", "widget", "team", "products"} {
			d, ok := got[k]
			if !ok {
				t.Errorf("%s: step %s missing (%v)", what, k, got)
			}
			isDone := false
			for _, x := range done {
				isDone = isDone || x == k
			}
			if d != isDone {
				t.Errorf("%s: step %s done=%v, want %v", what, k, d, isDone)
			}
		}
	}
	want("new business")
	// The hours step names the zone the panel uses: until the page is saved the product's default
	// (it said "the server's time zone", which a business no longer lives in), once saved the
	// business's own.
	hoursHint := func() string {
		t.Helper()
		return owner.Get("/app/?lang=tr").Doc(t).Find(`#setup [data-step="hours"] .setup-hint`).Text()
	}
	if h, zone := hoursHint(), i18n.For("tr").ZoneName(hours.DefaultLocation(), time.Now()); !strings.Contains(h, zone) || strings.Contains(h, "sunucu") {
		t.Errorf("the unsaved hours step says %q, want the default zone %q", h, zone)
	}
	// Every step links to a page the owner can open.
	r := owner.Get("/app/?lang=tr")
	r.Doc(t).Find("#setup [data-step] a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		if p := owner.Get(strings.SplitN(href, "#", 2)[0]); p.StatusCode != 200 {
			t.Errorf("step link %s: %d", href, p.StatusCode)
		}
	})
	if v := e.User("acme", "vera", "viewer").Get("/app/"); strings.Contains(v.Body, `id="setup"`) {
		t.Error("a viewer sees the first steps")
	}

	// Saved with the hours switched off ("Not in use"): the time zone is set but there are no
	// business hours, so the step that says to set them is not ticked, and its line says why. It
	// was ticked, and an owner read it as after-hours handling being on.
	if r := owner.Post("/app/settings/hours", url.Values{"zone": {"Europe/Istanbul"}, "day1": {"09:00-18:00"}, "after_hours": {"ack"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hours: %d %s", r.StatusCode, r.Body)
	}
	want("hours saved switched off, and a viewer made", "team")
	if hint := owner.Get("/app/?lang=tr").Doc(t).Find(`#setup [data-step="hours"] .setup-hint`).Text(); !strings.Contains(hint, "kullanılmıyor") {
		t.Errorf("the hours step with hours off says %q", hint)
	}
	if r := owner.Post("/app/settings/hours", url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "day1": {"09:00-18:00"}, "after_hours": {"ack"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hours: %d %s", r.StatusCode, r.Body)
	}
	want("hours in use, and a viewer made", "hours", "team")
	if h, zone := hoursHint(), i18n.For("tr").ZoneName(mustZone(t, "Europe/Istanbul"), time.Now()); !strings.Contains(h, zone) || strings.Contains(h, "kaydedilene kadar") {
		t.Errorf("the saved hours step says %q, want the saved zone %q", h, zone)
	}
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Acme Parke"}, "niche": {"parke_tas"}, "primary_locale": {"tr"}, "currency": {"TRY"},
		"greeting": {"Merhaba, nasıl yardımcı olabiliriz?"}, "chat_widget_enabled": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d", r.StatusCode)
	}
	// A greeting without the privacy notice the step names is not the step done.
	want("greeting only", "hours", "team")
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Acme Parke"}, "niche": {"parke_tas"}, "primary_locale": {"tr"}, "currency": {"TRY"},
		"greeting": {"Merhaba, nasıl yardımcı olabiliriz?"}, "chat_widget_enabled": {"true"}, "privacy_notice": {"Kişisel verileriniz teklif hazırlamak için işlenir."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile with privacy notice: %d", r.StatusCode)
	}
	// A chat typed on HighVibe's own widget demo page (the server's origin), or sent with no page
	// at all, is no widget on the business's website: the step stays open (it was ticked by any
	// web chat, the demo page's too).
	for _, origin := range []string{e.URL, ""} {
		h := map[string]string{}
		if origin != "" {
			h["Origin"] = origin
		}
		if r := e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":"Deneme mesajı","name":"Test"}`), h); r.StatusCode != http.StatusCreated {
			t.Fatalf("widget message from %q: %d %s", origin, r.StatusCode, r.Body)
		}
	}
	want("greeting, and chats from the demo page", "hours", "profile", "team")
	if r := e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":"Salon için parke fiyatı?","name":"Mehmet"}`), map[string]string{"Origin": "https://acme.example"}); r.StatusCode != http.StatusCreated {
		t.Fatalf("widget message: %d %s", r.StatusCode, r.Body)
	}
	want("greeting and first widget message", "hours", "profile", "widget", "team")
	if r := owner.Post("/products/", url.Values{"sku": {"MESE"}, "name": {"Meşe parke"}, "unit": {"m²"}, "unit_price": {"850"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product: %d %s", r.StatusCode, r.Body)
	}
	if got := steps(); got != nil {
		t.Errorf("every step done, the card is still shown: %v", got)
	}
}

// TestDashboardFirstStepsWithoutAWebsite: a business without a website can never get a message
// through the widget, so its first steps card stayed on the dashboard for good. The owner marks
// the widget step not needed: it reads "gerekmiyor" (not "done"), counts as done, and once every
// other step is done the card goes away; "Yine de gerekli" puts the step back. A viewer cannot.
func TestDashboardFirstStepsWithoutAWebsite(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := e.User("acme", "vera", "viewer").Post("/app/setup/widget", url.Values{"needed": {"false"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("a viewer marks the widget step: %d", r.StatusCode)
	}
	widget := func() *goquery.Selection {
		t.Helper()
		return owner.Get("/app/?lang=tr").Doc(t).Find(`#setup [data-step="widget"]`)
	}
	if w := widget(); w.Length() != 1 || !strings.Contains(w.Find("form button").Text(), "Web siteniz yok mu?") {
		t.Fatalf("the widget step offers no way to mark it not needed: %q", w.Text())
	}
	r := owner.Post("/app/setup/widget", url.Values{"needed": {"false"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("marking the widget step not needed: %d", r.StatusCode)
	}
	w := widget()
	if _, done := w.Attr("data-done"); !done || !strings.Contains(w.Text(), "gerekmiyor") || strings.Contains(w.Find(".badge").Text(), "tamam") {
		t.Fatalf("the widget step after marking it not needed: %q", w.Text())
	}
	// The viewer made the team step; the widget step, not needed, counts too.
	if got, want := strings.TrimSpace(owner.Get("/app/?lang=tr").Doc(t).Find("#setup p").First().Text()), i18n.For("tr").T("dashboard.setup.intro", 2, 5); got != want {
		t.Errorf("the count says %q, want %q", got, want)
	}
	if r := owner.Post("/app/setup/widget", url.Values{"needed": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("needed again: %d", r.StatusCode)
	}
	if _, done := widget().Attr("data-done"); done {
		t.Fatal("the widget step stays done after Needed after all")
	}
	if r := owner.Post("/app/setup/widget", url.Values{"needed": {"false"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("not needed again: %d", r.StatusCode)
	}
	// Every other step done: the card goes away although no widget message ever came.
	for _, p := range []struct {
		path string
		form url.Values
	}{
		{"/app/settings/hours", url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "day1": {"09:00-18:00"}, "after_hours": {"ack"}}},
		{"/app/settings/profile", url.Values{"name": {"Acme Parke"}, "niche": {"parke_tas"}, "primary_locale": {"tr"}, "currency": {"TRY"},
			"greeting": {"Merhaba"}, "chat_widget_enabled": {"true"}, "privacy_notice": {"Kişisel verileriniz teklif için işlenir."}}},
		{"/products/", url.Values{"sku": {"MESE"}, "name": {"Meşe parke"}, "unit": {"m²"}, "unit_price": {"850"}}},
	} {
		if r := owner.Post(p.path, p.form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", p.path, r.StatusCode)
		}
	}
	if body := owner.Get("/app/?lang=tr").Body; strings.Contains(body, `id="setup"`) {
		t.Error("every step done or not needed, the first steps card is still shown")
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

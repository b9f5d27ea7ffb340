package landing_test

import (
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

func TestLanding(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	if r := c.Get("/"); r.StatusCode != 200 || strings.Contains(r.Body, `name="contact"`) {
		t.Fatalf("disabled landing shows the form: %d", r.StatusCode)
	}
	e.Set("acme", map[string]string{"landing_enabled": "true"})
	r := c.Get("/?utm_source=google&utm_campaign=bahar")
	doc := r.Doc(t)
	if r.StatusCode != 200 || doc.Find(`input[name="contact"]`).Length() != 1 || doc.Find(`input[name="utm_source"][value="google"]`).Length() != 1 || !strings.Contains(r.Body, "Acme Ltd") {
		t.Fatalf("landing: %d", r.StatusCode)
	}
	form := url.Values{"name": {"Mehmet Kaya"}, "contact": {"0532 111 22 33"}, "message": {"Bahçe için kilit parke"}, "utm_source": {"google"}, "utm_campaign": {"bahar"}}
	if r := c.Post("/", form); r.StatusCode != 422 {
		t.Fatalf("no consent: %d", r.StatusCode)
	}
	db := e.DB("acme")
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM leads`).Scan(&n)
	if n != 0 {
		t.Fatal("422 stored a lead")
	}
	bot := url.Values{"name": {"x"}, "contact": {"a@b.co"}, "consent": {"1"}, "website": {"spam.example"}}
	if r := c.Post("/", bot); r.StatusCode != 303 {
		t.Fatalf("honeypot: %d", r.StatusCode)
	}
	form.Set("consent", "1")
	if r := c.Post("/", form); r.StatusCode != 303 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
	var src, us, uc, ch, phone string
	if err := db.Read.QueryRow(`SELECT l.source, l.utm_source, l.utm_campaign, c.channel, l.phone_e164 FROM leads l JOIN conversations c ON c.lead_id = l.id`).Scan(&src, &us, &uc, &ch, &phone); err != nil {
		t.Fatal(err)
	}
	if src != "landing" || us != "google" || uc != "bahar" || ch != "manual" || phone != "+905321112233" {
		t.Fatalf("lead: %s %s %s %s %s", src, us, uc, ch, phone)
	}
	_ = db.Read.QueryRow(`SELECT count(*) FROM leads`).Scan(&n)
	if n != 1 {
		t.Fatalf("leads = %d (honeypot stored?)", n)
	}
	var limited bool
	for range 5 {
		if r := c.Post("/", form); r.StatusCode == 429 {
			limited = r.Header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Fatal("no rate limit")
	}
}

// TestLandingLinksTheBusinessNotice: the landing form's consent box linked the general notice at
// /kvkk/, while the lead records the version of the business's own notice: a visitor agreed to a
// text they were never shown. The link opens /kvkk/<slug>/, the business's notice with the version
// the lead keeps, also on the form shown again after a refusal.
func TestLandingLinksTheBusinessNotice(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"landing_enabled": "true", "privacy_notice": "Acme verilerinizi yalnızca teklif için kullanır."})
	c := e.Client()
	pages := map[string]*apptest.Resp{"GET /": c.Get("/"), "POST / without consent": c.Post("/", url.Values{"name": {"Ayşe"}, "contact": {"ayse@example.com"}})}
	for what, r := range pages {
		href, _ := r.Doc(t).Find(`label:has(input[name="consent"]) a`).Attr("href")
		// The business's notice, in the page's language (the notice the owner wrote in it, if any).
		if href != "/kvkk/acme/?lang=en" {
			t.Errorf("%s: the consent box links %q, want /kvkk/acme/?lang=en", what, href)
		}
	}
	if r := c.Get("/kvkk/acme/"); r.StatusCode != 200 || !strings.Contains(r.Body, "Acme verilerinizi yalnızca teklif için kullanır.") {
		t.Fatalf("/kvkk/acme/: %d, the business's notice not shown", r.StatusCode)
	}
}

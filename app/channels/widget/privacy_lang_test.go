package widget_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/widget"
	"highvibe/app/i18n"
)

// TestPrivacyNoticeInTheVisitorsLanguage: the privacy page showed the owner's one notice, in the
// business's language, to every visitor. A visitor now reads the owner's notice in their own
// language where the owner wrote one (the widget's link carries its language), else the owner's
// main notice, else the built-in text in their language; the consent a visitor gives is to the
// text they were shown; a notice too long is refused beside its own field and nothing is stored.
func TestPrivacyNoticeInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Tenant("bare", "parke_tas", "tr")
	e.Set("bare", map[string]string{"privacy_notice": ""})
	owner := e.User("acme", "olga", "owner")
	const trNotice = "Verileriniz yalnızca talebinizi yanıtlamak için kullanılır."
	const deNotice = "Ihre Daten werden nur zur Beantwortung Ihrer Anfrage verwendet."

	// The owner writes the main notice and a German one on the settings page.
	form := apptest.FormValues(owner.Get("/app/settings/").Doc(t).Find(`form[action="/app/settings/profile"]`))
	form.Set("privacy_notice", trNotice)
	form.Set("privacy_notice_de", deNotice)
	if r := owner.Post("/app/settings/profile", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}

	notice := func(c *apptest.Client, path string) (string, string) {
		doc := c.Get(path).Doc(t)
		n := doc.Find("[data-notice]")
		lang, _ := n.Attr("lang")
		if n.Length() == 0 {
			return strings.Join(strings.Fields(doc.Find("main").Text()), " "), ""
		}
		return strings.TrimSpace(n.Text()), lang
	}
	visitor := e.Client()
	for _, c := range []struct{ path, want, lang string }{
		{"/kvkk/acme/?lang=de", deNotice, "de"},
		{"/kvkk/acme/?lang=tr", trNotice, "tr"},
		{"/kvkk/acme/?lang=ar", trNotice, "tr"}, // no Arabic one: the main notice, marked Turkish
	} {
		if got, lang := notice(visitor, c.path); got != c.want || lang != c.lang {
			t.Errorf("%s: notice %q (lang %q), want %q (%s)", c.path, got, lang, c.want, c.lang)
		}
		// A notice in another language than the page's says so in the visitor's words.
		page := visitor.Get(c.path).Doc(t)
		other := strings.TrimSpace(page.Find("[data-other-lang]").Text())
		pageLang := c.path[strings.Index(c.path, "lang=")+5:]
		if want := i18n.For(pageLang).T("kvkk.other_lang"); (c.lang != pageLang) != (other == want) {
			t.Errorf("%s: other-language line %q (notice in %s)", c.path, other, c.lang)
		}
	}
	// A business without any notice: the built-in text in the visitor's own language.
	for _, lang := range []string{"de", "ar", "fr"} {
		if got, _ := notice(visitor, "/kvkk/bare/?lang="+lang); !strings.Contains(got, i18n.For(lang).T("kvkk.default")) {
			t.Errorf("bare, %s: %q, want the built-in text in that language", lang, got)
		}
	}

	// The widget links its visitor to the notice in its own language.
	var cfg struct {
		PrivacyURL string `json:"privacy_url"`
	}
	r := visitor.Get("/widget/api/acme/config?lang=de")
	if err := json.Unmarshal([]byte(r.Body), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.PrivacyURL != "/kvkk/acme/?lang=de" {
		t.Errorf("the widget's privacy link %q carries no language", cfg.PrivacyURL)
	}
	// A German visitor consents to the German notice, a Turkish one to the Turkish.
	for _, c := range []struct{ lang, name, text string }{{"de", "Hans", deNotice}, {"tr", "Ayşe", trNotice}} {
		if r := visitor.PostJSON("/widget/api/acme/messages?lang="+c.lang, []byte(`{"text":"Preis?","name":"`+c.name+`","consent":true,"lang":"`+c.lang+`"}`), nil); r.StatusCode != 201 {
			t.Fatalf("%s post: %d", c.lang, r.StatusCode)
		}
		var v string
		if err := e.DB("acme").Read.QueryRow(`SELECT coalesce(consent_version,'') FROM leads WHERE name = ?`, c.name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != widget.ConsentVersion(c.text) {
			t.Errorf("%s visitor's consent %q, want the version of the notice in %s", c.lang, v, c.lang)
		}
	}

	// Too long: refused beside its own field, in the owner's language, nothing stored.
	form = apptest.FormValues(owner.Get("/app/settings/?lang=de").Doc(t).Find(`form[action="/app/settings/profile"]`))
	form.Set("privacy_notice_ar", strings.Repeat("ن", 20001))
	r = owner.Post("/app/settings/profile?lang=de", form)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("too long: %d, want 422", r.StatusCode)
	}
	doc := r.Doc(t)
	if msg := doc.Find("#privacy_notice_ar ~ .field-error").Text(); !strings.Contains(msg, i18n.For("de").T("validation.too_long", 20000)) {
		t.Errorf("the refusal beside the Arabic notice: %q", msg)
	}
	if _, open := doc.Find("#privacy_notice_langs").Attr("open"); !open {
		t.Error("the refused notice is folded away")
	}
	if got, _ := notice(visitor, "/kvkk/acme/?lang=ar"); got != trNotice {
		t.Errorf("after the refusal the Arabic visitor reads %q", got)
	}
}

// TestGreetingInTheVisitorsLanguage: the chat's greeting and the landing page's first line were
// the owner's one greeting, in the business's language, for every visitor (and on the Arabic
// landing page a Turkish greeting was laid out right to left, its full stop at the wrong end).
// The owner may now write it per language: a visitor reads it in their language, else the main
// greeting (marked as written in the business's language, in its own direction), else the
// built-in one in their language; a greeting too long is refused beside its own field.
func TestGreetingInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	bare := e.Tenant("bare", "parke_tas", "tr").Name
	owner := e.User("acme", "olga", "owner")
	const trG = "Merhaba! Taş ve parke işiniz için yazın."
	const deG = "Hallo! Schreiben Sie uns zu Ihrem Pflaster."
	form := apptest.FormValues(owner.Get("/app/settings/").Doc(t).Find(`form[action="/app/settings/profile"]`))
	form.Set("greeting", trG)
	form.Set("greeting_de", deG)
	form.Set("landing_enabled", "true")
	if r := owner.Post("/app/settings/profile", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	e.Set("bare", map[string]string{"greeting": "", "chat_widget_enabled": "true"})
	visitor := e.Client()
	greeting := func(slug, lang string) string {
		var cfg struct {
			Greeting string `json:"greeting"`
		}
		r := visitor.Get("/widget/api/" + slug + "/config?lang=" + lang)
		if err := json.Unmarshal([]byte(r.Body), &cfg); err != nil {
			t.Fatalf("%s config: %d %v", slug, r.StatusCode, err)
		}
		return cfg.Greeting
	}
	for lang, want := range map[string]string{"de": deG, "tr": trG, "ar": trG} {
		if got := greeting("acme", lang); got != want {
			t.Errorf("widget in %s: greeting %q, want %q", lang, got, want)
		}
	}
	if got, want := greeting("bare", "ar"), i18n.For("ar").T("widget.default_greeting", bare); got != want {
		t.Errorf("bare widget in ar: %q, want the built-in Arabic greeting %q", got, want)
	}
	for _, c := range []struct{ lang, want, in string }{{"de", deG, "de"}, {"ar", trG, "tr"}} {
		p := visitor.Get("/?lang=" + c.lang).Doc(t).Find("[data-greeting]")
		in, _ := p.Attr("lang")
		dir, _ := p.Attr("dir")
		if strings.TrimSpace(p.Text()) != c.want || in != c.in || dir != "auto" {
			t.Errorf("landing in %s: greeting %q (lang %q, dir %q), want %q in %s laid out in its own direction", c.lang, p.Text(), in, dir, c.want, c.in)
		}
	}
	form = apptest.FormValues(owner.Get("/app/settings/").Doc(t).Find(`form[action="/app/settings/profile"]`))
	form.Set("greeting_fr", strings.Repeat("a", 501))
	r := owner.Post("/app/settings/profile?lang=ar", form)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("too long: %d, want 422", r.StatusCode)
	}
	if msg := r.Doc(t).Find("#greeting_fr ~ .field-error").Text(); !strings.Contains(msg, i18n.For("ar").T("validation.too_long", 500)) {
		t.Errorf("the refusal beside the French greeting: %q", msg)
	}
	if got := greeting("acme", "fr"); got != trG {
		t.Errorf("after the refusal the French widget greets %q", got)
	}
}

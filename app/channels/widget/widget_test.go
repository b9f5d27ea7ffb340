package widget_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/widget"
	"highvibe/app/i18n"
	"highvibe/app/web"

	"github.com/PuerkitoBio/goquery"
)

func decode(t *testing.T, r *apptest.Resp) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.StatusCode, r.Body)
	}
	return m
}

func TestWidgetAPI(t *testing.T) {
	e := apptest.New(t)
	business := e.Tenant("acme").Name
	e.Set("acme", map[string]string{"greeting": "Merhaba! Size nasıl yardımcı olabiliriz?", "consent_required": "true", "privacy_notice": "KVKK metni"})
	c := e.Client()

	r := c.Get("/widget/api/acme/config?lang=tr")
	cfg := decode(t, r)
	if r.StatusCode != 200 || cfg["greeting"] != "Merhaba! Size nasıl yardımcı olabiliriz?" || cfg["consent_required"] != true || cfg["enabled"] != true || cfg["privacy_url"] != "/kvkk/acme/?lang=tr" {
		t.Fatalf("config: %d %v", r.StatusCode, cfg)
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("config lacks CORS")
	}
	if r := c.Get("/widget/api/nope/config"); r.StatusCode != 404 || decode(t, r)["code"] != "unknown_tenant" {
		t.Errorf("unknown slug: %d", r.StatusCode)
	}
	req, _ := http.NewRequest("OPTIONS", e.URL+"/widget/api/acme/messages", nil)
	req.Header.Set("Origin", "https://example.org")
	req.Header.Set("Access-Control-Request-Method", "POST")
	if r := c.Do(req); r.StatusCode != 204 || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", r.StatusCode, r.Header)
	}

	post := func(body string) *apptest.Resp {
		return c.PostJSON("/widget/api/acme/messages", []byte(body), map[string]string{"Origin": "https://example.org"})
	}
	cases := []struct {
		name, body string
		status     int
		code       string
	}{
		{"bad json", `{"text":`, 400, "bad_json"},
		{"empty", `{"text":"  "}`, 422, "text_required"},
		{"too long", `{"text":"` + strings.Repeat("ş", 4001) + `","consent":true}`, 413, "too_long"},
		{"bad email", `{"text":"hi","email":"nope","consent":true}`, 422, "bad_email"},
		{"no consent", `{"text":"hi","lang":"tr"}`, 422, "consent_required"},
		{"unknown token", `{"text":"hi","token":"forged"}`, 400, "bad_token"},
	}
	for _, cs := range cases {
		r := post(cs.body)
		m := decode(t, r)
		// One JSON error shape everywhere: RFC 9457 problem details, as the integration API.
		if r.StatusCode != cs.status || m["code"] != cs.code || m["detail"] == "" || m["type"] != "urn:highvibe:problem:"+cs.code ||
			m["status"] != float64(cs.status) || r.Header.Get("Content-Type") != "application/problem+json; charset=utf-8" {
			t.Errorf("%s: %d %v", cs.name, r.StatusCode, m)
		}
	}
	if m := decode(t, post(`{"text":"hi","lang":"tr"}`)); m["detail"] != "Mesaj göndermek için lütfen aydınlatma metnini onaylayın." || m["title"] != "Bazı alanların düzeltilmesi gerekiyor" {
		t.Errorf("error not in widget language: %v", m)
	}
	// An address refused for letters such as ş before the @ says so, as every form does; the
	// code stays bad_email.
	if m := decode(t, post(`{"text":"hi","email":"şule@example.com","consent":true,"lang":"tr"}`)); m["code"] != "bad_email" ||
		m["detail"] != i18n.For("tr").T("validation.email_local_ascii") {
		t.Errorf("a Turkish letter before the @: %v", m)
	}
	if m := decode(t, post(`{"text":"hi","email":"nope","consent":true,"lang":"tr"}`)); m["detail"] != i18n.For("tr").T("widget.err.bad_email") {
		t.Errorf("an address without @: %v", m)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
	if n != 0 {
		t.Fatalf("refused posts stored %d messages", n)
	}

	r = post(`{"text":"200 m² villa bahçesi, gri granit istiyorum 🌿","name":"Ayşe","phone":"0532 123 45 67","consent":true}`)
	first := decode(t, r)
	if r.StatusCode != 201 || first["token"] == "" || first["conversation_id"] == nil {
		t.Fatalf("first message: %d %v", r.StatusCode, first)
	}
	tok := first["token"].(string)
	if r := post(`{"text":"ikinci mesaj","token":"` + tok + `"}`); r.StatusCode != 201 || decode(t, r)["conversation_id"] != first["conversation_id"] {
		t.Fatalf("second message went elsewhere: %s", r.Body)
	}
	db := e.DB("acme")
	var src, cv string
	var cat *int64
	if err := db.Read.QueryRow(`SELECT source, consent_version, consent_at FROM leads`).Scan(&src, &cv, &cat); err != nil || src != "webchat" || cv == "" || cat == nil {
		t.Fatalf("lead: %v %s %q %v", err, src, cv, cat)
	}
	var ext string
	_ = db.Read.QueryRow(`SELECT external_id FROM conversations`).Scan(&ext)
	if ext == "" || strings.Contains(ext, tok) {
		t.Errorf("visitor token must be stored hashed, got %q", ext)
	}
	convID := int64(first["conversation_id"].(float64))
	if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, convID, inboxOutgoing("Merhaba Ayşe, keşif için ne zaman uygunsunuz?"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, convID, inboxSystem("internal note"), ""); err != nil {
		t.Fatal(err)
	}
	r = c.Get("/widget/api/acme/messages?token=" + tok + "&after=0")
	list := decode(t, r)["messages"].([]any)
	var last, reply map[string]any
	for _, x := range list {
		m := x.(map[string]any)
		if m["direction"] == "system" || strings.Contains(m["text"].(string), "internal note") {
			t.Fatalf("visitor sees a system note: %s", r.Body)
		}
		if m["author"] == "Talha" {
			t.Fatalf("the visitor sees the operator's login: %s", r.Body)
		}
		if m["direction"] == "outbound" && business != "" && m["author"] == business {
			reply = m
		}
		last = m
	}
	if reply == nil || reply["direction"] != "outbound" || !strings.Contains(reply["text"].(string), "keşif") {
		t.Fatalf("reply not visible: %s", r.Body)
	}
	after := int64(last["id"].(float64))
	if r := c.Get("/widget/api/acme/messages?token=" + tok + "&after=" + itoa(after)); len(decode(t, r)["messages"].([]any)) != 0 {
		t.Errorf("after= not honoured: %s", r.Body)
	}
	if r := c.Get("/widget/api/acme/messages?token=other"); r.StatusCode != 404 {
		t.Errorf("unknown token list: %d", r.StatusCode)
	}

	// Disabled and inactive.
	e.Set("acme", map[string]string{"chat_widget_enabled": "false"})
	if r := c.Get("/widget/api/acme/config"); r.StatusCode != 403 || decode(t, r)["code"] != "disabled" {
		t.Errorf("disabled config: %d", r.StatusCode)
	}
	if r := post(`{"text":"x","token":"` + tok + `"}`); r.StatusCode != 403 {
		t.Errorf("disabled post: %d", r.StatusCode)
	}
	e.Set("acme", map[string]string{"chat_widget_enabled": "true", "status": "inactive"})
	if r := c.Get("/widget/api/acme/config"); r.StatusCode != 200 || decode(t, r)["enabled"] != false {
		t.Errorf("inactive config: %d %s", r.StatusCode, r.Body)
	}
	_ = db.Read.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
	if r := post(`{"text":"x","token":"` + tok + `"}`); r.StatusCode != 403 || decode(t, r)["code"] != "unavailable" {
		t.Errorf("inactive post: %d %s", r.StatusCode, r.Body)
	}
	var n2 int
	_ = db.Read.QueryRow(`SELECT count(*) FROM messages`).Scan(&n2)
	if n2 != n {
		t.Error("inactive tenant stored a message")
	}
}

func TestWidgetRateLimit(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	var tok string
	var limited *apptest.Resp
	for i := range 10 {
		body := `{"text":"msg"}`
		if tok != "" {
			body = `{"text":"msg","token":"` + tok + `"}`
		}
		r := c.PostJSON("/widget/api/acme/messages", []byte(body), nil)
		if r.StatusCode == 429 {
			limited = r
			break
		}
		if r.StatusCode != 201 {
			t.Fatalf("message %d: %d %s", i, r.StatusCode, r.Body)
		}
		tok = decode(t, r)["token"].(string)
	}
	if limited == nil || limited.Header.Get("Retry-After") == "" {
		t.Fatal("no 429 with Retry-After for a chatty visitor")
	}
}

func TestPagesAndScript(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"privacy_notice": "Verileriniz <b>korunur</b>."})
	c := e.Client()
	if r := c.Get("/widget.js"); r.StatusCode != 302 || !strings.Contains(r.Header.Get("Location"), "widget") {
		t.Fatalf("/widget.js: %d %v", r.StatusCode, r.Header)
	}
	r := c.Get("/kvkk/acme/")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Verileriniz &lt;b&gt;korunur&lt;/b&gt;.") {
		t.Fatalf("kvkk: %d", r.StatusCode)
	}
	// How a request is made and answered (guide: exports-and-kvkk), in the visitor's language.
	if got := r.Doc(t).Find("[data-rights]").Text(); !strings.Contains(got, "KVKK article 11 you may ask Acme Ltd") || !strings.Contains(got, "within 30 days") {
		t.Errorf("kvkk page rights: %q", got)
	}
	if got := c.Get("/kvkk/acme/?lang=tr").Doc(t).Find("[data-rights]").Text(); !strings.Contains(got, "KVKK madde 11") || !strings.Contains(got, "30 gün") {
		t.Errorf("kvkk page rights: %q", got)
	}
	if r := c.Get("/kvkk/"); r.StatusCode != 200 {
		t.Fatalf("kvkk default: %d", r.StatusCode)
	}
	r = c.Get("/widget/demo/acme/")
	if r.StatusCode != 200 || r.Doc(t).Find(`script[data-tenant-slug="acme"]`).Length() != 1 {
		t.Fatalf("demo: %d", r.StatusCode)
	}
}

// TestWidgetDefaultGreetingTurkish: a business without a greeting of its own gets the default one
// with its name, written so that it reads right in Turkish whatever the name ends with: "Merhaba!
// %s'a hoş geldiniz" put the same ending after every name ("Yeni Parke'a", "Osman Usta'a"), where
// Turkish wants 'ya, 'ye, 'a or 'e by the name's last vowel.
func TestWidgetDefaultGreetingTurkish(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"name": "Yeni Parke", "greeting": ""})
	cfg := decode(t, e.Client().Get("/widget/api/acme/config?lang=tr"))
	if got := cfg["greeting"]; got != "Merhaba! Yeni Parke olarak size nasıl yardımcı olabiliriz?" {
		t.Errorf("default Turkish greeting %q", got)
	}
}

// TestWidgetRefusedBodyInVisitorsLanguage: a post whose fields do not decode (text sent as a
// number) is refused in the language the body names, like any other refusal, not in the
// business's: an Arabic page's script got "İstek okunamadı." from a Turkish business.
func TestWidgetRefusedBodyInVisitorsLanguage(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	r := e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":123,"lang":"ar"}`), nil)
	m := decode(t, r)
	if r.StatusCode != http.StatusBadRequest || m["code"] != "bad_json" || m["detail"] != "تعذّرت قراءة الطلب." {
		t.Errorf("refused body: %d %v, want 400 bad_json said in Arabic", r.StatusCode, m)
	}
}

// TestVisitorPagesOfferNoPanelMenu: the privacy notice a visitor of the business's website opens
// from the chat (and the widget's demo page) showed the panel's ☰ menu with the guide and "Giriş
// yap" (sign in), which a customer has no business with; the quote page a customer opens already
// drew without it. Now they show the notice and the language choice only, in every language.
func TestVisitorPagesOfferNoPanelMenu(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	for _, path := range []string{"/kvkk/acme/", "/kvkk/", "/widget/demo/acme/"} {
		for _, lang := range []string{"tr", "en", "ar"} {
			r := c.Get(path + "?lang=" + lang)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s in %s: %d", path, lang, r.StatusCode)
			}
			doc := r.Doc(t)
			if n := doc.Find(`[data-nav-toggle], #main-nav, a[href="/login/"]`).Length(); n != 0 {
				t.Errorf("%s in %s offers the panel's menu (%d elements)", path, lang, n)
			}
			if doc.Find("details.lang-switch").Length() != 1 {
				t.Errorf("%s in %s lost its language choice", path, lang)
			}
			// The "HighVibe" name is plain text: it linked to "/", HighVibe's own landing page
			// with its "Sign in", where a contractor's customer has no business.
			if brand := doc.Find(".topbar-brand"); brand.Length() != 1 || goquery.NodeName(brand) == "a" || doc.Find(`a[href="/"]`).Length() != 0 {
				t.Errorf("%s in %s links its HighVibe name to the landing page", path, lang)
			}
		}
	}
}

// TestGeneralNoticeVersionIsTheEmptyNotice: pages name the empty notice's consent version as the
// general text (web.GeneralNoticeVersion); it must stay the version ConsentVersion gives it.
func TestGeneralNoticeVersionIsTheEmptyNotice(t *testing.T) {
	if got := widget.ConsentVersion(""); got != web.GeneralNoticeVersion {
		t.Fatalf("ConsentVersion(\"\") = %q, web.GeneralNoticeVersion = %q", got, web.GeneralNoticeVersion)
	}
}

package conversions_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/conversions"
)

// The marketing box names what goes out and to whom — the hashed e-mail, phone and name and the
// ad click, to the platforms switched on, abroad — and the public privacy page gets a section
// saying the same (only the platforms switched on, that it leaves the country, how to withdraw)
// while any is. Switching a platform on tells the owner to update the notice, and shows where.
func TestConsentAndPrivacyPageNameThePlatforms(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "tr")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	owner := e.User("usta", "osman", "owner")
	config := func(lang string) string {
		t.Helper()
		r := e.Client().Get("/widget/api/usta/config?lang=" + lang)
		var m struct {
			Marketing bool              `json:"marketing"`
			Labels    map[string]string `json:"labels"`
		}
		if err := json.Unmarshal([]byte(r.Body), &m); err != nil || !m.Marketing {
			t.Fatalf("config: %v %s", err, r.Body)
		}
		return m.Labels["marketing"]
	}
	// Nothing switched on yet: nothing is sent, and the privacy page has no section about it.
	if doc := e.Client().Get("/kvkk/usta/?lang=tr").Doc(t); doc.Find("#ad-platforms").Length() != 0 {
		t.Fatal("the privacy page speaks of ad platforms while none is switched on")
	}
	r := owner.Post("/app/settings/conversions?lang=tr", url.Values{"rule_lead": {"1"}, "currency": {"TRY"}, "meta_on": {"1"},
		"meta_pixel_id": {"111222333"}, "meta_access_token": {"EAAsecret"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "#conv-notice") {
		t.Fatalf("save: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := owner.Get("/app/settings/conversions?lang=tr")
	doc := page.Doc(t)
	if !strings.Contains(page.Body, "Meta\u2069 gönderimini açtınız: aydınlatma metninizi güncelleyin") ||
		!strings.Contains(doc.Find("#conv-notice").Text(), "Meta (Facebook, Instagram)") ||
		doc.Find(`#conv-notice a[href="/kvkk/usta/#ad-platforms"]`).Length() != 1 || doc.Find(`#conv-notice a[href="/app/settings/#privacy_notice"]`).Length() != 1 {
		t.Fatalf("switching Meta on does not tell the owner to update the privacy notice:\n%s", page.Body)
	}
	for lang, want := range map[string][]string{
		"tr": {"e-posta, telefon ve adımın", "hash", "yurt dışındaki Meta (Facebook, Instagram)"},
		"en": {"e-mail, phone and name", "hashes", "Meta (Facebook, Instagram), outside Turkey"},
	} {
		got := config(lang)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: marketing box %q, want %q", lang, got, w)
			}
		}
		if strings.Contains(got, "TikTok") || strings.Contains(got, "Google") {
			t.Errorf("%s: the box names platforms that are off: %q", lang, got)
		}
	}
	priv := e.Client().Get("/kvkk/usta/?lang=tr").Doc(t)
	sec := priv.Find("#ad-platforms").Text() + " " + priv.Find("#ad-platforms ~ p").Text()
	for _, w := range []string{"Reklam ölçümü", "SHA-256", "Meta (Facebook, Instagram)", "Türkiye dışındaki", "geri çekebilirsiniz"} {
		if !strings.Contains(sec, w) {
			t.Errorf("privacy page section lacks %q:\n%s", w, sec)
		}
	}
	if strings.Contains(sec, "TikTok") || strings.Contains(sec, "Google") {
		t.Errorf("the privacy page names platforms that are off:\n%s", sec)
	}
	// A visitor who ticks the box gives consent to these words: its version is made of them.
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-x"}})
	var version string
	e.DB("usta").Read.QueryRow(`SELECT marketing_consent_version FROM lead_attribution`).Scan(&version)
	if version != conversions.MarketingVersion(config("tr")) {
		t.Errorf("consent version %q is not the version of the words shown", version)
	}
	// Google added: both are named, and the save says the new one.
	r = owner.Post("/app/settings/conversions?lang=en", url.Values{"rule_lead": {"1"}, "currency": {"TRY"}, "meta_on": {"1"},
		"meta_pixel_id": {"111222333"}, "google_on": {"1"}, "google_customer_id": {"1234567890"}, "google_action_lead": {"11"},
		"google_developer_token": {"d"}, "google_client_id": {"c"}, "google_client_secret": {"s"}, "google_refresh_token": {"r"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save Google: %d %s", r.StatusCode, r.Body)
	}
	if p := owner.Get("/app/settings/conversions?lang=en"); !strings.Contains(p.Body, "You switched on \u2068Google Ads\u2069: update your privacy notice") {
		t.Errorf("adding Google does not say so")
	}
	if got := config("en"); !strings.Contains(got, "Meta (Facebook, Instagram), Google Ads, outside Turkey") {
		t.Errorf("marketing box %q", got)
	}
}

// setupAt is setup with Meta's address replaced (unreachable: nothing listens there).
func setupAt(t *testing.T, meta string) (*apptest.Env, *platforms, *apptest.Client) {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "tr")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	p := newPlatforms(t)
	e.Handlers.ConversionsSvc.Sender.EP = conversions.Endpoints{Meta: meta, Google: p.srv.URL + "/google",
		GoogleOAuth: p.srv.URL + "/oauth/token", TikTok: p.srv.URL + "/tiktok"}
	if err := e.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	owner := e.User("usta", "osman", "owner")
	if r := owner.Post("/app/settings/conversions", url.Values{"rule_lead": {"1"}, "currency": {"TRY"},
		"meta_on": {"1"}, "meta_pixel_id": {"111222333"}, "meta_access_token": {"EAAsecret"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	return e, p, owner
}

// Meta out of reach (nothing answers at its address): the delivery waits for its next try and
// the page says the platform could not be reached and will be tried again, in the owner's
// language, with no transport error (addresses, "dial tcp") shown as if it were Meta's answer.
// A refusal Meta did answer is shown in its words, labelled as Meta's.
func TestUnreachablePlatformIsNotItsAnswer(t *testing.T) {
	t.Parallel()
	closed := newPlatforms(t)
	dead := closed.srv.URL
	closed.srv.Close() // nothing listens there any more
	e, _, owner := setupAt(t, dead+"/meta")
	db := e.DB("usta")
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-u"}})
	waitFor(t, "the first try", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'meta' AND attempts >= 1 AND reason = 'unreachable'`) == 1
	})
	host := strings.TrimPrefix(dead, "http://")
	for lang, want := range map[string]string{"tr": "Meta platformuna ulaşılamadı (ağ, DNS veya zaman aşımı)", "en": "Could not reach Meta (network, DNS or a timeout)"} {
		page := owner.Get("/app/settings/conversions?lang=" + lang)
		cell := page.Doc(t).Find(`#deliveries [data-delivery]`).Text()
		if !strings.Contains(cell, want) || strings.Contains(page.Body, "dial tcp") || strings.Contains(page.Body, host) ||
			page.Doc(t).Find(`#deliveries [data-platform-answer]`).Length() != 0 {
			t.Fatalf("%s: an unreachable Meta is shown as its answer:\n%s", lang, cell)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE last_error LIKE '%dial%' OR last_error LIKE '%`+host+`%'`); n != 0 {
		t.Fatal("the transport error is kept as the platform's answer")
	}
}

// A refusal keeps the platform's words, labelled as that platform's answer.
func TestPlatformAnswerIsLabelledAsIts(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	p.mu.Lock()
	p.answer = func(path string, _ int) (int, string) {
		if path == metaPath {
			return 400, `{"error":{"message":"Invalid parameter","type":"GraphMethodException","code":100}}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-r"}})
	waitFor(t, "Meta's refusal", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'meta' AND status = 'failed'`) == 1
	})
	ans := owner.Get("/app/settings/conversions?lang=en").Doc(t).Find(`#deliveries [data-platform-answer]`).Text()
	if !strings.Contains(ans, "Answer from Meta, in its own words:") || !strings.Contains(ans, "Invalid parameter") {
		t.Fatalf("Meta's answer: %q", ans)
	}
}

// Deliveries to a platform that start failing tell the owners once (a notification, not one per
// event), and the settings page warns while the platform's latest delivery failed; once one gets
// through the warning goes, and a new run of failures is told again.
func TestFailingDeliveriesTellTheOwnersOnce(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	e.User("usta", "olga", "operator")
	db := e.DB("usta")
	var mu sync.Mutex
	expired := true
	p.mu.Lock()
	p.answer = func(path string, _ int) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		if path == metaPath && expired {
			return 400, `{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190}}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	failing := func(n int) {
		t.Helper()
		waitFor(t, "Meta's refusals", func() bool {
			return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'meta' AND status = 'failed'`) == n
		})
	}
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-1"}})
	failing(1)
	widgetPost(t, e, map[string]any{"text": "Merhaba", "name": "Veli", "email": "veli@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-2"}})
	failing(2)
	waitFor(t, "the owner told", func() bool {
		return count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'conversion_failing'`) >= 1
	})
	waitFor(t, "every notification event handled", func() bool {
		return count(t, db, `SELECT count(*) FROM jobs WHERE kind = 'notify_event' AND status IN ('queued', 'running')`) == 0
	})
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'conversion_failing'`); n != 1 {
		t.Fatalf("%d notifications for one run of failures (the owner only, once)", n)
	}
	// The bell says why, in words: Meta refused the token (not only that Meta is failing).
	for lang, want := range map[string]string{"tr": "Meta platformuna dönüşüm gönderimleri başarısız oluyor: erişim anahtarı veya kimlik bilgileri reddedildi",
		"en": "Conversion deliveries to Meta are failing: the access token or credentials were refused"} {
		if bell := owner.Get("/app/notifications/?lang=" + lang); !strings.Contains(bell.Doc(t).Find(".notify-line").Text(), want) {
			t.Fatalf("%s: the bell does not say why Meta is failing:\n%s", lang, bell.Doc(t).Find(".notify-line").Text())
		}
	}
	page := owner.Get("/app/settings/conversions?lang=tr").Doc(t)
	if w := page.Find(`#conv-failing [data-failing="meta"]`).Text(); !strings.Contains(w, "erişim anahtarını") {
		t.Fatalf("no warning above the settings while Meta's latest delivery failed: %q", w)
	}
	if page.Find(`#conv-failing [data-failing="google"], #conv-failing [data-failing="tiktok"]`).Length() != 0 {
		t.Fatal("a platform that gets through is warned of")
	}
	// The owner saves a new token and tries again: Meta gets it, the warning goes.
	mu.Lock()
	expired = false
	mu.Unlock()
	var did int64
	db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'meta' ORDER BY id DESC LIMIT 1`).Scan(&did)
	owner.Post("/app/settings/conversions/deliveries/"+itoa(did)+"/retry", nil)
	waitFor(t, "Meta sent", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE id = ? AND status = 'sent'`, did) == 1
	})
	if owner.Get("/app/settings/conversions?lang=tr").Doc(t).Find(`#conv-failing`).Length() != 0 {
		t.Fatal("the warning stays after a delivery got through")
	}
	// A new run of failures is news again.
	mu.Lock()
	expired = true
	mu.Unlock()
	widgetPost(t, e, map[string]any{"text": "Selam", "name": "Can", "email": "can@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-3"}})
	waitFor(t, "the owner told again", func() bool {
		return count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'conversion_failing'`) == 2
	})
}

// The person's KVKK page and the summary handed to them say what went to ad platforms — the
// marketing consent, the click ids and campaign, and each event with the platform, when it was
// sent and how — and the JSON export names the platform and status of each delivery.
func TestKVKKExportNamesTheAdPlatforms(t *testing.T) {
	t.Parallel()
	e, _, owner := setup(t)
	db := e.DB("usta")
	res := widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali Kaya", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-k", "utm_campaign": "bahar-bahce", "utm_source": "instagram"}})
	var leadID int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res["conversation_id"].(float64))).Scan(&leadID)
	waitFor(t, "the Lead sent to the three platforms", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE status = 'sent'`) == 3
	})
	base := "/app/kvkk/leads/" + itoa(leadID) + "/"
	sum := owner.Get(base + "summary?lang=tr").Doc(t)
	sec := sum.Find("#ad-tracking")
	if sec.Length() != 1 {
		t.Fatalf("the summary has no ad platforms section:\n%s", sum.Find("main").Text())
	}
	for _, w := range []string{"Pazarlama onayı", "fbclid: IwAR-k", "bahar-bahce", "SHA-256"} {
		if !strings.Contains(sec.Text(), w) {
			t.Errorf("summary ad section lacks %q:\n%s", w, sec.Text())
		}
	}
	for _, dest := range []string{"meta", "google", "tiktok"} {
		row := sec.Find(`[data-ad-delivery="` + dest + `"]`).Text()
		if !strings.Contains(row, "Aday") || !strings.Contains(row, "Gönderildi") {
			t.Errorf("%s row: %q", dest, row)
		}
	}
	person := owner.Get(base + "?lang=tr").Doc(t)
	if c := person.Find(`[data-count-ads]`).Text(); !strings.Contains(c, "1 dönüşüm olayı") || !strings.Contains(c, "3 gönderim") {
		t.Errorf("kept list: %q", c)
	}
	if n := person.Find(`.kvkk-ads [data-ad-delivery]`).Length(); n != 3 || !strings.Contains(person.Find("main").Text(), "platformların daha önce aldığını geri alamaz") {
		t.Errorf("the person page lists %d deliveries, or says nothing of what an erasure cannot pull back", n)
	}
	r := owner.Get(base + "export.json")
	var out struct {
		Events []struct {
			Name       string `json:"name"`
			Deliveries []struct {
				Platform string `json:"platform"`
				Status   string `json:"status"`
				SentAt   int64  `json:"sent_at"`
			} `json:"deliveries"`
		} `json:"conversion_events"`
	}
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || len(out.Events) != 1 || len(out.Events[0].Deliveries) != 3 {
		t.Fatalf("export: %v %s", err, r.Body)
	}
	for _, d := range out.Events[0].Deliveries {
		if d.Status != "sent" || d.SentAt == 0 || d.Platform == "" {
			t.Errorf("delivery in the export: %+v", d)
		}
	}
}

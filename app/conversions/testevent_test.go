package conversions_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// "Send a test event" on the settings page checks a platform's saved settings through its real
// API, the way each platform takes a test: Meta and TikTok with the saved test event code, Google
// Ads with validate only. The platform's answer is shown in its section in the owner's words —
// accepted; the token refused, with the platform's own words beside it; Google's remark on a test
// without a real click, with the credentials good; or not reached at all,
// which is not the platform's answer — and written to the action log. A test is no conversion
// event and no delivery of a lead, tells nobody in the bell, and only the owner may send one.
func TestSendATestEventChecksTheSavedSettings(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	result := func(dest string) (outcome, text, answer string) {
		t.Helper()
		doc := owner.Get("/app/settings/conversions?lang=en").Doc(t)
		box := doc.Find("#conv-" + dest + "-test [data-test-outcome]")
		outcome, _ = box.Attr("data-test-outcome")
		return outcome, box.Text(), box.Find("[data-platform-answer]").Text()
	}
	send := func(dest string) {
		t.Helper()
		r := owner.Post("/app/settings/conversions/test/"+dest, nil)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/app/settings/conversions#conv-"+dest+"-test" {
			t.Fatalf("test %s: %d %s", dest, r.StatusCode, r.Header.Get("Location"))
		}
	}
	page := owner.Get("/app/settings/conversions?lang=en").Doc(t)
	for _, dest := range []string{"meta", "google", "tiktok"} {
		if page.Find(`#conv-`+dest+` button[form="conv-test-`+dest+`"]`).Length() != 1 || page.Find(`form#conv-test-`+dest+`[method=post]`).Length() != 1 {
			t.Fatalf("no test button for %s", dest)
		}
	}
	if r := e.User("usta", "olga", "operator").Post("/app/settings/conversions/test/meta", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an operator may not send a test event: %d", r.StatusCode)
	}

	// No test event code saved: Meta would count the event as a real one, so nothing is sent.
	send("meta")
	if o, text, _ := result("meta"); o != "need_code" || !strings.Contains(text, "Nothing was sent: Meta takes a test event only with its test event code") ||
		len(p.bodies(metaPath)) != 0 {
		t.Fatalf("meta without a code: %q %q, %d calls", o, text, len(p.bodies(metaPath)))
	}
	if r := owner.Post("/app/settings/conversions", url.Values{"rule_lead": {"1"}, "rule_qualified": {"1"}, "rule_won": {"1"}, "currency": {"TRY"},
		"meta_on": {"1"}, "meta_pixel_id": {"111222333"}, "meta_test_code": {"TEST4242"},
		"google_on": {"1"}, "google_customer_id": {"123-456-7890"}, "google_action_lead": {"11"}, "google_action_purchase": {"33"},
		"google_client_id": {"cid"}, "tiktok_on": {"1"}, "tiktok_pixel_code": {"CPIXEL123"}, "tiktok_test_code": {"TT77"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the test codes: %d", r.StatusCode)
	}
	if o, _, _ := result("meta"); o != "" {
		t.Fatal("a test of settings saved over since is still shown")
	}

	// Accepted: each platform got one test event, marked the way it takes one.
	for dest, want := range map[string]string{"meta": "Meta accepted the test event", "google": "Google Ads accepted the test conversion",
		"tiktok": "TikTok accepted the test event"} {
		send(dest)
		if o, text, _ := result(dest); o != "ok" || !strings.Contains(text, want) {
			t.Fatalf("%s: %q %q", dest, o, text)
		}
	}
	if b := p.bodies(metaPath); len(b) != 1 || !strings.Contains(b[0], `"test_event_code":"TEST4242"`) || !strings.Contains(b[0], `"event_id":"test-usta-`) {
		t.Fatalf("Meta's test: %v", b)
	}
	if b := p.bodies(googlePath); len(b) != 1 || !strings.Contains(b[0], `"validateOnly":true`) || !strings.Contains(b[0], "conversionActions/11") {
		t.Fatalf("Google's test: %v", b)
	}
	if b := p.bodies(tiktokPath); len(b) != 1 || !strings.Contains(b[0], `"test_event_code":"TT77"`) {
		t.Fatalf("TikTok's test: %v", b)
	}

	// Refused: the token, in the owner's words, with Meta's own beside them.
	p.mu.Lock()
	p.answer = func(path string, _ int) (int, string) {
		switch path {
		case metaPath:
			return 400, `{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190}}`
		case tiktokPath:
			return 200, `{"code":40105,"message":"Access token is incorrect or has been revoked."}`
		case googlePath:
			return 200, `{"partialFailureError":{"message":"The click ID is missing or could not be decoded."}}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	send("meta")
	if o, text, ans := result("meta"); o != "failed" || !strings.Contains(text, "Meta refused the access token or the credentials") ||
		!strings.Contains(ans, "Answer from Meta, in its own words:") || !strings.Contains(ans, "Session has expired") {
		t.Fatalf("meta refused: %q %q %q", o, text, ans)
	}
	send("tiktok")
	if o, text, ans := result("tiktok"); o != "failed" || !strings.Contains(text, "TikTok refused the access token") || !strings.Contains(ans, "revoked") {
		t.Fatalf("tiktok refused: %q %q %q", o, text, ans)
	}
	// Google signed in and read the upload, and remarked on the test conversion (it has no real
	// click): the credentials are good, and Google's words are shown.
	send("google")
	if o, text, ans := result("google"); o != "note" || !strings.Contains(text, "Google Ads accepted the sign-in and the account") || !strings.Contains(ans, "click ID") {
		t.Fatalf("google partial failure: %q %q %q", o, text, ans)
	}
	if tr := owner.Get("/app/settings/conversions?lang=tr").Doc(t).Find("#conv-meta-test [data-test-outcome]").Text(); !strings.Contains(tr, "Meta erişim anahtarını veya kimlik bilgilerini reddetti") {
		t.Fatalf("tr: %q", tr)
	}

	// Not reached: nothing listens at Meta's address. That is no answer of Meta's, and the
	// transport error (addresses, "dial tcp") is not shown as one.
	closed := newPlatforms(t)
	dead := closed.srv.URL
	closed.srv.Close()
	e.Handlers.ConversionsSvc.Sender.EP.Meta = dead + "/meta"
	send("meta")
	body := owner.Get("/app/settings/conversions?lang=en").Body
	if o, text, ans := result("meta"); o != "failed" || !strings.Contains(text, "Could not reach Meta (network, DNS or a timeout)") || ans != "" ||
		strings.Contains(body, "dial tcp") || strings.Contains(body, strings.TrimPrefix(dead, "http://")) {
		t.Fatalf("meta unreachable: %q %q %q", o, text, ans)
	}

	// None of it is a conversion or a lead's delivery, none told the owners in the bell, and every
	// test is in the action log, its outcome and the platform's words with it.
	if n := count(t, db, `SELECT count(*) FROM conversion_events`) + count(t, db, `SELECT count(*) FROM conversion_deliveries`); n != 0 {
		t.Fatalf("test events made %d conversion rows", n)
	}
	if n := count(t, db, `SELECT count(*) FROM jobs WHERE kind = 'notify_event'`); n != 0 {
		t.Fatalf("a test event told the owners: %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE action_type = 'conversion_test_sent'`); n != 8 {
		t.Fatalf("%d test events in the action log, want 8", n)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE action_type = 'conversion_test_sent' AND status = 'failed'
		AND payload LIKE '%"reason":"credentials"%' AND payload LIKE '%Session has expired%'`); n != 1 {
		t.Fatalf("the refusal's log entry: %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE payload LIKE '%EAAsecret%' OR payload LIKE '%ttsecret%'`); n != 0 {
		t.Fatal("a token in the action log")
	}
}

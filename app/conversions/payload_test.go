package conversions

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Golden hashes (sha256sum of the normalized strings, computed outside Go).
const (
	hEmail       = "f047b7d4f9695cd8e84858902bcb2dc765a43c8dfbec4159e18b16d393487e42" // ilker.yilmaz@example.com
	hDottedEmail = "5596a30ff124a06e11f7abc4cc11dc8e3bce45d774b34cebe6a022f77e812899" // İlker@example.com
	hGmail       = "e615f75a50201a581991e4a583bab5dd06bd483c1e7af803861dbe7d7a5be987" // ayse.yilmaz@gmail.com
	hGmailGoogle = "bf3524c2815f3be55539be61df0559eb0e9eb8bba23b3251242ceae082049824" // ayseyilmaz@gmail.com
	hPhone       = "7e3308159fc7cca243cef8a01acc25f18cd62d0d1ad92a6d38c3107d9aa3d8cc" // 905321234567
	hPhonePlus   = "57c4176feab36c8b2d9536954c377aee3fa760184cbdb9c3a431fbc707817386" // +905321234567
	hFirst       = "370749e90bceb4b51200f92cb75a9d3d5c721c4eb54ed1f93462bed540ea7c69" // ayşe
	hLast        = "c6a102d5a10939cf59b9bc29df54c5a040a349775b9281038db59824d4c6e86a" // yılmaz
	hExternal    = "12533b6a718becab7e148a3148cb7d5f5ebeafb2439c3466ea0b5c28eeae2a78" // acme:7
)

func TestNormalization(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, got, want string }{
		{"e-mail: whitespace and capitals", NormalizeEmail("  Ilker.Yilmaz@Example.COM \t"), "ilker.yilmaz@example.com"},
		// ASCII lower-casing: an ordinary capital I is i (never the dotless ı of a Turkish locale),
		// and a dotted capital İ stays as typed (neither "i" nor "i" + combining dot).
		{"e-mail: ASCII I is i, not ı", NormalizeEmail("ILKER.YILMAZ@EXAMPLE.COM"), "ilker.yilmaz@example.com"},
		{"e-mail: dotted İ stays", NormalizeEmail(" İlker@Example.com"), "İlker@example.com"},
		{"e-mail: not an address", NormalizeEmail("   "), ""},
		{"google e-mail: gmail dots go", NormalizeEmailGoogle(" Ayse.Yilmaz@GMAIL.com "), "ayseyilmaz@gmail.com"},
		{"google e-mail: googlemail dots go", NormalizeEmailGoogle("a.b@googlemail.com"), "ab@googlemail.com"},
		{"google e-mail: other domains keep dots", NormalizeEmailGoogle("Ilker.Yilmaz@example.com"), "ilker.yilmaz@example.com"},
		{"phone: +90 (532) 123 45 67", PhoneDigits("+90 (532) 123 45 67"), "905321234567"},
		{"phone: leading zero", PhoneDigits("0532 123 45 67"), "905321234567"},
		{"phone: 00 international prefix", PhoneDigits("0090 532 123-45-67"), "905321234567"},
		{"phone: bare national number", PhoneDigits(" 5321234567 "), "905321234567"},
		{"phone: whitespace everywhere", PhoneDigits("\t+90 532\u00a0123 45 67\n"), "905321234567"},
		{"phone: foreign number keeps its code", PhoneDigits("+44 20 7946 0958"), "442079460958"},
		{"phone: not a number", PhoneDigits("yok"), ""},
		{"phone plus", PhoneE164("0 (532) 123 45 67"), "+905321234567"},
		{"name", NormalizeName("  AYŞE   Nur-YILMAZ. "), "ayşe nuryilmaz"},
		{"name: dotted İ", NormalizeName("İLKER"), "ilker"},
		{"fbc", FBC("IwAR2xyz", time.UnixMilli(1764750000123)), "fb.1.1764750000123.IwAR2xyz"},
		{"fbc: none", FBC("", time.Now()), ""},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	fn, ln := SplitName(" Ayşe  Nur Yılmaz ")
	if fn != "ayşe" || ln != "yılmaz" {
		t.Errorf("split: %q %q", fn, ln)
	}
	if fn, ln := SplitName("Ayşe"); fn != "ayşe" || ln != "" {
		t.Errorf("split one word: %q %q", fn, ln)
	}
	u := HashUser("Ayşe Yılmaz", "+90 (532) 123 45 67", "  Ilker.Yilmaz@Example.COM ", "acme:7")
	want := UserData{Email: hEmail, EmailGoogle: hEmail, Phone: hPhone, PhonePlus: hPhonePlus, First: hFirst, Last: hLast, External: hExternal}
	if u != want {
		t.Errorf("hashed user:\n got %+v\nwant %+v", u, want)
	}
	if h := Hash(NormalizeEmail("İlker@EXAMPLE.com")); h != hDottedEmail {
		t.Errorf("dotted İ e-mail hash %s", h)
	}
	g := HashUser("", "", "Ayse.Yilmaz@gmail.com", "")
	if g.Email != hGmail || g.EmailGoogle != hGmailGoogle || g.Phone != "" || g.First != "" || g.External != "" {
		t.Errorf("gmail user: %+v", g)
	}
}

// event is the golden event: a Purchase of 12,345.50 TRY with every click id.
func event() *Event {
	return &Event{ID: 1, EventID: "hv-1a2b3c4d-purchase-9", LeadID: 7, ConversationID: 9, Name: EventPurchase, ValueMinor: 1234550,
		Currency: "TRY", EventTime: time.Date(2026, 12, 3, 7, 5, 9, 0, time.UTC), Consent: true,
		GCLID: "Cj0KCQ-gclid", GBRAID: "gb-1", WBRAID: "wb-1", FBC: "fb.1.1764750000123.IwAR2xyz", FBP: "fb.1.1764740000000.987654321",
		TTCLID: "E.C.P.ttclid", User: HashUser("Ayşe Yılmaz", "+90 (532) 123 45 67", "  Ilker.Yilmaz@Example.COM ", "acme:7")}
}

func settings() *Settings {
	s := DefaultSettings("TRY")
	s.MetaOn, s.MetaPixelID, s.MetaAccessToken, s.MetaTestCode = true, "123456789012345", "EAAtoken", "TEST4242"
	s.GoogleOn, s.GoogleCustomerID, s.GoogleLoginCustomerID = true, "1234567890", "9876543210"
	s.GoogleActionLead, s.GoogleActionPurchase = "111", "333"
	s.GoogleDeveloperToken, s.GoogleClientID, s.GoogleClientSecret, s.GoogleRefreshToken = "devtok", "cid.apps", "csecret", "1//refresh"
	s.TikTokOn, s.TikTokPixelCode, s.TikTokAccessToken, s.TikTokTestCode = true, "CABCDEFGHIJ1234567", "ttaccess", "TEST77"
	return s
}

// fake is one platform's fake: it records each request and answers what the test says.
type fake struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte
	answer func(n int, r *http.Request) (int, string)
}

func (f *fake) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs, f.bodies = append(f.reqs, r), append(f.bodies, b)
		n := len(f.reqs)
		f.mu.Unlock()
		code, body := f.answer(n, r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// decode reads a JSON body into a generic map, so the test compares field by field what went
// over the wire (not what our structs meant to send).
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, b)
	}
	return m
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		t.Errorf("%s:\n got %s\nwant %s", what, gb, wb)
	}
}

func TestMetaPayloadGolden(t *testing.T) {
	t.Parallel()
	f := &fake{answer: func(int, *http.Request) (int, string) { return 200, `{"events_received":1,"fbtrace_id":"Ab1"}` }}
	srv := f.serve(t)
	s := &Sender{EP: Endpoints{Meta: srv.URL + "/v21.0"}}
	st := settings()
	st.TestMode = true
	code, err := s.Send(context.Background(), DestMeta, st, event(), time.UTC)
	if err != nil || code != 200 {
		t.Fatalf("send: %d %v", code, err)
	}
	r := f.reqs[0]
	if r.Method != http.MethodPost || r.URL.Path != "/v21.0/123456789012345/events" || r.URL.RawQuery != "" {
		t.Fatalf("request %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	got := decode(t, f.bodies[0])
	want := map[string]any{
		"access_token":    "EAAtoken",
		"test_event_code": "TEST4242",
		"data": []any{map[string]any{
			"event_name":    "Purchase",
			"event_time":    float64(1796281509), // 2026-12-03 07:05:09 UTC in Unix seconds
			"event_id":      "hv-1a2b3c4d-purchase-9",
			"action_source": "system_generated",
			"user_data": map[string]any{
				"em": []any{hEmail}, "ph": []any{hPhone}, "fn": []any{hFirst}, "ln": []any{hLast}, "external_id": []any{hExternal},
				"fbc": "fb.1.1764750000123.IwAR2xyz", "fbp": "fb.1.1764740000000.987654321",
			},
			"custom_data": map[string]any{"value": 12345.5, "currency": "TRY"},
		}},
	}
	for k := range want {
		eq(t, "meta "+k, got[k], want[k])
	}
	eq(t, "meta fields", len(got), len(want))
	for _, raw := range []string{"ilker", "Yilmaz", "532", "Ayşe", "ayşe"} {
		if strings.Contains(string(f.bodies[0]), raw) {
			t.Errorf("raw personal data %q left the server: %s", raw, f.bodies[0])
		}
	}

	// Out of test mode no test code goes; a Lead without value carries no custom_data.
	st.TestMode = false
	e := event()
	e.Name, e.ValueMinor, e.Currency = EventLead, 0, ""
	if _, err := s.Send(context.Background(), DestMeta, st, e, time.UTC); err != nil {
		t.Fatal(err)
	}
	got = decode(t, f.bodies[1])
	if _, ok := got["test_event_code"]; ok {
		t.Error("test_event_code sent outside test mode")
	}
	if d := got["data"].([]any)[0].(map[string]any); d["custom_data"] != nil || d["event_name"] != "Lead" {
		t.Errorf("lead event: %v", d)
	}
}

func TestMetaErrors(t *testing.T) {
	t.Parallel()
	f := &fake{answer: func(n int, _ *http.Request) (int, string) {
		switch n {
		case 1:
			return 400, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`
		case 2:
			return 503, `{"error":{"message":"Service temporarily unavailable"}}`
		}
		return 200, `{"events_received":0}`
	}}
	srv := f.serve(t)
	s := &Sender{EP: Endpoints{Meta: srv.URL}}
	for i, want := range []struct {
		retry bool
		msg   string
	}{{false, "Invalid OAuth access token."}, {true, "Service temporarily unavailable"}, {false, "Meta received no event"}} {
		_, err := s.Send(context.Background(), DestMeta, settings(), event(), time.UTC)
		var se *SendError
		if !errors.As(err, &se) || se.Retry != want.retry || se.Msg != want.msg {
			t.Errorf("answer %d: %#v, want retry=%v %q", i+1, err, want.retry, want.msg)
		}
	}
}

func TestGooglePayloadGolden(t *testing.T) {
	t.Parallel()
	var oauthForm url.Values
	oauth := &fake{answer: func(_ int, r *http.Request) (int, string) {
		return 200, `{"access_token":"ya29.access","expires_in":3599,"token_type":"Bearer"}`
	}}
	osrv := oauth.serve(t)
	ads := &fake{answer: func(int, *http.Request) (int, string) {
		return 200, `{"results":[{"gclid":"Cj0KCQ-gclid","conversionAction":"customers/1234567890/conversionActions/333"}]}`
	}}
	asrv := ads.serve(t)
	s := &Sender{EP: Endpoints{Google: asrv.URL + "/v22", GoogleOAuth: osrv.URL + "/token"}}
	st := settings()
	st.TestMode = true
	ist, _ := time.LoadLocation("Europe/Istanbul")
	if _, err := s.Send(context.Background(), DestGoogle, st, event(), ist); err != nil {
		t.Fatal(err)
	}
	or := oauth.reqs[0]
	oauthForm, _ = url.ParseQuery(string(oauth.bodies[0]))
	if or.URL.Path != "/token" || or.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("oauth request %s %s", or.URL.Path, or.Header.Get("Content-Type"))
	}
	eq(t, "oauth form", oauthForm, url.Values{"grant_type": {"refresh_token"}, "client_id": {"cid.apps"}, "client_secret": {"csecret"},
		"refresh_token": {"1//refresh"}})
	r := ads.reqs[0]
	if r.URL.Path != "/v22/customers/1234567890:uploadClickConversions" {
		t.Errorf("path %s", r.URL.Path)
	}
	for h, v := range map[string]string{"Authorization": "Bearer ya29.access", "developer-token": "devtok", "login-customer-id": "9876543210",
		"Content-Type": "application/json"} {
		if got := r.Header.Get(h); got != v {
			t.Errorf("header %s: %q, want %q", h, got, v)
		}
	}
	got := decode(t, ads.bodies[0])
	want := map[string]any{
		"partialFailure": true,
		"validateOnly":   true, // test mode: Google checks the upload and records nothing
		"conversions": []any{map[string]any{
			"conversionAction":   "customers/1234567890/conversionActions/333",
			"conversionDateTime": "2026-12-03 10:05:09+03:00", // 07:05:09 UTC in Istanbul
			"conversionValue":    12345.5,
			"currencyCode":       "TRY",
			"orderId":            "hv-1a2b3c4d-purchase-9",
			"gclid":              "Cj0KCQ-gclid", // gclid wins; gbraid and wbraid are never sent beside it
			"userIdentifiers":    []any{map[string]any{"hashedEmail": hEmail}, map[string]any{"hashedPhoneNumber": hPhonePlus}},
			"consent":            map[string]any{"adUserData": "GRANTED"},
		}},
	}
	for k := range want {
		eq(t, "google "+k, got[k], want[k])
	}
	eq(t, "google fields", len(got), len(want))

	// Without gclid the gbraid goes; without both the wbraid; a gmail address loses its dots.
	e := event()
	e.GCLID, e.User = "", HashUser("", "", "Ayse.Yilmaz@gmail.com", "")
	st.TestMode = false
	if _, err := s.Send(context.Background(), DestGoogle, st, e, ist); err != nil {
		t.Fatal(err)
	}
	c := decode(t, ads.bodies[1])["conversions"].([]any)[0].(map[string]any)
	if c["gbraid"] != "gb-1" || c["gclid"] != nil || c["wbraid"] != nil {
		t.Errorf("gbraid: %v", c)
	}
	eq(t, "gmail identifiers", c["userIdentifiers"], []any{map[string]any{"hashedEmail": hGmailGoogle}})
	if _, ok := decode(t, ads.bodies[1])["validateOnly"]; ok {
		t.Error("validateOnly outside test mode")
	}
	e.GBRAID = ""
	if _, err := s.Send(context.Background(), DestGoogle, st, e, ist); err != nil {
		t.Fatal(err)
	}
	if c := decode(t, ads.bodies[2])["conversions"].([]any)[0].(map[string]any); c["wbraid"] != "wb-1" || c["gbraid"] != nil {
		t.Errorf("wbraid: %v", c)
	}
}

func TestGoogleFailures(t *testing.T) {
	t.Parallel()
	oauth := &fake{answer: func(n int, _ *http.Request) (int, string) {
		if n == 1 {
			return 400, `{"error":"invalid_grant","error_description":"Bad Request"}`
		}
		return 200, `{"access_token":"ya29.access"}`
	}}
	osrv := oauth.serve(t)
	ads := &fake{answer: func(int, *http.Request) (int, string) {
		return 200, `{"partialFailureError":{"code":3,"message":"The click was not found."},"results":[{}]}`
	}}
	asrv := ads.serve(t)
	s := &Sender{EP: Endpoints{Google: asrv.URL, GoogleOAuth: osrv.URL}}
	var se *SendError
	if _, err := s.Send(context.Background(), DestGoogle, settings(), event(), time.UTC); !errors.As(err, &se) || se.Retry ||
		!strings.HasPrefix(se.Msg, "OAuth:") || len(ads.reqs) != 0 {
		t.Errorf("a refused refresh token: %v (ads calls %d)", err, len(ads.reqs))
	}
	if _, err := s.Send(context.Background(), DestGoogle, settings(), event(), time.UTC); !errors.As(err, &se) || se.Retry ||
		!strings.Contains(se.Msg, "click was not found") {
		t.Errorf("a partial failure is a failure: %v", err)
	}
}

func TestTikTokPayloadGolden(t *testing.T) {
	t.Parallel()
	f := &fake{answer: func(n int, _ *http.Request) (int, string) {
		if n == 2 {
			return 200, `{"code":40002,"message":"Invalid pixel code","request_id":"x"}`
		}
		return 200, `{"code":0,"message":"OK","request_id":"x"}`
	}}
	srv := f.serve(t)
	s := &Sender{EP: Endpoints{TikTok: srv.URL + "/open_api/v1.3"}}
	st := settings()
	st.TestMode = true
	if _, err := s.Send(context.Background(), DestTikTok, st, event(), time.UTC); err != nil {
		t.Fatal(err)
	}
	r := f.reqs[0]
	if r.URL.Path != "/open_api/v1.3/event/track/" || r.Header.Get("Access-Token") != "ttaccess" {
		t.Errorf("request %s token %q", r.URL.Path, r.Header.Get("Access-Token"))
	}
	got := decode(t, f.bodies[0])
	want := map[string]any{
		"event_source":    "web",
		"event_source_id": "CABCDEFGHIJ1234567",
		"test_event_code": "TEST77",
		"data": []any{map[string]any{
			"event":      "CompletePayment",
			"event_time": float64(1796281509),
			"event_id":   "hv-1a2b3c4d-purchase-9",
			"user":       map[string]any{"ttclid": "E.C.P.ttclid", "email": hEmail, "phone": hPhonePlus, "external_id": hExternal},
			"properties": map[string]any{"value": 12345.5, "currency": "TRY"},
		}},
	}
	for k := range want {
		eq(t, "tiktok "+k, got[k], want[k])
	}
	eq(t, "tiktok fields", len(got), len(want))
	var se *SendError
	if _, err := s.Send(context.Background(), DestTikTok, st, event(), time.UTC); !errors.As(err, &se) || se.Retry || !strings.Contains(se.Msg, "40002") {
		t.Errorf("TikTok's own error code in a 200: %v", err)
	}
	if TikTokEventName(EventLead) != "SubmitForm" || TikTokEventName(EventQualified) != "QualifiedLead" {
		t.Error("event names")
	}
}

func TestParseCapture(t *testing.T) {
	t.Parallel()
	now := time.UnixMilli(1764750000000)
	v := url.Values{"gclid": {" Cj0KCQ "}, "fbclid": {"IwAR2"}, "fbclid_at": {"1764740000000"}, "fbp": {"fb.1.1.2"}, "ttclid": {"E.C.P.x"},
		"utm_campaign": {"kis-2026"}, "utm_source": {"<script>"}, "wbraid": {strings.Repeat("w", 201)},
		"page_url": {"https://usta.example/parke?gclid=Cj0&email=a@b.c#top"}, "fbc": {"not-fbc"}}
	c := ParseCapture(v.Get, now)
	if c.GCLID != "Cj0KCQ" || c.FBCLID != "IwAR2" || c.FBP != "fb.1.1.2" || c.TTCLID != "E.C.P.x" || c.WBRAID != "" || c.FBC != "" {
		t.Errorf("ids: %+v", c)
	}
	if c.UTM["utm_campaign"] != "kis-2026" || c.UTM["utm_source"] != "" {
		t.Errorf("utm: %v", c.UTM)
	}
	if c.PageURL != "https://usta.example/parke" {
		t.Errorf("page url %q: the query (click ids, anything typed) is dropped", c.PageURL)
	}
	if !c.FBCLIDAt.Equal(time.UnixMilli(1764740000000)) {
		t.Errorf("fbclid time %v", c.FBCLIDAt)
	}
	if c := ParseCapture(url.Values{"fbclid_at": {"9999999999999"}}.Get, now); !c.FBCLIDAt.Equal(now) || !c.Empty() {
		t.Errorf("a time in the future is not believed: %v", c.FBCLIDAt)
	}
}

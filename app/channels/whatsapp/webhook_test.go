package whatsapp_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
)

// payload builds a Cloud API webhook body in the shape Meta documents.
func payload(msgs ...string) string {
	return `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
"contacts":[{"profile":{"name":"Ayşe Yılmaz"},"wa_id":"905321234567"},{"profile":{"name":"محمد"},"wa_id":"971501234567"}],
"messages":[` + strings.Join(msgs, ",") + `]},"field":"messages"}]}]}`
}

func textMsg(from, id, body string) string {
	return fmt.Sprintf(`{"from":%q,"id":%q,"timestamp":"1735689600","type":"text","text":{"body":%q}}`, from, id, body)
}

type fixture struct {
	e   *apptest.Env
	key string
}

func setup(t *testing.T, settings map[string]string) *fixture {
	e := apptest.New(t)
	e.Tenant("acme")
	if settings != nil {
		e.Set("acme", settings)
	}
	return &fixture{e: e, key: e.APIKey("acme", "whatsapp_webhook")}
}

func (f *fixture) post(body string, headers map[string]string) *apptest.Resp {
	h := map[string]string{"X-Api-Key": f.key}
	for k, v := range headers {
		h[k] = v
	}
	return f.e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), h)
}

// settle waits until every stored delivery is processed.
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	db := f.e.DB("acme")
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		_ = db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'whatsapp_process' AND status IN ('queued','running')`).Scan(&n)
		if n == 0 {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatal("whatsapp jobs did not finish")
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.e.DB("acme").Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) body(t *testing.T, wamid string) string {
	t.Helper()
	var b string
	if err := f.e.DB("acme").Read.QueryRow(`SELECT body FROM messages WHERE provider_message_id = ?`, wamid).Scan(&b); err != nil {
		t.Fatalf("message %s: %v", wamid, err)
	}
	return b
}

func TestTextsStoredByteExact(t *testing.T) {
	f := setup(t, nil)
	texts := map[string]string{
		"wamid.tr": "Merhaba, 200 m² villa bahçesi için gri granit istiyorum. Çavuş usta ışıklı öğleden sonra gelsin mi? İĞÜŞÖÇ",
		"wamid.ar": "مرحبا، أريد بلاط الجرانيت الرمادي لحديقة مساحتها ٢٠٠ متر مربع",
		"wamid.em": "Thanks 👍🏽👨‍👩‍👧‍👦 🇹🇷 done",
		"wamid.lg": strings.Repeat("ğ", 35000), // 70 KB of UTF-8
	}
	var msgs []string
	for id, txt := range texts {
		msgs = append(msgs, textMsg("905321234567", id, txt))
	}
	if r := f.post(payload(msgs...), nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	f.settle(t)
	for id, want := range texts {
		if got := f.body(t, id); got != want {
			t.Errorf("%s: stored %d bytes, want %d bytes byte-exact", id, len(got), len(want))
		}
	}
	if n := f.count(t, `SELECT count(*) FROM conversations WHERE channel = 'whatsapp'`); n != 1 {
		t.Errorf("one sender should be one conversation, got %d", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE provider = 'whatsapp_webhook'`); n < 4 {
		t.Errorf("want an action log per delivery, got %d", n)
	}
}

func TestBatchTwoSendersAndRedelivery(t *testing.T) {
	f := setup(t, nil)
	body := payload(textMsg("905321234567", "wamid.A1", "800 m² kilit parke 8 cm, stok var mı?"), textMsg("971501234567", "wamid.B1", "السلام عليكم"))
	if r := f.post(body, nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	// The same delivery again, formatted differently (Meta retries are not byte-identical).
	re := strings.ReplaceAll(strings.ReplaceAll(body, ",", " , "), ":", " : ")
	if r := f.post(re, nil); r.StatusCode != 200 {
		t.Fatalf("redelivery status %d: %s", r.StatusCode, r.Body)
	}
	f.settle(t)
	if n := f.count(t, `SELECT count(*) FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'`); n != 2 {
		t.Errorf("messages = %d, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM conversations WHERE channel = 'whatsapp'`); n != 2 {
		t.Errorf("two senders must be two conversations, got %d", n)
	}
	if n := f.count(t, `SELECT count(*) FROM leads WHERE phone_e164 IN ('+905321234567','+971501234567')`); n != 2 {
		t.Errorf("leads by phone = %d, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE provider = 'whatsapp_webhook' AND action_type = 'message_duplicate'`); n != 2 {
		t.Errorf("duplicate logs = %d, want 2", n)
	}
}

func TestParallelReplaysOneMessage(t *testing.T) {
	f := setup(t, nil)
	body := payload(textMsg("905321234567", "wamid.PAR", "paralel"))
	var wg sync.WaitGroup
	codes := make([]int, 12)
	for i := range 12 {
		wg.Go(func() { codes[i] = f.post(body, nil).StatusCode })
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Fatalf("replay %d: status %d", i, c)
		}
	}
	f.settle(t)
	if n := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.PAR'`); n != 1 {
		t.Fatalf("messages = %d, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'message_duplicate'`); n != 11 {
		t.Errorf("duplicate logs = %d, want 11", n)
	}
}

func TestMessageKinds(t *testing.T) {
	f := setup(t, nil)
	body := payload(
		textMsg("905321234567", "wamid.T", "ilk mesaj"),
		`{"from":"905321234567","id":"wamid.IMG","timestamp":"1735689601","type":"image","image":{"caption":"Bahçe ölçüleri","mime_type":"image/jpeg","sha256":"x","id":"1479537139650973"}}`,
		`{"from":"905321234567","id":"wamid.IMG2","timestamp":"1735689602","type":"image","image":{"mime_type":"image/jpeg","id":"2"}}`,
		`{"from":"905321234567","id":"wamid.LOC","timestamp":"1735689603","type":"location","location":{"latitude":41.0082,"longitude":28.9784,"name":"Şantiye","address":"Kadıköy, İstanbul"}}`,
		`{"from":"905321234567","id":"wamid.BTN","timestamp":"1735689604","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"yes","title":"Evet, keşif istiyorum"}}}`,
		`{"from":"905321234567","id":"wamid.TPL","timestamp":"1735689605","type":"button","button":{"payload":"p","text":"Beni arayın"}}`,
		`{"from":"905321234567","id":"wamid.REA","timestamp":"1735689606","type":"reaction","reaction":{"message_id":"wamid.T","emoji":"❤️"}}`,
		`{"from":"905321234567","id":"wamid.UNS","timestamp":"1735689607","type":"unsupported","errors":[{"code":131051,"title":"Message type unknown"}],"future_field":{"x":1}}`,
	)
	if r := f.post(body, nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	f.settle(t)
	for id, want := range map[string]string{"wamid.IMG": "Bahçe ölçüleri", "wamid.IMG2": "[image]", "wamid.BTN": "Evet, keşif istiyorum", "wamid.TPL": "Beni arayın"} {
		if got := f.body(t, id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if got := f.body(t, "wamid.LOC"); !strings.Contains(got, "Şantiye") || !strings.Contains(got, "Kadıköy") || !strings.Contains(got, "41.0082") {
		t.Errorf("location = %q", got)
	}
	if got := f.body(t, "wamid.UNS"); !strings.Contains(got, "unsupported") {
		t.Errorf("unsupported = %q", got)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.REA' OR body = ''`); n != 0 {
		t.Errorf("a reaction must not be a message")
	}
	var ann string
	_ = f.e.DB("acme").Read.QueryRow(`SELECT annotations FROM messages WHERE provider_message_id = 'wamid.T'`).Scan(&ann)
	if !strings.Contains(ann, "❤️") {
		t.Errorf("reaction not annotated: %q", ann)
	}
}

func TestStatusOnly(t *testing.T) {
	f := setup(t, nil)
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
	"metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.unknown","status":"delivered","timestamp":"1735689600","recipient_id":"905321234567"}]}}]}]}`
	if r := f.post(body, nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	f.settle(t)
	if n := f.count(t, `SELECT count(*) FROM messages WHERE direction = 'inbound'`); n != 0 {
		t.Errorf("status-only body created %d messages", n)
	}
	if n := f.count(t, `SELECT count(*) FROM data_import_jobs WHERE status = 'completed'`); n != 1 {
		t.Errorf("delivery not completed")
	}
}

func TestRefusals(t *testing.T) {
	const secret = "s3cr3t-app"
	f := setup(t, map[string]string{"whatsapp_app_secret": secret})
	good := payload(textMsg("905321234567", "wamid.X", "hello"))
	truncated := good[:len(good)-5]
	readKey := f.e.APIKey("acme", "read")
	revoked := f.e.APIKey("acme", "whatsapp_webhook")
	keys, _ := f.e.Server.Platform.ListAPIKeys(t.Context(), 1)
	for _, k := range keys {
		if strings.HasPrefix(revoked, k.Prefix) {
			_ = f.e.Server.Platform.RevokeAPIKey(t.Context(), k.TenantID, k.ID)
		}
	}
	cases := []struct {
		name    string
		body    string
		headers map[string]string
		want    int
	}{
		{"missing key", good, map[string]string{"X-Api-Key": "", "X-Hub-Signature-256": whatsapp.Sign([]byte(good), secret)}, 401},
		{"unknown key", good, map[string]string{"X-Api-Key": "hv_nope", "X-Hub-Signature-256": whatsapp.Sign([]byte(good), secret)}, 401},
		{"wrong scope", good, map[string]string{"X-Api-Key": readKey, "X-Hub-Signature-256": whatsapp.Sign([]byte(good), secret)}, 403},
		{"revoked", good, map[string]string{"X-Api-Key": revoked, "X-Hub-Signature-256": whatsapp.Sign([]byte(good), secret)}, 403},
		{"missing signature", good, nil, 403},
		{"bad signature", good, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(good), "other")}, 403},
		{"signature of other body", good, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(good+" "), secret)}, 403},
		{"truncated JSON signed correctly", truncated, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(truncated), secret)}, 400},
		{"not an envelope", `{"hello":1}`, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(`{"hello":1}`), secret)}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := f.post(c.body, c.headers); r.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, c.want, r.Body)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM data_import_jobs`); n != 0 {
		t.Fatalf("refused requests stored %d deliveries", n)
	}
	// Too large: over 4 MiB refused, just under accepted.
	big := payload(textMsg("905321234567", "wamid.BIG", strings.Repeat("a", 4<<20)))
	if r := f.post(big, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(big), secret)}); r.StatusCode != 413 {
		t.Fatalf("big: status %d", r.StatusCode)
	}
	okBig := payload(textMsg("905321234567", "wamid.OKBIG", strings.Repeat("a", 3<<20)))
	if r := f.post(okBig, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(okBig), secret)}); r.StatusCode != 200 {
		t.Fatalf("3 MiB body refused: %d", r.StatusCode)
	}
	if r := f.post(good, map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(good), secret)}); r.StatusCode != 200 {
		t.Fatalf("good signature: %d %s", r.StatusCode, r.Body)
	}
}

func TestHandshake(t *testing.T) {
	f := setup(t, map[string]string{"whatsapp_verify_token": "verify-me"})
	c := f.e.Client()
	r := c.Get("/api/webhooks/whatsapp/?api_key=" + f.key + "&hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
	if r.StatusCode != 200 || r.Body != "1158201444" {
		t.Fatalf("handshake: %d %q", r.StatusCode, r.Body)
	}
	for _, q := range []string{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1"} {
		if r := c.Get("/api/webhooks/whatsapp/?api_key=" + f.key + "&" + q); r.StatusCode != 403 {
			t.Errorf("%s: %d", q, r.StatusCode)
		}
	}
}

func TestRateLimit(t *testing.T) {
	f := setup(t, nil)
	f.e.Handlers.Channels.WhatsApp.Limits = newTinyLimits()
	body := payload(textMsg("905321234567", "wamid.RL", "x"))
	var got429 *apptest.Resp
	for range 5 {
		if r := f.post(body, nil); r.StatusCode == http.StatusTooManyRequests {
			got429 = r
			break
		}
	}
	if got429 == nil || got429.Header.Get("Retry-After") == "" {
		t.Fatal("no 429 with Retry-After")
	}
}

package whatsapp_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
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
	e      *apptest.Env
	key    string
	secret string
}

// testSecret is the app secret setup gives the tenant unless settings name another.
const testSecret = "s3cr3t-app"

// setup makes tenant acme with an app secret (every delivery must be signed) and a webhook key.
func setup(t *testing.T, settings map[string]string) *fixture {
	e := apptest.New(t)
	e.Tenant("acme")
	kv := map[string]string{"whatsapp_app_secret": testSecret}
	maps.Copy(kv, settings)
	e.Set("acme", kv)
	return &fixture{e: e, key: e.APIKey("acme", "whatsapp_webhook"), secret: kv["whatsapp_app_secret"]}
}

// post signs body as Meta would, unless headers set X-Hub-Signature-256 themselves ("" = none).
func (f *fixture) post(body string, headers map[string]string) *apptest.Resp {
	h := map[string]string{"X-Api-Key": f.key, "X-Hub-Signature-256": whatsapp.Sign([]byte(body), f.secret)}
	maps.Copy(h, headers)
	return f.e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), h)
}

// settle waits until every stored delivery is processed (apptest.Settle: asked again at each job
// outcome, failing after the shared hang bound).
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	apptest.Settle(t, f.e.DB("acme"), whatsapp.JobProcess)
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
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'done'`, whatsapp.JobProcess); n != 1 {
		t.Errorf("delivery not completed")
	}
}

func TestRefusals(t *testing.T) {
	const secret = "another-s3cr3t"
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
		{"missing signature", good, map[string]string{"X-Hub-Signature-256": ""}, 403},
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
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ?`, whatsapp.JobProcess); n != 0 {
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

// TestOneKeySignedBurstNotLimited: Meta sends all of a tenant's deliveries through one key, at
// up to 1,000 messages/s. A burst of correctly signed deliveries through that one key is never
// answered 429 (the old per-key limit of 100/s with bursts of 500 refused 826 of 1,600), and every
// one becomes an inbox message.
func TestOneKeySignedBurstNotLimited(t *testing.T) {
	f := setup(t, nil)
	const clients, each = 16, 64
	codes := make([]map[int]int, clients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		codes[c] = map[int]int{}
		wg.Go(func() {
			for i := range each {
				r := f.post(payload(textMsg("905321234567", fmt.Sprintf("wamid.burst-%d-%d", c, i), "stok var mı?")), nil)
				codes[c][r.StatusCode]++
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	total := map[int]int{}
	for _, m := range codes {
		for k, v := range m {
			total[k] += v
		}
	}
	if total[200] != clients*each {
		t.Fatalf("%d signed deliveries through one key in %s: answers %v, want all 200", clients*each, took, total)
	}
	f.settle(t)
	t.Logf("%d deliveries accepted in %s, processed after %s", clients*each, took, time.Since(start))
	if n := f.count(t, `SELECT count(*) FROM messages WHERE channel = 'whatsapp' AND provider_message_id LIKE 'wamid.burst-%'`); n != clients*each {
		t.Fatalf("%d messages stored, want %d", n, clients*each)
	}
}

// countingBody is a request body that records how many bytes the server read.
type countingBody struct {
	r    io.Reader
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

func (b *countingBody) Close() error { return nil }

// TestFailingRequestsRefusedFastAndCounted: unsigned and wrongly signed deliveries are counted
// per key and per address; past the budget they get 429 with Retry-After before their body is
// read, and a key that keeps failing does not block another address, nor a signed delivery from it.
func TestFailingRequestsRefusedFastAndCounted(t *testing.T) {
	f := setup(t, nil)
	good := payload(textMsg("905321234567", "wamid.FAIL", "hello"))
	h := f.e.Handlers.Channels.WhatsApp
	// The budgets refill with time (an address gets a failure back every 200 ms): on a loaded
	// machine a pause between the request that met the limit and the next one gave a failure back,
	// and the next was answered 403 where the test counts on 429. The test's clock stands still,
	// so every failure it sends is counted and none comes back.
	stopped := time.Now()
	h.KeyFailures.Now = func() time.Time { return stopped }
	h.AddrFailures.Now = func() time.Time { return stopped }
	// receive calls the handler directly so the test sees how much of the body was read.
	receive := func(addr string, body []byte, headers map[string]string) (int, http.Header, int64) {
		req := httptest.NewRequest(http.MethodPost, "/api/webhooks/whatsapp/", nil)
		cb := &countingBody{r: bytes.NewReader(body)}
		req.Body, req.ContentLength, req.RemoteAddr = cb, int64(len(body)), addr+":40000"
		req.Header.Set("X-Api-Key", f.key)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.Receive(w, req)
		return w.Code, w.Header(), cb.read.Load()
	}
	big := bytes.Repeat([]byte("x"), 3<<20)
	// Unsigned: refused with 403 before the body is read, counted against key and address.
	var refused int
	for {
		code, hdr, read := receive("203.0.113.7", big, nil)
		if read != 0 {
			t.Fatalf("an unsigned request had %d body bytes read before its %d", read, code)
		}
		if code == http.StatusTooManyRequests {
			if hdr.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			break
		}
		if code != http.StatusForbidden {
			t.Fatalf("unsigned request: %d, want 403", code)
		}
		if refused++; refused > 1000 {
			t.Fatal("1,000 unsigned requests and never a 429: failures are not counted")
		}
	}
	if refused < 5 {
		t.Fatalf("429 after only %d failures", refused)
	}
	// The blocked address gets 429 even with a huge wrongly signed body, which is not read.
	if code, _, read := receive("203.0.113.7", big, map[string]string{"X-Hub-Signature-256": whatsapp.Sign(big, "wrong")}); code != 429 || read != 0 {
		t.Fatalf("blocked address: %d after reading %d bytes, want 429 after none", code, read)
	}
	// Meta, from another address with the right signature, is still served by the same key.
	if code, _, _ := receive("198.51.100.1", []byte(good), map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(good), f.secret)}); code != 200 {
		t.Fatalf("signed delivery from another address: %d, want 200", code)
	}
	// Wrong signatures from many addresses use up the key's own budget.
	sawKeyLimit := false
	for i := range 400 {
		code, _, _ := receive(fmt.Sprintf("192.0.2.%d", i%250), []byte(good), map[string]string{"X-Hub-Signature-256": whatsapp.Sign([]byte(good), "wrong")})
		if code == http.StatusTooManyRequests {
			sawKeyLimit = true
			break
		}
		if code != http.StatusForbidden {
			t.Fatalf("wrong signature: %d, want 403", code)
		}
	}
	if !sawKeyLimit {
		t.Fatal("400 wrongly signed deliveries through one key and never a 429")
	}
	// Unknown keys count against the address through real HTTP too.
	c := f.e.Client()
	var last int
	for range 100 {
		last = c.PostJSON("/api/webhooks/whatsapp/", []byte(good), map[string]string{"X-Api-Key": "hv_unknown"}).StatusCode
		if last != http.StatusUnauthorized {
			break
		}
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("unknown keys from one address: last answer %d, want 429", last)
	}
}

// TestNoAppSecretRefused: a tenant without an app secret cannot receive deliveries: every one is
// refused with 403 naming the setting, signed or not, and nothing is stored.
func TestNoAppSecretRefused(t *testing.T) {
	f := setup(t, map[string]string{"whatsapp_app_secret": ""})
	body := payload(textMsg("905321234567", "wamid.NOSECRET", "merhaba"))
	for name, hdr := range map[string]map[string]string{
		"unsigned": {"X-Hub-Signature-256": ""},
		"signed":   {"X-Hub-Signature-256": whatsapp.Sign([]byte(body), "whatever")},
	} {
		r := f.post(body, hdr)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "whatsapp_app_secret") {
			t.Fatalf("%s delivery without an app secret: %d %s, want 403 naming whatsapp_app_secret", name, r.StatusCode, r.Body)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ?`, whatsapp.JobProcess); n != 0 {
		t.Fatalf("%d deliveries stored for a tenant without an app secret", n)
	}
}

// TestStatusPublishesDelivery: a delivered/read status for one of our replies tells open pages
// after its commit (a "delivery" event naming the message), so an open conversation redraws its
// ticks; a status for an unknown message tells nobody.
func TestStatusPublishesDelivery(t *testing.T) {
	f := setup(t, nil)
	if r := f.post(payload(textMsg("905321234567", "wamid.IN", "Merhaba")), nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	f.settle(t)
	db := f.e.DB("acme")
	// The inbound message starts more work after its own job: the assistant's triage answers it
	// and the answer's delivery attempt publishes a delivery event of its own. That is done before
	// listening, so the events below are the statuses' alone (on a busy machine the answer's event
	// once arrived first and failed the test).
	apptest.Settle(t, db)
	var conv int64
	if err := db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'wamid.IN'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	res, err := db.Write.Exec(`INSERT INTO messages(conversation_id, direction, author_kind, body, channel, provider_message_id, delivery_status, created_at)
		VALUES(?, 'outbound', 'user', 'Merhaba, buyurun', 'whatsapp', 'wamid.OUT', 'sent', 1)`, conv)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := res.LastInsertId()
	events, stop := f.e.Server.Live.Subscribe("acme")
	defer stop()
	status := func(id, st string) string {
		return `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
	"metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":"` + id + `","status":"` + st + `","timestamp":"1735689600","recipient_id":"905321234567"}]}}]}]}`
	}
	for _, body := range []string{status("wamid.unknown", "read"), status("wamid.OUT", "sent"), status("wamid.OUT", "read")} {
		if r := f.post(body, nil); r.StatusCode != 200 {
			t.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
		f.settle(t)
	}
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Kind != "delivery" {
				continue
			}
			if ev.MessageID != out || ev.ConversationID != conv {
				t.Fatalf("delivery event for message %d of %d, want %d of %d (unknown or repeated status published)", ev.MessageID, ev.ConversationID, out, conv)
			}
			var st string
			_ = db.Read.QueryRow(`SELECT delivery_status FROM messages WHERE id = ?`, out).Scan(&st)
			if st != "read" {
				t.Errorf("published before the commit: status %q", st)
			}
			return
		case <-timeout:
			t.Fatal("no delivery event after the read status")
		}
	}
}

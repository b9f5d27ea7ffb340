package channels_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// fakeProvider speaks enough of the Cloud API and the Bot API for delivery tests.
func fakeProvider(t *testing.T, status *atomic.Int32, calls *atomic.Int32, got *atomic.Value) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		prev, _ := got.Load().(string)
		got.Store(prev + "\n" + r.URL.Path + " " + r.Header.Get("Authorization") + " " + string(b))
		if s := int(status.Load()); s != 200 {
			w.WriteHeader(s)
			_, _ = io.WriteString(w, `{"error":{"message":"nope","code":131000}}`)
			return
		}
		if strings.Contains(r.URL.Path, "/sendMessage") {
			_, _ = io.WriteString(w, `{"ok":true,"result":{"message_id":777,"chat":{"id":1}}}`)
			return
		}
		_, _ = io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"905321234567","wa_id":"905321234567"}],"messages":[{"id":"wamid.OUT`+strconv.Itoa(int(calls.Load()))+`"}]}`)
	}))
}

type deliverEnv struct {
	e      *apptest.Env
	status atomic.Int32
	calls  atomic.Int32
	got    atomic.Value
}

func newDeliverEnv(t *testing.T, noJobs bool, settings map[string]string) *deliverEnv {
	d := &deliverEnv{}
	d.status.Store(200)
	srv := fakeProvider(t, &d.status, &d.calls, &d.got)
	t.Cleanup(srv.Close)
	d.e = apptest.NewWith(t, apptest.Options{NoJobs: noJobs})
	d.e.Tenant("acme")
	kv := map[string]string{"whatsapp_api_base": srv.URL, "telegram_api_base": srv.URL}
	for k, v := range settings {
		kv[k] = v
	}
	d.e.Set("acme", kv)
	return d
}

func (d *deliverEnv) reply(t *testing.T, channel, external, body string, lastInbound time.Time) int64 {
	t.Helper()
	ctx := t.Context()
	db := d.e.DB("acme")
	res, err := d.e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: channel, ExternalID: external, Phone: "+905321234567", Body: "merhaba", At: lastInbound})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = db.Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, res.ConversationID)
	id, err := d.e.Handlers.InboxService.AddMessage(ctx, "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "Talha", Body: body}, "")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (d *deliverEnv) message(t *testing.T, id int64) *inbox.Message {
	m, err := inbox.MessageByID(t.Context(), d.e.DB("acme").Read, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (d *deliverEnv) waitStatus(t *testing.T, id int64, want string) *inbox.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := d.message(t, id); m.DeliveryStatus == want {
			return m
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatalf("message %d never reached %s: %+v", id, want, d.message(t, id))
	return nil
}

func TestWhatsAppDeliverySuccess(t *testing.T) {
	d := newDeliverEnv(t, false, map[string]string{"whatsapp_access_token": "EAAG-test", "whatsapp_phone_number_id": "106540352242922"})
	id := d.reply(t, "whatsapp", "905321234567", "Keşif yarın 10:00 uygun mu?", time.Now())
	m := d.waitStatus(t, id, "sent")
	if !strings.HasPrefix(m.ProviderMessageID, "wamid.OUT") {
		t.Errorf("wamid not stored: %q", m.ProviderMessageID)
	}
	got := d.got.Load().(string)
	if !strings.Contains(got, "/106540352242922/messages Bearer EAAG-test") || !strings.Contains(got, `"to":"905321234567"`) || !strings.Contains(got, "Keşif yarın") {
		t.Errorf("request: %s", got)
	}
	// A later status webhook moves it on.
	key := d.e.APIKey("acme", "whatsapp_webhook")
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"statuses":[{"id":"` + m.ProviderMessageID + `","status":"read","timestamp":"1"}]}}]}]}`
	d.e.Set("acme", map[string]string{"whatsapp_app_secret": "meta-app-secret"})
	signed := map[string]string{"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign([]byte(body), "meta-app-secret")}
	if r := d.e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), signed); r.StatusCode != 200 {
		t.Fatal(r.Body)
	}
	d.waitStatus(t, id, "read")
}

func TestTelegramDeliverySuccess(t *testing.T) {
	d := newDeliverEnv(t, false, map[string]string{"telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})
	id := d.reply(t, "telegram", "-1001234567890123", "Merhaba!", time.Now())
	d.waitStatus(t, id, "sent")
	got := d.got.Load().(string)
	if !strings.Contains(got, "/bot7123456789:AAHk-test_token-for-the-fake-bot-api01/sendMessage") || !strings.Contains(got, `"chat_id":-1001234567890123`) {
		t.Errorf("request: %s", got)
	}
}

func TestDeliveryNotConfiguredAndWindow(t *testing.T) {
	d := newDeliverEnv(t, false, nil)
	id := d.reply(t, "whatsapp", "905321234567", "hello", time.Now())
	m := d.waitStatus(t, id, "failed")
	if m.DeliveryError != channels.NotSentNoToken {
		t.Errorf("error %q", m.DeliveryError)
	}
	d.e.Set("acme", map[string]string{"whatsapp_access_token": "t", "whatsapp_phone_number_id": "1"})
	id = d.reply(t, "whatsapp", "905551112233", "late reply", time.Now().Add(-25*time.Hour))
	if m := d.waitStatus(t, id, "failed"); m.DeliveryError != channels.NotSentWindow {
		t.Errorf("window error %q", m.DeliveryError)
	}
	if got, _ := d.got.Load().(string); strings.Contains(got, "late reply") || strings.Contains(got, `"hello"`) {
		t.Errorf("a refused reply reached the provider: %s", got)
	}
}

func TestDeliveryRetriesThenFails(t *testing.T) {
	for _, status := range []int{500, 429, 400} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			d := newDeliverEnv(t, true, map[string]string{"whatsapp_access_token": "t", "whatsapp_phone_number_id": "1"})
			d.status.Store(int32(status))
			id := d.reply(t, "whatsapp", "905321234567", "hello", time.Now())
			h := d.e.Handlers.Channels.Deliverer
			payload, _ := json.Marshal(map[string]int64{"message_id": id})
			job := &jobs.Job{Kind: channels.JobDeliver, Payload: payload, Tenant: "acme", DB: d.e.DB("acme"), MaxTries: 3}
			for attempt := 1; attempt <= 3; attempt++ {
				job.Attempt = attempt
				err := h.Handle(t.Context(), job)
				if err == nil {
					t.Fatalf("attempt %d succeeded against a %d", attempt, status)
				}
				m := d.message(t, id)
				final := attempt == 3 || status == 400
				if final {
					if m.DeliveryStatus != "failed" || !strings.Contains(m.DeliveryError, "not sent") {
						t.Fatalf("final attempt: %+v", m)
					}
					break
				}
				if m.DeliveryStatus != "queued" || !strings.Contains(m.DeliveryError, "retrying") {
					t.Fatalf("attempt %d: %+v", attempt, m)
				}
			}
		})
	}
}

// TestDeliveryFailureSaysWhatWasRefused: a reply the provider refused for its credentials (401:
// WhatsApp's temporary access token expires after 24 hours, a bot token replaced in BotFather)
// and one the server could not get to the provider at all read, on the conversation page in the
// owner's language, what happened and what to do: save a valid token under Settings → Channels,
// or try again. Before, both read "Not sent: the channel refused the message", so an owner whose
// token had expired looked for something wrong in the words; a refusal of the message itself (a
// 400) still reads so.
func TestDeliveryFailureSaysWhatWasRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int32 // the fake provider's answer; 0 = nothing listens at the address
		want   string
	}{
		{"expired token", http.StatusUnauthorized, "inbox.failure.credentials"},
		{"unreachable", 0, "inbox.failure.unreachable"},
		{"message refused", http.StatusBadRequest, "inbox.failure.provider"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDeliverEnv(t, true, map[string]string{"whatsapp_access_token": "EAAG-expired", "whatsapp_phone_number_id": "106540352242922"})
			if c.status == 0 {
				gone := httptest.NewServer(http.NotFoundHandler())
				gone.Close()
				d.e.Set("acme", map[string]string{"whatsapp_api_base": gone.URL})
			} else {
				d.status.Store(c.status)
			}
			id := d.reply(t, "whatsapp", "905321234567", "Keşif yarın 10:00 uygun mu?", time.Now())
			payload, _ := json.Marshal(map[string]int64{"message_id": id})
			job := &jobs.Job{Kind: channels.JobDeliver, Payload: payload, Tenant: "acme", DB: d.e.DB("acme"), MaxTries: 3}
			for job.Attempt = 1; job.Attempt <= 3 && d.message(t, id).DeliveryStatus != "failed"; job.Attempt++ {
				_ = d.e.Handlers.Channels.Deliverer.Handle(t.Context(), job)
			}
			m := d.message(t, id)
			if m.DeliveryStatus != "failed" {
				t.Fatalf("after the tries: %+v", m)
			}
			owner := d.e.User("acme", "olga", "owner")
			doc := owner.Get("/app/inbox/" + strconv.FormatInt(m.ConversationID, 10) + "/?lang=tr").Doc(t)
			got := strings.Join(strings.Fields(doc.Find("#m"+strconv.FormatInt(id, 10)+" .msg-failed-text").Text()), " ")
			if want := i18n.For("tr").T(c.want); !strings.Contains(got, want) {
				t.Fatalf("the failed reply reads %q, want %q (stored: %q)", got, want, m.DeliveryError)
			}
		})
	}
}

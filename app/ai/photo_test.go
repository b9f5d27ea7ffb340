package ai_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/channels/whatsapp"
	"highvibe/app/media/mediatest"
)

// TestAPhotoAloneIsNotReadAsWords: a customer who sends a photo without a caption — from the
// chat widget, WhatsApp or Telegram — is not scored by the placeholder the channel stores for it
// ("[image]"): read as the English word "image", a photo raised the urgency to "mid", handed the
// conversation off and was tagged "complaint or damage". A caption is the customer's own words
// and is read as before.
func TestAPhotoAloneIsNotReadAsWords(t *testing.T) {
	e := setup(t)
	// Nothing leaves this machine: a file the channels would fetch is asked of a closed port.
	e.Set("acme", map[string]string{"whatsapp_app_secret": "meta-app-secret", "telegram_secret_token": "tg_secret-1",
		"whatsapp_api_base": "http://127.0.0.1:1/v21.0", "telegram_api_base": "http://127.0.0.1:1"})
	// The widget: a photo and nothing else.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("consent", "true")
	fw, _ := mw.CreateFormFile("file", "IMG_2041.jpg")
	fw.Write(mediatest.JPEG(64, 48))
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+"/widget/api/acme/media", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := e.Client().Do(req); r.StatusCode != 201 {
		t.Fatalf("widget photo: %d %s", r.StatusCode, r.Body)
	}
	// WhatsApp: an image without a caption, then one with a caption that says what is wrong.
	wa := func(wamid, image string) {
		body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Murat Usta"},"wa_id":"905321112233"}],
"messages":[{"from":"905321112233","id":"` + wamid + `","timestamp":"1735689600","type":"image","image":` + image + `}]},"field":"messages"}]}]}`)
		h := map[string]string{"X-Api-Key": e.APIKey("acme", "whatsapp_webhook"), "X-Hub-Signature-256": whatsapp.Sign(body, "meta-app-secret")}
		if r := e.Client().PostJSON("/api/webhooks/whatsapp/", body, h); r.StatusCode != 200 {
			t.Fatalf("whatsapp: %d %s", r.StatusCode, r.Body)
		}
		settle(t, e, "whatsapp_process", "ai_triage")
	}
	wa("wamid.P1", `{"mime_type":"image/jpeg","id":"1479537139650973"}`)
	// Telegram: a photo without a caption.
	tg := `{"update_id":900000010,"message":{"message_id":10,"from":{"id":42,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":4242,"type":"private"},"date":1735689600,"photo":[{"file_id":"AgAC1","file_unique_id":"u1","width":90,"height":60}]}}`
	if r := e.Client().PostJSON("/api/webhooks/telegram/acme/", []byte(tg), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
		t.Fatalf("telegram: %d %s", r.StatusCode, r.Body)
	}
	settle(t, e, "ai_triage", "telegram_process")
	for _, ch := range []string{"webchat", "whatsapp", "telegram"} {
		conv := one[int64](t, e, `SELECT id FROM conversations WHERE channel = ?`, ch)
		if n := one[int](t, e, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'inbound' AND body = '[image]'`, conv); n != 1 {
			t.Fatalf("%s: the photo is not stored as a photo alone (%d)", ch, n)
		}
		if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE provider = 'ai_triage' AND action_type = 'ai_triage' AND conversation_id = ?`, conv); n != 1 {
			t.Fatalf("%s: the photo was triaged %d times", ch, n)
		}
		urg := one[int](t, e, `SELECT coalesce(urgency_score, -1) FROM conversations WHERE id = ?`, conv)
		hand := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv)
		reasons := one[string](t, e, `SELECT coalesce(score_reasons, '') FROM conversations WHERE id = ?`, conv)
		if urg < 0 || urg >= 40 || hand != 0 || strings.Contains(reasons, "complaint") || strings.Contains(reasons, "image") {
			t.Errorf("%s: a photo alone scored urgency %d, handoff %d, reasons %s", ch, urg, hand, reasons)
		}
	}
	// A caption is the customer's words: a crack in it is a complaint.
	wa("wamid.P2", `{"caption":"Geçen ay döşediğiniz taşlar çatladı, kırılmış, şikayetçiyim","mime_type":"image/jpeg","id":"2"}`)
	conv := one[int64](t, e, `SELECT id FROM conversations WHERE channel = 'whatsapp'`)
	if reasons := one[string](t, e, `SELECT coalesce(score_reasons, '') FROM conversations WHERE id = ?`, conv); !strings.Contains(reasons, "complaint") {
		t.Errorf("a caption's complaint was not read: %s", reasons)
	}
}

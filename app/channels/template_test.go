package channels_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/channels/channel"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// templateReply stores an outbound WhatsApp message that asks for a template, in a conversation
// whose customer last wrote at lastInbound, and runs its delivery job once.
func (d *deliverEnv) templateReply(t *testing.T, external, body string, tpl *inbox.TemplateUse, lastInbound time.Time) *inbox.Message {
	t.Helper()
	ctx := t.Context()
	db := d.e.DB("acme")
	res, err := d.e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: external, Phone: "+" + external, Body: "merhaba", At: lastInbound})
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.e.Handlers.InboxService.AddMessage(ctx, "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "system", Body: body, Template: tpl}, "")
	if err != nil {
		t.Fatal(err)
	}
	d.got.Store("")
	payload, _ := json.Marshal(map[string]int64{"message_id": id})
	_ = d.e.Handlers.Channels.Deliverer.Handle(ctx, &jobs.Job{Kind: channels.JobDeliver, Payload: payload, Tenant: "acme", DB: db, Attempt: 1, MaxTries: 3})
	return d.message(t, id)
}

// sent is the one message object the fake Cloud API received ("" when none).
func (d *deliverEnv) sent(t *testing.T) string {
	t.Helper()
	got, _ := d.got.Load().(string)
	got = strings.TrimSpace(got)
	if got == "" {
		return ""
	}
	if strings.Count(got, "\n") > 0 {
		t.Fatalf("more than one request: %s", got)
	}
	_, body, _ := strings.Cut(got, "Bearer EAAG-test ")
	return body
}

func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("sent %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("sent\n %s\nwant\n %s", gb, wb)
	}
}

// TestWhatsAppTemplateOutsideTheWindow: the exact message objects the Cloud API receives for a
// reply that names a template, inside and outside the 24-hour window, and what happens without
// an approved template.
func TestWhatsAppTemplateOutsideTheWindow(t *testing.T) {
	t.Parallel()
	d := newDeliverEnv(t, true, map[string]string{"whatsapp_access_token": "EAAG-test", "whatsapp_phone_number_id": "106540352242922",
		"whatsapp_template_visit_confirmation": "kesif_onayi", "whatsapp_template_visit_confirmation_lang": "tr",
		"whatsapp_template_visit_reminder": "kesif_hatirlatma"})
	confirm := &inbox.TemplateUse{Purpose: inbox.PurposeVisitConfirmation, Params: []string{"Ayşe Hanım", "3 Aralık Perşembe 10:00", "Moda Cd.\n5/2   Kadıköy"}}

	// Inside the window: the body as free text, as always.
	m := d.templateReply(t, "905321234567", "Keşfiniz 3 Aralık 10:00'da.", confirm, time.Now().Add(-2*time.Hour))
	if m.DeliveryStatus != "sent" || m.Notes().TemplateSent != nil {
		t.Fatalf("inside the window: %+v %s", m, m.Annotations)
	}
	sameJSON(t, d.sent(t), `{"messaging_product":"whatsapp","recipient_type":"individual","to":"905321234567","type":"text",
		"text":{"preview_url":false,"body":"Keşfiniz 3 Aralık 10:00'da."}}`)

	// Outside it: the approved template, its language, the parameters in order (a new line and a
	// run of spaces, which WhatsApp refuses in a parameter, become one space).
	m = d.templateReply(t, "905551112233", "Keşfiniz 3 Aralık 10:00'da.", confirm, time.Now().Add(-30*time.Hour))
	if m.DeliveryStatus != "sent" || !strings.HasPrefix(m.ProviderMessageID, "wamid.OUT") || m.Body != "Keşfiniz 3 Aralık 10:00'da." {
		t.Fatalf("outside the window: %+v", m)
	}
	if ts := m.Notes().TemplateSent; ts == nil || ts.Name != "kesif_onayi" || ts.Lang != "tr" {
		t.Errorf("template sent not recorded: %s", m.Annotations)
	}
	sameJSON(t, d.sent(t), `{"messaging_product":"whatsapp","recipient_type":"individual","to":"905551112233","type":"template",
		"template":{"name":"kesif_onayi","language":{"code":"tr"},"components":[{"type":"body","parameters":[
		{"type":"text","text":"Ayşe Hanım"},{"type":"text","text":"3 Aralık Perşembe 10:00"},{"type":"text","text":"Moda Cd. 5/2 Kadıköy"}]}]}}`)

	// A template without a language code set goes in the tenant's main language (the test
	// tenant's is English).
	m = d.templateReply(t, "905551112244", "Yarın keşif.", &inbox.TemplateUse{Purpose: inbox.PurposeVisitReminder, Params: []string{"10:00"}}, time.Now().Add(-48*time.Hour))
	if m.DeliveryStatus != "sent" {
		t.Fatalf("reminder: %+v", m)
	}
	sameJSON(t, d.sent(t), `{"messaging_product":"whatsapp","recipient_type":"individual","to":"905551112244","type":"template",
		"template":{"name":"kesif_hatirlatma","language":{"code":"en"},"components":[{"type":"body","parameters":[{"type":"text","text":"10:00"}]}]}}`)

	// No approved template for the purpose: failed with the reason, nothing sent, retry offered.
	nt := d.templateReply(t, "905551112255", "Sizi aramak istedik.", &inbox.TemplateUse{Purpose: inbox.PurposeFollowUp, Params: []string{"Ayşe"}}, time.Now().Add(-72*time.Hour))
	if nt.DeliveryStatus != "failed" || !strings.HasPrefix(nt.DeliveryError, channels.NotSentNoTemplate) || nt.FailureKey() != "no_template" || !nt.Retryable() {
		t.Fatalf("no template: %+v (%s)", nt, nt.FailureKey())
	}
	if got := d.sent(t); got != "" {
		t.Errorf("a message without its template reached the provider: %s", got)
	}
	// No template asked for at all: the old window failure.
	m = d.templateReply(t, "905551112266", "Merhaba?", nil, time.Now().Add(-25*time.Hour))
	if m.DeliveryStatus != "failed" || m.DeliveryError != channels.NotSentWindow || d.sent(t) != "" {
		t.Fatalf("no template asked: %+v", m)
	}

	// The conversation shows the failure in the operator's language, with the retry button; a
	// message sent as a template says so.
	op := d.e.User("acme", "oya", "operator")
	r := op.Get("/app/inbox/" + strconv.FormatInt(nt.ConversationID, 10) + "/?lang=tr")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "WhatsApp&#39;ın 24 saatlik penceresi kapalı; bu mesaj için onaylı şablon tanımlı değil.") ||
		!strings.Contains(r.Body, "/messages/"+strconv.FormatInt(nt.ID, 10)+"/retry") {
		t.Errorf("conversation page lacks the reason or the retry: %d", r.StatusCode)
	}
	// Once the owner sets the template, the retry sends it.
	d.e.Set("acme", map[string]string{"whatsapp_template_follow_up": "takip"})
	if r := op.Post("/app/inbox/"+strconv.FormatInt(nt.ConversationID, 10)+"/messages/"+strconv.FormatInt(nt.ID, 10)+"/retry", url.Values{}); r.StatusCode >= 400 {
		t.Fatalf("retry: %d", r.StatusCode)
	}
	d.got.Store("")
	payload, _ := json.Marshal(map[string]int64{"message_id": nt.ID})
	if err := d.e.Handlers.Channels.Deliverer.Handle(t.Context(), &jobs.Job{Kind: channels.JobDeliver, Payload: payload, Tenant: "acme", DB: d.e.DB("acme"), Attempt: 1, MaxTries: 3}); err != nil {
		t.Fatal(err)
	}
	if m := d.message(t, nt.ID); m.DeliveryStatus != "sent" {
		t.Fatalf("after retry: %+v", m)
	}
	sameJSON(t, d.sent(t), `{"messaging_product":"whatsapp","recipient_type":"individual","to":"905551112255","type":"template",
		"template":{"name":"takip","language":{"code":"en"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ayşe"}]}]}}`)
	r = op.Get("/app/inbox/" + strconv.FormatInt(nt.ConversationID, 10) + "/?lang=en")
	if !strings.Contains(r.Body, "Sent as the approved WhatsApp template: <span dir=\"ltr\" translate=\"no\">takip</span>") {
		t.Errorf("the conversation does not say the message went as a template")
	}
}

// TestWhatsAppTemplateSettings: the owner sets each purpose's template on the channels page; a
// name or language code WhatsApp would refuse is a 422 with the field's reason, and nothing of
// the form is stored.
func TestWhatsAppTemplateSettings(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	setting := func(k string) string {
		tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		return tn.Setting(k)
	}
	r := owner.Get("/app/settings/channels?lang=tr")
	for _, want := range []string{"Onaylı şablonlar", `name="whatsapp_template_visit_confirmation"`, `name="whatsapp_template_visit_reminder_lang"`, `name="whatsapp_template_follow_up"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("channels page lacks %s", want)
		}
	}
	for _, bad := range []url.Values{
		{"whatsapp_template_visit_confirmation": {"Kesif Onayi"}, "whatsapp_template_visit_confirmation_lang": {"tr"}, "whatsapp_phone_number_id": {"99"}},
		{"whatsapp_template_visit_confirmation": {"kesif_onayi"}, "whatsapp_template_visit_confirmation_lang": {"turkish"}, "whatsapp_phone_number_id": {"99"}},
		{"whatsapp_template_follow_up": {"takip-mesaji"}, "whatsapp_phone_number_id": {"99"}},
		{"whatsapp_template_visit_reminder_lang": {"EN_us"}, "whatsapp_phone_number_id": {"99"}},
	} {
		r := owner.Post("/app/settings/channels?lang=tr", bad)
		if r.StatusCode != 422 {
			t.Fatalf("%v: %d", bad, r.StatusCode)
		}
		if !strings.Contains(r.Body, "küçük harf, rakam ve alt çizgi") && !strings.Contains(r.Body, "WhatsApp dil kodu") {
			t.Errorf("%v: no reason in Turkish", bad)
		}
		for k := range bad {
			if setting(k) != "" {
				t.Fatalf("%v: %s stored on a 422", bad, k)
			}
		}
	}
	good := url.Values{"whatsapp_template_visit_confirmation": {"kesif_onayi_2"}, "whatsapp_template_visit_confirmation_lang": {"tr"},
		"whatsapp_template_visit_reminder": {"visit_reminder"}, "whatsapp_template_visit_reminder_lang": {"en_US"},
		"whatsapp_template_follow_up": {""}, "whatsapp_template_follow_up_lang": {""}}
	if r := owner.Post("/app/settings/channels", good); r.StatusCode != 303 {
		t.Fatalf("save: %d", r.StatusCode)
	}
	for k, v := range good {
		if setting(k) != v[0] {
			t.Errorf("%s = %q, want %q", k, setting(k), v[0])
		}
	}
	// The command line refuses the same values (the platform checks every setting).
	if err := e.Server.Platform.SetSettings(t.Context(), "acme", map[string]string{"whatsapp_template_follow_up": "Takip"}); err == nil {
		t.Error("platform stored a template name WhatsApp refuses")
	}
}

// TestTemplateWordsInSixLanguages: the failure, the "sent as template" line and the settings'
// reasons exist in every language, and are not English outside English.
func TestTemplateWordsInSixLanguages(t *testing.T) {
	t.Parallel()
	keys := []string{"inbox.failure.no_template", "inbox.chat.sent_as_template", "channels.settings.err.template_name",
		"channels.settings.err.template_lang", "channels.settings.whatsapp_templates"}
	for _, p := range channel.TemplatePurposes {
		keys = append(keys, "channels.settings."+whatsapp.TemplateSetting(p), "channels.settings."+whatsapp.TemplateLangSetting(p))
	}
	en := i18n.For("en")
	for _, lang := range []string{"en", "tr", "de", "fr", "es", "ar"} {
		have := map[string]bool{}
		for _, k := range i18n.Keys(lang) {
			have[k] = true
		}
		p := i18n.For(lang)
		for _, k := range keys {
			if !have[k] {
				t.Errorf("%s: %s missing", lang, k)
			} else if lang != "en" && p.T(k, "x") == en.T(k, "x") {
				t.Errorf("%s: %s is the English text", lang, k)
			}
		}
	}
}

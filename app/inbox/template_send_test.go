package inbox_test

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/inbox"
)

// TestComposerOffersTemplatesOutsideTheWindow: on a WhatsApp conversation whose 24-hour window
// is closed the page says so and, once the owner has set templates, the operator sends one with
// its values; what is refused stores nothing. Inside the window nothing changes.
func TestComposerOffersTemplatesOutsideTheWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	op := e.User("acme", "oya", "operator")
	late := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe Yılmaz",
		Body: "Keşif için ne zaman gelirsiniz?", At: time.Now().Add(-30 * time.Hour)})
	fresh := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905551112233", Phone: "+905551112233", Name: "Can", Body: "Merhaba", At: time.Now()})
	page := func(id int64) string {
		r := op.Get("/app/inbox/" + strconv.FormatInt(id, 10) + "/?lang=tr")
		if r.StatusCode != 200 {
			t.Fatalf("page: %d", r.StatusCode)
		}
		return r.Body
	}
	post := func(id int64, v url.Values) int {
		return op.Post("/app/inbox/"+strconv.FormatInt(id, 10)+"/template?lang=tr", v).StatusCode
	}
	messages := func(id int64) []*inbox.Message {
		ms, err := inbox.Messages(t.Context(), e.DB("acme").Read, id, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}

	body := page(late.ConversationID)
	if !strings.Contains(body, "WhatsApp&#39;ın 24 saatlik penceresi kapalı") || !strings.Contains(body, "Henüz onaylı şablon tanımlı değil") ||
		strings.Contains(body, `action="/app/inbox/`+strconv.FormatInt(late.ConversationID, 10)+`/template"`) {
		t.Fatal("closed window without templates: notice or 'none' missing, or a form offered")
	}
	if strings.Contains(page(fresh.ConversationID), `id="window-closed"`) {
		t.Fatal("an open window shows the closed notice")
	}
	if post(late.ConversationID, url.Values{"purpose": {"follow_up"}, "p1": {"Ayşe"}}) != 422 {
		t.Fatal("a template without a configured one was accepted")
	}

	e.Set("acme", map[string]string{"whatsapp_template_visit_confirmation": "kesif_onayi", "whatsapp_template_follow_up": "takip",
		"whatsapp_template_follow_up_lang": "tr"})
	body = page(late.ConversationID)
	for _, want := range []string{`name="purpose"`, `<option value="visit_confirmation">Keşif onayı</option>`,
		`<option value="follow_up">Takip mesajı</option>`, `name="p1"`, `name="p3"`, "Şablonu gönder"} {
		if !strings.Contains(body, want) {
			t.Errorf("template form lacks %s", want)
		}
	}
	if strings.Contains(body, "visit_reminder") {
		t.Error("a purpose without a template is offered")
	}
	before := len(messages(late.ConversationID))
	for _, bad := range []url.Values{
		{"purpose": {"visit_reminder"}, "p1": {"x"}},         // no template set for it
		{"purpose": {"marketing"}},                           // not a purpose
		{"purpose": {"visit_confirmation"}, "p2": {"10:00"}}, // a gap before a value
		{"purpose": {"follow_up"}, "p1": {strings.Repeat("a", 501)}},
	} {
		if s := post(late.ConversationID, bad); s != 422 {
			t.Errorf("%v: %d", bad, s)
		}
	}
	if post(fresh.ConversationID, url.Values{"purpose": {"follow_up"}, "p1": {"Can"}}) != 422 {
		t.Error("a template inside the window was accepted")
	}
	if n := len(messages(late.ConversationID)); n != before {
		t.Fatalf("a refused template stored a message: %d → %d", before, n)
	}

	if s := post(late.ConversationID, url.Values{"purpose": {"visit_confirmation"}, "p1": {" Ayşe  Hanım "}, "p2": {"3 Aralık 10:00"}, "p3": {""}}); s != 303 {
		t.Fatalf("send: %d", s)
	}
	ms := messages(late.ConversationID)
	m := ms[len(ms)-1]
	if m.Direction != "outbound" || m.AuthorKind != "user" || m.DeliveryStatus != "queued" ||
		!reflect.DeepEqual(m.Template(), &inbox.TemplateUse{Purpose: "visit_confirmation", Params: []string{"Ayşe Hanım", "3 Aralık 10:00"}}) {
		t.Fatalf("stored %+v with template %+v", m, m.Template())
	}
	if m.Body != "Keşif onayı (onaylı şablon kesif_onayi): Ayşe Hanım · 3 Aralık 10:00" {
		t.Errorf("body %q", m.Body)
	}
	var jobs int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'deliver_message' AND payload LIKE ?`, `%"message_id":`+strconv.FormatInt(m.ID, 10)+`%`).Scan(&jobs)
	if jobs != 1 {
		t.Errorf("deliver jobs for the template = %d", jobs)
	}
	if r := e.User("acme", "vera", "viewer").Post("/app/inbox/"+strconv.FormatInt(late.ConversationID, 10)+"/template", url.Values{"purpose": {"follow_up"}}); r.StatusCode != 403 {
		t.Errorf("viewer: %d", r.StatusCode)
	}
}

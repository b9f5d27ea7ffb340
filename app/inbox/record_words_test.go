package inbox_test

import (
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/inbox"
)

// On a phone call or a walk-in nothing goes to the customer: what the operator types is recorded
// as what was said. The reply button and an assistant draft's approve button say so ("Log it",
// "Approve and record") instead of promising a send; a chat channel keeps "Send" and "Approve
// and send".
func TestRecordedChannelsPromiseNoSend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	ctx := t.Context()
	draft := func(conv int64) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			_, _, err := approvals.Create(ctx, tx, approvals.New{ConversationID: conv, Title: "Fiyat", Priority: "high",
				ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekare fiyatı 1.200 TL'dir.", DedupeKey: "t:fiyat:" + strconv.FormatInt(conv, 10)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []string{"call", "manual"} {
		r := c.Post("/app/inbox/new/", url.Values{"name": {"Ayla " + ch}, "channel": {ch}, "body": {"Fiyat sordu"}})
		if r.StatusCode != 303 {
			t.Fatalf("%s: new %d", ch, r.StatusCode)
		}
		page := r.Header.Get("Location")
		var conv int64
		db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = ? ORDER BY id DESC LIMIT 1`, ch).Scan(&conv)
		draft(conv)
		for lang, want := range map[string][2]string{"en": {"Log it", "Approve and record"}, "tr": {"Kaydet", "Onayla ve kaydet"}} {
			doc := c.Get(page + "?lang=" + lang).Doc(t)
			btn := doc.Find("#composer .composer-send")
			if got := strings.TrimSpace(btn.Text()); got != want[0] || btn.AttrOr("data-label-reply", "") != want[0] {
				t.Errorf("%s %s: reply button %q (reply label %q), want %q", ch, lang, got, btn.AttrOr("data-label-reply", ""), want[0])
			}
			if got := strings.TrimSpace(doc.Find("[data-approve-draft]").Text()); got != want[1] {
				t.Errorf("%s %s: draft button %q, want %q", ch, lang, got, want[1])
			}
		}
	}
	// A chat channel still sends.
	res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "w-1", Name: "Can", Body: "Fiyat?", Kind: "text"})
	if err != nil {
		t.Fatal(err)
	}
	draft(res.ConversationID)
	doc := c.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/?lang=en").Doc(t)
	if got := strings.TrimSpace(doc.Find("#composer .composer-send").Text()); got != "Send" {
		t.Errorf("web chat: reply button %q", got)
	}
	if got := strings.TrimSpace(doc.Find("[data-approve-draft]").Text()); got != "Approve and send" {
		t.Errorf("web chat: draft button %q", got)
	}
}

// On a phone call or a walk-in the composer offers nothing that only a send could do: no "Send
// later" (a record is not sent, now or later), a hint that says Enter logs it, a box and a kind of
// message that ask for what was told to the customer, and a file form that adds to the record. A
// scheduled reply posted there anyway is refused in the operator's language and nothing is
// stored. A chat channel keeps all of it as it was.
func TestRecordedComposerOffersNoSend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	count := func() (n int) {
		t.Helper()
		db.Read.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
		return n
	}
	type words struct{ hint, placeholder, kind, attach, file, refused string }
	want := map[string]words{
		"en": {"Enter logs it · Shift+Enter new line", "Write down what you told the customer…", "What we told the customer",
			"Add a photo or PDF to the record", "Add to the record", "Nothing is sent on a phone call or walk-in record"},
		"tr": {"Enter kaydeder · Shift+Enter yeni satır", "Müşteriye ne söylediğinizi yazın…", "Müşteriye söylediğimiz",
			"Kayda fotoğraf veya PDF ekle", "Kayda ekle", "Telefon araması ya da ziyaret kaydında müşteriye hiçbir şey gönderilmez"},
	}
	later := time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	for _, ch := range []string{"call", "manual"} {
		r := c.Post("/app/inbox/new/", url.Values{"name": {"Ayla " + ch}, "channel": {ch}, "body": {"Fiyat sordu"}})
		if r.StatusCode != 303 {
			t.Fatalf("%s: new %d", ch, r.StatusCode)
		}
		page := r.Header.Get("Location")
		for lang, w := range want {
			doc := c.Get(page + "?lang=" + lang).Doc(t)
			if n := doc.Find("#composer details.composer-later, #composer [name=send_at]").Length(); n != 0 {
				t.Errorf("%s %s: the composer offers to send later (%d controls)", ch, lang, n)
			}
			for what, got := range map[string][2]string{
				"hint":        {strings.TrimSpace(doc.Find("#composer [data-enter-hint]").Text()), w.hint},
				"placeholder": {doc.Find("#composer #body").AttrOr("placeholder", ""), w.placeholder},
				"kind":        {strings.TrimSpace(doc.Find(`#direction option[value=outbound]`).Text()), w.kind},
				"file form":   {strings.TrimSpace(doc.Find("details.composer-attach > summary").Text()), w.attach},
				"file button": {strings.TrimSpace(doc.Find(".attach-form button[type=submit]").Text()), w.file},
			} {
				if got[0] != got[1] {
					t.Errorf("%s %s: %s reads %q, want %q", ch, lang, what, got[0], got[1])
				}
			}
			if strings.Contains(strings.ToLower(doc.Find("details.composer-attach").Text()), map[string]string{"en": "sent without", "tr": "gönderilir"}[lang]) {
				t.Errorf("%s %s: the file form says photos are sent: %q", ch, lang, doc.Find("#attach-hint").Text())
			}
			// A scheduled reply posted by hand: refused, said in the operator's language, nothing stored.
			before := count()
			doc = c.Post(page+"?lang="+lang, url.Values{"direction": {"outbound"}, "body": {"Yarın ararım"}, "send_at": {later}}).Doc(t)
			if got := doc.Find("#composer-status").Text(); !strings.Contains(got, w.refused) {
				t.Errorf("%s %s: a scheduled reply was answered %q, want %q", ch, lang, got, w.refused)
			}
			if n := count(); n != before {
				t.Errorf("%s %s: a scheduled reply on a record stored %d messages", ch, lang, n-before)
			}
		}
	}
	// A chat channel still offers to send later, and says Enter sends.
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "w-2", Name: "Can", Body: "Fiyat?", Kind: "text"})
	if err != nil {
		t.Fatal(err)
	}
	doc := c.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/?lang=en").Doc(t)
	if doc.Find("#composer details.composer-later [name=send_at]").Length() != 1 || strings.TrimSpace(doc.Find("#composer [data-enter-hint]").Text()) != "Enter sends · Shift+Enter new line" ||
		strings.TrimSpace(doc.Find("details.composer-attach > summary").Text()) != "Send a photo or PDF" {
		t.Errorf("web chat: the composer lost its send wording or send later")
	}
}

package app_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/media/mediatest"
	"highvibe/app/web"
)

// windowConv is a tenant with a WhatsApp conversation whose 24-hour window closed (the customer
// last wrote 30 hours ago) and an operator; it returns the conversation's page and id.
func windowConv(t *testing.T) (*apptest.Env, *apptest.Client, string, int64) {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "en")
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055", "whatsapp_template_follow_up": "takip", "whatsapp_template_follow_up_lang": "tr"})
	op := e.User("acme", "oya", "operator")
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe", Body: "Keşif ne zaman?", At: time.Now().Add(-30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return e, op, "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/", res.ConversationID
}

// composerPost is the composer's post as the browser sends it: a plain form, or htmx's (which
// swaps the thread).
func composerPost(e *apptest.Env, op *apptest.Client, path string, v url.Values, htmx bool) *apptest.Resp {
	e.T.Helper()
	req, _ := http.NewRequest("POST", e.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "timeline")
	}
	return op.Do(req)
}

// TestConversationWindowClosedRefusesReply: outside WhatsApp's 24-hour window a free-text reply
// would be queued and then fail, while the operator believes the customer got it. The composer
// opens as an internal note, and a reply posted anyway (plain form or htmx) is refused in the
// person's language with what to do instead; nothing is stored, the words and the form's
// one-time token stay. A note still goes in.
func TestConversationWindowClosedRefusesReply(t *testing.T) {
	t.Parallel()
	e, op, page, id := windowConv(t)
	db := e.DB("acme")
	stored := func() int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction <> 'inbound'`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	doc := op.Get(page + "?lang=en").Doc(t)
	if v, _ := doc.Find(`#direction option[selected]`).Attr("value"); v != "system" {
		t.Errorf("the composer opens as %q outside the window, want an internal note", v)
	}
	if !doc.Find(`form#composer`).HasClass("is-note") || strings.TrimSpace(doc.Find(`.composer-send`).Text()) != "Add note" {
		t.Errorf("the composer does not look like a note: class %q, button %q", doc.Find(`form#composer`).AttrOr("class", ""), doc.Find(`.composer-send`).Text())
	}
	if !strings.Contains(doc.Find(`#window-closed`).Text(), "set to an internal note") {
		t.Error("the banner does not say the composer writes a note")
	}

	for _, lang := range []string{"en", "tr", "de", "fr", "es", "ar"} {
		want := i18n.For(lang).T("inbox.error.window_closed")
		if want == "inbox.error.window_closed" {
			t.Fatalf("%s: no message for the closed window", lang)
		}
		tok := web.NewOnceToken()
		v := url.Values{"direction": {"outbound"}, "body": {"Merhaba " + lang}, web.OnceField: {tok}}
		r := composerPost(e, op, page+"?lang="+lang, v, false)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a reply outside the window answered %d, want 422", lang, r.StatusCode)
		}
		d := r.Doc(t)
		if !strings.Contains(d.Find(`#composer-status`).Text(), want) {
			t.Errorf("%s: the composer says %q, want %q", lang, d.Find(`#composer-status`).Text(), want)
		}
		if got := d.Find(`#composer textarea[name=body]`).Text(); got != "Merhaba "+lang {
			t.Errorf("%s: the refused composer shows %q, want what was typed", lang, got)
		}
		if got := formToken(t, r, page); got != tok {
			t.Errorf("%s: the refused composer carries token %q, want its own %q", lang, got, tok)
		}
		if v, _ := d.Find(`#direction option[selected]`).Attr("value"); v != "outbound" {
			t.Errorf("%s: the refused composer shows kind %q, want the reply that was chosen", lang, v)
		}

		h := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"outbound"}, "body": {"Merhaba"}, web.OnceField: {web.NewOnceToken()}}, true)
		if h.StatusCode != http.StatusUnprocessableEntity || h.Header.Get("HX-Retarget") != "#composer-status" || !strings.Contains(h.Doc(t).Text(), want) {
			t.Errorf("%s: htmx reply outside the window: %d, retarget %q: %s", lang, h.StatusCode, h.Header.Get("HX-Retarget"), h.Body)
		}
		// Scheduled for later is no better: the window is still closed then.
		later := time.Now().Add(48 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
		if r := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"outbound"}, "body": {"Yarın"}, "send_at": {later}}, false); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: a scheduled reply outside the window answered %d, want 422", lang, r.StatusCode)
		}
	}
	if n := stored(); n != 0 {
		t.Fatalf("refused replies stored %d messages", n)
	}

	// A note is what the composer offers, and it goes in.
	r := composerPost(e, op, page+"?lang=tr", url.Values{"direction": {"system"}, "body": {"Müşteri aranacak"}}, false)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a note outside the window answered %d: %s", r.StatusCode, r.Body)
	}
	if n := stored(); n != 1 {
		t.Fatalf("the note stored %d messages, want 1", n)
	}
}

// TestConversationEmptyAndUnchanged: the composer posted with no words is refused at the
// composer ("write something first"), nothing stored; a control posted with the value it already
// has does not claim to have saved anything. The controls post to the same address without a body.
func TestConversationEmptyAndUnchanged(t *testing.T) {
	t.Parallel()
	e, op, page, id := windowConv(t)
	db := e.DB("acme")
	for _, lang := range []string{"en", "tr", "de", "fr", "es", "ar"} {
		want := i18n.For(lang).T("inbox.error.body_empty")
		r := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"system"}, "body": {"  "}}, false)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find(`#composer-status`).Text(), want) {
			t.Errorf("%s: an empty note answered %d, want 422 with %q", lang, r.StatusCode, want)
		}
		h := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"system"}, "body": {""}}, true)
		if h.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(h.Doc(t).Text(), want) {
			t.Errorf("%s: an empty htmx note: %d %s", lang, h.StatusCode, h.Body)
		}
		if strings.Contains(r.Body+h.Body, i18n.For(lang).T("inbox.saved")) {
			t.Errorf("%s: an empty composer says it saved", lang)
		}
	}
	var n int
	if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction <> 'inbound'`, id).Scan(&n); err != nil || n != 0 {
		t.Fatalf("empty posts stored %d messages (%v)", n, err)
	}

	// The state control, inline (htmx) and plain, with the state the conversation already has.
	var state string
	if err := db.Read.QueryRow(`SELECT state FROM conversations WHERE id = ?`, id).Scan(&state); err != nil {
		t.Fatal(err)
	}
	inline := func(v url.Values) *apptest.Resp {
		t.Helper()
		req, _ := http.NewRequest("POST", e.URL+page+"?lang=en", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "saved-state")
		return op.Do(req)
	}
	// Inline, the control's line keeps what it said (a change and a submit of one edit post
	// twice: the second must not undo the first one's "Saved.").
	if r := inline(url.Values{"state": {state}}); r.StatusCode != http.StatusNoContent || strings.Contains(r.Body, "Saved.") {
		t.Errorf("the same state posted again inline: %d %q, want 204 and no “Saved.”", r.StatusCode, r.Body)
	}
	if r := composerPost(e, op, page+"?lang=en", url.Values{"tags": {""}}, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain save of no tags: %d", r.StatusCode)
	}
	if flash := op.Get(page).Doc(t).Find(`.flash`).Text(); strings.Contains(flash, "Saved.") || !strings.Contains(flash, "Nothing changed.") {
		t.Errorf("the page after saving no change says %q", flash)
	}
	other := "won"
	if state == "won" {
		other = "lost"
	}
	if r := inline(url.Values{"state": {other}}); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Saved.") {
		t.Errorf("a new state: %d %q, want “Saved.”", r.StatusCode, r.Body)
	}
}

// TestConversationFlashInReadersLanguage: the banner after a save is put into words when it is
// shown: a note added in Turkish and the page read in Arabic says so in Arabic.
func TestConversationFlashInReadersLanguage(t *testing.T) {
	t.Parallel()
	e, op, page, _ := windowConv(t)
	r := composerPost(e, op, page+"?lang=tr", url.Values{"direction": {"system"}, "body": {"Fiyat teklifi hazırlanacak"}}, false)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d %s", r.StatusCode, r.Body)
	}
	flash := op.Get(page + "?lang=ar").Doc(t).Find(`.flash`).Text()
	if want := i18n.For("ar").T("inbox.done.note"); !strings.Contains(flash, want) || strings.Contains(flash, "Not eklendi") {
		t.Errorf("the banner read in Arabic says %q, want %q", flash, want)
	}
	// A banner with an argument (the time of a scheduled reply) in an open window, read in German.
	_, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe", Body: "Tamam", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(3 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	if r := composerPost(e, op, page+"?lang=tr", url.Values{"direction": {"outbound"}, "body": {"Birazdan"}, "send_at": {later}}, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("scheduled reply: %d %s", r.StatusCode, r.Body)
	}
	flash = op.Get(page + "?lang=de").Doc(t).Find(`.flash`).Text()
	if de := i18n.For("de").T("inbox.done.scheduled", "X"); !strings.Contains(flash, strings.TrimSuffix(strings.SplitN(de, "X", 2)[0], " ")) {
		t.Errorf("the scheduled banner read in German says %q, want like %q", flash, de)
	}
}

// TestConversationWindowClosedRefusesFile: a file sent outside WhatsApp's window would be queued
// and then fail like a text reply; it is refused at the composer in the person's language, and
// neither the message nor the file is kept.
func TestConversationWindowClosedRefusesFile(t *testing.T) {
	t.Parallel()
	e, op, page, id := windowConv(t)
	db := e.DB("acme")
	for _, lang := range []string{"en", "tr", "ar"} {
		want := i18n.For(lang).T("inbox.error.window_closed_file")
		for _, htmx := range []bool{false, true} {
			f := sendForm{path: strings.TrimPrefix(page, e.URL) + "attach?lang=" + lang}
			r := op.Do(sendRequest(t, e.URL, f, url.Values{"body": {"Keşif planı"}}, mediatest.PDF(), web.NewOnceToken(), htmx))
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s (htmx %v): a file outside the window answered %d, want 422", lang, htmx, r.StatusCode)
			}
			if !strings.Contains(html.UnescapeString(r.Body), want) {
				t.Errorf("%s (htmx %v): the refusal does not say %q", lang, htmx, want)
			}
		}
	}
	var msgs, files int
	if err := db.Read.QueryRow(`SELECT (SELECT count(*) FROM messages WHERE conversation_id = ?1 AND direction <> 'inbound'),
		(SELECT count(*) FROM attachments WHERE conversation_id = ?1)`, id).Scan(&msgs, &files); err != nil {
		t.Fatal(err)
	}
	if msgs != 0 || files != 0 {
		t.Errorf("a refused file stored %d messages and %d files", msgs, files)
	}
}

// TestConversationSendLaterPastTheWindowRefused: a WhatsApp customer wrote 20 hours ago (the
// window is open for 4 more hours) and the operator schedules the reply for the next morning
// ("Send when we open", or a time typed). At that time the window has closed and the reply,
// free text, would wait and then fail: the customer heard nothing and the owner believed them
// answered. It is refused at the send-later field in the reader's language, naming when the
// window closes; nothing is stored. So is a time in the window's last five minutes, where a
// failed try could not be repeated in time. An earlier time is scheduled as before.
func TestConversationSendLaterPastTheWindowRefused(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "en")
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	op := e.User("acme", "oya", "operator")
	wrote := time.Now().Add(-20 * time.Hour).Truncate(time.Minute)
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe", Body: "Keşif ne zaman?", At: wrote})
	if err != nil {
		t.Fatal(err)
	}
	page := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	stored := func() int {
		t.Helper()
		var n int
		if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, res.ConversationID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The panel reads the typed time in the default zone (no business hours saved), not the server's.
	tomorrow := time.Now().Add(12 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	for _, lang := range []string{"en", "tr", "ar"} {
		p := i18n.For(lang).In(hours.DefaultLocation())
		closes := wrote.Add(24 * time.Hour)
		want := p.T("inbox.error.send_at_window", p.DateTime(closes), p.DateTime(closes.Add(-5*time.Minute)))
		// Past the window, and three minutes before it closes: a failed first try is repeated
		// after 5, 20, 45… seconds (jobs.Backoff), so it could miss the window too.
		late := closes.Add(-3 * time.Minute).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
		for _, at := range []string{tomorrow, late} {
			r := composerPost(e, op, page+"?lang="+lang, url.Values{"direction": {"outbound"}, "body": {"Yarın 10:00'da geliyoruz."}, "send_at": {at}}, false)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: a reply scheduled at %s (the window closes at %s) answered %d, want 422", lang, at, closes, r.StatusCode)
			}
			if got := r.Doc(t).Find(`#composer-status`).Text(); !strings.Contains(got, want) {
				t.Errorf("%s: the composer says %q, want %q", lang, got, want)
			}
		}
	}
	if n := stored(); n != 0 {
		t.Fatalf("refused scheduled replies stored %d messages", n)
	}
	soon := time.Now().Add(2 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	if r := composerPost(e, op, page, url.Values{"direction": {"outbound"}, "body": {"Birazdan arıyoruz."}, "send_at": {soon}}, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a reply scheduled within the window answered %d: %.300s", r.StatusCode, r.Body)
	}
	if n := stored(); n != 1 {
		t.Errorf("the reply scheduled within the window stored %d messages, want 1", n)
	}
}

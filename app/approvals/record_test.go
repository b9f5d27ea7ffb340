package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/channels"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestQueueCardOfARecordedDraft: a draft on a phone call or a walk-in is recorded as what was told
// the customer once approved, nothing is sent; its card in the queue said "Draft reply (sent only
// after approval, by a person)". It now says what happens there, in the reader's language; a chat
// channel's card keeps its words. Once approved, the button that sent the draft ("Send draft to
// customer", "Send this approved reply to the customer now?") records it as told there, on the
// card the approval returns and in the latest decisions.
func TestQueueCardOfARecordedDraft(t *testing.T) {
	f := setup(t)
	svc := &inbox.Service{Channels: channels.Registry()}
	db := f.e.DB("acme")
	ctx := context.Background()
	draftOn := func(ch, external, name, key string) int64 {
		t.Helper()
		res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: ch, ExternalID: external, Name: name, Body: "Fiyat?"})
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			id, _, err = approvals.Create(ctx, tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat", Priority: "high",
				ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: key})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	call := draftOn("call", "", "Ayla Telefon", "t:call")
	walk := draftOn("manual", "", "Bora Ziyaret", "t:walk")
	chat := draftOn("webchat", "v-chat", "Ece Site", "t:chat")
	op := f.e.User("acme", "ayla", "operator")
	for _, lang := range []string{"tr", "en"} {
		p := i18n.For(lang)
		doc := op.Get("/app/approvals/?lang=" + lang).Doc(t)
		label := func(id int64) string {
			return strings.TrimSpace(doc.Find(fmt.Sprintf("#rec-%d label[for=draft-%d]", id, id)).Text())
		}
		for _, id := range []int64{call, walk} {
			if got := label(id); got != p.T("approvals.draft_reply_record") {
				t.Errorf("%s: a recorded draft's card reads %q, want %q", lang, got, p.T("approvals.draft_reply_record"))
			}
		}
		if got := label(chat); got != p.T("approvals.draft_reply") {
			t.Errorf("%s: the web chat card reads %q", lang, got)
		}
	}

	// Approved from the queue's card (htmx): the decided card's button names what it does.
	approve := func(id int64) *goquery.Document {
		t.Helper()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/app/approvals/%d/approve?lang=tr", f.e.URL, id),
			strings.NewReader(url.Values{"draft": {"Metrekaresi 950 TRY."}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		r := op.Do(req)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("approving %d: %d %.300s", id, r.StatusCode, r.Body)
		}
		return r.Doc(t)
	}
	tr := i18n.For("tr")
	button := func(s *goquery.Selection) (string, string) {
		return strings.TrimSpace(s.Find(`form[action$="/send"] button`).Text()), s.Find(`form[action$="/send"]`).AttrOr("data-confirm", "")
	}
	for _, sc := range []struct {
		id             int64
		words, confirm string
	}{{call, "approvals.record", "approvals.record_confirm"}, {chat, "approvals.send", "approvals.send_confirm"}} {
		if b, c := button(approve(sc.id).Find(fmt.Sprintf("#rec-%d", sc.id))); b != tr.T(sc.words) || c != tr.T(sc.confirm) {
			t.Errorf("the decided card of %d offers %q (%q), want %q (%q)", sc.id, b, c, tr.T(sc.words), tr.T(sc.confirm))
		}
	}
	doc := op.Get("/app/approvals/?lang=tr").Doc(t)
	for _, sc := range []struct {
		id             int64
		words, confirm string
	}{{call, "approvals.record", "approvals.record_confirm"}, {chat, "approvals.send", "approvals.send_confirm"}} {
		if b, c := button(doc.Find(fmt.Sprintf("#decided-%d", sc.id))); b != tr.T(sc.words) || c != tr.T(sc.confirm) {
			t.Errorf("the latest decisions row of %d offers %q (%q), want %q (%q)", sc.id, b, c, tr.T(sc.words), tr.T(sc.confirm))
		}
	}
}

// TestAlreadyDecidedPageWords: the "Already decided" page (a second press on a decided draft)
// said for an approved phone-call draft "Nothing was sent … the customer has not received it
// yet", though such a draft is recorded as told, never sent. It now says nothing was recorded yet,
// and its button records; a chat draft's page keeps its sending words. Every line reads in the
// reader's language (Turkish, English, Arabic), with no catalog key showing.
func TestAlreadyDecidedPageWords(t *testing.T) {
	f := setup(t)
	svc := &inbox.Service{Channels: channels.Registry()}
	db := f.e.DB("acme")
	ctx := context.Background()
	draftOn := func(ch, external, name, key string) int64 {
		t.Helper()
		res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: ch, ExternalID: external, Name: name, Body: "Fiyat?"})
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			id, _, err = approvals.Create(ctx, tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat", Priority: "high",
				ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: key})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	call := draftOn("call", "", "Ayla Telefon", "t:call")
	chat := draftOn("webchat", "v-chat", "Ece Site", "t:chat")
	op := f.e.User("acme", "ayla", "operator")
	for _, id := range []int64{call, chat} {
		if r := op.Post(fmt.Sprintf("/app/approvals/%d/approve", id), url.Values{"draft": {"Metrekaresi 950 TRY."}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("approving %d: %d", id, r.StatusCode)
		}
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		for _, sc := range []struct {
			id                    int64
			words, button, asking string
		}{
			{call, "approvals.conflict_approved_record", "approvals.record", "approvals.record_confirm"},
			{chat, "approvals.conflict_approved_text", "approvals.send", "approvals.send_confirm"},
		} {
			r := op.Post(fmt.Sprintf("/app/approvals/%d/approve?lang=%s", sc.id, lang), url.Values{"draft": {"Metrekaresi 950 TRY."}})
			if r.StatusCode != http.StatusConflict {
				t.Fatalf("%s: a second approval of %d answered %d, want the 409 page", lang, sc.id, r.StatusCode)
			}
			doc := r.Doc(t)
			main := doc.Find(".error-page")
			if got := strings.TrimSpace(main.Find(".page-title").Text()); got != p.T("approvals.conflict_title") {
				t.Errorf("%s: the page is titled %q", lang, got)
			}
			if got := strings.TrimSpace(main.Find("[data-approved-words]").Text()); got != p.T(sc.words) {
				t.Errorf("%s, draft %d: the approved reply is introduced as %q, want %q", lang, sc.id, got, p.T(sc.words))
			}
			form := main.Find(fmt.Sprintf(`form[action="/app/approvals/%d/send"]`, sc.id))
			if b := strings.TrimSpace(form.Find("button").Text()); b != p.T(sc.button) || form.AttrOr("data-confirm", "") != p.T(sc.asking) {
				t.Errorf("%s, draft %d: the button reads %q (asks %q), want %q (%q)", lang, sc.id, b, form.AttrOr("data-confirm", ""), p.T(sc.button), p.T(sc.asking))
			}
			text := strings.Join(strings.Fields(main.Text()), " ")
			for _, want := range []string{p.T("approvals.conflict_body"), p.T("approvals.status.approved"), p.T("approvals.decided_by"), p.T("approvals.conflict_go_conversation"), p.T("approvals.back"), "ayla"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s, draft %d: the page lacks %q: %s", lang, sc.id, want, text)
				}
			}
			if strings.Contains(text, "approvals.") || (lang != "en" && strings.Contains(text, i18n.For("en").T(sc.words))) {
				t.Errorf("%s, draft %d: a catalog key or English on the page: %s", lang, sc.id, text)
			}
		}
	}
}

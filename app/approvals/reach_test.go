package approvals_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/channels"
	"highvibe/app/channels/email"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestApprovingADraftThatCannotReachTheCustomer: an assistant's draft reply on an e-mail
// conversation whose customer has no address, or on WhatsApp after the 24-hour window had closed,
// was approved from the queue as any other, and the reply queued from it failed later. The card
// now says before the press why the reply cannot go and what to do instead; Approve is refused
// with that reason (the draft stays pending, nothing stored); a bulk approval approves the ones
// that can go and names the others in its banner.
func TestApprovingADraftThatCannotReachTheCustomer(t *testing.T) {
	f := setup(t)
	f.e.Set("acme", map[string]string{email.SetSMTPHost: "127.0.0.1", email.SetFrom: "Acme Parke <info@acme.test>"})
	svc := &inbox.Service{Channels: channels.Registry()}
	db := f.e.DB("acme")
	draftOn := func(ch, external, name string, at time.Time, key string) int64 {
		t.Helper()
		res, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: ch, ExternalID: external, Name: name, Body: "Fiyat?", At: at})
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		err = db.InTx(context.Background(), func(tx *sql.Tx) error {
			id, _, err = approvals.Create(context.Background(), tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat", Priority: "high",
				ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: key})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	mail := draftOn("email", "<root-7@customer.test>", "Deniz Mail", time.Now(), "t:mail")
	late := draftOn("whatsapp", "905321110077", "Selin Geç", time.Now().Add(-30*time.Hour), "t:late")
	fine := draftOn("webchat", "v-fine", "Ece Site", time.Now(), "t:fine")
	op := f.e.User("acme", "ayla", "operator")

	// Before the press: the cards say why, in the reader's language; the reachable one says nothing.
	for _, lang := range []string{"tr", "en"} {
		p := i18n.For(lang)
		doc := op.Get("/app/approvals/?lang=" + lang).Doc(t)
		if got := doc.Find(fmt.Sprintf("#rec-%d [data-cannot-reach]", mail)).Text(); !strings.Contains(got, p.T("approvals.reach.no_address")) {
			t.Errorf("%s: the e-mail card warns %q, want %q", lang, got, p.T("approvals.reach.no_address"))
		}
		if doc.Find(fmt.Sprintf("#rec-%d [data-cannot-reach] a[data-add-address]", mail)).Length() != 1 {
			t.Errorf("%s: the e-mail card does not lead to where the address is added", lang)
		}
		if got := doc.Find(fmt.Sprintf("#rec-%d [data-cannot-reach]", late)).Text(); !strings.Contains(got, p.T("approvals.reach.window_none")) {
			t.Errorf("%s: the WhatsApp card warns %q, want %q", lang, got, p.T("approvals.reach.window_none"))
		}
		if doc.Find(fmt.Sprintf("#rec-%d [data-cannot-reach]", fine)).Length() != 0 {
			t.Errorf("%s: the website chat card warns though its reply can go", lang)
		}
	}
	status := func(id int64) (s string) {
		_ = db.Read.QueryRow(`SELECT status FROM decision_recommendations WHERE id = ?`, id).Scan(&s)
		return
	}
	outbound := func() (n int) {
		_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound'`).Scan(&n)
		return
	}

	// The card's Approve (htmx): refused in the card, the reason beside the draft as typed.
	op.Header = http.Header{"Hx-Request": {"true"}}
	r := op.Post(fmt.Sprintf("/app/approvals/%d/approve?lang=en", mail), url.Values{"draft": {"Metrekaresi 900 TRY."}})
	op.Header = http.Header{}
	card := r.Doc(t).Find(fmt.Sprintf("#rec-%d", mail))
	if r.StatusCode != http.StatusOK || card.Find(".field-error").Text() != i18n.For("en").T("approvals.not_approved") ||
		!strings.Contains(card.Find("[data-cannot-reach]").Text(), i18n.For("en").T("approvals.reach.no_address")) ||
		card.Find("textarea[name=draft]").Text() != "Metrekaresi 900 TRY." {
		t.Errorf("htmx approve of the e-mail draft: %d, card %q", r.StatusCode, strings.Join(strings.Fields(card.Text()), " "))
	}
	// Without scripts: back to the queue, the reason in the banner.
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/approve", mail), url.Values{"draft": {"Metrekaresi 950 TRY."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain approve: %d", r.StatusCode)
	}
	if got := op.Get("/app/approvals/?lang=tr").Doc(t).Find(".flash").Text(); !strings.Contains(got, i18n.For("tr").T("approvals.reach.no_address")) {
		t.Errorf("the banner says %q, want the reason", got)
	}
	if st := status(mail); st != "pending" || outbound() != 0 {
		t.Errorf("after refused approvals: the draft is %s and %d replies were stored, want pending and none", st, outbound())
	}

	// Bulk: the one that can go is approved, the others stay, named in the banner.
	form := url.Values{"verb": {"approve"}, "id": {fmt.Sprint(mail), fmt.Sprint(late), fmt.Sprint(fine)}}
	if r := op.Post("/app/approvals/bulk", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk: %d", r.StatusCode)
	}
	if status(fine) != "approved" || status(mail) != "pending" || status(late) != "pending" {
		t.Errorf("after bulk: fine %s, e-mail %s, WhatsApp %s; want approved, pending, pending", status(fine), status(mail), status(late))
	}
	banner := op.Get("/app/approvals/?lang=en").Doc(t).Find(".flash").Text()
	if !strings.Contains(banner, "1 recommendation approved") || !strings.Contains(banner, "Deniz Mail") || !strings.Contains(banner, "Selin Geç") ||
		!strings.Contains(banner, "cannot reach the customer now") {
		t.Errorf("bulk banner %q, want one approved and both customers named as not reachable", banner)
	}

	// Once the lead has an address the same press approves.
	if _, err := db.Write.Exec(`UPDATE leads SET email = 'deniz@customer.test' WHERE name = 'Deniz Mail'`); err != nil {
		t.Fatal(err)
	}
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/approve", mail), url.Values{"draft": {"Metrekaresi 950 TRY."}}); r.StatusCode != http.StatusSeeOther || status(mail) != "approved" {
		t.Errorf("approve with an address: %d, %s", r.StatusCode, status(mail))
	}
}

// TestRefusedApprovalOverJSONSaysWhy: a script approving (or approving and sending) through the
// panel's addresses with Accept: application/json was refused with only "Nothing was approved
// or sent."; the page says why (the customer has no e-mail address, WhatsApp's window is
// closed…). The problem details (409, code cannot_reach_<reason>) now carry that same reason in
// the caller's language.
func TestRefusedApprovalOverJSONSaysWhy(t *testing.T) {
	f := setup(t)
	f.e.Set("acme", map[string]string{email.SetSMTPHost: "127.0.0.1", email.SetFrom: "Acme Parke <info@acme.test>"})
	svc := &inbox.Service{Channels: channels.Registry()}
	db := f.e.DB("acme")
	res, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "email", ExternalID: "<root-9@customer.test>", Name: "Deniz Mail", Body: "Fiyat?"})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		id, _, err = approvals.Create(context.Background(), tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat", Priority: "high",
			ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: "t:json"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	op := f.e.User("acme", "ayla", "operator")
	op.Header = http.Header{"Accept": {"application/json"}}
	for _, tc := range []struct{ lang, path string }{{"en", "approve"}, {"tr", "approve"}, {"tr", "send"}} {
		r := op.Post(fmt.Sprintf("/app/approvals/%d/%s?lang=%s", id, tc.path, tc.lang), url.Values{"body": {"Metrekaresi 900 TRY."}})
		var p struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Fatalf("%s %s: %d, not problem details: %s", tc.lang, tc.path, r.StatusCode, r.Body)
		}
		pr := i18n.For(tc.lang)
		if r.StatusCode != http.StatusConflict || p.Status != http.StatusConflict || p.Code != "cannot_reach_no_address" ||
			!strings.Contains(r.Header.Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(p.Detail, pr.T("approvals.not_approved")) || !strings.Contains(p.Detail, pr.T("approvals.reach.no_address")) {
			t.Errorf("%s %s: %d %s, want 409 cannot_reach_no_address saying %q", tc.lang, tc.path, r.StatusCode, r.Body, pr.T("approvals.reach.no_address"))
		}
		// Its title names the refusal, not the general "changed in the meantime" of a conflict.
		if p.Title != pr.T("approvals.reach.title") {
			t.Errorf("%s %s: title %q, want %q", tc.lang, tc.path, p.Title, pr.T("approvals.reach.title"))
		}
	}
	var st string
	_ = db.Read.QueryRow(`SELECT status FROM decision_recommendations WHERE id = ?`, id).Scan(&st)
	if st != "pending" {
		t.Errorf("after refused calls the draft is %s, want pending", st)
	}
}

// TestUnreachableDraftCardOffersOnlyWhatCanSucceed: a draft card whose reply cannot reach the
// customer still offered "Edit and approve", which the server can only refuse, and its reason
// named a settings page without a link. The card now offers no Approve and keeps the draft
// readable (not editable); Reject still decides it. Where something can be done instead, the card
// links there: for WhatsApp's closed window with a template set up, the conversation's template
// form; for a channel whose sending is not set up, or WhatsApp without templates, the channels
// settings at the missing field, for the owner only. An operator's card had no link and no words
// for what to do: it now says to ask the owner and what to set up. A card whose reply can go
// keeps Approve.
func TestUnreachableDraftCardOffersOnlyWhatCanSucceed(t *testing.T) {
	f := setup(t)
	svc := &inbox.Service{Channels: channels.Registry()}
	db := f.e.DB("acme")
	ctx := context.Background()
	draftOn := func(ch, external, name string, at time.Time, key string) (int64, int64) {
		t.Helper()
		res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: ch, ExternalID: external, Name: name, Body: "Fiyat?", At: at})
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
		return id, res.ConversationID
	}
	late, lateConv := draftOn("whatsapp", "905321110077", "Selin Geç", time.Now().Add(-30*time.Hour), "t:late")
	tg, _ := draftOn("telegram", "4455", "Tuna Bot", time.Now(), "t:tg") // no bot token: sending not set up
	fine, _ := draftOn("webchat", "v-fine", "Ece Site", time.Now(), "t:fine")
	owner := f.e.User("acme", "olga", "owner")
	op := f.e.User("acme", "ayla", "operator")
	card := func(doc *goquery.Document, id int64) *goquery.Selection { return doc.Find(fmt.Sprintf("#rec-%d", id)) }
	unreachable := func(who string, c *goquery.Selection) {
		t.Helper()
		if c.Find("[data-approve]").Length() != 0 {
			t.Errorf("%s: an unreachable card offers Approve: %q", who, strings.Join(strings.Fields(c.Find(".rec-form").Text()), " "))
		}
		if c.Find("[data-reject]").Length() != 1 {
			t.Errorf("%s: an unreachable card offers no Reject", who)
		}
		if _, ro := c.Find("textarea[name=draft]").Attr("readonly"); !ro {
			t.Errorf("%s: an unreachable card's draft is editable, as if it could be approved", who)
		}
	}
	for _, lang := range []string{"tr", "en"} {
		p := i18n.For(lang)
		doc := owner.Get("/app/approvals/?lang=" + lang).Doc(t)
		unreachable(lang+" owner, Telegram", card(doc, tg))
		unreachable(lang+" owner, WhatsApp", card(doc, late))
		if a := card(doc, tg).Find("[data-cannot-reach] a[data-reach-setup]"); a.AttrOr("href", "") != "/app/settings/channels#telegram_bot_token" || strings.TrimSpace(a.Text()) != p.T("inbox.cannot_send.setup") {
			t.Errorf("%s: the owner's Telegram card links %q (%q), want the bot token's field", lang, a.AttrOr("href", ""), a.Text())
		}
		if a := card(doc, late).Find("[data-cannot-reach] a[data-reach-setup]"); a.AttrOr("href", "") != "/app/settings/channels#whatsapp_template_visit_confirmation" || strings.TrimSpace(a.Text()) != p.T("inbox.template.setup") {
			t.Errorf("%s: the owner's WhatsApp card (no template) links %q (%q), want the templates' fields", lang, a.AttrOr("href", ""), a.Text())
		}
		if card(doc, fine).Find("[data-approve]").Length() != 1 || card(doc, fine).Find("textarea[name=draft][readonly]").Length() != 0 {
			t.Errorf("%s: the website chat card lost its Approve", lang)
		}
		// An operator cannot change the settings: the reason says to ask the owner, no link.
		doc = op.Get("/app/approvals/?lang=" + lang).Doc(t)
		unreachable(lang+" operator, Telegram", card(doc, tg))
		if n := doc.Find("[data-reach-setup]").Length(); n != 0 {
			t.Errorf("%s: the operator's cards link the settings %d times", lang, n)
		}
		// What the operator reads instead of the link: whom to ask, and what to set up.
		if got := strings.TrimSpace(card(doc, tg).Find("[data-cannot-reach] [data-reach-ask]").Text()); got != p.T("inbox.cannot_send.ask") {
			t.Errorf("%s: the operator's Telegram card asks %q, want %q", lang, got, p.T("inbox.cannot_send.ask"))
		}
		if got := strings.TrimSpace(card(doc, late).Find("[data-cannot-reach] [data-reach-ask]").Text()); got != p.T("approvals.reach.ask_templates") {
			t.Errorf("%s: the operator's WhatsApp card (no template) asks %q, want %q", lang, got, p.T("approvals.reach.ask_templates"))
		}
		if n := owner.Get("/app/approvals/?lang=" + lang).Doc(t).Find("[data-reach-ask]").Length(); n != 0 {
			t.Errorf("%s: the owner, who has the settings link, is told to ask the owner %d times", lang, n)
		}
	}
	// The settings page has the fields the links point at.
	page := owner.Get("/app/settings/channels").Doc(t)
	for _, field := range []string{"telegram_bot_token", "whatsapp_template_visit_confirmation"} {
		if page.Find("#"+field).Length() != 1 {
			t.Errorf("the channels settings have no #%s", field)
		}
	}

	// WhatsApp with an approved template: the card leads to the conversation's template form.
	f.e.Set("acme", map[string]string{"whatsapp_template_follow_up": "takip", "whatsapp_template_follow_up_lang": "tr"})
	doc := op.Get("/app/approvals/?lang=tr").Doc(t)
	unreachable("operator, WhatsApp with a template", card(doc, late))
	a := card(doc, late).Find("[data-cannot-reach] a[data-send-template]")
	if want := fmt.Sprintf("/app/inbox/%d/#window-closed", lateConv); a.AttrOr("href", "") != want || strings.TrimSpace(a.Text()) != i18n.For("tr").T("approvals.reach.send_template") {
		t.Errorf("the WhatsApp card links %q (%q), want %s", a.AttrOr("href", ""), a.Text(), want)
	}
	if op.Get(fmt.Sprintf("/app/inbox/%d/", lateConv)).Doc(t).Find("#window-closed form.template-form").Length() != 1 {
		t.Errorf("the conversation the card links has no template form")
	}

	// Reject, the card's one decision, decides it.
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/reject", tg), url.Values{"reason": {"bot yok"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", r.StatusCode)
	}
	var st string
	_ = db.Read.QueryRow(`SELECT status FROM decision_recommendations WHERE id = ?`, tg).Scan(&st)
	if st != "rejected" {
		t.Errorf("after Reject the Telegram draft is %s", st)
	}
}

// TestBlockedTelegramDraftCardSaysWhatHelps: a draft card for a customer who blocked the bot in
// Telegram offered only Reject and said "reach them another way", without saying how or where.
// It now says approving waits until they unblock it and to call or e-mail them meanwhile, with a
// link to the lead page where their phone and e-mail are, for the owner and the operator alike
// (nothing in the settings lifts a block, so no settings link); Approve stays off.
func TestBlockedTelegramDraftCardSaysWhatHelps(t *testing.T) {
	f := setup(t)
	f.e.Set("acme", map[string]string{"telegram_bot_token": "123456789:AAHdef_ghi-jklmnopqrstuvwxyz012"})
	svc := &inbox.Service{Channels: channels.Registry()}
	db := f.e.DB("acme")
	ctx := context.Background()
	res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: "4455", Name: "Tuna Engel", Phone: "+905321110066", Body: "Fiyat?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMessage(ctx, "acme", db, res.ConversationID, inbox.Outgoing{Direction: "system", AuthorKind: "system", Event: "telegram_blocked"}, "telegram"); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		id, _, err = approvals.Create(ctx, tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat", Priority: "high",
			ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: "t:blocked"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	conv, err := inbox.ConversationByID(ctx, db.Read, res.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	owner := f.e.User("acme", "olga", "owner")
	op := f.e.User("acme", "ayla", "operator")
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		for name, doc := range map[string]*goquery.Document{"owner": owner.Get("/app/approvals/?lang=" + lang).Doc(t), "operator": op.Get("/app/approvals/?lang=" + lang).Doc(t)} {
			card := doc.Find(fmt.Sprintf("#rec-%d", id))
			note := card.Find("[data-cannot-reach]")
			if !strings.Contains(note.Text(), p.T("approvals.reach.other_way")) || card.Find("[data-approve]").Length() != 0 {
				t.Errorf("%s %s: the blocked card says %q, with Approve %d", lang, name, strings.TrimSpace(note.Text()), card.Find("[data-approve]").Length())
			}
			a := note.Find("a[data-reach-other]")
			if want := fmt.Sprintf("/app/leads/%d/#lead-facts", conv.LeadID); a.AttrOr("href", "") != want || strings.TrimSpace(a.Text()) != p.T("approvals.reach.other_way") {
				t.Errorf("%s %s: the blocked card links %q (%q), want the lead page's details %s", lang, name, a.AttrOr("href", ""), a.Text(), want)
			}
			if note.Find("a[data-reach-setup]").Length() != 0 {
				t.Errorf("%s %s: the blocked card links the settings, where nothing lifts a block", lang, name)
			}
		}
	}
	// The lead page it links shows the number to call.
	if lead := op.Get(fmt.Sprintf("/app/leads/%d/?lang=tr", conv.LeadID)).Doc(t); lead.Find(`#lead-facts a[href^="tel:"]`).Length() != 1 {
		t.Errorf("the lead page's details have no number to call: %q", strings.TrimSpace(lead.Find("#lead-facts").Text()))
	}
}

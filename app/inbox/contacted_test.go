package inbox_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/inbox"
)

// TestFirstReplyMakesANewConversationContacted: conversations stayed New after an operator
// replied, while the guide says New is "nobody has answered yet" and Contacted "you replied". The
// first reply a person writes or approves, once it is with the customer, now makes a New
// conversation Contacted and its lead Contacted, logged as a conversation update: at once on the
// website chat and on a phone call's record, when the channel has sent it on WhatsApp (not while
// queued, not when it failed). A note, the assistant's own automatic answer, a reply on a
// conversation already further along, or a save that sets the state itself move nothing.
func TestFirstReplyMakesANewConversationContacted(t *testing.T) {
	e := newEnv(t)
	db := e.DB("acme")
	ctx := context.Background()
	op := e.User("acme", "olga", "operator")
	stateOf := func(conv int64) (state, stage string) {
		t.Helper()
		if err := db.Read.QueryRow(`SELECT c.state, l.stage FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = ?`, conv).Scan(&state, &stage); err != nil {
			t.Fatal(err)
		}
		return
	}
	post := func(conv int64, form url.Values) {
		t.Helper()
		if r := op.Post(fmt.Sprintf("/app/inbox/%d/", conv), form); r.StatusCode >= 400 {
			t.Fatalf("saving conversation %d: %d %s", conv, r.StatusCode, r.Body)
		}
	}
	want := func(what string, conv int64, state, stage string) {
		t.Helper()
		if s, st := stateOf(conv); s != state || st != stage {
			t.Errorf("%s: the conversation is %s and its lead %s, want %s and %s", what, s, st, state, stage)
		}
	}

	// Website chat: a note moves nothing; the reply does, in the save's one log row.
	web := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-contact", Name: "Ece", Body: "Parke fiyatı?"}).ConversationID
	post(web, url.Values{"body": {"Fiyatı ölçüye göre"}, "direction": {"system"}})
	want("after a note", web, "new", "new")
	post(web, url.Values{"body": {"Merhaba, ölçü alalım mı?"}, "direction": {"outbound"}, "state": {"new"}})
	want("after the operator's reply", web, "contacted", "contacted")
	var payload string
	if err := db.Read.QueryRow(`SELECT payload FROM action_logs WHERE provider = 'conversation_inbox' AND action_type = 'conversation_update'
		AND conversation_id = ? ORDER BY id DESC LIMIT 1`, web).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Before, After map[string]any
	}
	_ = json.Unmarshal([]byte(payload), &p)
	if p.Before["state"] != "new" || p.After["state"] != "contacted" || p.After["lead_stage"] != "contacted" || p.After["message_id"] == nil {
		t.Errorf("the save's log row %s, want state new → contacted, lead_stage → contacted, with the message", payload)
	}
	var rows int
	_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'conversation_inbox' AND conversation_id = ?`, web).Scan(&rows)
	if rows != 2 {
		t.Errorf("%d conversation_inbox log rows for a note and a reply, want 2 (one per save)", rows)
	}

	// A reply never moves a later state back; a save that sets the state keeps the chosen one.
	later := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-later", Name: "Can", Body: "Teklif?"}).ConversationID
	post(later, url.Values{"state": {"qualified"}})
	post(later, url.Values{"body": {"Teklif yarın"}, "direction": {"outbound"}})
	want("a reply on a qualified conversation", later, "qualified", "qualified")
	chosen := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-chosen", Name: "Nur", Body: "Merhaba"}).ConversationID
	post(chosen, url.Values{"body": {"Merhaba"}, "direction": {"outbound"}, "state": {"engaged"}})
	want("a reply saved with a state", chosen, "engaged", "contacted")

	// The assistant's automatic answer is not the team's: still New.
	auto := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-auto", Name: "Ali", Body: "Merhaba"}).ConversationID
	if _, err := e.Handlers.InboxService.AddMessage(ctx, "acme", db, auto, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", AuthorName: "Asistan", Body: "Merhaba, nasıl yardımcı olabilirim?"}, "ai_triage"); err != nil {
		t.Fatal(err)
	}
	want("after the assistant's automatic answer", auto, "new", "new")

	// A phone call: the reply recorded is what was said on the call.
	call := ingest(t, e, "acme", inbox.Inbound{Channel: "call", Phone: "+905321119988", Name: "Oya", Body: "Aradı"}).ConversationID
	post(call, url.Values{"body": {"Yarın keşfe gelinecek dedik"}, "direction": {"outbound"}})
	want("after a reply recorded on a call", call, "contacted", "contacted")

	// WhatsApp: queued is not sent; a failed reply reached nobody; the channel's "sent" does it.
	wa := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321119977", Phone: "+905321119977", Name: "Ece WA", Body: "Merhaba"}).ConversationID
	post(wa, url.Values{"body": {"Merhaba, ölçü?"}, "direction": {"outbound"}})
	want("a WhatsApp reply still queued", wa, "new", "new")
	var first int64
	_ = db.Read.QueryRow(`SELECT max(id) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, wa).Scan(&first)
	deliver := func(msg int64, status string) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *sql.Tx) error { return inbox.SetDelivery(ctx, tx, msg, "wamid."+status, status, "") }); err != nil {
			t.Fatal(err)
		}
	}
	deliver(first, "failed")
	want("a WhatsApp reply that failed", wa, "new", "new")
	post(wa, url.Values{"body": {"Tekrar merhaba"}, "direction": {"outbound"}})
	var second int64
	_ = db.Read.QueryRow(`SELECT max(id) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, wa).Scan(&second)
	deliver(second, "sent")
	want("a WhatsApp reply the channel sent", wa, "contacted", "contacted")
	var logged int
	_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE conversation_id = ? AND action_type = 'conversation_contacted'
		AND json_extract(payload, '$.reason') = 'first_reply' AND json_extract(payload, '$.message_id') = ?`, wa, second).Scan(&logged)
	if logged != 1 {
		t.Errorf("the WhatsApp move is logged %d times, want once as marked contacted, naming the message", logged)
	}

	// An assistant's draft a person approves and sends goes as theirs: Contacted.
	drafted := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-draft", Name: "Ada", Body: "Fiyat?"}).ConversationID
	var rec int64
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		rec, _, err = approvals.Create(ctx, tx, approvals.New{ConversationID: drafted, Title: "Fiyat", Priority: "high", ActionType: "pricing",
			Confidence: 0.8, ModelName: "builtin-3", DraftReply: "Metrekaresi 950 TRY.", DedupeKey: "t:draft"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want("a draft waiting for approval", drafted, "new", "new")
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/send", rec), url.Values{"body": {"Metrekaresi 950 TRY."}}); r.StatusCode >= 400 {
		t.Fatalf("approve and send: %d %s", r.StatusCode, r.Body)
	}
	want("after the approved draft was sent", drafted, "contacted", "contacted")
}

package ai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

var istanbul, _ = time.LoadLocation("Europe/Istanbul")

// afterHoursEnv is a tenant open Monday–Friday 09:00–18:00 in Istanbul with the given after-hours
// mode, and no job runner: each test triages by hand, at the message times it sets.
func afterHoursEnv(t *testing.T, mode string) *apptest.Env {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	cfg := hours.Config{Enabled: true, Zone: "Europe/Istanbul", AfterHours: mode}
	for d := time.Monday; d <= time.Friday; d++ {
		cfg.Week[d] = []hours.Interval{{From: 9 * 60, To: 18 * 60}}
	}
	if err := hoursdb.Save(context.Background(), e.DB("acme"), cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	return e
}

// customerWrites stores a customer message on channel ch as written at the given Istanbul time
// and triages it as the ai_triage job would, three seconds later.
func customerWrites(t *testing.T, e *apptest.Env, ch, from, text, at string) (convID int64, sent []string) {
	t.Helper()
	ctx := context.Background()
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: ch, ExternalID: from, Phone: from, Body: text,
		ProviderMessageID: ch + at + text})
	if err != nil {
		t.Fatal(err)
	}
	when, err := time.ParseInLocation("2006-01-02 15:04", at, istanbul)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, when.UnixMilli(), res.MessageID); err != nil {
		t.Fatal(err)
	}
	before := outbound(t, e, res.ConversationID)
	// The assistant gets to it a few seconds after it was written.
	e.Handlers.Assistant.Now = func() time.Time { return when.Add(3 * time.Second) }
	defer func() { e.Handlers.Assistant.Now = nil }()
	if _, err := e.Handlers.Assistant.Triage(ctx, "acme", db, res.ConversationID, res.MessageID); err != nil {
		t.Fatal(err)
	}
	return res.ConversationID, outbound(t, e, res.ConversationID)[len(before):]
}

// TestAfterHoursAcknowledgedOncePerClosedPeriod: a message on Friday evening gets the
// acknowledgement naming Monday 09:00 and nothing else; more messages the same weekend get
// nothing; the first message of the next closed period (Monday evening) is acknowledged again;
// a message in opening hours gets the assistant's usual reply and no acknowledgement.
func TestAfterHoursAcknowledgedOncePerClosedPeriod(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	tr := i18n.For("tr")
	conv, sent := customerWrites(t, e, "webchat", "v1", "Merhaba, bahçe için begonit döşetmek istiyorum.", "2026-12-04 20:15")
	want := tr.T("hours.ack.default", tr.T("hours.when.weekday", hours.DayInSentence(tr.Lang, tr.T, time.Monday), hours.ClockFrom(tr.Lang, "09:00")))
	if len(sent) != 1 || sent[0] != want {
		t.Fatalf("Friday evening: sent %q, want only %q", sent, want)
	}
	for _, at := range []string{"2026-12-04 23:50", "2026-12-05 11:00", "2026-12-07 08:59"} {
		if _, sent := customerWrites(t, e, "webchat", "v1", "Fiyat alabilir miyim acaba, merhaba?", at); len(sent) != 0 {
			t.Errorf("%s, same closed period: sent %q, want nothing", at, sent)
		}
	}
	if _, sent := customerWrites(t, e, "webchat", "v1", "Pazartesi akşamı yine yazıyorum, merhaba.", "2026-12-07 19:30"); len(sent) != 1 ||
		sent[0] != tr.T("hours.ack.default", tr.T("hours.when.tomorrow", hours.ClockFrom(tr.Lang, "09:00"))) {
		t.Errorf("Monday evening, next closed period: sent %q, want one acknowledgement naming tomorrow 09:00", sent)
	}
	if n := one[int](t, e, `SELECT count(*) FROM after_hours_acks WHERE conversation_id = ?`, conv); n != 2 {
		t.Errorf("%d acknowledged periods, want 2", n)
	}
	// In opening hours: the usual reply, no acknowledgement.
	_, sent = customerWrites(t, e, "webchat", "v2", "Merhaba, bahçe için begonit döşetmek istiyorum.", "2026-12-08 10:00")
	if len(sent) != 1 || strings.Contains(sent[0], "kapalıyız") {
		t.Errorf("open hours: sent %q, want the assistant's usual reply only", sent)
	}
}

// TestAfterHoursModes: silent sends nothing at all; answer sends the acknowledgement (asking for
// contact details) and then the assistant's usual reply; an English message is acknowledged in English.
func TestAfterHoursModes(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeSilent)
	if _, sent := customerWrites(t, e, "webchat", "s1", "Merhaba, bahçe için begonit döşetmek istiyorum.", "2026-12-05 12:00"); len(sent) != 0 {
		t.Errorf("silent: sent %q", sent)
	}
	e = afterHoursEnv(t, hours.ModeAnswer)
	en := i18n.For("en")
	_, sent := customerWrites(t, e, "webchat", "a1", "Hello, I would like a quote for laying pavers in my garden.", "2026-12-05 12:00")
	want := en.T("hours.ack.default", en.T("hours.when.weekday", hours.DayInSentence(en.Lang, en.T, time.Monday), hours.ClockFrom(en.Lang, "09:00"))) + " " + en.T("hours.ack.details")
	if len(sent) != 2 || sent[0] != want {
		t.Errorf("answer: sent %q, want the acknowledgement %q and then the usual reply", sent, want)
	}
}

// TestAfterHoursAnswerDoesNotAskForWhatIsKnown: in "answer" mode a customer who wrote their name
// and phone still read "If you leave your name and phone number, we will get back to you."
func TestAfterHoursAnswerDoesNotAskForWhatIsKnown(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAnswer)
	tr := i18n.For("tr")
	_, sent := customerWrites(t, e, "webchat", "k1", "Adım Mehmet Kaya, telefonum 0533 123 45 67. Bahçe için begonit döşetmek istiyorum.", "2026-12-05 12:00")
	if len(sent) == 0 || strings.Contains(sent[0], tr.T("hours.ack.details")) {
		t.Errorf("answer mode with a phone in the message: sent %q, want no request for name and phone", sent)
	}
}

// TestAfterHoursOwnTextOnlyInTheBusinesssLanguage: the owner's Turkish after-hours text went
// verbatim to a customer writing English; they get the built-in sentence in English, a Turkish
// writer the owner's text.
func TestAfterHoursOwnTextOnlyInTheBusinesssLanguage(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	cfg, _, err := hoursdb.Load(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AckMessage = "Mesajınızı aldık, Pazartesi sabah dönüyoruz."
	if err := hoursdb.Save(t.Context(), e.DB("acme"), cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, sent := customerWrites(t, e, "webchat", "o1", "Hello, I would like a quote for laying pavers in my garden.", "2026-12-05 12:00"); len(sent) != 1 || sent[0] == cfg.AckMessage || !strings.Contains(sent[0], "We are closed") {
		t.Errorf("English writer: sent %q, want the built-in English acknowledgement", sent)
	}
	if _, sent := customerWrites(t, e, "webchat", "o2", "Merhaba, bahçe için begonit döşetmek istiyorum.", "2026-12-05 12:00"); len(sent) != 1 || sent[0] != cfg.AckMessage {
		t.Errorf("Turkish writer: sent %q, want the owner's text", sent)
	}
}

// TestAfterHoursAwayTextOnlyInTheBusinesssLanguage: the owner's Turkish out-of-office message went
// verbatim to every customer, whatever they wrote; a customer writing English now gets the
// built-in sentence in English naming the day the business opens again, a Turkish writer the
// owner's text. The period and its message are set through the hours page, as the owner does.
func TestAfterHoursAwayTextOnlyInTheBusinesssLanguage(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	owner := e.User("acme", "olga", "owner")
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "after_hours": {hours.ModeAck},
		"away_from": {"2026-12-07"}, "away_until": {"2026-12-11"}, "away_message": {"14 Aralık'a kadar izindeyiz, döner dönmez yazacağız."}}
	for d := time.Monday; d <= time.Friday; d++ {
		form.Set(fmt.Sprintf("day%d", d), "09:00-18:00")
	}
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body[:min(400, len(r.Body))])
	}
	cfg, _, err := hoursdb.Load(t.Context(), e.DB("acme").Read)
	if err != nil || cfg.Away == nil {
		t.Fatalf("away period not saved: %+v, %v", cfg.Away, err)
	}
	en := i18n.For("en")
	_, sent := customerWrites(t, e, "webchat", "w1", "Hello, I would like a quote for laying pavers in my garden.", "2026-12-08 12:00")
	if len(sent) != 1 || sent[0] == cfg.Away.Message || !strings.Contains(sent[0], "We are closed") {
		t.Errorf("English writer while away: sent %q, want the built-in English acknowledgement", sent)
	}
	back := en.T("hours.ack.default", en.T("hours.when.weekday", hours.DayInSentence(en.Lang, en.T, time.Monday), hours.ClockFrom(en.Lang, "09:00")))
	if len(sent) == 1 && sent[0] != back {
		t.Errorf("English writer while away: %q, want %q naming the day the business opens again (Monday 14 December)", sent[0], back)
	}
	if _, sent := customerWrites(t, e, "webchat", "w2", "Merhaba, bahçe için begonit döşetmek istiyorum.", "2026-12-08 12:00"); len(sent) != 1 || sent[0] != cfg.Away.Message {
		t.Errorf("Turkish writer while away: sent %q, want the owner's out-of-office text", sent)
	}
}

// TestAfterHoursWhatsAppWindow: on WhatsApp the acknowledgement goes only within 24 hours of the
// customer's last message; a triage that runs later sends none (and keeps the period unclaimed).
func TestAfterHoursWhatsAppWindow(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	ctx := context.Background()
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Phone: "905321112233",
		Body: "Merhaba, kilit parke fiyatı?", ProviderMessageID: "wamid.late"})
	if err != nil {
		t.Fatal(err)
	}
	// The message was written on a Sunday at 03:00 (closed) and the assistant gets to it 25 hours
	// later, on Monday at 04:00, still closed: the clock is set, so the test does not depend on
	// whether the business happens to be open when it runs.
	old := time.Date(2026, 12, 6, 3, 0, 0, 0, istanbul)
	e.Handlers.Assistant.Now = func() time.Time { return old.Add(25 * time.Hour) }
	if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, old.UnixMilli(), res.MessageID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE conversations SET last_inbound_at = ? WHERE id = ?`, old.UnixMilli(), res.ConversationID); err != nil {
		t.Fatal(err)
	}
	out, err := e.Handlers.Assistant.Triage(ctx, "acme", db, res.ConversationID, res.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if out.AfterHours != hours.ModeAck || out.Ack != 0 || len(outbound(t, e, res.ConversationID)) != 0 {
		t.Errorf("outside the 24-hour window: outcome %+v, outbound %q", out, outbound(t, e, res.ConversationID))
	}
	if n := one[int](t, e, `SELECT count(*) FROM after_hours_acks`); n != 0 {
		t.Errorf("a period was claimed without an acknowledgement: %d", n)
	}
}

// TestAfterHoursWhatsAppWithinWindow: a WhatsApp message written while closed and triaged at
// once gets the acknowledgement, queued for delivery through the Cloud API like any reply.
func TestAfterHoursWhatsAppWithinWindow(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	ctx := context.Background()
	db := e.DB("acme")
	// The message is written on a Sunday at 03:00 (closed) and triaged a few seconds later, so the
	// 24-hour window is open. The clock is set, so the test does not depend on whether the business
	// happens to be open when it runs.
	res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112244", Phone: "905321112244",
		Body: "Merhaba, kilit parke fiyatı?", ProviderMessageID: "wamid.fresh"})
	if err != nil {
		t.Fatal(err)
	}
	sunday := time.Date(2026, 12, 6, 3, 0, 0, 0, istanbul)
	if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, sunday.UnixMilli(), res.MessageID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE conversations SET last_inbound_at = ? WHERE id = ?`, sunday.UnixMilli(), res.ConversationID); err != nil {
		t.Fatal(err)
	}
	e.Handlers.Assistant.Now = func() time.Time { return sunday.Add(3 * time.Second) }
	out, err := e.Handlers.Assistant.Triage(ctx, "acme", db, res.ConversationID, res.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if out.Ack == 0 || out.Sent != 0 {
		t.Fatalf("outcome %+v: want an acknowledgement and no other reply", out)
	}
	if st := one[string](t, e, `SELECT coalesce(delivery_status, '') FROM messages WHERE id = ?`, out.Ack); st != "queued" {
		t.Errorf("acknowledgement delivery status %q, want queued for the Cloud API", st)
	}
}

// TestAfterHoursAckSaysWhenFromTheMomentItGoes: the acknowledgement names the next opening as seen
// when it is sent, not when the customer wrote. A message sent through the widget at 23:59:50 on a
// Monday and acknowledged at 00:00:10 on Tuesday says "today from 09:00" (it said "tomorrow from
// 09:00", a day late, to a customer reading it on Tuesday); one written at 08:58 and got to at
// 09:00:30, once the business is open, gets the assistant's usual reply: no "we are closed right now", and not silence.
func TestAfterHoursAckSaysWhenFromTheMomentItGoes(t *testing.T) {
	e := afterHoursEnv(t, hours.ModeAck)
	ctx := context.Background()
	db := e.DB("acme")
	tr := i18n.For("tr")
	write := func(visitor, wrote, triaged string) []string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"text": "Merhaba, bahçe için begonit döşetmek istiyorum.", "name": visitor, "consent": true})
		if r := e.Client().PostJSON("/widget/api/acme/messages", body, nil); r.StatusCode/100 != 2 {
			t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
		}
		var convID, msgID int64
		if err := db.Read.QueryRow(`SELECT m.conversation_id, m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
			JOIN leads l ON l.id = c.lead_id WHERE l.name = ? AND m.direction = 'inbound'`, visitor).Scan(&convID, &msgID); err != nil {
			t.Fatal(err)
		}
		at := func(s string) time.Time {
			v, err := time.ParseInLocation("2006-01-02 15:04:05", s, istanbul)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, at(wrote).UnixMilli(), msgID); err != nil {
			t.Fatal(err)
		}
		e.Handlers.Assistant.Now = func() time.Time { return at(triaged) }
		defer func() { e.Handlers.Assistant.Now = nil }()
		if _, err := e.Handlers.Assistant.Triage(ctx, "acme", db, convID, msgID); err != nil {
			t.Fatal(err)
		}
		return outbound(t, e, convID)
	}
	if sent, want := write("Deniz", "2026-12-07 23:59:50", "2026-12-08 00:00:10"), tr.T("hours.ack.default", tr.T("hours.when.today", hours.ClockFrom(tr.Lang, "09:00"))); len(sent) != 1 || sent[0] != want {
		t.Errorf("written Monday 23:59:50, acknowledged Tuesday 00:00:10: sent %q, want %q", sent, want)
	}
	// Handled once open: no "we are closed", and not silence either — the assistant's usual reply,
	// as for a message written at 09:00.
	ack := tr.T("hours.ack.default", tr.T("hours.when.today", hours.ClockFrom(tr.Lang, "09:00")))
	if sent := write("Selin", "2026-12-08 08:58:00", "2026-12-08 09:00:30"); len(sent) != 1 || strings.Contains(sent[0], ack) || strings.Contains(sent[0], "09:00") {
		t.Errorf("written 08:58, got to at 09:00:30 when open: sent %q, want the assistant's usual reply and no acknowledgement", sent)
	}
}

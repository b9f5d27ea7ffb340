package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/media/mediatest"
	"highvibe/app/tenantdb"
)

type botPart struct {
	Name, Filename, ContentType string
	Data                        []byte
}

type botCall struct {
	Method string
	Parts  []botPart
	JSON   string
}

// fakeBot answers the Bot API's send methods as Telegram documents them and keeps each request.
func fakeBot(t *testing.T) (*httptest.Server, func() []botCall) {
	var mu sync.Mutex
	var calls []botCall
	next := 600
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method, ok := strings.CutPrefix(r.URL.Path, "/bot7123456789:AAHk-test_token-for-the-fake-bot-api01/")
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		c := botCall{Method: method}
		b, _ := io.ReadAll(r.Body)
		if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
			mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				d, _ := io.ReadAll(p)
				c.Parts = append(c.Parts, botPart{Name: p.FormName(), Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: d})
			}
		} else {
			c.JSON = string(b)
			var m struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(b, &m) == nil && utf8.RuneCountInString(m.Text) > 4096 {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}`)
				return
			}
		}
		mu.Lock()
		calls = append(calls, c)
		next++
		id := next
		mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"chat":{"id":777002,"type":"private"},"date":1735689600}}`, id)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []botCall {
		mu.Lock()
		defer mu.Unlock()
		out := calls
		calls = nil
		return out
	}
}

func deliver(t *testing.T, e *apptest.Env, msgID int64) *inbox.Message {
	t.Helper()
	db := e.DB("acme")
	var id int64
	var payload string
	if err := db.Read.QueryRow(`SELECT id, payload FROM jobs WHERE kind = ? AND status = 'queued' AND json_extract(payload, '$.message_id') = ?`,
		inbox.JobDeliver, msgID).Scan(&id, &payload); err != nil {
		t.Fatalf("no delivery queued: %v", err)
	}
	j := &jobs.Job{ID: id, Kind: inbox.JobDeliver, Payload: []byte(payload), Attempt: 1, MaxTries: 5, Tenant: "acme", DB: db}
	if err := e.Handlers.Channels.Deliverer.Handle(t.Context(), j); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	m, err := inbox.MessageByID(t.Context(), db.Read, msgID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func attach(t *testing.T, c *apptest.Client, conv int64, name string, data []byte, caption string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("body", caption)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", c.E.URL+"/app/inbox/"+strconv.FormatInt(conv, 10)+"/attach", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if r := c.Do(req); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: %d %s", r.StatusCode, r.Body)
	}
}

// TestComposerSendsFilesOnTelegram: a photo from the composer goes with sendPhoto (multipart:
// chat_id, caption, photo, without its location data), a PDF with sendDocument under its name; a
// caption longer than the Bot API takes follows the file as its own message.
func TestComposerSendsFilesOnTelegram(t *testing.T) {
	srv, calls := fakeBot(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", map[string]string{"telegram_api_base": srv.URL, "telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})
	res, err := e.Handlers.InboxService.Ingest(context.Background(), "acme", e.DB("acme"), inbox.Inbound{Channel: "telegram", ExternalID: "777002",
		Name: "Ayşe Kaya", Body: "Bahçe fotoğrafı atabilir misiniz?", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = e.DB("acme").Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, res.ConversationID)
	op := e.User("acme", "ayse", "operator")
	last := func() int64 {
		var id int64
		_ = e.DB("acme").Read.QueryRow(`SELECT max(id) FROM messages WHERE direction = 'outbound'`).Scan(&id)
		return id
	}

	photo := mediatest.JPEG(64, 48)
	attach(t, op, res.ConversationID, "bahce.jpg", photo, "Örnek döşeme")
	m := deliver(t, e, last())
	got := calls()
	if len(got) != 1 || got[0].Method != "sendPhoto" {
		t.Fatalf("calls %+v", got)
	}
	want := []string{"chat_id=777002", "caption=Örnek döşeme", "photo:bahce.jpg:image/jpeg"}
	var parts []string
	var sent []byte
	for _, p := range got[0].Parts {
		if p.Filename != "" {
			parts = append(parts, p.Name+":"+p.Filename+":"+p.ContentType)
			sent = p.Data
		} else {
			parts = append(parts, p.Name+"="+string(p.Data))
		}
	}
	if strings.Join(parts, " ") != strings.Join(want, " ") {
		t.Errorf("sendPhoto parts %v, want %v", parts, want)
	}
	if !bytes.HasPrefix(sent, []byte{0xFF, 0xD8}) || bytes.Contains(sent, []byte(mediatest.GPSMark)) || bytes.Contains(sent, []byte(mediatest.PlaceMark)) {
		t.Errorf("the photo went out with its location data or is not a JPEG (%d bytes)", len(sent))
	}
	if m.DeliveryStatus != "sent" || m.ProviderMessageID != "msg:777002:601" {
		t.Errorf("delivery %s %q %s", m.DeliveryStatus, m.ProviderMessageID, m.DeliveryError)
	}

	long := strings.Repeat("Teklif ayrıntıları ", 60) // 1,140 characters
	attach(t, op, res.ConversationID, "plan.pdf", mediatest.PDF(), long)
	m = deliver(t, e, last())
	got = calls()
	if len(got) != 2 || got[0].Method != "sendDocument" || got[1].Method != "sendMessage" {
		t.Fatalf("calls %+v", got)
	}
	parts = nil
	for _, p := range got[0].Parts {
		parts = append(parts, p.Name+":"+p.Filename+":"+p.ContentType)
	}
	if strings.Join(parts, " ") != "chat_id:: document:plan.pdf:application/pdf" {
		t.Errorf("sendDocument parts %v (a caption over 1024 characters must not ride on the file)", parts)
	}
	if !strings.Contains(got[1].JSON, `"chat_id":777002`) || !strings.Contains(got[1].JSON, strings.TrimSpace(long)) {
		t.Errorf("the long caption did not follow as text: %s", got[1].JSON)
	}
	if m.DeliveryStatus != "sent" || m.ProviderMessageID != "msg:777002:602" {
		t.Errorf("delivery %s %q", m.DeliveryStatus, m.ProviderMessageID)
	}
}

// TestTelegramBlockedReplySaysSo: a reply to a customer who blocked the bot (the Bot API answers
// 403 "Forbidden: bot was blocked by the user") is marked failed at once, and the conversation says
// in the reader's language that the customer blocked the bot or deleted their account and how to
// reach them. It read "Not sent: the channel refused the message" over Telegram's English JSON, so
// an operator could not tell a blocked customer from a fault of their own and kept pressing Retry.
func TestTelegramBlockedReplySaysSo(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
	}))
	t.Cleanup(srv.Close)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_api_base": srv.URL, "telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: "777003",
		Name: "Ayşe Kaya", Body: "Fiyat alabilir miyim?", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = db.Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, res.ConversationID)
	op := e.User("acme", "ayse", "operator")
	page := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
	if r := op.Post(page, map[string][]string{"direction": {"outbound"}, "body": {"Metrekaresi 450 TL"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", r.StatusCode, r.Body)
	}
	var msgID, jobID int64
	var payload string
	if err := db.Read.QueryRow(`SELECT id, payload, json_extract(payload, '$.message_id') FROM jobs WHERE kind = ? AND status = 'queued'`, inbox.JobDeliver).Scan(&jobID, &payload, &msgID); err != nil {
		t.Fatalf("no delivery queued: %v", err)
	}
	j := &jobs.Job{ID: jobID, Kind: inbox.JobDeliver, Payload: []byte(payload), Attempt: 1, MaxTries: 5, Tenant: "acme", DB: db}
	if err := e.Handlers.Channels.Deliverer.Handle(t.Context(), j); !j.Final(err) {
		t.Errorf("a blocked bot's reply is retried (%v); want it failed at once", err)
	}
	m, err := inbox.MessageByID(t.Context(), db.Read, msgID)
	if err != nil {
		t.Fatal(err)
	}
	if m.DeliveryStatus != "failed" {
		t.Fatalf("delivery %s %q, want failed", m.DeliveryStatus, m.DeliveryError)
	}
	for lang, want := range map[string]string{
		"tr": "Gönderilemedi: Telegram botun bu müşteriye yazmasına izin vermiyor — müşteri botu engellemiş ya da hesabını silmiş.",
		"en": "Not sent: Telegram does not let the bot write to this customer — they blocked the bot or deleted their account.",
	} {
		doc := op.Get(page + "?lang=" + lang).Doc(t)
		got := doc.Find(fmt.Sprintf("#m%d .msg-failed-text", msgID)).Text()
		if !strings.Contains(got, want) {
			t.Errorf("%s: the failed reply reads %q, want %q", lang, got, want)
		}
		if !strings.Contains(doc.Find(fmt.Sprintf("#m%d", msgID)).Text(), "bot was blocked by the user") {
			t.Errorf("%s: Telegram's own words are not kept in the detail", lang)
		}
	}
}

// TestTelegramLongReplyInPieces: a reply longer than the 4096 characters sendMessage takes (the
// integration API accepts up to 65,536) reaches the customer as several messages in order, each
// within the limit and cut at a line break, that together are the whole text — Turkish, Arabic
// and emoji alike. In one piece Telegram answered "400 Bad Request: message is too long" and the
// reply was marked failed.
func TestTelegramLongReplyInPieces(t *testing.T) {
	t.Parallel()
	srv, calls := fakeBot(t)
	e, db, res, text := longReply(t, srv.URL, "777002", 90)
	msgID := sendLong(t, e, db, res.ConversationID, text)
	m := deliver(t, e, msgID)
	if m.DeliveryStatus != "sent" || m.ProviderMessageID != "msg:777002:601" {
		t.Errorf("delivery %s %q %s; want sent as the first piece", m.DeliveryStatus, m.ProviderMessageID, m.DeliveryError)
	}
	var got []string
	for _, c := range calls() {
		var req struct {
			ChatID int64  `json:"chat_id"`
			Text   string `json:"text"`
		}
		if c.Method != "sendMessage" || json.Unmarshal([]byte(c.JSON), &req) != nil || req.ChatID != 777002 {
			t.Fatalf("call %s %s", c.Method, c.JSON)
		}
		if n := len(utf16.Encode([]rune(req.Text))); n > 4096 {
			t.Errorf("a piece of %d UTF-16 units, over Telegram's 4096", n)
		}
		got = append(got, req.Text)
	}
	if len(got) < 2 || strings.Join(got, "") != text {
		t.Fatalf("%d pieces; together they are not the reply", len(got))
	}
	for i, p := range got[:len(got)-1] {
		if !strings.HasSuffix(p, "\n") {
			t.Errorf("piece %d is not cut at a line break", i+1)
		}
	}
}

// TestTelegramReplyQuoteShown: a customer who answers a particular message in Telegram (swiping
// it to reply: the update's reply_to_message) is seen doing so, as on WhatsApp: "In reply to"
// with the first words of the message they answered, linked to it — one of the business's
// replies, or one of their own earlier messages. Telegram's quote was dropped, so "Evet, bu"
// stood alone under several questions.
func TestTelegramReplyQuoteShown(t *testing.T) {
	t.Parallel()
	srv, _ := fakeBot(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1", "telegram_api_base": srv.URL, "telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})
	db := e.DB("acme")
	c := e.Client()
	post := func(body string) {
		t.Helper()
		if r := c.PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
			t.Fatalf("update: %d %s", r.StatusCode, r.Body)
		}
	}
	const from = `"from":{"id":777002,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":777002,"type":"private","first_name":"Ayşe"}`
	post(`{"update_id":940,"message":{"message_id":40,` + from + `,"date":1735689600,"text":"Bahçe için 120 m² taş lazım"}}`)
	var conv, first int64
	_ = db.Read.QueryRow(`SELECT conversation_id, id FROM messages WHERE provider_message_id = 'upd:940'`).Scan(&conv, &first)
	_, _ = db.Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, conv)
	op := e.User("acme", "ayse", "operator")
	page := fmt.Sprintf("/app/inbox/%d/", conv)
	if r := op.Post(page, map[string][]string{"direction": {"outbound"}, "body": {"Gri granit mi, bazalt mı düşünüyorsunuz?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", r.StatusCode)
	}
	var ours int64
	_ = db.Read.QueryRow(`SELECT max(id) FROM messages WHERE direction = 'outbound'`).Scan(&ours)
	if m := deliver(t, e, ours); m.ProviderMessageID != "msg:777002:601" {
		t.Fatalf("sent as %q", m.ProviderMessageID)
	}
	const bot = `{"id":7000001,"is_bot":true,"first_name":"Osman Taş"}`
	post(`{"update_id":941,"message":{"message_id":42,` + from + `,"date":1735689700,"reply_to_message":{"message_id":601,"from":` + bot + `,"chat":{"id":777002,"type":"private"},"date":1735689650,"text":"Gri granit mi, bazalt mı düşünüyorsunuz?"},"text":"Gri granit"}}`)
	post(`{"update_id":942,"message":{"message_id":43,` + from + `,"date":1735689800,"reply_to_message":{"message_id":40,"from":{"id":777002,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":777002,"type":"private"},"date":1735689600,"text":"Bahçe için 120 m² taş lazım"},"text":"150 m² olacak, yanlış yazmışım"}}`)
	id := func(upd string) int64 {
		var id int64
		_ = db.Read.QueryRow(`SELECT id FROM messages WHERE provider_message_id = ?`, upd).Scan(&id)
		return id
	}
	doc := op.Get(page).Doc(t)
	for upd, want := range map[string]struct {
		to    int64
		words string
	}{"upd:941": {ours, "«Gri granit mi, bazalt mı düşünüyorsunuz?»"}, "upd:942": {first, "«Bahçe için 120 m² taş lazım»"}} {
		mark := doc.Find(fmt.Sprintf("#m%d .msg-reply", id(upd)))
		link, _ := mark.Find("a").Attr("href")
		if link != fmt.Sprintf("#m%d", want.to) || !strings.Contains(mark.Text(), want.words) {
			t.Errorf("%s: the reply mark reads %q linking %q; want %s linking message %d", upd, mark.Text(), link, want.words, want.to)
		}
	}
}

// TestTelegramFloodWaitHonoured: Telegram's 429 carries how long to wait (parameters.retry_after,
// in seconds). The reply is tried again no earlier than that, and the wait does not use up one of
// its tries; it then goes. A wait longer than an hour is kept to an hour and uses a try. The job
// runner's own back-off (5 s, 20 s, 45 s, 80 s) was used instead: the next calls came while
// Telegram still refused, and a flood wait of a few minutes ended the reply failed.
func TestTelegramFloodWaitHonoured(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	wait, calls := 0, 0
	called := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		secs := wait
		calls++
		n := calls
		mu.Unlock()
		defer func() { called <- struct{}{} }()
		w.Header().Set("Content-Type", "application/json")
		if secs > 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`, secs, secs)
			return
		}
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"chat":{"id":777004,"type":"private"},"date":1735689600}}`, 700+n)
	}))
	t.Cleanup(srv.Close)
	setWait := func(s int) { mu.Lock(); wait = s; mu.Unlock() }
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_api_base": srv.URL, "telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: "777004",
		Name: "Ayşe Kaya", Body: "Fiyat alabilir miyim?", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = db.Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, res.ConversationID)
	op := e.User("acme", "ayse", "operator")
	page := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
	type job struct {
		id, attempts, runAt int64
		status              string
	}
	// reply posts a reply, waits for Telegram's answer to it and for the runner to record what
	// follows, and returns the reply's id and its job.
	reply := func(body string) (int64, job) {
		t.Helper()
		if r := op.Post(page, map[string][]string{"direction": {"outbound"}, "body": {body}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d %s", r.StatusCode, r.Body)
		}
		var msg int64
		_ = db.Read.QueryRow(`SELECT max(id) FROM messages WHERE direction = 'outbound'`).Scan(&msg)
		select {
		case <-called:
		case <-time.After(apptest.HangBound):
			t.Fatal("the reply was not sent to Telegram")
		}
		var j job
		apptest.Await(t, db, "the runner to record Telegram's refusal", func() bool {
			err := db.Read.QueryRow(`SELECT id, attempts, run_at, status FROM jobs WHERE kind = ? AND json_extract(payload, '$.message_id') = ? AND last_error <> ''`,
				inbox.JobDeliver, msg).Scan(&j.id, &j.attempts, &j.runAt, &j.status)
			return err == nil && j.status == "queued"
		})
		return msg, j
	}
	setWait(1800)
	before := time.Now()
	msg, j := reply("Metrekaresi 450 TL")
	if at := time.UnixMilli(j.runAt); at.Before(before.Add(1800*time.Second)) || at.After(time.Now().Add(1802*time.Second)) {
		t.Errorf("the next try is at %s, %s from now; want Telegram's 30 minutes", at.Format(time.RFC3339), time.Until(at).Round(time.Second))
	}
	if j.attempts != 0 {
		t.Errorf("the flood wait used up %d of the reply's tries; want none", j.attempts)
	}
	if m, _ := inbox.MessageByID(t.Context(), db.Read, msg); m.DeliveryStatus != "queued" {
		t.Errorf("while it waits the reply is %s (%s)", m.DeliveryStatus, m.DeliveryError)
	}
	// The half hour passes: the reply goes.
	setWait(0)
	_, _ = db.Write.Exec(`UPDATE jobs SET run_at = ? WHERE id = ?`, time.Now().UnixMilli(), j.id)
	jobs.Poke()
	select {
	case <-called:
	case <-time.After(apptest.HangBound):
		t.Fatal("the reply was not tried again")
	}
	apptest.Await(t, db, "the reply to show sent after the wait", func() bool {
		m, _ := inbox.MessageByID(t.Context(), db.Read, msg)
		return m.DeliveryStatus == "sent"
	})

	// A wait of a day is kept to an hour, and that try counts.
	setWait(86400)
	before = time.Now()
	_, j = reply("Yarın arayabilir miyiz?")
	if at := time.UnixMilli(j.runAt); at.Before(before.Add(time.Hour)) || at.After(time.Now().Add(time.Hour+2*time.Second)) {
		t.Errorf("after a day's wait the next try is %s from now; want an hour", time.Until(at).Round(time.Second))
	}
	if j.attempts != 1 {
		t.Errorf("a wait over an hour counted %d tries; want 1", j.attempts)
	}
}

// TestTelegramLongReplyResumes: a long reply goes as several messages; when a later one fails, the
// next try sends only the pieces that did not go, and the reply keeps the first piece's id. When
// it fails for good, the conversation says part of it reached the customer, and Try again sends
// only the rest. The whole reply was sent again on every try, so the customer got its first
// pieces twice (or five times), and a reply they had half read showed as simply not sent.
func TestTelegramLongReplyResumes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	calls := 0
	fail := map[int]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Text string `json:"text"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		calls++
		n := calls
		refuse := fail[n]
		if !refuse {
			got = append(got, req.Text)
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if refuse {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`)
			return
		}
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"chat":{"id":777005,"type":"private"},"date":1735689600}}`, 600+n)
	}))
	t.Cleanup(srv.Close)
	// failNext makes the next call but one fail (the second piece of a reply sent now).
	failNext := func() { mu.Lock(); fail[calls+2] = true; mu.Unlock() }
	received := func() []string { mu.Lock(); defer mu.Unlock(); out := got; got = nil; return out }
	e, db, res, text := longReply(t, srv.URL, "777005", 150)
	send := func() int64 { t.Helper(); return sendLong(t, e, db, res.ConversationID, text) }
	try := func(msg int64, attempt int) (*inbox.Message, error) {
		t.Helper()
		var id int64
		var payload string
		if err := db.Read.QueryRow(`SELECT id, payload FROM jobs WHERE kind = ? AND status = 'queued' AND json_extract(payload, '$.message_id') = ?`,
			inbox.JobDeliver, msg).Scan(&id, &payload); err != nil {
			t.Fatalf("no delivery queued: %v", err)
		}
		j := &jobs.Job{ID: id, Kind: inbox.JobDeliver, Payload: []byte(payload), Attempt: attempt, MaxTries: 5, Tenant: "acme", DB: db}
		err := e.Handlers.Channels.Deliverer.Handle(t.Context(), j)
		if j.Final(err) {
			_, _ = db.Write.Exec(`UPDATE jobs SET status = 'failed' WHERE id = ?`, id)
		}
		m, merr := inbox.MessageByID(t.Context(), db.Read, msg)
		if merr != nil {
			t.Fatal(merr)
		}
		return m, err
	}

	// The second piece fails; the next try sends the rest.
	msg := send()
	failNext()
	m, err := try(msg, 1)
	first := received()
	if err == nil || m.DeliveryStatus != "queued" || len(first) != 1 {
		t.Fatalf("after a failed second piece: %v, %s, %d pieces received", err, m.DeliveryStatus, len(first))
	}
	m, err = try(msg, 2)
	rest := received()
	if err != nil || m.DeliveryStatus != "sent" {
		t.Fatalf("the next try: %v, %s %s", err, m.DeliveryStatus, m.DeliveryError)
	}
	all := append(first, rest...)
	if len(all) < 3 || strings.Join(all, "") != text {
		t.Errorf("the customer received %d pieces (%d on the retry) that together are not the reply once", len(all), len(rest))
	}
	if m.ProviderMessageID != "msg:777005:601" {
		t.Errorf("the reply is kept as %q, want its first piece msg:777005:601", m.ProviderMessageID)
	}

	// It fails for good on its last try: the conversation says part arrived; Try again sends the rest.
	msg = send()
	failNext()
	m, _ = try(msg, 5)
	first = received()
	if m.DeliveryStatus != "failed" || len(first) != 1 {
		t.Fatalf("on the last try: %s, %d pieces received", m.DeliveryStatus, len(first))
	}
	op := e.User("acme", "ayse", "operator")
	page := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
	for lang, want := range map[string]string{
		"tr": "Yalnızca bir kısmı gönderildi: bu yanıt birkaç mesaj olarak gidiyordu ve müşteriye yalnızca ilkleri ulaştı",
		"en": "Only partly sent: this reply went as several messages, and only the first ones reached the customer",
	} {
		doc := op.Get(page + "?lang=" + lang).Doc(t)
		if got := doc.Find(fmt.Sprintf("#m%d .msg-failed-text", msg)).Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the failed reply reads %q, want %q", lang, got, want)
		}
	}
	if r := op.Post(fmt.Sprintf("%smessages/%d/retry", page, msg), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", r.StatusCode, r.Body)
	}
	m, err = try(msg, 1)
	rest = received()
	if err != nil || m.DeliveryStatus != "sent" {
		t.Fatalf("after Try again: %v, %s %s", err, m.DeliveryStatus, m.DeliveryError)
	}
	if all := append(first, rest...); strings.Join(all, "") != text {
		t.Errorf("after Try again the customer has %d pieces that together are not the reply once", len(all))
	}
}

// longReply is a business whose Telegram bot is the fake at api, a customer's chat (chat) the
// assistant leaves to people, and a reply of n lines — Turkish, Arabic and emoji — too long for one
// sendMessage.
// sendLong queues text as a reply of the team on the conversation, through the inbox service as
// the panel and the approval queue queue theirs. The texts are longer than the reply box takes, so
// the deliverer's pieces are many; a reply within the box passes Telegram's 4,096 (counted in
// UTF-16 units) sooner with emoji. (The integration API no longer sends: what it logs is a record
// of what was said elsewhere.)
func sendLong(t *testing.T, e *apptest.Env, db *tenantdb.DB, conv int64, text string) int64 {
	t.Helper()
	id, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "Talha", Body: text}, "")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func longReply(t *testing.T, api, chat string, n int) (*apptest.Env, *tenantdb.DB, inbox.IngestResult, string) {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_api_base": api, "telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: chat,
		Name: "Ayşe Kaya", Body: "Teklifin tamamını yazar mısınız?", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = db.Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, res.ConversationID)
	var lines []string
	for i := range n {
		lines = append(lines, fmt.Sprintf("%d. kalem: 6 cm gri kilit parke, m² fiyatı 450 TL — السعر ٤٥٠ ليرة 👷🏽‍♂️🧱", i+1))
	}
	return e, db, res, strings.Join(lines, "\n")
}

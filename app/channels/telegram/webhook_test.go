package telegram_test

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// poster sets acme's Telegram secret token and returns a function that posts an update to its
// webhook with it, failing the test unless Telegram would be answered 200.
func poster(t *testing.T, e *apptest.Env) func(body string) {
	t.Helper()
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1"})
	c := e.Client()
	return func(body string) {
		t.Helper()
		if r := c.PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
			t.Fatalf("update: %d %s", r.StatusCode, r.Body)
		}
	}
}

func update(id int64, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":42,"is_bot":false,"first_name":"Ayşe","last_name":"Kaya"},"chat":{"id":%d,"type":"private"},"date":1735689600,"text":%q}}`, id, id, chat, text)
}

func TestTelegramWebhook(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	post := func(body, secret string) int {
		h := map[string]string{}
		if secret != "" {
			h["X-Telegram-Bot-Api-Secret-Token"] = secret
		}
		return c.PostJSON("/api/webhooks/telegram/acme/", []byte(body), h).StatusCode
	}
	if s := post(update(1, 5, "x"), "anything"); s != 403 {
		t.Fatalf("no secret configured: %d", s)
	}
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1"})
	if s := post(update(1, 5, "x"), "wrong"); s != 403 {
		t.Fatalf("wrong secret: %d", s)
	}
	if s := c.PostJSON("/api/webhooks/telegram/nope/", []byte(update(1, 5, "x")), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}).StatusCode; s != 404 {
		t.Fatalf("unknown tenant: %d", s)
	}
	if s := post(`{"update_id":`, "tg_secret-1"); s != 400 {
		t.Fatalf("malformed: %d", s)
	}
	const chat = -1001234567890123 // beyond 32 bits
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if s := post(update(900000001, chat, "Merhaba, 200 m² granit 🌿"), "tg_secret-1"); s != 200 {
				t.Errorf("update: %d", s)
			}
		})
	}
	wg.Wait()
	photo := `{"update_id":900000002,"message":{"message_id":7,"chat":{"id":-1001234567890123,"type":"group"},"date":1735689601,"photo":[{"file_id":"a"}],"caption":"bahçe fotoğrafı"}}`
	edit := `{"update_id":900000003,"edited_message":{"message_id":7,"chat":{"id":-1001234567890123},"date":1735689601,"edit_date":1735689700,"text":"edited"}}`
	for _, b := range []string{photo, edit} {
		if s := post(b, "tg_secret-1"); s != 200 {
			t.Fatalf("%s: %d", b, s)
		}
	}
	db := e.DB("acme")
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'inbound'`).Scan(&n)
	if n != 3 {
		t.Fatalf("messages = %d, want 3 (dedupe by update_id; the edit is a line of its own)", n)
	}
	var ext, body string
	_ = db.Read.QueryRow(`SELECT c.external_id, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.provider_message_id = 'upd:900000002'`).Scan(&ext, &body)
	if ext != "-1001234567890123" || body != "bahçe fotoğrafı" {
		t.Fatalf("chat id %q body %q", ext, body)
	}
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations WHERE channel = 'telegram'`).Scan(&n)
	if n != 1 {
		t.Fatalf("conversations = %d", n)
	}
}

// TestTelegramEditShown: a customer who edits a Telegram message (an edited_message update) is
// seen in the conversation: the new words are a line of their own, marked as the edit of the
// message, which keeps its first words and is linked from the mark; the edit delivered twice is
// stored once. (Edits were only written to the action log: the operator never saw them.)
func TestTelegramEditShown(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	post := poster(t, e)
	post(update(500, 77, "Bahçe için 200 m² gri granit istiyorum"))
	edit := `{"update_id":501,"edited_message":{"message_id":500,"from":{"id":42,"first_name":"Ayşe"},"chat":{"id":77,"type":"private"},"date":1735689600,"edit_date":1735689700,"text":"Bahçe için 250 m² gri granit istiyorum"}}`
	post(edit)
	post(edit)
	db := e.DB("acme")
	var first, second, conv int64
	var firstBody, secondBody string
	rows, err := db.Read.Query(`SELECT id, conversation_id, body FROM messages WHERE direction = 'inbound' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		switch n {
		case 1:
			_ = rows.Scan(&first, &conv, &firstBody)
		case 2:
			_ = rows.Scan(&second, &conv, &secondBody)
		}
	}
	rows.Close()
	if n != 2 || firstBody != "Bahçe için 200 m² gri granit istiyorum" || secondBody != "Bahçe için 250 m² gri granit istiyorum" {
		t.Fatalf("%d messages, %q then %q; want the first words kept and the edit stored once", n, firstBody, secondBody)
	}
	doc := owner.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t)
	mark := doc.Find(fmt.Sprintf("#m%d .msg-edit", second))
	if link, _ := mark.Find("a").Attr("href"); link != fmt.Sprintf("#m%d", first) || !strings.Contains(mark.Text(), "Düzenlenmiş mesaj; ilk hâli:") ||
		!strings.Contains(mark.Text(), "«Bahçe için 200 m² gri granit istiyorum»") {
		t.Errorf("the edit's mark reads %q linking %q; want the first words, linked to message %d", mark.Text(), link, first)
	}
	if doc.Find(fmt.Sprintf("#m%d .msg-edit", first)).Length() != 0 {
		t.Error("the first version is marked as an edit")
	}
}

// TestTelegramStartGreets: a customer who opens the bot sends "/start" (the Start button), which
// says nothing. The assistant answers with the business's chat greeting — the widget's default
// one in the business's language, or the owner's own — and reads nothing into it: no handoff, no
// scores, no recommendation. "/start" was triaged as an English date question: a Turkish
// business's customer got "Thank you, we have your message. A member of our team will check
// this…", the chat was flagged for a person and a "Delivery date request" waited in the queue.
func TestTelegramStartGreets(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	ten := e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	post := poster(t, e)
	// triaged waits until the assistant's job for the chat's messages has run.
	triaged := func(chat string) {
		t.Helper()
		apptest.Await(t, db, "the assistant's job for chat "+chat+" to run", func() bool {
			var open, done int
			_ = db.Read.QueryRow(`SELECT count(*) FILTER (WHERE status IN ('queued','running')), count(*) FILTER (WHERE status = 'done')
				FROM jobs WHERE kind = 'ai_triage' AND json_extract(payload, '$.conversation_id') IN (SELECT id FROM conversations WHERE external_id = ?)`, chat).Scan(&open, &done)
			return open == 0 && done > 0
		})
	}
	type result struct {
		replies       []string
		handoff, recs int
		urgency       sql.NullInt64
	}
	read := func(chat string) result {
		t.Helper()
		var r result
		rows, err := db.Read.Query(`SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
			WHERE c.external_id = ? AND m.direction = 'outbound' ORDER BY m.id`, chat)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b string
			_ = rows.Scan(&b)
			r.replies = append(r.replies, b)
		}
		rows.Close()
		_ = db.Read.QueryRow(`SELECT handoff_required, urgency_score, (SELECT count(*) FROM decision_recommendations d WHERE d.conversation_id = c.id)
			FROM conversations c WHERE external_id = ?`, chat).Scan(&r.handoff, &r.urgency, &r.recs)
		return r
	}

	post(update(700, 71, "/start"))
	triaged("71")
	want := "Merhaba! " + ten.Name + " olarak size nasıl yardımcı olabiliriz?"
	if r := read("71"); len(r.replies) != 1 || r.replies[0] != want || r.handoff != 0 || r.recs != 0 || r.urgency.Valid {
		t.Errorf("after /start: replies %q, handoff %d, recommendations %d, urgency %v; want only the greeting %q",
			r.replies, r.handoff, r.recs, r.urgency, want)
	}

	// The owner's own greeting, from a link with a code ("/start ad42").
	e.Set("acme", map[string]string{"greeting": "Hoş geldiniz! Bahçe ya da otopark işinizi yazın."})
	post(update(701, 72, "/start ad42"))
	triaged("72")
	if r := read("72"); len(r.replies) != 1 || r.replies[0] != "Hoş geldiniz! Bahçe ya da otopark işinizi yazın." || r.handoff != 0 || r.recs != 0 {
		t.Errorf("after /start ad42: replies %q, handoff %d, recommendations %d; want the owner's greeting alone", r.replies, r.handoff, r.recs)
	}
	var kind string
	_ = db.Read.QueryRow(`SELECT kind FROM messages WHERE provider_message_id = 'upd:701'`).Scan(&kind)
	if kind != "start" {
		t.Errorf("the /start message's kind is %q, want start", kind)
	}

	// What the customer writes next is read as ever.
	post(update(702, 71, "Bahçe için 200 m² granit, fiyatı nedir?"))
	triaged("71")
	if r := read("71"); r.recs == 0 || !r.urgency.Valid {
		t.Errorf("the message after /start was not triaged: recommendations %d, urgency %v", r.recs, r.urgency)
	}
}

// TestTelegramContactCardOfSomeoneElse: a customer who sends the contact card of another person
// (their foreman, a neighbour) keeps their own lead: the card is a line of the conversation, but
// its number is neither the lead's phone nor a reason to join the chat to the lead who has that
// number. The card was read as the sender's phone: the first card of a new chat put the chat on
// another customer's lead, and a later one wrote the foreman's number on the customer's lead. A
// card of the sender's own number (Telegram's "share my phone number", user_id = the sender)
// still fills the lead's phone.
func TestTelegramContactCardOfSomeoneElse(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	post := poster(t, e)
	card := func(upd, from int64, first, phone string, userID int64) string {
		uid := ""
		if userID != 0 {
			uid = fmt.Sprintf(`,"user_id":%d`, userID)
		}
		return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"%s"},"chat":{"id":%d,"type":"private"},"date":1735689600,"contact":{"phone_number":"%s","first_name":"Mehmet","last_name":"Usta"%s}}}`,
			upd, upd, from, first, from, phone, uid)
	}
	// Mehmet is a customer already, known by his number.
	post(card(800, 9001, "Mehmet", "+905321112233", 9001))
	var mehmet int64
	if err := db.Read.QueryRow(`SELECT id FROM leads WHERE phone_e164 = '+905321112233'`).Scan(&mehmet); err != nil {
		t.Fatalf("sharing one's own number did not fill the lead's phone: %v", err)
	}

	// Ayşe, new, first sends Mehmet's card (as a Telegram user, and as a plain phone-book entry).
	post(card(801, 42, "Ayşe", "905321112233", 9001))
	post(card(802, 43, "Zeynep", "905321112233", 0))
	post(update(803, 42, "Bu ustamızın numarası, ona da yazabilirsiniz"))
	for _, chat := range []string{"42", "43"} {
		var lead int64
		var name, phone string
		if err := db.Read.QueryRow(`SELECT l.id, l.name, l.phone FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.channel = 'telegram' AND c.external_id = ?`, chat).Scan(&lead, &name, &phone); err != nil {
			t.Fatal(err)
		}
		if lead == mehmet || phone != "" {
			t.Errorf("chat %s: lead %d %q phone %q; want a lead of its own (not Mehmet's %d) without Mehmet's number", chat, lead, name, phone, mehmet)
		}
	}
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations WHERE lead_id = ?`, mehmet).Scan(&n)
	if n != 1 {
		t.Errorf("Mehmet's lead has %d conversations, want his own only", n)
	}
	// The card is still in Ayşe's conversation.
	var conv int64
	_ = db.Read.QueryRow(`SELECT id FROM conversations WHERE external_id = '42'`).Scan(&conv)
	if txt := owner.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t).Find(".msg").Text(); !strings.Contains(txt, "Mehmet Usta 905321112233") {
		t.Errorf("the card is not shown in the conversation: %q", txt)
	}
}

// TestTelegramSharedNumberKeepsItsCountry: Telegram sends a shared contact's number in its
// international form, often without the "+" ("3531234567", an Irish number of ten digits). Such a
// number was read by the rule for numbers people type without a country code, which takes ten
// digits for a Turkish number, and the lead got +903531234567. The number keeps its own country.
func TestTelegramSharedNumberKeepsItsCountry(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	post := poster(t, e)
	for i, c := range []struct {
		from         int64
		shared, want string
	}{{51, "3531234567", "+3531234567"}, {52, "905321112244", "+905321112244"}, {53, "+491701234567", "+491701234567"}} {
		post(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Sean"},"chat":{"id":%d,"type":"private"},"date":1735689600,"contact":{"phone_number":"%s","first_name":"Sean","user_id":%d}}}`,
			820+i, 820+i, c.from, c.from, c.shared, c.from))
		var got string
		if err := db.Read.QueryRow(`SELECT l.phone_e164 FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.channel = 'telegram' AND c.external_id = ?`, fmt.Sprint(c.from)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("shared %q: the lead's number is %q, want %q", c.shared, got, c.want)
		}
	}
}

// TestTelegramLiveLocationOneLine: a customer who shares their live location (to show the site)
// sends one location message, after which Telegram sends the moving position as an edit of it,
// again and again for up to the period they chose. The conversation keeps the location as one
// line; the moves are not stored. Each move was a line of its own marked "Edited message" — dozens
// in a quarter of an hour — each unread and each read by the assistant as a new message.
func TestTelegramLiveLocationOneLine(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	post := poster(t, e)
	const from = `"from":{"id":42,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":42,"type":"private","first_name":"Ayşe"}`
	post(`{"update_id":900,"message":{"message_id":31,` + from + `,"date":1735689600,"location":{"latitude":41.0123,"longitude":28.9765,"live_period":900}}}`)
	for i := range 5 {
		post(fmt.Sprintf(`{"update_id":%d,"edited_message":{"message_id":31,`+from+`,"date":1735689600,"edit_date":%d,"location":{"latitude":41.01%d,"longitude":28.97%d,"live_period":900,"heading":90}}}`,
			901+i, 1735689660+60*i, 3+i, 7+i))
	}
	post(update(910, 42, "Şantiye burası, 120 m² bahçe"))
	var conv int64
	var n int
	_ = db.Read.QueryRow(`SELECT conversation_id, count(*) FROM messages WHERE direction = 'inbound'`).Scan(&conv, &n)
	if n != 2 {
		t.Errorf("%d inbound messages, want 2: the live location once and the words after it", n)
	}
	doc := owner.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t)
	if k := doc.Find(".msg-edit").Length(); k != 0 {
		t.Errorf("the conversation shows %d edited-message marks for a moving live location", k)
	}
	if txt := doc.Find(".msg").Text(); !strings.Contains(txt, "41.0123, 28.9765") {
		t.Errorf("the first position is not shown: %q", txt)
	}
}

// TestTelegramServiceMessagesNotStored: what Telegram reports about a chat itself — the bot added
// to a group, a member joining or leaving, a group created, a message pinned — is not a message of
// a customer: no conversation, no line, nothing the assistant answers. Adding the bot to a group
// opened a conversation named after the person who added it, showing "[unsupported message]", and
// the assistant posted "Thank you, we have your message…" into the group. A kind of message that
// is the customer's (a poll) still shows as a line saying it is not read.
func TestTelegramServiceMessagesNotStored(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	post := poster(t, e)
	const group = `"from":{"id":50,"is_bot":false,"first_name":"Ali"},"chat":{"id":-1001555000111,"type":"supergroup","title":"Şantiye Ekibi"}`
	const bot = `{"id":7000001,"is_bot":true,"first_name":"Osman Taş","username":"OsmanTasBot"}`
	post(`{"update_id":920,"message":{"message_id":1,` + group + `,"date":1735689600,"group_chat_created":true}}`)
	post(`{"update_id":921,"message":{"message_id":2,` + group + `,"date":1735689601,"new_chat_members":[` + bot + `],"new_chat_member":` + bot + `,"new_chat_participant":` + bot + `}}`)
	post(`{"update_id":922,"message":{"message_id":3,` + group + `,"date":1735689602,"left_chat_member":{"id":51,"is_bot":false,"first_name":"Veli"}}}`)
	post(`{"update_id":923,"message":{"message_id":4,` + group + `,"date":1735689603,"new_chat_title":"Şantiye Ekibi 2"}}`)
	post(`{"update_id":924,"message":{"message_id":5,"from":{"id":42,"first_name":"Ayşe"},"chat":{"id":42,"type":"private"},"date":1735689604,"pinned_message":{"message_id":1,"chat":{"id":42,"type":"private"},"date":1735689500,"text":"Merhaba"}}}`)
	var convs, msgs int
	_ = db.Read.QueryRow(`SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages)`).Scan(&convs, &msgs)
	if convs != 0 || msgs != 0 {
		t.Errorf("service messages left %d conversations and %d messages, want none", convs, msgs)
	}
	var jobs int
	_ = db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind IN ('ai_triage', 'deliver_message')`).Scan(&jobs)
	if jobs != 0 {
		t.Errorf("%d assistant or delivery jobs queued for service messages", jobs)
	}
	post(`{"update_id":925,"message":{"message_id":6,"from":{"id":42,"first_name":"Ayşe"},"chat":{"id":42,"type":"private"},"date":1735689605,"poll":{"id":"1","question":"Renk?","options":[{"text":"Gri","voter_count":0}],"total_voter_count":0,"is_closed":false,"is_anonymous":true,"type":"regular","allows_multiple_answers":false}}}`)
	var kind string
	_ = db.Read.QueryRow(`SELECT kind FROM messages WHERE provider_message_id = 'upd:925'`).Scan(&kind)
	if kind != "unsupported" {
		t.Errorf("a poll is stored as %q, want a line saying it is not read", kind)
	}
}

// TestTelegramVenueKeepsItsAddress: a customer who sends a place picked on Telegram's map (a
// venue: the site's name and street address) gets a line with both before the coordinates, as on
// WhatsApp. Only the coordinates were kept: "📍 (40.9876, 29.0271)" instead of the site's
// name and address the customer chose.
func TestTelegramVenueKeepsItsAddress(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"telegram_secret_token": "tg_secret-1"})
	owner := e.User("acme", "talha", "owner")
	c := e.Client()
	body := `{"update_id":930,"message":{"message_id":9,"from":{"id":42,"first_name":"Ayşe"},"chat":{"id":42,"type":"private"},"date":1735689600,` +
		`"location":{"latitude":40.9876,"longitude":29.0271},"venue":{"location":{"latitude":40.9876,"longitude":29.0271},"title":"Moda Sitesi B Blok","address":"Moda Cd. No:5, Kadıköy/İstanbul"}}}`
	if r := c.PostJSON("/api/webhooks/telegram/acme/", []byte(body), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1"}); r.StatusCode != 200 {
		t.Fatalf("update: %d %s", r.StatusCode, r.Body)
	}
	var conv int64
	_ = e.DB("acme").Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'upd:930'`).Scan(&conv)
	want := "📍 Moda Sitesi B Blok — Moda Cd. No:5, Kadıköy/İstanbul — (40.9876, 29.0271)"
	if txt := owner.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t).Find(".msg").Text(); !strings.Contains(txt, want) {
		t.Errorf("the venue reads %q, want %q", strings.Join(strings.Fields(txt), " "), want)
	}
}

// TestTelegramForwardedMarked: a message the customer forwards from elsewhere — another firm's
// offer, a post of a channel, a friend's note — is marked in the conversation with where it came
// from ("Forwarded from: …", or "Forwarded message" when Telegram does not name the sender), in
// the reader's language, so it is not read as the customer's own words. "m² fiyatı 450 TL" from a
// competitor showed exactly as if the customer had offered that price.
func TestTelegramForwardedMarked(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	post := poster(t, e)
	const from = `"from":{"id":42,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":42,"type":"private","first_name":"Ayşe"}`
	post(`{"update_id":950,"message":{"message_id":50,` + from + `,"date":1735689600,"forward_origin":{"type":"user","date":1735600000,"sender_user":{"id":5,"is_bot":false,"first_name":"Rakip","last_name":"Yapı"}},"forward_from":{"id":5,"is_bot":false,"first_name":"Rakip","last_name":"Yapı"},"forward_date":1735600000,"text":"Gri granit m² fiyatı 450 TL"}}`)
	post(`{"update_id":951,"message":{"message_id":51,` + from + `,"date":1735689601,"forward_origin":{"type":"channel","date":1735600000,"chat":{"id":-1001999,"type":"channel","title":"Taş Fiyatları"},"message_id":7},"text":"Bazalt 10 cm stokta"}}`)
	post(`{"update_id":952,"message":{"message_id":52,` + from + `,"date":1735689602,"forward_origin":{"type":"hidden_user","date":1735600000,"sender_user_name":""},"forward_date":1735600000,"text":"Yarın dökülür"}}`)
	post(`{"update_id":953,"message":{"message_id":53,` + from + `,"date":1735689603,"forward_from":{"id":6,"is_bot":false,"first_name":"Usta"},"forward_date":1735600000,"text":"Kum 3 ton"}}`)
	post(update(954, 42, "Sizin fiyatınız nedir?"))
	id := func(upd string) (id, conv int64) {
		_ = db.Read.QueryRow(`SELECT id, conversation_id FROM messages WHERE provider_message_id = ?`, upd).Scan(&id, &conv)
		return
	}
	_, conv := id("upd:950")
	for lang, want := range map[string]map[string]string{
		"tr": {"upd:950": "Şuradan iletildi: Rakip Yapı", "upd:951": "Şuradan iletildi: Taş Fiyatları", "upd:952": "İletilmiş mesaj", "upd:953": "Şuradan iletildi: Usta", "upd:954": ""},
		"en": {"upd:950": "Forwarded from: Rakip Yapı", "upd:952": "Forwarded message"},
	} {
		doc := owner.Get(fmt.Sprintf("/app/inbox/%d/?lang=%s", conv, lang)).Doc(t)
		for upd, w := range want {
			m, _ := id(upd)
			if got := strings.Join(strings.Fields(doc.Find(fmt.Sprintf("#m%d .msg-forwarded", m)).Text()), " "); got != w {
				t.Errorf("%s %s: the forward mark reads %q, want %q", lang, upd, got, w)
			}
		}
	}
}

// TestTelegramStartCodeIsTheLeadsCampaign: a customer who opens the bot from a link with a code
// (t.me/bot?start=bahar_kampanya) brings the code as the new lead's campaign (utm_campaign), as a
// widget visitor's utm_campaign is kept, so the leads list's campaign filter and the lead page's
// "Came from" name it; the conversation says in the reader's words that the customer opened the
// chat from that link, not "/start bahar_kampanya" as if they had typed it. The code was only the
// message's text, and the lead had no campaign.
func TestTelegramStartCodeIsTheLeadsCampaign(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	post := poster(t, e)
	post(update(800, 81, "/start bahar_kampanya"))
	post(update(801, 82, "/start"))
	var conv, lead, plainConv int64
	var campaign, body, plain, plainCampaign string
	_ = db.Read.QueryRow(`SELECT m.conversation_id, c.lead_id, l.utm_campaign, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
		JOIN leads l ON l.id = c.lead_id WHERE m.provider_message_id = 'upd:800'`).Scan(&conv, &lead, &campaign, &body)
	_ = db.Read.QueryRow(`SELECT m.conversation_id, l.utm_campaign, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
		JOIN leads l ON l.id = c.lead_id WHERE m.provider_message_id = 'upd:801'`).Scan(&plainConv, &plainCampaign, &plain)
	if campaign != "bahar_kampanya" {
		t.Errorf("the lead's campaign is %q, want the link's code bahar_kampanya", campaign)
	}
	if plainCampaign != "" {
		t.Errorf("a plain Start gave the lead the campaign %q", plainCampaign)
	}
	for lang, want := range map[string]string{"tr": "Sohbeti şu kodlu bir bağlantıdan açtı: «bahar_kampanya»", "en": "Opened the chat from a link with the code «bahar_kampanya»"} {
		doc := owner.Get(fmt.Sprintf("/app/inbox/%d/?lang=%s", conv, lang)).Doc(t)
		line := strings.Join(strings.Fields(doc.Find(".msg-inbound .msg-body").Text()), " ")
		if line != want || strings.Contains(doc.Find("#timeline").Text(), "/start") {
			t.Errorf("%s: the start line reads %q (body %q), want %q", lang, line, body, want)
		}
	}
	doc := owner.Get(fmt.Sprintf("/app/inbox/%d/?lang=tr", plainConv)).Doc(t)
	if line := strings.TrimSpace(doc.Find(".msg-inbound .msg-body").Text()); line != "Sohbeti Başlat düğmesiyle açtı" {
		t.Errorf("a plain Start reads %q (body %q)", line, plain)
	}
	page := owner.Get(fmt.Sprintf("/app/leads/%d/?lang=tr", lead)).Body
	if !strings.Contains(page, "Geldiği yer:") || !strings.Contains(page, "bahar_kampanya") {
		t.Error("the lead page does not name the campaign")
	}
	if list := owner.Get("/app/leads/?campaign=bahar_kampanya").Body; !strings.Contains(list, fmt.Sprintf("/app/leads/%d/", lead)) {
		t.Error("the leads list's campaign filter does not find the lead")
	}
}

// TestTelegramBlockShown: a customer who blocks the bot (Telegram's my_chat_member update, the
// bot's new status "kicked" in the private chat) is seen in the conversation at once, in the
// reader's language; the same update sent again adds nothing; unblocking it ("member") says the
// replies reach them again. The update was dropped, so the block showed only at the next reply
// that failed. The bot removed from a group is not a customer blocking it.
func TestTelegramBlockShown(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	post := poster(t, e)
	member := func(id int64, chat int64, kind, from, to string) string {
		return fmt.Sprintf(`{"update_id":%d,"my_chat_member":{"chat":{"id":%d,"type":%q,"first_name":"Ayşe"},"from":{"id":%d,"is_bot":false,"first_name":"Ayşe"},"date":1735689900,
			"old_chat_member":{"user":{"id":7000001,"is_bot":true,"first_name":"Osman Taş"},"status":%q},"new_chat_member":{"user":{"id":7000001,"is_bot":true,"first_name":"Osman Taş"},"status":%q}}}`,
			id, chat, kind, chat, from, to)
	}
	post(update(900, 91, "Bahçe için 120 m² taş lazım"))
	post(update(901, -100500, "Grupta bir soru"))
	var conv, group int64
	_ = db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'upd:900'`).Scan(&conv)
	_ = db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'upd:901'`).Scan(&group)
	lines := func(conv int64, lang string) []string {
		t.Helper()
		var out []string
		owner.Get(fmt.Sprintf("/app/inbox/%d/?lang=%s", conv, lang)).Doc(t).Find("#timeline .msg-system .msg-event").Each(func(_ int, s *goquery.Selection) {
			out = append(out, strings.TrimSpace(s.Text()))
		})
		return out
	}
	blocked := "Müşteri Telegram'da botu engelledi: yanıtlarınız ona ulaşmıyor. Müşteri engeli kaldırınca yine ulaşır; o zamana kadar ona başka bir yoldan ulaşın."
	post(member(902, 91, "private", "member", "kicked"))
	post(member(902, 91, "private", "member", "kicked"))
	post(member(903, -100500, "supergroup", "member", "left"))
	post(member(904, -100500, "supergroup", "member", "kicked"))
	if got := lines(conv, "tr"); len(got) != 1 || got[0] != blocked {
		t.Fatalf("after the block the conversation shows %q, want one line %q", got, blocked)
	}
	if got := lines(conv, "en"); len(got) != 1 || !strings.HasPrefix(got[0], "The customer blocked the bot in Telegram") {
		t.Errorf("en: %q", got)
	}
	if got := lines(group, "tr"); len(got) != 0 {
		t.Errorf("the bot removed from a group shows %q", got)
	}
	post(member(905, 91, "private", "kicked", "member"))
	post(member(906, 91, "private", "kicked", "member"))
	if got := lines(conv, "tr"); len(got) != 2 || got[1] != "Müşteri Telegram'da botun engelini kaldırdı: yanıtlarınız ona yine ulaşıyor." {
		t.Errorf("after the unblock the conversation shows %q", got)
	}
	// A chat HighVibe never saw: nothing is created.
	post(member(907, 92, "private", "member", "kicked"))
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations WHERE external_id = '92'`).Scan(&n)
	if n != 0 {
		t.Errorf("a block of an unknown chat made %d conversations", n)
	}
}

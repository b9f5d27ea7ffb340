package whatsapp_test

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestOperatorReadsEveryKindInTheirLanguage: a customer shares a contact card and sends a kind of
// message the Cloud API does not pass on (a poll, an edit: "unsupported" with error 131051). The
// operator's conversation page says what came in their language — the contact's name and number
// kept — and shows no bracketed English, no Meta error code or title.
func TestOperatorReadsEveryKindInTheirLanguage(t *testing.T) {
	f := setup(t, nil)
	from := "905321234567"
	msg := func(id, typ, extra string) string {
		return fmt.Sprintf(`{"from":%q,"id":%q,"timestamp":"1735689600","type":%q%s}`, from, id, typ, extra)
	}
	body := payload(
		textMsg(from, "wamid.t1", "Merhaba, kilit parke fiyatı?"),
		msg("wamid.card", "contacts", `,"contacts":[{"name":{"formatted_name":"Mehmet Usta","first_name":"Mehmet"},"phones":[{"phone":"+90 532 111 22 33","type":"CELL"}]}]`),
		msg("wamid.poll", "unsupported", `,"errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}]`),
	)
	if r := f.post(body, nil); r.StatusCode != 200 {
		t.Fatal(r.Status, r.Body)
	}
	f.settle(t)
	var conv int64
	if err := f.e.DB("acme").Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'wamid.card'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	op := f.e.User("acme", "ayse", "operator")
	for lang, want := range map[string][]string{
		"tr": {"Kişi kartı", "«Mehmet Usta +90 532 111 22 33»", "gösteremediği türde bir mesaj"},
		"en": {"Contact card", "«Mehmet Usta +90 532 111 22 33»", "cannot show here"},
	} {
		r := op.Get(fmt.Sprintf("/app/inbox/%d/?lang=%s", conv, lang))
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", lang, r.StatusCode)
		}
		page := html.UnescapeString(r.Body)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the conversation does not say %q", lang, w)
			}
		}
		for _, bad := range []string{"[contact]", "[unsupported", "131051", "Message type unknown"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s: the operator is shown %q", lang, bad)
			}
		}
	}
}

// TestOperatorSeesTheCustomersReaction: the customer puts 👍 on the quote the operator sent. The
// open conversation is told (a live event for that message) and shows the reaction under the
// quote in the operator's language; a reaction taken back disappears.
func TestOperatorSeesTheCustomersReaction(t *testing.T) {
	f, from := setup(t, nil), "905321234567"
	conv, quote := askedAndQuoted(t, f, from)
	events, stop := f.e.Server.Live.Subscribe("acme")
	defer stop()
	react := func(id, emoji string) {
		t.Helper()
		r := fmt.Sprintf(`{"from":%q,"id":%q,"timestamp":"1735689700","type":"reaction","reaction":{"message_id":"wamid.quote","emoji":%q}}`, from, id, emoji)
		if resp := f.post(payload(r), nil); resp.StatusCode != 200 {
			t.Fatal(resp.Status)
		}
		for {
			select {
			case e := <-events:
				if e.ConversationID == conv && e.MessageID == quote {
					return
				}
			case <-time.After(60 * time.Second): // only a bound for a broken runner
				t.Fatal("the open conversation was never told of the reaction")
			}
		}
	}
	op := f.e.User("acme", "ayse", "operator")
	react("wamid.r1", "👍")
	page := html.UnescapeString(op.Get(fmt.Sprintf("/app/inbox/%d/?lang=tr", conv)).Body)
	if !strings.Contains(page, "Müşterinin tepkisi: 👍") {
		t.Error("the operator does not see the customer's 👍 on the quote")
	}
	react("wamid.r2", "")
	page = html.UnescapeString(op.Get(fmt.Sprintf("/app/inbox/%d/?lang=tr", conv)).Body)
	if strings.Contains(page, "Müşterinin tepkisi") {
		t.Error("a reaction taken back is still shown")
	}
}

// TestOperatorSeesWhatTheCustomerRepliedTo: the customer swipes to reply to the operator's quote
// ("Evet, uygun") and to a message this conversation does not have. The timeline shows, above
// each, what it answers: the quote's first words with a link to it, or that it answers an earlier
// message.
func TestOperatorSeesWhatTheCustomerRepliedTo(t *testing.T) {
	f, from := setup(t, nil), "905321234567"
	conv, quote := askedAndQuoted(t, f, from)
	reply := func(id, to, body string) string {
		return fmt.Sprintf(`{"context":{"from":"15550783881","id":%q},"from":%q,"id":%q,"timestamp":"1735689700","type":"text","text":{"body":%q}}`, to, from, id, body)
	}
	if r := f.post(payload(reply("wamid.yes", "wamid.quote", "Evet, uygun"), reply("wamid.old", "wamid.gone", "O da olur")), nil); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	f.settle(t)
	op := f.e.User("acme", "ayse", "operator")
	doc := op.Get(fmt.Sprintf("/app/inbox/%d/?lang=tr", conv)).Doc(t)
	var yes, old string
	doc.Find("#timeline li.msg").Each(func(_ int, s *goquery.Selection) {
		switch {
		case strings.Contains(s.Find(".msg-body").Text(), "Evet, uygun"):
			yes = s.Find(".msg-reply").Text()
			if href, _ := s.Find(".msg-reply a").Attr("href"); href != fmt.Sprintf("#m%d", quote) {
				t.Errorf("the reply's link goes to %q, not the quote", href)
			}
		case strings.Contains(s.Find(".msg-body").Text(), "O da olur"):
			old = s.Find(".msg-reply").Text()
		}
	})
	if yes != "Yanıt verdiği mesaj: «Metrekaresi 450 TL, işçilik dahil.»" {
		t.Errorf("the reply to the quote reads %q above it", yes)
	}
	if old != "Daha önceki bir mesaja yanıt" {
		t.Errorf("the reply to a message not here reads %q above it", old)
	}
}

// askedAndQuoted: customer from asks a price over WhatsApp and the operator's quote stands in the
// conversation as WhatsApp took it (written here, so no delivery job of its own tells the
// conversation anything meanwhile). It returns the conversation and the quote's message.
func askedAndQuoted(t *testing.T, f *fixture, from string) (conv, quote int64) {
	t.Helper()
	if r := f.post(payload(textMsg(from, "wamid.ask", "Kilit parke fiyatı?")), nil); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	f.settle(t)
	db := f.e.DB("acme")
	if err := db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'wamid.ask'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	res, err := db.Write.Exec(`INSERT INTO messages(conversation_id, direction, author_kind, body, channel, provider_message_id, delivery_status, created_at)
		VALUES (?, 'outbound', 'user', 'Metrekaresi 450 TL, işçilik dahil.', 'whatsapp', 'wamid.quote', 'sent', ?)`, conv, time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	quote, _ = res.LastInsertId()
	return conv, quote
}

package leads_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// TestPhoneShownAsPeopleWriteIt: a stored number (E.164, +905321234567) was shown that way,
// unspaced, hard to read aloud or dial from on site. The inbox row, the conversation, the lead
// page, the leads list and the board now show "+90 532 123 45 67" (a Saudi number "+966 50 123
// 4567"), as one left-to-right piece on an Arabic page, and where a tap dials it the tel: link
// dials the E.164 form; the field that edits it and the export keep E.164.
func TestPhoneShownAsPeopleWriteIt(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	ingest := func(in inbox.Inbound) inbox.IngestResult {
		t.Helper()
		res, err := svc.Ingest(context.Background(), "acme", db, in)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	named := ingest(inbox.Inbound{Channel: "webchat", ExternalID: "w1", Name: "Deniz", Phone: "+905321234567", Body: "Parke için fiyat alabilir miyim?"})
	nameless := ingest(inbox.Inbound{Channel: "webchat", ExternalID: "w2", Phone: "+966501234567", Body: "Merhaba"})
	const tr, sa = "+90 532 123 45 67", "+966 50 123 4567"

	tel := func(t *testing.T, what string, a interface {
		Attr(string) (string, bool)
		Text() string
	}, text, href string) {
		t.Helper()
		if got := strings.TrimSpace(a.Text()); got != text {
			t.Errorf("%s: shows %q, want %q", what, got, text)
		}
		if got, _ := a.Attr("href"); got != "tel:"+href {
			t.Errorf("%s: href %q, want tel:%s", what, got, href)
		}
		if d, _ := a.Attr("dir"); d != "ltr" {
			t.Errorf("%s: dir %q, want ltr (one left-to-right piece on an Arabic page)", what, d)
		}
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		lead := op.Get(fmt.Sprintf("/app/leads/%d/?lang=%s", named.LeadID, lang)).Doc(t)
		tel(t, lang+" lead page", lead.Find(`dd a[href^="tel:"]`).First(), tr, "+905321234567")
		if v, _ := lead.Find("#lead-phone").Attr("value"); v != "+905321234567" {
			t.Errorf("%s lead page: the field that edits the number holds %q, want the E.164 form", lang, v)
		}
		conv := op.Get(fmt.Sprintf("/app/inbox/%d/?lang=%s", named.ConversationID, lang)).Doc(t)
		a := conv.Find("a#lead-phone")
		if got, _ := a.Attr("href"); got != "tel:+905321234567" || strings.TrimSpace(a.Text()) != tr {
			t.Errorf("%s conversation: %q → %q", lang, a.Text(), got)
		}
		row := op.Get("/app/inbox/?lang=" + lang).Doc(t).Find(fmt.Sprintf(`.inbox-list a[href="/app/inbox/%d/"] bdi[dir="ltr"]`, nameless.ConversationID))
		if got := strings.TrimSpace(row.Text()); got != sa {
			t.Errorf("%s inbox row of a lead known by the number: %q, want %q", lang, got, sa)
		}
		list := op.Get("/app/leads/?lang=" + lang).Doc(t)
		tel(t, lang+" leads list", list.Find(`td a[href^="tel:"]`).First(), tr, "+905321234567")
		if !strings.Contains(list.Find(fmt.Sprintf(`a[href="/app/leads/%d/"]`, nameless.LeadID)).Text(), sa) {
			t.Errorf("%s leads list: the lead known by its number is not called %q", lang, sa)
		}
		if !strings.Contains(op.Get("/app/pipeline/?lang="+lang).Doc(t).Find(fmt.Sprintf(`a[href="/app/leads/%d/"]`, nameless.LeadID)).Text(), sa) {
			t.Errorf("%s board: the card of the lead known by its number is not called %q", lang, sa)
		}
	}
	csv := owner.Get("/app/leads/export?format=csv").Body
	if !strings.Contains(csv, "+905321234567") || strings.Contains(csv, tr) {
		t.Errorf("the export should keep E.164: %.400s", csv)
	}
}

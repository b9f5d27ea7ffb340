package leads_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestLeadPhoneEditedOnTheLeadPage: a lead's phone number could not be corrected or added once
// the lead existed (a web-chat customer who typed it wrong, a caller who gave a second number).
// The lead page now takes it from owners and operators: what is no phone number is refused beside
// the field in the reader's language; a number another lead already has is refused with a link to
// that lead (and, for the owner, its merge); nothing is stored then. A good one is normalised as
// ingest normalises every arriving number (no country code: Turkish), logged with before and after,
// given in the person's data export, and the customer's next message with it finds this lead. A
// viewer cannot change it.
func TestLeadPhoneEditedOnTheLeadPage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	owner := e.User("acme", "talha", "owner")
	viewer := e.User("acme", "vera", "viewer")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	ctx := context.Background()
	ingest := func(in inbox.Inbound) int64 {
		t.Helper()
		res, err := svc.Ingest(ctx, "acme", db, in)
		if err != nil {
			t.Fatal(err)
		}
		return res.LeadID
	}
	lead := ingest(inbox.Inbound{Channel: "webchat", ExternalID: "w1", Name: "Deniz", Phone: "0532 111 22 3", Body: "Parke için fiyat alabilir miyim?"})
	other := ingest(inbox.Inbound{Channel: "webchat", ExternalID: "w2", Name: "Ece Kaya", Phone: "0532 999 88 77", Body: "Merhaba"})
	stored := func() (p, e164 string) {
		_ = db.Read.QueryRow(`SELECT phone, phone_e164 FROM leads WHERE id = ?`, lead).Scan(&p, &e164)
		return
	}
	path := fmt.Sprintf("/app/leads/%d/phone", lead)
	for _, bad := range []string{"12", "beş yüz otuz iki", "+0532", strings.Repeat("5", 41)} {
		for _, lang := range []string{"tr", "en"} {
			r := op.Post(path+"?lang="+lang, url.Values{"lead_phone": {bad}})
			if r.StatusCode != 422 {
				t.Errorf("%q: %d, want 422", bad, r.StatusCode)
				continue
			}
			doc := r.Doc(t)
			if got := strings.TrimSpace(doc.Find("#lead-phone-error").Text()); got != i18n.For(lang).T("leads.error.phone") {
				t.Errorf("%s %q: field error %q", lang, bad, got)
			}
			if v, _ := doc.Find("#lead-phone").Attr("value"); v != bad {
				t.Errorf("%s %q: the field shows %q, want what was typed", lang, bad, v)
			}
		}
		if p, _ := stored(); p != "0532 111 22 3" {
			t.Errorf("%q: stored %q", bad, p)
		}
	}
	if r := viewer.Post(path, url.Values{"lead_phone": {"0532 444 55 66"}}); r.StatusCode != 403 {
		t.Errorf("viewer: %d", r.StatusCode)
	}
	// Another lead's number, typed another way: refused, naming and linking that lead.
	for _, u := range []*apptest.Client{op, owner} {
		r := u.Post(path+"?lang=tr", url.Values{"lead_phone": {"+90 (532) 999 88 77"}})
		if r.StatusCode != 422 {
			t.Fatalf("another lead's number: %d", r.StatusCode)
		}
		doc := r.Doc(t)
		msg := doc.Find("#lead-phone-error")
		if !strings.Contains(msg.Text(), i18n.For("tr").T("leads.error.phone_taken", other)) || !strings.Contains(msg.Text(), "Ece Kaya") {
			t.Errorf("taken: %q", msg.Text())
		}
		if href, _ := msg.Find("a[data-phone-taken]").Attr("href"); href != fmt.Sprintf("/app/leads/%d/", other) {
			t.Errorf("taken: the link goes to %q", href)
		}
		merge := doc.Find(fmt.Sprintf(`form[action="/app/leads/%d/merge"] [data-phone-merge="%d"]`, lead, other)).Length()
		if (u == owner) != (merge == 1) {
			t.Errorf("owner %v: %d merge buttons", u == owner, merge)
		}
	}
	if p, e164 := stored(); p != "0532 111 22 3" || e164 != "" {
		t.Errorf("a taken number was stored: %q %q", p, e164)
	}
	if r := op.Post(path, url.Values{"lead_phone": {" 0 (532) 444 55 66 "}}); r.StatusCode != 303 {
		t.Fatalf("save: %d %.300s", r.StatusCode, r.Body)
	}
	if p, e164 := stored(); p != "+905324445566" || e164 != "+905324445566" {
		t.Errorf("stored %q %q, want +905324445566", p, e164)
	}
	var before, after string
	_ = db.Read.QueryRow(`SELECT json_extract(payload, '$.before.phone'), json_extract(payload, '$.after.phone') FROM action_logs WHERE action_type = 'lead_phone_set'`).Scan(&before, &after)
	if before != "0532 111 22 3" || after != "+905324445566" {
		t.Errorf("log before %q after %q", before, after)
	}
	if v, _ := op.Get(fmt.Sprintf("/app/leads/%d/?lang=tr", lead)).Doc(t).Find("#lead-phone").Attr("value"); v != "+905324445566" {
		t.Errorf("the lead page shows %q", v)
	}
	if !strings.Contains(owner.Get(fmt.Sprintf("/app/kvkk/leads/%d/export.json", lead)).Body, `+905324445566`) {
		t.Error("the person's data export does not give the new number")
	}
	if got := ingest(inbox.Inbound{Channel: "webchat", ExternalID: "w3", Name: "Deniz", Phone: "0532 444 5566", Body: "Ben yine Deniz"}); got != lead {
		t.Errorf("the customer writing with the new number became lead %d, want %d", got, lead)
	}
}

// TestWhatsAppLeadPhoneReadOnly: a WhatsApp lead's number is its WhatsApp account (the
// conversation is keyed on it, and the customer's next message after it closes finds the lead by
// it): the lead page shows it with the reason instead of a form, and a change posted anyway is
// refused with that reason and stores nothing.
func TestWhatsAppLeadPhoneReadOnly(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905551112233", Phone: "+905551112233", Name: "Mert", Body: "Selam"})
	if err != nil {
		t.Fatal(err)
	}
	page := op.Get(fmt.Sprintf("/app/leads/%d/?lang=en", res.LeadID)).Doc(t)
	if page.Find("#lead-phone").Length() != 0 || strings.TrimSpace(page.Find("#lead-phone-whatsapp").Text()) != i18n.For("en").T("leads.lead.phone_whatsapp") ||
		strings.TrimSpace(page.Find("#lead-phone-shown").Text()) != "+90 555 111 22 33" {
		t.Errorf("the WhatsApp number is offered for editing or shown without the reason: %q", page.Find("#lead-phone-card").Text())
	}
	r := op.Post(fmt.Sprintf("/app/leads/%d/phone?lang=en", res.LeadID), url.Values{"lead_phone": {"0532 444 55 66"}})
	if r.StatusCode != 422 || strings.TrimSpace(r.Doc(t).Find("#lead-phone-error").Text()) != i18n.For("en").T("leads.error.phone_whatsapp") {
		t.Errorf("a change of the WhatsApp number: %d", r.StatusCode)
	}
	var p string
	_ = db.Read.QueryRow(`SELECT phone_e164 FROM leads WHERE id = ?`, res.LeadID).Scan(&p)
	if p != "+905551112233" {
		t.Errorf("the WhatsApp number became %q", p)
	}
}

// TestLeadContactEditFoundBySearch: the inbox search finds a conversation by its lead's phone
// number and e-mail address; one corrected on the lead page must find it by the new one (and no
// longer by the number it replaced).
func TestLeadContactEditFoundBySearch(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	ctx := context.Background()
	res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "s1", Name: "Deniz", Phone: "0532 777 66 55", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	finds := func(q string) bool {
		t.Helper()
		rows, _, err := inbox.List(ctx, db.Read, inbox.Filter{Q: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows) == 1 && rows[0].ID == res.ConversationID
	}
	if !finds("0532 777 66 55") {
		t.Fatal("before: not found by the number")
	}
	lead := fmt.Sprintf("/app/leads/%d/", res.LeadID)
	if r := op.Post(lead+"phone", url.Values{"lead_phone": {"0532 444 33 22"}}); r.StatusCode != 303 {
		t.Fatalf("phone: %d", r.StatusCode)
	}
	if r := op.Post(lead+"email", url.Values{"lead_email": {"deniz.arama@example.com"}}); r.StatusCode != 303 {
		t.Fatalf("e-mail: %d", r.StatusCode)
	}
	if !finds("0532 444 33 22") || !finds("deniz.arama@example.com") {
		t.Errorf("not found by the new number (%v) or the new address (%v)", finds("0532 444 33 22"), finds("deniz.arama@example.com"))
	}
	if finds("0532 777 66 55") {
		t.Error("still found by the number it replaced")
	}
}

package leads_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/channels/email"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestLeadEmailEditedOnTheLeadPage: a lead's e-mail address could not be changed once the lead
// existed, so a customer logged on an e-mail conversation without an address (a call's "write to
// me", a misheard address) could never be answered: the composer refused every reply. The lead page
// now takes the address: an unusable one is refused beside the field in the reader's language and
// nothing is stored (letters outside ASCII before the @ with why); a good one is kept with only A–Z
// lower-cased and a domain with Turkish letters in the form mail servers read (IDNA),
// logged with before and after, given in the person's data export, and the conversation's composer
// no longer refuses. A viewer cannot change it.
func TestLeadEmailEditedOnTheLeadPage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{email.SetSMTPHost: "127.0.0.1", email.SetFrom: "Acme Parke <info@acme.test>"})
	op := e.User("acme", "ayse", "operator")
	owner := e.User("acme", "talha", "owner")
	viewer := e.User("acme", "vera", "viewer")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "email", ExternalID: "<call-1@acme.test>", Name: "Deniz", Body: "Teklif e-postayla gelsin"})
	if err != nil {
		t.Fatal(err)
	}
	var lead int64
	_ = db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, res.ConversationID).Scan(&lead)
	stored := func() (s string) {
		_ = db.Read.QueryRow(`SELECT email FROM leads WHERE id = ?`, lead).Scan(&s)
		return
	}
	conv := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
	if op.Get(conv+"?lang=en").Doc(t).Find("body").Text() == "" || !strings.Contains(op.Get(conv+"?lang=en").Body, "This customer has no e-mail address") {
		t.Fatal("before: the conversation does not say the customer has no address")
	}
	path := fmt.Sprintf("/app/leads/%d/email", lead)
	for _, bad := range []string{"deniz@", "Deniz <deniz@example.com>", "deniz example.com", strings.Repeat("a", 250) + "@x.com"} {
		for _, lang := range []string{"tr", "en"} {
			r := op.Post(path+"?lang="+lang, url.Values{"lead_email": {bad}})
			if r.StatusCode != 422 {
				t.Errorf("%q: %d, want 422", bad, r.StatusCode)
				continue
			}
			doc := r.Doc(t)
			if got := strings.TrimSpace(doc.Find("#lead-email-error").Text()); got != i18n.For(lang).T("validation.email") {
				t.Errorf("%s %q: field error %q", lang, bad, got)
			}
			if v, _ := doc.Find("#lead-email").Attr("value"); v != bad {
				t.Errorf("%s %q: the field shows %q, want what was typed", lang, bad, v)
			}
		}
		if got := stored(); got != "" {
			t.Errorf("%q stored as %q", bad, got)
		}
	}
	// Letters outside ASCII before the @ are refused with why (most mail servers refuse them).
	for _, lang := range []string{"tr", "en"} {
		r := op.Post(path+"?lang="+lang, url.Values{"lead_email": {"İpek.YILMAZ@example.com.tr"}})
		if got := strings.TrimSpace(r.Doc(t).Find("#lead-email-error").Text()); r.StatusCode != 422 || got != i18n.For(lang).T("validation.email_local_ascii") {
			t.Errorf("%s: a Turkish letter before the @: %d %q", lang, r.StatusCode, got)
		}
	}
	if r := viewer.Post(path, url.Values{"lead_email": {"deniz@example.com"}}); r.StatusCode != 403 || stored() != "" {
		t.Errorf("viewer: %d, stored %q", r.StatusCode, stored())
	}
	if r := op.Post(path, url.Values{"lead_email": {"  Ipek.YILMAZ@Şirket.COM.TR  "}}); r.StatusCode != 303 {
		t.Fatalf("save: %d %.300s", r.StatusCode, r.Body)
	}
	if got, want := stored(), "ipek.yilmaz@xn--irket-idb.com.tr"; got != want {
		t.Errorf("stored %q, want %q", got, want)
	}
	var before, after string
	_ = db.Read.QueryRow(`SELECT json_extract(payload, '$.before.email'), json_extract(payload, '$.after.email') FROM action_logs WHERE action_type = 'lead_email_set'`).Scan(&before, &after)
	if before != "" || after != "ipek.yilmaz@xn--irket-idb.com.tr" {
		t.Errorf("log before %q after %q", before, after)
	}
	if v, _ := op.Get(fmt.Sprintf("/app/leads/%d/?lang=tr", lead)).Doc(t).Find("#lead-email").Attr("value"); v != "ipek.yilmaz@xn--irket-idb.com.tr" {
		t.Errorf("the lead page shows %q", v)
	}
	if !strings.Contains(owner.Get(fmt.Sprintf("/app/kvkk/leads/%d/export.json", lead)).Body, `ipek.yilmaz@xn--irket-idb.com.tr`) {
		t.Error("the person's data export does not give the new address")
	}
	if strings.Contains(op.Get(conv+"?lang=en").Body, "This customer has no e-mail address") {
		t.Error("after: the conversation still says the customer has no address")
	}
	if r := op.Post(conv+"?lang=en", url.Values{"direction": {"outbound"}, "body": {"Teklifiniz ektedir."}}); r.StatusCode != 303 {
		t.Errorf("a reply after the address was added: %d", r.StatusCode)
	}
}

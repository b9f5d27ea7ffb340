package crm_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestCustomerPageListsConversations: a customer's page links the conversations of the leads
// linked to it, which the CRM asks of the inbox.
func TestCustomerPageListsConversations(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	ctx := context.Background()
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != 303 {
		t.Fatalf("create customer: %d", r.StatusCode)
	}
	svc := e.Handlers.InboxService
	res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Ayşe", Body: "merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "v2", Name: "Başkası", Body: "selam"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *sql.Tx) error { return inbox.SetLeadCustomer(ctx, tx, res.LeadID, 1) }); err != nil {
		t.Fatal(err)
	}
	doc := owner.Get("/customers/1/").Doc(t)
	if n := doc.Find(fmt.Sprintf(`a[href="/app/inbox/%d/"]`, res.ConversationID)).Length(); n != 1 {
		t.Errorf("the linked lead's conversation is linked %d times, want once", n)
	}
	// The channel and the state read in the page's language, not as codes ("webchat · new").
	lang := doc.Find("html").AttrOr("lang", "")
	c := i18n.For(lang)
	want := fmt.Sprintf("#%d · Ayşe · %s · %s", res.ConversationID, c.T("inbox.channel.webchat"), c.T("inbox.state.new"))
	if got := strings.TrimSpace(doc.Find(fmt.Sprintf(`a[href="/app/inbox/%d/"]`, res.ConversationID)).Text()); got != want || strings.Contains(got, "webchat") {
		t.Errorf("the conversation link (%s) reads %q, want %q", lang, got, want)
	}
	if n := doc.Find(fmt.Sprintf(`a[href="/app/inbox/%d/"]`, other.ConversationID)).Length(); n != 0 {
		t.Errorf("another lead's conversation is linked")
	}
}

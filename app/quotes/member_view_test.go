package quotes_test

import (
	"testing"
	"time"
)

// TestAMembersLookAtTheCustomerLinkIsNotTheCustomers: the owner opening the customer's link from
// the quote page (to see what the customer sees) was counted as a view and, the first time, wrote
// "Müşteri … teklifini açtı" into the conversation, though no customer had opened anything. A
// signed-in member of the business now sees the page without counting; a signed-out visitor, or
// someone signed in to another business, is the customer and is counted as before.
func TestAMembersLookAtTheCustomerLinkIsNotTheCustomers(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id, link := sentUntil(t, f, f.conv, time.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	notes := func() int {
		return f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'system' AND annotations LIKE '%quote_viewed%'`, f.conv)
	}
	for _, member := range []*struct {
		name string
		get  func() int
	}{
		{"owner", func() int { return f.owner.Get(link + "?lang=tr").StatusCode }},
		{"operator", func() int { return f.op.Get(link).StatusCode }},
		{"viewer", func() int { return f.viewer.Get(link).StatusCode }},
	} {
		if code := member.get(); code != 200 {
			t.Fatalf("%s opening the customer link: %d", member.name, code)
		}
	}
	if n := f.count(t, `SELECT view_count FROM quotes WHERE id = ?`, id); n != 0 {
		t.Errorf("the business's own members' looks counted as %d customer views", n)
	}
	if n := notes(); n != 0 {
		t.Errorf("a member's look wrote %d \"customer opened\" notes into the conversation", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'quote_viewed'`); n != 0 {
		t.Errorf("a member's look was logged as the customer's view (%d)", n)
	}

	// Someone signed in to another business is not this business's member: counted.
	f.e.Tenant("beta", "parke_tas", "tr")
	if r := f.e.User("beta", "bora", "owner").Get(link); r.StatusCode != 200 {
		t.Fatalf("another business's member: %d", r.StatusCode)
	}
	// The customer, signed out.
	if r := f.e.Client().Get(link); r.StatusCode != 200 {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if n := f.count(t, `SELECT view_count FROM quotes WHERE id = ?`, id); n != 2 {
		t.Errorf("views after another business's member and the customer: %d, want 2", n)
	}
	if n := notes(); n != 1 {
		t.Errorf("\"customer opened\" notes after the customer's visit: %d, want 1", n)
	}
}

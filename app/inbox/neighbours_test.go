package inbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/crm"
	"highvibe/app/inbox"
)

// TestConversationPageShowsNeighbours: the conversation page shows what the approval queue and
// the CRM own — the lead's recommendations, the open draft replies, the linked customer and its
// orders — each read by its owning room through the server's inbox.Neighbours.
func TestConversationPageShowsNeighbours(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	ctx := context.Background()
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Deniz", Body: "fiyat nedir?"})
	other := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v2", Name: "Başka", Body: "selam"})
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for _, n := range []approvals.New{
			{LeadID: res.LeadID, ConversationID: res.ConversationID, Title: "Fiyat onayı", ActionType: "pricing", Priority: "high",
				Confidence: 0.8, ModelName: "t", DraftReply: "Metrekaresi 1.450 TRY.", DedupeKey: "a"},
			{LeadID: res.LeadID, Title: "Takip et", ActionType: "follow_up", Priority: "low", Confidence: 0.5, ModelName: "t", DedupeKey: "b"},
			{LeadID: other.LeadID, ConversationID: other.ConversationID, Title: "Başkasının önerisi", ActionType: "stock", Priority: "low",
				Confidence: 0.5, ModelName: "t", DraftReply: "Başkasının taslağı", DedupeKey: "c"},
		} {
			if _, _, err := approvals.Create(ctx, tx, n); err != nil {
				return err
			}
		}
		cu := &crm.Customer{Name: "Deniz İnşaat"}
		if err := crm.SaveCustomer(ctx, tx, cu); err != nil {
			return err
		}
		if err := crm.SaveOrder(ctx, tx, &crm.Order{CustomerID: cu.ID, Status: "open", Total: 1250, Currency: "TRY",
			Description: "Mutfak tezgahı", OrderedAt: 1}); err != nil {
			return err
		}
		return inbox.SetLeadCustomer(ctx, tx, res.LeadID, cu.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := c.Get(fmt.Sprintf("/app/inbox/%d/", res.ConversationID)).Doc(t)
	recs := doc.Find("#recommendations").Text()
	for _, want := range []string{"Fiyat onayı", "Takip et"} {
		if !strings.Contains(recs, want) {
			t.Errorf("recommendations card misses %q: %q", want, strings.Join(strings.Fields(recs), " "))
		}
	}
	if strings.Contains(recs, "Başkasının") {
		t.Error("another lead's recommendation is shown")
	}
	if got := doc.Find("form.draft textarea").Text(); got != "Metrekaresi 1.450 TRY." {
		t.Errorf("open drafts: %q, want the one draft of this conversation", got)
	}
	lead := doc.Find("#lead-card").Text()
	if !strings.Contains(lead, "Deniz İnşaat") || !strings.Contains(lead, "Mutfak tezgahı") {
		t.Errorf("linked customer and order missing from the lead card: %q", strings.Join(strings.Fields(lead), " "))
	}
}

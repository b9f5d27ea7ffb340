package inbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"highvibe/app/inbox"
)

// TestLeadStageFollowsState walks the rules of followLeadStage through the service, one lead per
// scenario with two conversations (WhatsApp and a call from the same phone number).
func TestLeadStageFollowsState(t *testing.T) {
	e := newEnv(t)
	db := e.DB("acme")
	svc := e.Handlers.InboxService
	type step struct {
		conv  int // 0 = WhatsApp, 1 = call
		state string
		stage string // the lead's stage after the step
	}
	scenarios := []struct {
		name  string
		steps []step
	}{
		{"forward through the funnel", []step{{0, "engaged", "contacted"}, {0, "qualified", "qualified"}, {0, "offer", "proposal"}, {0, "negotiation", "proposal"}}},
		{"never backwards", []step{{0, "offer", "proposal"}, {0, "contacted", "proposal"}, {0, "new", "proposal"}}},
		{"lost waits for the other open conversation", []step{{0, "lost", "new"}, {1, "lost", "lost"}}},
		{"won wins at once and stays won", []step{{0, "won", "won"}, {1, "lost", "won"}, {1, "qualified", "won"}}},
		{"a lost lead keeps its outcome until it is won", []step{{0, "lost", "new"}, {1, "lost", "lost"}, {1, "negotiation", "lost"}, {0, "won", "won"}}},
	}
	for i, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			phone := fmt.Sprintf("+90532100%04d", i)
			convs := []int64{
				ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: phone[1:], Phone: phone, Name: "Lead", Body: "Merhaba"}).ConversationID,
				ingest(t, e, "acme", inbox.Inbound{Channel: "call", Phone: phone, Body: "Telefonla aradı"}).ConversationID,
			}
			var lead int64
			db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, convs[0]).Scan(&lead)
			var other int64
			db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, convs[1]).Scan(&other)
			if lead == 0 || other != lead {
				t.Fatalf("conversations %v are not one lead (%d, %d)", convs, lead, other)
			}
			for _, st := range sc.steps {
				var before string
				db.Read.QueryRow(`SELECT stage FROM leads WHERE id = ?`, lead).Scan(&before)
				state := st.state
				if err := svc.Update(context.Background(), "acme", db, convs[st.conv], inbox.Change{State: &state, ActorID: 1, ActorName: "olga"}); err != nil {
					t.Fatal(err)
				}
				var stage, payload string
				db.Read.QueryRow(`SELECT stage FROM leads WHERE id = ?`, lead).Scan(&stage)
				db.Read.QueryRow(`SELECT payload FROM action_logs WHERE provider = 'conversation_inbox' ORDER BY id DESC LIMIT 1`).Scan(&payload)
				if stage != st.stage {
					t.Errorf("conversation %d → %s: lead stage %s, want %s", st.conv, st.state, stage, st.stage)
				}
				if logged := strings.Contains(payload, `"lead_stage":"`+stage+`"`); logged != (stage != before) {
					t.Errorf("conversation %d → %s: lead stage %s→%s, log %s", st.conv, st.state, before, stage, payload)
				}
			}
		})
	}
}

package visits_test

import (
	"context"
	"testing"
	"time"

	"highvibe/app/hours"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
	"highvibe/app/visits"
)

func TestAsksForVisit(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"Ne zaman gelebilirsiniz?":             true,
		"Keşfe ne zaman gelirsiniz":            true,
		"Ölçü almaya ne zaman uğrarsınız":      true,
		"When can you come and measure?":       true,
		"Taşlar ne zaman teslim edilir?":       false,
		"Siparişim hangi gün kargoya verilir?": false,
	} {
		if got := visits.AsksForVisit(text); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}

// When a customer asks when someone can come, the assistant proposes the earliest free time as a
// visit whose date waits in the approval queue; the customer hears nothing of a date before a
// person approves it. A delivery question proposes no visit.
func TestAssistantProposesAVisit(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	ctx := context.Background()
	ask, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "a1", Name: "Deniz",
		Body: "Merhaba, bahçe için parke taşı düşünüyoruz. Keşif için ne zaman gelebilirsiniz?"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "a2", Name: "Ece",
		Body: "Sipariş verdiğimiz taşlar ne zaman teslim edilir?"})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, db)
	vs, err := visits.ForConversation(ctx, db.Read, ask.ConversationID)
	if err != nil || len(vs) != 1 {
		t.Fatalf("visits proposed for the question: %d %v", len(vs), err)
	}
	v := vs[0]
	if v.ProposedBy != "assistant" || v.Status != visits.StatusProposed || v.RecommendationID == 0 || !v.AssignedTo(owner.UserID) ||
		v.Start().In(hours.DefaultLocation()).Hour() < 9 {
		t.Fatalf("assistant's visit: %+v", v)
	}
	if n := count(t, db, `SELECT count(*) FROM decision_recommendations WHERE id = ? AND status = 'pending' AND action_type = 'delivery_date' AND model_name = 'builtin-visits'`, v.RecommendationID); n != 1 {
		t.Errorf("the visit's date is not waiting in the queue")
	}
	if n := count(t, db, `SELECT count(*) FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'delivery_date'`, ask.ConversationID); n != 1 {
		t.Errorf("%d date recommendations, want only the visit's", n)
	}
	if n := count(t, db, confirmations) + count(t, db, `SELECT count(*) FROM messages WHERE body LIKE '%/v/acme.%'`); n != 0 {
		t.Errorf("the customer heard of the date before approval")
	}
	if l, _ := visits.ForConversation(ctx, db.Read, other.ConversationID); len(l) != 0 {
		t.Errorf("a delivery question proposed a visit")
	}
	// A second question in the same conversation proposes no second visit.
	if _, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "a1", Name: "Deniz", Body: "Yarın gelebilir misiniz?"}); err != nil {
		t.Fatal(err)
	}
	settle(t, db)
	if l, _ := visits.ForConversation(ctx, db.Read, ask.ConversationID); len(l) != 1 {
		t.Errorf("%d visits after a second question, want 1", len(l))
	}
}

// TestAssistantVisitNotForAViewer: the assistant proposed its site visit for the conversation's
// assignee whatever their role, so a conversation assigned to someone who is now a viewer got a
// visit for a person the booking form would refuse ("Only the owners and operators listed"). The
// assistant's proposal now takes the booking form's rule: a viewer assignee counts as none, and
// the visit goes to the owner as for an unassigned conversation; an operator assignee keeps it.
func TestAssistantVisitNotForAViewer(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")
	db := e.DB("acme")
	svc := &inbox.Service{Channels: channels.Registry()}
	ctx := context.Background()
	for _, c := range []struct {
		ext  string
		to   int64
		want int64
	}{{"v1", viewer.UserID, owner.UserID}, {"v2", op.UserID, op.UserID}} {
		first, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: c.ext, Name: "Deniz", Body: "Merhaba, bahçe için parke taşı düşünüyoruz."})
		if err != nil {
			t.Fatal(err)
		}
		settle(t, db)
		// Assigned to a member (the viewer: an operator then, made a viewer since).
		if _, err := db.Write.Exec(`UPDATE conversations SET assigned_user_id = ? WHERE id = ?`, c.to, first.ConversationID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: c.ext, Name: "Deniz", Body: "Keşif için ne zaman gelebilirsiniz?"}); err != nil {
			t.Fatal(err)
		}
		settle(t, db)
		vs, err := visits.ForConversation(ctx, db.Read, first.ConversationID)
		if err != nil || len(vs) != 1 {
			t.Fatalf("assigned to %d: %d visits proposed %v", c.to, len(vs), err)
		}
		if v := vs[0]; v.ProposedBy != "assistant" || len(v.Assignees) != 1 || !v.AssignedTo(c.want) {
			t.Errorf("assigned to %d: the assistant's visit goes to %v, want %d", c.to, v.Assignees, c.want)
		}
	}
}

// TestAssistantProposesAVisitOnItsOwnClock: the visit the assistant proposes is the earliest free
// time from the day after the assistant's clock (Assistant.Now), as every other decision of its
// triage is; it read the wall clock, so a test that set the clock got a visit for the day after
// the run instead. Asked on Friday 18 December 2026 at 15:00 in Istanbul, the first free time from
// the next day in the planning week (Saturday 10:00–14:00) is Saturday 10:00.
func TestAssistantProposesAVisitOnItsOwnClock(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.User("acme", "talha", "owner")
	db := e.DB("acme")
	ist := hours.DefaultLocation()
	e.Handlers.Assistant.Now = func() time.Time { return time.Date(2026, 12, 18, 15, 0, 0, 0, ist) }
	svc := &inbox.Service{Channels: channels.Registry()}
	ask, err := svc.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "c1", Name: "Deniz",
		Body: "Merhaba, bahçe için parke taşı düşünüyoruz. Keşif için ne zaman gelebilirsiniz?"})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, db)
	vs, err := visits.ForConversation(t.Context(), db.Read, ask.ConversationID)
	if err != nil || len(vs) != 1 {
		t.Fatalf("visits proposed for the question: %d %v", len(vs), err)
	}
	if got, want := vs[0].Start().In(ist), time.Date(2026, 12, 19, 10, 0, 0, 0, ist); !got.Equal(want) {
		t.Errorf("the assistant proposed %v, want the first free time after its clock's day, %v", got, want)
	}
}

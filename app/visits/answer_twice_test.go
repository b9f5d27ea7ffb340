package visits_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/visits"
)

// "Ask for another time" sent twice with the same message (a double tap, a phone resending the
// form, the back button and send again) is one answer: one event in the conversation and one
// notification to the people going, as accepting twice already is. A different message is a new
// answer.
func TestAskForAnotherTimeTwiceIsOneAnswer(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	ctx := context.Background()
	db := f.e.DB("acme")
	op := f.e.User("acme", "olga", "operator")
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: f.conv, Start: time.Now().Add(72 * time.Hour).Truncate(time.Hour), DurationMin: 60,
		Address: "Bağdat Cad. 12", Assignees: []int64{op.UserID}}, visits.Actor{UserID: op.UserID, Name: "olga"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: v.RecommendationID, Verb: "approve", Actor: approvals.Actor{Name: "talha"}}); err != nil {
		t.Fatal(err)
	}
	link := "/v/acme." + v.Token
	anon := f.e.Client()
	events := func(body string) int {
		return count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ? AND annotations LIKE '%visit_reschedule%' AND body = ?`, f.conv, body)
	}
	for range 2 {
		if r := anon.Post(link+"/reschedule", url.Values{"message": {"Cumartesi sabah olur mu?"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("ask for another time: %d %s", r.StatusCode, r.Body)
		}
	}
	if n := events("Cumartesi sabah olur mu?"); n != 1 {
		t.Errorf("the same request sent twice: %d events in the conversation, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM jobs WHERE payload LIKE '%visit_answer%'`); n != 1 {
		t.Errorf("the same request sent twice: %d notifications raised, want 1", n)
	}
	if r := anon.Post(link+"/reschedule", url.Values{"message": {"Ya da pazartesi öğleden sonra?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("another request: %d", r.StatusCode)
	}
	if n := events("Ya da pazartesi öğleden sonra?"); n != 1 {
		t.Errorf("a new message: %d events, want 1", n)
	}
}

package visits_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/visits"
)

// A confirmed visit whose time has passed takes no answer from the customer's link: accepting it
// or asking for another time is refused (409) with the page, in the customer's language, saying
// the time has passed and to contact the business; nothing is stored (no answer, no message in
// the conversation, no notification). Opening the link shows the same, without the buttons.
func TestAnswerAfterTheVisitTimeIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t, true)
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
	settle(t, db) // the confirmation is sent, with the link, in Turkish
	// The visit's time comes: it started half an hour ago (the clock moves; the row says when).
	if _, err := db.Write.ExecContext(ctx, `UPDATE site_visits SET starts_at = ? WHERE id = ?`, time.Now().Add(-30*time.Minute).UnixMilli(), v.ID); err != nil {
		t.Fatal(err)
	}
	link := "/v/acme." + v.Token
	anon := f.e.Client()
	const past = "saati geçti"
	r := anon.Get(link)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the link of a past visit: %d", r.StatusCode)
	}
	if doc := r.Doc(t); !strings.Contains(doc.Find("[data-past]").Text(), past) || doc.Find("[data-accept], [data-other]").Length() != 0 {
		t.Fatalf("the past visit's page does not say, in Turkish, that its time has passed, or still offers answers: %s", r.Doc(t).Find("main").Text())
	}
	msgs := count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ?`, f.conv)
	jobs := count(t, db, `SELECT count(*) FROM jobs WHERE payload LIKE '%visit_answer%'`)
	for _, a := range []struct{ path, message string }{{"/accept", ""}, {"/reschedule", "Yarın olur mu?"}} {
		r := anon.Post(link+a.path, url.Values{"message": {a.message}})
		if r.StatusCode != http.StatusConflict {
			t.Errorf("%s on a past visit: %d, want 409", a.path, r.StatusCode)
		}
		if doc := r.Doc(t); !strings.Contains(doc.Find("[data-past]").Text(), past) {
			t.Errorf("%s on a past visit: the page does not say its time has passed: %.1500s", a.path, r.Body)
		}
	}
	if got, _ := visits.ByID(ctx, db.Read, v.ID); got.CustomerAnswer != "" || got.CustomerAnswerAt != 0 {
		t.Errorf("an answer was stored on the past visit: %q", got.CustomerAnswer)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ?`, f.conv); n != msgs {
		t.Errorf("the refused answers added %d messages", n-msgs)
	}
	if n := count(t, db, `SELECT count(*) FROM jobs WHERE payload LIKE '%visit_answer%'`); n != jobs {
		t.Errorf("the refused answers raised %d notifications", n-jobs)
	}
}

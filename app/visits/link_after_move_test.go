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

// The customer opens the link of a confirmation after the business moved the visit (its new
// date waits for approval): the page says the appointment has changed, in the customer's
// language, instead of "page not found", and shows neither the new date nobody approved yet nor
// the buttons; an answer sent from an old copy of the page is refused the same way (409) and
// stores nothing. A link of a visit never confirmed to the customer stays a 404.
func TestTheLinkOfAMovedVisitSaysItChanged(t *testing.T) {
	t.Parallel()
	f := setup(t, true)
	ctx := context.Background()
	db := f.e.DB("acme")
	op := f.e.User("acme", "olga", "operator")
	a := visits.Actor{UserID: op.UserID, Name: "olga"}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: f.conv, Start: start, DurationMin: 60, Address: "Bağdat Cad. 12",
		Assignees: []int64{op.UserID}}, a)
	if err != nil {
		t.Fatal(err)
	}
	anon := f.e.Client()
	link := "/v/acme." + v.Token
	if r := anon.Get(link); r.StatusCode != http.StatusNotFound {
		t.Fatalf("the link before approval: %d, want 404", r.StatusCode)
	}
	if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: v.RecommendationID, Verb: "approve", Actor: approvals.Actor{Name: "talha"}}); err != nil {
		t.Fatal(err)
	}
	settle(t, db)
	if n := count(t, db, confirmations); n != 1 {
		t.Fatalf("%d confirmations, want 1", n)
	}
	moved := start.Add(48 * time.Hour)
	if _, err := visits.Reschedule(ctx, db, v.ID, moved, 0, a); err != nil {
		t.Fatal(err)
	}
	r := anon.Get(link)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the link after the move: %d, want 200 with the page saying it changed", r.StatusCode)
	}
	doc := r.Doc(t)
	if doc.Find("[data-closed]").Length() != 1 || !strings.Contains(doc.Find("[data-closed]").Text(), "değişti") {
		t.Errorf("the moved visit's page does not say, in Turkish, that it changed: %.600s", r.Body)
	}
	if doc.Find("[data-accept], [data-other], [data-when]").Length() != 0 {
		t.Errorf("the moved visit's page offers answers or shows a date")
	}
	if strings.Contains(r.Body, moved.Format("02.01.2006")) {
		t.Errorf("the page shows the new date nobody approved yet")
	}
	before := count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ?`, f.conv)
	if r := anon.Post(link+"/accept", url.Values{}); r.StatusCode != http.StatusConflict {
		t.Errorf("accept from an old page: %d, want 409", r.StatusCode)
	}
	if got, _ := visits.ByID(ctx, db.Read, v.ID); got.CustomerAnswer != "" {
		t.Errorf("an answer was stored on the moved visit: %q", got.CustomerAnswer)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ?`, f.conv); n != before {
		t.Errorf("the refused answer added %d messages", n-before)
	}
}

package visits_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/visits"
)

// TestTheCustomersVisitPageOffersNoPanelMenu: the page a customer opens from a site visit's
// confirmation shows the appointment and the language choice, not the panel's menu: it had the ☰
// button with the operators' guide and "Giriş yap" (sign in), and its HighVibe name linked to
// HighVibe's own landing page, as the quote page did before it was given the customer's layout.
func TestTheCustomersVisitPageOffersNoPanelMenu(t *testing.T) {
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
	for _, lang := range []string{"tr", "ar"} {
		r := f.e.Client().Get("/v/acme." + v.Token + "?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("the customer's visit page: %d", r.StatusCode)
		}
		doc := r.Doc(t)
		if doc.Find("#visit-public [data-accept]").Length() != 1 {
			t.Fatalf("%s: the page does not show the visit to accept: %.400s", lang, r.Body)
		}
		if n := doc.Find(`[data-nav-toggle], #main-nav, a[href="/login/"], a[href="/guide"]`).Length(); n != 0 {
			t.Errorf("%s: the customer's visit page offers the panel's menu (%d elements)", lang, n)
		}
		if doc.Find("details.lang-switch").Length() != 1 {
			t.Errorf("%s: the customer's visit page lost its language choice", lang)
		}
		if brand := doc.Find(".topbar-brand"); brand.Length() != 1 || goquery.NodeName(brand) == "a" || doc.Find(`a[href="/"]`).Length() != 0 {
			t.Errorf("%s: the customer's visit page links its HighVibe name to the landing page", lang)
		}
	}
}

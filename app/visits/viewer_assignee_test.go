package visits_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestVisitNotBookedForAViewer: the booking form offers owners and operators to send to the
// customer's site, not viewers; a viewer posted anyway is refused with the reason at the field.
func TestVisitNotBookedForAViewer(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	op := f.e.User("acme", "olga", "operator")
	viewer := f.e.User("acme", "vera", "viewer")
	conv, who := strconv.FormatInt(f.conv, 10), strconv.FormatInt(op.UserID, 10)
	form := op.Get("/app/visits/book?lang=en&conversation_id=" + conv + "&assignee=" + who + "&duration=60").Doc(t)
	var offered []string
	form.Find(`[name="assignee"]`).Each(func(_ int, s *goquery.Selection) { offered = append(offered, s.AttrOr("value", "")) })
	vid := strconv.FormatInt(viewer.UserID, 10)
	for _, v := range offered {
		if v == vid {
			t.Errorf("the viewer is offered as someone to go: %v", offered)
		}
	}
	var slot string
	form.Find("[data-slot]").First().Each(func(_ int, s *goquery.Selection) { slot = s.AttrOr("value", "") })
	r := op.Post("/app/visits/book?lang=en", url.Values{"conversation_id": {conv}, "assignee": {vid}, "duration": {"60"}, "start": {slot}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find(".field-error").Text(), "Only the owners and operators listed") {
		t.Errorf("a viewer sent to a visit: %d", r.StatusCode)
	}
}

package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/approvals"
	"highvibe/app/i18n"
	"highvibe/app/words"
)

// TestSiteVisitIsItsOwnKind: the queue's Kind filter had no site-visit choice, and a proposed
// visit's date showed as a "delivery date" item (it is stored with that action type). A visit
// proposal is now its own kind, "site visit", in the filter (six languages) and on its card;
// kind=site_visit shows only visits, kind=delivery_date only the dates customers asked for, and
// an unknown kind is named by the shared ignored-filter notice.
func TestSiteVisitIsItsOwnKind(t *testing.T) {
	f := setup(t)
	db := f.e.DB("acme")
	create := func(n approvals.New) int64 {
		t.Helper()
		var id int64
		if err := db.InTx(context.Background(), func(tx *sql.Tx) error {
			var err error
			id, _, err = approvals.Create(context.Background(), tx, n)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// As app/visits proposes a visit's date, and as the assistant proposes a delivery date.
	visit := create(approvals.New{ConversationID: f.conv, Title: "Site visit 2026-12-09 10:00", Summary: "60 min", RecommendedAction: "/app/visits/1/",
		Priority: "high", ActionType: "delivery_date", Confidence: 1, ModelName: "human-review", DedupeKey: "visit:1:1",
		Words: words.Rec{Key: "visits.rec", At: 1796810400000, SummaryArgs: []any{60, "Deniz"}}.JSON()})
	date := create(approvals.New{ConversationID: f.conv, Title: "Delivery date", Priority: "medium", ActionType: "delivery_date",
		Confidence: 0.7, ModelName: "builtin-3", DedupeKey: "conv:1:delivery_date"})
	op := f.e.User("acme", "olga", "operator")
	for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
		p := i18n.For(lang)
		want := p.T("approvals.type_site_visit")
		if want == "approvals.type_site_visit" || (lang != "en" && want == i18n.For("en").T("approvals.type_site_visit")) {
			t.Errorf("%s: the site-visit kind has no words of its own: %q", lang, want)
		}
		doc := op.Get("/app/approvals/?lang=" + lang).Doc(t)
		if got := strings.TrimSpace(doc.Find(`select[name=kind] option[value=site_visit]`).Text()); got != want {
			t.Errorf("%s: the kind filter's site-visit choice reads %q, want %q", lang, got, want)
		}
		if got := strings.TrimSpace(doc.Find(fmt.Sprintf("#rec-%d .badge", visit)).First().Text()); got != want {
			t.Errorf("%s: the visit's card is labelled %q, want %q", lang, got, want)
		}
		if got, dd := strings.TrimSpace(doc.Find(fmt.Sprintf("#rec-%d .badge", date)).First().Text()), p.T("approvals.type_delivery_date"); got != dd {
			t.Errorf("%s: the delivery date's card is labelled %q, want %q", lang, got, dd)
		}
	}
	for kind, want := range map[string]int64{"site_visit": visit, "delivery_date": date} {
		doc := op.Get("/app/approvals/?lang=en&kind=" + kind).Doc(t)
		var got []string
		doc.Find(`#queue [id^="rec-"]`).Each(func(_ int, s *goquery.Selection) {
			got = append(got, s.AttrOr("id", ""))
		})
		if len(got) != 1 || got[0] != fmt.Sprintf("rec-%d", want) {
			t.Errorf("kind=%s lists %v, want only rec-%d", kind, got, want)
		}
		if doc.Find(".ignored-filters").Length() != 0 {
			t.Errorf("kind=%s: an ignored-filter notice for a known kind", kind)
		}
	}
	doc := op.Get("/app/approvals/?lang=en&kind=visit_or_whatever").Doc(t)
	if note := doc.Find(`.ignored-filters [data-ignored-filter="kind"]`).Text(); !strings.Contains(note, "visit_or_whatever") {
		t.Errorf("kind=visit_or_whatever: notice %q, want the shared ignored-filter notice naming it", note)
	}
	if n := doc.Find(`#queue [id^="rec-"]`).Length(); n != 2 {
		t.Errorf("kind=visit_or_whatever lists %d recommendations, want the whole queue (2)", n)
	}
}

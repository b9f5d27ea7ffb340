package quotes_test

import (
	"context"
	"testing"

	"highvibe/app/quotes"
)

// A done site visit starts a draft with one m² line of the measured area (no price yet) and the
// visit's notes; an area of nothing is refused with nothing stored.
func TestFromVisit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	db := f.e.DB("acme")
	a := quotes.Actor{UserID: 1, Name: "olga"}
	if _, err := quotes.FromVisit(ctx, db, f.conv, a, quotes.Defaults{Currency: "TRY", Language: "tr"}, 0, func(string) (string, string) { return "Ölçülen alan", "" }); err == nil {
		t.Fatal("an area of 0 made a quote")
	}
	if n := f.count(t, `SELECT count(*) FROM quotes`); n != 0 {
		t.Fatalf("%d quotes after a refused draft", n)
	}
	q, err := quotes.FromVisit(ctx, db, f.conv, a, quotes.Defaults{Currency: "TRY", Language: "tr"}, 4250,
		func(lang string) (string, string) {
			return "Ölçülen alan (keşif) " + lang, "Keşif ölçülerine göre hazırlanmıştır."
		})
	if err != nil {
		t.Fatal(err)
	}
	got, err := quotes.Load(ctx, db, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "draft" || got.ConversationID != f.conv || got.Note != "Keşif ölçülerine göre hazırlanmıştır." || len(got.Lines) != 1 {
		t.Fatalf("draft: %+v", got)
	}
	l := got.Lines[0]
	if l.Kind != "product" || l.Name != "Ölçülen alan (keşif) "+got.Language || l.Unit != "m²" || l.Quantity != 42500 || l.UnitPrice != 0 || got.Totals.Grand != 0 {
		t.Errorf("line: %+v, total %d", l, got.Totals.Grand)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE provider = 'quotes' AND payload LIKE '%"from":"site_visit"%'`); n != 1 {
		t.Errorf("%d action log rows for the visit's draft", n)
	}
}

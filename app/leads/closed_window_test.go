package leads_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/leads"
)

// The board's Won and Lost columns count the leads won or lost in the last 30 days. They counted
// every won or lost lead touched in that time: a sale of two months ago came back into "Won" with
// its value when its customer wrote "thank you" or someone corrected its expected value, so the
// column's count and sum said this month sold more than it did. A lead won today counts, however
// old the lead.
func TestBoardOutcomesCountWhenWonNotWhenTouched(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	op := e.User("parke", "ayse", "operator")
	old := time.Now().AddDate(0, 0, -40).UnixMilli()
	var sold, lost, fresh int64
	err := e.DB("parke").InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		if sold, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "o-1", Name: "Eski Satış", Phone: "+90 532 777 88 99",
			Stage: "won", Source: "import", ExpectedValue: 90000, CreatedAt: old}); err != nil {
			return err
		}
		if lost, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "o-2", Name: "Eski Kayıp",
			Stage: "lost", Source: "import", ExpectedValue: 5000, CreatedAt: old}); err != nil {
			return err
		}
		fresh, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "o-3", Name: "Bugün Kazanılan",
			Stage: "proposal", Source: "import", ExpectedValue: 12000, CreatedAt: old})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Today: the old customer writes again, the old values are corrected, the third lead is won.
	seed(t, e, "parke", "whatsapp", "905327778899", "Eski Satış", "+90 532 777 88 99", "Teşekkürler, taşlar çok güzel oldu", nil)
	for _, id := range []int64{sold, lost} {
		if r := op.Post(fmt.Sprintf("/app/leads/%d/value", id), url.Values{"expected_value": {"250000"}}); r.StatusCode != 303 {
			t.Fatalf("value: %d %s", r.StatusCode, r.Body)
		}
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", fresh), url.Values{"stage": {"won"}}); r.StatusCode != 303 {
		t.Fatalf("won: %d", r.StatusCode)
	}
	if s := stageOf(t, e, "parke", sold); s != "won" {
		t.Fatalf("the old sale is %s", s)
	}
	for _, board := range []string{"/app/pipeline/", "/app/pipeline/?source=import"} {
		doc := op.Get(board).Doc(t)
		won, lostCol := doc.Find(`[data-column="won"]`), doc.Find(`[data-column="lost"]`)
		if got := won.Find("[data-count]").Text(); got != "1" {
			t.Errorf("%s: won count %s", board, got)
		}
		if got := won.Find("[data-sum]").Text(); !strings.Contains(got, "12.000") {
			t.Errorf("%s: won sum %q", board, got)
		}
		if won.Find(fmt.Sprintf(`[data-card="%d"]`, sold)).Length() != 0 {
			t.Errorf("%s: the sale of 40 days ago is under won", board)
		}
		if got := lostCol.Find("[data-count]").Text(); got != "0" {
			t.Errorf("%s: lost count %s", board, got)
		}
	}
}

// The Won column's "All N in the list" opens a list of those N: it opened every won lead ever
// ("All 22 in the list" led to 75 rows), so the board and the list disagreed. The link now carries
// the column's first day as the list's "Reached its stage from" filter, which the list shows and
// keeps; the board's window starts at that day's midnight in the business's time zone.
func TestBoardOutcomeLinkListsTheSameLeads(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	op := e.User("parke", "ayse", "operator")
	// The business's days, not the server's: a zone three hours or more away.
	loc := apptest.FarZone(t)
	apptest.SetZone(t, e.User("parke", "osman", "owner"), loc.String())
	old := time.Now().AddDate(0, 0, -40).UnixMilli()
	err := e.DB("parke").InTx(context.Background(), func(tx *sql.Tx) error {
		for i := 0; i < 30; i++ { // won 40 days ago
			if _, _, err := inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: fmt.Sprintf("old-%d", i), Name: fmt.Sprintf("Eski %d", i),
				Stage: "won", Source: "import", CreatedAt: old}); err != nil {
				return err
			}
		}
		for i := 0; i < 25; i++ { // won today
			if _, _, err := inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: fmt.Sprintf("new-%d", i), Name: fmt.Sprintf("Yeni %d", i),
				Stage: "won", Source: "import"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := op.Get("/app/pipeline/").Doc(t)
	won := doc.Find(`[data-column="won"]`)
	if got := won.Find("[data-count]").Text(); got != "25" {
		t.Fatalf("won count %s", got)
	}
	link, ok := won.Find(`a[href^="/app/leads/?stage=won"]`).Attr("href")
	if !ok {
		t.Fatal("no link to the list")
	}
	list := op.Get(link)
	if list.StatusCode != 200 {
		t.Fatalf("list %s: %d", link, list.StatusCode)
	}
	ldoc := list.Doc(t)
	rows := ldoc.Find("[data-lead]").Length()
	if more := ldoc.Find(`a[href*="cursor="]`).Length(); rows != 25 || more != 0 {
		t.Errorf("%s lists %d leads (more: %d), the board says 25", link, rows, more)
	}
	day := time.Now().In(loc).AddDate(0, 0, -leads.ClosedDays).Format(time.DateOnly)
	if v, _ := ldoc.Find(`input[name="moved"]`).Attr("value"); v != day {
		t.Errorf("the list's stage-reached filter shows %q, want %q", v, day)
	}
	// A day that is not one is left out, and said above the list.
	if r := op.Get("/app/leads/?stage=won&moved=2026-13-40"); r.StatusCode != 200 || r.Doc(t).Find(`[data-ignored-filter="moved"]`).Length() != 1 {
		t.Errorf("bad day: %d, no line about the ignored day", r.StatusCode)
	}
}

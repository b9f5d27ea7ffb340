package visits_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// The KPI page's site visit cards, by hand: 4 visits booked (2 done, 1 no-show, 1 proposed) →
// no-show rate 1 / (2 + 1) = 33.3 %; the two leads with a done visit reached it 2 h and 6 h after
// their first message → median 4 h; one of those two leads is won → 50 %.
func TestVisitKPI(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	ctx := context.Background()
	db := f.e.DB("acme")
	first := func(conv int64) time.Time {
		var ms int64
		if err := db.Read.QueryRow(`SELECT min(created_at) FROM messages WHERE conversation_id = ? AND direction = 'inbound'`, conv).Scan(&ms); err != nil {
			t.Fatal(err)
		}
		return time.UnixMilli(ms)
	}
	done := func(conv int64, after time.Duration, status string) {
		v := f.book(t, conv, time.Now().Add(time.Hour), f.op.UserID)
		if _, err := db.Exec(ctx, `UPDATE site_visits SET status = ?, starts_at = ?, approved_at = 1 WHERE id = ?`, status, first(conv).Add(after).UnixMilli(), v.ID); err != nil {
			t.Fatal(err)
		}
	}
	done(f.conv, 2*time.Hour, "done")
	done(f.conv2, 6*time.Hour, "done")
	done(f.conv2, 30*time.Hour, "no_show")
	f.book(t, f.conv, time.Now().Add(72*time.Hour), f.op.UserID)
	won := "won"
	if err := (&inbox.Service{Channels: channels.Registry()}).Update(ctx, "acme", db, f.conv, inbox.Change{State: &won, ActorName: "talha"}); err != nil {
		t.Fatal(err)
	}

	if r := f.owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh: %d", r.StatusCode)
	}
	snap, err := analytics.Latest(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	k := snap.KPI
	if k.VisitsBooked != 4 || k.VisitsDone != 2 || k.VisitNoShowRate != 33.3 || k.VisitLeadHours != 4 || k.VisitWonRate != 50 {
		t.Errorf("visit KPI: booked %d done %d no-show %v%% hours %v won %v%%", k.VisitsBooked, k.VisitsDone, k.VisitNoShowRate, k.VisitLeadHours, k.VisitWonRate)
	}
	doc := f.owner.Get("/app/analytics/?lang=tr").Doc(t)
	for key, want := range map[string]string{"visits_booked": "4", "visits_done": "2", "visit_no_show_rate": "%33,3", "visit_won_rate": "%50,0"} {
		card := doc.Find(`[data-kpi="` + key + `"] .card-value`)
		if got := strings.TrimSpace(card.Text()); got != want {
			t.Errorf("card %s shows %q, want %q", key, got, want)
		}
	}
	if got := doc.Find(`[data-kpi="visit_lead_hours"] .card-title, [data-kpi="visit_lead_hours"] summary`).First().Text(); !strings.Contains(got, "Keşfe kadar geçen süre") {
		t.Errorf("time-to-visit card reads %q", strings.Join(strings.Fields(got), " "))
	}
}

package analytics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestResponseTimeInBusinessTime: a customer writes on Friday at 17:30, the assistant answers at
// once (not counted) and a person on Monday at 09:30. The KPI page shows 64 h in clock time and,
// with Monday–Friday 09:00–18:00, 1 h in business time, each labelled as such.
func TestResponseTimeInBusinessTime(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	ctx := context.Background()
	db := e.DB("acme")
	ist, _ := time.LoadLocation("Europe/Istanbul")
	// The last Friday at least four days back, 17:30 in Istanbul.
	fri := time.Now().In(ist).AddDate(0, 0, -4)
	for fri.Weekday() != time.Friday {
		fri = fri.AddDate(0, 0, -1)
	}
	fri = time.Date(fri.Year(), fri.Month(), fri.Day(), 17, 30, 0, 0, ist)
	res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "r1", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	ai, err := e.Handlers.InboxService.AddMessage(ctx, "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", AuthorName: "Asistan", Body: "Merhaba!"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	person, err := e.Handlers.InboxService.AddMessage(ctx, "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "Olga", Body: "Günaydın"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	for id, at := range map[int64]time.Time{res.MessageID: fri, ai: fri.Add(time.Minute), person: fri.Add(64 * time.Hour)} {
		if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, at.UnixMilli(), id); err != nil {
			t.Fatal(err)
		}
	}
	owner := e.User("acme", "olga", "owner")
	tr := i18n.For("tr")
	figure := func(key string) string {
		t.Helper()
		return strings.TrimSpace(owner.Get("/app/analytics/?lang=tr").Doc(t).Find(`#response-time [data-kpi=` + key + `]`).Text())
	}
	if got, want := figure("response_wall"), tr.T("hours.dur.h", 64); got != want {
		t.Errorf("clock time %q, want %q", got, want)
	}
	if got := figure("response_business"); got != tr.T("hours.dur.h", 64) {
		t.Errorf("without business hours the business figure is %q, want the clock time", got)
	}
	cfg := hours.Config{Enabled: true, Zone: "Europe/Istanbul", AfterHours: hours.ModeAck}
	for d := time.Monday; d <= time.Friday; d++ {
		cfg.Week[d] = []hours.Interval{{From: 9 * 60, To: 18 * 60}}
	}
	if err := hoursdb.Save(ctx, db, cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, want := figure("response_business"), tr.T("hours.dur.h", 1); got != want {
		t.Errorf("business time %q, want %q", got, want)
	}
	if !strings.Contains(owner.Get("/app/analytics/?lang=tr").Body, tr.T("hours.kpi.median_business")) {
		t.Error("the business-time figure is not labelled")
	}
}

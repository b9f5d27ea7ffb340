package analytics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"highvibe/app/analytics"
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
	// Without business hours the two figures would be the same number twice: one card, and a note
	// that says why and how to see business time.
	if got := figure("response_business"); got != "" {
		t.Errorf("without business hours a business-time card reads %q, the clock time again", got)
	}
	if page := owner.Get("/app/analytics/?lang=tr").Doc(t); !strings.Contains(page.Find(`#response-time [data-no-hours]`).Text(), tr.T("hours.kpi.no_hours")) ||
		!strings.Contains(page.Find(`#response-time .card-title`).Text(), tr.T("hours.kpi.median")) {
		t.Error("without business hours the page does not say the figure is clock time")
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
	if owner.Get("/app/analytics/?lang=tr").Doc(t).Find(`#response-time [data-no-hours]`).Length() != 0 {
		t.Error("with business hours the page still says they are not in use")
	}
}

// The response time counts the reply that reached the customer: a person's reply the channel
// refused (failed) answers nothing, and a reply written at once but sent later (Send later)
// answered when it went out, not when it was written. A customer who writes and gets a failed
// reply after 10 minutes and a send-later one that goes out 3 hours later waited 3 hours
// (it said 10 minutes); a conversation whose only reply still waits for its time is not answered.
func TestResponseTimeCountsTheReplyThatWent(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	ctx := context.Background()
	db := e.DB("acme")
	t0 := time.Now().Add(-48 * time.Hour)
	reply := func(conv int64, at time.Time, status string, scheduled any) {
		t.Helper()
		id, err := e.Handlers.InboxService.AddMessage(ctx, "acme", db, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "Olga", Body: "Merhaba"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ?, delivery_status = ?, scheduled_at = ? WHERE id = ?`, at.UnixMilli(), status, scheduled, id); err != nil {
			t.Fatal(err)
		}
	}
	first := func(ext string) int64 {
		t.Helper()
		res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: ext, Phone: "+90532000000" + ext, Body: "Fiyat?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, t0.UnixMilli(), res.MessageID); err != nil {
			t.Fatal(err)
		}
		return res.ConversationID
	}
	a := first("1")
	reply(a, t0.Add(10*time.Minute), "failed", nil)
	reply(a, t0.Add(20*time.Minute), "sent", t0.Add(3*time.Hour).UnixMilli())
	b := first("2")
	reply(b, t0.Add(5*time.Minute), "queued", time.Now().Add(time.Hour).UnixMilli())
	r, err := analytics.ResponseTimes(ctx, db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r.Answered != 1 || r.MedianWall != 3*time.Hour {
		t.Errorf("answered %d, median %s; want 1 answered after 3h", r.Answered, r.MedianWall)
	}
}

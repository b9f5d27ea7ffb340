package inbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestInboxWaitingInBusinessTime: a customer waiting for 72 hours, of which the business was
// closed for the two whole days in between, shows "waiting 24 h in business time"; without
// business hours the same row shows the clock time, in days from two days on ("3 gün"), not
// labelled as business time.
func TestInboxWaitingInBusinessTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	db := e.DB("acme")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "w1", Name: "Deniz", Body: "Merhaba, ne zaman dönersiniz?"})
	now := time.Now().UTC()
	if _, err := db.Exec(ctx, `UPDATE conversations SET waiting_since = ? WHERE id = ?`, now.Add(-72*time.Hour).UnixMilli(), res.ConversationID); err != nil {
		t.Fatal(err)
	}
	owner := e.User("acme", "olga", "owner")
	tr := i18n.For("tr")
	pill := func() string {
		t.Helper()
		return strings.TrimSpace(owner.Get("/app/inbox/?lang=tr").Doc(t).Find(".inbox-row .pill.waiting").First().Text())
	}
	if got, want := pill(), tr.T("hours.waiting_wall", tr.Plural("hours.dur.d", 3)); got != want || !strings.Contains(got, "3 gün") {
		t.Errorf("without business hours: %q, want %q", got, want)
	}
	cfg := hours.Config{Enabled: true, Zone: "UTC", AfterHours: hours.ModeAck}
	for d := range cfg.Week {
		cfg.Week[d] = []hours.Interval{{From: 0, To: 1440}}
	}
	for _, back := range []int{1, 2} {
		cfg.Closed = append(cfg.Closed, hours.ClosedDay{Date: now.AddDate(0, 0, -back).Format(time.DateOnly)})
	}
	if err := hoursdb.Save(ctx, db, cfg, now); err != nil {
		t.Fatal(err)
	}
	if got, want := pill(), tr.T("hours.waiting", tr.T("hours.dur.h", 24)); got != want {
		t.Errorf("with business hours: %q, want %q", got, want)
	}
	// A wait that fell wholly outside the opening hours (today closed too, the message in since
	// yesterday) says it came in after hours, not "waiting 0 min in business time".
	if _, err := db.Exec(ctx, `UPDATE conversations SET waiting_since = ? WHERE id = ?`, now.Add(-30*time.Hour).UnixMilli(), res.ConversationID); err != nil {
		t.Fatal(err)
	}
	cfg.Closed = append(cfg.Closed, hours.ClosedDay{Date: now.Format(time.DateOnly)})
	if err := hoursdb.Save(ctx, db, cfg, now); err != nil {
		t.Fatal(err)
	}
	if got, want := pill(), tr.T("hours.waiting_after"); got != want {
		t.Errorf("a wait wholly outside business hours: %q, want %q", got, want)
	}
}

package visits_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/visits"
)

type fixture struct {
	e    *apptest.Env
	conv int64
	lead int64
}

// setup starts a server (no job runner unless jobs) with tenant acme (Turkish) and one webchat
// conversation.
func setup(t *testing.T, jobs bool) *fixture {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: !jobs})
	e.Tenant("acme", "parke_tas", "tr")
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v1", Name: "Deniz Yılmaz",
		Body: "Merhaba, bahçeye 120 m2 granit döşetmek istiyoruz."})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{e: e, conv: res.ConversationID, lead: res.LeadID}
}

func TestBookProposesTheDateForApproval(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	ctx := context.Background()
	db := f.e.DB("acme")
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: f.conv, Start: start, DurationMin: 60, Address: "Bağdat Cad. 12, Kadıköy",
		Assignees: []int64{7, 3, 7}}, visits.Actor{UserID: 3, Name: "talha"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := visits.ByID(ctx, db.Read, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != visits.StatusProposed || got.RecommendationID == 0 || got.StartsAt != start.UnixMilli() || fmt.Sprint(got.Assignees) != "[3 7]" ||
		got.MapURL == "" || got.Token == "" || got.LeadID != f.lead {
		t.Fatalf("stored visit: %+v", got)
	}
	rec, err := approvals.ByID(ctx, db.Read, got.RecommendationID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != "pending" || rec.ActionType != "delivery_date" || rec.RecommendedAction != fmt.Sprintf("/app/visits/%d/", v.ID) || rec.ConversationID != f.conv {
		t.Fatalf("recommendation: %+v", rec)
	}
	if by, err := visits.ByRecommendation(ctx, db.Read, rec.ID); err != nil || by.ID != v.ID {
		t.Fatalf("ByRecommendation: %v %v", by, err)
	}
	for _, c := range []struct {
		name string
		user int64
		want int
	}{{"everyone", 0, 1}, {"assignee", 7, 1}, {"not assigned", 5, 0}} {
		l, err := visits.ListRange(ctx, db.Read, start.Add(-time.Hour), start.Add(time.Hour), c.user)
		if err != nil || len(l) != c.want {
			t.Errorf("ListRange %s: %d visits, %v; want %d", c.name, len(l), err, c.want)
		}
	}
	if l, err := visits.ListRange(ctx, db.Read, start.Add(time.Minute), start.Add(time.Hour), 0); err != nil || len(l) != 0 {
		t.Errorf("ListRange after the start: %d, %v", len(l), err)
	}
	if l, err := visits.ForLead(ctx, db.Read, f.lead); err != nil || len(l) != 1 || l[0].ID != v.ID {
		t.Errorf("ForLead: %v %v", l, err)
	}
}

func TestBookRefusesBadInputAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	ctx := context.Background()
	db := f.e.DB("acme")
	ok := visits.Booking{ConversationID: f.conv, Start: time.Now().Add(24 * time.Hour), DurationMin: 60, Assignees: []int64{1}, Members: []int64{1, 2}}
	for name, mod := range map[string]func(b *visits.Booking){
		"past":         func(b *visits.Booking) { b.Start = time.Now().Add(-time.Hour) },
		"no start":     func(b *visits.Booking) { b.Start = time.Time{} },
		"short":        func(b *visits.Booking) { b.DurationMin = 5 },
		"no assignee":  func(b *visits.Booking) { b.Assignees = nil },
		"not a member": func(b *visits.Booking) { b.Assignees = []int64{9} },
		"address too long": func(b *visits.Booking) {
			b.Address = string(make([]rune, 501))
		},
	} {
		b := ok
		mod(&b)
		_, err := visits.Book(ctx, db, b, visits.Actor{UserID: 1, Name: "talha"})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.KindInvalid {
			t.Errorf("%s: %v, want a field error", name, err)
		}
	}
	var n int
	if err := db.Read.QueryRow(`SELECT (SELECT count(*) FROM site_visits) + (SELECT count(*) FROM decision_recommendations)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("stored after bad input: %d rows, %v", n, err)
	}
}

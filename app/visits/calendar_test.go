package visits_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/hours"
	"highvibe/app/inbox"
	"highvibe/app/quotes"
	"highvibe/app/visits"
)

// calFix is a tenant (Turkish) with an owner, an operator, a viewer and two conversations.
type calFix struct {
	e                 *apptest.Env
	owner, op, viewer *apptest.Client
	conv, conv2       int64
	lead              int64
}

func calSetup(t *testing.T) *calFix {
	t.Helper()
	return calSetupWith(t, apptest.Options{NoJobs: true})
}

// calSetupWith is calSetup on a server started with o.
func calSetupWith(t *testing.T, o apptest.Options) *calFix {
	t.Helper()
	e := apptest.NewWith(t, o)
	e.Tenant("acme", "parke_tas", "tr")
	svc := &inbox.Service{Channels: channels.Registry()}
	ctx := context.Background()
	res, err := svc.Ingest(ctx, "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "c1", Name: "Deniz Yılmaz",
		Body: "Merhaba, bahçeye granit döşetmek istiyoruz. Ne zaman gelebilirsiniz?"})
	if err != nil {
		t.Fatal(err)
	}
	res2, err := svc.Ingest(ctx, "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "c2", Name: "Ayşe Kara", Body: "Keşif rica ediyorum."})
	if err != nil {
		t.Fatal(err)
	}
	return &calFix{e: e, owner: e.User("acme", "talha", "owner"), op: e.User("acme", "olga", "operator"), viewer: e.User("acme", "vera", "viewer"),
		conv: res.ConversationID, conv2: res2.ConversationID, lead: res.LeadID}
}

// book stores a proposed visit for conv at start with the assignees.
func (f *calFix) book(t *testing.T, conv int64, start time.Time, who ...int64) *visits.Visit {
	t.Helper()
	v, err := visits.Book(context.Background(), f.e.DB("acme"), visits.Booking{ConversationID: conv, Start: start, DurationMin: 90,
		Address: "Bağdat Cad. 12, Kadıköy", Assignees: who}, visits.Actor{UserID: f.owner.UserID, Name: "talha"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// confirm marks a visit confirmed as an approval would (the approval flow is the core's; these
// tests are about the calendar).
func (f *calFix) confirm(t *testing.T, id int64) {
	t.Helper()
	if _, err := f.e.DB("acme").Exec(context.Background(), `UPDATE site_visits SET status = 'confirmed', approved_at = ?, approved_by_name = 'talha' WHERE id = ?`,
		time.Now().UnixMilli(), id); err != nil {
		t.Fatal(err)
	}
}

func (f *calFix) visit(t *testing.T, id int64) *visits.Visit {
	t.Helper()
	v, err := visits.ByID(context.Background(), f.e.DB("acme").Read, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// nextMonday10 is 10:00 (the business's zone: the default, no hours saved) on the Monday of next week.
func nextMonday10() time.Time {
	loc := hours.DefaultLocation()
	d := visits.WeekStart(time.Now().In(loc), loc).AddDate(0, 0, 7)
	return d.Add(10 * time.Hour)
}

func TestCalendarWeekDayAndAgenda(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	mon := nextMonday10()
	a := f.book(t, f.conv, mon, f.op.UserID)
	b := f.book(t, f.conv2, mon.AddDate(0, 0, 2).Add(4*time.Hour), f.owner.UserID)
	f.confirm(t, b.ID)
	week := mon.Format("2006-01-02")

	doc := f.viewer.Get("/app/visits/?date=" + week + "&lang=tr").Doc(t)
	if n := doc.Find(".cal-grid .cal-visit").Length(); n != 2 {
		t.Fatalf("week grid: %d visits, want 2", n)
	}
	if n := doc.Find(".cal-grid .cal-dayhead").Length(); n != 7 {
		t.Errorf("week has %d days", n)
	}
	first := doc.Find(fmt.Sprintf(`.cal-grid .cal-visit:has(a[href="/app/visits/%d/"])`, a.ID))
	if !strings.Contains(first.Text(), "Onay bekliyor") || !strings.Contains(first.Text(), "Deniz Yılmaz") || !strings.Contains(first.Text(), "10:00") {
		t.Errorf("proposed visit reads %q", strings.Join(strings.Fields(first.Text()), " "))
	}
	if first.Find(fmt.Sprintf(`a[href="/app/inbox/%d/"]`, f.conv)).Length() != 1 {
		t.Error("the visit does not link to its conversation")
	}
	// Monday's column is the 2nd grid column, its 10:00 row is (10-7)*2+2 = 8.
	if st, _ := first.Attr("style"); !strings.Contains(st, "grid-column:2;grid-row:8 / span 3") {
		t.Errorf("placed at %q", st)
	}
	if first.AttrOr("draggable", "") != "" {
		t.Error("a viewer may drag a visit")
	}
	second := doc.Find(fmt.Sprintf(`.cal-agenda li:has(a[href="/app/visits/%d/"])`, b.ID))
	if !strings.Contains(second.Text(), "Onaylandı") || !strings.Contains(second.Text(), "14:00–15:30") || !strings.Contains(second.Text(), "talha") {
		t.Errorf("agenda item reads %q", strings.Join(strings.Fields(second.Text()), " "))
	}
	if got := doc.Find(".cal-agenda h3").Length(); got != 2 {
		t.Errorf("agenda groups: %d, want 2 days", got)
	}
	if !strings.Contains(doc.Find(`.nav a[href="/app/visits/"]`).Text(), "Keşif") {
		t.Error("menu entry missing")
	}
	// One person: only the operator's visit.
	doc = f.owner.Get(fmt.Sprintf("/app/visits/?date=%s&user=%d", week, f.op.UserID)).Doc(t)
	if n := doc.Find(".cal-grid .cal-visit").Length(); n != 1 || doc.Find(fmt.Sprintf(`.cal-grid a[href="/app/visits/%d/"]`, a.ID)).Length() != 1 {
		t.Errorf("operator's week: %d visits", n)
	}
	if doc.Find(fmt.Sprintf(`.cal-visit[draggable="true"][data-reschedule="/app/visits/%d/reschedule"]`, a.ID)).Length() != 1 {
		t.Error("the owner cannot drag an open visit")
	}
	// The day view of Wednesday holds the other visit; the previous and next links step a day.
	wed := mon.AddDate(0, 0, 2).Format("2006-01-02")
	doc = f.owner.Get("/app/visits/?view=day&date=" + wed + "&lang=en").Doc(t)
	if n := doc.Find(".cal-grid .cal-visit").Length(); n != 1 || doc.Find(".cal-grid .cal-dayhead").Length() != 1 {
		t.Errorf("day view: %d visits", n)
	}
	if href := doc.Find(`a[rel="next"]`).AttrOr("href", ""); !strings.Contains(href, "date="+mon.AddDate(0, 0, 3).Format("2006-01-02")) || !strings.Contains(href, "view=day") {
		t.Errorf("next day link %q", href)
	}
	if href := doc.Find(`a[rel="prev"]`).AttrOr("href", ""); !strings.Contains(href, "date="+mon.AddDate(0, 0, 1).Format("2006-01-02")) {
		t.Errorf("previous day link %q", href)
	}
	// The week before is empty and says so.
	doc = f.owner.Get("/app/visits/?date=" + mon.AddDate(0, 0, -7).Format("2006-01-02") + "&lang=en").Doc(t)
	if doc.Find(".cal-visit").Length() != 0 || !strings.Contains(doc.Find(".cal-agenda .empty").Text(), "No site visits this week") {
		t.Error("an empty week does not say so")
	}
}

func TestLayLanesAndGrowth(t *testing.T) {
	t.Parallel()
	loc := time.UTC
	day := time.Date(2026, 12, 9, 0, 0, 0, 0, loc) // a Wednesday
	vs := []visits.CalVisit{
		{ID: 1, Start: day.Add(10 * time.Hour), Duration: time.Hour},
		{ID: 2, Start: day.Add(10*time.Hour + 30*time.Minute), Duration: time.Hour},
		{ID: 3, Start: day.Add(12 * time.Hour), Duration: 30 * time.Minute},
		{ID: 4, Start: day.Add(21 * time.Hour), Duration: 2 * time.Hour}, // grows the grid to 23:00
		{ID: 5, Start: day.AddDate(0, 0, 7), Duration: time.Hour},        // next week: left out
	}
	l := visits.Lay("week", day, day, loc, vs)
	if l.From.Weekday() != time.Monday || len(l.Days) != 7 || l.StartHour != 7 || l.EndHour != 23 || l.Rows != 32 {
		t.Fatalf("layout: from %s, %d days, %d–%d, %d rows", l.From, len(l.Days), l.StartHour, l.EndHour, l.Rows)
	}
	wed := l.Days[2]
	if !wed.Today || len(wed.Visits) != 4 {
		t.Fatalf("Wednesday: today %v, %d visits", wed.Today, len(wed.Visits))
	}
	got := ""
	for _, p := range wed.Visits {
		got += fmt.Sprintf("%d:%d+%d@%d/%d ", p.ID, p.Row, p.Span, p.Lane, p.Lanes)
	}
	if want := "1:8+2@0/2 2:9+2@1/2 3:12+1@0/1 4:30+4@0/1 "; got != want {
		t.Errorf("placed %s, want %s", got, want)
	}
}

func TestMoveVisitGoesBackToTheQueue(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	mon := nextMonday10()
	v := f.book(t, f.conv, mon, f.op.UserID)
	f.confirm(t, v.ID)
	other := f.book(t, f.conv2, mon.Add(3*time.Hour), f.op.UserID)
	oldRec := f.visit(t, v.ID).RecommendationID
	path := fmt.Sprintf("/app/visits/%d/reschedule", v.ID)

	// A viewer may not; a time in the past and one on top of the same person's other visit are
	// refused in the user's language with nothing changed.
	if r := f.viewer.Post(path, url.Values{"start": {mon.Add(time.Hour).Format("2006-01-02T15:04")}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer: %d", r.StatusCode)
	}
	for _, c := range []struct{ start, want string }{
		{time.Now().Add(-48 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04"), "Bu saat geçti"},
		{mon.Add(3*time.Hour + 30*time.Minute).Format("2006-01-02T15:04"), "başka bir keşifte"},
		{"yarın", "Bir tarih ve saat girin"},
	} {
		r := f.op.Post(path+"?lang=tr", url.Values{"start": {c.start}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.want) {
			t.Errorf("start %q: %d, want 422 with %q", c.start, r.StatusCode, c.want)
		}
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || got.StartsAt != mon.UnixMilli() {
		t.Fatalf("refused moves changed the visit: %+v", got)
	}

	// The drag's post: a confirmed visit moves, goes back to proposed with a NEW recommendation.
	to := mon.AddDate(0, 0, 1).Add(90 * time.Minute)
	next := "/app/visits/?date=" + mon.Format("2006-01-02")
	r := f.op.Post(path, url.Values{"start": {to.Format("2006-01-02T15:04")}, "next": {next}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != next {
		t.Fatalf("move: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	got := f.visit(t, v.ID)
	if got.Status != visits.StatusProposed || got.StartsAt != to.UnixMilli() || got.RecommendationID == 0 || got.RecommendationID == oldRec || got.ApprovedAt != 0 {
		t.Fatalf("moved visit: %+v", got)
	}
	rec, err := approvals.ByID(context.Background(), f.e.DB("acme").Read, got.RecommendationID)
	if err != nil || rec.Status != "pending" {
		t.Fatalf("new recommendation: %+v %v", rec, err)
	}
	var n int
	_ = f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'visit_rescheduled' AND payload LIKE ?`,
		fmt.Sprintf(`%%"visit_id":%d%%`, v.ID)).Scan(&n)
	if n != 1 {
		t.Errorf("%d reschedule log rows", n)
	}
	// Moving it again while it waits: the waiting recommendation is withdrawn, a new one made.
	again := to.Add(2 * time.Hour)
	if r := f.op.Post(path, url.Values{"start": {again.Format("2006-01-02T15:04")}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second move: %d", r.StatusCode)
	}
	moved := f.visit(t, v.ID)
	if old, err := approvals.ByID(context.Background(), f.e.DB("acme").Read, got.RecommendationID); err != nil || old.Status == "pending" {
		t.Errorf("the replaced recommendation is still %+v (%v)", old, err)
	}
	if moved.RecommendationID == got.RecommendationID || moved.Status != visits.StatusProposed || moved.StartsAt != again.UnixMilli() {
		t.Errorf("second move: %+v", moved)
	}
	// A closed visit does not move.
	if _, err := f.e.DB("acme").Exec(context.Background(), `UPDATE site_visits SET status = 'cancelled' WHERE id = ?`, other.ID); err != nil {
		t.Fatal(err)
	}
	if r := f.op.Post(fmt.Sprintf("/app/visits/%d/reschedule", other.ID), url.Values{"start": {to.Add(5 * time.Hour).Format("2006-01-02T15:04")}}); r.StatusCode != http.StatusConflict {
		t.Errorf("moving a cancelled visit: %d", r.StatusCode)
	}
	// Another tenant's visit id is not found.
	if r := f.op.Get("/app/visits/999/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown visit: %d", r.StatusCode)
	}
}

var feedURL = regexp.MustCompile(`https?://[^"<\s]+/ical/[^"<\s]+\.ics`)

// makeFeed presses "make my calendar address" and returns the address shown once.
func makeFeed(t *testing.T, c *apptest.Client) string {
	t.Helper()
	r := c.Post("/app/visits/feed", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("make feed: %d", r.StatusCode)
	}
	u := feedURL.FindString(r.Body)
	if u == "" || !strings.Contains(r.Body, "webcal://") {
		t.Fatalf("no feed address on the page:\n%s", r.Body)
	}
	return u
}

func getFeed(t *testing.T, e *apptest.Env, u string) *apptest.Resp {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return e.Client().Get(p.Path)
}

func TestICalFeed(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	now := time.Now()
	mine1 := f.book(t, f.conv, now.Add(24*time.Hour).Truncate(time.Hour), f.op.UserID)
	mine2 := f.book(t, f.conv2, now.Add(72*time.Hour).Truncate(time.Hour), f.op.UserID, f.owner.UserID)
	f.confirm(t, mine2.ID)
	f.book(t, f.conv, now.Add(96*time.Hour).Truncate(time.Hour), f.owner.UserID)   // not the operator's
	f.book(t, f.conv2, now.Add(200*24*time.Hour).Truncate(time.Hour), f.op.UserID) // beyond the 180 days ahead
	past := func(days int) *visits.Visit {
		v, err := visits.ImportDone(context.Background(), f.e.DB("acme"), visits.Booking{ConversationID: f.conv, Start: now.Add(-time.Duration(days) * 24 * time.Hour).Truncate(time.Hour),
			DurationMin: 90, Address: "Bağdat Cad. 12, Kadıköy", Assignees: []int64{f.op.UserID}},
			visits.Outcome{Status: visits.StatusDone, AreaDM2: 5000}, "talha", visits.Actor{Name: "talha"})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	done := past(10) // within the 30 days back
	past(40)         // before them

	// The profile offers it; only the hash is stored.
	doc := f.op.Get("/app/profile/?lang=en").Doc(t)
	if !strings.Contains(doc.Find("#calendar-feed").Text(), "Add to your phone's calendar") || doc.Find(`#calendar-feed form[action="/app/visits/feed"]`).Length() != 1 {
		t.Fatal("the profile has no calendar feed section")
	}
	u := makeFeed(t, f.op)
	token := strings.TrimSuffix(u[strings.LastIndex(u, "/")+1:], ".ics")
	var stored string
	_ = f.e.DB("acme").Read.QueryRow(`SELECT token_hash FROM visit_feeds WHERE user_id = ?`, f.op.UserID).Scan(&stored)
	if stored == "" || strings.Contains(stored, token) || len(stored) != 64 {
		t.Fatalf("stored %q for token %q", stored, token)
	}
	if doc := f.op.Get("/app/profile/?lang=en").Doc(t); doc.Find(`#calendar-feed form[action="/app/visits/feed/revoke"]`).Length() != 1 || strings.Contains(doc.Text(), token) {
		t.Error("the profile does not offer revoking, or shows the token again")
	}

	r := getFeed(t, f.e, u)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	cal, err := goical.NewDecoder(strings.NewReader(r.Body)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, r.Body)
	}
	events := cal.Events()
	got := map[string]string{}
	for _, ev := range events {
		uid, _ := ev.Props.Text(goical.PropUID)
		status, _ := ev.Props.Text(goical.PropStatus)
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		end, err := ev.DateTimeEnd(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		sum, _ := ev.Props.Text(goical.PropSummary)
		loc, _ := ev.Props.Text(goical.PropLocation)
		desc, _ := ev.Props.Text(goical.PropDescription)
		if ev.Props.Get(goical.PropDateTimeStamp) == nil || loc != "Bağdat Cad. 12, Kadıköy" || !strings.Contains(desc, "/app/visits/") || !strings.Contains(sum, "Site visit: ") {
			t.Errorf("event %s: summary %q location %q description %q", uid, sum, loc, desc)
		}
		if end.Sub(start) != 90*time.Minute {
			t.Errorf("event %s lasts %s", uid, end.Sub(start))
		}
		got[uid] = status + " " + start.UTC().Format(time.RFC3339)
	}
	want := map[string]string{}
	for _, v := range []*visits.Visit{f.visit(t, mine1.ID), f.visit(t, mine2.ID), done} {
		st := "TENTATIVE"
		if v.Status == visits.StatusConfirmed || v.Status == visits.StatusDone {
			st = "CONFIRMED"
		}
		want[fmt.Sprintf("visit-%d@acme.127.0.0.1", v.ID)] = st + " " + v.Start().UTC().Format(time.RFC3339)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("feed events\n got %v\nwant %v", got, want)
	}

	// Tenant isolation: another tenant's member's token under this tenant's slug, and this
	// token under the other tenant's slug, are both unknown.
	f.e.Tenant("beta", "parke_tas", "en")
	stranger := f.e.User("beta", "bob", "owner")
	bu := makeFeed(t, stranger)
	btoken := bu[strings.LastIndex(bu, "/")+1:]
	if r := f.e.Client().Get("/ical/acme/" + btoken); r.StatusCode != http.StatusNotFound {
		t.Errorf("beta's token under acme: %d", r.StatusCode)
	}
	if r := f.e.Client().Get("/ical/beta/" + token + ".ics"); r.StatusCode != http.StatusNotFound {
		t.Errorf("acme's token under beta: %d", r.StatusCode)
	}
	if r := getFeed(t, f.e, bu); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "VEVENT") {
		t.Errorf("beta's own feed: %d, events of acme: %v", r.StatusCode, strings.Contains(r.Body, "VEVENT"))
	}

	// A new address replaces the old one; revoking ends it.
	u2 := makeFeed(t, f.op)
	if u2 == u || getFeed(t, f.e, u).StatusCode != http.StatusNotFound || getFeed(t, f.e, u2).StatusCode != http.StatusOK {
		t.Fatal("regenerating does not replace the address")
	}
	if r := f.op.Post("/app/visits/feed/revoke", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if r := getFeed(t, f.e, u2); r.StatusCode != http.StatusNotFound {
		t.Errorf("revoked feed: %d", r.StatusCode)
	}
	if r := f.e.Client().Get("/ical/acme/short.ics"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a guessed token: %d", r.StatusCode)
	}
}

func TestParseArea(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"42,5": 4250, "42.5": 4250, "1.042,75": 104275, "120": 12000, " 7,05 m²": 705, "0,5m2": 50,
		"٤٢٫٥": 4250, "۴۲,۵ m²": 4250, "١٬٠٤٢٫٧٥": 104275, "١٢٠": 12000} { // an Arabic keyboard's digits and marks
		if got, ok := visits.ParseArea(in); !ok || got != want {
			t.Errorf("ParseArea(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "4,2,1", "42,555", "-3", "1e3", "٤٢٫٥٥٥", "٤٫٢٫١", "١٬٠٤"} {
		if got, ok := visits.ParseArea(in); ok {
			t.Errorf("ParseArea(%q) = %d, accepted", in, got)
		}
	}
}

func TestOutcomeFillsTheLeadAndStartsAQuote(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	ctx := context.Background()
	db := f.e.DB("acme")
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	path := fmt.Sprintf("/app/visits/%d/outcome", v.ID)

	// A proposed visit does not take an outcome yet.
	if r := f.op.Post(path, url.Values{"status": {"done"}, "area": {"40"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("outcome of a proposed visit: %d", r.StatusCode)
	}
	f.confirm(t, v.ID)
	if r := f.viewer.Post(path, url.Values{"status": {"done"}, "area": {"40"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer: %d", r.StatusCode)
	}
	// Bad input: 422 in the user's language, typed values kept, nothing stored.
	r := f.op.Post(path+"?lang=tr", url.Values{"status": {"done"}, "area": {"kırk"}, "surface": {"toprak"}, "photo": {"12345"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Alanı m² olarak girin") || !strings.Contains(r.Body, "Yalnızca bu konuşmanın fotoğraflarını seçin") ||
		!strings.Contains(r.Body, `value="toprak"`) {
		t.Fatalf("bad outcome: %d\n%s", r.StatusCode, r.Body)
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || got.HasMeasuredArea || got.Surface != "" {
		t.Fatalf("a refused outcome stored something: %+v", got)
	}

	// Done with a decimal comma: the visit, the lead's next step and a quote draft with 42,5 m².
	r = f.op.Post(path, url.Values{"status": {"done"}, "area": {"42,5"}, "surface": {"Toprak, düz"}, "access": {"Bahçe kapısı dar"}, "notes": {"Granit küp istiyor."}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("outcome: %d %s", r.StatusCode, r.Body)
	}
	got := f.visit(t, v.ID)
	if got.Status != visits.StatusDone || got.MeasuredAreaDM2 != 4250 || got.Surface != "Toprak, düz" || got.AccessNotes != "Bahçe kapısı dar" || got.QuoteID == 0 || got.DoneAt == 0 {
		t.Fatalf("done visit: %+v", got)
	}
	c, err := inbox.ConversationByID(ctx, db.Read, f.conv)
	if err != nil {
		t.Fatal(err)
	}
	if c.NextAction != "Teklif hazırla" || c.NextActionDueAt == 0 {
		t.Errorf("next action %q due %d", c.NextAction, c.NextActionDueAt)
	}
	var notes int
	_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'system' AND body LIKE '%42,5 m²%'`, f.conv).Scan(&notes)
	if notes != 1 {
		t.Errorf("%d notes with the area on the conversation", notes)
	}
	q, err := quotes.Load(ctx, db, got.QuoteID)
	if err != nil {
		t.Fatal(err)
	}
	if q.Status != "draft" || len(q.Lines) != 1 || q.Lines[0].Quantity != 42500 || q.Lines[0].Unit != "m²" || q.ConversationID != f.conv {
		t.Errorf("quote draft: %+v", q)
	}
	// The quote's note is for the customer: where the numbers come from, not the team's notes.
	if !strings.Contains(q.Note, "keşifte alınan ölçülere göre") || strings.Contains(q.Note, "Bahçe kapısı") || q.Lines[0].Name != "Ölçülen alan (keşif)" {
		t.Errorf("quote words: line %q, note %q", q.Lines[0].Name, q.Note)
	}
	// Correcting the outcome does not start a second quote.
	if r := f.op.Post(path, url.Values{"status": {"done"}, "area": {"43"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d", r.StatusCode)
	}
	if again := f.visit(t, v.ID); again.QuoteID != got.QuoteID || again.MeasuredAreaDM2 != 4300 {
		t.Errorf("after correction: %+v", again)
	}
	var quotesN int
	_ = db.Read.QueryRow(`SELECT count(*) FROM quotes`).Scan(&quotesN)
	if quotesN != 1 {
		t.Errorf("%d quotes after a correction", quotesN)
	}
	// The visit's page shows the outcome and the quote.
	doc := f.op.Get(fmt.Sprintf("/app/visits/%d/?lang=en", v.ID)).Doc(t)
	if !strings.Contains(doc.Find("#outcome").Text(), "43 m²") || doc.Find(fmt.Sprintf(`#outcome a[href="/app/quotes/%d/"]`, got.QuoteID)).Length() != 1 {
		t.Errorf("visit page outcome: %q", strings.Join(strings.Fields(doc.Find("#outcome").Text()), " "))
	}

	// No-show: no area needed, no quote.
	w := f.book(t, f.conv2, time.Now().Add(5*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, w.ID)
	if r := f.op.Post(fmt.Sprintf("/app/visits/%d/outcome", w.ID), url.Values{"status": {"no_show"}, "notes": {"Kimse açmadı"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("no-show: %d %s", r.StatusCode, r.Body)
	}
	if ns := f.visit(t, w.ID); ns.Status != visits.StatusNoShow || ns.QuoteID != 0 || ns.HasMeasuredArea {
		t.Errorf("no-show visit: %+v", ns)
	}
}

// Photos taken on site come with the outcome form (multipart): kept by the media room, linked to
// an internal note on the conversation and to the visit; a file that is not a photo is refused
// in the user's language with nothing stored.
func TestOutcomeUploadsPhotos(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	db := f.e.DB("acme")
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	post := func(name string, data []byte) *apptest.Resp {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, val := range map[string]string{"status": "done", "area": "12,5", "notes": "Avlu"} {
			_ = mw.WriteField(k, val)
		}
		fw, _ := mw.CreateFormFile("upload", name)
		_, _ = fw.Write(data)
		_ = mw.Close()
		req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/visits/%d/outcome?lang=tr", v.ID), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return f.op.Do(req)
	}
	if r := post("notes.txt", []byte("not a photo at all")); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="upload-error"`) {
		t.Fatalf("a text file: %d\n%s", r.StatusCode, r.Body)
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || len(got.Photos) != 0 {
		t.Fatalf("a refused upload stored: %+v", got)
	}
	if r := post("avlu.png", pngBuf.Bytes()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	got := f.visit(t, v.ID)
	if got.Status != visits.StatusDone || len(got.Photos) != 1 {
		t.Fatalf("after the upload: %+v", got)
	}
	var conv int64
	var dir string
	if err := db.Read.QueryRow(`SELECT a.conversation_id, m.direction FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`, got.Photos[0]).Scan(&conv, &dir); err != nil {
		t.Fatal(err)
	}
	if conv != f.conv || dir != "system" {
		t.Errorf("the photo sits on conversation %d as a %s message", conv, dir)
	}
	if r := f.op.Get(fmt.Sprintf("/app/media/%d?v=thumb", got.Photos[0])); r.StatusCode != http.StatusOK {
		t.Errorf("the photo's thumbnail: %d", r.StatusCode)
	}
}

// The calendar lays visits out in the tenant's zone (Europe/Istanbul, UTC+3) whatever the
// server's is, and a dropped slot's time is read in that zone too.
func TestCalendarInTheTenantsZone(t *testing.T) {
	t.Parallel()
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Skip("no time zone database")
	}
	f := calSetup(t)
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "after_hours": {"ack"}}
	for d := 1; d <= 5; d++ {
		form.Set(fmt.Sprintf("day%d", d), "09:00-18:00")
	}
	if r := f.owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hours: %d", r.StatusCode)
	}
	// Next week's Tuesday 07:00 UTC is 10:00 in Istanbul.
	tue := visits.WeekStart(time.Now().In(ist), ist).AddDate(0, 0, 8)
	utc := time.Date(tue.Year(), tue.Month(), tue.Day(), 7, 0, 0, 0, time.UTC)
	v := f.book(t, f.conv, utc, f.op.UserID)
	doc := f.owner.Get("/app/visits/?date=" + tue.Format("2006-01-02") + "&lang=tr").Doc(t)
	el := doc.Find(fmt.Sprintf(`.cal-grid .cal-visit[data-visit="%d"]`, v.ID))
	if st, _ := el.Attr("style"); !strings.Contains(st, "grid-column:3;grid-row:8 ") || !strings.Contains(el.Text(), "10:00") {
		t.Errorf("Tuesday 10:00 Istanbul drawn at %q reading %q", st, strings.Join(strings.Fields(el.Text()), " "))
	}
	if doc.Find(`[data-slot="`+tue.Format("2006-01-02")+`T10:00"]`).Length() != 1 {
		t.Error("no 10:00 slot on Tuesday")
	}
	// Dropping it on 14:30 (Istanbul) stores 11:30 UTC.
	if r := f.op.Post(fmt.Sprintf("/app/visits/%d/reschedule", v.ID), url.Values{"start": {tue.Format("2006-01-02") + "T14:30"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", r.StatusCode)
	}
	if got := f.visit(t, v.ID).Start().UTC(); got.Hour() != 11 || got.Minute() != 30 {
		t.Errorf("stored %s, want 11:30 UTC", got)
	}
}

package seasonal_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/crm"
	"highvibe/app/seasonal"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

type env struct {
	e                   *apptest.Env
	db                  *tenantdb.DB
	owner, oper, viewer *apptest.Client
}

// newEnv is a flower shop (niche cicekci: the seasonal module is on by default) with its three
// roles; the job runner is off, so the tests run the seasonal job themselves at chosen moments.
func newEnv(t *testing.T, locale string) *env {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("cicek", "cicekci", locale)
	return &env{e: e, db: e.DB("cicek"), owner: e.User("cicek", "olga", "owner"),
		oper: e.User("cicek", "oscar", "operator"), viewer: e.User("cicek", "vera", "viewer")}
}

func (v *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := v.db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func want(t *testing.T, r *apptest.Resp, status int, what string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %.300s", what, r.StatusCode, status, r.Body)
	}
}

// The viewer reads the calendar; only the owner adds, edits and removes dates.
func TestRolesViewerReadsOwnerManages(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "tr")
	want(t, v.owner.Post("/app/seasonal/presets", url.Values{"preset": {"mothers_day"}}), http.StatusSeeOther, "owner adds a preset")
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns WHERE preset = 'mothers_day' AND name = 'Anneler Günü'`); n != 1 {
		t.Fatalf("preset stored %d times under its Turkish name", n)
	}
	r := v.viewer.Get("/app/seasonal/")
	want(t, r, http.StatusOK, "viewer reads")
	if !strings.Contains(r.Body, "Anneler Günü") || !strings.Contains(r.Body, "Mayıs ayının ikinci Pazar günü") {
		t.Errorf("the viewer's calendar lacks the date or its rule: %.2000s", r.Body)
	}
	if strings.Contains(r.Body, `action="/app/seasonal/presets"`) || strings.Contains(r.Body, "/app/seasonal/new") {
		t.Error("the viewer is offered the owner's buttons")
	}
	doc := r.Doc(t)
	if got := doc.Find(".season-month").Length(); got != 12 || !strings.Contains(doc.Find("#cal-title").Text(), "Önümüzdeki on iki ay") {
		t.Errorf("default view: %d month cards, title %q", got, doc.Find("#cal-title").Text())
	}
	// The month grid of May 2027: Mother's Day on Sunday the 9th, its 14 days of lead time shaded
	// from 25 April (so 1–8 May here).
	g := v.viewer.Get("/app/seasonal/?month=2027-05").Doc(t)
	if got := strings.TrimSpace(g.Find("td.is-campaign .grid-day").Text()); got != "9" {
		t.Errorf("May 2027 grid marks day %q, want 9", got)
	}
	if got := g.Find("td.is-lead").Length(); got != 8 {
		t.Errorf("May 2027 grid shades %d lead-time days, want 8", got)
	}
	if got := g.Find("tbody tr:first-child td.is-blank").Length(); got != 5 {
		t.Errorf("1 May 2027 is a Saturday: %d blanks before it, want 5", got)
	}
	var id int64
	if err := v.db.Read.QueryRow(`SELECT id FROM seasonal_campaigns`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	edit := "/app/seasonal/" + itoa(id) + "/edit"
	for _, c := range []*apptest.Client{v.viewer, v.oper} {
		want(t, c.Post("/app/seasonal/presets", url.Values{"preset": {"valentines"}}), http.StatusForbidden, "add preset")
		want(t, c.Get("/app/seasonal/new"), http.StatusForbidden, "new form")
		want(t, c.Post(edit, url.Values{"name": {"x"}, "rule": {"fixed"}, "month": {"1"}, "day": {"1"}, "lead_days": {"1"}, "uplift_pct": {"1"}}), http.StatusForbidden, "edit")
		want(t, c.Post("/app/seasonal/"+itoa(id)+"/delete", nil), http.StatusForbidden, "delete")
	}
	// A second click on the same preset is a conflict, not a second row.
	want(t, v.owner.Post("/app/seasonal/presets", url.Values{"preset": {"mothers_day"}}), http.StatusConflict, "preset twice")
	// The owner edits and removes.
	f := url.Values{"name": {"Anneler Günü"}, "rule": {"nth_weekday"}, "nth": {"2"}, "weekday": {"0"}, "nth_month": {"5"},
		"lead_days": {"21"}, "uplift_pct": {"180"}, "notes": {"Kırmızı gül siparişi 10 gün önce."}}
	want(t, v.owner.Post(edit, f), http.StatusSeeOther, "owner edits")
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns WHERE lead_days = 21 AND uplift_pct = 180 AND month = 5 AND nth = 2 AND weekday = 0`); n != 1 {
		t.Error("the edit was not stored")
	}
	if b := v.viewer.Get("/app/seasonal/").Doc(t).Text(); !strings.Contains(b, "talep +%180") {
		t.Error("the calendar does not write the demand as talep +%180")
	}
	want(t, v.owner.Post("/app/seasonal/"+itoa(id)+"/delete", nil), http.StatusSeeOther, "owner deletes")
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns`); n != 0 {
		t.Error("the date stayed")
	}
}

// A form with mistakes comes back at 422 with every field's message, and nothing is stored.
func TestBadFormStoresNothing(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	r := v.owner.Post("/app/seasonal/new", url.Values{"name": {" "}, "rule": {"fixed"}, "month": {"2"}, "day": {"30"},
		"lead_days": {"500"}, "uplift_pct": {"abc"}})
	want(t, r, http.StatusUnprocessableEntity, "bad form")
	for _, msg := range []string{"Give the date a name.", "Enter a day that this month has", "from 0 to 120", "from -100 to 1000"} {
		if !strings.Contains(r.Body, msg) {
			t.Errorf("422 page lacks %q", msg)
		}
	}
	r = v.owner.Post("/app/seasonal/new", url.Values{"name": {"Bayram"}, "rule": {"dates"}, "dates": {"2027-03-09\n2027-13-01"},
		"lead_days": {"7"}, "uplift_pct": {"20"}})
	want(t, r, http.StatusUnprocessableEntity, "bad date list")
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns`); n != 0 {
		t.Errorf("%d rows stored from bad forms", n)
	}
	// The same form, right, is stored with its dates sorted.
	r = v.owner.Post("/app/seasonal/new", url.Values{"name": {"Bayram"}, "rule": {"dates"}, "dates": {"09.03.2028\n2027-03-09"},
		"lead_days": {"7"}, "uplift_pct": {"-20"}})
	want(t, r, http.StatusSeeOther, "good form")
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns WHERE dates = '2027-03-09,2028-03-09' AND uplift_pct = -20`); n != 1 {
		t.Error("the dates were not stored sorted")
	}
}

// With the module off the calendar answers 404 for everyone and leaves the menu; its dates stay
// and come back with the module.
func TestModuleOffKeepsData(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	want(t, v.owner.Post("/app/seasonal/presets", url.Values{"preset": {"valentines"}}), http.StatusSeeOther, "add")
	if r := v.owner.Get("/app/"); !strings.Contains(r.Body, `href="/app/seasonal/"`) {
		t.Error("the menu lacks the seasonal calendar while the module is on")
	}
	v.e.Set("cicek", map[string]string{"modules": "sales,inventory"})
	for _, c := range []*apptest.Client{v.owner, v.viewer} {
		want(t, c.Get("/app/seasonal/"), http.StatusNotFound, "calendar with the module off")
	}
	want(t, v.owner.Post("/app/seasonal/presets", url.Values{"preset": {"mothers_day"}}), http.StatusNotFound, "add with the module off")
	if r := v.owner.Get("/app/"); strings.Contains(r.Body, `href="/app/seasonal/"`) {
		t.Error("the menu still shows the seasonal calendar with the module off")
	}
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns`); n != 1 {
		t.Fatalf("%d dates left with the module off, want 1", n)
	}
	v.e.Set("cicek", map[string]string{"modules": "default"})
	r := v.viewer.Get("/app/seasonal/")
	want(t, r, http.StatusOK, "calendar back")
	if !strings.Contains(r.Body, "Valentine&#39;s Day") {
		t.Error("the date did not come back with the module")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The job raises one recommendation per campaign and year when its lead time starts: not before,
// not twice (the next run, the next day, a run with the module just turned back on), again the
// next year; and its words say last year's orders in that week.
func TestRecommendationOncePerCampaignYear(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	ctx := context.Background()
	c := &seasonal.Campaign{Name: "Mother's Day", Rule: seasonal.RuleNthWeekday, Month: 5, Weekday: time.Sunday, Nth: 2, LeadDays: 14, UpliftPct: 250}
	if err := seasonal.Save(ctx, v.db, c, seasonal.Actor{Name: "test"}, at("2026-01-10 10:00")); err != nil {
		t.Fatal(err)
	}
	// Last year's week (4–10 May 2026): three orders, one cancelled; one order outside it.
	err := v.db.InTx(ctx, func(tx *sql.Tx) error {
		cu := &crm.Customer{Name: "Ayşe"}
		if err := crm.SaveCustomer(ctx, tx, cu); err != nil {
			return err
		}
		for _, o := range []struct {
			day, status string
		}{{"2026-05-04 09:00", "won"}, {"2026-05-09 18:00", "fulfilled"}, {"2026-05-10 12:00", "cancelled"}, {"2026-05-03 12:00", "won"}, {"2026-05-10 20:00", "open"}} {
			if err := crm.SaveOrder(ctx, tx, &crm.Order{CustomerID: cu.ID, Status: o.status, Total: 100, Currency: "TRY", OrderedAt: at(o.day).UnixMilli()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	recs := func() int {
		return v.count(t, `SELECT count(*) FROM decision_recommendations WHERE model_name = ?`, seasonal.ModelName)
	}
	// Mother's Day 2027 is 9 May: the lead time starts on 25 April.
	run := func(now string, raise bool) seasonal.Run {
		r, err := seasonal.RunCheck(ctx, v.db, at(now), raise)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := run("2027-04-24 10:00", true); len(r.Raised) != 0 || r.Next.IsZero() {
		t.Fatalf("before the lead time: %+v", r)
	}
	if r := run("2027-04-25 09:00", false); len(r.Raised) != 0 || recs() != 0 {
		t.Fatal("raised while the module is off")
	}
	r := run("2027-04-25 09:00", true)
	if len(r.Raised) != 1 || recs() != 1 {
		t.Fatalf("lead time start: raised %v, %d recommendations", r.Raised, recs())
	}
	run("2027-04-25 09:00", true)
	run("2027-04-26 09:00", true)
	run("2027-05-09 09:00", true)
	if recs() != 1 {
		t.Fatalf("%d recommendations after more runs in the same year, want 1", recs())
	}
	rec, err := approvals.ByID(ctx, v.db.Read, r.Raised[0])
	if err != nil {
		t.Fatal(err)
	}
	var w words.Rec
	if err := json.Unmarshal([]byte(rec.Words), &w); err != nil {
		t.Fatal(err)
	}
	if w.Key != "seasonal.rec.soon" || w.Day != "2027-05-09" || len(w.SummaryArgs) != 2 || w.SummaryArgs[1] != float64(3) {
		t.Errorf("words %+v, want 14 days, 9 May and 3 orders last year", w)
	}
	if !strings.Contains(rec.Title, "Mother's Day in 14 days") || !strings.Contains(rec.Summary, "had 3 orders") {
		t.Errorf("plain text %q / %q", rec.Title, rec.Summary)
	}
	// The approval queue shows it in the reader's language.
	v.e.Set("cicek", map[string]string{"primary_locale": "tr"})
	page := v.owner.Get("/app/approvals/?lang=tr")
	if !strings.Contains(page.Body, "Mother&#39;s Day 14 gün sonra: hazırlanın") || !strings.Contains(page.Body, "09.05.2027") {
		t.Errorf("the queue does not word it in Turkish: %.3000s", page.Body)
	}
	if !strings.Contains(page.Body, `href="/app/seasonal/?month=2027-05" data-open-seasonal>Sezon takvimini aç</a>`) {
		t.Error("the queue does not link the recommendation to the calendar")
	}
	// The next year: once more.
	if r := run("2028-04-30 09:00", true); len(r.Raised) != 1 || recs() != 2 {
		t.Fatalf("2028: raised %v, %d recommendations", r.Raised, recs())
	}
	if n := v.count(t, `SELECT count(*) FROM seasonal_raised WHERE campaign_id = ?`, c.ID); n != 2 {
		t.Errorf("%d campaign-years recorded, want 2", n)
	}
	// Deleted and added again: the deleted campaign's open recommendation is withdrawn with it, so
	// the queue never holds two for the same day; the decided 2027 one stays as it was.
	if _, _, err := approvals.Decide(ctx, v.db, approvals.Decision{ID: r.Raised[0], Verb: "reject", Actor: approvals.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	if err := seasonal.Delete(ctx, v.db, c.ID, seasonal.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	again := &seasonal.Campaign{Name: "Mother's Day", Rule: seasonal.RuleNthWeekday, Month: 5, Weekday: time.Sunday, Nth: 2, LeadDays: 14, UpliftPct: 250}
	if err := seasonal.Save(ctx, v.db, again, seasonal.Actor{Name: "test"}, at("2028-04-30 10:00")); err != nil {
		t.Fatal(err)
	}
	if r := run("2028-04-30 11:00", true); len(r.Raised) != 1 {
		t.Fatalf("the campaign added again raised %v", r.Raised)
	}
	if n := v.count(t, `SELECT count(*) FROM decision_recommendations WHERE model_name = ? AND status IN ('draft','pending')`, seasonal.ModelName); n != 1 {
		t.Errorf("%d open seasonal recommendations after deleting and adding the campaign again, want 1", n)
	}
	if n := v.count(t, `SELECT count(*) FROM decision_recommendations WHERE model_name = ? AND status = 'rejected'`, seasonal.ModelName); n != 2 {
		t.Errorf("%d rejected seasonal recommendations, want 2 (decided in 2027, withdrawn with the campaign in 2028)", n)
	}
}

// A lead time across New Year belongs to the year of its date: raised on 18 December 2027 for
// New Year 2028, and not again on 1 January 2028.
func TestRecommendationAcrossNewYear(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	ctx := context.Background()
	c := &seasonal.Campaign{Name: "New Year", Rule: seasonal.RuleFixed, Month: 1, Day: 1, LeadDays: 14, UpliftPct: 50}
	if err := seasonal.Save(ctx, v.db, c, seasonal.Actor{}, at("2027-12-01 10:00")); err != nil {
		t.Fatal(err)
	}
	for _, now := range []string{"2027-12-17 09:00", "2027-12-18 09:00", "2027-12-31 09:00", "2028-01-01 09:00"} {
		if _, err := seasonal.RunCheck(ctx, v.db, at(now), true); err != nil {
			t.Fatal(err)
		}
	}
	if n := v.count(t, `SELECT count(*) FROM seasonal_raised WHERE year = 2028 AND occurs_on = '2028-01-01'`); n != 1 {
		t.Fatalf("%d raised rows for New Year 2028", n)
	}
	var words string
	if err := v.db.Read.QueryRow(`SELECT words FROM decision_recommendations`).Scan(&words); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(words, `"seasonal.rec.soon_nolast"`) || !strings.Contains(words, `"title_args":["New Year",14]`) {
		t.Errorf("words %s: want 14 days and no orders to compare with", words)
	}
}

// waitFor polls cond (a read of the tenant's database) until it holds; the deadline is a bound
// for a broken runner only.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s never happened", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Through the real job runner: saving a date queues a run at once; with the module off the run
// raises nothing but keeps the daily run queued; once the module is back, the next run (here the
// one a new date's save queues) raises every date whose lead time runs, the older one included.
func TestJobRunnerFollowsTheModule(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("cicek", "cicekci", "en")
	db := e.DB("cicek")
	owner := e.User("cicek", "olga", "owner")
	v := &env{e: e, db: db, owner: owner}
	soon := time.Now().AddDate(0, 0, 5)
	e.Set("cicek", map[string]string{"modules": "sales"})
	c := &seasonal.Campaign{Name: "Dükkân yıl dönümü", Rule: seasonal.RuleFixed, Month: int(soon.Month()), Day: soon.Day(), LeadDays: 10, UpliftPct: 40}
	if err := seasonal.Save(context.Background(), db, c, seasonal.Actor{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run with the module off", func() bool {
		return v.count(t, `SELECT count(*) FROM jobs WHERE kind = 'seasonal_check' AND status = 'done'`) >= 1 &&
			v.count(t, `SELECT count(*) FROM jobs WHERE kind = 'seasonal_check' AND status = 'queued' AND dedupe_key LIKE 'day:%'`) == 1
	})
	if n := v.count(t, `SELECT count(*) FROM decision_recommendations`); n != 0 {
		t.Fatalf("%d recommendations raised with the module off", n)
	}
	e.Set("cicek", map[string]string{"modules": "default"})
	soon2 := time.Now().AddDate(0, 0, 3)
	want(t, owner.Post("/app/seasonal/new", url.Values{"name": {"Çiçek festivali"}, "rule": {"fixed"}, "month": {itoa(int64(soon2.Month()))},
		"day": {itoa(int64(soon2.Day()))}, "lead_days": {"7"}, "uplift_pct": {"60"}}), http.StatusSeeOther, "add a date")
	waitFor(t, "both recommendations", func() bool {
		return v.count(t, `SELECT count(*) FROM decision_recommendations WHERE model_name = ?`, seasonal.ModelName) == 2
	})
	if n := v.count(t, `SELECT count(*) FROM seasonal_raised`); n != 2 {
		t.Errorf("%d campaign-years recorded, want 2", n)
	}
}

package conversions_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/conversions"
	"highvibe/app/jobs"
)

// Meta takes an event only up to 7 days after it happened and refuses the whole request for an
// older one. A Meta delivery that failed and is now older than that says so on the settings page,
// without "Try again", and a try is refused (it used to be queued, and fail again at Meta's door,
// however the owner fixed the token); a delivery whose time comes when its event is already too
// old fails without calling Meta. TikTok's and Google's deliveries are not held to Meta's week.
func TestMetaEventOlderThanAWeekIsNotRetried(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	p.mu.Lock()
	p.answer = func(path string, n int) (int, string) {
		if path == metaPath {
			return 400, `{"error":{"message":"Invalid OAuth access token","code":190}}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali Veli", "phone": "0532 765 43 21", "consent": true, "marketing": true, "lang": "tr",
		"attribution": map[string]string{"fbclid": "IwAR-x", "ttclid": "E.C.P.y"}})
	var mid int64
	waitFor(t, "Meta's refusal", func() bool {
		return db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'meta' AND status = 'failed'`).Scan(&mid) == nil
	})
	// Eight days pass before the owner looks.
	if _, err := db.Write.Exec(`UPDATE conversion_events SET event_time = ?`, time.Now().Add(-8*24*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	page := owner.Get("/app/settings/conversions?lang=en")
	row := page.Doc(t).Find(`tr[data-delivery="` + itoa(mid) + `"]`)
	if row.Find(`form[action$="/retry"]`).Length() != 0 || !strings.Contains(row.Text(), "Meta takes an event only up to 7 days") {
		t.Fatalf("the old Meta delivery's row:\n%s", row.Text())
	}
	if r := owner.Post("/app/settings/conversions/deliveries/"+itoa(mid)+"/retry", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a retry of the old Meta delivery: %d, want 404", r.StatusCode)
	}
	// A delivery due now for an event already too old fails at once, Meta never called.
	calls := len(p.bodies(metaPath))
	if _, err := db.Write.Exec(`UPDATE conversion_deliveries SET status = 'queued', reason = '' WHERE id = ?`, mid); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.EnqueueDB(context.Background(), db, conversions.JobSend, map[string]int64{"delivery_id": mid}, jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the old delivery given up", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE id = ? AND status = 'failed'`, mid) == 1 &&
			count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running')`, conversions.JobSend) == 0
	})
	if n := len(p.bodies(metaPath)); n != calls {
		t.Fatalf("Meta was called for an event older than a week (%d calls, %d before)", n, calls)
	}
	// TikTok's delivery of the same event is sent as ever.
	if count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'tiktok' AND status = 'sent'`) != 1 {
		t.Fatal("TikTok's delivery was held to Meta's week")
	}
}

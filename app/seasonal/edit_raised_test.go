package seasonal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/seasonal"
	"highvibe/app/words"
)

// TestEditAfterRaisedRaisesAgain: a date whose recommendation waits in the approval queue is
// edited on its page. The waiting recommendation is withdrawn and the next check raises one from
// the date as it now is: moved from 20 to 15 March with +100% instead of +60%, the queue said "on
// 20 March, +60%" until someone decided, and no new one came (once per date and year). A change
// of the notes alone leaves the waiting one as it is (no second notification); a date moved out
// of its lead time leaves none waiting.
func TestEditAfterRaisedRaisesAgain(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "en")
	ctx := context.Background()
	f := url.Values{"name": {"Nevruz"}, "rule": {"fixed"}, "month": {"3"}, "day": {"20"}, "lead_days": {"14"}, "uplift_pct": {"60"}}
	want(t, v.owner.Post("/app/seasonal/new", f), http.StatusSeeOther, "new date")
	id := int64(v.count(t, `SELECT id FROM seasonal_campaigns`))
	edit := "/app/seasonal/" + itoa(id) + "/edit"
	check := func() {
		t.Helper()
		if _, err := seasonal.RunCheck(ctx, v.db, at("2027-03-10 10:00"), true); err != nil {
			t.Fatal(err)
		}
	}
	waiting := func() (ids []int64, ws []words.Rec) {
		t.Helper()
		rows, err := v.db.Read.Query(`SELECT id, words FROM decision_recommendations WHERE model_name = ? AND status IN ('draft','pending') ORDER BY id`, seasonal.ModelName)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var raw string
			var w words.Rec
			if err := rows.Scan(&id, &raw); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(raw), &w); err != nil {
				t.Fatal(err)
			}
			ids, ws = append(ids, id), append(ws, w)
		}
		return ids, ws
	}
	check()
	first, ws := waiting()
	if len(first) != 1 || ws[0].Day != "2027-03-20" {
		t.Fatalf("raised: %v %+v, want one for 20 March", first, ws)
	}

	// Moved earlier, with more demand: the queue holds one recommendation, of the new date.
	f.Set("day", "15")
	f.Set("uplift_pct", "100")
	want(t, v.owner.Post(edit, f), http.StatusSeeOther, "edit the date")
	check()
	ids, ws := waiting()
	if len(ids) != 1 || ws[0].Day != "2027-03-15" || len(ws[0].SummaryArgs) == 0 || ws[0].SummaryArgs[0] != float64(100) {
		t.Fatalf("after moving the date: waiting %v %+v, want one for 15 March at +100%%", ids, ws)
	}
	if old, err := approvals.ByID(ctx, v.db.Read, first[0]); err != nil || old.Open() {
		t.Errorf("the stale recommendation still waits: %+v %v", old, err)
	}

	// The notes alone: the waiting one stays, not raised again.
	f.Set("notes", "Call the wholesaler on the 5th.")
	want(t, v.owner.Post(edit, f), http.StatusSeeOther, "edit the notes")
	check()
	if again, _ := waiting(); len(again) != 1 || again[0] != ids[0] {
		t.Errorf("after editing the notes: waiting %v, want %v as it was", again, ids)
	}

	// Moved out of its lead time (to May): nothing waits any more.
	f.Set("month", "5")
	want(t, v.owner.Post(edit, f), http.StatusSeeOther, "move to May")
	check()
	if left, _ := waiting(); len(left) != 0 {
		t.Errorf("a date moved out of its lead time still has %v waiting", left)
	}
}

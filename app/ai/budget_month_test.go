package ai_test

import (
	"context"
	"testing"
	"time"

	"highvibe/app/ai"
	"highvibe/app/apptest"
)

// The AI budget is a calendar month of the business: at 00:30 on 1 March in Istanbul (21:30 UTC
// on 28 February) the month's spend is March's alone. It was counted from UTC's month, so
// February's calls still used up March's budget until 03:00 and an assistant stopped by a spent
// budget in February stayed stopped into the new month.
func TestBudgetMonthIsTheBusinesss(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	apptest.SetZone(t, e.User("acme", "talha", "owner"), "Europe/Istanbul")
	db := e.DB("acme")
	for _, u := range []struct {
		at   time.Time
		cost float64
	}{
		{time.Date(2027, 2, 28, 20, 0, 0, 0, time.UTC), 25}, // 23:00 on 28 February in Istanbul
		{time.Date(2027, 2, 28, 21, 15, 0, 0, time.UTC), 3}, // 00:15 on 1 March
	} {
		if _, err := db.Write.Exec(`INSERT INTO ai_usage(provider, model_name, purpose, cost_usd, created_at) VALUES('openai_compatible','m','triage',?,?)`,
			u.cost, u.at.UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	spent, err := ai.MonthSpendAt(context.Background(), db, time.Date(2027, 2, 28, 21, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if spent != 3 {
		t.Errorf("spend at 00:30 on 1 March in Istanbul %v USD, want March's 3", spent)
	}
}

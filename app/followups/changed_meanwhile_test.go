package followups_test

import (
	"strings"
	"testing"

	"highvibe/app/followups"
)

// Two owners set the days between follow-ups from pages drawn at the same time: Sema 6, Selim
// (his page from before) 1. The later save used to win without a word. Now Selim's save stores
// nothing and the page comes back saying Sema saved 6 and he typed 1, his 1 kept in the box;
// pressed again, his 1 is stored.
func TestRulesSameFieldChangedMeanwhileIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	sema, selim := f.e.User("acme", "sema", "owner"), f.e.User("acme", "selim", "owner")
	hers := rulesForm(t, sema.Get("/app/followups/").Doc(t))
	his := rulesForm(t, selim.Get("/app/followups/?lang=tr").Doc(t))
	hers.Set("step_days", "6")
	if r := sema.Post("/app/followups/settings", hers); r.StatusCode != 303 {
		t.Fatalf("sema's save: %d", r.StatusCode)
	}
	his.Set("step_days", "1")
	his.Set("max_steps", "4")
	r := selim.Post("/app/followups/settings", his)
	if r.StatusCode != 409 {
		t.Fatalf("selim's days over sema's: %d, want 409", r.StatusCode)
	}
	doc := r.Doc(t)
	if top := doc.Find("[data-changed-meanwhile]").Text(); !strings.Contains(top, "Kaydedilmedi") {
		t.Fatalf("notice above the form: %q", top)
	}
	// Each value stands in its own direction (between invisible isolates): a code such as
	// "OCT-2026-0001" keeps its order inside an Arabic sentence.
	beside := doc.Find(`input[name="step_days"]`).Parent().Text()
	if !strings.Contains(beside, "“\u20686\u2069”") || !strings.Contains(beside, "“\u20681\u2069”") {
		t.Fatalf("beside the days: %q", beside)
	}
	s, err := followups.LoadSettings(ctx, f.db.Read)
	if err != nil {
		t.Fatal(err)
	}
	if s.StepDays != 6 || s.MaxSteps == 4 {
		t.Fatalf("after the refused save: %+v", s)
	}
	again := rulesForm(t, doc)
	if again.Get("step_days") != "1" || again.Get("was_step_days") != "6" || again.Get("max_steps") != "4" {
		t.Fatalf("the form shown again: %v", again)
	}
	if r := selim.Post("/app/followups/settings", again); r.StatusCode != 303 {
		t.Fatalf("second press: %d", r.StatusCode)
	}
	if s, _ = followups.LoadSettings(ctx, f.db.Read); s.StepDays != 1 || s.MaxSteps != 4 {
		t.Fatalf("after the second press: %+v", s)
	}
}

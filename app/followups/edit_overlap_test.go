package followups_test

import (
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/followups"
)

// rulesForm is what a browser sends for the rules form as the follow-ups page drew it.
func rulesForm(t *testing.T, doc *goquery.Document) url.Values {
	t.Helper()
	v := url.Values{}
	doc.Find(`form[action="/app/followups/settings"] input[name]`).Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "checkbox" && s.AttrOr("checked", "-") == "-" {
			return // an unticked box is not sent
		}
		v.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return v
}

// Two owners have the follow-ups page open. Sema turns follow-ups off (the campaign is over);
// Selim, his page drawn before her save, sets the steps three days apart. His save sent the
// "send follow-ups" box ticked as his page showed it, so follow-ups were on again and went out,
// without a word. Now each save changes only what its sender changed.
func TestRulesSaveKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	f := setup(t)
	sema, selim := f.e.User("acme", "sema", "owner"), f.e.User("acme", "selim", "owner")
	hers := rulesForm(t, sema.Get("/app/followups/").Doc(t))
	his := rulesForm(t, selim.Get("/app/followups/").Doc(t))
	if hers.Get("enabled") != "1" {
		t.Fatalf("the rules form as drawn: %v", hers)
	}
	hers.Del("enabled")
	if r := sema.Post("/app/followups/settings", hers); r.StatusCode != 303 {
		t.Fatalf("sema's save: %d", r.StatusCode)
	}
	his.Set("step_days", "3")
	his.Set("max_steps", "üç")
	if r := selim.Post("/app/followups/settings", his); r.StatusCode != 422 {
		t.Fatalf("selim's steps in words: %d", r.StatusCode)
	}
	his = rulesForm(t, selim.Post("/app/followups/settings", his).Doc(t)) // the refused form, as shown again
	his.Set("max_steps", "2")
	if r := selim.Post("/app/followups/settings", his); r.StatusCode != 303 {
		t.Fatalf("selim's save: %d", r.StatusCode)
	}
	s, err := followups.LoadSettings(ctx, f.db.Read)
	if err != nil {
		t.Fatal(err)
	}
	if s.Enabled || s.StepDays != 3 || s.MaxSteps != 2 {
		t.Fatalf("rules after both saves: %+v", s)
	}
}
